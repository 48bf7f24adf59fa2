"""The few git questions kb asks: what changed since a revision, and that revision's data tree."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path


class GitError(Exception):
    """git is missing, the directory is not a checkout, or the revision is unknown."""


def _git(cwd: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip().splitlines()[-1] if done.stderr else "git failed")
    return done.stdout


def toplevel(path: Path) -> Path:
    try:
        return Path(_git(path, "rev-parse", "--show-toplevel").decode().strip())
    except GitError:
        raise GitError(f"{path} is not inside a git checkout") from None


def verify(top: Path, rev: str) -> str:
    """The commit id of `rev`; GitError('unknown revision') if there is none."""
    try:
        return _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"unknown revision '{rev}'") from None


def changed_since(top: Path, rev: str) -> set[Path]:
    """Absolute paths changed between `rev` and the working tree, untracked files included."""
    diff = _git(top, "diff", "--name-only", "-z", verify(top, rev), "--")
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z")
    return {(top / name).resolve() for name in (diff + untracked).decode().split("\0") if name}


def export(top: Path, rev: str, subdir: Path, dest: Path) -> Path:
    """Write `subdir` (relative to the checkout) as it was at `rev` into `dest`; return its path there."""
    commit = verify(top, rev)
    target = dest / subdir
    target.mkdir(parents=True, exist_ok=True)
    try:
        archive = _git(top, "archive", "--format=tar", commit, "--", subdir.as_posix())
    except GitError:
        return target  # the folder did not exist at that revision: an empty tree
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return target
