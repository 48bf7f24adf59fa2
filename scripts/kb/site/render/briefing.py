"""Briefing pages: the prose as the site's Markdown engine reads it (kb.core.prose: links resolved, citations
as numbered notes, judgement boxes titled with their likelihood and confidence and given their anchors),
sanitized; then the facts cited.

The body is HTML made by kb.core.prose and passed through its allow-list; only its headings go back to
MkDocs as Markdown (escaped text), so that they join the page's table of contents.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.core import judgement, prose
from kb.core.facts import Briefing, Event, Figure
from kb.core.facttypes import BY_NAME, LINKABLE, page_of
from kb.core.model import KnowledgeBase
from kb.site.render import cards, history, templates
from kb.site.render.escape import Safe, md_text
from kb.site.render.links import CONFIDENCE, YARDSTICK, Linker, built_url, relative
from kb.site.render.text import event_when, figure_period, hover, human_date, label

BOOST = 3
"""Search boost for briefings, over other pages that match only in their text."""
SEARCH_NAME_KINDS = ("actor", "place")
"""Briefings are also found by the names of the actors and places they cite, so that a search for
a name ranks them above the fact pages. Aliases and ids are left to the fact's own page, so that
those searches land there first."""


def search_names(kb: KnowledgeBase, briefing: Briefing) -> list[str]:
    names = {
        fact.label
        for ref in briefing.references()
        if ref.where is None
        and ref.types[0] in SEARCH_NAME_KINDS
        and (fact := kb.get(ref.target)) is not None
        and ref.types[0] == fact.TYPE
    }
    return sorted(names)


def judgement_box(box: prose.Judgement, page: str) -> prose.JudgementBox:
    """A judgement box as shown: its title gives the likelihood term (linked to the yardstick on the About page)
    with the term's band, then the confidence (linked to its scale there); its classes name both, and its
    anchor is the one the Key judgements page links to."""
    read = judgement.heading(box.title)
    likelihood = read.term.words if read.term else read.likelihood or "no likelihood given"
    band = f" ({read.term.band})" if read.term else " (not a yardstick term)"
    level = read.confidence
    confidence = f"{level.words} confidence" if level else read.confidence_words or "no confidence given"
    return prose.JudgementBox(
        (
            ("Judgement: ", None),
            (likelihood, built_url(relative(YARDSTICK, page))),
            (band + ", ", None),
            (confidence, built_url(relative(CONFIDENCE, page))),
        ),
        f"{read.term.slug if read.term else 'unknown'} {level.slug if level else 'confidence-unknown'}",
        judgement.anchor(box.classes, box.text),
    )


def resolver(kb: KnowledgeBase, page: str, briefing: Briefing) -> prose.Resolver:
    """How the links of `briefing`'s body lead from `page`: to facts (each noted when it was revised since the
    briefing cited it), sources and pages of the site."""

    def fact(type_: str, fact_id: str) -> prose.Target | None:
        found = kb.get(fact_id)
        if found is None or type_ != found.TYPE:
            return None
        note = history.revision_note(kb, briefing, fact_id)
        return prose.Target(built_url(relative(page_of(found), page)), hover(kb, found), note)

    return prose.Resolver(
        link_types=LINKABLE, fact=fact, page=built_url, judgement=lambda box: judgement_box(box, page)
    )


def body(kb: KnowledgeBase, briefing: Briefing, linker: Linker) -> tuple[list[Safe], list[tuple[int, Safe]]]:
    """The briefing body as blocks of page Markdown (sanitized HTML, and headings as escaped text), and
    its citation notes as numbered footnote texts (the body's note marks are the footnotes extension's
    own markup, so MkDocs joins the two)."""
    shown = prose.render(briefing.parsed, briefing.body, resolver(kb, linker.page, briefing))
    blocks = [
        Safe(f"{'#' * s.heading} {md_text(s.text)}") if s.heading else Safe(s.text)
        for s in shown.segments
        if s.text.strip()
    ]
    notes = [
        (n.number, Safe(f"{linker.to(n.source)}{', ' + md_text(n.locator) if n.locator else ''}.")) for n in shown.notes
    ]
    return blocks, notes


@dataclass(frozen=True)
class CitedFact:
    link: Safe
    type: str
    when: str
    revised: str = ""  # revised since the briefing cited it: when, and what changed


def facts_cited(kb: KnowledgeBase, briefing: Briefing, linker: Linker) -> dict[str, list[CitedFact]]:
    """Every fact the briefing links to, grouped by type, in order of first mention."""
    order = sorted(BY_NAME.values(), key=lambda t: t.cited_order)
    groups: dict[str, dict[str, CitedFact]] = {t.name: {} for t in order}
    for ref in briefing.references():
        fact = kb.get(ref.target)
        if ref.field != "text" or fact is None or fact.id in groups[fact.TYPE]:
            continue
        if isinstance(fact, Figure):
            when = figure_period(fact)
        elif isinstance(fact, Event):
            when = event_when(fact)
        else:
            when = human_date(getattr(fact, "date", None) or getattr(fact, "published", None))
        revised = history.revision_note(kb, briefing, fact.id)
        groups[fact.TYPE][fact.id] = CitedFact(linker.to(fact), BY_NAME[fact.TYPE].title, when, revised)
    return {BY_NAME[k].plural: list(v.values()) for k, v in groups.items() if v}


def path(briefing: Briefing) -> str:
    return page_of(briefing)


def render(kb: KnowledgeBase, briefing: Briefing) -> str:
    page = path(briefing)
    linker = Linker(kb, page, hover=True)
    blocks, notes = body(kb, briefing, linker)
    cited = facts_cited(kb, briefing, linker)
    return templates.render(
        "briefing.md.j2",
        history=history.panel(kb, briefing, linker),
        b=briefing,
        boost=BOOST,
        date=human_date(briefing.date),
        blocks=blocks,
        notes=notes,
        cited=cited,
        revised=any(f.revised for facts in cited.values() for f in facts),
        hover=hover(kb, briefing),
        label=label(kb, briefing),
        search_names=search_names(kb, briefing),
        cards=cards.block(kb, briefing, page),
    )
