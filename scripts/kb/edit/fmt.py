"""`kb fmt`: one canonical form for fact files, so that two editors produce minimal diffs.

The canonical form:

* keys in the order of the schema's `properties` (nested mappings too); keys the schema does
  not know keep their order after the known ones (`kb check` reports them);
* dates double-quoted (`date: "2024-12"`), ids and references plain (`actor: estonia`);
  every other scalar keeps the style it was written in: folded and literal text is never
  re-wrapped, quotes are kept, long lines are not broken (a plain text spread over several
  lines is joined onto one: ruamel.yaml does not keep those breaks);
* short lists of scalars in flow style (`tags: [a, b]`); lists of mappings in block style,
  one `- ` per item, each item a flow mapping (`- {source: x, locator: "para 4"}`) when it is
  simple and fits on one line, otherwise a block mapping; a collection holding a comment keeps
  its style, so that the comment keeps its place;
* two-space indentation, sequences indented under their key, LF line ends.

Safety: formatting uses ruamel.yaml's round-trip mode with a resolver that reads plain scalars
exactly as our strict loader does. Before a file is written, the new text is loaded with our
loader and must give the same data, value for value and type for type, and every comment of
the old text must be found in the new; otherwise the file is left alone and reported. Files
are replaced atomically. Briefings are formatted in their front matter only.
"""

from __future__ import annotations

import difflib
import io
import json
import re
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.compat import ordereddict
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from kb.check.report import finding_text, one_line
from kb.core.cores import cpus
from kb.core.facttypes import FACT_TYPES, FactType, of_path
from kb.core.fielddiff import dotted
from kb.core.files import regular_files, write_atomic
from kb.core.findings import Finding
from kb.core.loader import (
    PLAIN_SCALARS,
    Document,
    LoadError,
    Path_,
    Position,
    parse,
    read_text,
    split_front_matter,
)
from kb.core.schema import Node, root

WIDTH = 120
"""A flow collection (`[a, b]`, `{source: x, locator: "para 4"}`) is used only if its line fits."""

# --- a ruamel.yaml that reads plain scalars as kb.core.loader does --------------------------------

_PLAIN_RULES: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}


def _plain_rule(tag: str, pattern: str, first: Iterable[str]) -> None:
    for ch in first:
        _PLAIN_RULES.setdefault(ch, []).append((f"tag:yaml.org,2002:{tag}", re.compile(pattern)))


# The loader's own grammar of plain scalars: with the emitter using the same rules, a string is
# written plain exactly when our loader would read it back as that string.
for _tag, _pattern, _first in PLAIN_SCALARS:
    _plain_rule(_tag, f"^(?:{_pattern})$", [*_first, ""] if _tag == "null" else _first)


class _KbResolver(VersionedResolver):
    @property
    def versioned_resolver(self) -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
        return _PLAIN_RULES


def _ruamel() -> YAML:
    y = YAML(typ="rt")
    y.Resolver = _KbResolver
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 1_000_000  # never re-wrap text
    return y


# --- findings ---------------------------------------------------------------------------------


class FormatError(Exception):
    """A file that is not formatted; carries the finding that says why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def _refuse(path: Path, message: str, hint: str, pos: Position | None = None, rule: str = "fmt-refused") -> FormatError:
    pos = pos or Position(1, 1)
    return FormatError(Finding(str(path), pos.line, pos.col, "error", rule, message, hint))


# --- normalising the tree ---------------------------------------------------------------------

_BLOCK_TEXT = (LiteralScalarString, FoldedScalarString)


class _Analyzer:
    """Just enough of ruamel's Emitter to ask it whether a string can be written plain in `[...]`.
    (ruamel types the borrowed method's self as an Emitter: its calls carry `type: ignore[misc]`.)"""

    serializer = type("Serializer", (), {"use_version": (1, 2)})()
    allow_unicode = True
    unicode_supplementary = True
    allow_space_break = False
    analyze_scalar = Emitter.analyze_scalar


def _flow_plain(text: str) -> bool:
    return bool(text) and _Analyzer().analyze_scalar(text).allow_flow_plain  # type: ignore[misc]  # a stand-in self


def plain_reads_back(text: str) -> bool:
    """Whether `text` written as a plain block scalar is read back by kb.core.loader as this very string."""
    if not text or "\n" in text or not _Analyzer().analyze_scalar(text).allow_block_plain:  # type: ignore[misc]
        return False
    return not any(rx.match(text) for _, rx in _PLAIN_RULES.get(text[0], ()))


def _scalar(value: Any, node: Node | None) -> Any:
    """Dates double-quoted, ids plain; every other scalar as it was written."""
    if node is None or not isinstance(value, str) or isinstance(value, _BLOCK_TEXT):
        return value
    if node.is_date:
        return DoubleQuotedScalarString(value)
    if node.is_id and plain_reads_back(value):
        return str.__str__(value)  # plain; an id like "2024" keeps its quotes (plain, it would be a number)
    return value


def _set(c: CommentedMap | CommentedSeq, key: Any, value: Any) -> None:
    """Replace a value without ruamel's help: its __setitem__ keeps the old value's quote style."""
    if isinstance(c, CommentedMap):
        ordereddict.__setitem__(c, key, value)
    else:
        list.__setitem__(c, key, value)


def _has_comments(c: Any) -> bool:
    ca = c.ca
    return bool(any(ca.comment or ()) or any(any(v or ()) for v in ca.items.values()) or getattr(ca, "end", None))


def _holds_comments(c: Any) -> bool:
    """Whether a comment is attached anywhere in collection `c` or below it."""
    if _has_comments(c):
        return True
    values = c.values() if isinstance(c, CommentedMap) else c
    return any(_holds_comments(v) for v in values if isinstance(v, (CommentedMap, CommentedSeq)))


def _flow_len(value: Any) -> int | None:
    """Width of a scalar written inside a flow collection; None when it cannot go there as it is."""
    if isinstance(value, bool):
        return len(str(value))
    if isinstance(value, (int, float)):
        return len(str(value))
    if not isinstance(value, str) or isinstance(value, _BLOCK_TEXT):
        return None  # nulls, nested collections, block text
    if isinstance(value, DoubleQuotedScalarString):
        return len(json.dumps(str(value), ensure_ascii=False))
    if isinstance(value, SingleQuotedScalarString):
        return len(value) + 2 + value.count("'") if "\n" not in value else None
    if not _flow_plain(value):
        return None  # plain text that would need quotes in a flow collection: keep the block style
    return len(value)


def _flow_seq_len(seq: CommentedSeq) -> int | None:
    lens = [_flow_len(v) for v in seq]
    widths = [n for n in lens if n is not None]
    if len(widths) < len(lens):
        return None
    return 2 + sum(widths) + 2 * max(len(widths) - 1, 0)


def _flow_map_len(m: CommentedMap) -> int | None:
    total = 2
    for i, (k, v) in enumerate(m.items()):
        n = _flow_len(v)
        if n is None or not isinstance(k, str) or not _flow_plain(k):
            return None
        total += len(k) + 2 + n + (2 if i else 0)
    return total


def _order(m: CommentedMap, node: Node | None) -> list[Any]:
    known = list(node.properties) if node else []
    return [k for k in known if k in m] + [k for k in m if k not in known]


def _mapping(m: CommentedMap, node: Node | None, key_col: int, nested: bool) -> None:
    for key in list(m):
        child = node.child(key) if node and isinstance(key, str) else None
        value = m[key]
        inline_col = key_col + len(str(key)) + 2
        if isinstance(value, CommentedMap):
            _mapping(value, child, key_col + 2, nested=True)
            _choose_map_style(value, inline_col, parent=m, key=key)
        elif isinstance(value, CommentedSeq):
            _sequence(value, child, key_col + 2, inline_col, parent=m, key=key)
        else:
            _set(m, key, _scalar(value, child))
    if nested:  # the top level is reordered as text, so that comments move with their keys
        order = _order(m, node)
        # ruamel ties a comment to the value before it: moving keys would move comments into
        # the wrong place, so a nested mapping holding a comment keeps its order.
        if order != list(m) and not _holds_comments(m):
            for key in order:
                m.move_to_end(key)


def _choose_map_style(m: CommentedMap, inline_col: int, parent: Any = None, key: Any = None) -> None:
    if not m or _has_comments(m) or (parent is not None and _entry_has_comment(parent, key)):
        return
    n = _flow_map_len(m)
    if n is not None and inline_col + n <= WIDTH:
        m.fa.set_flow_style()
    else:
        m.fa.set_block_style()


def _entry_has_comment(parent: Any, key: Any) -> bool:
    return bool(any(parent.ca.items.get(key) or ()))


def _sequence(seq: CommentedSeq, node: Node | None, dash_col: int, inline_col: int, parent: Any, key: Any) -> None:
    item_node = node.items() if node else None
    item_col = dash_col + 2
    for i, value in enumerate(seq):
        if isinstance(value, CommentedMap):
            _mapping(value, item_node, item_col, nested=True)
            _choose_map_style(value, item_col, parent=seq, key=i)
        elif isinstance(value, CommentedSeq):
            _sequence(value, item_node, item_col + 2, item_col, parent=seq, key=i)
        else:
            _set(seq, i, _scalar(value, item_node))
    if not seq or _has_comments(seq) or _entry_has_comment(parent, key):
        return
    if all(isinstance(v, (CommentedMap, CommentedSeq)) for v in seq):
        seq.fa.set_block_style()
        return
    n = _flow_seq_len(seq)
    if n is not None and inline_col + n <= WIDTH:
        seq.fa.set_flow_style()
    else:
        seq.fa.set_block_style()


# --- the top level, reordered as text ---------------------------------------------------------


def _reorder_top(text: str, keys: list[Any], order: list[Any]) -> str:
    """Reorder the top-level keys of dumped `text`, each with the comment lines just above it.

    Top-level keys are the only lines that start in column 0 with something other than a
    comment. Column-0 comment and blank lines before a key travel with that key; lines before
    the first key (the schema line, file notes) and after the last one stay where they are.
    """
    if keys == order:
        return text
    prefixes = [(f"{k}:", k) for k in keys if isinstance(k, str)]
    head: list[str] = []
    chunks: dict[Any, list[str]] = {}
    pending: list[str] = []
    current: list[str] | None = None
    for line in text.splitlines(keepends=True):
        if line[:1] in ("#", "\n", "\r", ""):
            pending.append(line)
            continue
        if not line[:1].isspace():
            key = next(
                (k for p, k in prefixes if line.startswith(p) and line[len(p) : len(p) + 1] in (" ", "\n", "\r", "")),
                None,
            )
            if key is None or key in chunks:
                raise ValueError(f"unexpected top-level line: {line!r}")
            current = chunks[key] = ([] if current is None else pending) + [line]
            if len(chunks) == 1:
                head = pending
            pending = []
            continue
        if current is None:  # pragma: no cover - indented text before any key
            raise ValueError(f"unexpected line before the first key: {line!r}")
        current.extend(pending)
        current.append(line)
        pending = []
    if set(chunks) != set(order):
        raise ValueError("top-level keys not found in the dumped text")
    return "".join(head) + "".join(line for k in order for line in chunks[k]) + "".join(pending)


# --- verification -------------------------------------------------------------------------------


def comments(text: str) -> list[str]:
    """Every comment in YAML `text` (stripped), found with the same scanner our loader uses."""
    lines = text.splitlines()
    covered: list[list[tuple[int, int]]] = [[] for _ in lines]
    scanner = yaml.CLoader(text) if hasattr(yaml, "CLoader") else yaml.SafeLoader(text)
    try:
        while True:
            token = scanner.get_token()
            if token is None or isinstance(token, yaml.StreamEndToken):
                break
            if not isinstance(token, yaml.ScalarToken):
                continue
            start, end = token.start_mark, token.end_mark
            if token.style in ("|", ">"):
                start = yaml.Mark("", 0, start.line + 1, 0, None, 0)  # the header line may carry a comment
            for n in range(start.line, min(end.line, len(lines) - 1) + 1):
                a = start.column if n == start.line else 0
                b = end.column if n == end.line else len(lines[n])
                covered[n].append((a, b))
    finally:
        if hasattr(scanner, "dispose"):
            scanner.dispose()
    found = []
    for n, line in enumerate(lines):
        for i, ch in enumerate(line):
            if ch == "#" and (i == 0 or line[i - 1] in " \t") and not any(a <= i < b for a, b in covered[n]):
                found.append(line[i:].strip())
                break
    return found


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types all the way down (1, 1.0 and true are three different values)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _first_difference(a: Any, b: Any, where: Path_ = ()) -> Path_:
    """The path of the first place where `a` and `b` differ (() for the top)."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        for k in a:
            if not same(a[k], b[k]):
                return _first_difference(a[k], b[k], (*where, k))
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if not same(x, y):
                return _first_difference(x, y, (*where, i))
    return where


def _verify(old_text: str, new_text: str, old: Document, path: Path, line_offset: int) -> None:
    try:
        new_data = parse("\n" * line_offset + new_text, path).data
    except LoadError as exc:
        raise _refuse(
            path,
            f"formatting would make the file unreadable ({exc.finding.message})",
            "this is a bug in kb fmt; the file was left unchanged: please report it",
        ) from None
    if not same(old.data, new_data):
        where = _first_difference(old.data, new_data)
        raise _refuse(
            path,
            f"formatting would change the value{f' of {dotted(where)!r}' if where else ''}; "
            "the file was left unchanged",
            "kb fmt cannot keep this layout exactly (a literal block keeping trailing blank lines, say): "
            "simplify it, or leave the file as it is and report it",
            old.locate(where),
        )
    lost = Counter(comments(old_text)) - Counter(comments(new_text))
    if lost:
        first = next(iter(lost))
        raise _refuse(
            path,
            f"formatting would lose the comment '{first}'; the file was left unchanged",
            "move the comment onto its own line above the field it explains, then run kb fmt again",
        )


# --- one text ---------------------------------------------------------------------------------


MAX_PASSES = 4


def format_yaml(text: str, schema_name: str, path: Path, *, line_offset: int = 0) -> str:
    """The canonical form of the YAML `text` of a fact of schema `schema_name`; raise LoadError or FormatError.

    `line_offset` is the number of lines before `text` in the file (briefing front matter), so
    that findings point at file lines. A pass can move a comment (it travels with the key below
    it), which can change what the next pass decides about a list next to it; so a changed text
    is formatted again until it is stable: the canonical form is a fixed point.
    """
    current = text.replace("\r\n", "\n")  # the canonical form has LF line ends
    if current != text:
        _verify(text, current, parse("\n" * line_offset + text, path), path, line_offset)
    for _ in range(MAX_PASSES):
        new = _format_once(current, schema_name, path, line_offset)
        if new == current:
            return new
        current = new  # each pass is verified against its input, so the chain keeps values and comments
    raise _refuse(
        path,
        f"formatting did not settle after {MAX_PASSES} passes; the file was left unchanged",
        "this is a bug in kb fmt: please report it with this file",
    )


def _format_once(text: str, schema_name: str, path: Path, line_offset: int) -> str:
    old = parse("\n" * line_offset + text, path)  # our strict loader decides what is acceptable
    y = _ruamel()
    try:
        data = y.load(text)
    except Exception as exc:
        mark = getattr(exc, "problem_mark", None)
        pos = Position(mark.line + 1 + line_offset, mark.column + 1) if mark else Position(1, 1)
        problem = str(getattr(exc, "problem", None) or exc).split("\n")[0]
        raise _refuse(
            path,
            f"cannot format this file: {problem}",
            "kb check reads it, but the formatter does not; please report it",
            pos,
        ) from None
    if not isinstance(data, CommentedMap):  # pragma: no cover - parse() already insists on a mapping
        raise _refuse(path, "top level is not a mapping", "write one mapping of fields per file")
    node = root(schema_name)
    try:
        _mapping(data, node, 0, nested=False)
        data.fa.set_block_style()
        keys, order = list(data), _order(data, node)
        out = io.StringIO()
        y.dump(data, out)
    except Exception as exc:
        raise _refuse(
            path,
            f"cannot format this file ({type(exc).__name__}: {exc})".replace("\n", " "),
            "simplify the layout near comments (one comment per line, above the field), "
            "or report it; the file was left unchanged",
        ) from None
    new_text = out.getvalue()
    try:
        new_text = _reorder_top(new_text, keys, order)
    except ValueError as exc:
        raise _refuse(
            path,
            f"cannot put the fields in schema order ({exc})",
            "this is a bug in kb fmt; the file was left unchanged: please report it",
        ) from None
    _verify(text, new_text, old, path, line_offset)
    return new_text


def format_text(text: str, fact_type: FactType, path: Path) -> str:
    """The canonical form of a whole file's text: YAML for facts, front matter for prose types."""
    if fact_type.suffix != ".md":
        return format_yaml(text, fact_type.schema, path)
    opening, front, rest = split_front_matter(text, path)  # LoadError: reported like any loader finding
    return opening + "\n" + format_yaml(front, fact_type.schema, path, line_offset=1) + rest


# --- files --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    path: Path
    changed: bool = False
    finding: Finding | None = None
    diff: str = ""


def _write_atomic(path: Path, text: str, expected: bytes) -> None:
    """Replace `path` by `text` in one step, unless someone changed the file since we read it."""
    if path.read_bytes() != expected:
        raise _refuse(path, "the file changed while it was being formatted; it was left as it is", "run kb fmt again")
    write_atomic(path, text.encode("utf-8"), mode=path.stat().st_mode & 0o7777, durable=True)


def format_file(path: Path, fact_type: FactType, *, write: bool, want_diff: bool = False) -> Outcome:
    """Format one file (in place when `write`); never raises for problems with the file."""
    try:
        raw = path.read_bytes()
        text = read_text(path)
        new = format_text(text, fact_type, path)
        outcome = Outcome(path, changed=new != text)
        if outcome.changed and want_diff:
            outcome.diff = "".join(
                difflib.unified_diff(
                    text.splitlines(keepends=True), new.splitlines(keepends=True), str(path), f"{path} (formatted)"
                )
            )
        if outcome.changed and write:
            _write_atomic(path, new, raw)
        return outcome
    except (LoadError, FormatError) as exc:
        return Outcome(path, finding=exc.finding)
    except OSError as exc:
        return Outcome(
            path,
            finding=Finding(
                str(path),
                1,
                1,
                "error",
                "fmt-write",
                f"cannot write the file: {exc.strerror}",
                "check the file and its folder are writable",
            ),
        )


# --- which files --------------------------------------------------------------------------------


def fact_files(paths: list[Path]) -> tuple[list[tuple[Path, FactType]], list[Finding]]:
    """The fact files named by `paths` (files, or folders searched recursively) with their types.

    In folders, files that are not fact files (mkdocs.yml, notes, anything under a hidden
    folder) are skipped; a file named explicitly that is not a fact file is a finding.
    """
    files: dict[Path, FactType] = {}
    findings: list[Finding] = []
    for p in paths:
        if p.is_dir() and not p.is_symlink():
            for f in regular_files(p, findings):  # never through a link: kb fmt writes where it reads
                rel = f.relative_to(p).parts
                if any(part.startswith(".") for part in rel):
                    continue
                fact_type = of_path(f)
                if fact_type:
                    files.setdefault(f, fact_type)
        else:
            fact_type = of_path(p) if not p.is_symlink() else None
            if fact_type:
                files.setdefault(p, fact_type)
            else:
                folders = ", ".join(f"<data>/{t.folder}/" for t in FACT_TYPES)
                findings.append(
                    Finding(
                        str(p),
                        1,
                        1,
                        "error",
                        "file-location",
                        f"'{p.name}' is not a fact file, so kb fmt leaves it alone",
                        f"kb fmt formats .yaml files in {folders} (briefings: .md)",
                    )
                )
    return sorted(files.items()), findings


PARALLEL_FROM = 200
"""Below this many files a process pool costs more than it saves (ruamel takes ~4 ms a file)."""


def _format_job(job: tuple[Path, FactType, bool, bool]) -> Outcome:
    path, fact_type, write, want_diff = job
    return format_file(path, fact_type, write=write, want_diff=want_diff)


def format_files(
    files: list[tuple[Path, FactType]], *, write: bool, want_diff: bool = False, jobs: int | None = None
) -> list[Outcome]:
    """Format many files, on several processes when there are many; outcomes in the order given."""
    work = [(p, fact_type, write, want_diff) for p, fact_type in files]
    jobs = cpus() if jobs is None else jobs
    if jobs > 1 and len(work) >= PARALLEL_FROM:
        with ProcessPoolExecutor(min(jobs, 8)) as pool:
            return list(pool.map(_format_job, work, chunksize=16))
    return [_format_job(job) for job in work]


def run(paths: list[Path], *, check: bool, show_diff: bool, out: TextIO, jobs: int | None = None) -> int:
    """`kb fmt`: format (or with `check`, only inspect) the files; return the exit code."""
    files, findings = fact_files(paths)
    outcomes = format_files(files, write=not check, want_diff=show_diff, jobs=jobs)
    changed = [o for o in outcomes if o.changed]
    findings += [o.finding for o in outcomes if o.finding]
    for o in changed:
        out.write(f"{'would reformat' if check else 'reformatted'} {one_line(str(o.path))}\n")
        out.write(o.diff)
    for f in sorted(findings):
        out.write(finding_text(f))
    unchanged = len(outcomes) - len(changed) - sum(1 for o in outcomes if o.finding)
    parts = [
        f"{len(changed)} file{'s' * (len(changed) != 1)} {'would be reformatted' if check else 'reformatted'}",
        f"{unchanged} already formatted",
    ]
    if findings:
        parts.append(f"{len(findings)} not formatted because of errors")
    out.write(", ".join(parts) + "\n")
    return 1 if findings or (check and changed) else 0
