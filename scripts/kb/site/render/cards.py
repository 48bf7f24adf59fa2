"""Fact cards: what a briefing's reader sees on hovering or focusing a fact link (docs/assets/kb-cards.js).

Each briefing page carries the cards of the facts it links, and only those, as one JSON data block made
here at build time: the cards work from `file://` and offline, and a page's weight grows with what it
links, never with the knowledge base. A card is plain text in fields (type, title, date at its precision,
summary, sources with locator and grade); the script builds it with text nodes, so nothing in it is ever
read as markup. Without the script, the link's title (`text.hover`) still names the fact.
"""

from __future__ import annotations

from kb.core.facts import Actor, Assessment, Briefing, Event, Fact, Figure, Place, Source
from kb.core.facttypes import BY_NAME, page_of
from kb.core.grades import code
from kb.core.model import KnowledgeBase
from kb.site.render.escape import Safe, json_block
from kb.site.render.links import built_url, relative
from kb.site.render.text import (
    attributed,
    date_span,
    figure_label,
    figure_period,
    figure_value,
    human_date,
    shown,
)

ELEMENT_ID = "kb-cards"
"""The id of the data block; kb-cards.js reads it."""
SOURCES = 3
"""Citations a card lists; it says how many more the fact's page has."""

Card = dict[str, object]


def url(fact: Fact, page: str) -> str:
    """The link from `page` to `fact`'s page, exactly as the briefing's links write it (the card's key)."""
    return built_url(relative(page_of(fact), page))


def _when_and_text(kb: KnowledgeBase, fact: Fact) -> tuple[str, str, str]:
    """(kind in words, date at its precision, what the fact says) of `fact`."""
    if isinstance(fact, Event):
        planned = " (planned)" if fact.planned else ""
        return (
            shown("event", "kind", fact.kind),
            date_span(fact.date, fact.end, fact.approximate) + planned,
            fact.summary,
        )
    if isinstance(fact, Figure):
        value = f"{figure_value(fact)} ({shown('figure', 'status', fact.status)})"
        return "", figure_period(fact), value
    if isinstance(fact, Assessment):
        hedge = f" The source's own word is {fact.hedge}." if fact.hedge else ""
        return shown("assessment", "kind", fact.kind), human_date(fact.date), attributed(kb, fact) + hedge
    if isinstance(fact, Actor):
        return shown("actor", "kind", fact.kind), "", fact.summary or ""
    if isinstance(fact, Place):
        return shown("place", "kind", fact.kind), "", fact.summary or ""
    if isinstance(fact, Source):
        by = ", ".join(fact.authors)
        return shown("source", "type", fact.type), date_span(fact.published, fact.published_end), by
    if isinstance(fact, Briefing):
        return "", human_date(fact.date), fact.summary
    # A fact type of another kind (kb.core.facttypes.add): what `text.hover` shows of it.
    kind = getattr(fact, "kind", None)
    summary = getattr(fact, "summary", None)
    return (shown(fact.TYPE, "kind", kind) if isinstance(kind, str) else ""), "", str(summary or "")


def card(kb: KnowledgeBase, fact: Fact, page: str) -> Card:
    """The card of `fact` as linked from `page`: plain-text fields and relative links."""
    kind, when, text = _when_and_text(kb, fact)
    sources = []
    for c in fact.sources[:SOURCES]:
        source = kb.sources.get(c.source)
        if source is None:
            continue
        sources.append(
            {
                "title": source.title,
                "href": url(source, page),
                "locator": " ".join(c.locator.split()),
                "grade": code(source.reliability, c.credibility),
            }
        )
    out: Card = {
        "type": BY_NAME[fact.TYPE].title,
        "kind": kind,
        "title": figure_label(kb, fact) if isinstance(fact, Figure) else fact.label,
        "date": when,
        "text": " ".join(text.split()),
        "href": url(fact, page),
        "sources": sources,
        "more": max(len(fact.sources) - SOURCES, 0),
    }
    if isinstance(fact, Source):
        out["grade"] = code(fact.reliability)
    return out


def linked(kb: KnowledgeBase, briefing: Briefing) -> list[Fact]:
    """The facts a briefing's text links as fact links (not its source citations), each once, in order."""
    found: dict[str, Fact] = {}
    for link in briefing.parsed.links:
        if link.kind != "fact" or link.type == "source" or link.target in found:
            continue
        fact = kb.get(link.target)
        if fact is not None and link.type == fact.TYPE:
            found[fact.id] = fact
    return list(found.values())


def block(kb: KnowledgeBase, briefing: Briefing, page: str) -> Safe:
    """The page's cards as a JSON data block, keyed by the link (`href`) that opens each; empty when the
    briefing links no fact."""
    cards = {url(f, page): card(kb, f, page) for f in linked(kb, briefing)}
    return json_block(cards, ELEMENT_ID) if cards else Safe("")


def shows(kb: KnowledgeBase, briefing: Briefing, ids: frozenset[str], types: frozenset[str]) -> bool:
    """Whether `briefing`'s cards show what an edit of facts of the types `types` changed, `ids` being those
    facts and their neighbours (for the live preview's re-rendering): a source a linked fact cites (when a
    source was edited), the actor whose name a linked figure or assessment carries (when an actor was), a
    linked figure's series title (which borrows names' capitals: all figures are in `ids` when a name
    changed). A briefing linking an edited fact itself is among its neighbours already; a linked fact that is
    only a neighbour shows nothing new (an edited figure once re-rendered every briefing linking its actor:
    238 of them at 10,000 facts, for 3 that changed)."""
    sources, actors = "source" in types, "actor" in types
    for fact in linked(kb, briefing):
        if isinstance(fact, Figure) and fact.id in ids:
            return True
        if sources and any(c.source in ids for c in fact.sources):
            return True
        if actors and (
            (isinstance(fact, Figure) and fact.actor in ids) or (isinstance(fact, Assessment) and fact.holder in ids)
        ):
            return True
    return False
