"""The site's search: Pagefind's static index, chunked so that a reader loads only what a query needs.

`kb build` writes it into the new site after MkDocs has built it (`index_site`), unless the configuration
uses Material's own search plugin instead (the offline edition does: Pagefind's index cannot be read from
file://). The live preview keeps one Pagefind index in a long-lived service (`Service`): an edit adds its
changed pages again and the bundle is rewritten, off the preview's path (README, "Search").

What is indexed: the article of every page, less the sections marked `data-search-exclude` (the templates
mark lists of links back, citations and index tables: kb/site/render/templates/_macros.md.j2) and the
permalinks of headings. The names a page is found by and its filters (fact type, year) come from the
front matter, printed by overrides/partials/kb-search-facets.html.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import shutil
import threading
from collections.abc import Coroutine, Iterable
from pathlib import Path
from typing import Any, TypeVar

from mkdocs.config.defaults import MkDocsConfig

BUNDLE = "pagefind"
"""The folder of the index in the site (site/pagefind/), which assets/kb-search.js loads from."""
ROOT_SELECTOR = "article.md-content__inner"
"""The page's own content in Material's (and Zensical's) layout: no navigation, header or footer."""
EXCLUDE_SELECTORS = ("[data-search-exclude]", ".headerlink")

T = TypeVar("T")


def uses_pagefind(config: MkDocsConfig) -> bool:
    """Whether the site's search is Pagefind's: when Material's search plugin is not enabled."""
    plugin = config.plugins.get("material/search")
    return plugin is None or not plugin.config.enabled


def _config(output: Path) -> Any:
    from pagefind.index import IndexConfig

    return IndexConfig(
        root_selector=ROOT_SELECTOR,
        exclude_selectors=list(EXCLUDE_SELECTORS),
        keep_index_url=True,  # links end in .html: the site is opened from files too
        output_path=str(output),
        force_language="en",
    )


def index_site(site_dir: Path) -> None:
    """Index every page of the built site into site_dir/pagefind/ (replacing what was there)."""
    from pagefind.index import PagefindIndex

    output = site_dir / BUNDLE

    async def run() -> None:
        async with PagefindIndex(config=_config(output)) as index:
            await index.add_directory(path=str(site_dir), glob="**/*.html")
            shutil.rmtree(output, ignore_errors=True)
            await index.write_files()

    _run(run())


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to its end from synchronous code, also where an event loop is running already
    (Playwright's, in the tests): then on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Service:
    """A Pagefind index kept in memory for the live preview: the whole site once, then each edit's pages
    added again under their URLs (Pagefind replaces a page added twice) and the bundle written again.
    Pagefind cannot drop a page, so an edit that removes pages indexes the site afresh.

    Its own event loop runs on a thread of its own, so that the preview's thread only hands work over."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="kb-pagefind", daemon=True)
        self.thread.start()
        self.index: Any = None
        self.turn = asyncio.Lock()  # one job at a time, in the order given
        self.pending: concurrent.futures.Future[None] | None = self._call(self._fresh())

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        async def in_turn() -> T:
            async with self.turn:
                return await coroutine

        return asyncio.run_coroutine_threadsafe(in_turn(), self.loop)

    async def _fresh(self) -> None:
        from pagefind.index import PagefindIndex

        if self.index is not None:
            await self.index.__aexit__(None, None, None)
        self.index = await PagefindIndex(config=_config(self.site_dir / BUNDLE)).__aenter__()
        await self.index.add_directory(path=str(self.site_dir), glob="**/*.html")
        await self.index.write_files()

    async def _update(self, pages: list[str]) -> None:
        for uri in pages:
            path = self.site_dir / uri
            with contextlib.suppress(FileNotFoundError):
                await self.index.add_html_file(content=path.read_text("utf-8"), url="/" + uri)
        await self.index.write_files()

    def update(self, changed: Iterable[str], removed: Iterable[str] = ()) -> concurrent.futures.Future[None]:
        """Index the built pages at `changed` (paths in the site: `actors/russia.html`) again, or the whole
        site when any were `removed`; returns at once (the future ends when the bundle is written).
        Updates run one after the other, in the order given."""
        changed = [uri for uri in changed if uri.endswith(".html")]
        whole = any(uri.endswith(".html") for uri in removed)
        self.pending = self._call(self._fresh() if whole else self._update(changed))
        return self.pending

    def rebuild(self) -> concurrent.futures.Future[None]:
        """Index the whole site afresh (after a full build)."""
        self.pending = self._call(self._fresh())
        return self.pending

    def wait(self, timeout: float | None = None) -> None:
        """Until the last update is written."""
        if self.pending is not None:
            self.pending.result(timeout)

    def close(self) -> None:
        async def stop() -> None:
            if self.index is not None:
                await self.index.__aexit__(None, None, None)

        with contextlib.suppress(Exception):
            self._call(stop()).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
