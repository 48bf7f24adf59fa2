"""`kb build` trusts no file it did not write this run, and leaves nothing behind: the manifest
cannot aim it at other files, the site directory cannot replace the data, the new site is readable
as any folder is, and a signal, a full disk or a read-only folder leaves the old site and no
temporary files (and no MkDocs process), said as what the environment lacks."""

from __future__ import annotations

import contextlib
import errno
import io
import multiprocessing
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kb.build import Project, build
from kb.check import check
from kb.cli import main
from kb.render.site import MANIFEST, write_if_changed, write_site

from conftest import FIXTURES, make_project


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def project_for(where: Path, fixture: str = "site") -> tuple[Project, Path]:
    config, data = make_project(where, FIXTURES / fixture)
    return Project.locate(config, data), data


def leftovers(root: Path) -> list[str]:
    """Temporary files and folders of a build or a write under `root`."""
    return sorted(str(p) for p in root.rglob("*") if p.name.startswith(".site-") or p.name.endswith(".tmp"))


# --- writing files: temporary names of their own -------------------------------------------


def _pound(path: Path, worker: int) -> None:
    for i in range(150):
        write_if_changed(path, f"writer {worker} write {i}\n".encode() * 50)


def test_concurrent_writers_never_share_a_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "page.md"
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_pound, args=(target, w)) for w in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        if w.is_alive():
            w.kill()
    assert [w.exitcode for w in workers] == [0, 0, 0, 0], "a writer failed: another took its temporary file"
    assert target.read_text().startswith("writer ") and leftovers(tmp_path) == []
