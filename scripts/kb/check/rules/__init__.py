"""Consistency rules over the whole knowledge base: one module per family, one function per rule.

A rule is a function from the KnowledgeBase to findings, registered with `@rule`. The registry
is also what the checks page of the site is generated from, so the docs cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from kb.core.findings import Finding, Severity
from kb.core.loader import Position
from kb.core.facts import Fact
from kb.core.model import KnowledgeBase


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str  # what the rule asks of the data, for the docs
    fix: str  # how to fix a finding, for the docs
    check: Callable[[KnowledgeBase], Iterable[Finding]] | None = None


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity, summary: str, fix: str):
    """Register a rule function under `rule_id`."""

    def register(fn: Callable[[KnowledgeBase], Iterable[Finding]]):
        RULES[rule_id] = Rule(rule_id, severity, summary, fix, fn)
        return fn

    return register


def describe(rule_id: str, severity: Severity, summary: str, fix: str) -> None:
    """Register a rule that the loader or schema step enforces, so the docs list it too."""
    RULES[rule_id] = Rule(rule_id, severity, summary, fix)


def finding(fact: Fact, rule_id: str, message: str, hint: str = "", *, at: Position | None = None,
            where: tuple = (), key: bool = False) -> Finding:
    """A finding of a registered rule, located at `at` or at field path `where` of `fact`."""
    pos = at or fact.locate(*where, key=key)
    return Finding(str(fact.doc.path), pos.line, pos.col, RULES[rule_id].severity, rule_id, message, hint)


def run_rules(kb: KnowledgeBase) -> Iterator[Finding]:
    for r in RULES.values():
        if r.check is not None:
            yield from r.check(kb)


# Importing the families registers their rules.
from kb.check.rules import (  # noqa: E402,F401
    briefings, chronology, dates, figures, hygiene, ids, near_duplicates, orphans, references, waivers,
)
