"""The history from git in reader's words: what a change did (field by field, old -> new, values as the
site shows them: "3% of GDP -> 3.5% of GDP"), when, in which commit, resting on which citations; the
History section of every fact page; and the note a briefing shows at a citation of a fact revised since.
Pure functions of the knowledge base: plain text here, escaped where it is put on a page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kb.core.facts import Briefing, Fact
from kb.core.fielddiff import FieldChange
from kb.core.history import Change, Commit, revised_fields
from kb.core.model import KnowledgeBase
from kb.core.schema import display
from kb.site.render.escape import Safe, md_text, url
from kb.site.render.links import Linker
from kb.site.render.text import number, with_unit

SHOWN = 8
"""Changes listed on a fact page, newest first; the rest are on the Changes page."""
LONG = 80
"""Values longer than this are cut, with an ellipsis: the fact page holds the whole of the new one."""
CHANGES_PAGE = "changes.md"


def status_note(kb: KnowledgeBase) -> str:
    """What a page says about the history it shows: nothing when it is whole."""
    h = kb.history
    if h.status == "absent":
        return "No history: this site was built without the repository's git history."
    if h.status == "shallow":
        start = f", whose history starts on {h.edge.day.human()}" if h.edge else ""
        return f"History incomplete: this site was built from a shallow clone{start}; earlier changes are not shown."
    return ""


def commit_url(kb: KnowledgeBase, commit: Commit) -> str | None:
    """The commit's page on the repository's site, when mkdocs.yml gives the repository's address (`repo_url`)."""
    base = url(kb.history.repository) if kb.history.repository else None
    return f"{base.rstrip('/')}/commit/{commit.sha}" if base else None


def commit_link(kb: KnowledgeBase, commit: Commit) -> Safe:
    """The commit's short id, linked to its page when there is one."""
    address = commit_url(kb, commit)
    return Safe(f"[`{commit.short}`](<{address}>)") if address else Safe(f"`{commit.short}`")


def field_words(path: str) -> str:
    """A field path in reader's words: "sources[0].locator" -> "source 1 locator", "summary" -> "summary"."""
    words = re.sub(r"s?\[(\d+)\]", lambda m: f" {int(m[1]) + 1}", path)
    return words.replace(".", " ").replace("_", " ")


def value_words(change: Change, f: FieldChange, value: Any) -> str:
    """A value as the site shows it: a figure's value with its unit, an allowed value in reader's words."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        unit = change.data.get("unit")
        return with_unit(value, unit) if f.path == "value" and isinstance(unit, str) else number(value)
    if isinstance(value, str):
        try:
            text = display(change.type, f.path, value)
        except KeyError:
            text = value
    elif isinstance(value, list):
        text = ", ".join(value_words(change, f, v) for v in value)
    elif isinstance(value, dict):
        text = ", ".join(value_words(change, f, v) for v in value.values())
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= LONG else text[: LONG - 1].rsplit(" ", 1)[0] + "…"


def field_change_words(change: Change, f: FieldChange, name: bool = True) -> str:
    """One field's change: "value: 3% of GDP → 3.5% of GDP", "note added: ...", "text revised"."""
    head = field_words(f.path) if name else ""
    if f.path == "text":
        added, removed = change.text
        lines = f" ({_lines(added, 'added')}, {_lines(removed, 'removed')})" if change.text != (0, 0) else ""
        return f"text revised{lines}"
    if f.what == "added":
        return f"{head} added: {value_words(change, f, f.new)}".strip()
    if f.what == "removed":
        return f"{head} removed (was {value_words(change, f, f.old)})".strip()
    both = f"{value_words(change, f, f.old)} → {value_words(change, f, f.new)}"
    return f"{head}: {both}" if head else both


def fields_words(change: Change, fields: list[FieldChange] | tuple[FieldChange, ...], most: int = 4) -> str:
    shown = [field_change_words(change, f) for f in fields[:most]]
    if len(fields) > most:
        shown.append(f"and {len(fields) - most} more")
    return "; ".join(shown)


def _lines(n: int, what: str) -> str:
    return f"{n} line{'' if n == 1 else 's'} {what}"


def change_words(change: Change) -> str:
    """What a change did, in one line of plain text."""
    event = change.briefing_event
    if change.what == "added":
        return (
            "published" if event == "published" else "recorded as a draft" if change.type == "briefing" else "recorded"
        )
    if change.what == "removed":
        return "removed"
    # a briefing published or withdrawn says so itself: its status change goes without saying
    fields = [f for f in change.fields if not (event in ("published", "withdrawn") and f.path == "status")]
    if change.text != (0, 0):
        fields.append(FieldChange("text"))
    said = fields_words(change, fields)
    if event in ("published", "withdrawn"):
        said = event + (f"; {said}" if said else "")
    if change.what == "renamed":
        return f"renamed from {change.former}" + (f"; {said}" if said else "")
    return said


def citations(change: Change, linker: Linker) -> Safe:
    """The citations the fact carried after the change: "[Sample article](...), para 8"."""
    return Safe("; ".join(f"{linker.to(source)}, {md_text(locator)}" for source, locator in change.citations))


@dataclass(frozen=True)
class HistoryRow:
    date: str
    commit: Safe
    what: Safe
    cites: Safe


@dataclass(frozen=True)
class HistoryPanel:
    """The History section of a fact page."""

    note: str  # why the history is absent or incomplete
    first: str  # the day it was first recorded ("" when not known)
    last: str  # the day it last changed ("" when it never changed after it was recorded)
    rows: list[HistoryRow]  # newest first
    more: int  # older changes not listed here
    changes: Safe  # a link to the Changes page


def panel(kb: KnowledgeBase, fact: Fact, linker: Linker) -> HistoryPanel:
    """The History section of `fact`'s page."""
    h = kb.history
    changes = h.of(fact.id)
    first, last = h.first_recorded(fact.id), h.last_changed(fact.id)
    rows = [
        HistoryRow(
            c.commit.day.human(),
            commit_link(kb, c.commit),
            md_text(change_words(c)),
            citations(c, linker) if c.what != "added" and c.revises else Safe(""),
        )
        for c in reversed(changes[-SHOWN:])
    ]
    return HistoryPanel(
        status_note(kb) or ("" if changes else "Not yet recorded in the repository's history."),
        first.day.human() if first else "",
        last.day.human() if last and len(changes) > 1 else "",
        rows,
        max(len(changes) - SHOWN, 0),
        linker.page_link("Changes", CHANGES_PAGE),
    )


def revision_note(kb: KnowledgeBase, briefing: Briefing, fact_id: str) -> str:
    """What a reader of `briefing` should know about a fact it cites that was revised after the briefing's
    date (or its reviewed date): "revised 3 February 2026: 3% of GDP → 3.5% of GDP". "" when it was not."""
    since = briefing.as_of
    revisions = kb.history.revised_since(fact_id, since) if since is not None else []
    if not revisions:
        return ""
    last = revisions[-1]
    fields = revised_fields(revisions)
    # a figure's value speaks for itself: "3% of GDP → 3.5% of GDP"
    said = "; ".join(
        field_change_words(last, f, name=not (f.path == "value" and last.type == "figure")) for f in fields[:3]
    )
    more = f"; and {len(fields) - 3} more" if len(fields) > 3 else ""
    return f"revised {last.commit.day.human()}: {said}{more}"
