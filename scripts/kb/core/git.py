"""The few git questions kb asks: where the checkout is, what a revision is, what changed since
it, what a folder held at it, and the log of a folder. Used by `kb check --changed-since`, `kb diff`
and the history of the facts (kb.core.history)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
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
    contents = blobs(root, [oid for oid, _ in entries])
    base = PurePosixPath(prefix) if prefix not in ("", ".") else None
    for blob, name in entries:
        rel = PurePosixPath(name).relative_to(base) if base else PurePosixPath(name)
        target = dest.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(contents[blob])
    return len(entries)


def blobs(root: Path, oids: Iterable[str]) -> dict[str, bytes]:
    """The contents of the blobs `oids`, read by one `git cat-file --batch` (not one process per file);
    a blob the repository lacks (beyond a shallow clone's edge) is left out."""
    wanted = list(dict.fromkeys(oids))
    if not wanted:
        return {}
    batch = _git(["cat-file", "--batch"], root, input="".join(f"{oid}\n" for oid in wanted).encode())
    out, pos, found = batch.stdout, 0, {}
    for oid in wanted:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        if len(header) != 3:  # "<oid> missing"
            pos = header_end + 1
            continue
        size = int(header[2])
        found[oid] = out[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
    return found


@dataclass(frozen=True)
class Checkout:
    """A git working tree: its top folder, and the commits at the edge of a shallow clone (none when the
    clone holds the whole history)."""

    root: Path
    shallow: frozenset[str]


def checkout(start: Path) -> Checkout:
    """The checkout holding `start`; GitError when there is none (or no git)."""
    root = toplevel(start)
    done = _git(["rev-parse", "--is-shallow-repository", "--git-path", "shallow"], root)
    answer = done.stdout.decode().split("\n")
    edge: frozenset[str] = frozenset()
    if done.returncode == 0 and answer[0] == "true":
        listed = root / answer[1]
        edge = frozenset(listed.read_text("ascii").split()) if listed.is_file() else frozenset()
    return Checkout(root, edge)


@dataclass(frozen=True, slots=True)
class Touched:
    """One file a commit changed, as `git log --raw` gives it: the status letter (A, M, D, R, C, T), the
    blob after the commit (None when deleted), the path before (renames and copies) and after."""

    status: str
    blob: str | None
    path: str
    old_path: str | None = None


@dataclass(frozen=True, slots=True)
class LogCommit:
    sha: str
    time: int  # the committer date, seconds since 1970 (UTC): when the change landed
    touched: tuple[Touched, ...]


_NO_BLOB = "0" * 40
LOG_FORMAT = "%x01%H %ct"
"""A commit's line of `log`: a mark no path starts with, its id and its committer date."""


def log(root: Path, prefix: str, rev: str = "HEAD") -> list[LogCommit]:
    """Every commit of `rev`'s first-parent line that changed a file under `prefix`, oldest first, with
    the files it changed (renames detected), read in one `git log`. First parent: a merged branch is
    one change, dated when it landed. No external diff, text conversion or signature check runs.
    An unborn branch has no commits; an unknown revision is a GitError."""
    done = _git(
        [
            "log",
            "--first-parent",
            "--reverse",
            "--raw",
            "-z",
            "-M",
            "--no-abbrev",
            "--no-ext-diff",
            "--no-textconv",
            "--no-show-signature",
            f"--format={LOG_FORMAT}",
            "--end-of-options",
            rev,
            "--",
            prefix or ".",
        ],
        root,
    )
    if done.returncode != 0:
        if _git(["rev-parse", "--verify", "--quiet", "HEAD"], root).returncode != 0 and rev == "HEAD":
            return []  # no commit yet
        raise GitError(f"cannot read the history of {prefix or '.'}: {done.stderr.decode().strip()}")
    commits: list[LogCommit] = []
    fields = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    sha, time, touched = "", 0, list[Touched]()
    i = 0
    while i < len(fields):
        field = fields[i].lstrip("\n")
        i += 1
        if field.startswith("\x01"):
            if sha:
                commits.append(LogCommit(sha, time, tuple(touched)))
            sha, _, stamp = field[1:].partition(" ")
            time, touched = int(stamp), []
        elif field.startswith(":"):
            meta = field[1:].split()
            new_mode, new_blob, status = meta[1], meta[3], meta[4]
            two = status[0] in "RC"
            old_path = fields[i] if two else None
            path = fields[i + 1] if two else fields[i]
            i += 2 if two else 1
            # a symbolic link or a submodule is no fact file: read as if it held nothing
            blob = new_blob if new_blob != _NO_BLOB and new_mode.startswith("100") else None
            touched.append(Touched(status[0], blob, path, old_path))
    if sha:
        commits.append(LogCommit(sha, time, tuple(touched)))
    return commits
