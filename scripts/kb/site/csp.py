"""Content-Security-Policy: every HTML page kb.site.publish writes carries its own (DESIGN.md section 8).

A static host sends no headers, so each page states the policy in a
`<meta http-equiv="Content-Security-Policy">` placed right after `<meta charset>` (a policy from a
meta tag governs only what the parser meets after it). It allows the site's own files and, by
sha256 hash, the theme's inline scripts on that page; the browser refuses everything else inline:
an injected `<script>`, an `onerror=` handler, a `javascript:` link, a style attribute.

Which inline scripts are the theme's is decided by their text, not by where they stand or by what
the page happens to contain: Material writes them from its `partials/javascripts/` templates, whose
output depends on the page (its `base_url`: `__md_scope=new URL("..",location)`), so each page is
given the hashes of those script elements, rendered for that page, that it contains. A script that
reached a page any other way (through content, a title) gets no hash, however it is written.

The policy is made by `policy()` alone and depends only on the page (hashes sorted, deduplicated):
the same input gives the same bytes. mkdocs.yml keeps to its portable subset, without plugins of our
own: kb.site.publish adds `ContentSecurityPolicy` to the loaded configuration with `install()`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import jinja2
from mkdocs.config.base import LegacyConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

PLUGIN_NAME = "kb/csp"
# Where Material keeps the templates of its inline scripts (base, palette, content, announce, ...).
THEME_SCRIPTS = "partials/javascripts/"
# Script types that are data, never run, so need no hash: Material's <script id="__config">.
DATA_TYPES = frozenset({"application/json", "application/ld+json"})


def policy(script_hashes: Iterable[str] = ()) -> str:
    """The site's policy, given the `'sha256-...'` sources of a page's inline scripts.

    The one place the policy is made. The offline edition needs nothing more here: the script its
    worker shim writes is allowed by hash (kb.site.offline), and 'self' covers file:// in Chromium."""
    # 'wasm-unsafe-eval': Pagefind's search (kb.site.search) runs as WebAssembly, compiled from the site's
    # own pagefind/*.pagefind file; it allows compiling WebAssembly only, not eval() or new Function().
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *sorted(set(script_hashes))])
    return "; ".join(
        [
            "default-src 'self'",  # our own files only: no CDN, no web fonts, no other host
            f"script-src {scripts}",  # no 'unsafe-inline': inline handlers and javascript: URLs are inert
            "style-src 'self'",  # neither the theme nor our pages write inline styles
            "img-src 'self' data:",  # the theme's stylesheet draws its icons from data: SVG URLs
            "worker-src 'self'",  # Material's search runs in a Web Worker from assets/javascripts/
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def source_hash(script: str) -> str:
    """The CSP source `'sha256-<base64>'` of an inline script's text, as a browser hashes it: the
    UTF-8 of the text after the HTML parser's newline normalisation (CR LF and CR become LF)."""
    text = script.replace("\r\n", "\n").replace("\r", "\n")
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def meta_tag(content: str) -> str:
    # Only & and " need escaping in a double-quoted value: the policy's quotes stay readable.
    return '<meta http-equiv="Content-Security-Policy" content="{}">'.format(
        html.escape(content, quote=False).replace('"', "&quot;")
    )


class CSPError(ValueError):
    """A page the policy cannot be put into safely."""


@dataclass(frozen=True)
class InlineScript:
    type: str  # the type attribute, trimmed and lower-cased ("" when absent)
    text: str  # exactly what stands between <script ...> and </script>
    element: str  # the whole element, from <script to the > of </script>


@dataclass
class Head:
    """What the policy needs to know of a page's head (or of a template's output, read whole)."""

    after_charset: int | None = None  # offset just past the first <meta charset>
    indent: str = ""  # the whitespace before it on its line
    first_script: int | None = None  # offset of the first <script> start tag
    csp_metas: int = 0
    scripts: list[InlineScript] = field(default_factory=list)


class _Stop(Exception):
    pass


class _HeadScanner(HTMLParser):
    """html.parser up to the body (the page's content is never read here), noting offsets."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.head = Head()
        # HTMLParser gives (line, column) positions; the offsets of line starts make them indexes.
        self._line_starts = [0, *itertools.accumulate(len(line) + 1 for line in text.split("\n"))]
        self._script: tuple[str, int, int] | None = None  # an inline script: type, start, text start

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            raise _Stop
        start, head = self._offset(), self.head
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and "charset" in values and head.after_charset is None:
            head.after_charset = start + len(self.get_starttag_text() or "")
            before = self.text[self._line_starts[self.getpos()[0] - 1] : start]
            head.indent = before if not before.strip() else ""
        elif tag == "meta" and values.get("http-equiv", "").strip().lower() == "content-security-policy":
            head.csp_metas += 1
        elif tag == "script":
            if head.first_script is None:
                head.first_script = start
            if "src" not in values:
                self._script = (
                    values.get("type", "").strip().lower(),
                    start,
                    start + len(self.get_starttag_text() or ""),
                )

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            raise _Stop
        if tag == "script" and self._script is not None:
            kind, start, begin = self._script
            end = self._offset()
            close = self.text.index(">", end) + 1  # html.parser calls this only once it has read the >
            self.head.scripts.append(InlineScript(kind, self.text[begin:end], self.text[start:close]))
            self._script = None


def read_head(text: str) -> Head:
    scanner = _HeadScanner(text)
    try:
        scanner.feed(text)
        scanner.close()
    except _Stop:
        pass
    return scanner.head


def secure(text: str, theme_scripts: Iterable[InlineScript], runtime_scripts: Iterable[str] = ()) -> str:
    """The page `text` with its policy in a meta tag right after `<meta charset>`, allowing those of
    `theme_scripts` that it contains, and `runtime_scripts`: the texts of inline scripts that the page's
    own scripts write at run time (the offline edition's worker frame, kb.site.offline). Raises CSPError
    when the policy cannot come before every script, or the page has one already."""
    head = read_head(text)
    if head.csp_metas:
        raise CSPError("the page already has a Content-Security-Policy meta tag")
    if head.after_charset is None:
        raise CSPError("no <meta charset> in the head to put the Content-Security-Policy after")
    if head.first_script is not None and head.first_script < head.after_charset:
        raise CSPError("a <script> comes before <meta charset>, where the Content-Security-Policy goes")
    hashes = [
        source_hash(script.text) for script in theme_scripts if script.type not in DATA_TYPES and script.element in text
    ]
    hashes += [source_hash(script) for script in runtime_scripts]
    at = head.after_charset
    return text[:at] + "\n" + head.indent + meta_tag(policy(hashes)) + text[at:]


def script_templates(env: jinja2.Environment) -> list[jinja2.Template]:
    """The theme's templates of inline scripts (listing the theme's templates takes a while: once)."""
    names = env.list_templates(filter_func=lambda name: name.startswith(THEME_SCRIPTS))
    return [env.get_template(name) for name in names]


def theme_scripts(
    templates: Iterable[jinja2.Template], context: Mapping[str, Any], config: MkDocsConfig
) -> set[InlineScript]:
    """The inline scripts `templates` write on a page rendered with `context` (as base.html includes
    them: with its context and its `features`)."""
    values = {**context, "features": config.theme.get("features") or []}
    return {script for template in templates for script in read_head(template.render(values)).scripts}


class ContentSecurityPolicy(BasePlugin[LegacyConfig]):  # type: ignore[no-untyped-call]  # mkdocs leaves BasePlugin.__init_subclass__ unannotated
    """Puts each HTML page's policy into it, after every other plugin (it must see the final HTML).

    Keeps nothing from one page to the next (the theme's templates are found before any page is
    built, a page's context is dropped once the page is done), so kb.site.publish runs it on its workers."""

    def __init__(self) -> None:
        super().__init__()
        self._templates: list[jinja2.Template] | None = None  # the theme's script templates
        self._contexts: dict[str, Mapping[str, Any]] = {}  # the page or template being built -> its context
        # The inline scripts a page's own scripts write at run time, given its HTML (set by kb.site.offline).
        self.runtime_scripts: Callable[[str], Iterable[str]] | None = None

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        self._templates = script_templates(env)
        return env

    @event_priority(-100)
    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        self._contexts[page.file.src_uri] = context
        return context

    @event_priority(-100)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        return self._secure(output, page.file.src_uri, self._contexts.pop(page.file.src_uri, None), config)

    @event_priority(-100)
    def on_template_context(self, context: Any, /, *, template_name: str, config: MkDocsConfig) -> Any:
        self._contexts[template_name] = context
        return context

    @event_priority(-100)
    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        context = self._contexts.pop(template_name, None)
        # Theme templates: 404.html is a page; sitemap.xml is not HTML.
        if not template_name.endswith(".html") or not output_content.strip():
            return output_content
        return self._secure(output_content, template_name, context, config)

    def _secure(self, output: str, name: str, context: Mapping[str, Any] | None, config: MkDocsConfig) -> str:
        if context is None:
            raise PluginError(f"{name}: no template context to render the theme's scripts with")
        if self._templates is None:
            self._templates = script_templates(config.theme.get_env())
        try:
            runtime = self.runtime_scripts(output) if self.runtime_scripts is not None else ()
            return secure(output, theme_scripts(self._templates, context, config), runtime)
        except CSPError as exc:
            raise PluginError(f"{name}: {exc}") from exc


def install(config: MkDocsConfig) -> None:
    """Add the policy to a loaded MkDocs configuration (once)."""
    if PLUGIN_NAME not in config.plugins:
        plugin = ContentSecurityPolicy()
        plugin.load_config({})
        config.plugins[PLUGIN_NAME] = plugin
