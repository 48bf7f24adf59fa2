"""Typed facts: one dataclass per fact type, and the references each holds.

Every fact keeps the Document it came from, so rules and renderers can point back at the
exact line of any field without reaching into the loader.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, TypeVar, cast

from kb.core import judgement, prose
from kb.core.dates import PartialDate, date_key
from kb.core.fielddiff import dotted
from kb.core.loader import Document, Path_, Position

T = TypeVar("T")


def label_of(data: Mapping[str, Any]) -> str | None:
    """What readers call the fact a file's fields describe: its title or name (None if it has neither)."""
    found = data.get("title") or data.get("name")
    return str(found) if found else None


def date_or_none(value: Any) -> PartialDate | None:
    """A PartialDate for a valid date string; None for missing or invalid ones (a rule reports those)."""
    if not isinstance(value, str):
        return None
    try:
        return PartialDate.parse(value)
    except ValueError:
        return None


@dataclass(slots=True)
class Citation:
    source: str
    locator: str
    note: str | None
    where: Path_
    credibility: int | None = None  # the editors' grade of the information cited, 1 (confirmed) ... 6


@dataclass(slots=True)
class Waiver:
    rule: str
    reason: str
    expires: str
    where: Path_


@dataclass(slots=True)
class Reference:
    """One fact pointing at another: a field value, a citation or a link in a briefing."""

    origin: Fact
    target: str
    types: tuple[str, ...]  # fact types the target may be; ANY (empty): a fact of any type
    where: Path_ | None  # the field path it comes from; None for a link in briefing text
    at: Position | None = None  # where a briefing link stands (fields are located on demand)
    label: str | None = None  # link text in a briefing
    context: str | None = None  # the sentence that cites it, links flattened to text
    locator: str | None = None  # where in a source, for citations

    # Located and named on demand: most references never appear in a message.
    @property
    def pos(self) -> Position:
        return self.at if self.where is None else self.origin.locate(*self.where)  # type: ignore[return-value]

    @property
    def field(self) -> str:
        """The field it comes from, as messages name it ("actors[0].actor"), or "text"."""
        return "text" if self.where is None else dotted(self.where)

    @property
    def expected(self) -> str:
        """What the target should be, as messages name it: its first allowed type, or "fact" for any."""
        return self.types[0] if self.types else "fact"


ANY: tuple[str, ...] = ()
"""The allowed types of a reference that may name a fact of any type (what an assessment is about)."""


def _citations(data: dict[str, Any], where: Path_) -> list[Citation]:
    return [
        Citation(c["source"], c["locator"], c.get("note"), (*where, i), c.get("credibility"))
        for i, c in enumerate(data.get("sources", []))
    ]


@dataclass(kw_only=True)
class Fact:
    """Fields every fact type shares."""

    TYPE: ClassVar[str] = ""
    id: str
    doc: Document = field(repr=False, compare=False)
    sources: list[Citation] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    former_ids: list[str] = field(default_factory=list)
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """What later steps work out from this fact alone (a row of the downloads), kept with it: a fact is read
    anew when its file changes, so nothing here outlives what it was made from (the preview keeps the
    facts of unchanged files). Never what depends on other facts: that is `KnowledgeBase.memo`."""

    def memo(self, key: str, make: Callable[[Fact], T]) -> T:
        """`make(self)`, worked out on first use and kept with the fact."""
        if key not in self.derived:
            self.derived[key] = make(self)
        return cast(T, self.derived[key])

    @property
    def label(self) -> str:
        """What readers call this fact: its title or name (figures get theirs from the renderer)."""
        return label_of(self.doc.data) or self.id

    def locate(self, *where: str | int, key: bool = False) -> Position:
        return self.doc.locate(where, key=key)

    @staticmethod
    def common(doc: Document, fact_id: str | None = None) -> dict[str, Any]:
        d = doc.data
        return dict(
            id=fact_id or d["id"],
            doc=doc,
            sources=_citations(d, ("sources",)),
            tags=list(d.get("tags", [])),
            waivers=[
                Waiver(w["rule"], w["reason"], w["expires"], ("waivers", i)) for i, w in enumerate(d.get("waivers", []))
            ],
            former_ids=list(d.get("former_ids", [])),
        )

    def fields(self) -> Iterator[Field]:
        """Every reference this fact holds in a field, citations included."""
        yield from _cite(self.sources)

    def references(self) -> list[Reference]:
        """Every reference this fact holds, worked out once (it depends on the fact alone; the index of who
        cites whom is rebuilt from these after each edit)."""
        return self.memo("references", lambda fact: list(fact.find_references()))

    def find_references(self) -> Iterator[Reference]:
        for where, target, types, locator in self.fields():
            yield Reference(self, target, types, where, locator=locator)


Field = tuple[Path_, str, tuple[str, ...], str | None]
"""(path of the field, target id, fact types it may point at, locator for citations)."""


def _cite(citations: list[Citation]) -> Iterator[Field]:
    for c in citations:
        yield (*c.where, "source"), c.source, ("source",), c.locator


def _ref(where: Path_, target: str, fact_type: str) -> Field:
    return where, target, (fact_type,), None


def _any(where: Path_, target: str) -> Field:
    return where, target, ANY, None


@dataclass(kw_only=True)
class Source(Fact):
    TYPE: ClassVar[str] = "source"
    title: str
    type: str
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    published: PartialDate | None = None
    published_end: PartialDate | None = None
    published_inferred: bool = False
    url: str | None = None
    archive_url: str | None = None
    retrieved: PartialDate | None = None
    language: str | None = None
    reliability: str | None = None  # the editors' grade, A ... F
    reliability_rationale: str | None = None
    summary: str | None = None

    @classmethod
    def from_doc(cls, doc: Document) -> Source:
        d = doc.data
        return cls(
            **cls.common(doc),
            title=d["title"],
            type=d["type"],
            authors=list(d.get("authors", [])),
            publisher=d.get("publisher"),
            published=date_or_none(d.get("published")),
            published_end=date_or_none(d.get("published_end")),
            published_inferred=bool(d.get("published_inferred")),
            url=d.get("url"),
            archive_url=d.get("archive_url"),
            retrieved=date_or_none(d.get("retrieved")),
            language=d.get("language"),
            reliability=d.get("reliability"),
            reliability_rationale=d.get("reliability_rationale"),
            summary=d.get("summary"),
        )


@dataclass(slots=True)
class Role:
    title: str
    of: str | None
    start: PartialDate | None
    end: PartialDate | None
    former: bool
    sources: list[Citation]
    where: Path_


@dataclass(slots=True)
class Membership:
    organisation: str
    start: PartialDate | None
    end: PartialDate | None
    sources: list[Citation]
    where: Path_


@dataclass(kw_only=True)
class Actor(Fact):
    TYPE: ClassVar[str] = "actor"
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    founded: PartialDate | None = None
    dissolved: PartialDate | None = None
    roles: list[Role] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    summary: str | None = None

    @classmethod
    def from_doc(cls, doc: Document) -> Actor:
        d = doc.data
        roles = [
            Role(
                r["title"],
                r.get("of"),
                date_or_none(r.get("start")),
                date_or_none(r.get("end")),
                bool(r.get("former")),
                _citations(r, ("roles", i, "sources")),
                ("roles", i),
            )
            for i, r in enumerate(d.get("roles", []))
        ]
        members = [
            Membership(
                m["organisation"],
                date_or_none(m.get("start")),
                date_or_none(m.get("end")),
                _citations(m, ("memberships", i, "sources")),
                ("memberships", i),
            )
            for i, m in enumerate(d.get("memberships", []))
        ]
        return cls(
            **cls.common(doc),
            name=d["name"],
            kind=d["kind"],
            aliases=list(d.get("aliases", [])),
            country=d.get("country"),
            founded=date_or_none(d.get("founded")),
            dissolved=date_or_none(d.get("dissolved")),
            roles=roles,
            memberships=members,
            summary=d.get("summary"),
        )

    def fields(self) -> Iterator[Field]:
        yield from super().fields()
        if self.country:
            yield _ref(("country",), self.country, "actor")
        for r in self.roles:
            if r.of:
                yield _ref((*r.where, "of"), r.of, "actor")
            yield from _cite(r.sources)
        for m in self.memberships:
            yield _ref((*m.where, "organisation"), m.organisation, "actor")
            yield from _cite(m.sources)


@dataclass(kw_only=True)
class Place(Fact):
    TYPE: ClassVar[str] = "place"
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    within: str | None = None
    coordinates: tuple[float, float] | None = None
    summary: str | None = None

    @classmethod
    def from_doc(cls, doc: Document) -> Place:
        d = doc.data
        coords = d.get("coordinates")
        return cls(
            **cls.common(doc),
            name=d["name"],
            kind=d["kind"],
            aliases=list(d.get("aliases", [])),
            country=d.get("country"),
            within=d.get("within"),
            coordinates=(coords["lat"], coords["lon"]) if coords else None,
            summary=d.get("summary"),
        )

    def fields(self) -> Iterator[Field]:
        yield from super().fields()
        if self.country:
            yield _ref(("country",), self.country, "actor")
        if self.within:
            yield _ref(("within",), self.within, "place")


@dataclass(slots=True)
class Participation:
    actor: str
    role: str
    where: Path_


@dataclass(slots=True)
class Attribution:
    actor: str
    by: str | None
    basis: str
    confidence: str
    where: Path_


@dataclass(kw_only=True)
class Event(Fact):
    TYPE: ClassVar[str] = "event"
    title: str
    date: PartialDate | None  # None when the source gives no date (`undated`) or the string is invalid
    kind: str
    summary: str
    end: PartialDate | None = None
    approximate: bool = False
    undated: bool = False
    not_before: PartialDate | None = None  # bounds of an undated event, from what the source says
    not_after: PartialDate | None = None
    planned: bool = False
    places: list[str] = field(default_factory=list)
    actors: list[Participation] = field(default_factory=list)
    attribution: list[Attribution] = field(default_factory=list)
    related: list[str] = field(default_factory=list)

    @property
    def placed(self) -> PartialDate | None:
        """Where it sits in time: its date, or for an undated event its nearest bound; None if neither."""
        return self.date or self.not_before or self.not_after

    @property
    def order(self) -> tuple[tuple[int, int, int], str]:
        """Its place in time: by date, an undated event by its bounds (with neither, first), then by id."""
        return date_key(self.placed), self.id

    @classmethod
    def from_doc(cls, doc: Document) -> Event:
        d = doc.data
        return cls(
            **cls.common(doc),
            title=d["title"],
            date=date_or_none(d.get("date")),
            kind=d["kind"],
            summary=d["summary"],
            end=date_or_none(d.get("end")),
            approximate=bool(d.get("approximate")),
            undated=bool(d.get("undated")),
            not_before=date_or_none(d.get("not_before")),
            not_after=date_or_none(d.get("not_after")),
            planned=bool(d.get("planned")),
            places=list(d.get("places", [])),
            actors=[Participation(a["actor"], a["role"], ("actors", i)) for i, a in enumerate(d.get("actors", []))],
            attribution=[
                Attribution(a["actor"], a.get("by"), a["basis"], a["confidence"], ("attribution", i))
                for i, a in enumerate(d.get("attribution", []))
            ],
            related=list(d.get("related", [])),
        )

    def fields(self) -> Iterator[Field]:
        yield from super().fields()
        for i, p in enumerate(self.places):
            yield _ref(("places", i), p, "place")
        for a in self.actors:
            yield _ref((*a.where, "actor"), a.actor, "actor")
        for claim in self.attribution:
            yield _ref((*claim.where, "actor"), claim.actor, "actor")
            if claim.by:
                yield _ref((*claim.where, "by"), claim.by, "actor")
        for i, r in enumerate(self.related):
            yield _ref(("related", i), r, "event")


@dataclass(kw_only=True)
class Figure(Fact):
    TYPE: ClassVar[str] = "figure"
    actor: str
    metric: str
    value: float
    unit: str
    period: PartialDate | None
    status: str
    title: str | None = None
    qualifier: str | None = None
    period_end: PartialDate | None = None
    ongoing: bool = False
    cumulative: bool = False  # a running total up to `period`, not that period's own value
    compared_to: str | None = None
    disputed: str | None = None
    note: str | None = None

    @property
    def series(self) -> tuple[str, str]:
        return (self.actor, self.metric)

    @classmethod
    def from_doc(cls, doc: Document) -> Figure:
        d = doc.data
        return cls(
            **cls.common(doc),
            actor=d["actor"],
            metric=d["metric"],
            value=d["value"],
            unit=d["unit"],
            period=date_or_none(d["period"]),
            status=d["status"],
            title=d.get("title"),
            qualifier=d.get("qualifier"),
            period_end=date_or_none(d.get("period_end")),
            ongoing=bool(d.get("ongoing")),
            cumulative=bool(d.get("cumulative")),
            compared_to=d.get("compared_to"),
            disputed=d.get("disputed"),
            note=d.get("note"),
        )

    def fields(self) -> Iterator[Field]:
        yield from super().fields()
        yield _ref(("actor",), self.actor, "actor")
        if self.compared_to:
            yield _ref(("compared_to",), self.compared_to, "figure")


@dataclass(kw_only=True)
class Assessment(Fact):
    """A judgement, position, prescription or claim that a named actor holds, as a source reports it: the
    holder's view, kept apart from our own key judgements in briefings."""

    TYPE: ClassVar[str] = "assessment"
    title: str
    holder: str
    statement: str  # what is held, in our words, to follow "<holder> judges that"
    kind: str  # judgement, position, prescription or claim
    date: PartialDate | None  # when it was held; None only when the date string is invalid
    hedge: str | None = None  # the source's own modal word: may, could, likely, must ...
    about: list[str] = field(default_factory=list)

    @property
    def order(self) -> tuple[tuple[int, int, int], str]:
        """Its place in time: by date (an unknown date first), then by id."""
        return date_key(self.date), self.id

    @classmethod
    def from_doc(cls, doc: Document) -> Assessment:
        d = doc.data
        return cls(
            **cls.common(doc),
            title=d["title"],
            holder=d["holder"],
            statement=d["statement"],
            kind=d["kind"],
            date=date_or_none(d["date"]),
            hedge=d.get("hedge"),
            about=list(d.get("about", [])),
        )

    def fields(self) -> Iterator[Field]:
        yield from super().fields()
        yield _ref(("holder",), self.holder, "actor")
        for i, target in enumerate(self.about):
            yield _any(("about", i), target)


@dataclass(slots=True)
class Judgement:
    """A judgement box of a briefing: what stands in its title's quotes and what that says (both scales),
    its text, its anchor on the page, where it starts, and the links in it (what it rests on)."""

    title: str
    heading: judgement.Heading
    text: str
    anchor: str
    names: tuple[str, ...]  # the words after `judgement` on its opening line (the anchor's name)
    pos: Position
    links: list[prose.Link]


@dataclass(kw_only=True)
class Briefing(Fact):
    TYPE: ClassVar[str] = "briefing"
    title: str
    date: PartialDate | None
    summary: str
    status: str
    body: str
    body_line: int  # file line on which the body starts
    authors: list[str] = field(default_factory=list)
    reviewed: PartialDate | None = None
    parsed: prose.Prose = field(default_factory=prose.Prose, repr=False, compare=False)

    @property
    def order(self) -> tuple[tuple[int, int, int], str]:
        """Its place in time: by date (an unknown date first), then by id."""
        return date_key(self.date), self.id

    @classmethod
    def from_doc(cls, doc: Document, body: str, body_line: int, id: str, link_types: Collection[str]) -> Briefing:
        """The briefing of front matter `doc` and `body` (starting on file line `body_line`), whose links
        `[text](type:id)` may name the fact types `link_types`."""
        d = doc.data
        body = prose.normalise(body)
        return cls(
            **cls.common(doc, id),
            title=d["title"],
            date=date_or_none(d["date"]),
            summary=d["summary"],
            status=d["status"],
            body=body,
            body_line=body_line,
            authors=list(d.get("authors", [])),
            reviewed=date_or_none(d.get("reviewed")),
            parsed=prose.parse(body, link_types),
        )

    @property
    def as_of(self) -> PartialDate | None:
        """The date its citations were last read against the facts: when it was reviewed, or its date if
        that is later (a fact revised after this is "revised since cited")."""
        if self.reviewed is None or self.date is None:
            return self.reviewed or self.date
        return self.reviewed if self.reviewed.compare(self.date) > 0 else self.date

    def position(self, line: int, col: int) -> Position:
        """A position in the body as a position in the file."""
        return Position(self.body_line + line - 1, col)

    @cached_property
    def judgements(self) -> list[Judgement]:
        """Its judgement boxes, read once (the checker's rules, its page, its sources' pages and the Key
        judgements page all ask)."""
        links: dict[int, list[prose.Link]] = defaultdict(list)
        for link in self.parsed.links:
            if link.judgement is not None:
                links[link.judgement].append(link)
        return [
            Judgement(
                j.title or "",
                judgement.heading(j.title),
                j.text,
                judgement.anchor(j.classes, j.text),
                judgement.names(j.classes),
                self.position(j.line, j.col),
                links[n],
            )
            for n, j in enumerate(self.parsed.judgements)
        ]

    def links(self, kind: prose.LinkKind) -> Iterator[prose.Link]:
        return (link for link in self.parsed.links if link.kind == kind)

    def find_references(self) -> Iterator[Reference]:
        yield from super().find_references()
        for link in self.links("fact"):
            yield Reference(
                self,
                link.target,
                (link.type or "",),
                None,
                self.position(link.line, link.col),
                label=link.label,
                context=link.sentence,
                locator=link.title,
            )
