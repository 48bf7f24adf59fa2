"""The likelihood words briefings may use for judgements: the UK PHIA probability yardstick.

Likelihood (how probable) is kept apart from confidence (how sure we are of the evidence), as
PHIA and US ICD 203 both require. A judgement names one term, as the source words it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    words: str
    low: int  # percent
    high: int

    @property
    def slug(self) -> str:
        return self.words.replace(" ", "-")

    @property
    def band(self) -> str:
        return f"{self.low}–{self.high}%"


YARDSTICK = (
    Term("remote chance", 0, 5),
    Term("highly unlikely", 10, 20),
    Term("unlikely", 25, 35),
    Term("realistic possibility", 40, 50),
    Term("likely", 55, 75),
    Term("highly likely", 80, 90),
    Term("almost certain", 95, 100),
)
SYNONYMS = {"probable": "likely", "probably": "likely"}


def term(words: str) -> Term | None:
    """The yardstick term for `words` (case-insensitive; 'probable' is 'likely'), or None."""
    key = SYNONYMS.get(words.strip().lower(), words.strip().lower())
    return next((t for t in YARDSTICK if t.words == key), None)


CSS_CLASSES = frozenset({t.slug for t in YARDSTICK} | {"unknown"})
"""The classes a judgement box may carry: one per term, and one for a term outside the yardstick."""
