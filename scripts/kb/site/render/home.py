"""The home page: what this is, the latest published briefings, the latest events, and counts."""

from __future__ import annotations

from kb.core.facttypes import FACT_TYPES
from kb.core.model import KnowledgeBase
from kb.site.render import templates
from kb.site.render.links import Linker
from kb.site.render.text import event_when, human_date

LATEST = 5


def render(kb: KnowledgeBase) -> str:
    ln = Linker(kb, "index.md")
    published = [b for b in kb.briefings.values() if b.status == "published"]
    published.sort(key=lambda b: b.order, reverse=True)
    events = sorted(kb.events.values(), key=lambda e: e.order, reverse=True)
    counts = [
        dict(name=t.plural, count=len(kb.of_type(t.name)), index=ln.page_link(t.plural, f"{t.folder}/index.md"))
        for t in FACT_TYPES
    ]
    return templates.render(
        "home.md.j2",
        briefings=[dict(link=ln.to(b), date=human_date(b.date), summary=b.summary) for b in published[:LATEST]],
        events=[dict(link=ln.to(e), date=event_when(e)) for e in events[:LATEST]],
        counts=counts,
        series=len(kb.series()),
    )
