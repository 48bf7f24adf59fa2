"""Briefings: judgements use the likelihood yardstick and say whose judgement they are."""

from __future__ import annotations

from collections.abc import Iterator

from kb.check.rules.base import finding, rule
from kb.core.findings import Finding
from kb.core.model import KnowledgeBase
from kb.core.yardstick import YARDSTICK, term


@rule(
    "judgement-term",
    "error",
    "A judgement's likelihood is a term of the UK probability yardstick.",
    "Use one of: " + ", ".join(t.words for t in YARDSTICK) + ".",
)
def judgements_use_the_yardstick(kb: KnowledgeBase) -> Iterator[Finding]:
    for b in kb.briefings.values():
        for j in b.judgements():
            if term(j.term) is None:
                yield finding(
                    b,
                    "judgement-term",
                    f"'{j.term}' is not a yardstick term",
                    "use one of: " + ", ".join(t.words for t in YARDSTICK),
                    at=j.pos,
                )


@rule(
    "judgement-source",
    "error",
    "A judgement is attributed to the source that makes it.",
    'Cite it inside the block: `[the article judges](source:id "para 6")`.',
)
def judgements_are_attributed(kb: KnowledgeBase) -> Iterator[Finding]:
    for b in kb.briefings.values():
        for j in b.judgements():
            if not any(link.type == "source" and link.kind == "fact" for link in j.links):
                yield finding(
                    b,
                    "judgement-source",
                    "judgement names no source",
                    'add [who judges so](source:id "para N") to the indented text',
                    at=j.pos,
                )
