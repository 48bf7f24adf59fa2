"""The few git questions kb asks: where the checkout is, what a revision is, what changed since
it, and what a folder held at it. Used by `kb check --changed-since` and `kb diff`."""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath


class GitError(Exception):
    """git is missing, the directory is not a checkout, or the revision is unknown."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def _git(args: list[str], cwd: Path, *, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)", "install git: kb reads old revisions with it") from None


def toplevel(start: Path) -> Path:
    """The top of the git working tree holding `start`."""
    probe = start if start.is_dir() else start.parent
    while not probe.is_dir():
        probe = probe.parent
    done = _git(["rev-parse", "--show-toplevel"], probe)
    if done.returncode != 0:
        raise GitError(
            f"'{start}' is not inside a git checkout",
            "run kb in a clone of the knowledge base, or point it at a data directory inside one",
        )
    return Path(done.stdout.decode().strip()).resolve()


def verify(root: Path, rev: str) -> str:
    """The commit id `rev` names; GitError 'unknown revision' otherwise."""
    if not rev or rev.startswith("-"):
        raise GitError(f"unknown revision '{rev}'", "give a branch, tag or commit, e.g. main")
    done = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], root)
    if done.returncode != 0:
        raise GitError(
            f"unknown revision '{rev}'",
            "give a branch, tag or commit that exists here (git log --oneline shows them; "
            "in CI, fetch the base branch first: actions/checkout with fetch-depth: 0)",
        )
    return done.stdout.decode().strip()


def changed_since(root: Path, rev: str) -> set[Path]:
    """Absolute paths changed between `rev` and the working tree, untracked files included."""
    commit = verify(root, rev)
    diff = _git(["diff", "--name-only", "-z", commit, "--"], root).stdout
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root).stdout
    return {(root / name).resolve() for name in (diff + untracked).decode().split("\0") if name}


def export_tree(root: Path, commit: str, prefix: str, dest: Path) -> int:
    """Write the files under `prefix` at `commit` into `dest` (as `dest`/<path below prefix>).

    Regular files only: symbolic links and submodules are skipped, so nothing is written
    outside `dest`. Returns the number of files written (0 when `prefix` did not exist).
    """
    dest.mkdir(parents=True, exist_ok=True)
    listing = _git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix or "."], root)
    if listing.returncode != 0:  # pragma: no cover - the commit was verified
        raise GitError(f"cannot list {prefix} at {commit}: {listing.stderr.decode().strip()}")
    entries = []
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_name = record.partition(b"\t")
        mode, kind, oid = meta.split()
        if kind == b"blob" and mode != b"120000":
            entries.append((oid.decode(), raw_name.decode("utf-8", "surrogateescape")))
    if not entries:
        return 0
    batch = _git(["cat-file", "--batch"], root, input=b"".join(oid.encode() + b"\n" for oid, _ in entries))
    out, pos = batch.stdout, 0
    base = PurePosixPath(prefix) if prefix not in ("", ".") else None
    for _oid, name in entries:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        content = out[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
        rel = PurePosixPath(name).relative_to(base) if base else PurePosixPath(name)
        target = dest.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return len(entries)
