"""The `kb` command as users run it: exit codes and the three output formats."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import VALID
from kb.check.report import annotation, write_text
from kb.cli import main
from kb.core.findings import Finding


def kb(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the installed console script, as CI and editors do."""
    exe = Path(sys.executable).with_name("kb")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env={**os.environ, **(env or {})})


def test_clean_tree_exits_0():
    r = kb("check", str(VALID))
    assert r.returncode == 0, r.stdout
    assert r.stdout.strip() == "0 errors, 0 warnings in 12 files"


def test_dangling_reference_exits_1_with_file_line_and_hint(tree):
    tree.edit("events/harbour-cable-cut-2024.yaml", "{actor: northland,", "{actor: nortland,")
    r = kb("check", str(tree.root))
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines[0] == (
        f"{tree.root}/events/harbour-cable-cut-2024.yaml:7:13: error [ref-missing] "
        "'actors[0].actor' names actor 'nortland', which does not exist"
    )
    assert lines[1] == "    hint: did you mean 'northland'?"
    assert lines[-1] == "1 error, 0 warnings in 12 files"


def test_warnings_pass_unless_strict(tree):
    tree.write("sources/unused.yaml", "id: unused\ntitle: Unused\ntype: report\n")
    assert main(["check", str(tree.root)]) == 0
    assert main(["check", "--strict", str(tree.root)]) == 1


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nowhere")]) == 2
    assert "no such data directory" in capsys.readouterr().err
    assert main(["check", "--format", "xml"]) == 2
    assert main([]) == 2


def test_json_lists_every_field(tree):
    tree.edit("events/harbour-cable-cut-2024.yaml", "{actor: northland,", "{actor: nortland,")
    r = kb("check", "--format", "json", str(tree.root))
    assert r.returncode == 1
    [item] = json.loads(r.stdout)
    assert item == {
        "path": f"{tree.root}/events/harbour-cable-cut-2024.yaml",
        "line": 7,
        "col": 13,
        "severity": "error",
        "rule": "ref-missing",
        "message": "'actors[0].actor' names actor 'nortland', which does not exist",
        "hint": "did you mean 'northland'?",
    }


def test_github_annotations_are_escaped():
    f = Finding("data/a,b:c%.yaml", 3, 5, "error", "ref-missing", "100% wrong\r\nsecond line", "fix: this, now")
    # The data's line breaks shown as in the text format; the one between message and hint is GitHub's %0A.
    assert annotation(f) == (
        "::error file=data/a%2Cb%3Ac%25.yaml,line=3,col=5,title=ref-missing::"
        "100%25 wrong\\r\\nsecond line%0Afix: this, now"
    )


def test_github_format_caps_annotations_and_writes_the_summary(tree, tmp_path):
    for i in range(12):
        tree.write(f"events/bad-{i}.yaml", f"id: bad-{i}\n")
    tree.write("events/bad-0.yaml", "id: bad-0\n'a|b': 1\n")  # a '|' in a message
    summary = tmp_path / "summary.md"
    r = kb("check", "--format", "github", str(tree.root), env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert r.returncode == 1
    out = r.stdout.splitlines()
    assert sum(line.startswith("::error ") for line in out) == 10
    assert "more errors not annotated" in r.stdout
    table = summary.read_text()
    assert table.startswith("### kb check: ")
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) == 49  # 12 events x 4 missing fields + 1 unknown field: all, not only the first 10
    assert all(len(re.findall(r"(?<!\\)\|", row)) == 6 for row in rows), "a '|' in data must not break the table"


def test_internal_error_is_one_line_not_a_traceback(monkeypatch, capsys, tree):
    def boom(*_):
        raise RuntimeError("simulated")

    monkeypatch.setattr("kb.check.run.check", boom)
    assert main(["check", str(tree.root)]) == 2
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: simulated" in err and "Traceback" not in err


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_every_format_runs_on_the_clean_tree(fmt):
    assert main(["check", "--format", fmt, str(VALID)]) == 0


def test_data_cannot_write_lines_of_its_own(tree, tmp_path):
    # A key with a newline would print a GitHub workflow command on a line of its own; a value
    # with "##[" starts a legacy one anywhere in a line; ESC colours a terminal.
    tree.edit(
        "events/harbour-cable-cut-2024.yaml", "title:", '"x\\n::error file=README.md::owned\\u2028\\e[31m": 1\ntitle:'
    )
    tree.edit("actors/northland.yaml", "kind: state", 'kind: "##[add-mask]state"')
    summary = tmp_path / "summary.md"
    for fmt in ("text", "github"):
        r = kb("check", "--format", fmt, str(tree.root), env={"GITHUB_STEP_SUMMARY": str(summary)})
        assert r.returncode == 1, r.stderr
        assert not [
            line
            for line in r.stdout.splitlines()
            if line.lstrip().startswith("::") and not line.startswith(("::error file=", "::warning file="))
        ], r.stdout
        assert "##[" not in r.stdout and "\x1b" not in r.stdout and "\u2028" not in r.stdout
    r = kb("check", str(tree.root))
    assert "unknown field 'x\\n::error file=README.md::owned\\u2028\\u001b[31m'" in r.stdout
    assert "'kind' has '#\\u0023[add-mask]state'" in r.stdout
    assert "##[" not in summary.read_text() and "owned\\u2028" in summary.read_text()
    r = kb("check", "--format", "json", str(tree.root))
    assert "\u2028" not in r.stdout and "##[" not in r.stdout
    messages = [f["message"] for f in json.loads(r.stdout)]  # JSON carries the data exactly
    assert "unknown field 'x\n::error file=README.md::owned\u2028\x1b[31m'" in messages
    assert "'kind' has '##[add-mask]state', which is not one of the allowed values" in messages


def test_a_path_never_starts_a_workflow_command():
    f = Finding("::error file=a::b.yaml", 1, 2, "error", "yaml-syntax", "m\r\nn", "h\u0085i")
    buf = io.StringIO()
    write_text([f], 1, buf)
    assert buf.getvalue().splitlines()[:2] == [
        "./::error file=a::b.yaml:1:2: error [yaml-syntax] m\\r\\nn",
        "    hint: h\\u0085i",
    ]


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_a_file_name_that_is_not_utf8_is_a_finding_not_a_crash(tree, fmt):
    with open(os.fsencode(tree.root / "events") + b"/\xff.yaml", "wb") as fh:
        fh.write(b"id: x\n")
    r = kb("check", "--format", fmt, str(tree.root), env={"PYTHONIOENCODING": "utf-8"})
    assert r.returncode == 1 and r.stderr == "", r.stderr
    where = f"{tree.root}/events/\\xff.yaml"
    if fmt == "json":
        [item] = json.loads(r.stdout)
        assert (item["path"], item["rule"]) == (where, "file-name")
    elif fmt == "github":
        assert r.stdout.startswith(f"::error file={where.replace(':', '%3A')},line=1,col=1,title=file-name::")
    else:
        assert r.stdout.startswith(f"{where}:1:1: error [file-name] the file name '\\xff.yaml' is not UTF-8\n")


def test_what_the_system_refuses_is_said_as_such_not_as_a_bug(monkeypatch, capsys, tree, tmp_path):
    def full(*_):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/var/out/report.json")

    monkeypatch.setattr("kb.check.run.check", full)
    assert main(["check", str(tree.root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kb check: No space left on device: /var/out/report.json\n    hint: ")
    assert "bug" not in err and "Traceback" not in err
    monkeypatch.undo()

    (tmp_path / "a-file").write_text("")  # the cache cannot go under a file
    r = kb("check", "--external", "--cache", str(tmp_path / "a-file" / "urls.json"), str(tree.root))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith(f"kb check: File exists: {tmp_path / 'a-file'}\n    hint: "), r.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_under_stdout_is_said_as_such():
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # the error comes at the last flush
    with open("/dev/full", "w") as full:
        r = subprocess.run(
            [str(Path(sys.executable).with_name("kb")), "check", str(VALID)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
    assert r.returncode == 2
    assert r.stderr.startswith("kb check: No space left on device\n    hint: "), r.stderr
