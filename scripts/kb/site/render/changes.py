"""The Changes pages: the knowledge base's log from git, newest first. Facts added, changed (old -> new,
with the citations the new version rests on), renamed and removed; briefings published, revised and
withdrawn (drafts are not news). changes/index.md gives the months and the latest changes; each month
is a page of its own, cut into parts of at most PART entries, so that no page grows with the history.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from kb.core.dates import PartialDate
from kb.core.facttypes import BY_NAME, names
from kb.core.history import Change
from kb.core.model import KnowledgeBase
from kb.site.render import templates
from kb.site.render.escape import Safe, md_text
from kb.site.render.history import change_words, citations, commit_link, status_note
from kb.site.render.links import Linker

INDEX = "changes/index.md"
PART = 250
"""Entries on one page: a month with more (the first import of a knowledge base) is cut into parts."""
LATEST = 20
"""Entries the index page shows."""
FEEDS = {"briefings": "feeds/briefings.xml", "changes": "feeds/changes.xml"}
_ORDER = {"added": 0, "renamed": 1, "changed": 2, "removed": 3}


def listed(change: Change) -> bool:
    """Whether a change is news: every change to a fact, a briefing's only when published or after."""
    return change.type != "briefing" or change.briefing_event is not None


def newest_first(kb: KnowledgeBase) -> list[Change]:
    """The listed changes, newest commit first; within a commit, by fact type, what happened and id."""
    ranks = {name: n for n, name in enumerate(names())}
    out: list[Change] = []
    for _, commit in groupby(reversed(kb.history.changes), key=lambda c: c.commit):
        out += sorted((c for c in commit if listed(c)), key=lambda c: (ranks.get(c.type, 99), _ORDER[c.what], c.id))
    return out


@dataclass(frozen=True)
class Part:
    """One page of the log: part `number` of `of` of one month."""

    path: str
    month: PartialDate
    number: int
    of: int
    changes: list[Change]


def _month(change: Change) -> PartialDate:
    day = change.commit.day
    return PartialDate(day.year, day.month)


def _parts(kb: KnowledgeBase) -> list[Part]:
    out: list[Part] = []
    for month, group in groupby(newest_first(kb), key=_month):
        changes = list(group)
        chunks = [changes[i : i + PART] for i in range(0, len(changes), PART)]
        for n, chunk in enumerate(chunks, 1):
            name = month.iso() if n == 1 else f"{month.iso()}-{n}"
            out.append(Part(f"changes/{name}.md", month, n, len(chunks), chunk))
    return out


def parts(kb: KnowledgeBase) -> list[Part]:
    """Every page of the log, newest first (worked out once per knowledge base)."""
    return kb.memo("changes-parts", _parts)


def shows(part: Part, ids: frozenset[str]) -> bool:
    """Whether a page of the log names any of the facts `ids`: a fact changed, renamed from, or cited."""
    return any(
        c.now in ids or c.id in ids or c.former in ids or any(s in ids for s, _ in c.citations) for c in part.changes
    )


def _where(kb: KnowledgeBase) -> dict[tuple[str, str], str]:
    """The page holding each change (by commit and id), for links to it from the index and the feed."""
    return {(c.commit.sha, c.id): p.path for p in parts(kb) for c in p.changes}


def page_of(kb: KnowledgeBase, change: Change) -> str:
    """The docs path of the log page that lists `change`."""
    return kb.memo("changes-where", _where).get((change.commit.sha, change.id), INDEX)


def verb(change: Change) -> str:
    event = change.briefing_event
    if event is not None:
        return event.capitalize()
    return change.what.capitalize()


def subject(kb: KnowledgeBase, change: Change, ln: Linker) -> Safe:
    """The fact a change is about: a link to its page while it has one (under its id now), else its name."""
    fact = kb.get(change.now)
    if fact is not None and change.type == fact.TYPE:
        return ln.to(fact)
    return Safe(f"{md_text(change.label)} (`{md_text(change.id)}`)")


def type_word(change: Change) -> str:
    found = BY_NAME.get(change.type)
    return found.title.lower() if found else change.type


def line(kb: KnowledgeBase, change: Change, ln: Linker) -> Safe:
    """One entry of the log, as a Markdown list item."""
    head = f"**{verb(change)}** {type_word(change)} {subject(kb, change, ln)}"
    if change.what == "renamed":
        head = f"**Renamed** {type_word(change)} `{md_text(change.former)}` → {subject(kb, change, ln)}"
    said = change_words(change) if change.what in ("changed", "renamed") else ""
    if change.what == "renamed":
        said = said.partition("; ")[2]  # the rename itself is in the head
    if change.briefing_event in ("published", "withdrawn"):
        said = said.removeprefix(change.briefing_event).removeprefix("; ")
    detail = f": {md_text(said)}" if said else ""
    cites = citations(change, ln) if change.revises and change.type != "briefing" else Safe("")
    rests = f" · rests on {cites}" if cites else ""
    return Safe(f"- {head}{detail}{rests} · {commit_link(kb, change.commit)}")


def _days(kb: KnowledgeBase, changes: list[Change], ln: Linker) -> Iterator[tuple[str, list[Safe]]]:
    for day, group in groupby(changes, key=lambda c: c.commit.day):
        yield day.human(), [line(kb, c, ln) for c in group]


@dataclass(frozen=True)
class MonthRow:
    link: Safe
    parts: Safe
    added: int
    changed: int
    renamed: int
    removed: int
    published: int
    revised: int


def _count(changes: list[Change], what: str) -> int:
    if what in ("published", "revised"):
        return sum(1 for c in changes if c.briefing_event == what)
    return sum(1 for c in changes if c.type != "briefing" and c.what == what)


def render_index(kb: KnowledgeBase) -> str:
    ln = Linker(kb, INDEX)
    months = []
    for month, group in groupby(parts(kb), key=lambda p: p.month):
        month_parts = list(group)
        changes = [c for p in month_parts for c in p.changes]
        more = ", ".join(ln.page_link(str(p.number), p.path) for p in month_parts[1:])
        months.append(
            MonthRow(
                ln.page_link(month.human(), month_parts[0].path),
                Safe(f" (parts 1, {more})" if more else ""),
                *(_count(changes, w) for w in ("added", "changed", "renamed", "removed", "published", "revised")),
            )
        )
    latest = newest_first(kb)[:LATEST]
    return templates.render(
        "changes_index.md.j2",
        note=status_note(kb),
        months=months,
        latest=list(_days(kb, latest, ln)),
        feeds={k: ln.page_link(f"the {k} feed", v) for k, v in FEEDS.items()},
    )


def render_part(kb: KnowledgeBase, part: Part) -> str:
    ln = Linker(kb, part.path)
    all_parts = parts(kb)
    at = all_parts.index(part)
    newer = ln.page_link("newer", all_parts[at - 1].path) if at > 0 else None
    older = ln.page_link("older", all_parts[at + 1].path) if at + 1 < len(all_parts) else None
    title = f"Changes: {part.month.human()}" + (f" (part {part.number} of {part.of})" if part.of > 1 else "")
    return templates.render(
        "changes_part.md.j2",
        title=title,
        days=list(_days(kb, part.changes, ln)),
        newer=newer,
        older=older,
        index=ln.page_link("all months", INDEX),
    )
