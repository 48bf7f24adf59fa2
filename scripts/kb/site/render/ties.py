"""Link charts: who an actor (or a place) is tied to, and by what evidence, drawn at build time as a static SVG
(charts.link_chart) with the table of every tie beside it as its text alternative.

An actor is tied to another when both take part in an event (as participant, held responsible or attributing
it), when one is a member of the other, or when one holds a role of the other. A place is tied to the actors
of the events that happened there. The strongest ties (most pieces of evidence) are drawn, at most NODES; the
table lists the first ROWS with their evidence, and names the rest.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kb.core.facts import Actor, Event, Membership, Place, Role
from kb.core.facttypes import page_of
from kb.core.model import KnowledgeBase
from kb.site.render.charts import Node, link_chart
from kb.site.render.citations import cited
from kb.site.render.escape import Safe, md_text
from kb.site.render.links import Linker, built_url, relative
from kb.site.render.relations import event_actors, relations
from kb.site.render.text import date_span, period_words

NODES = 12
"""Ties drawn in a chart: the strongest; the table lists every one."""
ROWS = 40
"""Ties listed with their evidence; the rest are named with their strength."""
EVENTS = 5
"""Events named as the evidence of one tie; the rest are counted."""


@dataclass
class Tie:
    """What ties the page's actor or place to `other`."""

    other: Actor
    events: list[Event] = field(default_factory=list)
    memberships: list[tuple[Actor, Membership]] = field(default_factory=list)  # (member, membership)
    roles: list[tuple[Actor, Role]] = field(default_factory=list)  # (holder, role)

    @property
    def strength(self) -> int:
        return len(self.events) + len(self.memberships) + len(self.roles)

    def words(self) -> str:
        """The tie in a few words: 'Prime Minister · member since 2004 · 3 events'."""
        parts = [r.title for _, r in self.roles]
        parts += [f"member {period_words(m.start, m.end)}".strip() for _, m in self.memberships]
        if self.events:
            parts.append(f"{len(self.events)} event{'s' if len(self.events) > 1 else ''}")
        return " · ".join(dict.fromkeys(parts))


def _all(kb: KnowledgeBase) -> dict[str, dict[str, Tie]]:
    ties: dict[str, dict[str, Tie]] = defaultdict(dict)

    def tie(a: str, b: str) -> Tie:
        found = ties[a].get(b)
        if found is None:
            found = ties[a][b] = Tie(kb.actors[b])
        return found

    for e in sorted(kb.events.values(), key=lambda e: e.order):
        involved = event_actors(kb, e)
        for a in involved:
            for b in involved:
                if a != b:
                    tie(a, b).events.append(e)
    for actor in kb.actors.values():
        for m in actor.memberships:
            if m.organisation in kb.actors and m.organisation != actor.id:
                tie(actor.id, m.organisation).memberships.append((actor, m))
                tie(m.organisation, actor.id).memberships.append((actor, m))
        for r in actor.roles:
            if r.of and r.of in kb.actors and r.of != actor.id:
                tie(actor.id, r.of).roles.append((actor, r))
                tie(r.of, actor.id).roles.append((actor, r))
    return ties


def of_actor(kb: KnowledgeBase, actor_id: str) -> list[Tie]:
    """The actor's ties, strongest first (then by name)."""
    found = kb.memo("ties", _all).get(actor_id, {})
    return sorted(found.values(), key=lambda t: (-t.strength, t.other.name.casefold(), t.other.id))


def of_place(kb: KnowledgeBase, place_id: str) -> list[Tie]:
    """The actors of the events at a place, strongest first."""
    found: dict[str, Tie] = {}
    for e in relations(kb).events_at_place.get(place_id, []):
        for a in event_actors(kb, e):
            found.setdefault(a, Tie(kb.actors[a])).events.append(e)
    return sorted(found.values(), key=lambda t: (-t.strength, t.other.name.casefold(), t.other.id))


@dataclass(frozen=True)
class TieRow:
    anchor: str
    link: Safe
    words: str
    evidence: Safe


@dataclass(frozen=True)
class LinkChart:
    """A chart, its caption, the rows of its table, and the ties beyond them, named."""

    chart: Safe
    caption: str
    rows: list[TieRow]
    rest: list[Safe]


def anchor(tie: Tie) -> str:
    return f"tie-{tie.other.id}"


def _evidence(tie: Tie, ln: Linker, timeline: str | None) -> Safe:
    items: list[str] = []
    for holder, r in tie.roles:
        cites = "; ".join(cited(ln, c) for c in r.sources)
        items.append(f"{md_text(holder.name)}: {md_text(r.title)}{f' ({cites})' if cites else ''}")
    for member, m in tie.memberships:
        cites = "; ".join(cited(ln, c) for c in m.sources)
        items.append(f"{md_text(member.name)} a member{f' ({cites})' if cites else ''}")
    for e in tie.events[:EVENTS]:
        items.append(f"{ln.to(e)} ({md_text(date_span(e.date, e.end, e.approximate))})")
    if len(tie.events) > EVENTS:
        more = f"and {len(tie.events) - EVENTS} more events"
        items.append(str(ln.page_link(more, timeline)) if timeline else str(md_text(more)))
    return Safe("; ".join(items))


def chart(
    kb: KnowledgeBase, center: Actor | Place, ties: list[Tie], ln: Linker, timeline: str | None = None
) -> LinkChart | None:
    """The link chart of `center` and its table, for the page `ln` links from; None with fewer than two ties
    (a chart of one line says nothing the page does not). `timeline`: where all of its events are listed."""
    if len(ties) < 2:
        return None
    drawn = ties[:NODES]
    here = ln.page

    def evidence_url(tie: Tie) -> str:
        if len(tie.events) == 1 and tie.strength == 1:
            return built_url(relative(page_of(tie.events[0]), here))
        return f"#{anchor(tie)}"

    nodes = [
        Node(t.other.name, built_url(relative(page_of(t.other), here)), t.words(), evidence_url(t), t.strength)
        for t in drawn
    ]
    name = center.name
    shown = f"the {len(drawn)} strongest of its {len(ties)} ties" if len(ties) > len(drawn) else f"its {len(ties)} ties"
    caption = (
        f"Link chart of {name}: {shown}, each line labelled with what ties them (thicker for more evidence). "
        "The table below lists every tie with its evidence."
    )
    svg = link_chart(f"links-{center.id}", f"Link chart of {name}", caption, name, nodes)
    rows = [TieRow(anchor(t), ln.to(t.other), t.words(), _evidence(t, ln, timeline)) for t in ties[:ROWS]]
    rest = [Safe(f"{ln.to(t.other)} ({md_text(t.words())})") for t in ties[ROWS:]]
    return LinkChart(svg, caption, rows, rest)
