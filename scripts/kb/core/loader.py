"""Strict YAML loading: one mapping per file, a position for every node, no surprises.

PyYAML's defaults turn `NO` into False, `012` into 10 and `2024-03-05` into a date, let a
duplicate key silently win, and expand aliases ("billion laughs"). We avoid all of that by
building the tree ourselves from the parser's event stream (libyaml's C parser when present):

* plain scalars resolve only as YAML 1.2 core would for `true`/`false`/`null`, decimal
  integers without leading zeros and decimal floats; everything else, dates included,
  stays a string; quoted scalars are always strings;
* anchors, aliases and explicit tags are rejected, as are duplicate keys (naming both lines);
* the line and column of every key and value is kept, addressed by its path in the tree,
  so that every later finding can point at `file:line:col`.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from kb.core.findings import Finding

try:  # libyaml is ~8x faster; the pure-Python parser gives identical events.
    from yaml._yaml import CParser as _Parser  # what yaml.cyaml re-exports: the libyaml binding

    LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.loader import BaseLoader as _Parser  # type: ignore[assignment]

    LIBYAML = False
    sys.stderr.write("kb: libyaml not available; using the slower pure-Python YAML parser\n")

MAX_BYTES = 1_000_000
"""Fact files are small; anything larger is a mistake (or an attack) and is not parsed."""

Path_ = tuple[str | int, ...]

PLAIN_SCALARS: tuple[tuple[str, str, str], ...] = (
    ("null", r"~|null|", "~n"),
    ("bool", r"true|false", "tf"),
    ("int", r"[-+]?(?:0|[1-9][0-9]*)", "-+0123456789"),
    ("float", r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+", "-+0123456789."),
)
"""The plain (unquoted) scalars that are not text: (YAML tag, pattern of the whole scalar, the characters one
can start with). YAML 1.2 core without octal, hex and .inf; everything else (dates, `NO`, `012`) is text.
`kb fmt` writes a string plain exactly when none of these reads it back as something else."""
_PLAIN = [(tag, re.compile(f"(?:{pattern})\\Z")) for tag, pattern, _ in PLAIN_SCALARS]
_NULL = {"", "~", "null"}


class Position(NamedTuple):
    line: int  # 1-based
    col: int  # 1-based


@dataclass(slots=True)
class Document:
    """One loaded file: its data plus where each value (and each mapping key) sits."""

    path: Path
    data: dict[str, Any]
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)  # (line, col), 1-based
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def locate(self, where: Path_ = (), *, key: bool = False) -> Position:
        """Position of the node at `where`; its key's position with `key=True`.

        A path that does not exist (a missing required field, say) falls back to the
        nearest ancestor that does, so a finding never points at line 1 by accident.
        """
        where = tuple(where)
        while True:
            table = self.keys if key else self.values
            if where in table:
                return Position(*table[where])
            if not where:
                return Position(1, 1)
            where = where[:-1]
            key = False


class LoadError(Exception):
    """A file that cannot be turned into a Document; carries the finding to report."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def _resolve_plain(text: str) -> Any:
    for tag, pattern in _PLAIN:
        if pattern.match(text):
            return (
                None
                if tag == "null"
                else text == "true"
                if tag == "bool"
                else int(text)
                if tag == "int"
                else float(text)
            )
    return text


def _pos(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def _fail(path: Path, pos: Position, rule: str, message: str, hint: str) -> LoadError:
    return LoadError(Finding(str(path), pos.line, pos.col, "error", rule, message, hint))


# Characters no fact or briefing needs, that break or disguise text: C0 controls but tab and line ends,
# DEL and C1 controls (YAML and MkDocs's front matter refuse them), line and paragraph separators
# (line breaks to YAML 1.1, not to Markdown), bidirectional controls (they reorder what a reviewer
# sees in a diff), and Unicode noncharacters.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ufdd0-\ufdef\ufffe\uffff" + "".join(f"\\U{p:04x}fffe\\U{p:04x}ffff" for p in range(1, 17)) + "]"
)
_NAMES = {"\x7f": "DEL", "\x85": "NEL", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}


def _character_name(char: str) -> str:
    return _NAMES.get(
        char,
        "bidirectional control"
        if "\u202a" <= char <= "\u2069"
        else "noncharacter"
        if char >= "\ufdd0"
        else "control character",
    )


def _check_characters(path: Path, text: str) -> None:
    m = _FORBIDDEN.search(text)
    if m:
        before = text[: m.start()]
        line, col = before.count("\n") + 1, m.start() - (before.rfind("\n") + 1) + 1
        raise _fail(
            path,
            Position(line, col),
            "text-character",
            f"invisible character U+{ord(m[0]):04X} ({_character_name(m[0])})",
            "delete it (most editors do not show it); write a line break or a space if one was meant",
        )


def decode(path: Path, raw: bytes) -> str:
    """The bytes of a data file as text, with the checks reading the file makes (UTF-8 without BOM, no
    invisible characters); raise LoadError. For contents that come from elsewhere (an old revision)."""
    if len(raw) > MAX_BYTES:
        raise _fail(path, Position(1, 1), "yaml-size", f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}", "")
    return _decode(path, raw)


def _check_escaped(doc: Document, value: str, mark: Any) -> None:
    """The same characters written as escapes in a double-quoted scalar ("\\u202e"): refused at the value."""
    m = _FORBIDDEN.search(value)
    if m:
        raise _fail(
            doc.path,
            _pos(mark),
            "text-character",
            f"invisible character U+{ord(m[0]):04X} ({_character_name(m[0])}), written as an escape",
            "delete the escape: a fact's text holds no control or invisible characters",
        )


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raise _fail(
            path,
            Position(1, 1),
            "yaml-encoding",
            "file starts with a byte order mark (BOM)",
            "save the file as UTF-8 without BOM",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise _fail(
            path,
            Position(line, col),
            "yaml-encoding",
            f"invalid UTF-8 (byte 0x{raw[exc.start]:02x})",
            "save the file as UTF-8; fix or retype the character at this position",
        ) from None
    _check_characters(path, text)
    return text


# A final symbolic link is refused by the system call itself (so one swapped in after the folder was
# listed is not followed either), and a fifo neither blocks the open nor is read.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Read a data file as UTF-8 text, refusing oversized files before reading them, and anything
    but a regular file (a symbolic link, a fifo, a device) without reading it."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:  # the name's bytes are not UTF-8 (Python holds them as surrogate escapes)
        raise _fail(
            path,
            Position(1, 1),
            "file-name",
            f"the file name '{path.name}' is not UTF-8",
            "rename the file to its id (lowercase letters, digits and hyphens)",
        ) from None
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _fail(
                path,
                Position(1, 1),
                "file-type",
                f"'{path.name}' is a symbolic link, which kb does not follow",
                "replace the link with the file itself",
            ) from None
        raise _fail(
            path,
            Position(1, 1),
            "yaml-read",
            f"cannot read file: {exc.strerror}",
            "check the file exists and is readable",
        ) from None
    try:
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise _fail(
                    path,
                    Position(1, 1),
                    "file-type",
                    f"'{path.name}' is not a regular file",
                    "data files are plain files: remove it",
                )
            if st.st_size > max_bytes:
                raise _fail(
                    path,
                    Position(1, 1),
                    "yaml-size",
                    f"file is {st.st_size:,} bytes; the limit is {max_bytes:,}",
                    "a fact file holds one fact: split it or remove what does not belong",
                )
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise _fail(
            path,
            Position(1, 1),
            "yaml-read",
            f"cannot read file: {exc.strerror}",
            "check the file exists and is readable",
        ) from None
    return _decode(path, raw)


def parse(text: str, path: Path) -> Document:
    """Parse YAML `text` (from `path`, used in findings) into a Document; raise LoadError."""
    parser = _Parser(text)
    doc = Document(path, {})
    try:
        return _build(parser, doc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = _pos(mark) if mark else Position(1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise _fail(
            path, pos, "yaml-syntax", f"YAML syntax error: {problem}", _syntax_hint(problem, text, pos)
        ) from None
    except yaml.YAMLError as exc:  # reader errors (control characters) carry no mark
        raise _fail(
            path, Position(1, 1), "yaml-syntax", f"YAML error: {exc}", "remove control characters from the file"
        ) from None
    finally:
        if hasattr(parser, "dispose"):
            parser.dispose()


def load(path: Path, *, max_bytes: int = MAX_BYTES) -> Document:
    """Read and parse one data file; raise LoadError with a located finding."""
    return parse(read_text(path, max_bytes=max_bytes), path)


def _syntax_hint(problem: str, text: str, pos: Position) -> str:
    lines = text.splitlines()
    line = lines[pos.line - 1] if 0 < pos.line <= len(lines) else ""
    if "\t" in line[: max(pos.col, 1)] or "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted, e.g. title: \"Estonia: a case\""
    if "found character '%'" in problem or "found character '@'" in problem or "'`'" in problem:
        return "quote values that start with %, @ or `"
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return "check the indentation of this line against the one above it"
    return "check quoting and indentation near this position"


def _build(parser: Any, doc: Document) -> Document:
    path = doc.path
    event = parser.get_event()  # StreamStart
    event = parser.get_event()
    if isinstance(event, yaml.StreamEndEvent):
        raise _fail(
            path,
            Position(1, 1),
            "yaml-empty",
            "file is empty",
            "write one mapping of fields (id: ..., title: ...), or delete the file",
        )
    start = _pos(event.start_mark)  # DocumentStart
    root_event = parser.peek_event()
    if isinstance(root_event, yaml.DocumentEndEvent) or (
        isinstance(root_event, yaml.ScalarEvent)
        and root_event.implicit[0]
        and root_event.value in _NULL
        and not root_event.tag
        and not root_event.anchor
    ):
        raise _fail(
            path,
            start,
            "yaml-empty",
            "file holds no data",
            "write one mapping of fields (id: ..., title: ...), or delete the file",
        )
    if not isinstance(root_event, yaml.MappingStartEvent):
        kind = {yaml.SequenceStartEvent: "a list", yaml.ScalarEvent: "a single value", yaml.AliasEvent: "an alias"}.get(
            type(root_event), "not a mapping"
        )
        raise _fail(
            path,
            _pos(root_event.start_mark),
            "yaml-not-mapping",
            f"top level is {kind}; a fact file holds one mapping",
            "write the fields at the top level (id: ..., title: ...), one fact per file",
        )
    doc.data = _node(parser, doc, ())
    parser.get_event()  # DocumentEnd
    extra = parser.get_event()
    if not isinstance(extra, yaml.StreamEndEvent):
        raise _fail(
            path,
            _pos(extra.start_mark),
            "yaml-multiple-documents",
            "file holds more than one YAML document",
            "keep one fact per file: remove the '---' separator and move the rest to its own file",
        )
    return doc


def _check_event(event: Any, doc: Document) -> None:
    if isinstance(event, yaml.AliasEvent):
        raise _fail(
            doc.path,
            _pos(event.start_mark),
            "yaml-alias",
            f"alias '*{event.anchor}' is not allowed",
            "write the value out in full; anchors and aliases are not supported",
        )
    if getattr(event, "anchor", None):
        raise _fail(
            doc.path,
            _pos(event.start_mark),
            "yaml-anchor",
            f"anchor '&{event.anchor}' is not allowed",
            "remove the anchor; write each value out in full",
        )
    tag = getattr(event, "tag", None)  # the parser reports only explicit tags
    if tag:
        raise _fail(
            doc.path,
            _pos(event.start_mark),
            "yaml-tag",
            f"tag '{tag}' is not allowed",
            "remove the tag; quote the value if it must stay text",
        )


def _node(parser: Any, doc: Document, where: Path_) -> Any:
    # The hot loop of every command: plain tuples for positions, one class test per event.
    event = parser.get_event()
    mark = event.start_mark
    doc.values[where] = (mark.line + 1, mark.column + 1)
    cls = event.__class__
    if cls is yaml.AliasEvent or event.anchor or event.tag:
        _check_event(event, doc)
    if cls is yaml.ScalarEvent:
        if event.implicit[0]:  # plain (unquoted) scalar; libyaml and PyYAML disagree on .style
            return _resolve_plain(event.value)
        _check_escaped(doc, event.value, mark)  # the raw text was checked; an escape can still write one
        return event.value  # quoted, literal or folded: always text
    if cls is yaml.SequenceStartEvent:
        items: list[Any] = []
        while not isinstance(parser.peek_event(), yaml.SequenceEndEvent):
            items.append(_node(parser, doc, (*where, len(items))))
        parser.get_event()
        return items
    if cls is yaml.MappingStartEvent:
        mapping: dict[str, Any] = {}
        while not isinstance(parser.peek_event(), yaml.MappingEndEvent):
            key_event = parser.get_event()
            key_pos = _pos(key_event.start_mark)
            if key_event.__class__ is not yaml.ScalarEvent:
                _check_event(key_event, doc)
                raise _fail(
                    doc.path,
                    key_pos,
                    "yaml-key",
                    "a mapping key must be a plain name",
                    "use a simple word as the key, e.g. title:",
                )
            if key_event.anchor or key_event.tag:
                _check_event(key_event, doc)
            key = key_event.value
            child = (*where, key)
            if key in mapping:
                first = doc.keys[child][0]
                raise _fail(
                    doc.path,
                    key_pos,
                    "yaml-duplicate-key",
                    f"duplicate key '{key}' (first defined on line {first})",
                    f"keep one '{key}:' and remove the other (line {first} or {key_pos.line})",
                )
            doc.keys[child] = key_pos
            mapping[key] = _node(parser, doc, child)
        parser.get_event()
        return mapping
    raise _fail(
        doc.path,
        _pos(event.start_mark),
        "yaml-syntax",
        "unexpected YAML structure",
        "check quoting and indentation near this position",
    )  # pragma: no cover


def split_front_matter(text: str, path: Path) -> tuple[str, str, str]:
    """A Markdown file's text as (opening line, front matter lines, the rest from the closing line on);
    raise LoadError when the front matter does not open or never closes."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise _fail(
            path,
            Position(1, 1),
            "briefing-front-matter",
            "briefing does not start with '---' front matter",
            "start the file with ---, then title:, date:, summary:, status:, then a closing --- line",
        )
    for n, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return lines[0], "\n".join(lines[1:n]) + "\n", "\n".join(lines[n:])
    raise _fail(
        path,
        Position(1, 1),
        "briefing-front-matter",
        "front matter is never closed",
        "add a line with --- after the front matter fields",
    )


def load_front_matter(path: Path, *, max_bytes: int = MAX_BYTES) -> tuple[Document, str, int]:
    """Load a Markdown file with YAML front matter: (front matter, body, line the body starts on)."""
    return parse_front_matter(read_text(path, max_bytes=max_bytes), path)


def parse_front_matter(text: str, path: Path) -> tuple[Document, str, int]:
    """A Markdown text with YAML front matter (from `path`, used in findings): (front matter, body, line the
    body starts on)."""
    _, front, rest = split_front_matter(text, path)
    # A leading blank line stands for the opening '---' so parser lines equal file lines.
    doc = parse("\n" + front, path)
    closing = front.count("\n") + 2  # the line of the closing '---'
    return doc, rest.split("\n", 1)[1] if "\n" in rest else "", closing + 1
