"""Event pages: when (at its real precision), where, who and in what role, attribution with who
made it, on what basis and how firmly, the summary, sources with locators, related events and
the briefings that cite it."""

from __future__ import annotations

from dataclasses import dataclass

from kb.core.facts import Event
from kb.core.facttypes import page_of
from kb.core.model import KnowledgeBase
from kb.site.render import assessment, history, templates
from kb.site.render.actor import Row
from kb.site.render.backlinks import cited_in, mentioned_by, pairs
from kb.site.render.citations import citation_lines
from kb.site.render.escape import Safe, md_text
from kb.site.render.links import Linker
from kb.site.render.more import Section, cut
from kb.site.render.relations import relations
from kb.site.render.text import event_when, sentence_case, shown


@dataclass(frozen=True)
class AttributionLine:
    actor: Safe
    by: Safe
    basis: Safe
    confidence: str


def path(event: Event) -> str:
    return page_of(event)


def related_events(kb: KnowledgeBase, event: Event) -> list[Event]:
    """Events this one names as related, and events that name this one, by date."""
    ids = relations(kb).related_to.get(event.id, set())
    found = [kb.events[i] for i in ids if i in kb.events and i != event.id]
    return sorted(found, key=lambda e: e.order)


def lists(kb: KnowledgeBase, event: Event, ln: Linker) -> dict[str, Section]:
    """The page's lists that grow with the knowledge base, for the page `ln` links from."""
    near = related_events(kb, event)
    return {
        "related": Section("Related events", "rows", [Row(ln.to(e), "", event_when(e)) for e in near]),
        "briefings": Section("Cited in briefings", "quote_items", cited_in(kb, event.id, ln)),
        "references": Section(
            "Referenced by",
            "mention_items",
            pairs(
                mentioned_by(
                    kb, event.id, ln, exclude={e.id for e in near} | {a.id for a in assessment.about(kb, event.id)}
                )
            ),
        ),
    }


def render(kb: KnowledgeBase, event: Event) -> str:
    page = path(event)
    ln = Linker(kb, page)
    long = {name: cut(event, name, section, ln) for name, section in lists(kb, event, ln).items()}
    when = event_when(event)
    if event.planned:
        when += " (planned)"
    actors = [Row(ln.to(p.actor), md_text(shown("event", "role", p.role))) for p in event.actors]
    attribution = [
        AttributionLine(
            ln.to(a.actor),
            ln.to(a.by) if a.by else md_text("the cited source"),
            md_text(a.basis),
            shown("event", "confidence", a.confidence),
        )
        for a in event.attribution
    ]
    return templates.render(
        "event.md.j2",
        history=history.panel(kb, event, ln),
        e=event,
        when=when,
        kind=sentence_case(shown("event", "kind", event.kind)),
        places=[ln.to(p) for p in event.places],
        actors=actors,
        attribution=attribution,
        related=long["related"],
        assessed=assessment.lines(kb, assessment.about(kb, event.id), ln),
        quotes=long["briefings"],
        mentions=long["references"],
        citations=citation_lines(ln, [(None, event.sources)]),
    )
