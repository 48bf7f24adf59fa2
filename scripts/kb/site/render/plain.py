"""Pages of the fact types that need no code of their own: the type's template (`FactType.template`) is
given the fact and what every fact page shows (the briefings that cite it, the facts that refer to it, its
citations), and the type gets an index page listing its facts. A fact type that needs more (lists of its
own, a chart) has a renderer module instead, in render/site.py's FACT_PAGES."""

from __future__ import annotations

from kb.core.dates import PartialDate
from kb.core.facts import Fact
from kb.core.facttypes import FactType, of, page_of
from kb.core.model import KnowledgeBase
from kb.site.render import templates
from kb.site.render.backlinks import cited_in, linker_label, mentioned_by, pairs
from kb.site.render.citations import citation_lines
from kb.site.render.indexes import INDEX_BOOST
from kb.site.render.links import Linker
from kb.site.render.more import Cut
from kb.site.render.text import human_date, shown


def index_page(fact_type: FactType) -> str:
    return f"{fact_type.folder}/index.md"


def _date(fact: Fact) -> PartialDate | None:
    found = getattr(fact, "date", None)
    return found if isinstance(found, PartialDate) else None


def render(kb: KnowledgeBase, fact: Fact) -> str:
    """The page of `fact`. Its template is given `fact`, `type` (its FactType), `link` (a fact's id -> a
    link to it), `date` (a date in words), `shown` (an allowed value of one of its fields in words), and the
    lists `quotes`, `mentions` and `citations` for the macros of _macros.md.j2."""
    fact_type = of(fact)
    name = templates.name_of(fact_type)
    assert name is not None, f"{fact_type.name} has no page template"
    ln = Linker(kb, page_of(fact))
    return templates.render(
        name,
        fact=fact,
        type=fact_type,
        link=ln.to,
        date=human_date,
        shown=lambda field, value: shown(fact_type.name, field, value),
        # pages of a new type have few backlinks at first: the lists are never cut (see more.py)
        quotes=Cut(cited_in(kb, fact.id, ln), None),
        mentions=Cut(pairs(mentioned_by(kb, fact.id, ln)), None),
        citations=citation_lines(ln, [(None, fact.sources)]),
    )


def index(kb: KnowledgeBase, fact_type: FactType) -> str:
    """The index of one such type: every fact of it by name, with its date and summary."""
    ln = Linker(kb, index_page(fact_type))
    facts = sorted(kb.of_type(fact_type.name).values(), key=lambda f: linker_label(kb, f.id))
    rows = [
        dict(
            link=ln.to(f),
            date=human_date(_date(f)),
            sort=d.iso() if (d := _date(f)) else "",
            summary=getattr(f, "summary", None) or "",
        )
        for f in facts
    ]
    return templates.render("index_plain.md.j2", type=fact_type, rows=rows, boost=INDEX_BOOST)
