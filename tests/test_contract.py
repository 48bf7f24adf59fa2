"""Trust the gate (issue 10): whatever `kb check` accepts, `kb build` builds, and nothing in a built
page's content area is outside one allow-list; whatever `kb check` refuses, `kb build` refuses cleanly.

Hypothesis edits the valid sample tree (tests/fixtures/valid/) as editors might, and writes every file
out for the real loader to read:

(a) text fields of facts rewritten with text of every character class: letters of many scripts, emoji,
    combining marks, right-to-left letters, every kind of space, Markdown, HTML, YAML and Jinja syntax,
    and the invisible characters the loader refuses (written into the file, or as YAML escapes);
(b) whole facts drawn from the JSON Schemas with hypothesis-jsonschema, references mostly to ids
    that exist so that they resolve;
(c) briefing bodies built from fragments: links of every kind, judgement boxes in every spelling,
    blocks of every kind, raw HTML and every hostile shape of tests/fixtures/hostile/briefings/shapes.md.

Three properties, from cheap to dear:

* `kb check` never raises; it reports every invisible character written into a file, at its line and
  column, and reads back exactly the values written (many examples, milliseconds each);
* what it accepts renders: every generated page, read as MkDocs reads it (front matter) and converted
  by Python-Markdown with mkdocs.yml's extensions, holds nothing outside the allow-list and every
  citation note its mark (many examples; briefing bodies alone, many more);
* what it accepts, `kb build` builds, strict MkDocs build included, a page for every fact, and every
  built page's <article> holds nothing outside the allow-list (nor the page anything that runs script);
  what it refuses, `kb build` refuses with the findings printed and the site and docs left as they
  were (fewer examples: a build takes a second or two).

Two gaps these tests found are pinned at the end: a fact's text taking an element id of the theme, and
`kb build` publishing briefing links `kb check` refuses.

Runs are reproducible in CI (tests/conftest.py loads a derandomized, database-free profile there);
KB_CONTRACT_SCALE=20 multiplies every number of examples for a longer hunt.
"""

from __future__ import annotations

import copy
import fnmatch
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from conftest import FIXTURES, REPO, VALID, build_ungated, make_project, tree_bytes
from kb.check.report import write_text
from kb.check.run import CheckResult, check
from kb.check.validate import is_valid
from kb.core import prose
from kb.core.facttypes import FACT_TYPES
from kb.core.loader import LoadError, load, load_front_matter
from kb.core.schema import inline_refs, schema
from kb.core.yardstick import CSS_CLASSES, SYNONYMS, YARDSTICK
from kb.site.build import BuildError, Project, build
from kb.site.doclinks import collision_findings
from kb.site.render import briefing as briefing_page
from kb.site.render.site import page_paths, pages
from test_prose import shapes

SCALE = float(os.environ.get("KB_CONTRACT_SCALE", "1"))
FOLDERS = {t.name: t.folder for t in FACT_TYPES}


def examples(n: int) -> int:
    return max(1, round(n * SCALE))


# -- The content area's allow-list: the one place that says what a page's <article> may hold ------------

SVG_ATTRIBUTES = {  # the static charts (kb.render.charts); a link chart is aria-hidden, its links out of the tab order
    "svg": {"class", "viewbox", "role", "aria-labelledby", "aria-hidden", "xmlns"},
    "title": {"id"},
    "desc": {"id"},
    "rect": {"class", "x", "y", "width", "height"},
    "line": {"class", "x1", "y1", "x2", "y2", "stroke-width"},
    "circle": {"class", "cx", "cy", "r"},
    "text": {"class", "x", "y", "text-anchor"},
}
# data-search-exclude: sections search leaves out (the templates' `unsearched` sections, the "Cite this"
# block); hidden and data-pagefind-*: the names and filters the theme prints for Pagefind
# (overrides/partials/kb-search-facets.html), values from the front matter, escaped there.
PAGE_ATTRIBUTES = {  # what the page templates, Python-Markdown's toc and footnotes, and about.md add
    **{f"h{n}": {"id", "data-search-exclude"} for n in range(1, 7)},
    # a.headerlink (toc permalinks), a.kb-fact, the footnotes' links; a link chart's links, out of the tab order
    "a": {"class", "tabindex"},
    "p": {
        "class",
        "data-search-exclude",  # the "Cite this" block (kb.site.render.cite), sections readers never search
        "hidden",
        "data-pagefind-weight",
        "data-pagefind-meta",
        "data-pagefind-ignore",
    },
    "pre": {"class", "data-search-exclude"},
    "div": {"class", "data-search-exclude"},
    # and a filter's marker, data-f-<facet> (kb.site.render.filters)
    "span": {"id", "class", "data-sort", "data-pagefind-filter"},
    "code": {"class"},
    "kbd": {"class"},
    "figure": {"class"},
    "figcaption": set(),
    "q": set(),
    **SVG_ATTRIBUTES,
}
ALLOWED: dict[str, frozenset[str]] = {
    tag: frozenset(prose.ATTRIBUTES.get(tag, set()) | PAGE_ATTRIBUTES.get(tag, set()))
    for tag in prose.TAGS | PAGE_ATTRIBUTES.keys()
}
"""Tag -> its allowed attributes: briefing bodies' allow-list (kb.prose.TAGS, ATTRIBUTES), and the
generated pages' own markup. No `on*` handler, no `style`, `script`, `iframe`, `object`, `embed`, `form`."""

CLASSES: dict[str, set[str]] = {tag: set(names) for tag, names in prose.classes(CSS_CLASSES).items()}
for _tag, _names in {
    "a": {"headerlink"},
    "div": {"kb-*"},
    "p": {"kb-*"},
    "pre": {"kb-*"},
    "span": {"keys"},
    "code": {"language-*"},
    "kbd": {"key-*"},
    "figure": {"kb-*"},
    "svg": {"kb-*"},
    "rect": {"kb-*"},
    "line": {"kb-*"},
    "circle": {"kb-*"},
    "text": {"kb-*"},
}.items():
    CLASSES.setdefault(_tag, set()).update(_names)
"""Tag -> the CSS classes it may carry (`kb-*`: the site's own stylesheet)."""

DATA_BLOCKS = {"kb-cards", "kb-filters"}
"""The JSON data blocks the build writes into a page (kb.site.render.cards, filters): `<script type="application/json">`,
which the browser never runs; any other script in the content is a violation."""

URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "srcset", "poster", "background", "cite", "data"}
WEB = ("http", "https")


def unsafe_url(value: str) -> bool:
    """A URL that is not http(s) nor relative to this site, read as a browser reads it: entities
    decoded (the parser did that), tabs and newlines removed, controls and spaces stripped at the ends."""
    url = re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(0x21))))
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", url)
    if scheme:
        return scheme[1].lower() not in WEB
    return url.replace("\\", "/").startswith("//")


class Content(HTMLParser):
    """Everything outside the allow-list in the content area (`<article>`, or the whole fragment),
    and anything that runs script anywhere on the page."""

    def __init__(self, whole: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.whole = whole
        self.depth = 0
        self.found: list[str] = []
        self.ids: list[str] = []  # of elements in the content
        self.chrome_ids: set[str] = set()  # of the theme's elements around it
        self.anchors: list[str] = []  # the content's links between a note and its marks (`#fn:...`, `#fnref...`)
        self.data: list[str] | None = None  # the text of a data block being read

    @property
    def inside(self) -> bool:
        return self.whole or self.depth > 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
            return
        for name, value in attrs:  # anywhere on the page, chrome included
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and value and unsafe_url(value):
                self.found.append(f"<{tag} {name}={value!r}>")
        if not self.inside:
            self.chrome_ids.update(value for name, value in attrs if name == "id" and value)
            return
        named = dict(attrs)
        # The build's own data, never run: held to be JSON at its end.
        if (
            tag == "script"
            and len(attrs) == 2
            and named.get("type") == "application/json"
            and named.get("id") in DATA_BLOCKS
        ):
            self.data = []
            return
        if tag not in ALLOWED:
            self.found.append(f"<{tag}> in the content")
            return
        for name, value in attrs:
            if tag == "span" and re.fullmatch(r"data-f-[a-z]+", name):
                continue
            if name not in ALLOWED[tag]:
                self.found.append(f"<{tag} {name}={value!r}> in the content")
            elif name == "class":
                for css in (value or "").split():
                    if not any(fnmatch.fnmatchcase(css, pattern) for pattern in CLASSES.get(tag, ())):
                        self.found.append(f"<{tag} class={css!r}> in the content")
            elif name == "id" and value:
                self.ids.append(value)
            elif name == "href" and value and value.startswith("#") and "footnote" in (dict(attrs).get("class") or ""):
                self.anchors.append(unquote(value[1:]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self.data is not None:
            self.data.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1
        if tag == "script" and self.data is not None:
            try:
                json.loads("".join(self.data))
            except ValueError:
                self.found.append("a data block that is not JSON")
            self.data = None

    def handle_comment(self, data: str) -> None:
        if self.inside and ("<" in data or ">" in data):
            self.found.append(f"markup in a comment: <!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        if self.inside:
            self.found.append(f"declaration <!{decl}> in the content")

    def unknown_decl(self, data: str) -> None:
        if self.inside:
            self.found.append(f"<![{data}]> in the content")

    def handle_pi(self, data: str) -> None:
        if self.inside:
            self.found.append(f"processing instruction <?{data}> in the content")


def violations(html: str, whole: bool = False) -> list[str]:
    """What `html` holds outside the allow-list: in its <article> (the theme's chrome around it is
    trusted, but may run no handler nor any URL but the web's, and shares no id with the content), or
    everywhere with `whole`."""
    parser = Content(whole)
    parser.feed(html)
    parser.close()
    # An id the theme's script looks up (Material's settings are <script id="__config">, after the article).
    taken = sorted(set(parser.ids) & parser.chrome_ids)
    return parser.found + [f"id {i!r} in the content is also an id of the theme's" for i in taken]


# -- Writing files the strict loader reads back exactly ----------------------------------------------------

INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef"
    + "".join(f"\\U{p:04x}fffe\\U{p:04x}ffff" for p in range(17))
    + "]"
)
"""What the loader refuses in a file (README: C0 and C1 controls but tab and line ends, DEL, line and
paragraph separators, bidirectional controls, noncharacters): written here from the README, not
copied from the loader, so that the two are held to each other."""

_YAML_PRINTABLE = re.compile("[\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def quoted(text: str, literal: bool = False) -> str:
    """`text` as a YAML double-quoted scalar the loader reads back as exactly `text`: quotes,
    backslashes and line ends escaped, and every character YAML cannot hold as it is (and every one the
    loader refuses) escaped, except with `literal`: then the invisible characters stand in the file as
    they are, for the loader to refuse."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\n\r":
            out.append("\\n" if ch == "\n" else "\\r")
        elif INVISIBLE.match(ch) and literal:
            out.append(ch)
        elif INVISIBLE.match(ch) or not _YAML_PRINTABLE.match(ch):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out) + '"'


def _scalar(value: Any, literal: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return quoted(value, literal)
    if value == []:
        return "[]"
    if value == {}:
        return "{}"
    raise TypeError(f"cannot write {value!r}")


def _block(value: Any, indent: int, literal: bool) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:")
                lines += _block(item, indent + 2, literal)
            else:
                lines.append(f"{pad}{key}: {_scalar(item, literal)}")
    else:
        for item in value:
            if isinstance(item, (dict, list)) and item:
                inner = _block(item, indent + 2, literal)
                lines.append(f"{pad}- {inner[0][indent + 2 :]}")
                lines += inner[1:]
            else:
                lines.append(f"{pad}- {_scalar(item, literal)}")
    return lines


def dump(data: dict[str, Any], literal: bool = False) -> str:
    """A fact as a YAML file: block style, every string quoted."""
    return "\n".join(_block(data, 0, literal)) + "\n"


def briefing_file(front: dict[str, Any], body: str, literal: bool = False) -> str:
    return f"---\n{dump(front, literal)}---\n{body}"


# -- The sample tree, and what may be edited in it ------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    rel: str  # path in the data tree
    kind: str
    data: dict[str, Any]
    body: str | None = None  # a briefing's Markdown

    def text(self, literal: bool) -> str:
        return dump(self.data, literal) if self.body is None else briefing_file(self.data, self.body, literal)


@cache
def base() -> dict[str, Fact]:
    """The valid sample tree as the loader reads it."""
    facts = {}
    for kind, folder in FOLDERS.items():
        for path in sorted((VALID / folder).glob("*")):
            rel = path.relative_to(VALID).as_posix()
            if kind == "briefing":
                doc, body, _ = load_front_matter(path)
                facts[rel] = Fact(rel, kind, doc.data, body)
            else:
                facts[rel] = Fact(rel, kind, load(path).data)
    return facts


@cache
def ids() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {kind: [] for kind in FOLDERS}
    for fact in base().values():
        out[fact.kind].append(fact.data.get("id", Path(fact.rel).stem))
    return out


NEW_IDS = {kind: [f"new-{kind}-a", f"new-{kind}-b"] for kind in FOLDERS}
"""Ids the generated facts take, so that generated references can reach them too."""


def _is_text(node: dict[str, Any]) -> bool:
    return node.get("type") == "string" and node.get("pattern") == "\\S"


@cache
def fact_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of `kind`, its `$ref`s inlined."""
    inlined = inline_refs(schema(kind))
    inlined.pop("$schema", None)
    return inlined


def text_slots(node: dict[str, Any], data: Any, path: tuple = ()) -> Iterator[tuple[tuple, bool]]:
    """(path, is a list of texts) of every text field the schema gives `data`, present or not: a
    present list of mappings is entered, an absent one is not."""
    for key, sub in node.get("properties", {}).items():
        here = data.get(key) if isinstance(data, dict) else None
        if _is_text(sub):
            yield path + (key,), False
        elif sub.get("type") == "array" and _is_text(sub.get("items", {})):
            yield path + (key,), True
        elif sub.get("type") == "array" and isinstance(here, list):
            for i, item in enumerate(here):
                yield from text_slots(sub.get("items", {}), item, path + (key, i))
        elif sub.get("type") == "object" and isinstance(here, dict):
            yield from text_slots(sub, here, path + (key,))


def put(data: dict[str, Any], path: tuple, value: Any) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


# -- Text of every character class ---------------------------------------------------------------------------

# fmt: off
SCRIPTS = ["Eesti", "Latvija", "Lietuva", "Россия", "Україна", "Ελλάδα", "Sakartvelo ქართული", "Հայաստան", "हिन्दी",
           "中文 日本語 한국어", "ไทย", "İstanbul ı", "Straße ǅ ﬁ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "Ⅻ ½ ²"]
RTL = ["إستونيا", "עברית", "فارسی ۱۲۳", "ܐܪܡܝܐ", "ދިވެހި"]
EMOJI = ["🇪🇪", "👩‍👩‍👧", "🛰️", "⚓", "👍🏽", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "☃"]
COMBINING = ["e\u0301", "\u0301", "a\u0308\u0332", "\u20dd", "\u0e33", "\u094d"]
SPACES = [" ", "  ", "\t", "\u00a0", "\u202f", "\u2003", "\u3000", "\u200b", "\u200c", "\u200d", "\u00ad", "\ufeff",
          "\u2060", "\u200e", "\u200f", "\u061c", "\u180e"]
LINE_ENDS = ["\n", "\r\n", "\r", "\n\n"]
SYNTAX = list("*_[]()<>&\"'`|#{}!~^=$:\\/-+.%@;,?") + ["**", "__", "~~", "==", "^^", "```", "~~~", "---", "...",
                                                        "&amp;", "&#60;", "&lt;", "&#x6a;", "&nbsp;", "%}", "{{", "}}"]
MARKUP = ["<script>alert('x')</script>", "<img src=x onerror=alert('x')>", "<b onmouseover=alert('x')>b</b>",
          "[x](javascript:alert('x'))", "![i](javascript:alert('x'))",
          "[x](data:text/html,<script>alert('x')</script>)", "<javascript:alert('x')>", "{{ config }}", "{{ 7*7 }}",
          "{% raw %}", "{% if true %}x{% endif %}", "{: onclick=\"alert('x')\" }", "*[HTML]: x", "[^1]", "[^1]: note",
          "# heading", "> quote", "- item", "1. item", "| a | b |", '!!! note "t"', "    indented", "--- ",
          "key: value", "- [a, b]", "&", "\\*", "\" onmouseover=\"alert('x')", "' onmouseover='alert(1)'",
          "</a><script>alert('x')</script>", "<style>body{display:none}</style>", "<!-- x -->", "<![CDATA[x]]>",
          "-->", "</article>", "<article>", "javascript:alert('x')", "wzxhzdk:0", "klzzwxh:0", "\x02wzxhzdk:0\x03",
          "\x02klzzwxh:1\x03"]
INVISIBLE_CHARS = ["\x00", "\x01", "\x02", "\x03", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x85",
                   "\x9f", "\u2028", "\u2029", "\u202a", "\u202e", "\u2066", "\u2069", "\ufdd0", "\ufdef", "\ufffe",
                   "\uffff", "\U0001fffe", "\U0010ffff"]
# fmt: on

_BIDI_AND_NONCHARACTERS = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0xFDD0, 0xFDF0)]]
_visible_char = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Zl", "Zp"), exclude_characters=_BIDI_AND_NONCHARACTERS
)
_any_char = st.characters(codec="utf-8", exclude_categories=("Cs",))
_pieces = [
    st.sampled_from(SCRIPTS + RTL + EMOJI),
    st.sampled_from(SYNTAX),
    st.sampled_from(MARKUP),
    st.sampled_from(SPACES + COMBINING),
    st.text(_visible_char, min_size=1, max_size=6),
]


def sometimes(p: float) -> st.SearchStrategy[bool]:
    """True with probability about `p` (shrinking towards False)."""
    return st.integers(0, 99).map(lambda n: n >= 100 - round(p * 100))


@st.composite
def texts(draw: st.DrawFn, invisible: float = 0.3, line_ends: bool = True, max_pieces: int = 8) -> str:
    """Non-blank text from every character class; with probability `invisible`, the characters the
    loader refuses in a file too."""
    pieces = list(_pieces)
    if line_ends:
        pieces.append(st.sampled_from(LINE_ENDS))
    if draw(sometimes(invisible)):
        pieces += [st.sampled_from(INVISIBLE_CHARS), _any_char]
    return draw(
        st.lists(st.one_of(*pieces), min_size=1, max_size=max_pieces)
        .map("".join)
        .filter(lambda s: re.search(r"\S", s) is not None)
    )


def words() -> st.SearchStrategy[str]:
    """Prose text for a briefing body (a body is not YAML: an invisible character in it is always refused)."""
    return texts(invisible=0.0, line_ends=False, max_pieces=5)


# -- (a) text fields of the sample facts rewritten ----------------------------------------------------------------


@st.composite
def text_edits(draw: st.DrawFn) -> dict[str, Fact]:
    """One to three text fields of the sample facts (names, titles, summaries, notes, locators, bases,
    aliases, authors...) replaced or added."""
    edited: dict[str, Fact] = {}
    for _ in range(draw(st.integers(1, 3))):
        rel = draw(st.sampled_from(sorted(base())))
        fact = edited.get(rel) or base()[rel]
        data = copy.deepcopy(fact.data)
        path, many = draw(st.sampled_from(list(text_slots(fact_schema(fact.kind), data))))
        put(data, path, draw(st.lists(texts(), min_size=1, max_size=3, unique=True)) if many else draw(texts()))
        edited[rel] = Fact(rel, fact.kind, data, fact.body)
    return edited


# -- (b) whole facts drawn from the JSON Schemas ----------------------------------------------------------------

REF_KINDS = {
    "places": "place",
    "within": "place",
    "actor": "actor",
    "by": "actor",
    "country": "actor",
    "of": "actor",
    "organisation": "actor",
    "related": "event",
    "compared_to": "figure",
    "source": "source",
}
"""What a reference field names, by field (`places: [id]`, `actors[].actor`, `sources[].source`...)."""

DATES = ["2004", "2020", "2023-05", "2024", "2024-12", "2025", "2025-03-05", "2025-06", "2025-06-30", "2026"]


@st.composite
def refs(draw: st.DrawFn, kind: str) -> str:
    """Mostly an id of the right kind in the sample, sometimes one generated alongside, any id, or none."""
    if draw(sometimes(0.07)):
        return draw(st.sampled_from(sorted({i for found in ids().values() for i in found}) + ["no-such-fact"]))
    if draw(sometimes(0.08)) or not ids()[kind]:
        return draw(st.sampled_from(NEW_IDS[kind]))
    return draw(st.sampled_from(ids()[kind]))


@cache
def formats() -> dict[str, st.SearchStrategy[str]]:
    def either(common: list[str], pattern: str) -> st.SearchStrategy[str]:  # mostly real, sometimes any match
        return sometimes(0.15).flatmap(lambda odd: st.from_regex(pattern) if odd else st.sampled_from(common))

    out = {
        "kb-text": texts(),
        "kb-metric": st.sampled_from(["defence-spending-share-of-gdp", "aid-ratio", "new-metric"]),
        "kb-date": either(DATES, r"\A[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z"),
        "kb-day": either(["2099-12-31", "2099-12-31", "2020-01-01"], r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
    }
    out |= {f"kb-ref-{kind}": refs(kind) for kind in FOLDERS}
    return out


def shaped(node: Any, name: str = "") -> Any:
    """`node` with its strings given the formats above: texts, dates and references drawn by the
    strategies of this module (each still held to the schema's own pattern)."""
    if isinstance(node, list):
        return [shaped(x, name) for x in node]
    if not isinstance(node, dict):
        return node
    out = {
        k: ({p: shaped(s, p) for p, s in v.items()} if k == "properties" else shaped(v, name))
        for k, v in node.items()
        if k not in ("description", "x-display", "title")
    }
    if out.get("type") == "string":
        pattern = out.get("pattern", "")
        if _is_text(out):
            out["format"] = "kb-text"
        elif pattern.startswith("^[0-9]{4}(-"):
            out["format"] = "kb-date"
        elif pattern == "^[0-9]{4}-[0-9]{2}-[0-9]{2}$":
            out["format"] = "kb-day"
        elif name == "metric":
            out["format"] = "kb-metric"
        elif name in REF_KINDS and "maxLength" in out:
            out["format"] = f"kb-ref-{REF_KINDS[name]}"
    return out


def from_fact_schema(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Documents valid against `node`. hypothesis-jsonschema draws every value but the mappings: its
    object strategy drives a private Hypothesis API that Hypothesis 6.170 changed (`'many' object has no
    attribute 'more'`), so mappings are assembled here: the required properties, and any of the others."""
    if node.get("type") == "object":
        props = node.get("properties", {})
        required = [k for k in props if k in node.get("required", [])]
        optional = [k for k in props if k not in required]

        values = {k: from_fact_schema(sub) for k, sub in props.items()}

        @st.composite
        def mapping(draw: st.DrawFn) -> dict[str, Any]:
            keys = (
                set(required) | set(draw(st.lists(st.sampled_from(optional), unique=True)))
                if optional
                else set(required)
            )
            return {k: draw(values[k]) for k in props if k in keys}

        return mapping()
    if node.get("type") == "array" and node.get("items", {}).get("type") == "object":
        return st.lists(from_fact_schema(node["items"]), min_size=node.get("minItems", 0), max_size=3)
    return from_schema(node, custom_formats=formats())


@cache
def fact_strategy(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    return from_fact_schema(shaped(fact_schema(kind)))


@st.composite
def new_facts(draw: st.DrawFn, kind: str | None = None) -> Fact:
    """A whole fact drawn from its JSON Schema, under a new id, an existing one (replacing that fact),
    or one the checker must refuse (another kind's, reserved, malformed file name)."""
    kind = kind or draw(st.sampled_from(sorted(k for k in FOLDERS if k != "briefing")))
    data = draw(fact_strategy(kind))
    assert is_valid(data, kind), data  # the strategy's own promise
    if kind == "briefing":  # the id is the file name; the front matter may repeat it (or contradict it)
        fact_id = draw(st.sampled_from(NEW_IDS[kind] + ids()[kind]))
        if "id" in data:
            data["id"] = draw(st.sampled_from([fact_id, data["id"]]))
    else:
        if draw(sometimes(0.1)):  # taken by a fact of another kind, or reserved
            fact_id = draw(
                st.sampled_from(sorted({i for k, found in ids().items() if k != kind for i in found}) + ["index"])
            )
        else:
            fact_id = draw(st.sampled_from(NEW_IDS[kind] + ids()[kind]))
        data["id"] = fact_id
    suffix = ".md" if kind == "briefing" else ".yaml"
    return Fact(f"{FOLDERS[kind]}/{fact_id}{suffix}", kind, data, "" if kind == "briefing" else None)


# -- (c) briefing bodies from fragments ---------------------------------------------------------------------------

HOSTILE_SHAPES = shapes()
TERMS = [t.words for t in YARDSTICK] + sorted(SYNONYMS) + ["Likely", "ALMOST CERTAIN"]
TERMS_OFF = ["bogus", "", 'likely"', "<b>likely</b>"]
# fmt: off
PAGES = ["../about.md", "../about.md#likelihood-yardstick", "../index.md", "../events/index.md",
         "harbour-security.md", "../events/harbour-cable-cut-2024.md", "../actors/northland.md#sources",
         "../reference/checks.md#ref-missing", "../timeline.md", "../spending.md", "../downloads/index.md",
         "../nope.md", "../about.md#nope", "about.md", "../assets/kb.css", "./", "../", "?q=1", "%2e%2e/about.md",
         "../about.md?x=<y>"]
WEB_LINKS = ["https://example.org/", "http://example.org/a?b=1&c=2", "https://example.org/a b",
             "https://example.org/(x)", 'https://example.org/"onmouseover="alert(1)', "HTTPS://EXAMPLE.ORG/",
             "https://example.org/#x<y>", "https://xn--80ak6aa92e.com/", "https://例え.テスト/パス"]
REFUSED = ["javascript:alert('x')", "JaVaScRiPt:alert('x')", "java\tscript:alert('x')", " javascript:alert('x')",
           "javascript&#58;alert('x')", "&#106;avascript:alert('x')", "data:text/html,<script>alert('x')</script>",
           "data:image/png;base64,AAAA", "vbscript:msgbox(1)", "mailto:a@example.org", "//evil.example/x.js",
           "\\\\evil.example\\x", "/\\evil.example", "file:///etc/passwd", "ftp://example.org/", "about:blank",
           "blob:https://example.org/x", "javascript:alert(1)//https://example.org"]
IMAGES = ["../assets/kb.css", "../assets/nope.png", "https://evil.example/track.png", "javascript:alert('x')",
          "data:image/svg+xml,<svg onload=alert(1)>", "//evil.example/x.png"]
# fmt: on
ANCHORS = ["#facts-cited", "#nope", "#", "#fn:src-1", "#__config", '#x"y']
LINE_BREAK = ["\n\n", "\r\n\r\n", "\r\r", "\n", "\n\n\n"]


def _link_text() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(["a claim", "the report", "x", "a [b] c", "`code`", "*em*", "![i](x)"]), words())


def _title(delims: tuple[str, str], text: str) -> str:
    return f"{delims[0]}{text}{delims[1]}"


@st.composite
def fact_link(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(sorted(k for k in FOLDERS if k != "source")))  # citations: below
    target = draw(refs(kind))
    scheme = draw(st.sampled_from([kind, kind, kind.upper(), f" {kind}"]))
    return f"[{draw(_link_text())}]({scheme}:{target})"


@st.composite
def citation(draw: st.DrawFn) -> str:
    locator = draw(
        st.one_of(
            st.sampled_from(
                [
                    "para 2",
                    "p. 17",
                    'para "4"',
                    "section [2]",
                    "it's (3)",
                    "<b>2</b>",
                    'a \\" b',
                    "&amp; &#34;",
                    'para 4" onmouseover="alert(1)',
                ]
            ),
            words(),
        )
    )
    # Python-Markdown reads a title in double or single quotes (not in parentheses, nor with an escaped quote:
    # the rest is the link's target, a source that does not exist); mostly a locator it reads as one.
    if draw(sometimes(0.15)):
        delims = draw(st.sampled_from([("(", ")"), ('"', '"'), ("'", "'")]))
        locator = locator.replace(delims[0], "\\" + delims[0])
    else:
        delims = draw(st.sampled_from([('"', '"'), ('"', '"'), ("'", "'")]))
        locator = locator.replace(delims[0], "")
    title = "" if draw(sometimes(0.1)) or not locator.strip() else " " + _title(delims, locator)
    return f"[{draw(_link_text())}](source:{draw(refs('source'))}{title})"


@st.composite
def other_link(draw: st.DrawFn) -> str:
    if draw(sometimes(0.15)):
        target = draw(st.sampled_from(REFUSED))
    else:
        target = draw(st.one_of(st.sampled_from(WEB_LINKS), st.sampled_from(PAGES), st.sampled_from(ANCHORS)))
    title = draw(st.sampled_from(["", ' "a title"', " 'x\" onmouseover=\"alert(1)'"]))
    image = "!" if draw(sometimes(0.15)) else ""
    if image:
        target = draw(st.sampled_from(IMAGES))
    form = draw(st.sampled_from(["inline", "angle", "reference", "autolink"]))
    label = draw(_link_text())
    if form == "angle":
        return f"{image}[{label}](<{target}>{title})"
    if form == "reference":
        name = draw(st.sampled_from(["r", "R", "a b", "1"]))
        return f"{image}[{label}][{name}]\n\n[{name}]: {target}{title}"
    if form == "autolink":
        return f"<{target}>"
    return f"{image}[{label}]({target}{title})"


# fmt: off
ESCAPED = ["\\[x\\](javascript:alert('x'))", "`[x](javascript:alert('x'))`", "&#91;x&#93;(javascript:alert('x'))",
           "\\![i\\](https://evil.example/t.png)", "`<img src=x onerror=alert('x')>`", "\\<b onclick=alert(1)\\>",
           "&lt;b&gt;", "&#60;script&#62;alert('x')&#60;/script&#62;", "\\*em\\* \\_u\\_", "\\`code\\`",
           "\\{{ config }}", "\\<javascript:alert('x')\\>", "``a ` b``", "`<script>alert('x')</script>`", "\\# x",
           "\\!\\!\\! note", "\\[^1\\]", "\\[x\\]: javascript:alert('x')", "&#0;", "&#x202e;", "&#xfffe;", "\\"]
# fmt: on
"""Markup the engine reads as text: escaped, entity-encoded or in code spans. The page must show it as text too."""
# fmt: off
INLINE = ["*em*", "**strong**", "_u_", "***both***", "  \n", "<br>", "[^1]", "H~2~O", "==mark==", "{: .x }",
          "[link][]", "[]()", "[x]()", "[x](<>)", "<>", "<https://example.org/>"]
# fmt: on


def inline() -> st.SearchStrategy[str]:
    piece = st.one_of(words(), fact_link(), citation(), other_link(), st.sampled_from(ESCAPED), st.sampled_from(INLINE))
    return st.lists(piece, min_size=1, max_size=5).map(" ".join)


@st.composite
def judgement(draw: st.DrawFn) -> str:
    mark = draw(
        st.sampled_from(
            [
                "!!! judgement",
                "!!!judgement",
                "!!!  judgement",
                "!!!\tjudgement",
                "!!! JUDGEMENT",
                "!!! judgement extra",
                "!!! note judgement",
                "!!! Judgement",
            ]
        )
    )
    if draw(sometimes(0.2)):  # no term of the yardstick, or none the engine reads as the box's title
        term = draw(st.sampled_from(TERMS_OFF + TERMS))
        title = draw(st.sampled_from([f' "{term}"', f" {term.replace(' ', '-')}", ' ""', ""]))
    else:
        title = f' "{draw(st.sampled_from(TERMS))}"'
    said = citation().map(lambda c: f"It will happen, {c}.")  # a judgement names its source
    body = draw(inline() if draw(sometimes(0.2)) else st.tuples(inline(), said).map(" ".join))
    indent = draw(st.sampled_from(["    ", "\t", "        "]))
    box = f"{mark}{title}\n{indent}{body}"
    return draw(
        st.sampled_from([box, "- item\n\n    " + box.replace("\n", "\n    "), "> " + box.replace("\n", "\n> ")])
    )


@st.composite
def block(draw: st.DrawFn) -> str:
    text = inline()
    kind = draw(
        st.sampled_from(
            [
                "para",
                "para",
                "heading",
                "heading",
                "setext",
                "judgement",
                "judgement",
                "admonition",
                "list",
                "quote",
                "code",
                "fence",
                "table",
                "hr",
                "html",
                "shape",
                "refdef",
            ]
        )
    )
    if kind == "heading":
        level = draw(st.sampled_from([1, 1, 2, 3, 4, 5, 6, 7]))
        return f"{'#' * level} {draw(text)}{draw(st.sampled_from(['', ' #', ' {#x}']))}"
    if kind == "setext":
        return f"{draw(text)}\n{draw(st.sampled_from(['===', '---']))}"
    if kind == "judgement":
        return draw(judgement())
    if kind == "admonition":
        kind_ = draw(st.sampled_from(sorted(prose.ADMONITIONS) + ["danger extra", "bogus", "note inline", "quote"]))
        title = draw(st.sampled_from(["", ' ""', ' "A title"', ' "[a [b] c](javascript:alert(1))"']))
        return f"!!! {kind_}{title}\n    {draw(text)}"
    if kind == "list":
        items = draw(st.lists(text, min_size=1, max_size=3))
        marker = draw(st.sampled_from(["-", "*", "+", "1.", "7.", "0."]))
        nested = draw(st.sampled_from(["", f"\n    - {draw(text)}"]))
        return "\n".join(f"{marker} {i}" for i in items) + nested
    if kind == "quote":
        return "\n".join(f"> {line}" for line in draw(text).split("\n"))
    if kind == "code":
        return "\n".join("    " + line for line in draw(words()).splitlines() or ["x"])
    if kind == "fence":
        fence = draw(st.sampled_from(["```", "~~~", "````"]))
        lang = draw(st.sampled_from(["", "html", "python", "{.x onclick=alert(1)}"]))
        code = draw(st.one_of(words(), st.sampled_from(["<script>alert('x')</script>", "[x](javascript:alert('x'))"])))
        return f"{fence}{lang}\n{code}\n{draw(st.sampled_from([fence, '', '`' * 2]))}"
    if kind == "table":
        cells = draw(st.lists(text.map(lambda s: s.replace("\n", " ")), min_size=2, max_size=4))
        align = draw(st.sampled_from(["---", ":--", "--:", ":-:"]))
        return f"| h | {cells[0]} |\n|{align}|---|\n" + "".join(f"| {c} | x |\n" for c in cells[1:])
    if kind == "hr":
        return draw(st.sampled_from(["---", "***", "___", "- - -"]))
    if kind == "html":
        return draw(st.sampled_from(MARKUP))
    if kind == "shape":
        return draw(st.sampled_from(sorted(HOSTILE_SHAPES.values())))
    if kind == "refdef":
        return f"[{draw(st.sampled_from(['r', 'x']))}]: {draw(st.sampled_from(REFUSED + WEB_LINKS + PAGES))}"
    return draw(text)


@st.composite
def bodies(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(block(), min_size=1, max_size=5))
    out = blocks[0]
    for b in blocks[1:]:
        out += draw(st.sampled_from(LINE_BREAK)) + b
    return out + draw(st.sampled_from(["", "\n", "\r\n"]))


@st.composite
def briefings(draw: st.DrawFn) -> Fact:
    """A new body for the sample briefing (its front matter kept), or a new briefing drawn whole."""
    body = draw(bodies())
    if draw(st.booleans()):
        sample = base()["briefings/harbour-security.md"]
        return Fact(sample.rel, sample.kind, sample.data, body)
    fact = draw(new_facts("briefing"))
    return Fact(fact.rel, fact.kind, fact.data, body)


# -- Edited trees ---------------------------------------------------------------------------------------------


@dataclass
class Tree:
    """An edited sample tree: files to write over the sample, and what each should read back as."""

    facts: dict[str, Fact] = field(default_factory=dict)
    literal: bool = False  # invisible characters stand in the files as they are (else: YAML escapes)

    def files(self) -> dict[str, str]:
        return {rel: fact.text(self.literal) for rel, fact in self.facts.items()}

    def write(self, root: Path) -> Path:
        shutil.copytree(VALID, root)
        for rel, text in self.files().items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        return root


@st.composite
def trees(draw: st.DrawFn) -> Tree:
    """The sample tree with (a) text edits, (b) facts drawn from the schemas, (c) a briefing body."""
    tree = Tree(literal=draw(sometimes(0.25)))
    parts = draw(st.lists(st.sampled_from(["text", "fact", "briefing"]), min_size=1, max_size=3))
    for part in parts:
        if part == "text":
            tree.facts |= draw(text_edits())
        elif part == "fact":
            fact = draw(new_facts())
            tree.facts[fact.rel] = fact
        else:
            fact = draw(briefings())
            tree.facts[fact.rel] = fact
    return tree


def kb_check(root: Path) -> CheckResult:
    """`kb check` of the data tree at `root`, as `kb check` and `kb build` both run it: load, schemas, model,
    rules, and the pages' paths (page-collision). Not the links of briefings and hand-written pages
    (doc-link, doc-anchor), which need the docs tree: `kb build` runs them too (see the test at the end)."""
    result = check(root)
    result.findings = sorted(result.findings + collision_findings(result.kb))
    return result


def checked(tree: Tree, root: Path) -> CheckResult:
    """The checker over the tree written at `root`: it may find anything, but never raise."""
    tree.write(root)
    result = kb_check(root)
    event("refused" if result.errors else "accepted")  # --hypothesis-show-statistics: how the examples fare
    for rule in sorted({f.rule for f in result.errors}):
        event(f"refused: {rule}")
    return result


def _strings(value: Any) -> Iterator[str]:
    """Every string in a fact's data, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def errors(result: CheckResult) -> list[str]:
    return [f"{f.path}:{f.line}: [{f.rule}] {f.message}" for f in result.errors]


# -- Property 1: the checker never raises, refuses what the loader must, reads back what was written -------


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees())
def test_the_checker_reads_any_edit_without_raising(tree: Tree) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        result = checked(tree, root)
        assert result.files >= len(base())
        for rel, text in tree.files().items():
            path = root / rel
            mine = [f for f in result.findings if Path(f.path) == path]
            fact = tree.facts[rel]
            # Refused however it is written: raw in the file, or as a YAML escape ("\u202e") in a value.
            if INVISIBLE.search(text) or any(INVISIBLE.search(v) for v in _strings(fact.data)):
                assert [f.rule for f in mine if f.severity == "error"] == ["text-character"], (rel, mine)
                continue
            try:
                if fact.body is None:
                    assert load(path).data == fact.data, "the loader reads back what was written"
                else:
                    doc, body, _ = load_front_matter(path)
                    assert (doc.data, body) == (fact.data, fact.body), "the loader reads back what was written"
            except LoadError as exc:
                raise AssertionError(f"{rel}: a file written by the rules of YAML is refused: {exc.finding}") from None


def invisible_characters() -> st.SearchStrategy[str]:
    """Any character the loader refuses, every class of them drawn as often (README: C0 controls but tab
    and line ends, DEL and C1, line and paragraph separators, bidirectional controls, noncharacters)."""
    return st.one_of(
        st.integers(0x00, 0x08),
        st.sampled_from([0x0B, 0x0C]),
        st.integers(0x0E, 0x1F),
        st.integers(0x7F, 0x9F),
        st.sampled_from([0x2028, 0x2029]),
        st.integers(0x202A, 0x202E),
        st.integers(0x2066, 0x2069),
        st.integers(0xFDD0, 0xFDEF),
        st.tuples(st.integers(0, 16), st.sampled_from([0xFFFE, 0xFFFF])).map(lambda p: p[0] * 0x10000 + p[1]),
    ).map(chr)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rel=st.sampled_from(sorted(base())), char=invisible_characters(), data=st.data())
def test_an_invisible_character_anywhere_in_a_file_is_refused_where_it_stands(
    rel: str, char: str, data: st.DataObject
) -> None:
    # The sample file as it is, one character put anywhere: in a value, a key, the front matter, a body.
    text = (VALID / rel).read_text("utf-8")
    at = data.draw(st.integers(0, len(text)), label="offset")
    written = text[:at] + char + text[at:]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        shutil.copytree(VALID, root)
        (root / rel).write_bytes(written.encode("utf-8"))
        found = [(f.rule, f.line, f.col) for f in check(root).findings if Path(f.path) == root / rel]
    line = written.count("\n", 0, at) + 1
    assert found == [("text-character", line, at - written.rfind("\n", 0, at))], f"U+{ord(char):04X} at {at}"


# -- Property 2: what the checker accepts renders, and the pages hold nothing outside the allow-list ---------


@cache
def mkdocs_markdown() -> markdown.Markdown:
    """Python-Markdown as mkdocs.yml configures it for the site's pages."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    names, configs = [], {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        configs[name] = options or {}
    return markdown.Markdown(extensions=names, extension_configs=configs)


SAMPLE_SOURCE = base()["sources/sample-article.yaml"].data | {"url": "http://[x"}  # rendering once raised ValueError


@cache
def sample_pages() -> frozenset[tuple[str, bytes]]:
    """The pages of the unedited sample: converted once, not for every example."""
    return frozenset(pages(check(VALID).kb).items())


def page_violations(rel: str, data: bytes) -> list[str]:
    """A generated page read as MkDocs reads it: front matter (which must be read, never dropped as
    text), then the Markdown, converted with the site's extensions: what its HTML holds outside the
    allow-list."""
    from mkdocs.utils.meta import get_data

    text = data.decode("utf-8")
    body, meta = get_data(text)
    found = []
    if text.startswith("---\n") and not meta:
        found.append("front matter dropped (MkDocs renders it as text)")
    md = mkdocs_markdown()
    md.reset()
    parser = Content(whole=True)
    parser.feed(md.convert(body))
    parser.close()
    found += parser.found
    # A note and its marks link to each other, and MkDocs's strict build refuses a link of the page's Markdown
    # to an anchor the page lacks (a note never marked). Anchors an editor writes in a briefing are HTML to
    # MkDocs, not checked there: they are kb check's and kb build's (doc-anchor; see the test at the end).
    found += [f"link to #{a}, which the page does not have" for a in parser.anchors if a not in parser.ids]
    return [f"{rel}: {v}" for v in found]


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees())
@example(tree=Tree({"sources/sample-article.yaml": Fact("sources/sample-article.yaml", "source", SAMPLE_SOURCE)}))
def test_what_the_checker_accepts_renders_within_the_allow_list(tree: Tree) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = checked(tree, Path(tmp) / "data")
        if result.errors:
            return
        rendered = pages(result.kb)
    known = sample_pages()
    found = [
        v
        for rel, data in rendered.items()
        if rel.endswith(".md") and (rel, data) not in known
        for v in page_violations(rel, data)
    ]
    assert not found, "\n".join(found)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies())
@example(body="# \\[x\\](javascript:alert('x'))")  # a level-one heading once reached the page as Markdown
@example(body="Intro.\n\n# `[x](javascript:alert('x'))` &#91;y&#93;(javascript:alert('y'))\n")
@example(body='# Eesti [a claim](source:sample-article "para 2")')  # a note nothing marked: the strict build failed
def test_what_the_checker_accepts_in_a_briefing_body_renders_within_the_allow_list(body: str) -> None:
    # The briefing page alone, for many more bodies than the whole-site properties can afford.
    sample = base()["briefings/harbour-security.md"]
    tree = Tree({sample.rel: Fact(sample.rel, sample.kind, sample.data, body)})
    with tempfile.TemporaryDirectory() as tmp:
        result = checked(tree, Path(tmp) / "data")
    if result.errors:
        return
    briefing = result.kb.briefings["harbour-security"]
    found = page_violations(briefing_page.path(briefing), briefing_page.render(result.kb, briefing).encode("utf-8"))
    assert not found, "\n".join(found)


def test_the_sample_pages_are_within_the_allow_list() -> None:
    # The pages every example shares, checked once here (the property skips them).
    found = [v for rel, data in sorted(sample_pages()) if rel.endswith(".md") for v in page_violations(rel, data)]
    assert not found, "\n".join(found)


# -- Property 3: what the checker accepts, kb build builds; what it refuses, kb build refuses cleanly ---------


SAMPLE_EVENT = base()["events/harbour-cable-cut-2024.yaml"].data


@settings(
    max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(tree=trees())
@example(tree=Tree({"events/index.yaml": Fact("events/index.yaml", "event", {**SAMPLE_EVENT, "id": "index"})}))
def test_what_the_checker_accepts_builds_and_what_it_refuses_does_not(tree: Tree) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config, data = make_project(Path(tmp) / "project", VALID)
        shutil.rmtree(data)
        tree.write(data)
        project = Project.locate(config, data)
        project.site_dir.mkdir()
        (project.site_dir / "index.html").write_text("the previous site\n")
        before = tree_bytes(project.site_dir), tree_bytes(project.docs_dir)
        result = kb_check(data)
        event("refused" if result.errors else "accepted")
        out = io.StringIO()
        if result.errors:
            try:
                build(data, project, out=out)
            except BuildError:
                pass
            else:
                raise AssertionError(f"kb build built what kb check refused: {errors(result)}")
            report = io.StringIO()
            write_text(result.findings, result.files, report)
            assert report.getvalue() in out.getvalue(), "kb build prints the findings kb check reports"
            assert (tree_bytes(project.site_dir), tree_bytes(project.docs_dir)) == before, "nothing was written"
            assert [p.name for p in project.site_dir.parent.iterdir() if p.name.startswith(".site")] == []
            return
        try:
            build(data, project, out=out)
        except BuildError as exc:
            raise AssertionError(
                f"kb check accepted the tree, and kb build refused it: {exc}\n{out.getvalue()}"
            ) from None
        built = sorted(project.site_dir.rglob("*.html"))
        wanted = {rel.removesuffix(".md") + ".html" for rel in page_paths(result.kb) if rel.endswith(".md")}
        assert wanted <= {p.relative_to(project.site_dir).as_posix() for p in built}, "a page for every fact"
        found = [
            f"{page.relative_to(project.site_dir)}: {v}" for page in built for v in violations(page.read_text("utf-8"))
        ]
        assert not found, "\n".join(found)


def test_the_fixture_site_is_within_the_allow_list(built_site: Path) -> None:
    # tests/fixtures/site, built by kb build: every kind of page the sample tree may lack.
    found = [
        f"{p.relative_to(built_site)}: {v}"
        for p in sorted(built_site.rglob("*.html"))
        for v in violations(p.read_text("utf-8"))
    ]
    assert not found, "\n".join(found)


def test_the_hostile_site_built_without_the_gate_is_within_the_allow_list(tmp_path: Path) -> None:
    # Every hostile shape and text, those kb check refuses too: the renderer's own defences.
    config, data = make_project(tmp_path, FIXTURES / "hostile")
    project = Project.locate(config, data)
    build_ungated(data, project)
    site = project.site_dir
    found = [
        f"{p.relative_to(site)}: {v}" for p in sorted(site.rglob("*.html")) for v in violations(p.read_text("utf-8"))
    ]
    assert not found, "\n".join(found)


def test_fact_text_takes_no_id_of_the_theme(tmp_path: Path) -> None:
    # An event titled "__config": its page's <h1 id="__config"> would stand before the theme's settings,
    # <script id="__config">, and Material's script would fail on that page ('"__config¶" is not valid JSON').
    # The checker refuses such a title (and such a briefing heading), so the build never meets one.
    config, data = make_project(tmp_path, VALID)
    event = data / "events" / "harbour-cable-cut-2024.yaml"
    event.write_text(event.read_text("utf-8").replace("title: Harbour cable severed", 'title: "__config"'), "utf-8")
    assert [f.rule for f in kb_check(data).errors] == ["id-theme"]
    out = io.StringIO()
    with pytest.raises(BuildError):
        build(data, Project.locate(config, data), out=out)
    assert "[id-theme]" in out.getvalue()


def test_kb_build_refuses_the_briefing_links_kb_check_refuses(tmp_path: Path) -> None:
    # `kb check data` exits 1 on these (doc-link, doc-anchor); `kb build data` publishes them as dead links:
    # MkDocs validates the links of Markdown, not of the briefing body's (sanitized) HTML.
    config, data = make_project(tmp_path, VALID)
    briefing = data / "briefings" / "harbour-security.md"
    briefing.write_text(briefing.read_text("utf-8") + "\nSee [a missing page](../nope.md) and [a heading](#nope).\n")
    with pytest.raises(BuildError):
        build(data, Project.locate(config, data), out=io.StringIO())
