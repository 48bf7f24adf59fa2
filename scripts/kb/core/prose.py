"""Briefing prose: read once, by the site's own Markdown engine, for the checker and the page alike.

A briefing body is Markdown written by editors, many of them outside the team. Any filter that
reads that text with rules of its own (regular expressions over fences, code spans, brackets...)
reads it differently from the engine that renders it, and markup slips through the difference.
So there is one reading: Python-Markdown (the engine MkDocs uses) with the site's block syntax
(admonitions, tables) and raw HTML switched off. One walk over its element tree finds every link,
image and judgement box exactly as a reader will see them. `parse` gives them to the checker;
`render` makes the page from the same walk, links resolved or turned back into their text, the
tree serialised and then passed through an allow-list sanitizer (nh3, which wraps Rust's ammonia).

What a link may be, decided on the element tree:

* `[text](event:id)`: a fact link, for every fact type a briefing may link to (`kb.facttypes`);
* `[text](source:id "para 4")`: a citation, shown as its text with a numbered note;
* `https://` and `http://` links; relative links to pages of the site (`../about.md#x`), `#anchors`;
* anything else (`javascript:`, `data:`, `mailto:`, `//host`...) is refused: the checker reports it
  and the page shows the link's text only. Images may only show files of the site.
"""

from __future__ import annotations

import bisect
import copy
import html
import itertools
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import markdown
import nh3
from markdown import util
from markdown.serializers import to_html_string
from markdown.treeprocessors import Treeprocessor

from kb.core.judgement import ANCHOR_PREFIX

EXTENSIONS = ("admonition", "tables")
"""The block syntax of briefings: the site's own (mkdocs.yml) without raw HTML, footnotes (citations
are source links) and a table of contents (the page's headings are MkDocs's)."""

LinkKind = Literal["fact", "web", "page", "anchor", "refused"]

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_SENTENCE_END = re.compile(r'(?<=[.!?])["”’)]?\s+(?=[A-Z0-9"“(\[])')
# The admonition extension's own opening line (after the engine's tab expansion), in a quote or list too.
_BOX_MARK = re.compile(r"(?m)^[ >]*(!!! ?([\w\-]+(?: +[\w\-]+)*))")
_TEXT_BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_PLACEHOLDER = re.compile(re.escape(util.HTML_PLACEHOLDER).replace("%s", r"([0-9]+)"))


def url_of(href: str) -> str:
    """`href` as a browser reads it: leading and trailing controls and spaces dropped, and tabs and
    newlines removed anywhere (the WHATWG URL parser does both: `java\\tscript:` is `javascript:`)."""
    return re.sub(r"[\t\n\r]", "", href).strip("".join(map(chr, range(0x21))))


def classify(href: str, link_types: Collection[str]) -> tuple[LinkKind, str | None, str]:
    """(kind, fact type or scheme, target) of a link target as written in a briefing whose fact links
    may name the fact types `link_types`."""
    url = url_of(href)
    m = _SCHEME.match(url)
    if m:
        scheme, rest = m[1].lower(), url[m.end() :]
        if scheme in link_types:
            return "fact", scheme, rest
        if scheme in ("http", "https") and rest.startswith("//") and len(rest) > 2:
            return "web", scheme, url
        return "refused", scheme, url
    if url.startswith("//") or "\\" in url:
        return "refused", None, url  # another host without a scheme, or a path browsers may read as one
    if url.startswith("#"):
        return "anchor", None, url
    return "page", None, url


@dataclass(frozen=True, slots=True)
class Link:
    """One link (or image) of a briefing, as the site shows it."""

    kind: LinkKind
    type: str | None  # the fact type of a fact link; the scheme of a refused one
    target: str  # the fact id, or the URL
    label: str  # the text a reader sees
    title: str | None  # the link title: a citation's locator
    sentence: str  # the sentence it stands in, links reduced to their text
    line: int  # where it was written, 1-based within the body (best effort: see _Locator)
    col: int
    judgement: int | None  # the judgement box it stands in, by number
    image: bool = False


@dataclass(frozen=True, slots=True)
class Judgement:
    """A judgement box (`!!! judgement "likely, moderate confidence"` and its indented text), as the tree
    holds it (kb.core.judgement reads its title and anchor)."""

    title: str | None  # what stands in the quotes; None for a box without a title
    text: str
    line: int
    col: int
    classes: tuple[str, ...] = ()  # the words of its opening line: `judgement` and any others


@dataclass(slots=True)
class Prose:
    """A briefing body as read: what the checker needs (its links and judgement boxes), and the element
    tree itself (with the engine's stash of entities) so that the page is made from this very reading."""

    links: list[Link] = field(default_factory=list)
    judgements: list[Judgement] = field(default_factory=list)
    tree: etree.Element | None = field(default=None, repr=False, compare=False)
    stash: list[str] = field(default_factory=list, repr=False, compare=False)


# -- What the page needs: how each link is shown ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """Where a link leads from the briefing's page, its hover text, and a note shown after it (a fact revised
    since the briefing cited it)."""

    url: str
    title: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class JudgementBox:
    """How a judgement box is shown: its title as (text, URL or None) runs, its CSS classes and its anchor."""

    title: tuple[tuple[str, str | None], ...]
    css: str
    anchor: str


@dataclass(frozen=True)
class Resolver:
    """What the briefing's place in the site decides: where links lead, how boxes are titled."""

    link_types: Collection[str]  # the fact types a link may name, as `parse` was given them
    fact: Callable[[str, str], Target | None]  # (type, id) -> a fact link's target; None: unknown
    page: Callable[[str], str]  # a relative link as written -> the URL of the built page
    judgement: Callable[[Judgement], JudgementBox]


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of the body: a heading, shown by the site's Markdown so that it joins the page's table of
    contents, or sanitized HTML."""

    heading: int  # 2-6 for a heading, 0 for HTML
    text: str  # the heading's text, or the HTML


@dataclass(frozen=True, slots=True)
class Note:
    """A citation note: the source, the locator, the number shown."""

    source: str
    locator: str
    number: int


@dataclass
class Rendered:
    segments: list[Segment]
    notes: list[Note]


# -- The walk ---------------------------------------------------------------------------------------------


class _Walk(Treeprocessor):
    """Runs last, on the finished tree: every link, image and judgement box, in document order."""

    def reset(self, body: str, link_types: Collection[str], resolver: Resolver | None) -> None:
        self.body, self.link_types, self.resolver = body, link_types, resolver
        self.prose = Prose()
        self.notes: dict[tuple[str, str], Note] = {}
        self.marks: dict[int, int] = {}  # marks made so far, by note: each mark has its own id
        self.root: etree.Element | None = None

    def run(self, root: etree.Element) -> None:
        self.root = root
        locate = _Locator(self.body)
        boxes = [e for e in root.iter("div") if "judgement" in (e.get("class") or "").split()]
        box_of = {id(inner): n for n, box in enumerate(boxes) for inner in box.iter()}  # innermost wins
        for box in boxes:
            title = box[0] if len(box) and box[0].get("class") == "admonition-title" else None
            text = " ".join(self.plain(_text(c)) for c in box if c is not title)
            line, col = locate.box()
            self.prose.judgements.append(
                Judgement(
                    self.plain(_text(title)) if title is not None else None,
                    " ".join(text.split()),
                    line,
                    col,
                    tuple((box.get("class") or "").split()),
                )
            )
        # The page shows a heading as plain text (`render`): a link there is its text, and a citation there
        # makes no note (the page would list a note that nothing marks, which MkDocs's strict build refuses).
        as_text = {id(e) for heading in root if heading.tag in _HEADINGS for e in heading.iter()}
        for text, anchors in _blocks(root):
            sentences = _sentences(self.plain(text))
            for element, at in anchors:
                sentence = _sentence(sentences, len(self.plain(text[:at])))
                self._link(element, sentence, locate, box_of.get(id(element)), shown=id(element) not in as_text)
        if self.resolver is not None:
            for box, judgement in zip(boxes, self.prose.judgements, strict=False):
                self._show_box(box, judgement)
            _replace_marked(root)

    def plain(self, text: str) -> str:
        """Text with the engine's placeholders for entities (`&amp;`) put back as characters."""
        if util.STX not in text:
            return text
        stash = self.md.htmlStash.rawHtmlBlocks
        text = _PLACEHOLDER.sub(lambda m: html.unescape(str(stash[int(m[1])])), text)
        return html.unescape(text.replace(util.AMP_SUBSTITUTE, "&")).replace(util.STX, "").replace(util.ETX, "")

    def _link(
        self, a: etree.Element, sentence: str, locate: _Locator, judgement: int | None, shown: bool = True
    ) -> None:
        image = a.tag == "img"
        written = a.get("src" if image else "href") or ""
        # As the browser will read it: the serialiser keeps entities (`&#58;`) for the browser to decode.
        kind, type_, target = classify(html.unescape(self.plain(written)), self.link_types)
        if image and kind == "web":
            kind, type_ = "refused", None  # images come from the site itself, never another host
        label = self.plain(a.get("alt") or "" if image else _text(a))
        title = a.get("title")
        line, col = locate.link(written, label)
        self.prose.links.append(Link(kind, type_, target, label, title, sentence, line, col, judgement, image))
        if self.resolver is not None and shown:
            self._show_link(a, kind, type_, target, written, title, image)

    def _show_link(
        self,
        a: etree.Element,
        kind: LinkKind,
        type_: str | None,
        target: str,
        written: str,
        title: str | None,
        image: bool,
    ) -> None:
        r = self.resolver
        assert r is not None
        if kind == "page":
            a.set("src" if image else "href", r.page(written))  # as written: its entities are the browser's
        elif image or kind == "refused":
            a.set("data-kb-text", "")  # shown as its text (an image: its alt text)
        elif kind == "fact" and type_ == "source":
            if r.fact("source", target) is None:
                a.set("data-kb-text", "")
                return
            locator = " ".join((title or "").split())
            note = self.notes.setdefault((target, locator), Note(target, locator, len(self.notes) + 1))
            self.marks[note.number] = self.marks.get(note.number, 0) + 1
            a.set("data-kb-note", str(note.number))
            a.set("data-kb-mark", str(self.marks[note.number]))
        elif kind == "fact":
            found = r.fact(type_ or "", target)
            if found is None:
                a.set("data-kb-text", "")
                return
            a.attrib.clear()
            a.set("href", found.url)
            a.set("title", found.title)
            a.set("class", "kb-fact")
            if found.note:
                a.set("data-kb-after", found.note)

    def _show_box(self, box: etree.Element, judgement: Judgement) -> None:
        assert self.resolver is not None
        shown = self.resolver.judgement(judgement)
        box.set("class", f"admonition judgement {shown.css}")
        box.set("id", shown.anchor)
        if len(box) and box[0].get("class") == "admonition-title":
            box.remove(box[0])
        head = etree.Element("p", {"class": "admonition-title"})
        box.insert(0, head)
        last: etree.Element | None = None
        for text, url in shown.title:
            if url is not None:
                last = etree.SubElement(head, "a", {"href": url})
                last.text = text
            elif last is None:
                head.text = (head.text or "") + text
            else:
                last.tail = (last.tail or "") + text


class _Locator:
    """Where in the body each link and box was written. The tree keeps no positions, so each link's
    target (else its text) is looked for after the previous one's: exact for ordinary text, near the
    mark for the rest (a reference-style link is placed at its definition)."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.cursor = 0
        self.starts = [0] + [m.end() for m in re.finditer("\n", body)]
        expanded = body.expandtabs(4)  # as the engine reads it: lines as written, columns after tabs approximate
        self.boxes = [
            (expanded.count("\n", 0, m.start(1)) + 1, m.start(1) - expanded.rfind("\n", 0, m.start(1)))
            for m in _BOX_MARK.finditer(expanded)
            if "judgement" in m[2].lower().split()
        ]

    def position(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1  # O(log lines): a page of links stays linear
        return i + 1, offset - self.starts[i] + 1

    def link(self, href: str, label: str) -> tuple[int, int]:
        """The position of the `[` that opens the link (else of its target) after the previous link's."""
        at = self.body.find(href, self.cursor) if href else -1
        if at < 0 and href:
            at = self.body.find(href)
        if at < 0:
            at = self.body.find(label, self.cursor) if label else -1
            opening = at - 1 if at > 0 and self.body[at - 1] == "[" else at
        else:
            head = "[" + label[:16]
            opening = self.body.rfind(head, self.cursor, at) if label else -1
            if opening < 0:
                opening = self.body.rfind("[", self.cursor, at)
        if at < 0:
            return self.position(self.cursor)
        self.cursor = at + 1
        return self.position(opening if opening >= 0 else at)

    def box(self) -> tuple[int, int]:
        return self.boxes.pop(0) if self.boxes else (1, 1)


def _text(element: etree.Element | None) -> str:
    """The text a reader sees in `element` (links as their text), spaces collapsed."""
    return "" if element is None else " ".join("".join(element.itertext()).split())


def _blocks(root: etree.Element) -> Iterator[tuple[str, list[tuple[etree.Element, int]]]]:
    """Each text block (paragraph, list item, table cell, heading) as its text, with the links and
    images in it at their offsets in that text. A block inside a block (a list in a list item) is a
    block of its own."""
    for element in root:
        if element.tag in _TEXT_BLOCKS:
            parts: list[str] = []
            anchors: list[tuple[etree.Element, int]] = []
            nested: list[etree.Element] = []
            _inline(element, parts, anchors, nested)
            yield "".join(parts), anchors
            for inner in nested:
                holder = etree.Element("div")
                holder.append(inner)
                yield from _blocks(holder)
        else:
            yield from _blocks(element)


def _inline(
    element: etree.Element, parts: list[str], anchors: list[tuple[etree.Element, int]], nested: list[etree.Element]
) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        if child.tag in _TEXT_BLOCKS or child.tag in ("ul", "ol", "div", "blockquote", "table", "pre", "hr"):
            nested.append(child)
        else:
            if child.tag in ("a", "img"):
                anchors.append((child, sum(map(len, parts))))
            if child.tag == "img":
                parts.append(child.get("alt") or "")
            else:
                _inline(child, parts, anchors, nested)
        if child.tail:
            parts.append(child.tail)


def _sentences(text: str) -> list[tuple[int, str]]:
    bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    return [(a, text[a:b]) for a, b in itertools.pairwise(bounds)]


def _sentence(sentences: list[tuple[int, str]], at: int) -> str:
    i = max(bisect.bisect_right([a for a, _ in sentences], at) - 1, 0)
    return " ".join(sentences[i][1].split()) if sentences else ""


def _replace_marked(root: etree.Element) -> None:
    """Links marked by the walk become their text (refused, unknown) or their text and a note mark; a fact
    link's note follows it as text of its own."""
    for parent in list(root.iter()):
        for index in range(len(parent) - 1, -1, -1):
            child = parent[index]
            if (after := child.attrib.pop("data-kb-after", None)) is not None:
                note = etree.Element("span", {"class": "kb-revised"})
                note.text, note.tail, child.tail = f" ({after})", child.tail, None
                parent.insert(index + 1, note)
            elif child.get("data-kb-text") is not None:
                _unwrap(parent, index, [])
            elif (n := child.get("data-kb-note")) is not None:
                mark = int(child.get("data-kb-mark") or 1)
                sup = etree.Element("sup", {"id": f"fnref{mark if mark > 1 else ''}:src-{n}"})
                ref = etree.SubElement(sup, "a", {"class": "footnote-ref", "href": f"#fn:src-{n}"})
                ref.text = n
                _unwrap(parent, index, [sup])


def _unwrap(parent: etree.Element, index: int, after: list[etree.Element]) -> None:
    """Put `parent[index]`'s content (an image's alt text) in its place, followed by `after`."""
    child = parent[index]
    image = child.tag == "img"
    text = (child.get("alt") or "") if image else (child.text or "")
    new = ([] if image else list(child)) + after
    tail = child.tail or ""
    parent.remove(child)
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        parent[index - 1].tail = (parent[index - 1].tail or "") + text
    for i, element in enumerate(new):
        parent.insert(index + i, element)
    if new:
        new[-1].tail = (new[-1].tail or "") + tail
    elif index == 0:
        parent.text = (parent.text or "") + tail
    else:
        parent[index - 1].tail = (parent[index - 1].tail or "") + tail


class _Engine:
    """One Markdown instance per process, reset for each briefing."""

    def __init__(self) -> None:
        md = markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")
        md.preprocessors.deregister("html_block")  # raw HTML off: `<` is text
        md.inlinePatterns.deregister("html")
        self.walk = _Walk(md)
        md.treeprocessors.register(self.walk, "kb-walk", -10)  # last: after inline parsing and unescaping
        self.md = md

    def run(self, body: str, link_types: Collection[str]) -> Prose:
        """Read `body`: its links and boxes, and its tree kept for `show`."""
        self.md.reset()
        self.walk.reset(body, link_types, None)
        self.md.convert(body)
        prose = self.walk.prose
        # Python-Markdown returns early for a blank body, before any tree processor: the tree is then empty.
        tree = self.walk.root if self.walk.root is not None else etree.Element(self.md.doc_tag)
        prose.tree, prose.stash = tree, [str(b) for b in self.md.htmlStash.rawHtmlBlocks]
        return prose

    def show(self, prose: Prose, body: str, resolver: Resolver) -> _Walk:
        """Walk a copy of the tree `prose` kept, its links resolved for a page; the engine's stash set to that
        reading's, so the elements serialise as `convert` would have written them."""
        assert prose.tree is not None, "a body read by parse()"
        self.md.reset()
        for block in prose.stash:
            self.md.htmlStash.store(block)
        self.walk.reset(body, resolver.link_types, resolver)
        self.walk.run(copy.deepcopy(prose.tree))
        return self.walk

    def serialise(self, element: etree.Element) -> str:
        """One element of the last tree as HTML, as `convert` would have written it."""
        text = to_html_string(element)
        for post in self.md.postprocessors:
            text = post.run(text)
        return text


@lru_cache(maxsize=1)
def _engine() -> _Engine:
    return _Engine()


def normalise(body: str) -> str:
    """Line endings as the engine reads them (CRLF and CR become LF), so that positions are lines."""
    return body.replace("\r\n", "\n").replace("\r", "\n")


def parse(body: str, link_types: Collection[str]) -> Prose:
    """Briefing `body` read once, as the page will show it: its links and judgement boxes (and the tree the
    page is made from); `[text](type:id)` is a fact link for each type in `link_types`."""
    return _engine().run(body, link_types)


def render(prose: Prose, body: str, resolver: Resolver) -> Rendered:
    """The page's part of briefing `body` (read into `prose` by `parse`): sanitized HTML between the
    headings, and the citation notes."""
    engine = _engine()
    walk = engine.show(prose, body, resolver)
    assert walk.root is not None
    segments: list[Segment] = []
    run: list[str] = []

    def flush() -> None:
        part = sanitize("".join(run)).strip()
        if part:
            segments.append(Segment(0, _one_line_pre(part)))
        run.clear()

    for child in walk.root:
        if child.tag in _HEADINGS:
            flush()
            # A level-one heading is shown as a section heading (the page's title is its only h1). Left to the
            # sanitizer, its tag went and its text stood bare in the page's Markdown, read as Markdown again:
            # `# \[x\](javascript:...)` was a live link.
            segments.append(Segment(max(int(child.tag[1]), 2), walk.plain(_text(child))))
        else:
            run.append(engine.serialise(child))
    flush()
    return Rendered(segments, sorted(walk.notes.values(), key=lambda n: n.number))


# -- The allow-list -----------------------------------------------------------------------------------------

TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "em",
        "strong",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "img",
        "sup",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "div",
        "span",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ADMONITIONS = frozenset(
    {
        "note",
        "abstract",
        "info",
        "tip",
        "success",
        "question",
        "warning",
        "failure",
        "danger",
        "bug",
        "example",
        "quote",
    }
)
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "sup": {"id"},
    "li": {"id"},
    "div": {"id"},  # a judgement box's anchor, and only that (see _kept)
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}


def classes(judgement_classes: frozenset[str]) -> dict[str, set[str]]:
    """The CSS classes the allow-list keeps, per tag."""
    return {
        "div": {"admonition", "judgement", "footnote", *ADMONITIONS, *judgement_classes},
        "p": {"admonition-title"},
        "a": {"kb-fact", "footnote-ref", "footnote-backref"},
        "span": {"kb-revised"},
    }


_JUDGEMENT_ID = re.compile(re.escape(ANCHOR_PREFIX) + r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def _kept(tag: str, attribute: str, value: str) -> str | None:
    """An allowed attribute's value, or None to drop it: a `div` keeps only a judgement's anchor as its id, so
    nothing else can take an id the theme or a heading uses."""
    if tag == "div" and attribute == "id" and not _JUDGEMENT_ID.match(value):
        return None
    return value


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    from kb.core.yardstick import CSS_CLASSES

    return nh3.Cleaner(
        tags=set(TAGS),
        attributes=ATTRIBUTES,
        attribute_filter=_kept,
        allowed_classes=classes(CSS_CLASSES),
        url_schemes={"http", "https"},
        link_rel=None,
        strip_comments=True,
        clean_content_tags={"script", "style"},
    )


def sanitize(markup: str) -> str:
    """`markup` with nothing outside the allow-list: these tags, attributes and classes; http(s) and
    relative URLs."""
    return _cleaner().clean(markup)


def _one_line_pre(markup: str) -> str:
    """Newlines inside <pre> as character references, so that tidying a page's blank lines can never
    change preformatted text (nh3's output is canonical: a <pre> never holds another)."""
    return re.sub(r"(?s)(<pre\b[^>]*>)(.*?)(</pre>)", lambda m: m[1] + m[2].replace("\n", "&#10;") + m[3], markup)
