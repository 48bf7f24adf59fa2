"""The Key judgements page: every judgement of every published briefing in one sortable table, with both
scales, its briefing and date, and what it rests on (the facts and sources linked inside its box). Each
row leads to the box itself, by the anchor kb.core.judgement gives it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from kb.core.facts import Briefing, Judgement
from kb.core.facttypes import page_of
from kb.core.model import KnowledgeBase
from kb.site.render import templates
from kb.site.render.escape import Safe, md_text
from kb.site.render.indexes import INDEX_BOOST, Part, briefing_year, keyed_parts
from kb.site.render.links import Linker
from kb.site.render.text import human_date

PAGE = "judgements.md"
FOLDER = "judgements"
LIMIT = 400
"""Judgements on one page: each row names its facts and sources, about 450 bytes of HTML (a page stays
under 300 KB with the theme around it); above, a page a year."""
LATEST = 100
"""Judgements the Key judgements page shows when they are listed a page a year."""


@dataclass(frozen=True)
class Row:
    statement: Safe  # the judgement's text, linked to its box
    likelihood: str
    likelihood_sort: int  # the band's lower bound, so the column sorts by probability
    confidence: str
    confidence_sort: int
    briefing: Safe
    date: str
    date_sort: str
    rests_on: list[Safe]


def rests_on(j: Judgement, ln: Linker) -> list[Safe]:
    """The facts and sources linked in the box, in order of first mention; a source with its locators."""
    facts: dict[str, Safe] = {}
    sources: dict[str, list[str]] = {}
    for link in j.links:
        if link.kind != "fact" or ln.kb.get(link.target) is None:
            continue
        if link.type == "source":
            locators = sources.setdefault(link.target, [])
            locator = " ".join((link.title or "").split())
            if locator and locator not in locators:
                locators.append(locator)
        facts.setdefault(link.target, ln.to(link.target))
    return [
        Safe(f"{shown}{', ' + md_text('; '.join(sources[fid])) if sources.get(fid) else ''}")
        for fid, shown in facts.items()
    ]


def row(b: Briefing, j: Judgement, ln: Linker) -> Row:
    h = j.heading
    return Row(
        statement=ln.page_link(j.text, f"{page_of(b)}#{j.anchor}"),
        likelihood=f"{h.term.words} ({h.term.band})" if h.term else h.likelihood,
        likelihood_sort=h.term.low if h.term else -1,
        confidence=h.confidence.words if h.confidence else h.confidence_words or "",
        confidence_sort=h.confidence.rank if h.confidence else 0,
        briefing=ln.to(b),
        date=human_date(b.date),
        date_sort=b.date.iso() if b.date else "",
        rests_on=rests_on(j, ln),
    )


def _published(kb: KnowledgeBase, year: str | None = None) -> list[Briefing]:
    """The published briefings (of one year), newest first."""
    found = [b for b in kb.briefings.values() if b.status == "published" and year in (None, briefing_year(b))]
    return sorted(found, key=lambda b: b.order, reverse=True)


def rows(kb: KnowledgeBase, ln: Linker, year: str | None = None, limit: int | None = None) -> list[Row]:
    """The judgements of the published briefings (of one year; the newest `limit`): newest briefing first,
    boxes in their order."""
    found: list[Row] = []
    for b in _published(kb, year):
        for j in b.judgements:
            if limit is not None and len(found) == limit:
                return found
            found.append(row(b, j, ln))
    return found


def parts(kb: KnowledgeBase, ids: Collection[str] | None = None) -> list[Part]:
    """The pages a year of the Key judgements when there are more than fit on one page (`LIMIT`), newest year
    first; with `ids`, only those whose rows show any of those facts (a briefing, or what a box links)."""
    years = [briefing_year(b) for b in _published(kb) for _ in b.judgements]
    if len(years) <= LIMIT:
        return []
    found = keyed_parts(FOLDER, years, str.capitalize)[::-1]
    if ids is None:
        return found
    touched = {
        f"{FOLDER}/{briefing_year(b)}.md"
        for b in _published(kb)
        if b.id in ids or any(link.target in ids for j in b.judgements for link in j.links)
    }
    return [p for p in found if p.path in touched]


def render(kb: KnowledgeBase) -> str:
    """The Key judgements page: every judgement, or when they are too many for one page, the newest
    (`LATEST`) and a page a year."""
    ln = Linker(kb, PAGE)
    years = parts(kb)
    if not years:
        return templates.render("judgements.md.j2", rows=rows(kb, ln), years=None, boost=INDEX_BOOST)
    return templates.render(
        "judgements.md.j2",
        rows=rows(kb, ln, limit=LATEST),
        years=[ln.page_link(f"{p.label} ({p.count})", p.path) for p in years],
        boost=INDEX_BOOST,
    )


def render_part(kb: KnowledgeBase, part: Part) -> str:
    """One year's page of the Key judgements."""
    ln = Linker(kb, part.path)
    year = part.path.removeprefix(f"{FOLDER}/").removesuffix(".md")
    return templates.render(
        "judgements.md.j2",
        rows=rows(kb, ln, year),
        part=part,
        up=ln.page_link("All key judgements", PAGE),
        boost=INDEX_BOOST,
    )
