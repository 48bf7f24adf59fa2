"""Citable pages: the citation in a page's front matter (printed into <head> by the theme override), the "Cite
this" block, the date a page last changed, and the data downloads' CITATION.cff."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from kb.check.run import check
from kb.core.dates import PartialDate
from kb.site.build import build
from kb.site.render import cite
from kb.site.render.site import pages
from test_build import project_for

SITE = cite.Site("Test Briefings", "https://example.org/kb/")


def test_a_briefing_last_changed_on_its_date_and_a_fact_with_its_newest_source(tree) -> None:
    kb = tree.check().kb
    assert cite.last_changed(kb, kb.briefings["harbour-security"]) == PartialDate(2025, 7, 1)
    # the event is of December 2024; its source was published in June 2025
    assert cite.last_changed(kb, kb.events["harbour-cable-cut-2024"]) == PartialDate(2025, 6)


def test_a_planned_date_is_no_change(tree) -> None:
    tree.edit("events/minister-visit-2025.yaml", 'date: "2025-03-05"', 'date: "2027"\nplanned: true')
    kb = tree.check().kb
    assert cite.last_changed(kb, kb.events["minister-visit-2025"]) == PartialDate(2025, 6)


def test_the_citation_goes_into_the_front_matter_and_the_cite_block_at_the_end() -> None:
    files = pages(check(FIXTURES / "site").kb, site=SITE)
    page = files["briefings/eastern-pressure.md"].decode()
    meta = yaml.safe_load(page.split("---\n")[1])
    assert meta["citation"] == {
        "title": "Pressure from the east",
        "author": ["Test Editors", "R. Analyst"],
        "publication_date": "2025/02/10",
        "publisher": "Test Briefings",
        "public_url": "https://example.org/kb/briefings/eastern-pressure.html",
    }
    cite_block = page[page.index("## Cite this") :]
    assert "Test Editors, R. Analyst. “Pressure from the east”. Test Briefings, briefing, last changed 10" in cite_block
    assert "@misc{eastern-pressure,&#10;  author = {{Test Editors} and {R. Analyst}}," in cite_block
    fact = yaml.safe_load(files["events/harbour-cable-cut-2024.md"].decode().split("---\n")[1])["citation"]
    assert fact["author"] == ["Test Briefings"], "a fact page's author is the site"
    assert "citation" not in files["events/index.md"].decode(), "index pages are not cited"


def test_without_a_site_address_there_is_no_url() -> None:
    page = pages(check(FIXTURES / "site").kb, site=cite.Site("Test Briefings"))["actors/eastland.md"].decode()
    assert "public_url" not in page and "url = " not in page and "https://" not in page


def test_bibtex_text_escapes_what_latex_reads() -> None:
    assert cite.bibtex_text("50% & {more} #1 a_b $x ~ ^ \\") == (
        r"50\% \& \{more\} \#1 a\_b \$x \~{} \^{} \textbackslash{}"
    )


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
@settings(max_examples=200, deadline=None)
def test_the_citation_front_matter_reads_back_whatever_the_text(title: str) -> None:
    from mkdocs.utils.meta import get_data

    c = cite.PageCitation("x", title, "event", PartialDate(2025), [title])
    page = cite.add('---\ntitle: "t"\n---\n\n# Body\n', c, "events/x.md", SITE)
    _, meta = get_data(page)
    assert meta["citation"]["title"] == title and meta["citation"]["author"] == [title]


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and (found.get("name") or "").startswith("citation_"):
            self.tags.append((found["name"] or "", found.get("content") or ""))


def head_tags(page: Path) -> list[tuple[str, str]]:
    parser = _Meta()
    parser.feed(page.read_text().split("</head>", 1)[0])
    return parser.tags


def test_the_built_pages_carry_highwire_tags_in_their_head(tmp_path: Path) -> None:
    project, data = project_for(tmp_path)
    config = project.config.read_text().replace("site_name:", "site_url: https://example.org/kb/\nsite_name:", 1)
    project.config.write_text(config)
    from kb.site.build import Project

    project = Project.from_config(project.config)
    build(data, project, out=io.StringIO())
    assert head_tags(project.site_dir / "briefings" / "eastern-pressure.html") == [
        ("citation_title", "Pressure from the east"),
        ("citation_author", "Test Editors"),
        ("citation_author", "R. Analyst"),
        ("citation_publication_date", "2025/02/10"),
        ("citation_publisher", "Baltic Security Briefings"),
        ("citation_public_url", "https://example.org/kb/briefings/eastern-pressure.html"),
    ]
    assert ("citation_title", "Eastland") in head_tags(project.site_dir / "actors" / "eastland.html")
    assert head_tags(project.site_dir / "index.html") == []
    cff = yaml.safe_load((project.site_dir / "downloads" / "CITATION.cff").read_text())
    assert cff["title"] == "Baltic Security Briefings: data"
    assert cff["url"] == "https://example.org/kb/downloads/index.html"


def test_hostile_text_is_an_attribute_value_in_the_head(tmp_path: Path) -> None:
    from conftest import build_ungated

    project, data = project_for(tmp_path, "hostile")
    build_ungated(data, project)
    tags = dict(head_tags(project.site_dir / "sources" / "evil-source.html"))
    assert tags["citation_title"] == "<script>alert('title')</script> *Bold* _claims_"
    assert "<script>alert" not in (project.site_dir / "sources" / "evil-source.html").read_text().split("</head>")[0]


def test_the_citation_file_is_cff_1_2_0() -> None:
    for tree in ("valid", "site", "hostile"):
        text = pages(check(FIXTURES / tree).kb, site=SITE)[cite.CFF].decode()
        cff = yaml.safe_load(text)
        assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
        assert {"cff-version", "message", "title", "authors"} <= cff.keys()
        assert cff["authors"] and all(isinstance(a["name"], str) and a["name"] for a in cff["authors"])
        for ref in cff.get("references", []):
            assert ref["type"] and ref["title"] and ref["authors"] and isinstance(ref.get("year", 0), int)
    assert cff["references"][0]["title"] == "<script>alert('title')</script> *Bold* _claims_", "text as written"


def test_the_citation_file_dates_its_release_only_to_the_day() -> None:
    kb = check(FIXTURES / "valid").kb  # its newest date is a briefing's day
    assert yaml.safe_load(cite.cff(kb, SITE))["date-released"] == "2025-07-01"
    kb = check(FIXTURES / "site").kb  # its newest date is a month (a draft of August 2025)
    assert "date-released" not in yaml.safe_load(cite.cff(kb, SITE))
