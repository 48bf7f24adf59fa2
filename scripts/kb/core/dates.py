"""Reduced-precision dates: "2025", "2025-09" and "2025-09-19"."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date as _date

_SHAPE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to a year, a month or a day. Precision is 1, 2 or 3 parts."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse an ISO date of reduced precision; raise ValueError saying what is wrong."""
        m = _SHAPE.match(text)
        if not m:
            raise ValueError(f'\'{text}\' is not a date like "2025", "2025-09" or "2025-09-19"')
        year = int(m[1])
        month, day = (int(g) if g else None for g in m.groups()[1:])
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"'{text}' has month {month:02d}; months run 01-12")
        if month is not None and day is not None:  # the shape gives a day only with a month
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"'{text}' has day {day:02d}; {_MONTHS[month - 1]} {year} has {last} days")
        return cls(year, month, day)

    @property
    def precision(self) -> int:
        return 1 if self.month is None else 2 if self.day is None else 3

    def _parts(self, precision: int) -> tuple[int, ...]:
        return (self.year, self.month or 0, self.day or 0)[:precision]

    def compare(self, other: PartialDate) -> int:
        """-1, 0 or 1, comparing at the coarser of the two precisions ("2025" equals "2025-09")."""
        p = min(self.precision, other.precision)
        a, b = self._parts(p), other._parts(p)
        return (a > b) - (a < b)

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def first_day(self) -> _date:
        return _date(self.year, self.month or 1, self.day or 1)

    def iso(self) -> str:
        return "-".join(f"{v:02d}" if i else f"{v:04d}" for i, v in enumerate(self._parts(self.precision)))

    def human(self) -> str:
        """ "2025", "September 2025" or "19 September 2025": never invents precision."""
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{_MONTHS[self.month - 1]} {self.year}"
        return f"{self.day} {_MONTHS[self.month - 1]} {self.year}"

    def __str__(self) -> str:
        return self.iso()


def date_key(date: PartialDate | None) -> tuple[int, int, int]:
    """The sort key of a date that may be missing: an unknown date sorts first."""
    return date.sort_key() if date is not None else (0, 0, 0)
