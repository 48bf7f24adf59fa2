"""A fact's own citations: which source, where in it, and what it supports."""

from __future__ import annotations

from dataclasses import dataclass

from kb.model import Citation
from kb.render.escape import Safe, md_text
from kb.render.links import Linker


@dataclass(frozen=True)
class CitationLine:
    source: Safe
    locator: Safe
    note: Safe | None
    supports: Safe | None  # e.g. "role: Foreign Minister"; None for the fact as a whole


def citation_lines(linker: Linker, groups: list[tuple[str | None, list[Citation]]]) -> list[CitationLine]:
    """Citations as lines, in the order given; `groups` pairs what is supported with its citations."""
    out = []
    for supports, cites in groups:
        for c in cites:
            out.append(CitationLine(linker.to(c.source), md_text(c.locator),
                                    md_text(c.note) if c.note else None,
                                    md_text(supports) if supports else None))
    return out
