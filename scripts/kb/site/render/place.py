"""Place pages: what happened there, who was involved, what lies within, and who cites it."""

from __future__ import annotations

from collections import defaultdict

from kb.core.facts import Place
from kb.core.facttypes import page_of
from kb.core.model import KnowledgeBase
from kb.site.render import assessment, history, templates, ties
from kb.site.render.actor import Row
from kb.site.render.backlinks import cited_in, mentioned_by, pairs
from kb.site.render.citations import citation_lines
from kb.site.render.escape import md_text
from kb.site.render.links import Linker
from kb.site.render.more import Section, cut
from kb.site.render.relations import relations
from kb.site.render.text import event_when, shown


def path(place: Place) -> str:
    return page_of(place)


def coordinates(place: Place) -> str:
    if not place.coordinates:
        return ""
    lat, lon = place.coordinates
    return f"{abs(lat):.4g}° {'N' if lat >= 0 else 'S'}, {abs(lon):.4g}° {'E' if lon >= 0 else 'W'}"


def lists(kb: KnowledgeBase, place: Place, ln: Linker) -> dict[str, Section]:
    """The page's lists that grow with the knowledge base, for the page `ln` links from."""
    rel = relations(kb)
    events = rel.events_at_place.get(place.id, [])
    listed = {e.id for e in events} | {p.id for p in rel.places_within.get(place.id, [])}
    listed |= {a.id for a in assessment.about(kb, place.id)}
    return {
        "events": Section("Events here", "rows", [Row(ln.to(e), "", event_when(e)) for e in events]),
        "briefings": Section("Cited in briefings", "quote_items", cited_in(kb, place.id, ln)),
        "references": Section("Referenced by", "mention_items", pairs(mentioned_by(kb, place.id, ln, exclude=listed))),
    }


def render(kb: KnowledgeBase, place: Place) -> str:
    page = path(place)
    ln = Linker(kb, page)
    rel = relations(kb)
    events = rel.events_at_place.get(place.id, [])
    long = {name: cut(place, name, section, ln) for name, section in lists(kb, place, ln).items()}
    roles: dict[str, list[str]] = defaultdict(list)
    for e in events:
        for p in e.actors:
            roles[p.actor].append(p.role)
        for a in e.attribution:
            roles[a.actor].append("held responsible")
    involved = sorted(
        (Row(ln.to(actor_id), md_text(", ".join(dict.fromkeys(r)))) for actor_id, r in roles.items()),
        key=lambda r: str(r.link).casefold(),
    )
    inside = rel.places_within.get(place.id, [])
    within = sorted((Row(ln.to(p)) for p in inside), key=lambda r: str(r.link).casefold())
    return templates.render(
        "place.md.j2",
        history=history.panel(kb, place, ln),
        p=place,
        kind=shown("place", "kind", place.kind),
        country=ln.to(place.country) if place.country else None,
        parent=ln.to(place.within) if place.within else None,
        coords=coordinates(place),
        events=long["events"],
        involved=involved,
        within=within,
        assessed=assessment.lines(kb, assessment.about(kb, place.id), ln),
        quotes=long["briefings"],
        mentions=long["references"],
        citations=citation_lines(ln, [(None, place.sources)]),
        links=ties.chart(kb, place, ties.of_place(kb, place.id), ln, f"{page}#what-happened-here"),
    )
