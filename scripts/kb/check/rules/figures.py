"""Figures: values in range for their unit, one value per (actor, metric, period, status), totals at one date."""

from __future__ import annotations

from collections.abc import Iterator

from kb.check.rules.base import finding, rule
from kb.core.facts import Figure
from kb.core.findings import Finding
from kb.core.model import KnowledgeBase

SHARES = {"percent", "percent-of-gdp"}
WHOLE = {"count"}


@rule(
    "figure-range",
    "error",
    "Shares lie within 0-100, counts are whole, no quantity is negative.",
    "Check the value against the source and the unit (2.2 percent is 2.2, not 0.022).",
)
def values_in_range(kb: KnowledgeBase) -> Iterator[Finding]:
    for f in kb.figures.values():
        if f.unit in SHARES and not 0 <= f.value <= 100:
            yield finding(
                f,
                "figure-range",
                f"{f.value} {f.unit} is outside 0-100",
                "a share is between 0 and 100",
                where=("value",),
            )
        elif f.value < 0:
            yield finding(
                f,
                "figure-range",
                f"{f.value} {f.unit} is negative",
                "quantities here are not negative",
                where=("value",),
            )
        elif f.unit in WHOLE and f.value != int(f.value):
            yield finding(
                f,
                "figure-range",
                f"a count of {f.value} is not a whole number",
                "counts are whole numbers",
                where=("value",),
            )


@rule(
    "figure-conflict",
    "error",
    "One value per (actor, metric, period, status); a known disagreement is marked with `disputed`.",
    "Correct one of the two values, or set `disputed:` on both saying what the sources disagree on.",
)
def one_value_per_series_point(kb: KnowledgeBase) -> Iterator[Finding]:
    seen: dict[tuple[str, str, str, str | None, bool, str], Figure] = {}
    for f in sorted(kb.figures.values(), key=lambda f: f.id):
        if f.period is None:
            continue
        period = (f.period.iso(), f.period_end.iso() if f.period_end else None, f.cumulative)
        key = (f.actor, f.metric, *period, f.status)
        first = seen.setdefault(key, f)
        if first is f or first.value == f.value or (first.disputed and f.disputed):
            continue
        yield finding(
            f,
            "figure-conflict",
            f"{f.value} conflicts with {first.value} in {first.doc.path}:{first.locate('value').line} "
            f"for {f.actor} {f.metric} {f.period} ({f.status})",
            "correct one value, or mark both with `disputed:`",
            where=("value",),
        )


@rule(
    "figure-cumulative",
    "error",
    "A running total (`cumulative: true`) stands at one date, its `period`: it has no `period_end` and is not `ongoing`.",
    "Keep `period` as the date the total is given for and drop `period_end`/`ongoing`, or drop `cumulative` if the "
    "value is that period's own.",
)
def totals_stand_at_one_date(kb: KnowledgeBase) -> Iterator[Finding]:
    for f in kb.figures.values():
        if not f.cumulative:
            continue
        for name in ("period_end", "ongoing"):
            if name in f.doc.data:
                yield finding(
                    f,
                    "figure-cumulative",
                    f"'{name}' on a running total",
                    "a cumulative value is the total as it stood at `period`; drop this field",
                    where=(name,),
                    key=True,
                )
