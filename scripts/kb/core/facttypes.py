"""The fact types, in one table: what each is called, where its files live, how briefings use it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FactType:
    name: str  # as written in a briefing link (`event:id`) and in messages
    folder: str  # data/<folder>/, and the site's section
    suffix: str  # of its files
    title: str  # "Event"
    plural: str  # "Events"
    linkable: bool  # a briefing may link to it: `[text](name:id)`
    cited_order: int  # its place in a briefing's facts-cited panel


FACT_TYPES = (
    FactType("source", "sources", ".yaml", "Source", "Sources", True, 5),
    FactType("actor", "actors", ".yaml", "Actor", "Actors", True, 2),
    FactType("place", "places", ".yaml", "Place", "Places", True, 3),
    FactType("event", "events", ".yaml", "Event", "Events", True, 1),
    FactType("figure", "figures", ".yaml", "Figure", "Figures", True, 4),
    FactType("briefing", "briefings", ".md", "Briefing", "Briefings", True, 6),
)
"""Every fact type, in the order pages and indexes list them."""

BY_NAME = {t.name: t for t in FACT_TYPES}
BY_FOLDER = {t.folder: t for t in FACT_TYPES}
LINKABLE = frozenset(t.name for t in FACT_TYPES if t.linkable)
