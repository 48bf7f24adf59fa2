"""Long lists on fact pages: the first entries on the page, all of them on pages of their own.

A much-cited fact (a state every other event involves, a source thousands of facts cite) would list
thousands of backlinks on its page. Each list section of a fact page shows its first SHOW entries and
links to "all N", on continuation pages beside the fact's page (`actors/estonia/events.md`, then
`events-2.md` ...) of PER_PAGE entries each, so that no page grows past about 250 KB however often a
fact is cited. A page type says which lists it has with `lists(kb, fact, linker)`; the continuation
pages are emitters like any other page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kb.core.facts import Fact
from kb.core.facttypes import page_of
from kb.core.model import KnowledgeBase
from kb.site.render import templates
from kb.site.render.escape import Safe
from kb.site.render.links import Linker
from kb.site.render.text import label

SHOW = 40
"""Entries of a list shown on the fact's own page."""
PER_PAGE = 250
"""Entries on one continuation page (a quoted sentence each, at most)."""


@dataclass(frozen=True)
class Section:
    """One list of a fact's page: what it is called and how its entries are written (a macro of
    _macros.md.j2: rows, quotes, mentions or citers), and its entries, for the page they are linked from."""

    title: str  # "Timeline", "Cited in briefings"
    macro: str
    entries: list[Any]


Lists = Callable[[KnowledgeBase, Any, Linker], dict[str, Section]]  # a page type's lists of its fact


@dataclass(frozen=True)
class Cut:
    """A section as the fact's page shows it: its first entries, and a link to all of them when there
    are more."""

    entries: list[Any]
    more: Safe | None


def base(fact: Fact) -> str:
    """The folder of a fact's continuation pages: its page's path without `.md`."""
    return page_of(fact).partition("#")[0].removesuffix(".md")


def continuation(fact: Fact, name: str, n: int = 1) -> str:
    return f"{base(fact)}/{name}.md" if n == 1 else f"{base(fact)}/{name}-{n}.md"


def cut(fact: Fact, name: str, section: Section, ln: Linker) -> Cut:
    """`section` cut to SHOW entries, with a link to its continuation pages when it has more."""
    total = len(section.entries)
    if total <= SHOW:
        return Cut(section.entries, None)
    more = ln.page_link(f"All {total} ({section.title.lower()})", continuation(fact, name))
    return Cut(section.entries[:SHOW], more)


def _lists_from_folder(kb: KnowledgeBase, fact: Fact, lists: Lists) -> dict[str, Section]:
    """`fact`'s lists as its continuation pages link (they share a folder): worked out once for all of them."""
    folder = base(fact)
    return kb.memo(f"more:{folder}", lambda kb: lists(kb, fact, Linker(kb, f"{folder}/page.md")))


def pages_of(kb: KnowledgeBase, fact: Fact, lists: Lists) -> list[tuple[str, tuple[Fact, str, int]]]:
    """The continuation pages of `fact`: (docs path, (fact, section, page number))."""
    out = []
    for name, section in _lists_from_folder(kb, fact, lists).items():
        total = len(section.entries)
        if total > SHOW:
            count = -(-total // PER_PAGE)
            out += [(continuation(fact, name, n), (fact, name, n)) for n in range(1, count + 1)]
    return out


def render(kb: KnowledgeBase, fact: Fact, name: str, n: int, lists: Lists) -> str:
    """Continuation page `n` of the section `name` of `fact`'s page."""
    page = continuation(fact, name, n)
    ln = Linker(kb, page)
    section = _lists_from_folder(kb, fact, lists)[name]
    count = -(-len(section.entries) // PER_PAGE)
    entries = section.entries[(n - 1) * PER_PAGE : n * PER_PAGE]
    near = [
        ln.page_link(f"page {k}", continuation(fact, name, k)) if k != n else Safe(f"page {k}")
        for k in range(1, count + 1)
    ]
    return templates.render(
        "more.md.j2",
        title=f"{label(kb, fact)}: {section.title}",
        section=section,
        entries=entries,
        n=n,
        count=count,
        near=near,
        back=ln.to(fact),
        total=len(section.entries),
    )
