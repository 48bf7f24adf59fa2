"""Assessments: someone's view, held when the source says, in words that keep the source's hedge. That the
holder is an actor and that every id it is about exists are the reference rules' (ref-type, ref-missing)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kb.check.rules.base import finding, rule
from kb.check.rules.chronology import published_by
from kb.core.findings import Finding
from kb.core.model import KnowledgeBase

_REPORTING = re.compile(r"(?i)(that|judges|holds|argues|claims|believes|says)\b")


@rule(
    "assessment-after-source",
    "error",
    "An assessment is not dated after the publication of a source that reports it.",
    "Date it when the holder held it, at the precision the source gives (often the source's own date).",
)
def assessments_precede_their_sources(kb: KnowledgeBase) -> Iterator[Finding]:
    for a in kb.assessments.values():
        if a.date is None:
            continue
        for cite in a.sources:
            source = kb.sources.get(cite.source)
            published = published_by(source) if source else None
            if source and published and a.date.compare(published) > 0:
                yield finding(
                    a,
                    "assessment-after-source",
                    f"held {a.date}, after '{source.id}' was published ({published})",
                    "date it no later than the source that reports it",
                    where=("date",),
                )


@rule(
    "assessment-statement",
    "warning",
    "An assessment's statement is what is held, written to follow `<holder> judges that` (the page adds "
    "the holder and the verb).",
    "Start with what is held: `statement: a limited attack could test the alliance`, not `that ...` or "
    "`Kasekamp argues ...`.",
)
def statements_follow_the_verb(kb: KnowledgeBase) -> Iterator[Finding]:
    for a in kb.assessments.values():
        first = a.statement.split(maxsplit=1)[0] if a.statement.split() else ""
        holder = kb.actors.get(a.holder)
        names = {w.casefold() for w in (holder.name.split() if holder else [])}
        if _REPORTING.fullmatch(first) or first.casefold().strip(",'’s") in names:
            yield finding(
                a,
                "assessment-statement",
                f"the statement starts with '{first}': the page already says who holds it and how",
                "write only what is held, as it would follow 'judges that'",
                where=("statement",),
            )


@rule(
    "assessment-hedge",
    "warning",
    "An assessment's statement keeps the source's hedge (its `hedge` word appears in the statement), so our "
    "words are no firmer than the source's.",
    "Put the hedge back into the statement (`could`, `may`...), or correct `hedge` to the source's word.",
)
def statements_keep_the_hedge(kb: KnowledgeBase) -> Iterator[Finding]:
    for a in kb.assessments.values():
        if a.hedge and not re.search(rf"(?i)\b{re.escape(a.hedge.strip())}\b", a.statement):
            yield finding(
                a,
                "assessment-hedge",
                f"the statement drops the source's hedge '{a.hedge.strip()}'",
                "keep the hedge in the statement: our words may be no firmer than the source's",
                where=("statement",),
            )
