"""The fact types, in one table: what each is called, where its files and pages live, how it is read,
how briefings and editors use it. Every consumer reads this table when it runs (never a copy taken at
import), so adding a fact type is a schema, a page template, a dataclass and one entry here, or one
`add(...)` call (CONTRIBUTING.md, "A new fact type"; tests/test_fact_type.py does it with a fixture type).

"Type" is the fact type (event, actor...); "kind" is only ever a category within a type (an actor's
kind is state, person...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kb.core.facts import Actor, Assessment, Briefing, Event, Fact, Figure, Place, Source
from kb.core.loader import Document, decode, load, load_front_matter, parse, parse_front_matter


@dataclass(frozen=True)
class Skeleton:
    """One line of the file `kb new` writes: a field and how it starts out."""

    key: str
    start: str | None = None  # "title", "today", "year", "id", or a literal value; None: left empty
    optional: bool = False  # commented out: an example the editor may keep
    extra: str = ""  # words added to the schema's description in the comment


class Model(Protocol):
    """The dataclass of a fact type, as the loader uses it: the fact a valid document describes."""

    def from_doc(self, doc: Document) -> Fact: ...


@dataclass(frozen=True)
class FactType:
    name: str  # as written in a briefing link (`event:id`), in `kb new`, and in messages
    folder: str  # data/<folder>/ and the site's section
    title: str  # "Event"
    plural: str  # "Events"
    model: type[Briefing] | Model  # the dataclass its files become (read with its from_doc)
    cited_order: int  # its place in a briefing's facts-cited panel
    linkable: bool = True  # a briefing may link to it: `[text](name:id)`
    suffix: str = ".yaml"  # of its files; ".md" files carry front matter and a prose body
    skeleton: tuple[Skeleton, ...] = ()  # the fields `kb new` writes, in order
    cites: bool = True  # its files carry `sources:` citations (a skeleton adds them)
    columns_after: tuple[str, ...] = field(default=())  # download columns beyond the schema's fields
    example: str = ""  # a title for the example in the fact file reference
    schema_path: Path | None = None  # its JSON Schema; None: the package's kb/schemas/<name>.json
    template: str | Path | None = None
    """Its page template, for a type whose pages need no code of their own (kb/site/render/plain.py gives it
    the fact and the lists every fact page has): a name in kb/site/render/templates/, or a file elsewhere (a
    test's fixture type). None: its pages are rendered by code of its own (render/site.py's FACT_PAGES), or
    it has none."""

    @property
    def schema(self) -> str:
        """The name of its JSON Schema (kb/schemas/<name>.json)."""
        return self.name

    def page(self, fact: Fact) -> str:
        """The docs path of the page showing `fact` (a figure is a row, with an anchor, on its series page)."""
        if isinstance(fact, Figure):
            return f"{series_page(fact.actor, fact.metric)}#{fact.id}"
        return f"{self.folder}/{fact.id}.md"

    def read(self, path: Path) -> tuple[Document, str | None, int]:
        """Load a file of this type: its fields, and for prose types its body and the body's first line.
        Raises LoadError with a located finding."""
        if self.suffix == ".md":
            return load_front_matter(path)
        return load(path), None, 0

    def parse_bytes(self, raw: bytes, path: Path) -> tuple[Document, str | None, int]:
        """`read` for the bytes of a file of this type that come from elsewhere (git): the same checks."""
        text = decode(path, raw)
        if self.suffix == ".md":
            return parse_front_matter(text, path)
        return parse(text, path), None, 0

    def build(self, doc: Document, body: str | None, body_line: int) -> Fact:
        """The fact a valid document describes."""
        if isinstance(self.model, type) and issubclass(self.model, Briefing):
            return self.model.from_doc(doc, body or "", body_line, doc.data.get("id", doc.path.stem), LINKABLE)
        return self.model.from_doc(doc)


_TITLE = Skeleton("title", "title")
_NAME = Skeleton("name", "title")
_KIND = Skeleton("kind")
_ALIASES = Skeleton("aliases", "[]", optional=True)
_COUNTRY = Skeleton("country", optional=True)
_SUMMARY = Skeleton("summary", optional=True)

FACT_TYPES: list[FactType] = [
    FactType(
        "briefing",
        "briefings",
        "Briefing",
        "Briefings",
        Briefing,
        7,
        suffix=".md",
        cites=False,
        example="Harbour security in Northland",
        columns_after=("body",),
        skeleton=(
            _TITLE,
            Skeleton("date", "today", extra="today by default"),
            Skeleton("authors", "[]", optional=True),
            Skeleton("summary"),
            Skeleton("tags", "[]", optional=True),
            Skeleton("status", "draft"),
        ),
    ),
    FactType(
        "event",
        "events",
        "Event",
        "Events",
        Event,
        1,
        example="Harbour cable severed",
        skeleton=(
            _TITLE,
            Skeleton("date", "today", extra="today by default"),
            _KIND,
            Skeleton("places", "[]", optional=True),
            Skeleton("actors", "[{actor: some-actor-id, role: participant}]", optional=True),
            Skeleton("summary", extra="no run of 7 or more words copied from the source"),
        ),
    ),
    FactType(
        "actor",
        "actors",
        "Actor",
        "Actors",
        Actor,
        2,
        example="Northland",
        skeleton=(_NAME, _KIND, _ALIASES, _COUNTRY, _SUMMARY),
    ),
    FactType(
        "place",
        "places",
        "Place",
        "Places",
        Place,
        3,
        example="Port North",
        skeleton=(
            _NAME,
            _KIND,
            _ALIASES,
            _COUNTRY,
            Skeleton("within", optional=True),
            Skeleton("coordinates", "{lat: 59.437, lon: 24.745}", optional=True),
            _SUMMARY,
        ),
    ),
    FactType(
        "figure",
        "figures",
        "Figure",
        "Figures",
        Figure,
        4,
        example="Northland defence spending 2026",
        skeleton=(
            _TITLE,
            Skeleton("actor"),
            Skeleton("metric"),
            Skeleton("value"),
            Skeleton("unit"),
            Skeleton("qualifier", optional=True),
            Skeleton("period", "year", extra="this year by default"),
            Skeleton("status"),
            Skeleton("note", optional=True),
        ),
    ),
    FactType(
        "assessment",
        "assessments",
        "Assessment",
        "Assessments",
        Assessment,
        5,
        example="Harbour minister: more cable cuts are likely",
        skeleton=(
            _TITLE,
            Skeleton("holder"),
            _KIND,
            Skeleton("statement"),
            Skeleton("hedge", optional=True),
            Skeleton("date", "today", extra="today by default"),
            Skeleton("about", "[]", optional=True),
        ),
    ),
    FactType(
        "source",
        "sources",
        "Source",
        "Sources",
        Source,
        6,
        cites=False,
        example="Example Review: Harbour Security",
        skeleton=(
            _TITLE,
            Skeleton("authors", "[]", optional=True),
            Skeleton("publisher", optional=True),
            Skeleton("published", "today", optional=True),
            Skeleton("url", "https://", optional=True),
            Skeleton("retrieved", "today", extra="today by default"),
            Skeleton("type"),
            Skeleton("language", "en", optional=True),
            Skeleton("reliability", optional=True),
            _SUMMARY,
        ),
    ),
]
"""Every fact type, in the order readers meet them: the home page, the data downloads and groups of backlinks
list them so."""

BY_NAME: dict[str, FactType] = {}
BY_FOLDER: dict[str, FactType] = {}
LINKABLE: set[str] = set()
"""The maps below are views of FACT_TYPES, kept in step by `add`."""


def _index() -> None:
    BY_NAME.clear()
    BY_NAME.update((t.name, t) for t in FACT_TYPES)
    BY_FOLDER.clear()
    BY_FOLDER.update((t.folder, t) for t in FACT_TYPES)
    LINKABLE.clear()
    LINKABLE.update(t.name for t in FACT_TYPES if t.linkable)


_index()


def add(fact_type: FactType) -> Callable[[], None]:
    """Add a fact type at run time (a test's fixture type, say), or put it in place of the type of the same
    name (the same type with an edited schema), every map in step; returns the undo. Nothing else needs
    undoing: every cache that depends on the table (schemas, validators, templates) is keyed by it."""
    before = list(FACT_TYPES)
    at = next((i for i, t in enumerate(FACT_TYPES) if t.name == fact_type.name), None)
    if at is None:
        FACT_TYPES.append(fact_type)
    else:
        FACT_TYPES[at] = fact_type
    _index()

    def undo() -> None:
        FACT_TYPES[:] = before
        _index()

    return undo


def names() -> tuple[str, ...]:
    """Every fact type's name, in table order."""
    return tuple(t.name for t in FACT_TYPES)


def of(fact: Fact) -> FactType:
    """The type of `fact`."""
    return BY_NAME[fact.TYPE]


def page_of(fact: Fact) -> str:
    """The docs path of the page showing `fact`."""
    return of(fact).page(fact)


def series_page(actor_id: str, metric: str) -> str:
    """The docs path of the page of one actor's figures for one metric."""
    return f"{BY_NAME['figure'].folder}/{actor_id}/{metric}.md"


def of_path(path: Path, data_dir: Path | None = None) -> FactType | None:
    """The type a data file is, by its folder (`data/events/x.yaml` is an event) and suffix; None for a file
    in no fact folder or with the wrong suffix. With `data_dir`, the folder must sit right under it."""
    if data_dir is not None:
        try:
            rel = path.relative_to(data_dir).parts
        except ValueError:
            return None
        if len(rel) != 2:
            return None
    found = BY_FOLDER.get(path.parent.name)
    return found if found is not None and path.suffix == found.suffix else None
