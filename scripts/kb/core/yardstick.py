"""The two scales of a key judgement: likelihood, from the UK PHIA probability yardstick, and confidence.

Likelihood (how probable the outcome is) is kept apart from confidence (how good the evidence and
reasoning behind the judgement are), as PHIA and US ICD 203 both require: "likely, low confidence" is a
fair judgement. A judgement names one term of each, as the source's wording supports (kb.core.judgement
reads them from a judgement box's title).
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
    key = " ".join(words.lower().split())
    key = SYNONYMS.get(key, key)
    return next((t for t in YARDSTICK if t.words == key), None)


@dataclass(frozen=True)
class Confidence:
    """A level of confidence in a judgement: how well its evidence and reasoning carry it."""

    words: str  # "moderate"
    rank: int  # 1 low ... 3 high, for sorting

    @property
    def slug(self) -> str:
        """Its CSS class on a judgement box."""
        return f"confidence-{self.words}"


CONFIDENCE = (Confidence("low", 1), Confidence("moderate", 2), Confidence("high", 3))


def confidence(words: str) -> Confidence | None:
    """The confidence level named by `words` ('moderate', case-insensitive), or None."""
    key = words.strip().lower()
    return next((c for c in CONFIDENCE if c.words == key), None)


CSS_CLASSES = frozenset({t.slug for t in YARDSTICK} | {c.slug for c in CONFIDENCE} | {"unknown", "confidence-unknown"})
"""The classes a judgement box may carry: one per term and one per confidence level, and one each for a
term or level outside the scales."""
