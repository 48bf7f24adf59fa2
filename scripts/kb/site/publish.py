"""Publish: MkDocs turns the rendered docs tree into the site, in this process.

MkDocs's build (mkdocs.commands.build of MkDocs 1.6.1, pinned exactly: the step functions called here
are that release's) spends nine tenths of a large build in two steps that are per page: reading a page
(converting its Markdown) and building it (the theme's template, the search entries, the file written).
`Site.build` runs MkDocs's steps in MkDocs's order and, on a site large enough to pay for it (`PARALLEL`),
hands those two steps to worker processes forked once everything a page reads is in place. What a page
gained while being read comes back by comparing its attributes before and after (no list of them is kept
here), and the search entries and log records of each page come back in page order, so strict mode counts
every warning and they print in MkDocs's order.

A `Site` keeps what it built (the files, the navigation, each page's state and search entries), so that
`kb serve` rebuilds only the pages an edit touched, and still writes the whole search index.

Any other MkDocs, or plugins whose state this module does not know, is MkDocs's own `build()`.

    python -m kb.site.publish --config-file mkdocs.yml --site-dir site [--strict] [--jobs N]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.metadata
import itertools
import logging
import os
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mkdocs
from mkdocs import utils
from mkdocs.commands import build as mkbuild
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page

from kb.core.cores import cpus, die_with_parent, forkable, forked_pool
from kb.site import csp, offline

log = logging.getLogger("mkdocs.commands.build")

MKDOCS = "1.6.1"
"""The MkDocs whose build steps `Site` drives; with any other, the build is MkDocs's own."""
MATERIAL = "9.8.2"
"""The Material whose search plugin's entries `Site` keeps per page (pinned in pyproject.toml likewise)."""
SEARCH = "material/search"
KNOWN_PLUGINS = frozenset({SEARCH, csp.PLUGIN_NAME, offline.PLUGIN, offline.PLUGIN_NAME})
"""Plugins whose state across pages this module gathers (search entries) or that keep none (the policy;
Material's offline plugin, which sets the configuration up and inlines the search index after the
build; the offline edition's shim, added to the files)."""
PARALLEL = 600
"""Pages from which the work is forked: below, forking costs more than it saves (`make bench-site`)."""

Record = tuple[str, int, str]  # logger name, level, message


def load(config_file: Path, site_dir: Path, *, strict: bool = True, policy: bool = True) -> MkDocsConfig:
    """The MkDocs configuration of `config_file`, building into `site_dir`, with the Content-Security-Policy
    added unless `policy` is False (the live preview injects a script of its own)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(config_file=str(config_file), site_dir=str(site_dir), strict=strict or None)
    config.plugins.on_startup(command="build", dirty=False)
    if policy:
        csp.install(config)
    return config


def keeps_state(config: MkDocsConfig) -> bool:
    """Whether `Site` can build this configuration: the pinned MkDocs and Material, and only plugins it knows."""
    return (
        mkdocs.__version__ == MKDOCS
        and importlib.metadata.version("mkdocs-material") == MATERIAL
        and set(config.plugins) <= KNOWN_PLUGINS
    )


# -- Log records: made by workers, replayed here in page order ------------------------------------------------


class _Capture(logging.Handler):
    def __init__(self, into: list[Record]) -> None:
        super().__init__(logging.DEBUG)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append((record.name, record.levelno, record.getMessage()))


@contextlib.contextmanager
def captured(into: list[Record]) -> Iterator[None]:
    """MkDocs's log records go to `into` instead of their handlers, to be replayed later."""
    logger = logging.getLogger("mkdocs")
    handlers = logger.handlers[:]
    for handler in handlers:
        logger.removeHandler(handler)
    capture = _Capture(into)
    logger.addHandler(capture)
    try:
        yield
    finally:
        logger.removeHandler(capture)
        for handler in handlers:
            logger.addHandler(handler)


def replay(records: Iterable[Record]) -> None:
    for name, level, message in records:
        logging.getLogger(name).log(level, message)


@contextlib.contextmanager
def strict_counts(config: MkDocsConfig) -> Iterator[None]:
    """Strict mode as MkDocs's `build()` has it: a warning anywhere aborts the build at the end."""
    counter = utils.CountHandler()
    counter.setLevel(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    if config.strict:
        logger.addHandler(counter)
    try:
        yield
        if counts := counter.get_counts():
            raise Abort("Aborted with " + ", ".join(f"{v} {k.lower()}s" for k, v in counts) + " in strict mode!")
    finally:
        logger.removeHandler(counter)


# -- A page's state, sent between processes -------------------------------------------------------------------


@dataclass(frozen=True)
class _FileRef:
    """A File in a worker's reply, by its path: the parent's own File object is put back in its place."""

    src_uri: str


def _to_wire(value: Any) -> Any:
    if isinstance(value, File):
        return _FileRef(value.src_uri)
    if isinstance(value, dict):
        return {_to_wire(k): _to_wire(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return type(value)(_to_wire(v) for v in value)
    return value


def _from_wire(value: Any, files: Files) -> Any:
    if isinstance(value, _FileRef):
        return files.get_file_from_path(value.src_uri)
    if isinstance(value, dict):
        return {_from_wire(k, files): _from_wire(v, files) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return type(value)(_from_wire(v, files) for v in value)
    return value


@dataclass
class _Done:
    """What a worker did for one page: what it sends back, and the log records it made."""

    index: int
    result: Any
    log: list[Record]


@dataclass
class _Chunk:
    pages: list[_Done] = field(default_factory=list)
    error: tuple[int, bool, str] | None = None  # (page index, was a BuildError, message): the first one


# The site a worker was forked with: set by the pool's initializer in each worker, never in this process.
_FORKED: list[Site] = []


def _forked_with(site: Site) -> None:
    die_with_parent()
    _FORKED[:] = [site]


def _in_worker(indexes: list[int], step: str) -> _Chunk:
    """In a worker: the page step `step` ("read" or "build") for the pages at `indexes`, up to an error."""
    site, chunk = _FORKED[0], _Chunk()
    for i in indexes:
        records: list[Record] = []
        try:
            with captured(records):
                page = site.pages[i]
                result = _to_wire(site.read(page)) if step == "read" else site.build_page(page)
            chunk.pages.append(_Done(i, result, records))
        except Exception as exc:  # reported by the parent, after the records that led to it
            chunk.pages.append(_Done(i, None, records))
            chunk.error = (i, isinstance(exc, BuildError), f"{type(exc).__name__}: {exc}")
            break
    return chunk


# -- The site -----------------------------------------------------------------------------------------------


@dataclass
class Site:
    """What MkDocs builds from a docs tree, kept: its files, navigation, theme environment, pages (in
    MkDocs's order) and each page's search entries."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: Any
    pages: list[Page]
    entries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # src_uri -> its search entries

    @property
    def search(self) -> Any:
        return self.config.plugins.get(SEARCH)

    @classmethod
    def build(cls, config: MkDocsConfig, jobs: int = 1, parallel_from: int = PARALLEL) -> Site:
        """Build the whole site as MkDocs's `build()` does, on `jobs` processes when it has `parallel_from`
        pages or more."""
        started = time.monotonic()
        with strict_counts(config):
            try:
                site = cls._prepare(config)
                jobs = jobs if jobs > 1 and forkable() and len(site.pages) >= parallel_from else 1
                log.info(f"Building {len(site.pages)} pages on {jobs} process{'es' if jobs > 1 else ''}")
                for done in site._each_page("read", jobs):
                    if jobs > 1:
                        site.gained(site.pages[done.index], done.result)
                site.config.plugins.on_env(site.env, config=config, files=site.files)
                site.files.copy_static_files(inclusion=InclusionLevel.is_included)
                for template in config.theme.static_templates:
                    mkbuild._build_theme_template(template, site.env, site.files, config, site.nav)
                for template in config.extra_templates:
                    mkbuild._build_extra_template(template, site.files, config, site.nav)
                for done in site._each_page("build", jobs):
                    site.entries[site.pages[done.index].file.src_uri] = done.result
                for page in site.pages:
                    page.validate_anchor_links(files=site.files, log_level=config.validation.links.anchors)
                site.write_search_index()
                config.plugins.on_post_build(config=config)
            except Exception as exc:
                config.plugins.on_build_error(error=exc)
                if isinstance(exc, BuildError):
                    log.error(str(exc))
                    raise Abort("Aborted with a BuildError!") from exc
                raise
        log.info(f"Documentation built in {time.monotonic() - started:.2f} seconds")
        return site

    @classmethod
    def _prepare(cls, config: MkDocsConfig) -> Site:
        """MkDocs's steps up to the pages: configuration events, a clean site folder, files, navigation."""
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        utils.clean_directory(config.site_dir)
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        pages = []
        for file in files.documentation_pages(inclusion=InclusionLevel.is_included):
            if file.page is None and file.inclusion.is_not_in_nav():  # type: ignore[no-untyped-call]  # untyped in mkdocs
                Page(None, file, config)
            assert file.page is not None
            pages.append(file.page)
        return cls(config, files, nav, env, pages)

    def _each_page(self, step: str, jobs: int) -> list[_Done]:
        """The page step `step` ("read" or "build") over every page: here, or on `jobs` processes forked now
        (each with this site as it is at this moment); the results in page order, with the log records
        replayed and the first error raised as MkDocs would have met them."""
        if jobs == 1:
            work = self.read if step == "read" else self.build_page
            return [_Done(i, work(page), []) for i, page in enumerate(self.pages)]
        chunks: list[_Chunk] = []
        gc.freeze()  # objects made before the fork stay shared: the collector does not touch their pages
        try:
            with forked_pool(jobs, _forked_with, self) as pool:
                chunks = list(pool.map(_in_worker, self._shares(jobs), itertools.repeat(step)))
        except BrokenProcessPool:
            raise BuildError(
                "a worker process of the build died (out of memory, or killed); "
                "build again with --jobs 1 to build in one process"
            ) from None
        finally:
            gc.unfreeze()
        done = sorted((d for c in chunks for d in c.pages), key=lambda d: d.index)
        for d in done:
            replay(d.log)
        errors = [c.error for c in chunks if c.error is not None]
        if errors:
            _, was_build_error, message = min(errors)
            raise BuildError(message) if was_build_error else Abort(f"Aborted: {message}")
        return done

    def _shares(self, jobs: int) -> list[list[int]]:
        """The pages in sets of about equal work (by source size), the largest first, so that no process is
        left converting a long index page alone at the end."""
        sizes = [os.path.getsize(p.file.abs_src_path or "") for p in self.pages]
        budget = max(sum(sizes) // (jobs * 32), 1)
        shares: list[list[int]] = []
        current: list[int] = []
        total = 0
        for i in sorted(range(len(self.pages)), key=lambda i: -sizes[i]):
            current.append(i)
            total += sizes[i]
            if total >= budget or len(current) >= 64:
                shares.append(current)
                current, total = [], 0
        return [*shares, current] if current else shares

    # -- one page -----------------------------------------------------------------------------------------------

    def read(self, page: Page) -> dict[str, Any]:
        """Read and convert `page` (MkDocs's `_populate_page`); the attributes that gained a new value."""
        before = dict(vars(page))
        mkbuild._populate_page(page, self.config, self.files)
        return {k: v for k, v in vars(page).items() if k not in before or before[k] is not v}

    def gained(self, page: Page, state: dict[str, Any]) -> None:
        """Give `page` what a worker's copy of it gained while being read."""
        for name, value in _from_wire(state, self.files).items():
            setattr(page, name, value)

    def build_page(self, page: Page) -> list[dict[str, Any]]:
        """Template and write `page` (MkDocs's `_build_page`); its search entries."""
        search = self.search
        if search is not None and search.config.enabled:
            del search.search_index.entries[:]
        mkbuild._build_page(
            page,
            self.config,
            [p.file for p in self.pages],
            self.nav,
            self.env,
            excluded=page.file.inclusion.is_excluded(),  # type: ignore[no-untyped-call]  # untyped in mkdocs
        )
        return list(search.search_index.entries) if search is not None and search.config.enabled else []

    def write_search_index(self) -> None:
        """The search index of every page, in page order."""
        search = self.search
        if search is not None and search.config.enabled:
            search.search_index.entries = [e for p in self.pages for e in self.entries.get(p.file.src_uri, [])]
            search.on_post_build(config=self.config)

    # -- an edit ------------------------------------------------------------------------------------------------

    def update(self, changed: Iterable[str], removed: Iterable[str] = ()) -> list[str]:
        """Rebuild the files at `changed` (docs paths: pages, and other files such as downloads, copied; new
        ones are added) and drop those at `removed`, then write the search index: what an edit needs, in the
        time of its own pages. Returns the pages rebuilt (every page when a page of the navigation changed
        its title, which every page shows)."""
        config = self.config
        for uri in removed:
            file = self.files.get_file_from_path(uri)
            if file is None:
                continue
            self.files.remove(file)
            self.pages = [p for p in self.pages if p.file is not file]
            self.entries.pop(uri, None)
            with contextlib.suppress(FileNotFoundError):
                os.remove(file.abs_dest_path)
        todo: list[Page] = []
        for uri in sorted(set(changed)):
            file = self.files.get_file_from_path(uri)
            if file is None:
                file = File(uri, config.docs_dir, config.site_dir, config.use_directory_urls)
                self.files.append(file)
                set_exclusions(self.files, config)
                if file.is_documentation_page():
                    page = Page(None, file, config)
                    self.pages = sorted([*self.pages, page], key=lambda p: p.file.src_uri)
            if not file.inclusion.is_included():  # type: ignore[no-untyped-call]  # untyped in mkdocs
                continue
            if file.page is None:
                file.copy_file()
            else:
                todo.append(file.page)
        in_nav = [p for p in todo if p in self.nav.pages]
        titles = [p.title for p in in_nav]
        for page in todo:
            self.read(page)
        if titles != [p.title for p in in_nav]:
            todo = list(self.pages)  # every page shows the navigation's titles
        for page in todo:
            self.entries[page.file.src_uri] = self.build_page(page)
        for page in todo:
            page.validate_anchor_links(files=self.files, log_level=config.validation.links.anchors)
        self.write_search_index()
        return [p.file.src_uri for p in todo]


def build(config: MkDocsConfig, jobs: int | None = None, parallel_from: int = PARALLEL) -> Site | None:
    """Build the site of `config` on `jobs` processes (default: every core) once it has `parallel_from`
    pages, as `mkdocs build` would; the site's state when it was kept (None when MkDocs's own `build()`
    made it: another MkDocs, or plugins it does not know). Raises Abort as MkDocs does."""
    jobs = cpus() if jobs is None else jobs
    if not keeps_state(config):
        mkbuild.build(config)
        return None
    return Site.build(config, jobs, parallel_from)


def main(argv: list[str] | None = None) -> int:
    """The `mkdocs build` command line, on every core: exit 0 built, 1 aborted."""
    p = argparse.ArgumentParser(prog="python -m kb.site.publish", description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"))
    p.add_argument("-d", "--site-dir", type=Path, default=Path("site"))
    p.add_argument("-s", "--strict", action="store_true")
    p.add_argument("-j", "--jobs", type=int, default=None, help="processes (default: every core)")
    p.add_argument(
        "--parallel-from",
        type=int,
        default=PARALLEL,
        metavar="PAGES",
        help=f"fork the page work from this many pages on (default: {PARALLEL})",
    )
    args = p.parse_args(argv)
    logger = logging.getLogger("mkdocs")  # as mkdocs's command line sets up its logging, without colours
    logger.setLevel(logging.INFO)
    logger.propagate = False
    stream = logging.StreamHandler()
    stream.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    logger.addHandler(stream)
    mkbuild.log.addFilter(utils.DuplicateFilter())
    try:
        config = load(args.config_file, args.site_dir, strict=args.strict)
        try:
            build(config, args.jobs, args.parallel_from)
        finally:
            config.plugins.on_shutdown()
    except Abort as exc:
        print(f"\n{exc}")  # where mkdocs prints it
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
