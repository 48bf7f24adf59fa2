"""Filters on index pages (docs/assets/kb-filters.js): events by kind, year and actor; actors by kind and country;
figures by metric and actor.

A progressive enhancement over the full table or list: each row carries its values in a marker
(`<span data-f-kind="exercise" data-f-actor="eastland northland">`, ids and slugs only) and the page carries
the filter's words (facets, options with their counts, what the filter covers) in a JSON data block. The
script builds the controls from it with text nodes, hides the rows that do not match and keeps the choice in
the URL (`?kind=exercise&actor=eastland`) so a filtered view can be shared. Without script the page is the
table as before. A filter covers the rows of its own page: on an index split into parts, the block says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from kb.core.model import KnowledgeBase
from kb.site.render.escape import Safe, html_text, json_block

ELEMENT_ID = "kb-filters"
"""The id of the data block; kb-filters.js reads it."""


@dataclass(frozen=True)
class Facet:
    """One filter: its URL parameter and words, and its options (value, words) in the order shown."""

    name: str  # the URL parameter and the marker's attribute (data-f-<name>): a slug
    label: str  # "Kind"
    everything: str  # the option that filters nothing: "All kinds"
    options: list[tuple[str, str, int]]  # (value, words, rows that have it)
    rows: int  # rows on the page

    @property
    def useful(self) -> bool:
        """Whether choosing an option can hide a row: two options or more, or one that some rows lack."""
        return len(self.options) > 1 or any(n < self.rows for _, _, n in self.options)


def facet(
    name: str,
    label: str,
    everything: str,
    rows: Iterable[Iterable[str]],
    words: Callable[[str], str],
    newest_first: bool = False,
) -> Facet:
    """A facet over `rows` (each the values one row has): every value that occurs, with its count, in the order
    of its words (years newest first when asked)."""
    listed = [list(dict.fromkeys(v for v in values if v)) for values in rows]
    counts = Counter(value for values in listed for value in values)
    ordered = sorted(counts, key=lambda v: (words(v).casefold(), v), reverse=newest_first)
    return Facet(name, label, everything, [(v, words(v), counts[v]) for v in ordered], len(listed))


def marker(values: Mapping[str, Iterable[str]], sort: str | None = None) -> Safe:
    """The marker a row carries: an empty span with its values per facet (and its sort key, for kb.js)."""
    attrs = [f'data-sort="{html_text(sort)}"'] if sort is not None else []
    attrs += [
        f'data-f-{name}="{html_text(" ".join(dict.fromkeys(v for v in vs if v)))}"' for name, vs in values.items()
    ]
    return Safe(f"<span {' '.join(attrs)}></span>")


def block(noun: str, facets: list[Facet], scope: str) -> Safe:
    """The page's filters as a JSON data block: what the rows are (`noun`, "events"), the facets that have
    a choice (`Facet.useful`), and what the filter covers (`scope`, a sentence). Empty when nothing is to choose."""
    shown = [f for f in facets if f.useful]
    if not shown:
        return Safe("")
    data = {
        "noun": noun,
        "scope": scope,
        "facets": [
            {"name": f.name, "label": f.label, "all": f.everything, "options": [list(o) for o in f.options]}
            for f in shown
        ],
    }
    return json_block(data, ELEMENT_ID)


def actor_name(kb: KnowledgeBase) -> Callable[[str], str]:
    return lambda i: kb.actors[i].name if i in kb.actors else i
