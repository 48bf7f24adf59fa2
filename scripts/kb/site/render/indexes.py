"""Index pages, one per fact type, and the timeline of all events.

These pages (not the thousands of fact pages) are what the navigation holds. Tables inside a
`kb-sortable` block can be sorted by clicking a column header (docs/assets/kb.js).

An index of more than LIMIT rows is a landing page and parts: the timeline by year, names by their
first letter. A part's key does not move when another fact is added, so an edit re-renders the part it
touches, and no page grows past about 250 KB however large the knowledge base grows."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TypedDict, TypeVar

from kb.core.facts import Actor, Briefing, Event, Place, Source
from kb.core.facttypes import series_page
from kb.core.model import KnowledgeBase
from kb.site.render import filters, templates
from kb.site.render.escape import Safe
from kb.site.render.links import Linker
from kb.site.render.relations import event_actors, relations
from kb.site.render.source import published
from kb.site.render.text import (
    event_when,
    figure_period,
    figure_value,
    human_date,
    metric_words,
    sentence_case,
    series_title,
    shown,
)

T = TypeVar("T")
Rows = Callable[[KnowledgeBase, Linker, list[T]], list[dict[str, object]]]
"""How an index shows its facts: one row each (a dict for its template)."""

INDEX_BOOST = 0.5
"""Index pages list many names: rank them below the pages they list."""
LIMIT = 500
"""Rows on one index page: about 250 KB of HTML with the theme around it (a page stays under 300 KB)."""
BRIEFING_LIMIT = 200
"""Briefings on one index page: each row carries the briefing's summary."""
LATEST = 100
"""Events the events index shows when the events are listed by year on the timeline."""


class _SeriesRow(TypedDict):
    marker: Safe
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


def letter(name: str) -> str:
    """The part of a name index a name falls into: its first letter or digit, or "other"."""
    first = next((c for c in name.casefold() if c.isalnum()), "")
    return first if first.isascii() and first else "other"


def year_of(event: Event) -> str:
    """The timeline year an event is listed under: an undated one under its earliest bound (its row says
    'undated, ... or later'), one with no bound either under "undated"."""
    return str(event.placed.year) if event.placed else "undated"


@dataclass(frozen=True)
class Part:
    """One page of a parted index: its docs path, what readers call it, how many rows it holds."""

    path: str
    label: str
    count: int


def keyed_parts(folder: str, keys: list[str], label: Callable[[str], str]) -> list[Part]:
    """A page per key (a letter, a year) in `folder`, in key order, each counting the rows with that key."""
    counts = Counter(keys)
    return [Part(f"{folder}/{key}.md", label(key), n) for key, n in sorted(counts.items())]


def _part_links(ln: Linker, parts: list[Part]) -> list[Safe]:
    return [ln.page_link(f"{p.label} ({p.count})", p.path) for p in parts]


def _letter_label(key: str) -> str:
    return "Other" if key == "other" else key.upper()


# -- Briefings ---------------------------------------------------------------------------------------------


def _briefing_rows(ln: Linker, items: list[Briefing]) -> list[dict[str, object]]:
    return [
        dict(
            date=human_date(b.date),
            sort=b.date.iso() if b.date else "",
            link=ln.to(b),
            status=b.status,
            summary=b.summary,
        )
        for b in sorted(items, key=lambda b: b.order, reverse=True)
    ]


def briefing_year(b: Briefing) -> str:
    return str(b.date.year) if b.date else "undated"


def briefings_index(kb: KnowledgeBase) -> str:
    page = "briefings/index.md"
    ln = Linker(kb, page)
    items = list(kb.briefings.values())
    if len(items) <= BRIEFING_LIMIT:
        return templates.render("index_briefings.md.j2", rows=_briefing_rows(ln, items), parts=None, boost=INDEX_BOOST)
    parts = keyed_parts("briefings/by-year", [briefing_year(b) for b in items], str.capitalize)[::-1]
    return templates.render("index_briefings.md.j2", rows=None, parts=_part_links(ln, parts), boost=INDEX_BOOST)


def briefings_part(kb: KnowledgeBase, part: Part) -> str:
    ln = Linker(kb, part.path)
    items = [b for b in kb.briefings.values() if f"briefings/by-year/{briefing_year(b)}.md" == part.path]
    return templates.render(
        "index_briefings.md.j2",
        rows=_briefing_rows(ln, items),
        parts=None,
        part=part,
        up=ln.page_link("All briefings", "briefings/index.md"),
        boost=INDEX_BOOST,
    )


# -- Actors, places and sources: by name ------------------------------------------------------------------


def _actor_rows(ln: Linker, items: list[Actor]) -> dict[str, list[dict[str, object]]]:
    groups: dict[str, list[dict[str, object]]] = defaultdict(list)
    for a in sorted(items, key=lambda a: _name_key(a.name)):
        groups[sentence_case(shown("actor", "kind", a.kind))].append(
            dict(
                link=ln.to(a),
                aliases=a.aliases,
                country=ln.to(a.country) if a.country else "",
                marker=filters.marker({"kind": [a.kind], "country": [a.country or ""]}),
            )
        )
    return dict(sorted(groups.items()))


def _actor_filters(kb: KnowledgeBase, items: list[Actor], scope: str = "") -> Safe:
    return filters.block(
        "actors",
        [
            filters.facet("kind", "Kind", "All kinds", ([a.kind] for a in items), lambda k: shown("actor", "kind", k)),
            filters.facet(
                "country", "Country", "All countries", ([a.country or ""] for a in items), filters.actor_name(kb)
            ),
        ],
        scope,
    )


def actors_index(kb: KnowledgeBase) -> str:
    ln = Linker(kb, "actors/index.md")
    items = list(kb.actors.values())
    if len(items) <= LIMIT:
        return templates.render(
            "index_actors.md.j2",
            groups=_actor_rows(ln, items),
            filters=_actor_filters(kb, items),
            parts=None,
            total=len(items),
            boost=INDEX_BOOST,
        )
    kinds = Counter(sentence_case(shown("actor", "kind", a.kind)) for a in items)
    parts = keyed_parts("actors/by-name", [letter(a.name) for a in items], _letter_label)
    return templates.render(
        "index_actors.md.j2",
        groups=None,
        parts=_part_links(ln, parts),
        kinds=dict(sorted(kinds.items())),
        total=len(items),
        boost=INDEX_BOOST,
    )


def actors_part(kb: KnowledgeBase, part: Part) -> str:
    ln = Linker(kb, part.path)
    items = [a for a in kb.actors.values() if f"actors/by-name/{letter(a.name)}.md" == part.path]
    return templates.render(
        "index_actors.md.j2",
        groups=_actor_rows(ln, items),
        filters=_actor_filters(
            kb, items, f"This page holds the actors whose name begins with {part.label}: the filters cover those."
        ),
        parts=None,
        part=part,
        up=ln.page_link("All actors", "actors/index.md"),
        total=len(items),
        boost=INDEX_BOOST,
    )


def _place_rows(kb: KnowledgeBase, ln: Linker, items: list[Place]) -> list[dict[str, object]]:
    counts = relations(kb).events_at_place
    return [
        dict(
            link=ln.to(p),
            kind=shown("place", "kind", p.kind),
            country=ln.to(p.country) if p.country else "",
            events=len(counts.get(p.id, ())),
        )
        for p in sorted(items, key=lambda p: _name_key(p.name))
    ]


def _by_name_index(
    kb: KnowledgeBase, page: str, template: str, items: Sequence[T], name: Callable[[T], str], rows: Rows[T]
) -> str:
    """An index of facts by name: every row, or above LIMIT a page a letter (its folder beside `page`)."""
    ln = Linker(kb, page)
    if len(items) <= LIMIT:
        return templates.render(template, rows=rows(kb, ln, list(items)), parts=None, boost=INDEX_BOOST)
    parts = keyed_parts(f"{page.removesuffix('/index.md')}/by-name", [letter(name(i)) for i in items], _letter_label)
    return templates.render(template, rows=None, parts=_part_links(ln, parts), boost=INDEX_BOOST)


def _by_name_part(
    kb: KnowledgeBase, part: Part, page: str, template: str, items: Sequence[T], name: Callable[[T], str], rows: Rows[T]
) -> str:
    """One letter's page of an index by name: its rows, and the way back to `page`."""
    ln = Linker(kb, part.path)
    section = page.removesuffix("/index.md")
    mine = [i for i in items if f"{section}/by-name/{letter(name(i))}.md" == part.path]
    return templates.render(
        template,
        rows=rows(kb, ln, mine),
        parts=None,
        part=part,
        up=ln.page_link(f"All {section}", page),
        boost=INDEX_BOOST,
    )


def places_index(kb: KnowledgeBase) -> str:
    return _by_name_index(
        kb, "places/index.md", "index_places.md.j2", list(kb.places.values()), _place_name, _place_rows
    )


def places_part(kb: KnowledgeBase, part: Part) -> str:
    items = list(kb.places.values())
    return _by_name_part(kb, part, "places/index.md", "index_places.md.j2", items, _place_name, _place_rows)


def _place_name(p: Place) -> str:
    return p.name


def _source_rows(kb: KnowledgeBase, ln: Linker, items: list[Source]) -> list[dict[str, object]]:
    return [
        dict(
            link=ln.to(s),
            authors=s.authors,
            publisher=s.publisher or "",
            published=published(s),
            sort=s.published.iso() if s.published else "",
            cited=len({r.origin.id for r in kb.cited_by.get(s.id, ())}),
        )
        for s in sorted(items, key=lambda s: _name_key(s.title))
    ]


def sources_index(kb: KnowledgeBase) -> str:
    items = list(kb.sources.values())
    return _by_name_index(kb, "sources/index.md", "index_sources.md.j2", items, _source_title, _source_rows)


def sources_part(kb: KnowledgeBase, part: Part) -> str:
    items = list(kb.sources.values())
    return _by_name_part(kb, part, "sources/index.md", "index_sources.md.j2", items, _source_title, _source_rows)


def _source_title(s: Source) -> str:
    return s.title


# -- Figures -----------------------------------------------------------------------------------------------


def figures_index(kb: KnowledgeBase) -> str:
    ln = Linker(kb, "figures/index.md")
    rows: list[_SeriesRow] = []
    for (actor_id, metric), figs in kb.series().items():
        latest = figs[-1]
        rows.append(
            _SeriesRow(
                marker=filters.marker({"metric": [metric], "actor": [actor_id]}),
                link=ln.page_link(series_title(kb, actor_id, metric), series_page(actor_id, metric)),
                actor=ln.to(actor_id),
                metric=metric_words(kb, metric),
                count=len(figs),
                latest=f"{figure_value(latest)}, {figure_period(latest)} ({latest.status})",
                key=_name_key(series_title(kb, actor_id, metric)),
            )
        )
    rows.sort(key=lambda r: r["key"])
    keys = list(kb.series())
    chooser = filters.block(
        "series",
        [
            filters.facet("metric", "Metric", "All metrics", ([m] for _, m in keys), lambda m: metric_words(kb, m)),
            filters.facet("actor", "Actor", "All actors", ([a] for a, _ in keys), filters.actor_name(kb)),
        ],
        "",
    )
    return templates.render("index_figures.md.j2", rows=rows, filters=chooser, boost=INDEX_BOOST)


# -- Events and the timeline: by year -----------------------------------------------------------------------


def _event_row(ln: Linker, e: Event) -> dict[str, object]:
    values = {"kind": [e.kind], "year": [year_of(e)], "actor": event_actors(ln.kb, e)}
    return dict(
        date=event_when(e) + (" (planned)" if e.planned else ""),
        marker=filters.marker(values, sort=e.placed.iso() if e.placed else ""),
        link=ln.to(e),
        kind=shown("event", "kind", e.kind),
        places=[ln.to(p) for p in e.places],
    )


def _event_filters(kb: KnowledgeBase, events: list[Event], scope: str = "", years: bool = True) -> Safe:
    facets = [
        filters.facet("kind", "Kind", "All kinds", ([e.kind] for e in events), lambda k: shown("event", "kind", k)),
        filters.facet("year", "Year", "All years", ([year_of(e)] for e in events), str.capitalize, newest_first=True),
        filters.facet("actor", "Actor", "All actors", (event_actors(kb, e) for e in events), filters.actor_name(kb)),
    ]
    return filters.block("events", [f for f in facets if years or f.name != "year"], scope)


def _year_parts(kb: KnowledgeBase) -> list[Part]:
    return keyed_parts("timeline", [year_of(e) for e in kb.events.values()], str.capitalize)


def events_index(kb: KnowledgeBase) -> str:
    ln = Linker(kb, "events/index.md")
    newest = list(reversed(_by_date(list(kb.events.values()))))
    if len(newest) <= LIMIT:
        rows = [_event_row(ln, e) for e in newest]
        chooser = _event_filters(kb, newest)
        return templates.render(
            "index_events.md.j2", rows=rows, filters=chooser, years=None, total=len(newest), boost=INDEX_BOOST
        )
    rows = [_event_row(ln, e) for e in newest[:LATEST]]
    years = _part_links(ln, _year_parts(kb)[::-1])
    chooser = _event_filters(
        kb,
        newest[:LATEST],
        f"This page holds the {LATEST} newest events: the filters cover those (the timeline has every event).",
    )
    return templates.render(
        "index_events.md.j2", rows=rows, filters=chooser, years=years, total=len(newest), boost=INDEX_BOOST
    )


def timeline(kb: KnowledgeBase) -> str:
    ln = Linker(kb, "timeline.md")
    events = _by_date(list(kb.events.values()))
    if len(events) <= LIMIT:
        years: dict[str, list[dict[str, object]]] = defaultdict(list)
        for e in events:
            years[year_of(e).capitalize()].append(_event_row(ln, e))
        return templates.render(
            "timeline.md.j2",
            years=dict(years),
            filters=_event_filters(kb, events),
            parts=None,
            total=len(events),
            boost=INDEX_BOOST,
        )
    return templates.render(
        "timeline.md.j2", years=None, parts=_part_links(ln, _year_parts(kb)), total=len(events), boost=INDEX_BOOST
    )


def timeline_part(kb: KnowledgeBase, part: Part) -> str:
    ln = Linker(kb, part.path)
    events = [e for e in _by_date(list(kb.events.values())) if f"timeline/{year_of(e)}.md" == part.path]
    parts = _year_parts(kb)
    at = next(i for i, p in enumerate(parts) if p.path == part.path)
    near = [ln.page_link(f"← {parts[at - 1].label}", parts[at - 1].path)] if at > 0 else []
    near += [ln.page_link(f"{parts[at + 1].label} →", parts[at + 1].path)] if at + 1 < len(parts) else []
    return templates.render(
        "timeline.md.j2",
        years={part.label: [_event_row(ln, e) for e in events]},
        filters=_event_filters(
            kb, events, f"This page holds the events of {part.label}: the filters cover those.", years=False
        ),
        parts=None,
        part=part,
        near=near,
        up=ln.page_link("The whole timeline", "timeline.md"),
        total=len(events),
        boost=INDEX_BOOST,
    )


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


def index_parts(
    kb: KnowledgeBase, ids: Collection[str] | None = None
) -> list[tuple[Part, Callable[[KnowledgeBase, Part], str]]]:
    """The parts of the indexes that are too long for one page, with the function rendering each; with
    `ids`, only the parts that list any of those facts."""
    out: list[tuple[Part, Callable[[KnowledgeBase, Part], str]]] = []
    if len(kb.briefings) > BRIEFING_LIMIT:
        out += [
            (p, briefings_part)
            for p in keyed_parts("briefings/by-year", [briefing_year(b) for b in kb.briefings.values()], str.capitalize)
        ]
    if len(kb.actors) > LIMIT:
        out += [
            (p, actors_part)
            for p in keyed_parts("actors/by-name", [letter(a.name) for a in kb.actors.values()], _letter_label)
        ]
    if len(kb.places) > LIMIT:
        out += [
            (p, places_part)
            for p in keyed_parts("places/by-name", [letter(p.name) for p in kb.places.values()], _letter_label)
        ]
    if len(kb.sources) > LIMIT:
        out += [
            (p, sources_part)
            for p in keyed_parts("sources/by-name", [letter(s.title) for s in kb.sources.values()], _letter_label)
        ]
    if len(kb.events) > LIMIT:
        out += [(p, timeline_part) for p in _year_parts(kb)]
    if ids is None:
        return out
    keys = {f"briefings/by-year/{briefing_year(kb.briefings[i])}.md" for i in ids if i in kb.briefings}
    keys |= {f"actors/by-name/{letter(kb.actors[i].name)}.md" for i in ids if i in kb.actors}
    keys |= {f"places/by-name/{letter(kb.places[i].name)}.md" for i in ids if i in kb.places}
    keys |= {f"sources/by-name/{letter(kb.sources[i].title)}.md" for i in ids if i in kb.sources}
    years = [f"timeline/{year_of(kb.events[i])}.md" for i in ids if i in kb.events]
    # A year's page links the years before and after it: those change when a year gains its first event.
    order = [p.path for p in _year_parts(kb)] if years else []
    keys |= {
        order[j] for y in years if y in order for j in (order.index(y) - 1, order.index(y) + 1) if 0 <= j < len(order)
    }
    keys |= set(years)
    return [(part, render) for part, render in out if part.path in keys]
