"""The revised-since-cited rule (issue 14): a briefing citing a fact revised after the briefing's date (or
its `reviewed` date) is warned of by `kb check` until it is reviewed or the rule waived; outside git nothing
is compared; in pull-request mode only the revisions the change makes count. The repository is made in the
test with fixed commit dates (tests/gitrepo.py tells its story)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from gitrepo import Repo, git, history_repo
from kb.cli import main


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return history_repo(tmp_path_factory.mktemp("revisions") / "repo")


def sha_of(repo: Repo, when: str) -> str:
    return git(repo.root, "log", "--format=%H", f"--since={when}", f"--until={when}").strip()


def findings(repo: Repo, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    code = main(["check", "--format", "json", *args, str(repo.data)])
    found = json.loads(capsys.readouterr().out)
    assert code == 0
    return [f for f in found if f["rule"] == "revised-since-cited"]


def test_kb_check_warns_until_the_briefing_is_reviewed_or_waived(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-03-10")
    clone = Repo.clone(repo, tmp_path / "clone")
    (found,) = findings(clone, capsys)
    assert found["severity"] == "warning" and str(found["path"]).endswith("briefings/harbour-security.md")
    assert found["line"] == 10 and "figure 'northland-defence-spending-2026', revised on 2026-02-03" in str(
        found["message"]
    )
    assert "value 3 -> 3.5" in str(found["message"])
    # reviewed the day before the revision: still warned; on its day: read (a revision that day is not after)
    clone.edit("briefings/harbour-security.md", "status: published", 'status: published\nreviewed: "2026-02-02"')
    assert len(findings(clone, capsys)) == 1
    clone.edit("briefings/harbour-security.md", 'reviewed: "2026-02-02"', 'reviewed: "2026-02-03"')
    assert findings(clone, capsys) == []
    clone.edit("briefings/harbour-security.md", 'reviewed: "2026-02-03"\n', "")
    clone.edit(
        "briefings/harbour-security.md",
        "status: published",
        'status: published\nwaivers:\n  - {rule: revised-since-cited, reason: "raised, but the point stands", '
        'expires: "2026-06-30"}',
    )
    assert findings(clone, capsys) == []


def test_outside_git_nothing_is_revised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(FIXTURES / "site", tmp_path / "data")
    assert main(["check", "--format", "json", str(tmp_path / "data")]) == 0
    assert "revised-since-cited" not in capsys.readouterr().out


def test_a_pull_request_is_told_of_the_revisions_it_makes_only(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo.root)
    before = sha_of(repo, "2026-01-10T09:00:00Z")
    after = sha_of(repo, "2026-02-03T10:30:00Z")
    assert len(findings(repo, capsys, "--changed-since", before)) == 1  # the change revised the figure
    assert findings(repo, capsys, "--changed-since", after) == []  # revised before the change: not its doing
