"""`kb diff REV`: what changed in the knowledge base since a git revision, fact by fact.

The old data directory is read out of git (`git ls-tree` + `git cat-file --batch`) into a
temporary folder; both trees are loaded with our loader and compared by (type, id): facts added,
removed, renamed (the new one lists the old id in `former_ids`) and changed, with every changed
field as a dotted path and its old and new values; briefings touched (front matter fields, text
lines, links added and removed); and references that resolved before and do not now. The result
is plain data (`KbDiff`), written as text for people or as Markdown for a CI job summary.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from kb.check.run import read
from kb.core import git, prose
from kb.core.facts import Reference, label_of
from kb.core.facttypes import LINKABLE, names
from kb.core.fielddiff import FieldChange, field_changes, line_changes
from kb.core.files import data_files
from kb.core.git import GitError
from kb.core.loader import LoadError
from kb.core.model import KnowledgeBase
from kb.edit.fmt import plain_reads_back


class DiffError(GitError):
    """A request kb diff cannot carry out (no git, not a repository, unknown revision, no data)."""


# --- what a diff holds -------------------------------------------------------------------------


@dataclass
class FactVersion:
    """One fact (or briefing) as read from one tree."""

    type: str
    id: str
    path: str  # as shown to people: data/events/x.yaml
    data: dict[str, Any] | None  # None: the file could not be read
    problem: str | None = None  # why it could not be read
    body: str | None = None  # briefings only

    @property
    def label(self) -> str:
        return label_of(self.data or {}) or ""

    def citations(self) -> str:
        cites = [c for c in (self.data or {}).get("sources") or [] if isinstance(c, dict)]
        shown = [f"{c.get('source')} {c.get('locator')}".strip() for c in cites[:2]]
        more = f" and {len(cites) - 2} more" if len(cites) > 2 else ""
        return ("source " + "; ".join(shown) + more) if shown else ""


@dataclass
class Changed:
    old: FactVersion
    new: FactVersion
    fields: list[FieldChange]
    text: tuple[int, int] = (0, 0)  # briefing body lines added, removed
    links_added: list[str] = field(default_factory=list)
    links_removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Broken:
    path: str
    line: int
    col: int
    field: str
    type: str
    target: str
    removed_here: bool  # the target was removed (or renamed) by this change


@dataclass
class KbDiff:
    since: str
    until: str  # "the working tree" or a revision
    added: list[FactVersion] = field(default_factory=list)
    removed: list[FactVersion] = field(default_factory=list)
    renamed: list[Changed] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    briefings_added: list[FactVersion] = field(default_factory=list)
    briefings_removed: list[FactVersion] = field(default_factory=list)
    briefings_changed: list[Changed] = field(default_factory=list)
    broken: list[Broken] = field(default_factory=list)
    repaired: int = 0  # references broken before that resolve now
    unreadable: list[FactVersion] = field(default_factory=list)  # new files that cannot be read

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.renamed
            or self.changed
            or self.briefings_added
            or self.briefings_removed
            or self.briefings_changed
            or self.broken
            or self.repaired
            or self.unreadable
        )


# --- reading a tree ------------------------------------------------------------------------------


def read_facts(data_dir: Path, shown_as: str) -> dict[tuple[str, str], FactVersion]:
    """Every fact file under `data_dir` by (type, id); paths shown under `shown_as` (e.g. data)."""
    facts: dict[tuple[str, str], FactVersion] = {}
    for path, fact_type in data_files(data_dir):
        if fact_type is None:
            continue
        shown = str(PurePosixPath(shown_as, *path.relative_to(data_dir).parts))
        try:
            doc, body, _ = fact_type.read(path)
            fact_id = path.stem if body is not None else doc.data.get("id")
            fact = FactVersion(
                fact_type.name, fact_id if isinstance(fact_id, str) else path.stem, shown, doc.data, body=body
            )
        except LoadError as exc:
            fact = FactVersion(
                fact_type.name, path.stem, shown, None, problem=f"[{exc.finding.rule}] {exc.finding.message}"
            )
        facts.setdefault((fact_type.name, fact.id), fact)
    return facts


# --- comparing ------------------------------------------------------------------------------------


def _links(body: str | None) -> set[str]:
    return {f"{link.type}:{link.target}" for link in prose.parse(body or "", LINKABLE).links if link.kind == "fact"}


def _order(key: tuple[str, str]) -> tuple[int, str]:
    return names().index(key[0]), key[1]


def compare(old: dict[tuple[str, str], FactVersion], new: dict[tuple[str, str], FactVersion], result: KbDiff) -> None:
    """Fill `result` with the facts and briefings added, removed, renamed and changed."""
    renamed_from: dict[tuple[str, str], FactVersion] = {}
    for key, fact in new.items():
        if key in old:
            continue
        for former in (fact.data or {}).get("former_ids") or []:
            if (fact.type, former) in old and (fact.type, former) not in new:
                renamed_from[key] = old[(fact.type, former)]
                break
    gone = {(f.type, f.id) for f in renamed_from.values()}
    for key in sorted(new.keys() - old.keys(), key=_order):
        fact = new[key]
        if fact.data is None:
            continue  # reported as unreadable
        if key in renamed_from:
            before = renamed_from[key]
            result.renamed.append(Changed(before, fact, list(field_changes(before.data or {}, fact.data or {}))))
        elif fact.type == "briefing":
            result.briefings_added.append(fact)
        else:
            result.added.append(fact)
    for key in sorted(old.keys() - new.keys() - gone, key=_order):
        (result.briefings_removed if key[0] == "briefing" else result.removed).append(old[key])
    for key in sorted(old.keys() & new.keys(), key=_order):
        a, b = old[key], new[key]
        if b.data is None:
            continue  # reported as unreadable
        fields = (
            list(field_changes(a.data or {}, b.data))
            if a.data is not None
            else [FieldChange("(file)", a.problem, "readable again", "changed")]
        )
        if a.path != b.path:
            fields.insert(0, FieldChange("(file)", a.path, b.path, "changed"))
        if key[0] == "briefing":
            text = line_changes(a.body, b.body)
            la, lb = _links(a.body), _links(b.body)
            if fields or text != (0, 0):
                result.briefings_changed.append(Changed(a, b, fields, text, sorted(lb - la), sorted(la - lb)))
        elif fields:
            result.changed.append(Changed(a, b, fields))
    result.unreadable = [f for f in new.values() if f.data is None]


def _missing(kb: KnowledgeBase) -> dict[tuple[str, str, str, str], Reference]:
    """References that do not resolve (those the ref-missing rule reports), keyed without positions."""
    out: dict[tuple[str, str, str, str], Reference] = {}
    for ref in kb.unresolved():
        field_name = re.sub(r"\[\d+\]", "[]", ref.field)
        out.setdefault((ref.origin.TYPE, ref.origin.id, field_name, ref.target), ref)
    return out


def broken_references(
    old_kb: KnowledgeBase, new_kb: KnowledgeBase, data_dir: Path, shown_as: str, removed: set[str]
) -> tuple[list[Broken], int]:
    """References that resolve in the old tree and not in the new one, and how many were repaired."""
    before, after = _missing(old_kb), _missing(new_kb)
    broken = []
    for key in sorted(after.keys() - before.keys()):
        ref = after[key]
        path = ref.origin.doc.path
        shown = (
            str(PurePosixPath(shown_as, *path.relative_to(data_dir).parts))
            if path.is_relative_to(data_dir)
            else str(path)
        )
        broken.append(
            Broken(shown, ref.pos.line, ref.pos.col, ref.field, ref.expected, ref.target, ref.target in removed)
        )
    return broken, len(before.keys() - after.keys())


# --- the whole command ----------------------------------------------------------------------------


def diff(since: str, data_dir: Path, until: str | None = None) -> KbDiff:
    """Compare the data directory at revision `since` with the working tree (or revision `until`)."""
    root = git.toplevel(data_dir)
    if until is None and not data_dir.is_dir():
        raise DiffError(
            f"no data directory at '{data_dir}'", "run kb diff from the repository root, or pass --data DIR"
        )
    absolute = (data_dir if data_dir.is_absolute() else Path.cwd() / data_dir).resolve()
    if not absolute.is_relative_to(root):  # pragma: no cover - repo_root came from data_dir
        raise DiffError(f"'{data_dir}' is not inside the repository at {root}")
    prefix = absolute.relative_to(root).as_posix()
    old_commit = git.verify(root, since)
    new_commit = git.verify(root, until) if until else None
    shown_as = str(data_dir)
    result = KbDiff(since, until or "the working tree")
    with tempfile.TemporaryDirectory(prefix="kb-diff-") as tmp:
        old_dir = Path(tmp) / "old"
        old_dir.mkdir()
        git.export_tree(root, old_commit, prefix, old_dir)
        if new_commit:
            new_dir = Path(tmp) / "new"
            new_dir.mkdir()
            git.export_tree(root, new_commit, prefix, new_dir)
        else:
            new_dir = data_dir
        old_facts, new_facts = read_facts(old_dir, shown_as), read_facts(new_dir, shown_as)
        compare(old_facts, new_facts, result)
        removed = {f.id for f in [*result.removed, *result.briefings_removed]} | {c.old.id for c in result.renamed}
        result.broken, result.repaired = broken_references(
            read(old_dir).kb, read(new_dir).kb, new_dir, shown_as, removed
        )
    return result


# --- writing it out -------------------------------------------------------------------------------


_WORD = re.compile(r"[\w.:/@+-]+")  # one word: shown without quotes (ids, enum values, dates)


def show(value: Any) -> str:
    """A value as YAML-like text: strings quoted, lists and mappings in flow style."""
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value if _WORD.fullmatch(value) and plain_reads_back(value) else json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)


LONG = 60
"""Values longer than this are shown on lines of their own (- old, + new)."""


def _change_lines(c: FieldChange, indent: str) -> list[str]:
    if c.what == "added":
        return [f"{indent}{c.path} added {show(c.new)}"]
    if c.what == "removed":
        return [f"{indent}{c.path} removed (was {show(c.old)})"]
    old, new = show(c.old), show(c.new)
    if len(old) + len(new) > LONG:
        return [f"{indent}{c.path}:", f"{indent}  - {old}", f"{indent}  + {new}"]
    return [f"{indent}{c.path} {old} -> {new}"]


def _title(f: FactVersion) -> str:
    return f" {json.dumps(f.label, ensure_ascii=False)}" if f.label else ""


def _counts(d: KbDiff) -> list[str]:
    def n(count: int, word: str, plural: str | None = None) -> str | None:
        return f"{count} {word if count == 1 else plural or word + 's'}" if count else None

    briefings = len(d.briefings_added) + len(d.briefings_removed) + len(d.briefings_changed)
    parts = [
        f"{len(d.added)} added" if d.added else None,
        f"{len(d.removed)} removed" if d.removed else None,
        f"{len(d.renamed)} renamed" if d.renamed else None,
        f"{len(d.changed)} changed" if d.changed else None,
        n(briefings, "briefing") and f"{n(briefings, 'briefing')} touched",
        n(len(d.broken), "broken reference"),
        n(d.repaired, "reference") and f"{n(d.repaired, 'reference')} repaired",
        n(len(d.unreadable), "unreadable file"),
    ]
    return [p for p in parts if p]


def write_text(d: KbDiff) -> str:
    """The diff for a terminal: one line per fact, changed fields indented below."""
    lines = [f"kb diff {d.since} -> {d.until}: " + (", ".join(_counts(d)) or "no changes to the knowledge base")]
    for f in d.added:
        lines.append(f"added: {f.type} {f.id}{_title(f)} ({f.path})")
    for f in d.removed:
        lines.append(f"removed: {f.type} {f.id}{_title(f)} (was {f.path})")
    for c in d.renamed:
        lines.append(f"renamed: {c.new.type} {c.old.id} -> {c.new.id} ({c.new.path})")
        lines += [x for ch in c.fields if ch.path != "id" for x in _change_lines(ch, "    ")]
    for c in d.changed:
        cite = f" ({c.new.citations()})" if c.new.citations() else ""
        if len(c.fields) == 1 and len(one := _change_lines(c.fields[0], "")) == 1:
            lines.append(f"changed: {c.new.type} {c.new.id} {one[0]}{cite}")
        else:
            lines.append(f"changed: {c.new.type} {c.new.id}{cite}")
            lines += [x for ch in c.fields for x in _change_lines(ch, "    ")]
    for f in d.briefings_added:
        lines.append(f"briefing added: {f.id}{_title(f)} ({f.path})")
    for f in d.briefings_removed:
        lines.append(f"briefing removed: {f.id}{_title(f)} (was {f.path})")
    for c in d.briefings_changed:
        lines.append(f"briefing changed: {c.new.id}{_title(c.new)} ({c.new.path})")
        lines += [x for ch in c.fields for x in _change_lines(ch, "    ")]
        lines += _briefing_text(c, "    ", lambda s: s)
    for f in d.unreadable:
        lines.append(f"unreadable: {f.path} {f.problem} (run kb check)")
    for b in d.broken:
        why = " (removed in this change)" if b.removed_here else ""
        lines.append(
            f"broken reference: {b.path}:{b.line}:{b.col}: {_where(b)} names {b.type} '{b.target}', "
            f"which does not exist{why}"
        )
    return "\n".join(lines) + "\n"


def _where(b: Broken) -> str:
    return "link" if b.field == "text" else f"'{b.field}'"


def _briefing_text(c: Changed, indent: str, code: Callable[[str], str]) -> list[str]:
    out = []
    if c.text != (0, 0):
        out.append(f"{indent}text: {c.text[0]} line{'s' * (c.text[0] != 1)} added, {c.text[1]} removed")
    if c.links_added:
        out.append(f"{indent}links added: " + ", ".join(code(x) for x in c.links_added))
    if c.links_removed:
        out.append(f"{indent}links removed: " + ", ".join(code(x) for x in c.links_removed))
    return out


# Markdown: everything from the data is escaped; a CI summary must not render an editor's markup.

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _md(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _code(text: str) -> str:
    text = " ".join(text.split())
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_change(c: FieldChange) -> str:
    if c.what == "added":
        return f"  - {_code(c.path)} added: {_code(show(c.new))}"
    if c.what == "removed":
        return f"  - {_code(c.path)} removed (was {_code(show(c.old))})"
    return f"  - {_code(c.path)}: {_code(show(c.old))} → {_code(show(c.new))}"


def write_markdown(d: KbDiff) -> str:
    """The diff as Markdown, for $GITHUB_STEP_SUMMARY or a pull-request comment."""
    out = [f"### Knowledge base changes since {_code(d.since)}", ""]
    if d.empty:
        return "\n".join(out + ["No changes to the knowledge base.", ""]) + "\n"
    counts = _counts(d)
    out += [" · ".join(f"**{c}**" if "broken" in c or "unreadable" in c else c for c in counts), ""]

    def section(title: str, items: list[str]) -> None:
        if items:
            out.extend([f"#### {title}", "", *items, ""])

    def head(f: FactVersion) -> str:
        return f"- {f.type} {_code(f.id)}" + (f": {_md(f.label)}" if f.label else "")

    section("Added", [head(f) for f in d.added])
    section("Removed", [head(f) for f in d.removed])
    renamed = []
    for c in d.renamed:
        renamed.append(f"- {c.new.type} {_code(c.old.id)} → {_code(c.new.id)}")
        renamed += [_md_change(ch) for ch in c.fields if ch.path != "id"]
    section("Renamed", renamed)
    changed = []
    for c in d.changed:
        cite = f" ({_md(c.new.citations())})" if c.new.citations() else ""
        changed.append(head(c.new) + cite)
        changed += [_md_change(ch) for ch in c.fields]
    section("Changed", changed)
    briefings = [f"- added {_code(f.id)}" + (f": {_md(f.label)}" if f.label else "") for f in d.briefings_added]
    briefings += [f"- removed {_code(f.id)}" + (f": {_md(f.label)}" if f.label else "") for f in d.briefings_removed]
    for c in d.briefings_changed:
        briefings.append(f"- changed {_code(c.new.id)}" + (f": {_md(c.new.label)}" if c.new.label else ""))
        briefings += [_md_change(ch) for ch in c.fields]
        briefings += _briefing_text(c, "  - ", _code)
    section("Briefings touched", briefings)
    section("Unreadable files", [f"- {_code(f.path)} {_md(f.problem or '')}" for f in d.unreadable])
    section(
        "References broken",
        [
            f"- {_code(f'{b.path}:{b.line}:{b.col}')} {'link' if b.field == 'text' else _code(b.field)} names {b.type} "
            f"{_code(b.target)}, which does not exist" + (" (removed in this change)" if b.removed_here else "")
            for b in d.broken
        ],
    )
    if d.repaired:
        many = d.repaired != 1
        out += [f"{d.repaired} reference{'s' * many} that did not resolve before now resolve{'' if many else 's'}.", ""]
    return "\n".join(out) + "\n"


WRITERS = {"text": write_text, "markdown": write_markdown}
