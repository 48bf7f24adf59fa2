"""Who cites a fact: briefings (with the sentence that cites it) and other facts (with the field)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TypeVar

from kb.core.dates import date_key
from kb.core.facts import Briefing, Fact, Reference
from kb.core.facttypes import BY_NAME, names
from kb.core.model import KnowledgeBase
from kb.site.render.escape import Safe, md_text
from kb.site.render.links import Linker
from kb.site.render.text import words

T = TypeVar("T")


@dataclass(frozen=True)
class Quote:
    """A briefing citing a fact: link to the briefing and the citing sentence."""

    briefing: Safe
    sentence: Safe
    locator: Safe | None


@dataclass(frozen=True)
class Mention:
    """Another fact referring to this one: link, and how (the field, in words)."""

    fact: Safe
    how: Safe


def _field_words(ref: Reference) -> str:
    head = ref.field.split("[")[0].split(".")[0]
    return {
        "sources": "cites it",
        "actors": "involves it",
        "attribution": "attributes to it",
        "places": "happened here",
        "related": "related event",
        "country": "country",
        "within": "lies within it",
        "roles": "role",
        "memberships": "member",
        "actor": "figure of",
        "compared_to": "compared with it",
    }.get(head, words(head))


def cited_in(kb: KnowledgeBase, fact_id: str, linker: Linker) -> list[Quote]:
    """Briefings that cite `fact_id`, in briefing order, one entry per citing sentence."""
    out, seen = [], set()
    for ref in kb.cited_by.get(fact_id, ()):
        if not isinstance(ref.origin, Briefing) or ref.field != "text":
            continue
        key = (ref.origin.id, ref.context)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            (
                date_key(ref.origin.date),
                ref.origin.id,
                ref.pos.line,
                Quote(linker.to(ref.origin), md_text(ref.context or ""), md_text(ref.locator) if ref.locator else None),
            )
        )
    out.sort(key=lambda t: (tuple(-x for x in t[0]), t[1], t[2]))
    return [q for *_, q in out]


def mentioned_by(
    kb: KnowledgeBase, fact_id: str, linker: Linker, exclude: Collection[str] = frozenset()
) -> dict[str, list[Mention]]:
    """Other facts that refer to `fact_id`, grouped by their type (in the table's order)."""
    groups: dict[str, dict[str, set[str]]] = {t: {} for t in names()}
    for ref in kb.cited_by.get(fact_id, ()):
        origin: Fact = ref.origin
        if isinstance(origin, Briefing) or origin.id == fact_id or origin.id in exclude:
            continue
        groups[origin.TYPE].setdefault(origin.id, set()).add(_field_words(ref))
    return {
        BY_NAME[fact_type].plural: [
            Mention(linker.to(fid), md_text(", ".join(sorted(hows))))
            for fid, hows in sorted(ids.items(), key=lambda kv: linker_label(kb, kv[0]))
        ]
        for fact_type, ids in groups.items()
        if ids
    }


def linker_label(kb: KnowledgeBase, fact_id: str) -> str:
    from kb.site.render.text import label

    fact = kb.get(fact_id)
    return label(kb, fact).casefold() if fact else fact_id


def pairs(groups: dict[str, list[T]]) -> list[tuple[str, T]]:
    """Grouped entries as one list of (group, entry), for lists that may be cut (more.Section)."""
    return [(group, entry) for group, entries in groups.items() for entry in entries]
