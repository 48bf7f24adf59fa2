"""The offline edition (kb.site.offline, `make offline`): tests/fixtures/site built with mkdocs-offline.yml
into site-offline.zip, unzipped into a folder of the test's (a name with a space: "anywhere") and read in
Chromium from file://: search, links, a chart, under the page's Content-Security-Policy, with no
violation, console error or request that leaves the disk. Two builds give the same bytes.

The iframe-worker shim comes from npm as the build fetches it (once per test session); locally these
tests skip without npm or its registry, in CI (CI=true) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from conftest import FIXTURES, ROOT, make_project, missing
from kb.site import offline
from kb.site.build import VENDOR, Project, build

KB = Path(sys.executable).with_name("kb")
# Every violation and error the page reports, in any of its frames (the shim's worker frame too).
WATCH = """document.addEventListener("securitypolicyviolation", e => window.__kbViolation(
    {directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, page: location.href}));"""


@pytest.fixture(scope="session")
def shim_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The vendored shim, fetched from npm once for the session (as `kb build` fetches it)."""
    cache = tmp_path_factory.mktemp("vendor")
    try:
        offline.vendored_shim(cache)
    except offline.OfflineError as exc:
        missing(f"the iframe-worker shim from npm ({exc})")
    return cache


def offline_project(where: Path, cache: Path) -> tuple[Path, Path]:
    _, data = make_project(where, FIXTURES / "site")
    shutil.copy(ROOT / "mkdocs-offline.yml", where / "mkdocs-offline.yml")
    shutil.copytree(cache, where / VENDOR)
    return where / "mkdocs-offline.yml", data


@pytest.fixture(scope="module")
def zipped(shim_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """site-offline.zip of the fixture, made as a reader's maintainer makes it: `kb build --offline`."""
    where = tmp_path_factory.mktemp("offline")
    _, data = offline_project(where, shim_cache)
    run = subprocess.run(
        [str(KB), "build", "--offline", str(data.relative_to(where))],
        cwd=where,
        capture_output=True,
        text=True,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "site-offline.zip written" in run.stdout
    return where / "site-offline.zip"


@pytest.fixture(scope="module")
def unzipped(zipped: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    into = tmp_path_factory.mktemp("reader") / "My Documents"
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(into)
    return into / "site-offline"


def test_two_builds_give_the_same_zip(zipped: Path, shim_cache: Path, tmp_path: Path) -> None:
    config, data = offline_project(tmp_path / "elsewhere", shim_cache)
    project = Project.locate(config, data)
    with open(os.devnull, "w") as quiet:
        build(data, project, out=quiet, jobs=1)
    assert project.zip_path == tmp_path / "elsewhere" / "site-offline.zip"
    assert project.zip_path.read_bytes() == zipped.read_bytes()
    with zipfile.ZipFile(zipped) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert all(name.startswith("site-offline/") for name in names)
        assert len({info.date_time for info in archive.infolist()}) == 1
        assert "site-offline/assets/iframe-worker/shim.js" in names
        assert "site-offline/search/search_index.js" in names
        assert not any(name.startswith("site-offline/pagefind/") for name in names)  # Material's search only


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []  # what the browser fetches to show the page
        self.links: list[str] = []  # where a reader can go

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"script", "img", "iframe", "source"} and values.get("src"):
            self.loads.append(values["src"] or "")
        if tag == "link" and values.get("href") and values.get("rel") not in {"canonical", "alternate"}:
            self.loads.append(values["href"] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")


def test_every_page_loads_only_its_own_files_and_every_link_within_it_resolves(unzipped: Path) -> None:
    pages = sorted(unzipped.rglob("*.html"))
    assert len(pages) > 30
    broken, remote = [], []
    for page in pages:
        if page.name == "404.html":
            continue  # its links are from the site's root, where a host serves it for any missing page
        refs = _References()
        refs.feed(page.read_text("utf-8"))
        for url in refs.loads + refs.links:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                if url in refs.loads:
                    remote.append(f"{page.relative_to(unzipped)}: {url}")
                continue  # a source's own address, for the reader to follow online
            if not parts.path:
                continue  # an anchor on the page
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file() or not target.is_relative_to(unzipped.resolve()):
                broken.append(f"{page.relative_to(unzipped)}: {url}")
    assert remote == []
    assert broken == []


class Reader:
    """A browser tab on the unzipped edition, recording violations, errors and any request off the disk."""

    def __init__(self, browser: Any, root: Path) -> None:
        self.root = root.as_uri()
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.violations: list[dict[str, str]] = []
        self.errors: list[str] = []
        self.off_disk: list[str] = []
        self.page.expose_function("__kbViolation", lambda violation: self.violations.append(violation))  # noqa: PLW0108
        self.page.add_init_script(WATCH)
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        # A request cut short by the next navigation (the favicon, say) is aborted, not missing.
        self.page.on(
            "requestfailed",
            lambda req: (
                None
                if req.failure == "net::ERR_ABORTED"
                else self.errors.append(f"request failed: {req.url} ({req.failure})")
            ),
        )
        self.page.on(
            "request",
            lambda req: None if req.url.startswith(("file:", "data:", "about:")) else self.off_disk.append(req.url),
        )

    def open(self, path: str) -> None:
        self.page.goto(f"{self.root}/{path}")

    def search(self, text: str) -> list[str]:
        """Type `text` into Material's search; the pages of the results (paths in the site), once they show."""
        field = self.page.locator(".md-search__input")
        field.click()
        field.press_sequentially(text, delay=20)
        self.page.wait_for_function(
            "t => document.querySelector('.md-search__input').value === t"
            " && document.querySelector('.md-search-result__item')",
            arg=text,
            timeout=15000,
        )
        self.page.wait_for_timeout(200)  # the last keystroke's answer replaces an earlier one's
        links = self.page.locator(".md-search-result__item > a")
        hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
        return [urlsplit(h).path.removeprefix(urlsplit(self.root).path + "/") for h in hrefs]


@pytest.fixture
def reader(browser: Any, unzipped: Path) -> Iterator[Reader]:
    r = Reader(browser, unzipped)
    yield r
    r.context.close()


def heading(page: Any) -> str:
    return str(page.locator("article h1").inner_text()).replace("¶", "").strip()


def test_the_unzipped_edition_reads_searches_and_links_from_file(reader: Reader) -> None:
    page = reader.page
    reader.open("index.html")
    assert page.evaluate("() => window.Worker === window.IFrameWorker")  # the shim stands in for the worker

    # Search: an actor by its name, its own page first; the result leads there.
    found = reader.search("Eastland")
    assert found[0] == "actors/eastland.html", found
    assert "briefings/eastern-pressure.html" in found[1:4], found
    page.locator(".md-search-result__item > a").first.click()
    page.wait_for_url("**/actors/eastland.html*")
    assert heading(page) == "Eastland"

    # From a page one folder down (the worker's URL is relative to the page): by alias, and by id.
    reader.open("actors/index.html")
    assert reader.search("Eastern Republic")[0] == "actors/eastland.html"
    reader.open("events/index.html")
    assert reader.search("border-exercise-2023")[0] == "events/border-exercise-2023.html"

    # Links: a briefing's link to a fact, and the navigation back to an index.
    reader.open("briefings/eastern-pressure.html")
    page.locator("article a[href='../events/border-exercise-2023.html']").first.click()
    page.wait_for_url("**/events/border-exercise-2023.html")
    page.locator(".md-nav__link", has_text="Actors").first.click()
    page.wait_for_url("**/actors/index.html")

    # A chart: the actor's link chart is drawn.
    reader.open("actors/northland.html")
    chart = page.locator("svg.kb-linkchart")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    assert chart.locator("a[href='eastland.html'] text").text_content() == "Eastland"

    assert reader.violations == []
    assert reader.errors == []
    assert reader.off_disk == []


def test_without_npm_the_build_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    with pytest.raises(offline.OfflineError) as caught:
        offline.vendored_shim(tmp_path / "cache")
    assert "npm" in str(caught.value)
    assert "install Node.js and npm" in caught.value.hint


def test_the_frame_script_is_the_shims_text_for_the_pages_worker(shim_cache: Path) -> None:
    shim = next(shim_cache.rglob("shim.js")).read_text("utf-8")
    text = offline.frame_script(shim, "../assets/javascripts/workers/search.js")
    assert text.startswith('postMessage=function c(s,n){parent.postMessage(s,n||"*")};importScripts=function d(')
    assert 'filename:"../assets/javascripts/workers/search.js"' in text
    assert "${" not in text
