"""kb.site.csp: every built page carries one Content-Security-Policy, before any script, allowing exactly the
theme's inline scripts on it by hash; a script that reaches a page through its content gets none.
(The browser's side of it: tests/test_csp_browser.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, build_ungated, make_project
from csp_audit import Page, audit, directives, sha256_source
from kb.site.build import Project
from kb.site.csp import CSPError, InlineScript, meta_tag, policy, read_head, secure, source_hash


def test_every_page_of_the_site_carries_its_policy(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 20 and built_site / "404.html" in pages
    for page in pages:
        assert audit(page.read_text(encoding="utf-8")) == [], page.relative_to(built_site)
    # The theme's first script names the page's depth (__md_scope), so the policies differ by depth.
    policies = {
        Page((built_site / path).read_text()).policies[0]
        for path in ("index.html", "events/index.html", "figures/northland/defence-spending-share-of-gdp.html")
    }
    assert len(policies) == 3


def test_the_policy_of_a_briefing(built_site: Path) -> None:
    page = Page((built_site / "briefings" / "eastern-pressure.html").read_text())
    found = directives(page.policies[0])
    hashes = found["script-src"][2:]
    assert len(page.scripts) == len(hashes) == 3 and hashes == sorted(hashes)
    assert found == {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'", *hashes],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }


def test_the_policy_is_made_in_one_place_sorted_and_without_repeats() -> None:
    assert policy() == (
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
        "worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
    )
    assert "; script-src 'self' 'wasm-unsafe-eval' 'sha256-a' 'sha256-b'; " in policy(
        ["'sha256-b'", "'sha256-a'", "'sha256-b'"]
    )
    assert (
        meta_tag("a 'b' \"c\" & d")
        == '<meta http-equiv="Content-Security-Policy" content="a \'b\' &quot;c&quot; &amp; d">'
    )


def test_hashes_are_the_browsers() -> None:
    # The hash Chromium printed when it refused this very script.
    assert source_hash("window.__inline=1") == "'sha256-tD0NpC9CfY8Cz5r+jLCT+ut6q0PiUglIdbjzTFyig+w='"
    assert source_hash("window.__inline=1") == sha256_source("window.__inline=1")
    # The HTML parser turns CR LF and CR into LF before the browser hashes the text.
    assert source_hash("a()\r\nb()\rc()") == sha256_source("a()\nb()\nc()")


PAGE = """<!doctype html>
<html>
  <head>
    <meta charset="utf-8">
    <title>A page</title>
    <script>theme(1)</script>
  </head>
  <body>
    <p>Text <script>injected()</script></p>
    <script id="__config" type="application/json">{"base": "."}</script>
    <script>theme(2)</script>
    <script src="assets/kb.js"></script>
  </body>
</html>
"""


def test_the_policy_follows_meta_charset_and_allows_only_the_themes_scripts() -> None:
    theme = read_head("<script>theme(1)</script>\n<script>theme(2)</script>\n<script>theme(3)</script>").scripts
    assert theme == [
        InlineScript("", "theme(1)", "<script>theme(1)</script>"),
        InlineScript("", "theme(2)", "<script>theme(2)</script>"),
        InlineScript("", "theme(3)", "<script>theme(3)</script>"),
    ]
    secured = secure(PAGE, theme)
    tag = meta_tag(policy([sha256_source("theme(1)"), sha256_source("theme(2)")]))  # theme(3) is not on the page
    assert secured == PAGE.replace('<meta charset="utf-8">\n', f'<meta charset="utf-8">\n    {tag}\n')
    assert audit(secured) == ["inline script not allowed: 'injected()'"]
    assert secure(PAGE, theme) == secured
    # A theme script counts by its whole element: its code in an element the theme did not write (here
    # the page's plain <script>, against a module) earns nothing.
    module = InlineScript("module", "injected()", '<script type="module">injected()</script>')
    assert sha256_source("injected()") not in secure(PAGE, [module])


@pytest.mark.parametrize(
    "page, reason",
    [
        ("<html><head><title>t</title></head><body></body></html>", "no <meta charset>"),
        ("<html><head><script>x()</script><meta charset='utf-8'></head></html>", "comes before <meta charset>"),
        (
            "<html><head><meta charset='utf-8'><meta http-equiv='content-security-policy' content='default-src *'></head>",
            "already has",
        ),
        ("<html><head></head><body><meta charset='utf-8'></body></html>", "no <meta charset>"),
    ],
)
def test_a_page_the_policy_cannot_protect_is_refused(page: str, reason: str) -> None:
    with pytest.raises(CSPError, match=reason):
        secure(page, [])


def test_hostile_text_and_a_script_in_a_hand_written_page_earn_no_hash(tmp_path: Path) -> None:
    # Built past the checker's gate (it refuses some of these shapes): the policy must hold without it.
    # Hand-written pages are Markdown with raw HTML allowed; whatever gets into content is not the theme's.
    config, data = make_project(tmp_path, FIXTURES / "hostile")
    with (config.parent / "docs" / "about.md").open("a", encoding="utf-8") as fh:
        fh.write('\n<script>window.__fromContent=1</script>\n\n<p><img src="x" onerror="window.__pwned=1"></p>\n')
    project = Project.locate(config, data)
    build_ungated(data, project)
    pages = sorted(project.site_dir.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        found = audit(page.read_text(encoding="utf-8"))
        if page.name == "about.html":
            assert found == [
                "refused by the policy: <img onerror=>",
                "inline script not allowed: 'window.__fromContent=1'",
            ]
        else:
            assert found == [], page.relative_to(project.site_dir)
