"""`kb build`: strict, atomic, reproducible; generated files follow the data; nothing injectable."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, build_ungated, make_project, site_bytes, tree_bytes
from kb.check.run import check
from kb.cli import main
from kb.site.build import BuildError, Project, build
from kb.site.render.site import MANIFEST, write_site
from test_contract import violations


def project_for(tmp_path: Path, fixture: str = "site") -> tuple[Project, Path]:
    config, data = make_project(tmp_path, FIXTURES / fixture)
    return Project.locate(config, data), data


def test_strict_build_produces_every_page(built_site: Path) -> None:
    for page in [
        "index.html",
        "about.html",
        "timeline.html",
        "spending.html",
        "downloads/index.html",
        "briefings/eastern-pressure.html",
        "judgements.html",
        "actors/eastland.html",
        "places/east-strait.html",
        "events/border-exercise-2023.html",
        "sources/inferred-report.html",
        "assessments/eastland-strait-claim.html",
        "assessments/index.html",
        "figures/northland/defence-spending-share-of-gdp.html",
        "downloads/events.csv",
    ]:
        assert (built_site / page).is_file(), page


def test_navigation_holds_sections_and_indexes_only(built_site: Path) -> None:
    html = (built_site / "actors" / "eastland.html").read_text()
    nav = html[html.index('<nav class="md-nav md-nav--primary"') : html.index("</nav>", html.index("md-nav--primary"))]
    assert "eastland.html" not in nav and "border-exercise-2023" not in nav
    assert "index.html" in nav


def test_two_builds_from_clean_are_byte_identical(tmp_path: Path) -> None:
    sites = []
    for name in ("one", "two"):
        project, data = project_for(tmp_path / name)
        build(data, project, out=io.StringIO())
        sites.append(project.site_dir)
    stable = [site_bytes(site) for site in sites]
    assert stable[0].keys() == stable[1].keys()
    differing = [p for p in stable[0] if stable[0][p] != stable[1][p]]
    assert not differing
    assert any(p.startswith("pagefind/fragment/") for p in stable[0])


def test_one_process_and_two_make_the_same_docs_and_site(tmp_path: Path) -> None:
    # Two: the rules and half the pages in forked processes (kb.site.publish's own test covers MkDocs).
    trees = []
    for jobs in (1, 2):
        project, data = project_for(tmp_path / str(jobs))
        build(data, project, out=io.StringIO(), jobs=jobs)
        trees.append((tree_bytes(project.docs_dir), site_bytes(project.site_dir)))
    assert trees[0] == trees[1]


def test_errors_found_by_the_rules_process_refuse_the_build(tmp_path: Path) -> None:
    project, data = project_for(tmp_path)
    event = data / "events" / "border-exercise-2023.yaml"
    event.write_text(event.read_text() + "related: [no-such-event]\n")
    out = io.StringIO()
    with pytest.raises(BuildError, match="error"):
        build(data, project, out=out, jobs=2)
    assert "ref-missing" in out.getvalue() and "no-such-event" in out.getvalue()
    assert not (project.docs_dir / MANIFEST).exists(), "nothing is rendered when the check fails"


def test_sitemap_dates_come_from_the_data_not_the_clock(tmp_path: Path) -> None:
    # With a site_url MkDocs writes <lastmod> and a gzip mtime: both follow SOURCE_DATE_EPOCH,
    # which kb build sets from the newest date in the data (here the draft briefing, August 2025).
    project, data = project_for(tmp_path)
    config = project.config.read_text().replace("site_name:", "site_url: https://example.org/\nsite_name:", 1)
    project.config.write_text(config)
    build(data, project, out=io.StringIO())
    sitemap = (project.site_dir / "sitemap.xml").read_text()
    assert "<lastmod>2025-08-01</lastmod>" in sitemap
    import gzip

    with gzip.open(project.site_dir / "sitemap.xml.gz") as fh:
        fh.read()
        assert fh.mtime == 1754006400  # 2025-08-01T00:00:00Z


def test_rendering_twice_writes_nothing_the_second_time(tmp_path: Path) -> None:
    project, data = project_for(tmp_path)
    kb = check(data).kb
    first = write_site(kb, project.docs_dir)
    stamps = {p: p.stat().st_mtime_ns for p in project.docs_dir.rglob("*") if p.is_file()}
    second = write_site(kb, project.docs_dir)
    assert first.written and not second.written and not second.deleted
    assert stamps == {p: p.stat().st_mtime_ns for p in project.docs_dir.rglob("*") if p.is_file()}


def test_a_removed_fact_removes_its_page_but_not_hand_written_ones(tmp_path: Path) -> None:
    project, data = project_for(tmp_path)
    build(data, project, out=io.StringIO())
    assert (project.site_dir / "events" / "minister-visit-2025.html").is_file()
    (data / "events" / "minister-visit-2025.yaml").unlink()
    (data / "figures" / "harbour-league-guideline.yaml").unlink()
    text = (data / "briefings" / "eastern-pressure.md").read_text()
    (data / "briefings" / "eastern-pressure.md").write_text(
        text.replace("[2% guideline](figure:harbour-league-guideline)", "2% guideline")
    )
    out = io.StringIO()
    build(data, project, out=out)
    assert "2 deleted" in out.getvalue()
    assert not (project.docs_dir / "events" / "minister-visit-2025.md").exists()
    assert not (project.site_dir / "events" / "minister-visit-2025.html").exists()
    assert not (project.docs_dir / "figures" / "harbour-league").exists(), "empty generated folders are removed"
    assert "events/minister-visit-2025.md" not in (project.docs_dir / MANIFEST).read_text()
    assert (project.docs_dir / "about.md").is_file() and (project.docs_dir / "assets" / "kb.css").is_file()


def test_a_data_error_refuses_to_build_and_keeps_the_old_site(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    project, data = project_for(tmp_path)
    build(data, project, out=io.StringIO())
    before = tree_bytes(project.site_dir)
    bad = data / "events" / "harbour-cable-cut-2024.yaml"
    bad.write_text(bad.read_text().replace("places: [port-north]", "places: [port-nowhere]"))
    code = main(["build", str(data), "--config", str(project.config)])
    captured = capsys.readouterr()
    assert code == 1
    assert f"{bad}:" in captured.out and "port-nowhere" in captured.out and "did you mean 'port-north'" in captured.out
    assert "was left as it was" in captured.err
    assert tree_bytes(project.site_dir) == before


def test_a_failing_mkdocs_build_keeps_the_old_site_and_says_why(tmp_path: Path) -> None:
    project, data = project_for(tmp_path)
    build(data, project, out=io.StringIO())
    before = tree_bytes(project.site_dir)
    # A broken link in a hand-written page: found by kb's own link check, before MkDocs runs.
    about = (project.docs_dir / "about.md").read_text()
    (project.docs_dir / "about.md").write_text(about + "\nSee [the missing page](missing.md).\n")
    out = io.StringIO()
    with pytest.raises(BuildError):
        build(data, project, out=out)
    assert "[doc-link]" in out.getvalue() and "missing.md" in out.getvalue()
    assert tree_bytes(project.site_dir) == before
    # What only MkDocs checks (the navigation): its strict build fails, and says why.
    (project.docs_dir / "about.md").write_text(about)
    config = project.config.read_text()
    project.config.write_text(config.replace("  - Home: index.md\n", "  - Home: index.md\n  - Gone: gone.md\n"))
    with pytest.raises(BuildError, match=r"gone\.md"):
        build(data, project, out=io.StringIO())
    assert tree_bytes(project.site_dir) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site-")], "temporary build dirs are cleaned up"


def article_text(page: Path) -> str:
    """The text a reader sees in the page's article, whitespace collapsed."""
    parts: list[str] = []

    class Text(HTMLParser):
        inside = 0

        def handle_starttag(self, tag: str, attrs: list) -> None:
            self.inside += tag == "article"

        def handle_endtag(self, tag: str) -> None:
            self.inside -= tag == "article"

        def handle_data(self, data: str) -> None:
            if self.inside:
                parts.append(data)

    Text(convert_charrefs=True).feed(page.read_text())
    return " ".join("".join(parts).split())


def test_hostile_text_cannot_inject_markup(tmp_path: Path) -> None:
    project, data = project_for(tmp_path, "hostile")
    build_ungated(data, project)
    pages = sorted(project.site_dir.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:  # nothing outside the content area's allow-list, nothing that runs (test_contract)
        found = violations(page.read_text())
        assert not found, f"{page.relative_to(project.site_dir)}: {found}"
    # The same text is shown to the reader exactly as written.
    actor = article_text(project.site_dir / "actors" / "evil-actor.html")
    assert "<script>alert('summary')</script> [x](javascript:alert('summary-link')) *em* {{ config }}" in actor
    assert "{: onclick=\"alert('attr')\" }" in actor and "# Heading?" in actor
    claim = article_text(project.site_dir / "assessments" / "evil-assessment.html")
    assert "claims that <script>alert('statement')</script> *em* | pipe {{ config }}" in claim
    assert "The source's own word is <b onmouseover=alert('hedge')>may</b>." in claim
    source = article_text(project.site_dir / "sources" / "evil-source.html")
    assert "<script>alert('rationale')</script> *graded* [x](javascript:alert('r'))" in source
    briefing_html = (project.site_dir / "briefings" / "evil-briefing.html").read_text()
    assert "<code>&lt;script&gt;</code>" in briefing_html, "code spans still show code"
    briefing = article_text(project.site_dir / "briefings" / "evil-briefing.html")
    assert "Raw HTML <script>alert('body')</script> and <img src=x onerror=alert('body-img')> stay text" in briefing
    assert "A reference link and" in briefing, "a javascript: reference link is shown as its text"


def test_the_docs_tree_also_builds_with_zensical(tmp_path: Path) -> None:
    zensical = shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which("zensical")
    if zensical is None:
        if os.environ.get("CI") == "true":
            pytest.fail("zensical is not installed (pip install -e '.[test]' installs it)")
        pytest.skip("zensical is not installed")
    project, data = project_for(tmp_path)
    write_site(check(data).kb, project.docs_dir)
    run = subprocess.run(
        [zensical, "build", "--strict", "--config-file", str(project.config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    site = project.site_dir
    briefing = (site / "briefings" / "eastern-pressure.html").read_text()
    assert 'href="../events/border-exercise-2023.html"' in briefing
    assert 'class="admonition judgement almost-certain confidence-high"' in briefing
    assert '<meta name="citation_title" content="Pressure from the east">' in briefing, "the theme override"
    assert 'rel="alternate" type="application/atom+xml"' in briefing, "the theme override's feeds partial"
    assert (site / "feeds" / "changes.xml").is_file() and (site / "changes" / "index.html").is_file()
    assert (site / "figures" / "eastland" / "defence-spending-share-of-gdp.html").is_file()


def test_what_the_checker_accepted_builds(tmp_path: Path) -> None:
    # Each of these passed `kb check` and then stopped the build (issue 10, items 4 and 6).
    project, data = project_for(tmp_path)
    briefing = data / "briefings" / "harbour-security.md"
    briefing.write_text(briefing.read_text() + "\nSee also [the eastern picture](briefing:eastern-pressure).\n")
    event = data / "events" / "harbour-cable-cut-2024.yaml"
    text = event.read_text()
    event.write_text(
        text.replace(
            text.split("summary: ", 1)[1].split("\n", 1)[0],
            "'Quotes \" '' \\` and | pipes, <b>tags</b> & [brackets](x)'",
        )
    )
    assert [f for f in check(data).findings if f.severity == "error"] == []
    build(data, project, out=io.StringIO())
    page = (project.site_dir / "briefings" / "harbour-security.html").read_text()
    assert '<a class="kb-fact" href="eastern-pressure.html"' in page
    assert "title=\"Event, December 2024: Harbour cable severed. Quotes &quot; ' \\` and | pipes, &lt;b&gt;tags" in page
    assert ">Briefing</td>" in page, "the linked briefing is listed with the facts cited"


def test_control_characters_are_findings_not_crashes(tmp_path: Path) -> None:
    # A NUL, a digit and a NUL once collided with the renderer's placeholders: an IndexError, and
    # `kb serve` exited (issue 10, item 7). Now the loader names the character and its place.
    project, data = project_for(tmp_path)
    event = data / "events" / "harbour-cable-cut-2024.yaml"
    event.write_text(event.read_text().replace("summary: ", "summary: \x001\x00 "))
    out = io.StringIO()
    with pytest.raises(BuildError):
        build(data, project, out=out)
    assert "harbour-cable-cut-2024.yaml" in out.getvalue() and "[text-character]" in out.getvalue()
    assert "U+0000" in out.getvalue()
