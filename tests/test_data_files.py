"""Only regular files under data/ are read: a symbolic link (to a file or a folder, dangling or
not), a fifo or a socket is a `file-type` finding, and nothing it points at is ever opened."""

from __future__ import annotations

import io
import os
import socket
from pathlib import Path

import pytest

from conftest import Tree
from kb.check.report import WRITERS
from kb.check.rules import RULES
from kb.core.loader import LoadError, load
from kb.site.render import reference

SECRET = "Tallinn-vault-code-4711"


def outside(tmp_path: Path) -> tuple[Path, Path]:
    """A fact file and a folder of fact files outside the data directory, both holding the secret."""
    secret = tmp_path / "outside" / "secret.yaml"
    secret.parent.mkdir()
    secret.write_text(
        f'id: secret-event\ntitle: {SECRET}\ndate: "2024"\nkind: exercise\n'
        f'summary: {SECRET}\nsources:\n  - {{source: {SECRET}, locator: "p"}}\n'
    )
    folder = tmp_path / "outside" / "folder"
    folder.mkdir()
    (folder / "hidden.yaml").write_text(f"id: {SECRET}\n")
    return secret, folder


def test_links_and_special_files_under_data_are_findings_and_never_read(tree: Tree, tmp_path: Path) -> None:
    secret, folder = outside(tmp_path)
    data = tree.root
    (data / "events" / "linked.yaml").symlink_to(secret)
    (data / "events" / "folder-link").symlink_to(folder, target_is_directory=True)
    (data / "actors" / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (data / "notes-link.md").symlink_to(secret)  # not even a fact file name
    os.mkfifo(data / "places" / "pipe.yaml")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(data / "sources" / "socket.yaml"))
        result = tree.check()
    found = {
        (str(Path(f.path).relative_to(data)), f.line, f.col, f.severity)
        for f in result.findings
        if f.rule == "file-type"
    }
    assert found == {
        (p, 1, 1, "error")
        for p in (
            "events/linked.yaml",
            "events/folder-link",
            "actors/dangling.yaml",
            "notes-link.md",
            "places/pipe.yaml",
            "sources/socket.yaml",
        )
    }
    assert all(f.hint for f in result.findings if f.rule == "file-type")
    assert "secret-event" not in result.kb.events and not result.kb.broken & {"secret-event", SECRET}
    for writer in ("text", "json", "github"):
        out = io.StringIO()
        WRITERS[writer](result.findings, result.files, out)
        assert SECRET not in out.getvalue(), f"{writer} output shows what a link points at"


def test_a_linked_data_directory_is_not_followed(tmp_path: Path) -> None:
    secret, folder = outside(tmp_path)
    (folder / "events").mkdir()
    secret.rename(folder / "events" / "secret.yaml")
    (tmp_path / "data").symlink_to(folder, target_is_directory=True)
    result = Tree(tmp_path / "data").check()
    assert [(f.rule, f.path) for f in result.findings] == [("file-type", str(tmp_path / "data"))]
    assert not result.kb.events


def test_the_loader_opens_no_final_link(tmp_path: Path) -> None:
    # O_NOFOLLOW: a link swapped in after the folder was listed is refused by the open itself.
    secret, _ = outside(tmp_path)
    link = tmp_path / "link.yaml"
    link.symlink_to(secret)
    with pytest.raises(LoadError) as info:
        load(link)
    assert info.value.finding.rule == "file-type" and SECRET not in str(info.value.finding)


def test_file_type_is_on_the_checks_page() -> None:
    assert RULES["file-type"].severity == "error" and RULES["file-type"].check is None
    assert "`file-type`" in reference.checks_page()
