"""Dates: real calendar dates, and ends that do not come before their starts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kb.check.rules.base import fact_rule, finding, rule
from kb.core.dates import PartialDate
from kb.core.facts import Fact
from kb.core.findings import Finding
from kb.core.loader import Path_
from kb.core.model import KnowledgeBase

DATE_FIELDS = {
    "date",
    "end",
    "start",
    "published",
    "published_end",
    "retrieved",
    "period",
    "period_end",
    "expires",
    "founded",
    "dissolved",
}


@fact_rule(
    "date-invalid",
    "error",
    "Every date is a real calendar date (no month 13, no 30 February).",
    'Correct the date; give only the precision you know: "2025", "2025-09" or "2025-09-19".',
)
def dates_are_valid(fact: Fact) -> Iterator[Finding]:
    for where in fact.doc.values:
        if where and where[-1] in DATE_FIELDS:
            value: Any = _at(fact.doc.data, where)
            if isinstance(value, str):
                try:
                    PartialDate.parse(value)
                except ValueError as exc:
                    yield finding(
                        fact, "date-invalid", str(exc), "use a real date; drop the day or month if unknown", where=where
                    )


def _at(data: Any, where: Path_) -> Any:
    for step in where:
        data = data[step]
    return data


@rule(
    "date-order",
    "error",
    "An end date is not before its start (compared at the coarser precision).",
    "Swap or correct the two dates.",
)
def ends_follow_starts(kb: KnowledgeBase) -> Iterator[Finding]:
    pairs: list[tuple[Fact, Path_, PartialDate | None, PartialDate | None]] = []
    for e in kb.events.values():
        pairs.append((e, ("end",), e.date, e.end))
    for a in kb.actors.values():
        pairs.append((a, ("dissolved",), a.founded, a.dissolved))
        pairs += [(a, (*r.where, "end"), r.start, r.end) for r in a.roles]
        pairs += [(a, (*m.where, "end"), m.start, m.end) for m in a.memberships]
    for f in kb.figures.values():
        pairs.append((f, ("period_end",), f.period, f.period_end))
    for s in kb.sources.values():
        pairs.append((s, ("published_end",), s.published, s.published_end))
    for fact, where, start, end in pairs:
        if start and end and end.compare(start) < 0:
            yield finding(
                fact,
                "date-order",
                f"'{where[-1]}' {end} is before the start {start}",
                "the end must not come before the start",
                where=where,
            )
