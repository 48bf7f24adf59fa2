"""Actor pages: infobox, roles and memberships, a timeline of its events, its figures and places,
and every briefing sentence that cites it."""

from __future__ import annotations

from dataclasses import dataclass

from kb.core.facts import Actor, Event
from kb.core.facttypes import page_of, series_page
from kb.core.model import KnowledgeBase
from kb.site.render import assessment, history, templates, ties
from kb.site.render.backlinks import cited_in, mentioned_by, pairs
from kb.site.render.citations import citation_lines
from kb.site.render.escape import Safe, md_text
from kb.site.render.links import Linker
from kb.site.render.more import Section, cut
from kb.site.render.relations import relations
from kb.site.render.text import (
    event_when,
    figure_period,
    figure_value,
    label,
    period_words,
    series_title,
    shown,
)


@dataclass(frozen=True)
class Row:
    """One line of a list: a link and the words that qualify it."""

    link: Safe
    detail: Safe | str = ""
    when: str = ""


def event_roles(event: Event, actor_id: str) -> list[str]:
    """How `actor_id` takes part in `event`: its roles, and attribution either way."""
    roles = [shown("event", "role", p.role) for p in event.actors if p.actor == actor_id]
    roles += ["held responsible" for a in event.attribution if a.actor == actor_id]
    roles += ["attributed it" for a in event.attribution if a.by == actor_id]
    return list(dict.fromkeys(roles))


def events_of(kb: KnowledgeBase, actor_id: str) -> list[Event]:
    """Events the actor takes part in, is held responsible for or attributed, oldest first."""
    return relations(kb).events_of_actor.get(actor_id, [])


def path(actor: Actor) -> str:
    return page_of(actor)


def _listed(kb: KnowledgeBase, actor: Actor) -> set[str]:
    """Facts the page lists in sections of their own, so "Referenced by" need not list them again."""
    rel = relations(kb)
    events = events_of(kb, actor.id)
    listed = {e.id for e in events} | {p.id for p in rel.places_in_country.get(actor.id, [])}
    listed |= {p for e in events for p in e.places}
    listed |= {f.id for key in rel.series_of_actor.get(actor.id, []) for f in rel.series[key]}
    listed |= {a.id for a in assessment.held_by(kb, actor.id) + assessment.about(kb, actor.id)}
    return (
        listed
        | {a.id for a, _ in rel.members.get(actor.id, [])}
        | {a.id for a, _ in rel.office_holders.get(actor.id, [])}
    )


def lists(kb: KnowledgeBase, actor: Actor, ln: Linker) -> dict[str, Section]:
    """The page's lists that grow with the knowledge base, for the page `ln` links from."""
    timeline = [
        Row(ln.to(e), md_text(", ".join(event_roles(e, actor.id))), event_when(e)) for e in events_of(kb, actor.id)
    ]
    rel = relations(kb)
    place_ids = {p.id for p in rel.places_in_country.get(actor.id, [])}
    place_ids |= {p for e in events_of(kb, actor.id) for p in e.places}
    places = sorted(
        (Row(ln.to(kb.places[p])) for p in place_ids if p in kb.places), key=lambda r: str(r.link).casefold()
    )
    return {
        "events": Section("Timeline", "table_rows", timeline),
        "places": Section("Places", "rows", places),
        "briefings": Section("Cited in briefings", "quote_items", cited_in(kb, actor.id, ln)),
        "references": Section(
            "Referenced by", "mention_items", pairs(mentioned_by(kb, actor.id, ln, exclude=_listed(kb, actor)))
        ),
    }


def render(kb: KnowledgeBase, actor: Actor) -> str:
    page = path(actor)
    ln = Linker(kb, page)
    roles = [
        Row(
            Safe(f"{md_text(r.title)}{' of ' + ln.to(r.of) if r.of else ''}"),
            "",
            period_words(r.start, r.end, r.former),
        )
        for r in actor.roles
    ]
    memberships = [Row(ln.to(m.organisation), "", period_words(m.start, m.end)) for m in actor.memberships]
    rel = relations(kb)
    members = sorted(
        (Row(ln.to(a), "", period_words(m.start, m.end)) for a, m in rel.members.get(actor.id, [])),
        key=lambda r: str(r.link).casefold(),
    )
    holders = sorted(
        (
            Row(ln.to(a), md_text(r.title), period_words(r.start, r.end, r.former))
            for a, r in rel.office_holders.get(actor.id, [])
        ),
        key=lambda r: str(r.link).casefold(),
    )
    long = {name: cut(actor, name, section, ln) for name, section in lists(kb, actor, ln).items()}
    series = [
        Row(
            ln.page_link(series_title(kb, a, m), series_page(a, m)),
            md_text(f"latest: {figure_value(figs[-1])}, {figure_period(figs[-1])} ({figs[-1].status})"),
        )
        for (a, m), figs in ((key, rel.series[key]) for key in rel.series_of_actor.get(actor.id, []))
    ]
    cites = (
        [(None, actor.sources)]
        + [(f"role: {r.title}", r.sources) for r in actor.roles]
        + [
            (
                f"membership: {label(kb, org) if (org := kb.get(m.organisation)) else m.organisation}",
                m.sources,
            )
            for m in actor.memberships
        ]
    )
    return templates.render(
        "actor.md.j2",
        history=history.panel(kb, actor, ln),
        a=actor,
        kind=shown("actor", "kind", actor.kind),
        country=ln.to(actor.country) if actor.country else None,
        roles=roles,
        memberships=memberships,
        members=members,
        holders=holders,
        timeline=long["events"],
        series=series,
        places=long["places"],
        held=assessment.lines(kb, assessment.held_by(kb, actor.id), ln),
        assessed=assessment.lines(kb, assessment.about(kb, actor.id), ln),
        quotes=long["briefings"],
        mentions=long["references"],
        citations=citation_lines(ln, cites),
        links=ties.chart(kb, actor, ties.of_actor(kb, actor.id), ln, f"{page}#timeline"),
    )
