"""The Key judgements page: every judgement of every published briefing in one sortable table, with both
scales, its briefing and date, and what it rests on (the facts and sources linked inside its box). Each
row leads to the box itself, by the anchor kb.core.judgement gives it."""

from __future__ import annotations

from dataclasses import dataclass

from kb.core.facts import Briefing, Judgement
from kb.core.facttypes import page_of
from kb.core.model import KnowledgeBase
from kb.site.render import templates
from kb.site.render.escape import Safe, md_text
from kb.site.render.indexes import INDEX_BOOST
from kb.site.render.links import Linker
from kb.site.render.text import human_date

PAGE = "judgements.md"


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


def rows(kb: KnowledgeBase, ln: Linker) -> list[Row]:
    """Every judgement of the published briefings: newest briefing first, boxes in their order."""
    published = sorted((b for b in kb.briefings.values() if b.status == "published"), key=lambda b: b.order)
    return [row(b, j, ln) for b in reversed(published) for j in b.judgements()]


def render(kb: KnowledgeBase) -> str:
    ln = Linker(kb, PAGE)
    return templates.render("judgements.md.j2", rows=rows(kb, ln), boost=INDEX_BOOST)
