"""`kb build`: check, render the docs tree, then MkDocs's strict build (kb.site.publish: `mkdocs build
--strict` on every core) into a fresh directory that replaces site/ only when the build succeeded.
The rules run beside the rendering on another core; pages are written only when the check passed.

Same input, same bytes: pages carry no build time, everything is sorted, and SOURCE_DATE_EPOCH
(the reproducible-builds convention MkDocs honours for sitemap.xml's lastmod and the mtime in
sitemap.xml.gz) is set from the newest date in the data unless the caller set it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
import signal
import sys
import threading
import time
from calendar import timegm
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import yaml

from kb.check.report import write_text
from kb.check.run import CheckResult, read, rule_findings
from kb.core import history
from kb.core.cores import cpus, die_with_parent, forkable, forked_pool
from kb.core.files import ENVIRONMENT_ERRNOS, environment_hint
from kb.core.findings import Finding
from kb.core.model import KnowledgeBase
from kb.site import offline, publish, search
from kb.site.doclinks import check_docs, collision_findings
from kb.site.publish import Record, captured
from kb.site.render.cite import Site
from kb.site.render.relations import relations
from kb.site.render.site import RenderResult, pages, write_site


@dataclass(frozen=True)
class Project:
    """Where things are, as mkdocs.yml says (paths relative to the config file)."""

    config: Path
    docs_dir: Path
    site_dir: Path
    site: Site = field(default_factory=Site)  # its name and address, for the citations on its pages

    @classmethod
    def locate(cls, config: Path, data_dir: Path, site_dir: Path | None = None) -> Project:
        """The project of `config`; FileNotFoundError naming what is missing."""
        if not config.is_file():
            raise FileNotFoundError(f"no such MkDocs config: {config}")
        if not data_dir.is_dir():
            raise FileNotFoundError(f"no such data directory: {data_dir}")
        return cls.from_config(config, site_dir)

    @classmethod
    def from_config(cls, config: Path, site_dir: Path | None = None) -> Project:
        settings = yaml.safe_load(config.read_text("utf-8")) or {}
        root = config.parent
        if isinstance(settings.get("INHERIT"), str):  # MkDocs's INHERIT: the parent's keys, ours over them
            parent = config.parent / settings["INHERIT"]
            settings = (yaml.safe_load(parent.read_text("utf-8")) or {}) | settings
        site = Site(
            str(settings.get("site_name") or Site.name),
            settings.get("site_url") or None,
            settings.get("repo_url") or None,
        )
        return cls(
            config, root / settings.get("docs_dir", "docs"), site_dir or root / settings.get("site_dir", "site"), site
        )

    @property
    def zip_path(self) -> Path:
        """The offline edition's zip: beside the site directory, named after it (site-offline.zip)."""
        return self.site_dir.with_name(self.site_dir.name + ".zip")

    def check_site_dir(self, data_dir: Path) -> None:
        """Refuse (BuildError, usage) a site directory whose replacement by the new site would destroy
        something else: the data, the docs, the project itself or a folder holding any of them, a folder
        inside the data or the docs, a file, or a folder holding files but no site. Compared as real
        paths, so no link or `..` gets round it."""
        site = self.site_dir.resolve()
        for name, place, may_hold_site in (
            ("the data directory", data_dir, False),
            ("the docs directory", self.docs_dir, False),
            ("the project directory", self.config.parent, True),
        ):
            real = place.resolve()
            why = (
                "it is " + name
                if site == real
                else f"it holds {name} ({place})"
                if real.is_relative_to(site)
                else f"it is inside {name} ({place})"
                if site.is_relative_to(real) and not may_hold_site
                else ""
            )
            if why:
                break
        else:
            if self.site_dir.exists() and not self.site_dir.is_dir():
                why = "it is a file, not a folder"
            elif (
                self.site_dir.is_dir() and any(self.site_dir.iterdir()) and not (self.site_dir / "index.html").is_file()
            ):
                why = "it holds files but no index.html, so it is no site that kb built"
            else:
                return
        raise BuildError(
            f"refusing to build into the site directory {self.site_dir}: {why}, and the build replaces "
            "that folder with the new site",
            "build into a folder of its own: the default site/ beside "
            "mkdocs.yml (`site_dir` there), or --site-dir with a new folder",
            usage=True,
        )


class BuildError(Exception):
    """The build stopped; the message says why (`hint`: what to do), and site/ was left as it was.
    `usage`: the command asked for something it must not do; nothing was done."""

    def __init__(self, message: str, hint: str = "", *, usage: bool = False) -> None:
        super().__init__(message)
        self.hint = hint
        self.usage = usage


def cannot_write(exc: OSError, default: Path | str) -> BuildError:
    """An OSError from writing (a full disk, a read-only folder), said as what the environment lacks."""
    return BuildError(f"cannot write {exc.filename or default}: {exc.strerror or exc}", environment_hint(exc.errno))


class Interrupted(BaseException):
    """kb build was told to stop (SIGTERM, SIGINT, SIGHUP). Raised where it was, so that every cleanup
    runs (the MkDocs process, the temporary site); a BaseException, so no error handler swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _Stop:
    """The signal handler of `stoppable`; `deferred` holds a signal back while it is set."""

    def __init__(self) -> None:
        self.deferred = False
        self.pending: int | None = None

    def __call__(self, signum: int, frame: object) -> None:
        if self.pending is None:
            self.pending = signum
            if not self.deferred:
                self.deferred = True  # a second signal must not cut the cleanup short
                raise Interrupted(signum)


_STOP: list[_Stop] = []
_SIGNALS = [getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)]


def _signals_end_forked_workers() -> None:
    """In a process forked while a build is stoppable (a worker), a signal ends it at once, as by
    default: a Python handler runs only between bytecodes, so one arriving just before the worker
    blocks on a lock would be missed, and the worker would wait there for ever."""
    if _STOP:
        _STOP.clear()
        for signum in _SIGNALS:
            signal.signal(signum, signal.SIG_DFL)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_signals_end_forked_workers)


@contextlib.contextmanager
def stoppable() -> Iterator[None]:
    """Within: SIGTERM, SIGINT and SIGHUP raise Interrupted (in the main thread; elsewhere nothing changes)."""
    if _STOP or threading.current_thread() is not threading.main_thread():
        yield
        return
    stop = _Stop()
    before = {signum: signal.signal(signum, stop) for signum in _SIGNALS}
    _STOP.append(stop)
    try:
        yield
    finally:
        _STOP.clear()
        for signum, handler in before.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """A step that must not stop half-way (swapping the site): a signal waits until it is done."""
    if not _STOP or _STOP[0].deferred:
        yield
        return
    stop = _STOP[0]
    stop.deferred = True
    try:
        yield
    finally:
        stop.deferred = False
        if stop.pending is not None:
            stop.deferred = True
            raise Interrupted(stop.pending)


def source_date_epoch(kb: KnowledgeBase) -> int:
    """Seconds since 1970 of the newest date in the data (briefings, events, sources): stable for the same input."""
    dates = [b.date for b in kb.briefings.values()] + [e.date for e in kb.events.values() if not e.planned]
    dates += [s.published for s in kb.sources.values()] + [s.retrieved for s in kb.sources.values()]
    known = [d for d in dates if d is not None]
    if not known:
        return 0
    newest = max(known, key=lambda d: d.sort_key())
    return timegm(newest.first_day().timetuple())


def history_summary(past: history.History) -> str:
    """The history the pages show, in a line: how much of it, or why there is none."""
    if past.status == "absent":
        return f"none ({past.reason}); the pages say so"
    commits = len({c.commit for c in past.changes})
    said = f"{len(past.changes):,} changes in {commits:,} commits"
    return f"{said} (incomplete: {past.reason})" if past.status == "shallow" else said


def mkdocs_env(kb: KnowledgeBase) -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.setdefault("SOURCE_DATE_EPOCH", str(source_date_epoch(kb)))
    return env


def render(
    data_dir: Path,
    project: Project,
    out: TextIO | None = None,
    timings: dict[str, float] | None = None,
    jobs: int | None = None,
) -> tuple[KnowledgeBase, RenderResult]:
    """Check `data_dir` and write the docs tree; raise BuildError (after printing the findings) on errors.
    `timings`, when given, receives the seconds spent in "read" (loading, validating, the model),
    "render" (the rules run beside it) and "write"."""
    out = out or sys.stdout
    result, files = checked_pages(data_dir, timings, jobs, project.site)
    if files is not None:  # the links of briefings and hand-written pages, as `kb check` checks them
        result.findings = sorted(result.findings + check_docs(project.docs_dir, result.kb, files))
    if result.errors or files is None:
        write_text(result.findings, result.files, out)
        raise BuildError(f"{len(result.errors)} error(s) in {data_dir}: fix them and build again")
    try:
        rendered = write_site(result.kb, project.docs_dir, files)
    except OSError as exc:
        raise cannot_write(exc, project.docs_dir) from None
    if timings is not None:
        timings["write"] = rendered.write_seconds
    return result.kb, rendered


# The knowledge base a forked helper reads: set by the pool's initializer in the helper, never here.
_FORKED: list[KnowledgeBase] = []


def _forked_with(kb: KnowledgeBase) -> None:
    die_with_parent()
    _FORKED[:] = [kb]


def _rules_of_forked() -> list[Finding]:
    return rule_findings(_FORKED[0])


def _pages_of_forked(share: tuple[int, int], site: Site) -> dict[str, bytes]:
    return pages(_FORKED[0], share, site)


def checked_pages(
    data_dir: Path, timings: dict[str, float] | None = None, jobs: int | None = None, site: Site | None = None
) -> tuple[CheckResult, dict[str, bytes] | None]:
    """`kb check` of `data_dir`, and the pages when it found no errors. The history is read from git while
    the data is read (git works on another core). The rules and the rendering only read the model, so
    with a second core they run at once: the rules and half the pages in forked processes, the other half
    here."""
    started = time.perf_counter()
    with ThreadPoolExecutor(1, thread_name_prefix="kb-history") as beside:
        past = beside.submit(history.read, data_dir)
        result = read(data_dir)
        read_at = time.perf_counter()
        result.kb.history = past.result()
    result.kb.history.repository = site.repo_url if site is not None else None
    files = None
    if result.errors or (cpus() if jobs is None else jobs) < 2 or not forkable():
        found = rule_findings(result.kb)
    else:
        relations(result.kb)  # worked out once, before the fork, for every process
        with forked_pool(2, _forked_with, result.kb) as pool:
            rules = pool.submit(_rules_of_forked)
            other_half = pool.submit(_pages_of_forked, (1, 2), site or Site())
            files = dict(sorted((pages(result.kb, (0, 2), site) | other_half.result()).items()))
            found = rules.result()
    result.findings.extend(found + collision_findings(result.kb))
    result.findings.sort()
    if not result.errors and files is None:
        files = pages(result.kb, site=site)
    if timings is not None:
        # the history's own time, though it ran beside the read
        timings.update(read=read_at - started, history=result.kb.history.seconds, render=time.perf_counter() - read_at)
    return result, None if result.errors else files


VENDOR = Path(".kb-cache") / "vendor"
"""Where, beside the config, packages fetched for a build (the offline edition's shim) are kept."""

# A folder beside site/ for the next site, or the previous one while it is removed, is named after
# the process that made it: a later build removes those whose process is gone, and only those (a
# build running at the same time keeps its own).
_BESIDE_SITE = re.compile(r"\.(?P<site>.+)-(?:new|old)-(?P<pid>[0-9]+)-[0-9a-f]+\Z")


def _beside(site: Path, what: str) -> Path:
    return site.with_name(f".{site.name}-{what}-{os.getpid()}-{secrets.token_hex(4)}")


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # no harmless way to ask: keep the folder
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's
    return True


def remove_stale(site: Path) -> list[Path]:
    """Remove the `.site-new-*` and `.site-old-*` folders beside `site` that builds which are gone
    left behind (killed outright, or the power went); return them."""
    removed = []
    with contextlib.suppress(FileNotFoundError), os.scandir(site.parent) as entries:
        for entry in entries:
            match = _BESIDE_SITE.match(entry.name)
            if (
                match
                and match["site"] == site.name
                and entry.is_dir(follow_symlinks=False)
                and not _alive(int(match["pid"]))
            ):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
    return removed


def _failure(exc: BaseException, records: list[Record], tmp: Path, site: Path) -> BuildError:
    """Why the MkDocs build failed: what the environment lacks (a full disk...), else its warnings and errors."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, OSError) or isinstance(cause, OSError):
        error = exc if isinstance(exc, OSError) else cause
        assert isinstance(error, OSError)
        if error.errno in ENVIRONMENT_ERRNOS:
            where = str(error.filename or site).replace(str(tmp), str(site), 1)
            return BuildError(f"cannot write {where}: {error.strerror}", environment_hint(error.errno))
    lines = [f"{logging.getLevelName(level)} -  {message}" for _, level, message in records if level >= logging.WARNING]
    detail = "\n".join([*lines[-30:], str(exc)])
    return BuildError(f"mkdocs build --strict failed:\n{detail}")


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """`values` in os.environ while MkDocs builds (it reads SOURCE_DATE_EPOCH there), as they were after."""
    before = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@dataclass(frozen=True)
class Published:
    search_seconds: float  # the time Pagefind's index took
    offline: bool  # the offline edition (kb.site.offline): the site is to be zipped


def mkdocs_build(project: Project, env: dict[str, str], jobs: int | None = None) -> Published:
    """MkDocs's strict build (kb.site.publish, on `jobs` processes) into a new directory beside site/, and
    its search index (kb.site.search), then swap it in. Whatever happens (a failure, a full disk, a
    signal), site/ is the old site or the new one and the new directory is gone. For the offline edition
    (kb.site.offline), the iframe-worker shim is fetched from npm first (once: kept in .kb-cache/)."""
    site = project.site_dir
    tmp = None
    records: list[Record] = []
    try:
        try:
            site.parent.mkdir(parents=True, exist_ok=True)
            remove_stale(site)
            tmp = _beside(site, "new")
            tmp.mkdir()  # as any folder: the umask sets its mode (a web server may need to read it)
        except OSError as exc:
            raise BuildError(
                f"cannot write the new site beside {site}: {exc.strerror}", environment_hint(exc.errno)
            ) from None
        with _environment(env), captured(records):
            config = publish.load(project.config, tmp, strict=True)
            is_offline = offline.enabled(config)
            if is_offline:
                try:
                    offline.install(config, offline.vendored_shim(project.config.parent / VENDOR))
                except offline.OfflineError as exc:
                    raise BuildError(str(exc), exc.hint) from None
            try:
                publish.build(config, jobs)
            except Exception as exc:  # MkDocs's Abort, a page's error, a full disk: said, not dumped
                raise _failure(exc, records, tmp, site) from None
            finally:
                config.plugins.on_shutdown()
        indexed = time.perf_counter()
        if search.uses_pagefind(config):
            try:
                search.index_site(tmp)
            except Exception as exc:  # the binary missing or failing: said, not dumped
                raise BuildError(
                    f"the search index (Pagefind) could not be written: {exc}",
                    "pip install -e . installs Pagefind (pagefind[extended]); or build with Material's search "
                    "plugin (plugins: [search] in the config), as the offline edition does",
                ) from None
        search_seconds = time.perf_counter() - indexed
        try:
            swap(tmp, site)
        except OSError as exc:
            raise BuildError(
                f"cannot put the new site in place of {site}: {exc.strerror}", environment_hint(exc.errno)
            ) from None
    finally:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return Published(search_seconds, is_offline)


def swap(new: Path, site: Path) -> None:
    """Put the finished `new` tree at `site`; the old one is removed only after the new one is in
    place. A signal waits until both renames are done; if the second fails, the old site goes back."""
    old = None
    with uninterrupted():
        if os.path.lexists(site):
            old = _beside(site, "old")
            os.replace(site, old)
        try:
            os.replace(new, site)
        except BaseException:
            if old is not None:
                os.replace(old, site)
            raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(data_dir: Path, project: Project, out: TextIO | None = None, jobs: int | None = None) -> None:
    """Check, render and publish on `jobs` processes (default: every core); raise BuildError with the
    reason when anything fails."""
    out = out or sys.stdout
    project.check_site_dir(data_dir)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    kb, rendered = render(data_dir, project, out, timings, jobs)
    out.write(f"kb build: history: {history_summary(kb.history)}\n")
    out.write(f"kb build: docs: {rendered.summary()}\n")
    mkdocs_started = time.perf_counter()
    env = mkdocs_env(kb)
    published = mkdocs_build(project, env, jobs)
    timings["mkdocs"] = time.perf_counter() - mkdocs_started - published.search_seconds
    timings["search"] = published.search_seconds
    pages = sum(1 for _ in project.site_dir.rglob("*.html"))
    out.write(f"kb build: {project.site_dir} updated: {pages} pages in {time.perf_counter() - started:.1f} s\n")
    if published.offline:
        zipped = time.perf_counter()
        target = project.zip_path
        try:
            size = offline.zip_site(project.site_dir, target, int(env["SOURCE_DATE_EPOCH"]))
        except OSError as exc:
            raise cannot_write(exc, target) from None
        timings["zip"] = time.perf_counter() - zipped
        out.write(f"kb build: {target} written: {size / 1e6:.1f} MB (unzip anywhere, open index.html)\n")
    out.write("kb build: time: " + ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in timings.items()) + "\n")
