"""How an event's date reads on its pages: as the source gives it, roughly, or not at all (with bounds)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conftest import FIXTURES
from kb.check.run import check
from kb.core.dates import PartialDate
from kb.core.facts import Event
from kb.site.render.text import event_when


@pytest.fixture(scope="module")
def undated() -> Event:
    return check(FIXTURES / "site").kb.events["eastland-patrols"]


def d(text: str) -> PartialDate:
    return PartialDate.parse(text)


def test_the_loader_reads_undated_and_its_bounds(undated: Event) -> None:
    assert (undated.undated, undated.date, undated.not_before, undated.not_after) == (
        True,
        None,
        d("2024-12"),
        d("2025-06"),
    )
    assert undated.placed == d("2024-12")  # it sorts by its earliest bound


@pytest.mark.parametrize(
    ("low", "high", "shown"),
    [
        ("2024-12", "2025-06", "undated, between December 2024 and June 2025"),
        ("2014", None, "undated, 2014 or later"),
        (None, "2022", "undated, 2022 or earlier"),
        (None, None, "undated"),
    ],
)
def test_an_undated_event_reads_undated_with_its_bounds(
    undated: Event, low: str | None, high: str | None, shown: str
) -> None:
    event = replace(undated, not_before=d(low) if low else None, not_after=d(high) if high else None)
    assert event_when(event) == shown


def test_a_rough_date_is_not_an_absent_one(undated: Event) -> None:
    rough = replace(undated, undated=False, date=d("2023"), approximate=True, not_before=None, not_after=None)
    assert event_when(rough) == "about 2023"
    assert event_when(replace(rough, approximate=False)) == "2023"
