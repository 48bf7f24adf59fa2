"""What a rule is: an id, a severity, what it asks of the data and how to fix a finding, and (for the rules
over the whole knowledge base) the function that finds them. A rule is declared where it is checked, with
`@rule` on its function or `describe` for what the loader and schema step enforce; the registry
(kb.check.rules) collects them from the families it lists, so the site's Checks page cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from kb.core.facts import Fact
from kb.core.findings import Finding, Severity
from kb.core.loader import Position
from kb.core.model import KnowledgeBase

Check = Callable[[KnowledgeBase], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str  # what the rule asks of the data, for the docs
    fix: str  # how to fix a finding, for the docs
    check: Check | None = None  # None: enforced outside the graph pass (loader, schema, links)


def rule(rule_id: str, severity: Severity, summary: str, fix: str) -> Callable[[Check], Rule]:
    """Declare the function below as the rule `rule_id`."""
    return lambda check: Rule(rule_id, severity, summary, fix, check)


FactCheck = Callable[[Fact], Iterable[Finding]]


def fact_rule(
    rule_id: str, severity: Severity, summary: str, fix: str, *, duplicates: bool = False
) -> Callable[[FactCheck], Rule]:
    """Declare the function below, which looks at one fact alone, as the rule `rule_id`. Its findings for a fact
    are worked out once and kept with the fact (`Fact.memo`): the live preview keeps the facts of unchanged
    files, so a check after an edit asks again only of the facts whose files changed. `duplicates`: the
    facts whose id was taken already are checked too."""

    def declare(check_one: FactCheck) -> Rule:
        def check(kb: KnowledgeBase) -> Iterator[Finding]:
            for fact in [*kb.all_facts(), *kb.duplicates] if duplicates else kb.all_facts():
                yield from fact.memo(f"rule {rule_id}", lambda f: list(check_one(f)))

        return Rule(rule_id, severity, summary, fix, check)

    return declare


def describe(rule_id: str, severity: Severity, summary: str, fix: str) -> Rule:
    """Declare a rule that the loader, the schema step or a link check enforces, so the docs list it too."""
    return Rule(rule_id, severity, summary, fix)


def finding(
    fact: Fact,
    rule_id: str,
    message: str,
    hint: str = "",
    *,
    at: Position | None = None,
    where: tuple[str | int, ...] = (),
    key: bool = False,
) -> Finding:
    """A finding of the registered rule `rule_id`, located at `at` or at field path `where` of `fact`."""
    from kb.check.rules import RULES  # the registry, complete once kb.check.rules is imported

    pos = at or fact.locate(*where, key=key)
    return Finding(str(fact.doc.path), pos.line, pos.col, RULES[rule_id].severity, rule_id, message, hint)
