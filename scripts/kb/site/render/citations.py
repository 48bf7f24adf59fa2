"""A fact's own citations: which source, where in it, and what it supports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kb.core.facts import Citation
from kb.site.render.escape import Safe, md_text
from kb.site.render.links import Linker


@dataclass(frozen=True)
class CitationLine:
    source: Safe
    locator: Safe
    note: Safe | None
    supports: Safe | None  # e.g. "role: Foreign Minister"; None for the fact as a whole


def citation_lines(linker: Linker, groups: Iterable[tuple[str | None, list[Citation]]]) -> list[CitationLine]:
    """Citations as lines, in the order given; `groups` pairs what is supported with its citations."""
    merged: dict[tuple[str, str, str | None], list[str | None]] = {}
    for supports, cites in groups:
        for c in cites:
            merged.setdefault((c.source, " ".join(c.locator.split()), c.note), []).append(supports)
    out = []
    for (source, locator, note), what in merged.items():
        # A citation of the whole fact covers its parts; otherwise say which parts it supports.
        parts = None if None in what else "; ".join(dict.fromkeys(w for w in what if w))
        out.append(
            CitationLine(
                linker.to(source), md_text(locator), md_text(note) if note else None, md_text(parts) if parts else None
            )
        )
    return out
