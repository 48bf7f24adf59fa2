"""The history of every fact, from git, read in one pass: when each was first recorded and last changed,
and what each commit changed in it, field by field (old -> new), with the citations the new version rests
on; renames (a file renamed, or a new id listing the old one in `former_ids`) and removals too.

The same few git processes however large the knowledge base: where the checkout is, then `git log` once
over the data folder (first parent, renames detected, the blob of every file after each commit), then
`git cat-file --batch` once for all those blobs. A version is parsed only when it is compared with
another or its fields are asked for (most are recorded once and never change). Dates are committer
dates (when a change landed), never the clock, so the same commit always gives the same history. Outside git there is no history, and a shallow clone's history
starts at its edge: `History.status` says which, and pages say so.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from kb.core import git, prose
from kb.core.dates import PartialDate
from kb.core.facts import label_of
from kb.core.facttypes import BY_FOLDER, FactType
from kb.core.fielddiff import FieldChange, field_changes, line_changes
from kb.core.loader import LoadError

Status = Literal["complete", "shallow", "absent"]
What = Literal["added", "changed", "renamed", "removed"]

BOOKKEEPING = frozenset({"id", "former_ids", "waivers", "tags"})
"""Fields whose change does not change what a fact says: a change of these alone is no revision, and a
rename does not list them."""


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    time: int  # committer date, seconds since 1970 (UTC)

    @property
    def day(self) -> PartialDate:
        """The day it landed (UTC)."""
        d = datetime.fromtimestamp(self.time, UTC)
        return PartialDate(d.year, d.month, d.day)

    @property
    def timestamp(self) -> str:
        """RFC 3339, in UTC: 2026-12-05T10:00:00Z."""
        return datetime.fromtimestamp(self.time, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def short(self) -> str:
        return self.sha[:7]


class Version:
    """One version of a fact file, read when first asked for: most versions are recorded and never
    compared with another, and their fields are never needed (the knowledge base holds the newest)."""

    __slots__ = ("_body", "_data", "blob", "path", "raw", "type")

    def __init__(self, fact_type: FactType, blob: str, path: str, raw: bytes | None) -> None:
        self.type, self.blob, self.path, self.raw = fact_type, blob, path, raw
        self._data: dict[str, Any] | None = None
        self._body: str | None = None

    def _read(self) -> None:
        if self._data is None:
            self._data = {}  # a version that did not load has no fields (it failed kb check when committed)
            if self.raw is not None:
                try:
                    doc, body, _ = self.type.parse_bytes(self.raw, Path(self.path))
                    self._data, self._body = doc.data, prose.normalise(body) if body is not None else None
                except LoadError:
                    pass
            self.raw = None

    @property
    def data(self) -> dict[str, Any]:
        self._read()
        assert self._data is not None
        return self._data

    @property
    def body(self) -> str | None:
        self._read()
        return self._body


@dataclass(slots=True)
class Change:
    """What one commit did to one fact."""

    commit: Commit
    type: str  # its fact type after the commit (before it, for a removal)
    id: str  # its id after the commit (before it, for a removal)
    what: What
    version: Version  # the fact after the commit (before it, for a removal)
    before: Version | None = None  # the fact before the commit (None: it did not exist)
    fields: tuple[FieldChange, ...] = ()  # changed and renamed: every field that differs
    text: tuple[int, int] = (0, 0)  # a briefing's text: lines added, removed
    former: str | None = None  # a rename: the id before
    now: str = ""  # the id it has now (had last, if removed): where its page is

    @property
    def data(self) -> Mapping[str, Any]:
        """Its fields after the commit (before it, for a removal)."""
        return self.version.data

    @property
    def old_status(self) -> Any:
        """A briefing's status before the commit (None: it did not exist)."""
        return self.before.data.get("status") if self.before is not None else None

    @property
    def label(self) -> str:
        return label_of(self.data) or self.id

    @property
    def citations(self) -> list[tuple[str, str]]:
        """(source id, locator) of the citations the fact carried after this commit."""
        cites = self.data.get("sources")
        if not isinstance(cites, list):
            return []
        return [(str(c.get("source")), str(c.get("locator", ""))) for c in cites if isinstance(c, dict)]

    @property
    def revision(self) -> tuple[FieldChange, ...]:
        """The changes to what the fact says (bookkeeping left out); empty for additions and removals."""
        if self.what not in ("changed", "renamed"):
            return ()
        return tuple(f for f in self.fields if f.top not in BOOKKEEPING)

    @property
    def revises(self) -> bool:
        return bool(self.revision) or self.text != (0, 0)

    @property
    def briefing_event(self) -> Literal["published", "revised", "withdrawn"] | None:
        """For a briefing: published (it became published), revised (it changed while published) or
        withdrawn (removed, or made a draft again, after publication); None for drafts and other facts."""
        if self.type != "briefing":
            return None
        was, status = self.old_status == "published", self.data.get("status") == "published"
        if self.what == "removed":
            return "withdrawn" if was else None
        if status and not was:
            return "published"
        if was and not status and self.data.get("status") == "draft":
            return "withdrawn"
        return "revised" if was and (self.revises or status != was) else None


@dataclass
class History:
    """Every change git holds for the facts, oldest first, and each fact's own, by its id now."""

    status: Status = "absent"
    reason: str = "the history was not read"  # why absent or incomplete, in a reader's words
    edge: Commit | None = None  # a shallow clone's oldest commit: nothing before it is known
    changes: list[Change] = field(default_factory=list)
    by_fact: dict[str, list[Change]] = field(default_factory=dict)
    seconds: float = 0.0  # spent reading it
    repository: str | None = None
    """The repository's web address (mkdocs.yml `repo_url`, set by the build), for links to commits."""

    def of(self, fact_id: str) -> list[Change]:
        return self.by_fact.get(fact_id, [])

    def first_recorded(self, fact_id: str) -> Commit | None:
        """The commit that added the fact; None when that is not known (outside git, beyond a shallow edge)."""
        found = self.of(fact_id)
        return found[0].commit if found and found[0].what == "added" else None

    def last_changed(self, fact_id: str) -> Commit | None:
        found = self.of(fact_id)
        return found[-1].commit if found else None

    def revised_since(self, fact_id: str, since: PartialDate) -> list[Change]:
        """The revisions of a fact that landed after `since` (compared at the coarser precision: a revision
        in December 2026 is not after "2026-12")."""
        return [c for c in self.of(fact_id) if c.revises and c.commit.day.compare(since) > 0]


def revised_fields(revisions: list[Change]) -> list[FieldChange]:
    """What a run of revisions changed, field by field, from the first one's old value to the last one's new
    value (a field changed and changed back is left out); a briefing's text as the field "text"."""
    merged: dict[str, FieldChange] = {}
    for change in revisions:
        for f in change.revision:
            first = merged.get(f.path)
            merged[f.path] = FieldChange(f.path, first.old if first else f.old, f.new, f.what)
        if change.text != (0, 0):
            merged.setdefault("text", FieldChange("text"))
    return [f for f in merged.values() if f.path == "text" or f.old != f.new]


def _fact_file(path: str, prefix: str) -> tuple[FactType, str] | None:
    """The fact type and id of the file at repository path `path`, if it is a fact file of the data folder
    `prefix` ("" for the top of the repository)."""
    if prefix:
        if not path.startswith(prefix) or path[len(prefix) : len(prefix) + 1] != "/":
            return None
        path = path[len(prefix) + 1 :]
    folder, _, name = path.partition("/")
    fact_type = BY_FOLDER.get(folder)
    if fact_type is None or "/" in name or not name.endswith(fact_type.suffix):
        return None
    return fact_type, name[: -len(fact_type.suffix)]


def read(data_dir: Path, rev: str = "HEAD") -> History:
    """The history of the facts under `data_dir` up to `rev`, or an absent history saying why not."""
    started = time.perf_counter()
    try:
        checkout = git.checkout(data_dir)
        prefix = data_dir.resolve().relative_to(checkout.root).as_posix()
        history = of_commits(checkout, prefix, rev)
    except git.GitError as exc:
        history = History("absent", f"{exc.message}")
    except ValueError:
        history = History("absent", f"{data_dir} is not inside its git checkout")
    history.seconds = time.perf_counter() - started
    return history


def of_commits(checkout: git.Checkout, prefix: str, rev: str = "HEAD") -> History:
    """The history of the facts under `prefix` (a folder of `checkout`, "" for all of it), up to `rev`."""
    prefix = "" if prefix == "." else prefix
    commits = git.log(checkout.root, prefix, rev)
    contents = git.blobs(
        checkout.root, [t.blob for c in commits for t in c.touched if t.blob and _fact_file(t.path, prefix)]
    )
    history = History("complete", "")
    if checkout.shallow:
        edge = next((c for c in commits if c.sha in checkout.shallow), None)
        history.status = "shallow"
        history.reason = "this is a shallow clone of the repository: earlier history is not in it"
        history.edge = Commit(edge.sha, edge.time) if edge else None
    _Replay(history, prefix, contents).run(commits, checkout.shallow)
    return history


class _Replay:
    """The commits replayed in order: each fact's last version, and its changes by its id now."""

    def __init__(self, history: History, prefix: str, contents: dict[str, bytes]) -> None:
        self.history, self.prefix, self.contents = history, prefix, contents
        self.known: dict[str, Version] = {}  # id -> its version now

    def run(self, commits: list[git.LogCommit], edge: frozenset[str]) -> None:
        for c in commits:
            if c.sha in edge:  # a shallow clone's first commit: what was there, not what it changed
                for t in c.touched:
                    if t.blob and (found := _fact_file(t.path, self.prefix)):
                        self.known[found[1]] = Version(found[0], t.blob, t.path, self.contents.get(t.blob))
                continue
            self.commit(Commit(c.sha, c.time), c.touched)
        for now, changes in self.history.by_fact.items():
            for change in changes:
                change.now = now

    def commit(self, commit: Commit, touched: tuple[git.Touched, ...]) -> None:
        added: dict[str, Version] = {}
        gone: set[str] = set()
        renamed: dict[str, str] = {}  # new id -> old id
        for t in touched:
            old = _fact_file(t.old_path, self.prefix) if t.old_path and t.status == "R" else None
            new = _fact_file(t.path, self.prefix)
            if old and (not new or old[1] != new[1]):
                gone.add(old[1])
            if new is None:
                continue
            fact_type, fact_id = new
            if t.blob is None:
                gone.add(fact_id)
                continue
            added[fact_id] = Version(fact_type, t.blob, t.path, self.contents.get(t.blob))
            if old and old[1] != fact_id:
                renamed[fact_id] = old[1]
        unmatched = gone - added.keys() - set(renamed.values())
        if unmatched:  # a removal and an addition may be one rename, the new file naming the old id
            for fact_id, version in added.items():
                former = (
                    version.data.get("former_ids") if fact_id not in renamed and fact_id not in self.known else None
                )
                for old_id in former if isinstance(former, list) else []:
                    if old_id in unmatched:
                        renamed[fact_id] = old_id
                        unmatched.discard(old_id)
                        break
        out: list[Change] = []
        for fact_id in sorted(unmatched):
            if (last := self.known.pop(fact_id, None)) is not None:
                out.append(self._record(Change(commit, last.type.name, fact_id, "removed", last, last)))
        for fact_id, version in sorted(added.items()):
            former_id = renamed.get(fact_id)
            if former_id is not None and former_id in self.known:
                before = self.known.pop(former_id)
                self._move(former_id, fact_id)
                fields = tuple(f for f in self._fields(before, version) if f.top not in ("id", "former_ids"))
                text = line_changes(before.body, version.body)
                out.append(
                    self._record(
                        Change(commit, version.type.name, fact_id, "renamed", version, before, fields, text, former_id)
                    )
                )
            elif (last := self.known.get(fact_id)) is not None:
                if last.blob == version.blob and last.type is version.type:
                    continue  # the same bytes: a revert's twin, or a file touched only in mode
                if not version.data and last.data:
                    continue  # a version that does not load: the fact keeps its last readable one
                fields = self._fields(last, version)
                text = line_changes(last.body, version.body)
                if not fields and text == (0, 0):
                    continue  # formatting only: the same fields, the same text
                out.append(
                    self._record(Change(commit, version.type.name, fact_id, "changed", version, last, fields, text))
                )
            else:
                out.append(self._record(Change(commit, version.type.name, fact_id, "added", version)))
            self.known[fact_id] = version
        self.history.changes.extend(out)

    @staticmethod
    def _fields(before: Version, after: Version) -> tuple[FieldChange, ...]:
        fields = tuple(field_changes(before.data, after.data))
        if before.type is not after.type:  # moved to another type's folder: the same id, another kind of fact
            fields = (FieldChange("(type)", before.type.name, after.type.name), *fields)
        return fields

    def _record(self, change: Change) -> Change:
        self.history.by_fact.setdefault(change.id, []).append(change)
        return change

    def _move(self, old: str, new: str) -> None:
        moved = self.history.by_fact.pop(old, [])
        self.history.by_fact.setdefault(new, [])[:0] = moved
