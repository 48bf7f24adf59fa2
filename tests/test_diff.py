"""kb diff: fact-level changes between a git revision and the working tree (or another revision)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kb.cli import main
from kb.edit.diff import diff, field_changes, write_markdown, write_text

VALID = Path(__file__).resolve().parent / "fixtures" / "valid"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    """A git repository whose first commit holds the valid fixtures as data/; cwd is its root."""
    root = tmp_path / "kb"
    root.mkdir()
    git(root, "init", "-q")
    shutil.copytree(VALID, root / "data")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    monkeypatch.chdir(root)
    return root


def change_things(repo: Path) -> None:
    data = repo / "data"
    edit(data / "figures" / "northland-defence-spending-2026.yaml", "value: 3\n", "value: 3.5\n")
    edit(data / "events" / "minister-visit-2025.yaml", 'locator: "para 5"', 'locator: "para 6"')
    edit(
        data / "events" / "minister-visit-2025.yaml",
        "related: [harbour-cable-cut-2024]",
        "related: [harbour-cable-cut-2024, ghost-event]",
    )
    (data / "places" / "port-north.yaml").unlink()
    (data / "actors" / "new-actor.yaml").write_text(
        'id: new-actor\nname: New Actor\nkind: person\nsources:\n  - {source: sample-article, locator: "para 9"}\n'
    )
    edit(data / "briefings" / "harbour-security.md", "status: published", "status: draft")
    with (data / "briefings" / "harbour-security.md").open("a") as fh:
        fh.write("Also [a new actor](actor:new-actor).\n")


def test_fact_level_summary_against_the_working_tree(repo: Path) -> None:
    change_things(repo)
    d = diff("HEAD", Path("data"))
    assert [(f.type, f.id, f.path) for f in d.added] == [("actor", "new-actor", "data/actors/new-actor.yaml")]
    assert [(f.type, f.id) for f in d.removed] == [("place", "port-north")]
    changed = {c.new.id: [(x.path, x.old, x.new, x.what) for x in c.fields] for c in d.changed}
    assert changed == {
        "northland-defence-spending-2026": [("value", 3, 3.5, "changed")],
        "minister-visit-2025": [
            ("related[1]", None, "ghost-event", "added"),
            ("sources[0].locator", "para 5", "para 6", "changed"),
        ],
    }
    [b] = d.briefings_changed
    assert b.new.id == "harbour-security" and [(x.path, x.old, x.new) for x in b.fields] == [
        ("status", "published", "draft")
    ]
    assert b.text == (1, 0) and b.links_added == ["actor:new-actor"] and b.links_removed == []
    broken = {(x.path, x.field, x.target, x.removed_here) for x in d.broken}
    assert broken == {
        ("data/events/harbour-cable-cut-2024.yaml", "places[0]", "port-north", True),
        ("data/briefings/harbour-security.md", "text", "port-north", True),
        ("data/events/minister-visit-2025.yaml", "related[1]", "ghost-event", False),
    }

    text = write_text(d)
    assert "changed: figure northland-defence-spending-2026 value 3 -> 3.5 (source sample-article para 6)" in text
    assert 'sources[0].locator "para 5" -> "para 6"' in text
    assert "removed: place port-north" in text and "added: actor new-actor" in text
    assert (
        "broken reference: data/events/harbour-cable-cut-2024.yaml:5:10: 'places[0]' names place 'port-north'" in text
    )
    md = write_markdown(d)
    assert md.startswith("### Knowledge base changes since `HEAD`")
    assert "  - `value`: `3` → `3.5`" in md and "**3 broken references**" in md


def test_between_two_revisions_and_renames(repo: Path) -> None:
    data = repo / "data"
    (data / "actors" / "harbour-league.yaml").rename(data / "actors" / "coastal-league.yaml")
    edit(
        data / "actors" / "coastal-league.yaml",
        "id: harbour-league\n",
        "id: coastal-league\nformer_ids: [harbour-league]\n",
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "rename")
    (data / "actors" / "northland.yaml").write_text("id: northland\nname: [broken\n")  # not committed: ignored below
    d = diff("HEAD~1", Path("data"), "HEAD")
    assert d.until == "HEAD" and not d.added and not d.removed and not d.unreadable
    [r] = d.renamed
    assert (r.old.id, r.new.id) == ("harbour-league", "coastal-league")
    assert {x.path for x in d.broken} == {"data/actors/northland.yaml", "data/events/minister-visit-2025.yaml"}
    assert all(x.removed_here for x in d.broken)
    assert "renamed: actor harbour-league -> coastal-league" in write_text(d)


def test_unreadable_files_are_reported_not_removed(repo: Path) -> None:
    (repo / "data" / "places" / "port-north.yaml").write_text("id: port-north\nname: [oops\n")
    d = diff("HEAD", Path("data"))
    assert not d.removed and [f.path for f in d.unreadable] == ["data/places/port-north.yaml"]
    assert "[yaml-syntax]" in d.unreadable[0].problem
    assert "unreadable: data/places/port-north.yaml [yaml-syntax]" in write_text(d)


def test_no_changes(repo: Path, capsys) -> None:
    assert main(["diff", "HEAD"]) == 0
    assert "no changes to the knowledge base" in capsys.readouterr().out
    assert main(["diff", "HEAD", "--format", "markdown"]) == 0
    assert "No changes to the knowledge base." in capsys.readouterr().out


def test_data_added_after_the_revision(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    git(root, "init", "-q")
    (root / "README.md").write_text("x\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "empty")
    shutil.copytree(VALID, root / "data")
    monkeypatch.chdir(root)
    d = diff("HEAD", Path("data"))
    facts = list(VALID.glob("*/*.yaml"))
    briefings = list(VALID.glob("briefings/*.md"))
    assert len(d.added) == len(facts) and len(d.briefings_added) == len(briefings) and not d.broken
    assert {f.path for f in d.added} == {f"data/{p.parent.name}/{p.name}" for p in facts}


def test_unknown_revision_and_not_a_repository(repo: Path, tmp_path: Path, capsys) -> None:
    assert main(["diff", "no-such-branch"]) == 2
    assert "unknown revision 'no-such-branch'" in capsys.readouterr().err
    assert main(["diff", "--", "--output=/tmp/x"]) == 2
    assert "unknown revision '--output=/tmp/x'" in capsys.readouterr().err
    outside = tmp_path / "plain" / "data"
    outside.mkdir(parents=True)
    assert main(["diff", "HEAD", "--data", str(outside)]) == 2
    err = capsys.readouterr().err
    assert "is not inside a git checkout" in err and "hint:" in err and "Traceback" not in err


def test_git_missing(repo: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "")
    assert main(["diff", "HEAD"]) == 2
    assert "git is not installed" in capsys.readouterr().err


def test_markdown_escapes_what_editors_write(repo: Path) -> None:
    edit(repo / "data" / "places" / "port-north.yaml", "name: Port North", 'name: "<script>x</script> *bold* `tick`"')
    md = write_markdown(diff("HEAD", Path("data")))
    outside_code = re.sub(r"(`+).*?\1", "", md)  # code spans are shown literally, so markup there is harmless
    assert "<script>" not in outside_code and "&lt;script&gt;" in outside_code and r"\*bold\*" in outside_code
    assert '``"<script>x</script> *bold* `tick`"``' in md  # a value holding a backtick gets a longer fence


def test_field_changes_paths() -> None:
    old = {"a": 1, "l": [{"s": "x", "l": "p1"}, {"s": "y", "l": "p2"}], "gone": True}
    new = {"a": 1.0, "l": [{"s": "y", "l": "p2"}], "new": "n"}
    got = [(c.path, c.old, c.new, c.what) for c in field_changes(old, new)]
    assert got == [
        ("a", 1, 1.0, "changed"),
        ("l[0]", {"s": "x", "l": "p1"}, None, "removed"),
        ("gone", True, None, "removed"),
        ("new", None, "n", "added"),
    ]
