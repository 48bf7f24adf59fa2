"""Files: the data directory listed without following a link, and files written safely: atomically,
under temporary names no other writer uses, nothing left behind.

Every file kb writes in place (generated pages, formatted fact files, the schema reference, new
facts) goes through here, so two builds at once cannot trip over each other's temporary files, a
failure (a full disk, a read-only folder, Ctrl-C) leaves the old file and no temporary one, and a
new file gets the mode a plain `open` would give under the umask.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from kb.core.facttypes import BY_FOLDER, FactType
from kb.core.findings import Finding

# Environment problems, said as what the environment lacks rather than as a bug in kb.
_HINTS = {
    errno.ENOSPC: "the disk is full: free some space and run it again",
    errno.EDQUOT: "your disk quota is used up: free some space and run it again",
    errno.EROFS: "that file system is mounted read-only: make it writable, or write somewhere else",
    errno.EACCES: "you may not write there: check the folder's owner and permissions",
    errno.EPERM: "you may not write there: check the folder's owner and permissions",
    errno.ELOOP: "a symbolic link is in the way: replace it with a real folder or file",
}


ENVIRONMENT_ERRNOS = frozenset(_HINTS)
"""Errors that say what the machine lacks (space, a writable disk, permission), never a bug in kb."""


def environment_hint(number: int | None) -> str:
    """What to do about the system error `number` (an errno), met while writing a file."""
    return _HINTS.get(number or 0, "check that the folder exists and that you may write to it")


def _temporary_beside(path: Path) -> tuple[int, Path]:
    """A new, empty hidden file beside `path` (MkDocs and `kb serve` ignore dot-files), opened for
    writing, with a random name: O_EXCL makes it ours alone, never an existing file or link."""
    for _ in range(8):
        tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))


def write_atomic(
    path: Path, data: bytes, *, mode: int | None = None, durable: bool = False, exclusive: bool = False
) -> None:
    """Put `data` at `path` in one step: readers see the old file or the new one, never a part.

    `mode`: the new file's permission bits (default: what the umask gives). `durable`: flush it to
    disk before it replaces the old one (for files people wrote, not for generated ones).
    `exclusive`: fail with FileExistsError if `path` exists, even when another process creates it
    meanwhile. Any OSError names `path`, and the temporary file is gone."""
    try:
        fd, tmp = _temporary_beside(path)
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        if exclusive:
            os.link(tmp, path)  # a hard link never replaces an existing name
        else:
            os.replace(tmp, path)
    except OSError as exc:
        if exclusive and exc.errno in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP) and not path.exists():
            _create_exclusive(path, data)  # a file system without hard links
            return
        raise type(exc)(exc.errno, exc.strerror, str(path)) from None
    finally:
        tmp.unlink(missing_ok=True)


def _create_exclusive(path: Path, data: bytes) -> None:
    try:
        with open(path, "xb") as fh:
            fh.write(data)
    except FileExistsError:
        raise
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def holds(path: Path, data: bytes) -> bool:
    """Whether `path` is a regular file (not a link) holding exactly `data`."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
            return False
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return False
    with os.fdopen(fd, "rb") as fh:
        return fh.read() == data


def write_if_changed(path: Path, data: bytes, *, make_dirs: bool = False) -> bool:
    """Write `data` to `path` atomically unless it already holds exactly those bytes (so watchers
    see no change and timestamps stay); True when written. `make_dirs`: create missing folders."""
    if holds(path, data):
        return False
    if make_dirs:
        path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    return True


# -- The data directory: its files, listed without following a link ----------------------------------------

DATA_SUFFIXES = {".yaml", ".yml", ".md"}


def data_files(data_dir: Path) -> list[tuple[Path, FactType | None]]:
    """Every data file under `data_dir` with the fact type its folder implies (None: misplaced).
    Symbolic links and other special files are left out: `scan` reports them."""
    return scan(data_dir)[0]


def scan(data_dir: Path) -> tuple[list[tuple[Path, FactType | None]], list[Finding]]:
    """`data_files`, and a finding for every symbolic link (to a file or a folder, dangling or not)
    and every other file that is not a regular file or folder (a fifo, a socket, a device) under
    `data_dir`. Links are never followed, so nothing outside the data directory is ever read."""
    out: list[tuple[Path, FactType | None]] = []
    special: list[Finding] = []
    if data_dir.is_symlink():
        return out, [_not_a_file(data_dir)]
    for path in regular_files(data_dir, special):
        suffix = path.suffix
        if suffix not in DATA_SUFFIXES:
            continue
        # Right under data/<folder>/, by string: pathlib's relative_to costs more than the rest of the scan.
        folder = path.parent
        fact_type = BY_FOLDER.get(folder.name) if folder.parent == data_dir else None
        if fact_type is not None and suffix != fact_type.suffix:
            out.append((path, None))  # in a fact folder with the wrong suffix: misplaced
        elif fact_type is not None or suffix != ".md":
            out.append((path, fact_type))
        # else: notes such as data/README.md are not facts
    return out, special


def regular_files(folder: Path, special: list[Finding]) -> list[Path]:
    """The regular files under `folder`, sorted, without following links; what else is there goes into `special`."""
    files: list[Path] = []
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        special.append(
            Finding(
                str(folder),
                1,
                1,
                "error",
                "yaml-read",
                f"cannot read folder: {exc.strerror}",
                "check the folder exists and is readable",
            )
        )
        return files
    for entry in entries:
        path = Path(entry.path)
        if entry.is_symlink():
            special.append(_not_a_file(path))
        elif entry.is_dir(follow_symlinks=False):
            files += regular_files(path, special)
        elif entry.is_file(follow_symlinks=False):
            files.append(path)
        else:
            special.append(_not_a_file(path, link=False))
    return files


def _not_a_file(path: Path, link: bool = True) -> Finding:
    if link:
        return Finding(
            str(path),
            1,
            1,
            "error",
            "file-type",
            f"'{path.name}' is a symbolic link, which kb does not follow",
            "replace the link with the file itself (or the folder with its files)",
        )
    return Finding(
        str(path),
        1,
        1,
        "error",
        "file-type",
        f"'{path.name}' is not a regular file (a fifo, socket or device)",
        "remove it: data files are plain files",
    )
