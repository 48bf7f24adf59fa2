"""Consistency rules over the whole knowledge base: one module per family, one declared rule per check.

The registry is every rule the families below declare, in their order: `kb check` runs them, waivers name
them, and the site's Checks page is generated from them.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

from kb.check.rules import (
    assessments,
    briefings,
    chronology,
    dates,
    figures,
    grades,
    hygiene,
    ids,
    near_duplicates,
    orphans,
    references,
    revisions,
    waivers,
)
from kb.check.rules.base import Rule
from kb.core.findings import Finding
from kb.core.model import KnowledgeBase

FAMILIES: tuple[ModuleType, ...] = (
    hygiene,
    ids,
    references,
    dates,
    chronology,
    figures,
    grades,
    assessments,
    briefings,
    near_duplicates,
    orphans,
    revisions,
    waivers,
)


def _declared(family: ModuleType) -> Iterator[Rule]:
    for value in vars(family).values():
        if isinstance(value, Rule):
            yield value
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, Rule) for v in value):
            yield from value


RULES: dict[str, Rule] = {r.id: r for family in FAMILIES for r in _declared(family)}
"""Every rule by id."""


def run_rules(kb: KnowledgeBase) -> Iterator[Finding]:
    for r in RULES.values():
        if r.check is not None:
            yield from r.check(kb)
