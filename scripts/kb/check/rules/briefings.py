"""Briefings: a key judgement names its likelihood and its confidence, has an anchor of its own, and says
whose judgement it is. How a judgement box's title and anchor are read is kb.core.judgement's."""

from __future__ import annotations

from collections.abc import Iterator

from kb.check.rules.base import finding, rule
from kb.core.facts import Judgement
from kb.core.findings import Finding
from kb.core.grades import WEAK
from kb.core.judgement import SYNTAX, valid_name
from kb.core.model import KnowledgeBase
from kb.core.yardstick import CONFIDENCE, YARDSTICK

_TERMS = ", ".join(t.words for t in YARDSTICK)
_LEVELS = ", ".join(c.words for c in CONFIDENCE)


@rule(
    "judgement-term",
    "error",
    "A judgement's title starts with its likelihood: a term of the UK probability yardstick.",
    f"Write the term first, then the confidence: `{SYNTAX}`. Terms: {_TERMS}.",
)
def judgements_use_the_yardstick(kb: KnowledgeBase) -> Iterator[Finding]:
    for b in kb.briefings.values():
        for j in b.judgements:
            if j.heading.term is None:
                said = j.heading.likelihood
                yield finding(
                    b,
                    "judgement-term",
                    f"'{said}' is not a yardstick term" if said else "judgement gives no likelihood",
                    f"write {SYNTAX}, with one of: {_TERMS}",
                    at=j.pos,
                )


@rule(
    "judgement-confidence",
    "error",
    "A judgement's title ends with its confidence, after a comma: low, moderate or high confidence "
    "(how good the evidence is, apart from how likely the outcome is).",
    f"Add the confidence the evidence supports: `{SYNTAX}`.",
)
def judgements_say_their_confidence(kb: KnowledgeBase) -> Iterator[Finding]:
    for b in kb.briefings.values():
        for j in b.judgements:
            h = j.heading
            if h.confidence_words is None:
                message = "judgement gives no confidence"
            elif h.confidence is None:
                message = f"'{h.confidence_words}' is not a confidence: say {_LEVELS} and then 'confidence'"
            elif h.rest is not None:
                message = f"'{h.rest}' follows the confidence: the title holds a likelihood and a confidence only"
            else:
                continue
            yield finding(
                b,
                "judgement-confidence",
                message,
                f'write "{h.likelihood or "likely"}, moderate confidence" (or low, high) in the quotes',
                at=j.pos,
            )


@rule(
    "judgement-anchor",
    "error",
    "A judgement's anchor is unique in its briefing, and a name given for it (the word after `judgement`) "
    "is one lowercase slug.",
    "Give the box a name of its own after `judgement`: `!!! judgement narva-2026 "
    '"likely, moderate confidence"` (the anchor is then #judgement-narva-2026).',
)
def judgement_anchors_are_unique(kb: KnowledgeBase) -> Iterator[Finding]:
    for b in kb.briefings.values():
        seen: dict[str, int] = {}
        for j in b.judgements:
            if len(j.names) > 1 or (j.names and not valid_name(j.names[0])):
                yield finding(
                    b,
                    "judgement-anchor",
                    f"'{' '.join(j.names)}' cannot name a judgement's anchor",
                    "after `judgement` write one lowercase name of letters, digits and hyphens, e.g. narva-2026",
                    at=j.pos,
                )
            elif j.anchor in seen:
                yield finding(
                    b,
                    "judgement-anchor",
                    f"anchor #{j.anchor} is taken by the judgement on line {seen[j.anchor]}",
                    "name this box after `judgement`: !!! judgement some-name "
                    f'"{j.title or "likely, moderate confidence"}"',
                    at=j.pos,
                )
            seen.setdefault(j.anchor, j.pos.line)


@rule(
    "judgement-source",
    "error",
    "A judgement is attributed to the source that makes it.",
    'Cite it inside the block: `[the article judges](source:id "para 6")`.',
)
def judgements_are_attributed(kb: KnowledgeBase) -> Iterator[Finding]:
    for b in kb.briefings.values():
        for j in b.judgements:
            if not any(link.type == "source" and link.kind == "fact" for link in j.links):
                yield finding(
                    b,
                    "judgement-source",
                    "judgement names no source",
                    'add [who judges so](source:id "para N") to the indented text',
                    at=j.pos,
                )


def sources_under(kb: KnowledgeBase, j: Judgement) -> list[str]:
    """The sources a judgement rests on: those its box cites, and those cited by the facts it links to."""
    found: dict[str, None] = {}
    for link in j.links:
        if link.kind != "fact":
            continue
        if link.type == "source":
            found[link.target] = None
        elif (fact := kb.get(link.target)) is not None:
            found.update((c.source, None) for c in fact.sources)
    return list(found)


@rule(
    "judgement-weak-sources",
    "warning",
    "A judgement does not rest only on sources the editors graded D (not usually reliable) or worse, or F "
    "(reliability cannot be judged).",
    "Support the judgement from a better-graded source, or lower its confidence and say in its text why "
    "the ground is weak; waive the rule with the reason if it must stand.",
)
def judgements_rest_on_graded_sources(kb: KnowledgeBase) -> Iterator[Finding]:
    for b in kb.briefings.values():
        for j in b.judgements:
            ids = sources_under(kb, j)
            grades = [s.reliability for i in ids if (s := kb.sources.get(i)) is not None]
            if grades and len(grades) == len(ids) and all(g in WEAK for g in grades):
                yield finding(
                    b,
                    "judgement-weak-sources",
                    "judgement rests only on sources graded "
                    + ", ".join(f"{i} ({g})" for i, g in zip(ids, grades, strict=True)),
                    "cite a better-graded source for it, or lower its confidence and say why",
                    at=j.pos,
                )
