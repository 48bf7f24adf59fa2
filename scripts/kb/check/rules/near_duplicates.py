"""Near-duplicates: the same event or actor entered twice under different ids (warnings)."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterator

from kb.check.rules.base import finding, rule
from kb.core.facts import Event
from kb.core.findings import Finding
from kb.core.model import KnowledgeBase

SIMILAR_TITLES = 0.6


@rule(
    "event-near-duplicate",
    "warning",
    "No two events share date, actors and a similar title.",
    "Merge the two events (keep one id, add `former_ids`), or make their titles say how they differ.",
)
def events_are_distinct(kb: KnowledgeBase) -> Iterator[Finding]:
    by_date: dict[str, list[Event]] = defaultdict(list)
    for e in sorted(kb.events.values(), key=lambda e: e.id):
        if e.date and e.actors:
            by_date[e.date.iso()].append(e)
    for group in by_date.values():
        for i, a in enumerate(group):
            actors_a = {p.actor for p in a.actors}
            for b in group[i + 1 :]:
                if (
                    actors_a == {p.actor for p in b.actors}
                    and difflib.SequenceMatcher(None, a.title.casefold(), b.title.casefold()).ratio() >= SIMILAR_TITLES
                ):
                    yield finding(
                        b,
                        "event-near-duplicate",
                        f"looks like '{a.id}' ({a.doc.path}): same date, same actors, similar title",
                        "merge them, or retitle to show the difference",
                        where=("title",),
                    )


@rule(
    "actor-near-duplicate",
    "warning",
    "No actor's alias is another actor's name or alias.",
    "Merge the two actors, or remove the ambiguous alias.",
)
def actors_are_distinct(kb: KnowledgeBase) -> Iterator[Finding]:
    actors = sorted(kb.actors.values(), key=lambda a: a.id)
    names: dict[str, str] = {}
    for actor in actors:
        names.setdefault(actor.name.casefold(), actor.id)
    aliases: dict[str, str] = {}
    for actor in actors:
        labels = [(("name",), actor.name)] + [(("aliases", i), a) for i, a in enumerate(actor.aliases)]
        for where, label in labels:
            key = label.casefold()
            other = names.get(key) if where != ("name",) else None
            if other in (None, actor.id):
                other = aliases.get(key) if where != ("name",) else names.get(key)
            if where != ("name",):
                aliases.setdefault(key, actor.id)
            if other and other != actor.id:
                yield finding(
                    actor,
                    "actor-near-duplicate",
                    f"'{label}' also names actor '{other}'",
                    "merge the two actors or drop the alias",
                    where=where,
                )
