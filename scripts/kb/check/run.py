"""`kb check`: load every file, validate its shape, build the model, run the rules."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from kb.core.findings import Finding
from kb.core.loader import LoadError, load, load_front_matter
from kb.core.model import BUILDERS, FOLDERS, KIND_OF_FOLDER, Briefing, KnowledgeBase
from kb.check.rules import run_rules
from kb.check.rules.waivers import active
from kb.check.validate import schema_findings

DATA_SUFFIXES = {".yaml", ".yml", ".md"}


@dataclass
class CheckResult:
    kb: KnowledgeBase
    findings: list[Finding] = field(default_factory=list)
    files: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


def data_files(data_dir: Path) -> list[tuple[Path, str | None]]:
    """Every data file under `data_dir` with the fact type its folder implies (None: misplaced).
    Symbolic links and other special files are left out: `scan` reports them."""
    return scan(data_dir)[0]


def scan(data_dir: Path) -> tuple[list[tuple[Path, str | None]], list[Finding]]:
    """`data_files`, and a finding for every symbolic link (to a file or a folder, dangling or not)
    and every other file that is not a regular file or folder (a fifo, a socket, a device) under
    `data_dir`. Links are never followed, so nothing outside the data directory is ever read."""
    out: list[tuple[Path, str | None]] = []
    special: list[Finding] = []
    if data_dir.is_symlink():
        return out, [_not_a_file(data_dir)]
    for path in _walk(data_dir, special):
        if path.suffix not in DATA_SUFFIXES:
            continue
        rel = path.relative_to(data_dir).parts
        kind = KIND_OF_FOLDER.get(rel[0]) if len(rel) == 2 else None
        if kind is None and path.suffix == ".md":
            continue  # notes such as data/README.md are not facts
        expected = ".md" if kind == "briefing" else ".yaml"
        out.append((path, kind if path.suffix == expected else None))
    return out, special


def _walk(folder: Path, special: list[Finding]) -> list[Path]:
    """The regular files under `folder`, sorted, without following links; what else is there goes into `special`."""
    files: list[Path] = []
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        special.append(Finding(str(folder), 1, 1, "error", "yaml-read", f"cannot read folder: {exc.strerror}",
                               "check the folder exists and is readable"))
        return files
    for entry in entries:
        path = Path(entry.path)
        if entry.is_symlink():
            special.append(_not_a_file(path))
        elif entry.is_dir(follow_symlinks=False):
            files += _walk(path, special)
        elif entry.is_file(follow_symlinks=False):
            files.append(path)
        else:
            special.append(_not_a_file(path, link=False))
    return files


def _not_a_file(path: Path, link: bool = True) -> Finding:
    if link:
        return Finding(str(path), 1, 1, "error", "file-type", f"'{path.name}' is a symbolic link, which kb does not follow",
                       "replace the link with the file itself (or the folder with its files)")
    return Finding(str(path), 1, 1, "error", "file-type", f"'{path.name}' is not a regular file (a fifo, socket or device)",
                   "remove it: data files are plain files")


def _misplaced(path: Path, data_dir: Path) -> Finding:
    folders = ", ".join(f"{data_dir}/{f}/" for f in FOLDERS.values())
    hint = (f"rename it to {path.with_suffix('.yaml').name}" if path.suffix == ".yml"
            else f"fact files live in {folders}, briefings as .md in {data_dir}/briefings/")
    return Finding(str(path), 1, 1, "error", "file-location", f"'{path.name}' is not in a fact folder", hint)


def check(data_dir: Path) -> CheckResult:
    """Run every step over `data_dir` and return the model with all findings, sorted by place."""
    result = read(data_dir)
    result.findings.extend(rule_findings(result.kb))
    result.findings.sort()
    return result


def read(data_dir: Path) -> CheckResult:
    """Load every file, validate its shape and build the model: the findings before the rules run."""
    kb = KnowledgeBase()
    result = CheckResult(kb)
    findings = result.findings
    listed, special = scan(data_dir)
    findings.extend(special)
    result.files += len(special)
    for path, kind in listed:
        result.files += 1
        if kind is None:
            findings.append(_misplaced(path, data_dir))
            continue
        try:
            if kind == "briefing":
                doc, body, body_line = load_front_matter(path)
            else:
                doc = load(path)
        except LoadError as exc:
            findings.append(exc.finding)
            continue
        problems = schema_findings(doc, kind)
        if problems:
            findings.extend(problems)
            fact_id = doc.data.get("id", path.stem)
            if isinstance(fact_id, str):
                kb.broken.add(fact_id)
            continue
        if kind == "briefing":
            kb.add(Briefing.from_doc(doc, body, body_line, doc.data.get("id", path.stem)))
        else:
            kb.add(BUILDERS[kind](doc))
    kb.index()
    findings.extend(schema_findings_of_package())
    return result


def schema_findings_of_package() -> list[Finding]:
    """Schemas a maintainer left half-edited: an allowed value without display text would stop the
    build at the first page that shows it, so `kb check` refuses it first, at the schema's line."""
    from kb.core.schema import DISPLAY, undisplayed

    found = []
    for enum, value in undisplayed():
        path = Path(str(resources.files("kb.schemas").joinpath(f"{enum.file}.json")))
        lines = path.read_text("utf-8").splitlines()
        line = next((n for n, text in enumerate(lines, 1) if f'"{value}"' in text), 1)
        found.append(Finding(_shown(path), line, 1, "error", "schema-display",
                             f"{enum.file}.json: allowed value {value!r} of '{enum.field}' has no display text",
                             f'add "{value}": "<what readers see>" to the "{DISPLAY}" beside this enum'))
    return found


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def rule_findings(kb: KnowledgeBase) -> list[Finding]:
    """What the rules find in the model, less what active waivers excuse."""
    return _apply_waivers(kb, run_rules(kb))


def _apply_waivers(kb: KnowledgeBase, found) -> list[Finding]:
    waived = {(str(f.doc.path), w.rule) for f in kb.all_facts() for w in f.waivers if active(w.expires)}
    return [f for f in found if (f.path, f.rule) not in waived or f.rule == "waiver-expired"]
