"""Index pages, one per fact type, and the timeline of all events.

These pages (not the thousands of fact pages) are what the navigation holds. Tables inside a
`kb-sortable` block can be sorted by clicking a column header (docs/assets/kb.js)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TypedDict

from kb.core.facts import Event
from kb.core.facttypes import series_page
from kb.core.model import KnowledgeBase
from kb.site.render import templates
from kb.site.render.escape import Safe
from kb.site.render.links import Linker
from kb.site.render.source import published
from kb.site.render.text import (
    date_span,
    figure_period,
    figure_value,
    human_date,
    metric_words,
    sentence_case,
    series_title,
    shown,
)

INDEX_BOOST = 0.5
"""Index pages list many names: rank them below the pages they list."""


class _SeriesRow(TypedDict):
    link: Safe
    actor: Safe
    metric: str
    count: int
    latest: str
    key: str  # what the rows are sorted by


def _by_date(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: e.order)


def _name_key(text: str) -> str:
    return text.casefold()


def briefings_index(kb: KnowledgeBase) -> str:
    page = "briefings/index.md"
    ln = Linker(kb, page)
    items = sorted(kb.briefings.values(), key=lambda b: b.order, reverse=True)
    rows = [
        dict(
            date=human_date(b.date),
            sort=b.date.iso() if b.date else "",
            link=ln.to(b),
            status=b.status,
            summary=b.summary,
        )
        for b in items
    ]
    return templates.render("index_briefings.md.j2", rows=rows, boost=INDEX_BOOST)


def actors_index(kb: KnowledgeBase) -> str:
    ln = Linker(kb, "actors/index.md")
    groups: dict[str, list[dict[str, object]]] = defaultdict(list)
    for a in sorted(kb.actors.values(), key=lambda a: _name_key(a.name)):
        groups[sentence_case(shown("actor", "kind", a.kind))].append(
            dict(link=ln.to(a), aliases=a.aliases, country=ln.to(a.country) if a.country else "")
        )
    return templates.render(
        "index_actors.md.j2", groups=dict(sorted(groups.items())), total=len(kb.actors), boost=INDEX_BOOST
    )


def places_index(kb: KnowledgeBase) -> str:
    ln = Linker(kb, "places/index.md")
    counts = Counter(p for e in kb.events.values() for p in e.places)
    rows = [
        dict(
            link=ln.to(p),
            kind=shown("place", "kind", p.kind),
            country=ln.to(p.country) if p.country else "",
            events=counts[p.id],
        )
        for p in sorted(kb.places.values(), key=lambda p: _name_key(p.name))
    ]
    return templates.render("index_places.md.j2", rows=rows, boost=INDEX_BOOST)


def events_index(kb: KnowledgeBase) -> str:
    ln = Linker(kb, "events/index.md")
    rows = [
        dict(
            date=date_span(e.date, e.end, e.approximate),
            sort=e.date.iso() if e.date else "",
            link=ln.to(e),
            kind=shown("event", "kind", e.kind),
            places=[ln.to(p) for p in e.places],
        )
        for e in reversed(_by_date(list(kb.events.values())))
    ]
    return templates.render("index_events.md.j2", rows=rows, boost=INDEX_BOOST)


def figures_index(kb: KnowledgeBase) -> str:
    ln = Linker(kb, "figures/index.md")
    rows: list[_SeriesRow] = []
    for (actor_id, metric), figs in kb.series().items():
        latest = figs[-1]
        rows.append(
            _SeriesRow(
                link=ln.page_link(series_title(kb, actor_id, metric), series_page(actor_id, metric)),
                actor=ln.to(actor_id),
                metric=metric_words(kb, metric),
                count=len(figs),
                latest=f"{figure_value(latest)}, {figure_period(latest)} ({latest.status})",
                key=_name_key(series_title(kb, actor_id, metric)),
            )
        )
    rows.sort(key=lambda r: r["key"])
    return templates.render("index_figures.md.j2", rows=rows, boost=INDEX_BOOST)


def sources_index(kb: KnowledgeBase) -> str:
    ln = Linker(kb, "sources/index.md")
    rows = [
        dict(
            link=ln.to(s),
            authors=s.authors,
            publisher=s.publisher or "",
            published=published(s),
            sort=s.published.iso() if s.published else "",
            cited=len({r.origin.id for r in kb.cited_by.get(s.id, ())}),
        )
        for s in sorted(kb.sources.values(), key=lambda s: _name_key(s.title))
    ]
    return templates.render("index_sources.md.j2", rows=rows, boost=INDEX_BOOST)


def timeline(kb: KnowledgeBase) -> str:
    ln = Linker(kb, "timeline.md")
    years: dict[str, list[dict[str, object]]] = defaultdict(list)
    for e in _by_date(list(kb.events.values())):
        years[str(e.date.year) if e.date else "Undated"].append(
            dict(
                date=date_span(e.date, e.end, e.approximate) + (" (planned)" if e.planned else ""),
                link=ln.to(e),
                kind=shown("event", "kind", e.kind),
                places=[ln.to(p) for p in e.places],
            )
        )
    return templates.render("timeline.md.j2", years=dict(years), total=len(kb.events), boost=INDEX_BOOST)


INDEXES = {
    "briefings/index.md": briefings_index,
    "actors/index.md": actors_index,
    "places/index.md": places_index,
    "events/index.md": events_index,
    "figures/index.md": figures_index,
    "sources/index.md": sources_index,
    "timeline.md": timeline,
}
"""Every index page: docs path -> function rendering it. These are the pages in the navigation."""
