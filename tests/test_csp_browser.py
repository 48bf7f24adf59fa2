"""The Content-Security-Policy in a real browser (the system Chromium, through Playwright; see conftest):
inline code injected into a built page does not run and is reported as a violation, while the site
itself (the theme's hashed inline scripts and bundle, Pagefind's search, our assets/kb.js) works
without a single violation or console error, over http and (as far as the theme goes there) from disk.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import http_server

# Every violation the page reports goes to the test, across navigations (bindings and init scripts are
# the browser's own injection: the policy does not apply to them).
WATCH = """document.addEventListener("securitypolicyviolation", e => window.__kbViolation(
    {directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, page: location.href}));"""
# Material fetches sitemap.xml beside every <link rel="alternate"> (the feeds' links): from disk no page
# may fetch a file, so that is refused (over http it finds kb's empty feeds/sitemap.xml).
FEED_SITEMAP = "feeds/sitemap.xml"
INJECTED = (
    '<p id="injected"><img id="pwn-img" src="no-such-image.png" onerror="window.__pwned=1" alt="">'
    "<script>window.__pwned2=1</script>"
    '<a id="pwn-link" href="javascript:window.__pwned3=1">a link</a></p>'
)
BRIEFING = "briefings/eastern-pressure.html"


class Watched:
    """A page in a fresh browser context, with its CSP violations and errors recorded."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.violations: list[dict[str, str]] = []
        self.errors: list[str] = []
        # A lambda, not the bound `self.violations.append`: Playwright sets an attribute on the callback,
        # which a built-in method refuses.
        self.page.expose_function("__kbViolation", lambda violation: self.violations.append(violation))  # noqa: PLW0108
        self.page.add_init_script(WATCH)
        self.page.on(
            "console",
            lambda msg: (
                self.errors.append(f"console: {msg.text} ({msg.location.get('url')})") if msg.type == "error" else None
            ),
        )
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

    def theme_ran(self) -> bool:
        """The theme's hashed inline script (__md_get) and its bundle (document$) both ran."""
        return self.page.evaluate("() => typeof __md_get === 'function' && typeof document$ === 'object'")


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    w = Watched(browser)
    yield w
    w.context.close()


@pytest.fixture(scope="module")
def injected_site(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built site whose briefing had inline code written into its article after the build
    (what an escaping bug would put there): the policy is the built one, unchanged."""
    site = tmp_path_factory.mktemp("injected") / "site"
    shutil.copytree(built_site, site)
    page = site / BRIEFING
    html = page.read_text(encoding="utf-8")
    article = '<article class="md-content__inner md-typeset">'
    assert html.count(article) == 1
    page.write_text(html.replace(article, article + INJECTED), encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def served(injected_site: Path) -> Iterator[str]:
    with http_server(injected_site) as url:
        yield url


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_injected_inline_code_does_not_run(watched: Watched, injected_site: Path, served: str, scheme: str) -> None:
    root = served if scheme == "http" else injected_site.as_uri()
    page = watched.page
    page.goto(f"{root}/{BRIEFING}")
    page.wait_for_function("() => document.getElementById('pwn-img').complete")
    page.locator("#pwn-link").click()
    page.wait_for_timeout(300)
    ran = page.evaluate("() => [window.__pwned, window.__pwned2, window.__pwned3]")
    assert ran == [None, None, None]
    # One report for each: the handler, the script, the javascript: URL; no resource was refused.
    directives = sorted(v["directive"] for v in watched.violations)
    assert directives == ["script-src-attr", "script-src-elem", "script-src-elem"]
    assert {v["blocked"] for v in watched.violations} == {"inline"}
    assert watched.theme_ran(), "the theme's own inline scripts and bundle still run beside the refused code"


def test_the_site_works_under_its_policy(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(f"{base_url}/index.html")
    assert watched.theme_ran()

    # Search: Pagefind's script and WebAssembly from the site ('wasm-unsafe-eval'), the results come back.
    page.locator(".kb-search__input").click()
    page.locator(".kb-search__input").press_sequentially("Eastland", delay=20)
    page.locator(".kb-search__result").first.wait_for(timeout=15000)
    page.keyboard.press("Escape")

    # A briefing: the footnote's source shows in the theme's tooltip.
    page.goto(f"{base_url}/{BRIEFING}")
    page.locator("a.footnote-ref").first.hover()
    page.locator(".md-tooltip2--active").first.wait_for(state="visible", timeout=5000)

    # The palette toggle, kept across pages by the theme's hashed inline scripts.
    page.locator("label[for=__palette_1]").click()
    assert page.evaluate("() => document.body.dataset.mdColorScheme") == "slate"
    page.reload()
    assert page.evaluate("() => document.body.dataset.mdColorScheme") == "slate"

    # Our assets/kb.js: sortable tables.
    page.goto(f"{base_url}/events/index.html")
    first_cell = page.locator(".kb-sortable tbody tr:first-child td:first-child")
    page.locator(".kb-sortable th button", has_text="Date").click()
    assert first_cell.inner_text() == "about 2023"

    page.goto(f"{base_url}/404.html")  # what a host serves for a missing page (its links are from the root)
    assert watched.theme_ran()
    assert watched.violations == []
    assert watched.errors == []


def test_the_site_works_from_disk_under_its_policy(watched: Watched, built_site: Path) -> None:
    page = watched.page
    page.goto(f"{built_site.as_uri()}/{BRIEFING}")
    assert watched.theme_ran()
    page.locator("article a[href='../events/border-exercise-2023.html']").first.click()
    page.wait_for_url("**/events/border-exercise-2023.html")
    assert watched.theme_ran()
    page.goto(f"{built_site.as_uri()}/events/index.html")
    page.locator(".kb-sortable th button", has_text="Date").click()
    assert page.locator(".kb-sortable tbody tr:first-child td:first-child").inner_text() == "about 2023"
    assert watched.violations == []
    # Without Material's search plugin the theme no longer asks for its offline index from disk; the one
    # error left is the feeds' sitemap, which no page may fetch from disk.
    assert [e for e in watched.errors if FEED_SITEMAP not in e and "ERR_FILE_NOT_FOUND" not in e] == []
