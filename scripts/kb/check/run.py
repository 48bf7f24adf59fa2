"""`kb check`: load every file, validate its shape, build the model, run the rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kb.check.rules import run_rules
from kb.check.rules.waivers import active
from kb.check.validate import schema_findings
from kb.core.facts import Fact
from kb.core.facttypes import FACT_TYPES, FactType
from kb.core.files import scan
from kb.core.findings import Finding
from kb.core.history import History
from kb.core.loader import LoadError
from kb.core.model import KnowledgeBase


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


def _misplaced(path: Path, data_dir: Path) -> Finding:
    folders = ", ".join(f"{data_dir}/{t.folder}/ ({t.suffix})" for t in FACT_TYPES)
    hint = (
        f"rename it to {path.with_suffix('.yaml').name}"
        if path.suffix == ".yml"
        else f"facts live one to a file in {folders}"
    )
    return Finding(str(path), 1, 1, "error", "file-location", f"'{path.name}' is not in a fact folder", hint)


def check(data_dir: Path, history: History | None = None) -> CheckResult:
    """Run every step over `data_dir` and return the model with all findings, sorted by place. The rules
    that compare with the past read `history` (kb.core.history.read); without it they find nothing."""
    result = read(data_dir)
    if history is not None:
        result.kb.history = history
    result.findings.extend(rule_findings(result.kb))
    result.findings.sort()
    return result


@dataclass(frozen=True)
class FileOutcome:
    """What reading one data file gave: its fact, or the findings that kept it out (and, for a file that
    failed validation, the id it claims, which is then not "missing" wherever it is named)."""

    fact: Fact | None = None
    findings: tuple[Finding, ...] = ()
    broken_id: str | None = None


def read_file(path: Path, fact_type: FactType | None, data_dir: Path) -> FileOutcome:
    """Load one data file, validate its shape and build its fact."""
    if fact_type is None:
        return FileOutcome(findings=(_misplaced(path, data_dir),))
    try:
        doc, body, body_line = fact_type.read(path)
    except LoadError as exc:
        return FileOutcome(findings=(exc.finding,))
    problems = schema_findings(doc, fact_type.schema)
    if problems:
        fact_id = doc.data.get("id", path.stem)
        return FileOutcome(findings=tuple(problems), broken_id=fact_id if isinstance(fact_id, str) else None)
    return FileOutcome(fact_type.build(doc, body, body_line))


def assemble(outcomes: Iterable[FileOutcome], special: Iterable[Finding] = ()) -> CheckResult:
    """The knowledge base of the files read, with their findings (before the rules run)."""
    kb = KnowledgeBase()
    result = CheckResult(kb)
    result.findings.extend(special)
    for outcome in outcomes:
        result.files += 1
        result.findings.extend(outcome.findings)
        if outcome.broken_id is not None:
            kb.broken.add(outcome.broken_id)
        if outcome.fact is not None:
            kb.add(outcome.fact)
    kb.index()
    result.findings.extend(schema_findings_of_package())
    return result


def read(data_dir: Path) -> CheckResult:
    """Load every file, validate its shape and build the model: the findings before the rules run."""
    listed, special = scan(data_dir)
    result = assemble((read_file(path, fact_type, data_dir) for path, fact_type in listed), special)
    result.files += len(special)
    return result


def schema_findings_of_package() -> list[Finding]:
    """Schemas a maintainer left half-edited: an allowed value without display text would stop the
    build at the first page that shows it, so `kb check` refuses it first, at the schema's line."""
    from kb.core.schema import DISPLAY, schema_file, undisplayed

    found = []
    for enum, value in undisplayed():
        path = schema_file(enum.file)
        lines = path.read_text("utf-8").splitlines()
        line = next((n for n, text in enumerate(lines, 1) if f'"{value}"' in text), 1)
        found.append(
            Finding(
                _shown(path),
                line,
                1,
                "error",
                "schema-display",
                f"{enum.file}.json: allowed value {value!r} of '{enum.field}' has no display text",
                f'add "{value}": "<what readers see>" to the "{DISPLAY}" beside this enum',
            )
        )
    return found


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def rule_findings(kb: KnowledgeBase) -> list[Finding]:
    """What the rules find in the model, less what active waivers excuse."""
    return _apply_waivers(kb, run_rules(kb))


def _apply_waivers(kb: KnowledgeBase, found: Iterable[Finding]) -> list[Finding]:
    waived = {(str(f.doc.path), w.rule) for f in kb.all_facts() for w in f.waivers if active(w.expires)}
    return [f for f in found if (f.path, f.rule) not in waived or f.rule == "waiver-expired"]
