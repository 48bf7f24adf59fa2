"""Findings out: plain text for people, JSON for tools, workflow commands for GitHub."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import TextIO

from kb.findings import Finding

FORMATS = ("text", "json", "github")
GITHUB_LIMIT = 10  # GitHub shows at most 10 errors and 10 warnings per step


def summary_line(findings: list[Finding], files: int) -> str:
    counts = Counter(f.severity for f in findings)
    e, w = counts["error"], counts["warning"]
    return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)} in {files} file{'s' * (files != 1)}"


def write_text(findings: list[Finding], files: int, out: TextIO) -> None:
    for f in findings:
        out.write(f"{f.path}:{f.line}:{f.col}: {f.severity} [{f.rule}] {f.message}\n")
        if f.hint:
            out.write(f"    hint: {f.hint}\n")
    out.write(summary_line(findings, files) + "\n")


def write_json(findings: list[Finding], files: int, out: TextIO) -> None:
    json.dump([f.as_dict() for f in findings], out, indent=2, ensure_ascii=False)
    out.write("\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    """One GitHub workflow command (`::error file=...::message`), escaped as GitHub requires."""
    props = ",".join(f"{k}={_escape_property(str(v))}" for k, v in
                     (("file", f.path), ("line", f.line), ("col", f.col), ("title", f"{f.rule}")))
    body = f.message + (f"\n{f.hint}" if f.hint else "")
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
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def markdown_table(findings: list[Finding], files: int) -> str:
    lines = [f"### kb check: {summary_line(findings, files)}\n"]
    if findings:
        lines.append("| where | severity | rule | message | hint |\n|---|---|---|---|---|")
        lines += [f"| `{_cell(f.path)}:{f.line}:{f.col}` | {f.severity} | `{f.rule}` | {_cell(f.message)} | {_cell(f.hint)} |"
                  for f in findings]
    return "\n".join(lines) + "\n\n"


WRITERS = {"text": write_text, "json": write_json, "github": write_github}
