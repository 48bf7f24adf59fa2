"""Pull-request mode: only what the change is responsible for, judged on the whole index."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, VALID
from kb.check.run import check
from kb.cli import main

SAMPLE = FIXTURES / "site"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "data")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", "-A")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base")
    return tmp_path


def commit(repo: Path, message: str) -> None:
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", message)


def test_deleting_an_actor_surfaces_every_dangling_reference(repo, capsys, monkeypatch):
    data = repo / "data"
    # The most-cited actor, so that many untouched files reference it.
    kb = check(data).kb
    victim = max(kb.actors, key=lambda a: len({r.origin.doc.path for r in kb.cited_by[a]}))
    referrers = {r.origin.doc.path for r in kb.cited_by[victim] if r.origin.id != victim}
    assert len(referrers) >= 2
    (data / "actors" / f"{victim}.yaml").unlink()
    commit(repo, f"delete {victim}")

    monkeypatch.chdir(repo)
    assert main(["check", "--format", "json", "--changed-since", "HEAD~1", "data"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert {f["rule"] for f in found} == {"ref-missing"}
    assert {(repo / f["path"]).resolve() for f in found} == {p.resolve() for p in referrers}
    assert all(victim in f["message"] for f in found)


def test_old_findings_in_untouched_files_are_not_reported(repo, capsys, monkeypatch):
    data = repo / "data"
    some = sorted((data / "sources").glob("*.yaml"))[0]
    some.write_text(some.read_text() + "reliability: Z\n")  # an existing error, committed
    commit(repo, "existing problem")
    event = sorted((data / "events").glob("*.yaml"))[0]
    event.write_text(event.read_text().replace("summary:", "sumary:", 1))  # uncommitted change
    monkeypatch.chdir(repo)
    assert main(["check", "--format", "json", "--changed-since", "HEAD", "data"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert {Path(f["path"]).name for f in found} == {event.name}
    assert main(["check", "data"]) == 1  # the full check still sees both


def test_unknown_revision_is_a_usage_error(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    assert main(["check", "--changed-since", "no-such-rev", "data"]) == 2
    assert "unknown revision 'no-such-rev'" in capsys.readouterr().err


def test_outside_a_checkout_is_a_usage_error(tmp_path, capsys):
    shutil.copytree(VALID, tmp_path / "data")
    assert main(["check", "--changed-since", "HEAD", str(tmp_path / "data")]) == 2
    assert "not inside a git checkout" in capsys.readouterr().err
