"""Reverse relations the pages need (an actor's events, a place's events, members of an alliance...),
computed once per knowledge base so that rendering stays linear in the number of facts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kb.core.facts import Actor, Event, Figure, Membership, Place, Role
from kb.core.model import KnowledgeBase


@dataclass
class Relations:
    events_of_actor: dict[str, list[Event]] = field(default_factory=lambda: defaultdict(list))
    events_at_place: dict[str, list[Event]] = field(default_factory=lambda: defaultdict(list))
    related_to: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    members: dict[str, list[tuple[Actor, Membership]]] = field(default_factory=lambda: defaultdict(list))
    office_holders: dict[str, list[tuple[Actor, Role]]] = field(default_factory=lambda: defaultdict(list))
    places_in_country: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    places_within: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    series: dict[tuple[str, str], list[Figure]] = field(default_factory=dict)
    series_of_actor: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    proper_words: dict[str, str] = field(default_factory=dict)  # "ukraine" -> "Ukraine", for metric slugs

    @classmethod
    def of(cls, kb: KnowledgeBase) -> Relations:
        r = cls()
        for e in sorted(kb.events.values(), key=lambda e: e.order):
            involved = [p.actor for p in e.actors] + [a.actor for a in e.attribution]
            involved += [a.by for a in e.attribution if a.by]
            for actor_id in dict.fromkeys(involved):
                r.events_of_actor[actor_id].append(e)
            for place_id in e.places:
                r.events_at_place[place_id].append(e)
            for other in e.related:
                if other != e.id:
                    r.related_to[e.id].add(other)
                    r.related_to[other].add(e.id)
        for a in kb.actors.values():
            for m in a.memberships:
                r.members[m.organisation].append((a, m))
            for role in a.roles:
                if role.of and role.of != a.id:
                    r.office_holders[role.of].append((a, role))
        for p in kb.places.values():
            if p.country:
                r.places_in_country[p.country].append(p)
            if p.within:
                r.places_within[p.within].append(p)
        r.series = kb.series()
        for actor_id, metric in r.series:
            r.series_of_actor[actor_id].append((actor_id, metric))
        named: list[Actor | Place] = [*kb.actors.values(), *kb.places.values()]
        for fact in named:
            for word in fact.name.split():
                if word[:1].isupper() and word.isalpha():
                    r.proper_words.setdefault(word.lower(), word)
        return r


def event_actors(kb: KnowledgeBase, event: Event) -> list[str]:
    """The actors an event involves (taking part, held responsible, attributing it), each once, in order."""
    ids = [p.actor for p in event.actors] + [a.actor for a in event.attribution]
    ids += [a.by for a in event.attribution if a.by]
    return [i for i in dict.fromkeys(ids) if i in kb.actors]


def relations(kb: KnowledgeBase) -> Relations:
    """The relations of `kb`, worked out on first use and kept with it."""
    return kb.memo("relations", Relations.of)
