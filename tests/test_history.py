"""The history of the facts, read from git in one pass (kb.core.history)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES
from gitrepo import Repo, git, history_repo
from kb.core import history
from kb.core.dates import PartialDate


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return history_repo(tmp_path_factory.mktemp("history") / "repo")


def test_each_commit_is_read_as_what_it_did_to_each_fact(repo: Repo) -> None:
    h = history.read(repo.data)
    assert (h.status, h.edge) == ("complete", None)
    counted = {}
    for c in h.changes:
        counted[c.what] = counted.get(c.what, 0) + 1
    files = sum(1 for p in (FIXTURES / "site").rglob("*") if p.is_file())
    assert counted == {"added": files, "changed": 3, "renamed": 1, "removed": 1}
    assert [c.commit.timestamp for c in h.changes][-1] == "2026-03-05T12:00:00Z"


def test_a_change_says_field_by_field_what_changed_and_what_it_rests_on(repo: Repo) -> None:
    h = history.read(repo.data)
    first, second = h.of("northland-defence-spending-2026")
    assert first.what == "added" and first.commit.day == PartialDate(2026, 1, 10)
    assert second.what == "changed" and second.commit.day == PartialDate(2026, 2, 3)
    assert [(f.path, f.old, f.new) for f in second.fields] == [
        ("value", 3, 3.5),
        ("sources[0].locator", "para 6", "para 8"),
    ]
    assert second.citations == [("sample-article", "para 8")]
    assert h.first_recorded("northland-defence-spending-2026") == first.commit
    assert h.last_changed("northland-defence-spending-2026") == second.commit


def test_a_rename_keeps_the_facts_history_under_its_new_id(repo: Repo) -> None:
    h = history.read(repo.data)
    assert h.of("harbour-district") == []
    added, renamed = h.of("old-harbour-district")
    assert added.id == "harbour-district" and added.now == "old-harbour-district"
    assert (renamed.what, renamed.former, renamed.id) == ("renamed", "harbour-district", "old-harbour-district")
    assert [(f.path, f.old, f.new) for f in renamed.fields] == [("name", "Harbour District", "Old Harbour District")]


def test_a_removed_fact_keeps_its_last_version(repo: Repo) -> None:
    removed = history.read(repo.data).of("minister-visit-2025")[-1]
    assert (removed.what, removed.label) == ("removed", "Foreign minister visits the League")


def test_briefings_are_published_and_revised(repo: Repo) -> None:
    h = history.read(repo.data)
    assert [c.briefing_event for c in h.of("outlook-draft")] == [None, "published"]
    assert [c.briefing_event for c in h.of("eastern-pressure")] == ["published", "revised"]
    assert h.of("eastern-pressure")[-1].text == (1, 1)


def test_revised_since_compares_the_commit_day_at_the_dates_precision(repo: Repo) -> None:
    h = history.read(repo.data)
    fig = "northland-defence-spending-2026"
    assert [c.commit.day.iso() for c in h.revised_since(fig, PartialDate(2025, 7, 1))] == ["2026-02-03"]
    assert h.revised_since(fig, PartialDate(2026, 2, 3)) == []  # the same day: not after
    assert h.revised_since(fig, PartialDate(2026, 2)) == []  # in that month: not after
    assert h.revised_since("old-harbour-district", PartialDate(2025)) != []  # renamed and renamed-to name
    assert h.revised_since("port-north", PartialDate(2025)) == []  # recorded, never revised


def test_a_reformatted_file_is_no_change(repo: Repo, tmp_path: Path) -> None:
    other = Repo(tmp_path / "r", FIXTURES / "site")
    other.commit("2026-01-10T09:00:00Z", "one")
    other.edit("places/port-north.yaml", "kind: city", "kind: 'city'")
    other.commit("2026-01-11T09:00:00Z", "quote a value")
    assert [c.what for c in history.read(other.data).of("port-north")] == ["added"]


def test_the_history_is_read_in_three_git_processes_however_many_files(repo: Repo, monkeypatch) -> None:
    calls: list[list[str]] = []
    real = subprocess.run

    def counting(args, *a, **k):  # type: ignore[no-untyped-def]
        calls.append(list(args))
        return real(args, *a, **k)

    monkeypatch.setattr(subprocess, "run", counting)
    history.read(repo.data)
    assert [c[1] for c in calls] == ["rev-parse", "rev-parse", "log", "cat-file"]


def test_a_shallow_clone_says_its_history_is_incomplete(repo: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo.root}", str(clone))
    h = history.read(clone / "data")
    assert h.status == "shallow" and "shallow clone" in h.reason
    assert h.edge is not None and h.edge.timestamp == "2026-02-20T08:00:00Z"
    # What the edge commit held is known, not when it was recorded; the last commit's changes are.
    assert h.first_recorded("port-north") is None and h.of("port-north") == []
    assert [c.briefing_event for c in h.of("outlook-draft")] == ["published"]


def test_outside_git_there_is_no_history_and_it_says_why(tmp_path: Path) -> None:
    h = history.read(tmp_path)
    assert h.status == "absent" and "not inside a git checkout" in h.reason
    assert h.changes == [] and h.first_recorded("anything") is None


def test_a_repository_without_commits_has_an_empty_history(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r", FIXTURES / "site")
    h = history.read(repo.data)
    assert (h.status, h.changes) == ("complete", [])
