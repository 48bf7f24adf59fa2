"""Adding a fact type is a schema, a page template, a dataclass and one `add(...)` call: shown end to end with
a fixture type, `treaty`, whose schema and template live in tests/fixtures/facttype/ (CONTRIBUTING.md, "A new
fact type", lists the same steps for a type shipped with the package). Every test here goes through the real
code paths: `kb check`, `kb new`, `kb fmt`, the renderer and a real `kb build` with MkDocs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest

from conftest import FIXTURES, VALID, make_project
from kb.check.run import check
from kb.cli import main
from kb.core.dates import PartialDate
from kb.core.facts import Fact, Field, date_or_none
from kb.core.facttypes import LINKABLE, FactType, Skeleton, add, names
from kb.core.loader import Document
from kb.core.model import KnowledgeBase
from kb.core.schema import schema_names
from kb.site.render.cite import Site
from kb.site.render.site import emitters, pages

HERE = FIXTURES / "facttype"


@dataclass(kw_only=True)
class Treaty(Fact):
    """Its own dataclass because its shape is its own: `fields()` says which fields refer to which types."""

    TYPE: ClassVar[str] = "treaty"
    title: str
    date: PartialDate | None
    parties: list[str]
    summary: str

    @classmethod
    def from_doc(cls, doc: Document) -> Treaty:
        d = doc.data
        return cls(
            **cls.common(doc),
            title=d["title"],
            date=date_or_none(d["date"]),
            parties=list(d["parties"]),
            summary=d["summary"],
        )

    def fields(self) -> Iterator[Field]:
        yield from super().fields()
        for i, party in enumerate(self.parties):
            yield ("parties", i), party, ("actor",), None


TREATY = FactType(
    "treaty",
    "treaties",
    "Treaty",
    "Treaties",
    Treaty,
    8,
    example="Harbour Pact",
    skeleton=(
        Skeleton("title", "title"),
        Skeleton("date", "today", extra="today by default"),
        Skeleton("parties", "[]"),
        Skeleton("summary"),
    ),
    schema_path=HERE / "treaty.json",
    template=HERE / "treaty.md.j2",
)


@pytest.fixture
def treaty() -> Iterator[FactType]:
    undo = add(TREATY)
    try:
        yield TREATY
    finally:
        undo()


@pytest.fixture
def data(tmp_path: Path, treaty: FactType) -> Path:
    """The valid sample tree with treaties and a briefing that links one."""
    shutil.copytree(VALID, tmp_path / "data")
    shutil.copytree(HERE / "data", tmp_path / "data", dirs_exist_ok=True)
    return tmp_path / "data"


def test_check_reads_treaties_and_a_briefing_links_one(data: Path) -> None:
    result = check(data)
    assert result.errors == [], result.errors
    assert sorted(result.kb.of_type("treaty")) == ["harbour-pact", "strait-accord"]
    link = next(r for r in result.kb.cited_by["harbour-pact"] if r.field == "text")
    assert link.origin.id == "pacts" and link.label == "the Harbour Pact"
    parties = [r for r in result.kb.cited_by["northland"] if r.origin.TYPE == "treaty"]
    assert sorted(r.origin.id for r in parties) == ["harbour-pact", "strait-accord"]


def test_check_locates_a_schema_violation_and_a_dangling_party(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for broken in (HERE / "broken").iterdir():
        shutil.copy(broken, data / "treaties" / broken.name)
    (data / "briefings" / "pacts.md").write_text(
        (data / "briefings" / "pacts.md").read_text("utf-8") + "\nSee also [no such pact](treaty:no-such-pact).\n",
        "utf-8",
    )
    assert main(["check", str(data)]) == 1
    out = capsys.readouterr().out
    bad, unknown, pacts = (
        str(data / p) for p in ("treaties/not-a-treaty.yaml", "treaties/unknown-party.yaml", "briefings/pacts.md")
    )
    assert f"{bad}:4:" in out and "parties" in out  # one party where two are needed
    assert f"{bad}:6:" in out and "signed_by" in out  # a field the schema does not know
    assert f"{unknown}:4:" in out and "atlantis" in out
    assert f"{pacts}:11:" in out and "no-such-pact" in out
    assert "Traceback" not in out


def test_kb_new_writes_the_skeleton_and_kb_fmt_leaves_a_formatted_file_alone(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KB_TODAY", "2025-08-01")
    assert main(["new", "treaty", "Cable Treaty", "--data", str(data)]) == 0
    written = (data / "treaties" / "cable-treaty.yaml").read_text("utf-8")
    assert written.startswith("# yaml-language-server: $schema=") and "/facttype/treaty.json\n" in written
    for line in (
        "id: cable-treaty  #",
        "title: Cable Treaty  #",
        'date: "2025-08-01"  #',
        "parties: []  #",
        "sources:",
    ):
        assert f"\n{line}" in written, line
    capsys.readouterr()
    treaties = [str(data / "treaties" / f"{name}.yaml") for name in ("harbour-pact", "strait-accord")]
    before = [Path(p).read_bytes() for p in treaties]
    assert main(["fmt", "--check", *treaties]) == 0
    assert main(["fmt", *treaties]) == 0
    assert "0 files reformatted, 2 already formatted" in capsys.readouterr().out
    assert [Path(p).read_bytes() for p in treaties] == before


def test_site_renders_its_pages_index_backlinks_and_downloads(data: Path) -> None:
    files = pages(check(data).kb, site=Site("Test Briefings", "https://example.org/kb/"))
    page = files["treaties/harbour-pact.md"].decode()
    assert page.startswith('---\ntitle: "Harbour Pact"\n') and "# Harbour Pact" in page
    assert "**Parties:** [Northland](<../actors/northland.md>), [Harbour League](<../actors/harbour-league.md>)" in page
    assert "signed 14 March 2025" in page and "sample-article.md>), para 9" in page  # its date and citation
    assert "[Pacts in the harbour](<../briefings/pacts.md>)" in page  # the briefing that cites it
    assert "citation:" in page and "Cite this" in page
    index = files["treaties/index.md"].decode()
    assert "# Treaties" in index and "[Harbour Pact](<harbour-pact.md>)" in index and "[Strait Accord]" in index
    actor = files["actors/northland.md"].decode()
    assert "**Treaties**\n\n- [Harbour Pact](<../treaties/harbour-pact.md>) (parties)" in actor
    briefing = files["briefings/pacts.md"].decode()
    assert 'href="../treaties/harbour-pact.html" title="Treaty: Harbour Pact.' in briefing  # the link
    assert "[Harbour Pact](<../treaties/harbour-pact.md> " in briefing and ") | Treaty | 14 March 2025 |" in briefing
    assert "Treaties" in files["index.md"].decode()
    rows = json.loads(files["downloads/treaties.json"])
    assert [r["id"] for r in rows] == ["harbour-pact", "strait-accord"]
    assert files["downloads/treaties.csv"].decode().startswith("id,title,date,parties,summary")
    assert "Treaty" in files["reference/fact-files.md"].decode() and "schemas/treaty.json" in files


def test_a_real_build_publishes_its_pages(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config, project_data = make_project(tmp_path / "project", data)
    site = tmp_path / "project" / "site"
    assert main(["build", str(project_data), "--config", str(config), "--site-dir", str(site), "--jobs", "1"]) == 0
    html = (site / "treaties" / "harbour-pact.html").read_text("utf-8")
    assert "Harbour Pact" in html and "../actors/northland.html" in html
    assert (site / "treaties" / "index.html").is_file() and (site / "downloads" / "treaties.csv").is_file()
    assert "treaties/harbour-pact.html" in (site / "actors" / "northland.html").read_text("utf-8")


def test_undo_leaves_no_trace() -> None:
    before: dict[str, Any] = dict(
        names=names(), schemas=schema_names(), linkable=set(LINKABLE), emitters=[e.name for e in emitters()]
    )
    undo = add(TREATY)
    assert "treaty" in names() and "treaty" in schema_names() and "treaty" in LINKABLE
    assert "treaty pages" in [e.name for e in emitters()] and "treaty" in KnowledgeBase().facts
    undo()
    after = dict(names=names(), schemas=schema_names(), linkable=set(LINKABLE), emitters=[e.name for e in emitters()])
    assert after == before and "treaty" not in KnowledgeBase().facts
