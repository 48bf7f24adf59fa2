"""A fact's own citations: which source, where in it, how the editors grade it, and what it supports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kb.core.facts import Citation
from kb.core.grades import code
from kb.site.render.escape import Safe, md_text
from kb.site.render.links import GRADES, Linker


@dataclass(frozen=True)
class CitationLine:
    source: Safe
    locator: Safe
    note: Safe | None
    supports: Safe | None  # e.g. "role: Foreign Minister"; None for the fact as a whole
    grade: Safe | None = None  # "B2", linked to the scales on the About page; None when the source is ungraded


def grade(linker: Linker, source_id: str, credibility: int | None = None) -> Safe | None:
    """A citation's grade, the source's reliability and the information's credibility ("B2", or "B" alone),
    linked to the two scales on the About page; None when the source is not graded."""
    source = linker.kb.sources.get(source_id)
    text = code(source.reliability if source else None, credibility)
    return linker.page_link(text, GRADES) if text else None


def cited(linker: Linker, c: Citation) -> Safe:
    """One citation in a line of text: the source, the locator and the grade ("Source, para 2, graded B2")."""
    graded = grade(linker, c.source, c.credibility)
    return Safe(f"{linker.to(c.source)}, {md_text(c.locator)}{f', graded {graded}' if graded else ''}")


def citation_lines(linker: Linker, groups: Iterable[tuple[str | None, list[Citation]]]) -> list[CitationLine]:
    """Citations as lines, in the order given; `groups` pairs what is supported with its citations."""
    merged: dict[tuple[str, str, str | None, int | None], list[str | None]] = {}
    for supports, cites in groups:
        for c in cites:
            merged.setdefault((c.source, " ".join(c.locator.split()), c.note, c.credibility), []).append(supports)
    out = []
    for (source, locator, note, credibility), what in merged.items():
        # A citation of the whole fact covers its parts; otherwise say which parts it supports.
        parts = None if None in what else "; ".join(dict.fromkeys(w for w in what if w))
        out.append(
            CitationLine(
                linker.to(source),
                md_text(locator),
                md_text(note) if note else None,
                md_text(parts) if parts else None,
                grade(linker, source, credibility),
            )
        )
    return out
