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
    "not_before",
    "not_after",
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
        pairs.append((e, ("not_after",), e.not_before, e.not_after))
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


@rule(
    "event-dating",
    "error",
    "An event has the `date` its source gives; one the source gives no date for says so with `undated: true` "
    "and has no `date`, `end` or `approximate`; only an undated event has `not_before` or `not_after`.",
    "Give the date the source states (`approximate: true` if it states it roughly); if it states none, remove "
    "`date`, set `undated: true` and bound the event with `not_before`/`not_after` where the source places it.",
)
def events_are_dated_or_say_why_not(kb: KnowledgeBase) -> Iterator[Finding]:
    for e in kb.events.values():
        given = e.doc.data
        if e.undated:
            for name, why in _NOT_WITH_UNDATED:
                if name in given:
                    yield finding(
                        e, "event-dating", f"'{name}' on an event marked undated", why, where=(name,), key=True
                    )
        elif "date" not in given:
            yield finding(
                e,
                "event-dating",
                "no 'date'",
                "give the date the source states; if it gives none, write `undated: true` "
                "(and `not_before`/`not_after` where the source places the event)",
            )
        else:
            for name in ("not_before", "not_after"):
                if name in given:
                    yield finding(
                        e,
                        "event-dating",
                        f"'{name}' on an event that has a date",
                        "bounds are for an event its source does not date; drop them, or drop `date` and "
                        "set `undated: true` if the source gives no date",
                        where=(name,),
                        key=True,
                    )


_NOT_WITH_UNDATED = (
    ("date", "the source gives no date: drop it and keep the bounds (`not_before`, `not_after`) it supports"),
    ("end", "an event without a date has no end date either: drop it"),
    ("approximate", "`approximate` is for a date the source gives roughly; an undated event has none: drop it"),
)
