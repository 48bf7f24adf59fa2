"""A key judgement's heading, read in one place for the checker and the page.

A judgement is an admonition box whose one quoted title holds both scales, likelihood first:

    !!! judgement narva-2026 "likely, moderate confidence"
        Fears over Narva will probably grow in 2026, [the E-IR article judges](source:eir "para 6").

The title is a term of the likelihood yardstick, a comma, then `low`, `moderate` or `high` and the word
`confidence` (kb.core.yardstick). It stays a plain admonition title, so the box is valid Markdown to
every reader of the file and reads as a sentence in a diff. The optional word after `judgement` (an extra
class to the admonition extension) names the box's anchor, `#judgement-narva-2026`, which stays put when
the wording changes; without it the anchor is made from the first words of the judgement's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.core.text import slug
from kb.core.yardstick import Confidence, Term, confidence, term

CLASS = "judgement"
"""The admonition class that makes a box a judgement."""
ANCHOR_PREFIX = "judgement-"
"""Every judgement's anchor starts so: it cannot take the id of a heading or of the theme's own elements."""
ANCHOR_LENGTH = 40
"""A derived anchor holds the first words of the judgement, cut (at a hyphen) to this many characters."""
SYNTAX = '!!! judgement "likely, moderate confidence"'
"""How a judgement box opens, for hints and documentation."""

_LEVEL = re.compile(r"(?P<level>\S+)\s+confidence", re.IGNORECASE)
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


@dataclass(frozen=True, slots=True)
class Heading:
    """What a judgement box's title says: each scale as written and as read (None: not on the scale)."""

    likelihood: str  # as written, e.g. "Likely"; "" when the box has no title
    term: Term | None
    confidence_words: str | None  # the part after the comma, as written; None when there is none
    confidence: Confidence | None
    rest: str | None  # anything after a second comma: the title holds two parts only

    @property
    def complete(self) -> bool:
        return self.term is not None and self.confidence is not None and self.rest is None


def heading(title: str | None) -> Heading:
    """Read a judgement box's title: 'likely, moderate confidence'."""
    parts = [" ".join(p.split()) for p in (title or "").split(",", 2)]
    words = parts[1] if len(parts) > 1 else None
    level = _LEVEL.fullmatch(words) if words else None
    return Heading(
        likelihood=parts[0],
        term=term(parts[0]),
        confidence_words=words,
        confidence=confidence(level["level"]) if level else None,
        rest=parts[2] if len(parts) > 2 else None,
    )


def names(classes: tuple[str, ...]) -> tuple[str, ...]:
    """The words a box's opening line adds to `judgement` (`!!! judgement narva-2026`): its anchor's name."""
    return tuple(c for c in classes if c not in (CLASS, "admonition"))


def valid_name(word: str) -> bool:
    """Whether `word` can name an anchor as written: a lowercase slug, like an id."""
    return bool(_NAME.match(word))


def anchor(classes: tuple[str, ...], text: str) -> str:
    """The anchor of a judgement box (its `id` on the page, without '#'): the name its opening line gives,
    else the first words of its text. A name that is not a slug is made one, so the page stays valid while
    `kb check` reports it."""
    given = names(classes)
    name = slug(given[0], ANCHOR_LENGTH) if given else ""
    return ANCHOR_PREFIX + (name or slug(text, ANCHOR_LENGTH) or "box")
