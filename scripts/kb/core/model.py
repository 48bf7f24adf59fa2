"""The knowledge base: every fact by type and id, every reference between facts, and who cites whom."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from kb.core.dates import date_key
from kb.core.facts import Actor, Assessment, Briefing, Event, Fact, Figure, Place, Reference, Source
from kb.core.facttypes import FACT_TYPES
from kb.core.history import History

T = TypeVar("T")


@dataclass
class KnowledgeBase:
    """All facts by type and id, every reference between them, and the reverse index."""

    facts: dict[str, dict[str, Fact]] = field(default_factory=lambda: {t.name: {} for t in FACT_TYPES})
    references: list[Reference] = field(default_factory=list)
    cited_by: dict[str, list[Reference]] = field(default_factory=lambda: defaultdict(list))
    duplicates: list[Fact] = field(default_factory=list)  # facts whose id was already taken
    broken: set[str] = field(default_factory=set)  # ids of files that failed validation: not "missing"
    history: History = field(default_factory=History, repr=False, compare=False)  # from git, when read
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """What later steps work out once from these facts (the site's relations and link targets), kept
    with them rather than in module globals: emptied whenever the index is rebuilt."""

    def memo(self, key: str, make: Callable[[KnowledgeBase], T]) -> T:
        """`make(self)`, worked out on first use and kept in `derived` until the facts change."""
        if key not in self.derived:
            self.derived[key] = make(self)
        return cast(T, self.derived[key])

    def of_type(self, fact_type: str) -> dict[str, Any]:
        """The facts of one type by id (typed as the caller needs: `kb.of_type("event")` holds events)."""
        return self.facts.setdefault(fact_type, {})

    @property
    def sources(self) -> dict[str, Source]:
        return cast(dict[str, Source], self.of_type("source"))

    @property
    def actors(self) -> dict[str, Actor]:
        return cast(dict[str, Actor], self.of_type("actor"))

    @property
    def places(self) -> dict[str, Place]:
        return cast(dict[str, Place], self.of_type("place"))

    @property
    def events(self) -> dict[str, Event]:
        return cast(dict[str, Event], self.of_type("event"))

    @property
    def figures(self) -> dict[str, Figure]:
        return cast(dict[str, Figure], self.of_type("figure"))

    @property
    def assessments(self) -> dict[str, Assessment]:
        return cast(dict[str, Assessment], self.of_type("assessment"))

    @property
    def briefings(self) -> dict[str, Briefing]:
        return cast(dict[str, Briefing], self.of_type("briefing"))

    def get(self, fact_id: str) -> Fact | None:
        for table in self.facts.values():
            found = table.get(fact_id)
            if found is not None:
                return found
        return None

    def all_facts(self) -> Iterator[Fact]:
        for table in self.facts.values():
            yield from table.values()

    def add(self, fact: Fact) -> None:
        if self.get(fact.id) is not None:
            self.duplicates.append(fact)
            return
        self.of_type(fact.TYPE)[fact.id] = fact

    def index(self) -> KnowledgeBase:
        """Collect every reference and build the reverse index; call once after adding facts."""
        self.derived.clear()
        self.references = [ref for fact in self.all_facts() for ref in fact.references()]
        self.cited_by = defaultdict(list)
        for ref in self.references:
            self.cited_by[ref.target].append(ref)
        return self

    def unresolved(self) -> Iterator[Reference]:
        """References that name no fact, leaving out ids of files that failed validation (those files
        have findings of their own): what the ref-missing rule reports, and `kb diff` calls broken."""
        return (ref for ref in self.references if self.get(ref.target) is None and ref.target not in self.broken)

    def series(self) -> dict[tuple[str, str], list[Figure]]:
        """Figures grouped by (actor, metric), each group in period order."""
        groups: dict[tuple[str, str], list[Figure]] = defaultdict(list)
        for fig in self.figures.values():
            groups[fig.series].append(fig)
        for figs in groups.values():
            figs.sort(key=lambda f: (date_key(f.period), f.status, f.id))
        return dict(sorted(groups.items()))
