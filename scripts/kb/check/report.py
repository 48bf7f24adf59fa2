"""Findings out: plain text for people, JSON for tools, workflow commands for GitHub.

Messages quote the data as it is (a key, a value, a file name); making it safe to print is done
here, once, for every format: a finding cannot break a line, colour a terminal, start a GitHub
workflow command or fail to encode (a file name that is not UTF-8).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import TextIO

from kb.core.findings import Finding
from kb.core.text import table_cell

FORMATS = ("text", "json", "github")
GITHUB_LIMIT = 10  # GitHub shows at most 10 errors and 10 warnings per step


def summary_line(findings: list[Finding], files: int) -> str:
    counts = Counter(f.severity for f in findings)
    e, w = counts["error"], counts["warning"]
    return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)} in {files} file{'s' * (files != 1)}"


# Characters a line must not carry: control characters (C0, DEL, C1 with NEL), the Unicode line
# and paragraph separators, bidi overrides (they reorder what a terminal shows), lone surrogates;
# and "##[", which starts a legacy GitHub workflow command anywhere in a line.
_BEYOND_C0 = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f{_BEYOND_C0}\ud800-\udfff]|##\\[")
_UNSAFE_IN_JSON = re.compile(f"[{_BEYOND_C0}]|##\\[")  # json.dumps escapes C0 itself
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "##[": "#\\u0023["}


def _visible(match: re.Match[str]) -> str:
    c = match.group()
    if c in _NAMED:
        return _NAMED[c]
    if "\udc80" <= c <= "\udcff":  # a byte of a file name that is not UTF-8 (Python's surrogateescape)
        return f"\\x{ord(c) - 0xDC00:02x}"
    return f"\\u{ord(c):04x}"


def one_line(text: str) -> str:
    """`text` safe to print as (part of) one line of a terminal or CI log: a newline shows as `\\n`,
    other unsafe characters as `\\uXXXX`, the bytes of a non-UTF-8 file name as `\\xff` (what
    os.fsencode gives back). Backslashes are left alone, so `\\n` may also be the two characters."""
    return _UNSAFE.sub(_visible, text)


def location(f: Finding) -> str:
    """`path:line:col`, never starting with `::` (a workflow command, even after leading spaces)."""
    path = one_line(f.path)
    if path.lstrip().startswith("::"):
        path = "./" + path  # the same relative path
    return f"{path}:{f.line}:{f.col}"


def finding_text(f: Finding) -> str:
    """A finding as `kb check` prints it: the finding's line, then its hint on a line of its own."""
    text = f"{location(f)}: {f.severity} [{f.rule}] {one_line(f.message)}\n"
    return text + (f"    hint: {one_line(f.hint)}\n" if f.hint else "")


def write_text(findings: list[Finding], files: int, out: TextIO) -> None:
    for f in findings:
        out.write(finding_text(f))
    out.write(summary_line(findings, files) + "\n")


def write_json(findings: list[Finding], files: int, out: TextIO) -> None:
    # Exact data, but printable: a file name's undecodable bytes as `\xff` (JSON has no bytes),
    # the other unsafe characters as JSON's own `\uXXXX` escapes, which read back as they were.
    items = [
        {k: _SURROGATE.sub(_visible, v) if isinstance(v, str) else v for k, v in f.as_dict().items()} for f in findings
    ]
    out.write(_UNSAFE_IN_JSON.sub(_visible, json.dumps(items, indent=2, ensure_ascii=False)) + "\n")


def _escape_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message, after one_line (so only our own newlines are left)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    """One GitHub workflow command (`::error file=...::message`), escaped as GitHub requires."""
    props = ",".join(
        f"{k}={_escape_property(one_line(str(v)))}"
        for k, v in (("file", f.path), ("line", f.line), ("col", f.col), ("title", f"{f.rule}"))
    )
    body = one_line(f.message) + (f"\n{one_line(f.hint)}" if f.hint else "")
    return f"::{f.severity} {props}::{_escape_data(body)}"


def write_github(findings: list[Finding], files: int, out: TextIO) -> None:
    shown: Counter[str] = Counter()
    for f in findings:
        shown[f.severity] += 1
        if shown[f.severity] <= GITHUB_LIMIT:
            out.write(annotation(f) + "\n")
    for severity, n in shown.items():
        if n > GITHUB_LIMIT:
            out.write(f"{n - GITHUB_LIMIT} more {severity}s not annotated: see the job summary or run `kb check`\n")
    out.write(summary_line(findings, files) + "\n")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with Path(summary).open("a", encoding="utf-8") as fh:
            fh.write(markdown_table(findings, files))


def _cell(text: str) -> str:
    return table_cell(one_line(text), raw_html=True)


def markdown_table(findings: list[Finding], files: int) -> str:
    lines = [f"### kb check: {summary_line(findings, files)}\n"]
    if findings:
        lines.append("| where | severity | rule | message | hint |\n|---|---|---|---|---|")
        lines += [
            f"| `{_cell(location(f))}` | {f.severity} | `{f.rule}` | {_cell(f.message)} | {_cell(f.hint)} |"
            for f in findings
        ]
    return "\n".join(lines) + "\n\n"


WRITERS = {"text": write_text, "json": write_json, "github": write_github}
