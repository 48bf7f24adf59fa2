"""The live preview rebuilds only what an edit touches, and what it shows is what a whole build shows."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, make_project
from kb.check.run import check
from kb.site.build import Project
from kb.site.preview import Preview
from kb.site.render.site import all_writers, pages


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    root = tmp_path_factory.mktemp("preview")
    config, data = make_project(root, FIXTURES / "site")
    return Preview.start(data, Project.locate(config, data), root / "site", io.StringIO())


def _bump(path: Path) -> None:
    """Make sure the preview sees the file as changed even within one clock tick."""
    st_ = path.stat()
    os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns + 1_000_000))


EDITS = {
    "rename an actor": ("actors/eastland.yaml", "name: Eastland", "name: Eastland {n}"),
    "retitle an event": ("events/border-exercise-2023.yaml", "title: ", "title: Renamed {n} "),
    "redate an event": ("events/harbour-cable-cut-2024.yaml", 'date: "2024-12"', 'date: "2024-0{d}"'),
    "rename a place": ("places/port-north.yaml", "name: Port North", "name: Port North {n}"),
    "reword a summary": ("actors/northland.yaml", "summary: ", "summary: Reworded {n}. "),
    "change a figure": ("figures/northland-defence-spending-2024.yaml", "value: 2.1", "value: 2.{d}"),
    "retitle a source": ("sources/sample-article.yaml", 'title: "Sample:', 'title: "Retitled {n}:'),
    "edit a briefing": ("briefings/harbour-security.md", "left [Port North]", "left ({n}) [Port North]"),
}


def apply(data: Path, name: str, n: int) -> None:
    rel, old, new = EDITS[name]
    path = data / rel
    base = (data.parent / "original" / rel).read_text()
    assert old in base, (rel, old)
    path.write_text(base.replace(old, new.format(n=n, d=1 + n % 9), 1))
    _bump(path)


@pytest.fixture(scope="module")
def original(preview: Preview) -> Path:
    copy = preview.data_dir.parent / "original"
    if not copy.exists():
        shutil.copytree(preview.data_dir, copy)
    return copy


def test_an_edit_rebuilds_its_pages_and_no_others(preview: Preview, original: Path) -> None:
    apply(preview.data_dir, "rename a place", 1)
    done = preview.refresh(io.StringIO())
    assert done.read == 1 and not done.errors
    assert "places/port-north.md" in done.written
    assert "briefings/harbour-security.md" in done.written, "a briefing linking to it shows its name"
    assert "sources/sample-article.md" in done.written, "the source it cites lists it by name"
    assert "reference/checks.md" not in done.written and "actors/ada-minister.md" not in done.written
    assert preview.site is not None and 0 < done.rebuilt < len(preview.site.pages) / 2
    assert "Port North 1" in (Path(preview.site.config.site_dir) / "places" / "port-north.html").read_text()
    assert preview.refresh(io.StringIO()).read == 0, "nothing more changed"


def test_an_error_keeps_the_last_good_site(preview: Preview, original: Path) -> None:
    path = preview.data_dir / "actors" / "eastland.yaml"
    path.write_text(path.read_text().replace("kind: state", "kind: planet"))
    _bump(path)
    out = io.StringIO()
    done = preview.refresh(out)
    assert done.errors and "planet" in out.getvalue() and done.written == []
    path.write_text((original / "actors" / "eastland.yaml").read_text())
    _bump(path)
    assert not preview.refresh(io.StringIO()).errors


def test_a_fact_that_would_take_a_section_page_is_an_error_and_the_site_stays(preview: Preview, original: Path) -> None:
    # A new event with the id `index` would write over the events index: found from the files the edit
    # touches, without working out every page again.
    path = preview.data_dir / "events" / "index.yaml"
    text = (original / "events" / "border-exercise-2023.yaml").read_text()
    path.write_text(text.replace("id: border-exercise-2023", "id: index"))
    out = io.StringIO()
    done = preview.refresh(out)
    assert done.errors and "[page-collision]" in out.getvalue() and done.written == []
    assert "events/index.yaml" in out.getvalue()
    path.unlink()
    assert not preview.refresh(io.StringIO()).errors


@given(st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.integers(0, 50)), min_size=1, max_size=4))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_after_any_edits_the_preview_shows_what_a_whole_build_renders(
    preview: Preview, original: Path, edits: list[tuple[str, int]]
) -> None:
    for name, n in edits:
        apply(preview.data_dir, name, n)
        out = io.StringIO()
        assert not preview.refresh(out).errors, out.getvalue()[-3000:]
    kb = check(preview.data_dir).kb
    whole = pages(kb, site=preview.project.site)
    assert preview.docs.keys() == whole.keys()
    # Who writes each page, kept between edits for the page-collision check, is what a whole check finds.
    assert {p: sorted(w) for p, w in preview.writers.items()} == {p: sorted(w) for p, w in all_writers(kb).items()}
    assert [path for path in whole if preview.docs[path] != whole[path]] == []
    on_disk = {path: (preview.project.docs_dir / path).read_bytes() for path in whole}
    assert [path for path in whole if on_disk[path] != whole[path]] == []


def test_the_kept_site_is_the_site_a_whole_build_makes(preview: Preview, original: Path, tmp_path: Path) -> None:
    from kb.site import publish

    for name, n in [("rename an actor", 7), ("redate an event", 3), ("edit a briefing", 4), ("change a figure", 5)]:
        apply(preview.data_dir, name, n)
        assert not preview.refresh(io.StringIO()).errors
    assert preview.site is not None
    whole = publish.load(preview.project.config, tmp_path / "whole", strict=False, policy=False)
    publish.build(whole, jobs=1)
    ours, theirs = Path(preview.site.config.site_dir), tmp_path / "whole"

    def tree(root: Path) -> dict[str, bytes]:  # MkDocs's site; Pagefind's bundle has a test of its own
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] != "pagefind"
        }

    mine, built = tree(ours), tree(theirs)
    assert mine.keys() == built.keys()
    assert [path for path in built if mine[path] != built[path] and not path.endswith(".gz")] == []


def test_with_a_history_from_git_the_preview_shows_what_a_whole_build_renders(tmp_path: Path) -> None:
    # The history is read once, at the start (it comes from commits, not from edits); the edits, uncommitted,
    # change the names the history pages give the facts, and the pages that list them are rendered again.
    from gitrepo import history_repo
    from kb.core import history

    repo = history_repo(tmp_path / "repo")
    make_project(tmp_path / "project", FIXTURES / "site")
    for name in ("mkdocs.yml", "docs", "overrides"):
        shutil.move(tmp_path / "project" / name, repo.root / name)
    (repo.root / "mkdocs.yml").write_text((repo.root / "mkdocs.yml").read_text() + "repo_url: https://example.org/kb\n")
    project = Project.locate(repo.root / "mkdocs.yml", repo.data)
    shutil.copytree(repo.data, repo.root / "original")
    preview = Preview.start(repo.data, project, tmp_path / "site", io.StringIO())
    assert preview.past.status == "complete" and "changes/2026-02.md" in preview.docs
    for name, n in [("retitle a source", 1), ("rename a place", 2), ("edit a briefing", 3), ("rename an actor", 4)]:
        apply(repo.data, name, n)
        out = io.StringIO()
        assert not preview.refresh(out).errors, out.getvalue()[-3000:]
    past = history.read(repo.data)
    past.repository = project.site.repo_url
    whole = pages(check(repo.data, past).kb, site=project.site)
    assert preview.docs.keys() == whole.keys()
    assert [path for path in whole if preview.docs[path] != whole[path]] == []
    assert "Retitled 1" in whole["changes/2026-02.md"].decode(), "the log names the source as it is now"


def test_with_indexes_in_parts_the_preview_still_shows_what_a_whole_build_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At 10,000 facts the indexes come in parts (by letter, by year): a rename that moves an actor to
    # another letter's part changes two parts and who writes them (once reported as a page collision).
    from kb.site.render import indexes, judgements

    monkeypatch.setattr(indexes, "LIMIT", 1)
    monkeypatch.setattr(indexes, "BRIEFING_LIMIT", 1)
    monkeypatch.setattr(judgements, "LIMIT", 1)
    config, data = make_project(tmp_path, FIXTURES / "site")
    preview = Preview.start(data, Project.locate(config, data), tmp_path / "site", io.StringIO())
    assert any(path.startswith("actors/by-name/") for path in preview.docs)
    edits = [
        ("actors/eastland.yaml", "name: Eastland", "name: Westland"),
        ("briefings/harbour-security.md", 'date: "2025-07-01"', 'date: "2024-07-01"'),
        ("events/border-exercise-2023.yaml", 'date: "2023"', 'date: "2021"'),
        ("actors/eastland.yaml", "name: Westland", "name: Eastland"),
    ]
    for rel, old, new in edits:
        path = data / rel
        text = path.read_text()
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1))
        _bump(path)
        out = io.StringIO()
        assert not preview.refresh(out).errors, out.getvalue()[-3000:]
        kb = check(data).kb
        assert preview.docs == pages(kb, site=preview.project.site), rel
        assert {p: sorted(w) for p, w in preview.writers.items()} == {p: sorted(w) for p, w in all_writers(kb).items()}


def _indexed_words(site: Path) -> str:
    """Every page's text as Pagefind's bundle holds it (fragments: gzip of 'pagefind_dcd' + JSON)."""
    import gzip
    import json

    texts = []
    for fragment in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(fragment.read_bytes())
        data = json.loads(raw[len(b"pagefind_dcd") :])
        texts.append(data["meta"].get("title", "") + " " + data["content"])
    return "\n".join(texts)


def test_the_search_index_follows_an_edit(preview: Preview, original: Path) -> None:
    assert preview.pagefind is not None, "the site's search is Pagefind's"
    preview.pagefind.wait(60)
    site = preview.pagefind.site_dir
    assert "Eastland Zorvanian" not in _indexed_words(site)
    path = preview.data_dir / "actors" / "eastland.yaml"
    path.write_text(
        (original / "actors" / "eastland.yaml").read_text().replace("name: Eastland", "name: Eastland Zorvanian")
    )
    _bump(path)
    try:
        assert preview.refresh(io.StringIO()).errors == 0
        preview.pagefind.wait(60)
        assert "Eastland Zorvanian" in _indexed_words(site)
    finally:
        path.write_text((original / "actors" / "eastland.yaml").read_text())
        _bump(path)
        preview.refresh(io.StringIO())
        preview.pagefind.wait(60)


def test_a_file_an_edit_now_touches_keeps_its_one_writer() -> None:
    # A renamed hub actor joins an index letter that no edited fact was in before: that part was written
    # all along by the same emitter, and is not a collision (seen at 10,000 facts).
    from kb.site.render.site import Emitter, collisions, rewritten

    parts = Emitter("index parts", lambda kb: [], lambda kb, subject: "")
    pages = Emitter("event pages", lambda kb: [], lambda kb, subject: "")
    kept = {"actors/by-name/e.md": {"index parts"}, "actors/by-name/r.md": {"index parts"}}
    part = ("actors/by-name/e.md", parts, "a part")
    after = rewritten(kept, [("actors/by-name/r.md", parts, "r")], [part, ("actors/by-name/r.md", parts, "r")])
    assert after == kept and collisions(check(FIXTURES / "site").kb, after) == {}
    clash = rewritten(after, [], [("actors/by-name/e.md", pages, SimpleNamespace(id="e"))])
    assert collisions(check(FIXTURES / "site").kb, clash) == {"actors/by-name/e.md": ["event pages: e", "index parts"]}
