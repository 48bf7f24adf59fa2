"""Orphans: sources and actors that nothing refers to (warnings)."""

from __future__ import annotations

from collections.abc import Iterator

from kb.check.rules.base import finding, rule
from kb.core.facts import Fact
from kb.core.findings import Finding
from kb.core.model import KnowledgeBase


def _orphans(kb: KnowledgeBase, fact_type: str) -> Iterator[Fact]:
    if kb.broken:  # a file that failed validation may hold the missing reference: stay quiet
        return
    for fact in kb.of_type(fact_type).values():
        if not any(ref.origin is not fact for ref in kb.cited_by.get(fact.id, ())):
            yield fact


@rule(
    "orphan-source",
    "warning",
    "Every source is cited by at least one fact or briefing.",
    "Cite the source from the facts it supports, or remove it.",
)
def sources_are_cited(kb: KnowledgeBase) -> Iterator[Finding]:
    for s in _orphans(kb, "source"):
        yield finding(
            s,
            "orphan-source",
            f"source '{s.id}' is not cited anywhere",
            "cite it from a fact (sources: [{source: ..., locator: ...}]) or delete the file",
            where=("id",),
        )


@rule(
    "orphan-actor",
    "warning",
    "Every actor takes part in an event, figure, role, membership or briefing.",
    "Reference the actor from the facts it belongs to, or remove it.",
)
def actors_are_used(kb: KnowledgeBase) -> Iterator[Finding]:
    for a in _orphans(kb, "actor"):
        yield finding(
            a,
            "orphan-actor",
            f"actor '{a.id}' is not referenced by any other fact or briefing",
            "link it from an event, figure or briefing, or delete the file",
            where=("id",),
        )
