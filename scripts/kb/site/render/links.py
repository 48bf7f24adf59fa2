"""Where each fact's page lives in the docs tree, and links between pages.

Paths are docs-relative POSIX paths of Markdown files ("events/harbour-cable-cut-2024.md").
Links are written as relative Markdown links so `mkdocs build --strict` validates every one, with
the target in angle brackets, `[text](<target> "title")`: the same link to every Markdown reader, but
Python-Markdown reads that form with one regular expression instead of a loop over each character of
the target and the hover title (which made titled links the dearest construct on our pages).
A figure has no page of its own: it is a row (with an anchor) on its series page.

Hover titles (the fact's type, date and summary) go on the links of briefings, where a reader meets
a fact in the middle of a sentence. Fact and index pages name what they link to and say no more:
their titles were a quarter of the Markdown time of a fact page and most of an index page's bytes.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache

from kb.core.facts import Fact
from kb.core.facttypes import page_of
from kb.core.model import KnowledgeBase
from kb.site.render.escape import Safe, link_title, md_text
from kb.site.render.text import hover, label

YARDSTICK = "about.md#likelihood-yardstick"
CONFIDENCE = "about.md#confidence"
GRADES = "about.md#sources-and-reliability"


@lru_cache(maxsize=4096)
def _up(from_dir: str, to_dir: str) -> str:
    """The relative prefix from folder `from_dir` to folder `to_dir` ('' or ending in '/')."""
    rel = posixpath.relpath(to_dir or ".", from_dir or ".")
    return "" if rel == "." else rel + "/"


def relative(target: str, from_page: str) -> str:
    """`target` (docs path, maybe with #anchor) as a link relative to the page `from_page`."""
    path, _, anchor = target.partition("#")
    if path == from_page:
        return f"#{anchor}" if anchor else posixpath.basename(path)
    to_dir, _, name = path.rpartition("/")
    rel = _up(from_page.rpartition("/")[0], to_dir) + name
    return f"{rel}#{anchor}" if anchor else rel


def built_url(link: str) -> str:
    """A relative link between docs pages as the link between built pages: `x.md#a` -> `x.html#a`
    (mkdocs.yml sets use_directory_urls: false, so that the site also works from the file system)."""
    path, hash_, anchor = link.partition("#")
    if path.endswith(".md"):
        path = path[:-3] + ".html"
    return path + hash_ + anchor


def md_link(text: str | Safe, target: str, from_page: str, title: str | None = None) -> Safe:
    """A Markdown link; `text` is escaped unless it is Safe already, `title` is the hover text."""
    shown = text if isinstance(text, Safe) else md_text(text)
    hint = f' "{link_title(title)}"' if title else ""
    return Safe(f"[{shown}](<{relative(target, from_page)}>{hint})")


class _Targets:
    """Per knowledge base: each fact's page and its label as link text, computed once however many
    pages link to it (the hover title only when a briefing asks for it)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.parts: dict[str, tuple[Fact, str, Safe]] = {}
        self.titles: dict[str, str] = {}

    def of(self, fact: Fact) -> tuple[Fact, str, Safe]:
        found = self.parts.get(fact.id)
        if found is None or found[0] is not fact:
            found = (fact, page_of(fact), md_text(label(self.kb, fact)))
            self.parts[fact.id] = found
            self.titles.pop(fact.id, None)
        return found

    def title(self, fact: Fact) -> str:
        found = self.titles.get(fact.id)
        if found is None:
            found = self.titles[fact.id] = f' "{link_title(hover(self.kb, fact))}"'
        return found


def _targets(kb: KnowledgeBase) -> _Targets:
    """The link targets of `kb`, worked out as pages ask for them and kept with it (like relations)."""
    return kb.memo("link-targets", _Targets)


class Linker:
    """Links from one page to facts of the knowledge base; with `hover`, each with its hover text."""

    def __init__(self, kb: KnowledgeBase, page: str, hover: bool = False) -> None:
        self.kb = kb
        self.page = page
        self.hover = hover
        self._targets = _targets(kb)

    def to(self, fact_or_id: Fact | str, text: str | Safe | None = None) -> Safe:
        """A link to a fact (by object or id); plain escaped text when the id is unknown."""
        fact = self.kb.get(fact_or_id) if isinstance(fact_or_id, str) else fact_or_id
        if fact is None:
            return md_text(text if text is not None else fact_or_id)
        _, target, shown = self._targets.of(fact)
        if text is not None:
            shown = text if isinstance(text, Safe) else md_text(text)
        hint = self._targets.title(fact) if self.hover else ""
        return Safe(f"[{shown}](<{relative(target, self.page)}>{hint})")

    def page_link(self, text: str | Safe, target: str) -> Safe:
        return md_link(text, target, self.page)
