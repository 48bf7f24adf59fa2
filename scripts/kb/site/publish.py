"""Publish: MkDocs turns the rendered docs tree into the site, its page work spread over the cores.

`mkdocs build` converts and templates every page in turn on one core, and that is nine tenths of
building a large knowledge base. This module runs MkDocs's own build (mkdocs.commands.build of
MkDocs 1.6, the last 1.x release, pinned) step by step in MkDocs's order, but hands the work of each
page (`_populate_page`: its Markdown; `_build_page`: the theme template, search indexing, writing
the file) to worker processes forked once everything a page reads is in place: the files, the
navigation, and the navigation's own pages (the theme shows their titles and metadata on every
page). Workers send back what MkDocs's later steps need, in page order: the search entries, the
anchors each page has and links to, and their log records, which are replayed here so that strict
mode counts them and they print in MkDocs's order.

The site is the same bytes as `mkdocs build` makes (tests/test_publish.py compares every file), but
for the Content-Security-Policy meta tag kb.site.csp puts into every HTML page, on either path.
With one core, a small site, no `fork`, or plugins other than Material's search (whose state this
module knows how to gather), it is `mkdocs build` itself.

    python -m kb.site.publish --config-file mkdocs.yml --site-dir site [--strict] [--jobs N]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mkdocs import utils
from mkdocs.commands import build as mkbuild
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page

from kb.core.cores import cpus, fork_pool, forkable
from kb.site import csp

log = logging.getLogger("mkdocs.commands.build")

# Plugins whose per-page state is gathered back from the workers (or that keep none: kb's CSP). Any
# other plugin might keep state across pages that a worker's copy would lose: then the build runs in
# one process.
PARALLEL_PLUGINS = {"material/search", csp.PLUGIN_NAME}
# Below this many pages per worker, forking costs more than it saves.
MIN_PAGES_PER_JOB = 40

Record = tuple[str, int, str]  # logger name, level, message


class _Capture(logging.Handler):
    def __init__(self, into: list[Record]) -> None:
        super().__init__(logging.DEBUG)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append((record.name, record.levelno, record.getMessage()))


@contextlib.contextmanager
def captured(into: list[Record]) -> Iterator[None]:
    """Log records of MkDocs's loggers go to `into` instead of their handlers, to be replayed later."""
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


def replay(records: list[Record]) -> None:
    for name, level, message in records:
        logging.getLogger(name).log(level, message)


# What `_populate_page` leaves on a Page that the later steps read: sent back from the workers.
_POPULATED = ("markdown", "meta", "content", "toc", "_title_from_render", "present_anchor_ids")


@dataclass
class _Done:
    """What a worker did for one page: its state or search entries, and the log records it made."""

    index: int
    state: dict[str, Any]
    log: list[Record]


@dataclass
class _Chunk:
    """What a worker did for a set of pages, up to the error that stopped it."""

    pages: list[_Done] = field(default_factory=list)
    error: tuple[int, bool, str] | None = None  # (page index, was a BuildError, message)


@dataclass
class _Site:
    """What the workers read: set before forking, inherited by them, never sent over a pipe."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    doc_files: list[File]
    env: Any = None
    search: Any = None


_SITE: _Site | None = None


def _populate(indexes: list[int]) -> _Chunk:
    """In a worker: read and convert the pages at `indexes`; send back their state."""

    def populate(page: Page) -> dict[str, Any]:
        mkbuild._populate_page(page, _SITE.config, _SITE.files)
        state = {name: getattr(page, name) for name in _POPULATED}
        # Links to anchors are keyed by File: sent by path, matched to the parent's Files.
        state["links_to_anchors"] = {to.src_uri: links for to, links in (page.links_to_anchors or {}).items()}
        return state

    return _each(indexes, populate)


def _build_pages(indexes: list[int]) -> _Chunk:
    """In a worker: template and write the pages at `indexes`; send back their search entries."""
    entries = _SITE.search.search_index.entries

    def build_page(page: Page) -> dict[str, Any]:
        del entries[:]
        mkbuild._build_page(
            page, _SITE.config, _SITE.doc_files, _SITE.nav, _SITE.env, excluded=page.file.inclusion.is_excluded()
        )
        return {"search": list(entries)}

    return _each(indexes, build_page)


def _each(indexes: list[int], work: Callable[[Page], dict[str, Any]]) -> _Chunk:
    chunk = _Chunk()
    for i in indexes:
        log: list[Record] = []
        try:
            with captured(log):
                chunk.pages.append(_Done(i, work(_SITE.doc_files[i].page), log))
        except Exception as exc:  # reported by the parent, after the log records that led to it
            chunk.pages.append(_Done(i, {}, log))
            chunk.error = (i, isinstance(exc, BuildError), f"{type(exc).__name__}: {exc}")
            break
    return chunk


def parallel_safe(config: MkDocsConfig) -> bool:
    return set(config.plugins) <= PARALLEL_PLUGINS and forkable()


def build(config: MkDocsConfig, jobs: int | None = None) -> None:
    """`mkdocs build` of `config` (load it with `strict=True` for strict mode) on `jobs` processes
    (default: every core), each HTML page given its Content-Security-Policy (kb.site.csp). Raises
    mkdocs.exceptions.Abort as MkDocs does."""
    csp.install(config)
    jobs = cpus() if jobs is None else jobs
    if jobs <= 1 or not parallel_safe(config):
        mkbuild.build(config)
        return
    logger = logging.getLogger("mkdocs")
    warnings = utils.CountHandler()
    warnings.setLevel(logging.WARNING)
    if config.strict:
        logger.addHandler(warnings)
    try:
        _build(config, jobs)
        if counts := warnings.get_counts():
            raise Abort("Aborted with " + ", ".join(f"{v} {k.lower()}s" for k, v in counts) + " in strict mode!")
    except Exception as exc:
        config.plugins.on_build_error(error=exc)
        if isinstance(exc, BuildError):
            log.error(str(exc))
            raise Abort("Aborted with a BuildError!") from exc
        raise
    finally:
        logger.removeHandler(warnings)


def _in_parallel(work: Callable[[list[int]], _Chunk], count: int, jobs: int) -> list[_Done]:
    """`work` over the `count` pages on `jobs` forked processes (each reading `_SITE` as it was at the
    fork); the pages' results in page order, their log records replayed and the first error raised,
    in MkDocs's order."""
    done: list[_Done] = []
    errors = []
    if jobs == 1:
        chunks = [work(list(range(count)))]
    else:
        gc.freeze()  # objects made before the fork stay shared: the collector does not touch their pages
        try:
            with fork_pool(jobs) as pool:
                chunks = list(pool.imap_unordered(work, _shares(count, jobs)))
        finally:
            gc.unfreeze()
    for chunk in chunks:
        done += chunk.pages
        if chunk.error is not None:
            errors.append(chunk.error)
    done.sort(key=lambda d: d.index)
    for page in done:
        replay(page.log)
    if errors:
        _, was_build_error, message = min(errors)
        raise BuildError(message) if was_build_error else Abort(f"Aborted: {message}")
    return done


def _shares(count: int, jobs: int) -> list[list[int]]:
    """The pages in sets of about equal work (by source size), the largest first, so that no process
    is left converting a long index page alone at the end."""
    sizes = [os.path.getsize(_SITE.doc_files[i].abs_src_path) for i in range(count)]
    budget = max(sum(sizes) // (jobs * 32), 1)
    shares: list[list[int]] = []
    current: list[int] = []
    total = 0
    for i in sorted(range(count), key=lambda i: -sizes[i]):
        current.append(i)
        total += sizes[i]
        if total >= budget or len(current) >= 64:
            shares.append(current)
            current, total = [], 0
    return shares + [current] if current else shares


def _build(config: MkDocsConfig, jobs: int) -> None:
    """mkdocs.commands.build.build's steps for a clean build, the page steps on `jobs` processes."""
    global _SITE  # noqa: PLW0603 - the fork channel, until the publisher is reworked
    started = time.monotonic()
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    log.info("Cleaning site directory")
    utils.clean_directory(config.site_dir)
    log.info(f"Building documentation to directory: {config.site_dir}")

    files = get_files(config)
    env = config.theme.get_env()
    files.add_files_from_theme(env, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)

    doc_files = list(files.documentation_pages(inclusion=InclusionLevel.is_included))
    for file in doc_files:
        if file.page is None and file.inclusion.is_not_in_nav():
            Page(None, file, config)
    jobs = max(1, min(jobs, len(doc_files) // MIN_PAGES_PER_JOB))
    log.info(f"Building {len(doc_files)} pages on {jobs} process{'es' if jobs > 1 else ''}")
    _SITE = site = _Site(config, files, nav, doc_files)
    try:
        # Every page read first (every page shows the navigation's titles and metadata)...
        for done in _in_parallel(_populate, len(doc_files), jobs):
            page, state = doc_files[done.index].page, done.state
            links = state.pop("links_to_anchors")
            page.links_to_anchors = {files.get_file_from_path(uri): anchors for uri, anchors in links.items()}
            for name, value in state.items():
                setattr(page, name, value)

        site.env = env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files(inclusion=InclusionLevel.is_included)
        for template in config.theme.static_templates:
            mkbuild._build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            mkbuild._build_extra_template(template, files, config, nav)

        # ...then built; the search index is gathered in page order, as MkDocs would have made it.
        site.search = search = config.plugins["material/search"]
        search.search_index.entries = [
            entry for done in _in_parallel(_build_pages, len(doc_files), jobs) for entry in done.state["search"]
        ]
    finally:
        _SITE = None
    for file in doc_files:
        file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
    config.plugins.on_post_build(config=config)
    log.info(f"Documentation built in {time.monotonic() - started:.2f} seconds")


def main(argv: list[str] | None = None) -> int:
    """The `mkdocs build` command line, parallel: exit 0 built, 1 aborted."""
    p = argparse.ArgumentParser(prog="python -m kb.site.publish", description=__doc__.split("\n\n")[0])
    p.add_argument("-f", "--config-file", default="mkdocs.yml")
    p.add_argument("-d", "--site-dir", default=None)
    p.add_argument("-s", "--strict", action="store_true")
    p.add_argument("-j", "--jobs", type=int, default=None, help="processes (default: every core)")
    args = p.parse_args(argv)
    # As mkdocs's command line sets up its logging (without colours: the output is read by kb build).
    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    stream = logging.StreamHandler()
    stream.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    logger.addHandler(stream)
    mkbuild.log.addFilter(utils.DuplicateFilter())
    try:
        config = load_config(config_file=args.config_file, site_dir=args.site_dir, strict=args.strict or None)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config, args.jobs)
        finally:
            config.plugins.on_shutdown()
    except Abort as exc:
        print(f"\n{exc}")  # where mkdocs prints it
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
