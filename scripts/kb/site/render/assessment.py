"""Assessment pages, their index, and the lists of assessments on the pages of their holders and subjects.

An assessment is someone else's view, so it is always shown as reported speech that names its holder
("Ada Minister judges that ..."), with the source's own hedge beside it: never as one of our judgement
boxes, which carry our likelihood and confidence."""

from __future__ import annotations

from dataclasses import dataclass

from kb.core.facts import Assessment
from kb.core.facttypes import page_of
from kb.core.model import KnowledgeBase
from kb.site.render import templates
from kb.site.render.backlinks import cited_in, mentioned_by, pairs
from kb.site.render.citations import citation_lines
from kb.site.render.escape import Safe, md_text
from kb.site.render.indexes import INDEX_BOOST
from kb.site.render.links import Linker
from kb.site.render.more import Cut
from kb.site.render.text import attributed, human_date, reported, sentence_case, shown

INDEX = "assessments/index.md"


@dataclass(frozen=True)
class Line:
    """An assessment in a list on another page: its page, when, and what is held, by whom."""

    link: Safe
    when: str
    said: Safe  # "Ada Minister judges that ..."
    hedge: str


def path(assessment: Assessment) -> str:
    return page_of(assessment)


def line(kb: KnowledgeBase, a: Assessment, ln: Linker) -> Line:
    return Line(ln.to(a), human_date(a.date), md_text(attributed(kb, a)), a.hedge or "")


def _referring(kb: KnowledgeBase, fact_id: str, field: str) -> list[Assessment]:
    """Assessments whose `field` (holder, about) names `fact_id`, oldest first."""
    found = {
        ref.origin.id: ref.origin
        for ref in kb.cited_by.get(fact_id, ())
        if isinstance(ref.origin, Assessment) and ref.where and ref.where[0] == field and ref.origin.id != fact_id
    }
    return sorted(found.values(), key=lambda a: a.order)


def held_by(kb: KnowledgeBase, actor_id: str) -> list[Assessment]:
    """The assessments an actor holds."""
    return _referring(kb, actor_id, "holder")


def about(kb: KnowledgeBase, fact_id: str) -> list[Assessment]:
    """The assessments about a fact."""
    return _referring(kb, fact_id, "about")


def lines(kb: KnowledgeBase, found: list[Assessment], ln: Linker) -> list[Line]:
    return [line(kb, a, ln) for a in found]


def render(kb: KnowledgeBase, a: Assessment) -> str:
    ln = Linker(kb, path(a))
    return templates.render(
        "assessment.md.j2",
        a=a,
        description=attributed(kb, a),
        kind=sentence_case(shown("assessment", "kind", a.kind)),
        holder=ln.to(a.holder),
        said=Safe(f"{ln.to(a.holder)} {md_text(reported(a))}"),
        when=human_date(a.date),
        about=[ln.to(i) for i in a.about],
        # few briefings cite a view and few facts name one: the lists are never cut (see more.py)
        quotes=Cut(cited_in(kb, a.id, ln), None),
        mentions=Cut(pairs(mentioned_by(kb, a.id, ln, exclude=set(a.about))), None),
        citations=citation_lines(ln, [(None, a.sources)]),
    )


def index(kb: KnowledgeBase) -> str:
    ln = Linker(kb, INDEX)
    rows = [
        dict(
            date=human_date(a.date),
            sort=a.date.iso() if a.date else "",
            holder=ln.to(a.holder),
            kind=shown("assessment", "kind", a.kind),
            link=ln.to(a),
            hedge=a.hedge or "",
            about=[ln.to(i) for i in a.about],
        )
        for a in sorted(kb.assessments.values(), key=lambda a: a.order, reverse=True)
    ]
    return templates.render("index_assessments.md.j2", rows=rows, boost=INDEX_BOOST)
