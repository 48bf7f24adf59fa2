"""`kb new`: a commented skeleton for a new fact or briefing, at the right path, with a fresh id.

A skeleton holds every required field, in schema order, each with a comment taken from the
schema. Fields whose value only the editor knows are left empty, so `kb check` fails on them
until they are filled in; dates default to today (`KB_TODAY` pins it, as for the checker).
Useful optional fields follow as commented-out examples. The first line points editors that use
yaml-language-server (VS Code, Neovim, JetBrains with the plugin) at the type's JSON Schema.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kb.core.facts import label_of
from kb.core.facttypes import BY_FOLDER, BY_NAME, FACT_TYPES, FactType, names
from kb.core.files import data_files, write_atomic
from kb.core.loader import LoadError
from kb.core.schema import Node, root, schema_file
from kb.core.text import slug

_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")


class NewError(Exception):
    """A request `kb new` cannot carry out; `usage` errors exit 2, refusals over the data exit 1."""

    def __init__(self, message: str, hint: str = "", *, usage: bool = True) -> None:
        super().__init__(message)
        self.message, self.hint, self.usage = message, hint, usage


def type_of(name: str) -> FactType:
    """The fact type a user typed (`event`, `events`, `Event`); NewError with a suggestion if unknown."""
    word = name.strip().lower()
    found = BY_NAME.get(word) or BY_FOLDER.get(word)
    if found is not None:
        return found
    close = difflib.get_close_matches(word, [*BY_NAME, *BY_FOLDER], n=1, cutoff=0.6)
    hint = f"did you mean '{(BY_NAME.get(close[0]) or BY_FOLDER[close[0]]).name}'? " if close else ""
    raise NewError(f"unknown type '{name}'", hint + f"types: {', '.join(names())}")


def yaml_text(value: str) -> str:
    """`value` as a YAML scalar our loader reads back as exactly that string: plain when it can be."""
    from kb.edit.fmt import plain_reads_back  # the formatter knows which plain scalars stay text

    return value if plain_reads_back(value) else json.dumps(value, ensure_ascii=False)


def schema_line(schema_name: str, target_dir: Path) -> str:
    """The yaml-language-server modeline for a file in `target_dir`, relative so it works on any clone."""
    rel = os.path.relpath(schema_file(schema_name), target_dir.resolve())
    return f"# yaml-language-server: $schema={Path(rel).as_posix()}"


# --- skeletons ----------------------------------------------------------------------------------


def _describe(node: Node | None, extra: str = "") -> str:
    desc = (node.schema.get("description", "") if node else "").strip()
    if desc.endswith(".") and not desc.endswith("..."):
        desc = desc[:-1]
    enum = node.schema.get("enum") if node else None
    parts = [desc] if desc else []
    if enum and not all(re.search(rf"\b{re.escape(str(v))}\b", desc) for v in enum):
        parts.append("one of: " + ", ".join(map(str, enum)))
    if extra:
        parts.append(extra)
    return "; ".join(parts)


@dataclass(frozen=True)
class _F:
    """One line of a skeleton: a field, its value (None: left for the editor), and how it is shown."""

    key: str
    value: str | None = None
    optional: bool = False  # commented out: an example the editor may keep
    extra: str = ""  # words added to the schema's description
    note: str | None = None  # the comment, instead of the schema's description


LINE = 100
"""Comments that would make a line longer than this go on the lines above the field."""


def _lines(node: Node, fields: list[_F], indent: str = "") -> list[str]:
    out = []
    for f in fields:
        note = f.note if f.note is not None else _describe(node.child(f.key), f.extra)
        value = "" if f.value is None else f" {f.value}"
        line = f"{indent}{'# ' if f.optional else ''}{f.key}:{value}"
        if not note:
            out.append(line)
        elif len(line) + 4 + len(note) <= LINE:
            out.append(f"{line}  # {note}")
        else:
            lead = indent[: indent.index("-")] if "-" in indent else indent  # above a list item: at its dash
            out += [f"{lead}# {text}" for text in textwrap.wrap(note, LINE - len(lead) - 2, break_on_hyphens=False)]
            out.append(line)
    return out


def _citations(node: Node) -> list[str]:
    cite = node.child("sources")
    item = cite.items() if cite else None
    assert item is not None
    return [
        "sources:  # where a source states this fact: at least one citation",
        *_lines(item, [_F("source")], "  - "),
        *_lines(item, [_F("locator")], "    "),
    ]


def skeleton(fact_type: FactType, title: str, fact_id: str, today: date, schema_comment: str | None = None) -> str:
    """The text of a new file of `fact_type` titled `title` with id `fact_id`: the table's skeleton fields
    with the schema's descriptions as comments; dates start as `today`."""
    node = root(fact_type.schema)
    starts = {"title": yaml_text(title), "today": f'"{today.isoformat()}"', "year": f'"{today.year}"'}
    head = [schema_comment] if schema_comment else []
    head += [
        f"# New {fact_type.name}: fill in every empty field, then run `kb fmt` and `kb check`.",
        "# Lines like `# field: ...` are optional fields: uncomment the ones you need, delete the rest.",
    ]
    fields = [
        _F(f.key, starts.get(f.start, f.start) if f.start else None, f.optional, f.extra) for f in fact_type.skeleton
    ]
    if fact_type.suffix == ".md":  # prose: the id is the file name; the body follows the front matter
        return "\n".join(["---", *head, *_lines(node, fields), "---", _BRIEFING_BODY])
    id_line = _F("id", fact_id, note="the file name; never change it once published")
    body = _lines(node, [id_line, *fields]) + (_citations(node) if fact_type.cites else [])
    return "\n".join([*head, *body]) + "\n"


_BRIEFING_BODY = """\
<!--
Write the briefing here, in our own words (CONTRIBUTING.md, "Citing facts in a briefing").
Link each claim that rests on a fact to that fact with a Markdown link whose address is the
fact's type and id (event:, actor:, place:, figure:, source: with a "para N" title).
Delete this comment when you start.
-->
"""


# --- the command ----------------------------------------------------------------------------------


@dataclass
class Existing:
    """A fact already in the data directory, for id clashes and near-duplicate warnings."""

    type: str
    id: str
    label: str
    path: Path
    former_ids: tuple[str, ...] = ()


def existing_facts(data_dir: Path) -> list[Existing]:
    """Every fact file under `data_dir`, read leniently: a broken file still reserves its name."""
    found = []
    for path, fact_type in data_files(data_dir):
        if fact_type is None:
            continue
        label, fact_id = path.stem, path.stem
        former: tuple[str, ...] = ()
        try:
            data = fact_type.read(path)[0].data
            label = label_of(data) or path.stem
            fact_id = data["id"] if isinstance(data.get("id"), str) else path.stem
            former = tuple(x for x in data.get("former_ids") or () if isinstance(x, str))
        except (LoadError, AttributeError, TypeError):
            pass
        found.append(Existing(fact_type.name, fact_id, label, path, former))
        if fact_id != path.stem:
            found.append(Existing(fact_type.name, path.stem, label, path, former))
    return found


def similar(facts: list[Existing], fact_id: str, title: str, n: int = 3) -> list[Existing]:
    """Facts whose id or title is close to the new one (difflib ratio of 0.8 or more)."""
    by_id = {f.id: f for f in facts}
    by_label: dict[str, Existing] = {}
    for f in facts:
        by_label.setdefault(f.label.lower(), f)
    hits = [by_id[i] for i in difflib.get_close_matches(fact_id, list(by_id), n=n, cutoff=0.8)]
    hits += [by_label[t] for t in difflib.get_close_matches(title.lower(), list(by_label), n=n, cutoff=0.8)]
    out: list[Existing] = []
    for h in hits:
        if h.path not in {o.path for o in out}:
            out.append(h)
    return out[:n]


def looks_like_data_dir(path: Path) -> bool:
    return path.name == "data" or any((path / t.folder).is_dir() for t in FACT_TYPES)


def check_data_dir(data_dir: Path) -> Path:
    """The data directory, resolved; NewError when it is missing or is not a data directory."""
    if not data_dir.is_dir():
        raise NewError(
            f"no data directory at '{data_dir}'",
            "run kb new from the repository root, or pass --data DIR (the folder holding sources/, events/, ...)",
        )
    if data_dir.resolve().name in BY_FOLDER:
        raise NewError(
            f"'{data_dir}' is a fact folder, not the data directory",
            f"pass its parent: --data {data_dir.resolve().parent}",
        )
    if not looks_like_data_dir(data_dir):
        raise NewError(
            f"'{data_dir}' does not look like a data directory (it is not named data and holds none of "
            f"{', '.join(t.folder + '/' for t in FACT_TYPES)})",
            "pass --data DIR for the folder that holds the fact folders",
        )
    return data_dir.resolve()


@dataclass
class Created:
    path: Path
    id: str
    id_from_title: bool
    similar: list[Existing]


def new(type_name: str, title: str, data_dir: Path, fact_id: str | None = None, today: date | None = None) -> Created:
    """Write the skeleton of a new fact; raise NewError saying why not."""
    from kb.check.rules.waivers import today as checker_today

    fact_type = type_of(type_name)
    title = " ".join(title.split())
    if not title:
        raise NewError(
            "the title is empty", 'give the title or name in quotes, e.g. kb new event "Estlink 2 cable cut"'
        )
    if any(unicodedata.category(ch) == "Cc" for ch in title):
        raise NewError("the title holds control characters", "type the title again as plain text")
    derived = fact_id is None
    if fact_id is None:
        fact_id = slug(title)
        if not fact_id:
            raise NewError(
                f"the title '{title}' gives no id: it has no Latin letters or digits",
                "choose an id yourself with --id, e.g. --id narva-bridge",
            )
    elif not _ID.match(fact_id) or len(fact_id) > 80:
        raise NewError(
            f"'{fact_id}' is not a valid id",
            "use lowercase letters, digits and single hyphens, at most 80 characters, e.g. kaja-kallas",
        )
    if today is None:
        try:
            today = checker_today()
        except ValueError:
            raise NewError(
                f"KB_TODAY is '{os.environ.get('KB_TODAY')}', not a date", "set KB_TODAY=YYYY-MM-DD or unset it"
            ) from None
    root_dir = check_data_dir(data_dir)
    folder = data_dir / fact_type.folder
    target = folder / f"{fact_id}{fact_type.suffix}"
    if not target.resolve().is_relative_to(root_dir):
        raise NewError(
            f"'{target}' would be written outside the data directory '{data_dir}'",
            f"check that {fact_type.folder}/ is a real folder inside {data_dir}, not a link elsewhere",
        )
    if folder.exists() and not folder.is_dir():
        raise NewError(f"'{folder}' is a file, not a folder", f"move it away so that kb new can create {folder}/")
    facts = existing_facts(data_dir)
    taken = [f for f in facts if f.id == fact_id or fact_id in f.former_ids]
    if taken or target.exists():
        where = taken[0] if taken else None
        what = (
            f"{where.type} '{where.id}' in {where.path}"
            if where and where.id == fact_id
            else f"a former id of {where.type} '{where.id}' ({where.path})"
            if where
            else str(target)
        )
        raise NewError(
            f"id '{fact_id}' is already used by {what}",
            "ids are unique across all types and never reused: choose another with --id, or edit the existing file",
            usage=False,
        )
    comment = schema_line(fact_type.schema, folder) if fact_type.suffix == ".yaml" else None
    text = skeleton(fact_type, title, fact_id, today, comment)
    folder.mkdir(exist_ok=True)
    write_atomic(target, text.encode("utf-8"), durable=True, exclusive=True)  # never overwrite, even in a race
    return Created(target, fact_id, derived, similar([f for f in facts if f.path != target], fact_id, title))
