"""Chronology across facts: what a source reports, who held what when, who joined what."""

from __future__ import annotations

from collections.abc import Iterator

from kb.check.rules.base import finding, rule
from kb.core.dates import PartialDate
from kb.core.facts import Source
from kb.core.findings import Finding
from kb.core.model import KnowledgeBase


def published_by(source: Source) -> PartialDate | None:
    """The date a source was certainly published by; None when only a lower bound is known."""
    if source.published_end:
        return source.published_end
    return None if source.published_inferred else source.published


@rule(
    "event-after-source",
    "error",
    "An event a source reports is not dated after the source's publication, unless marked `planned`.",
    "Correct the date or the citation; for an announced future event set `planned: true`.",
)
def events_precede_their_sources(kb: KnowledgeBase) -> Iterator[Finding]:
    for event in kb.events.values():
        # an undated event's earliest bound is where it can start at the latest
        field, date = ("date", event.date) if event.date else ("not_before", event.not_before)
        if date is None or event.planned:
            continue
        for cite in event.sources:
            source = kb.sources.get(cite.source)
            if source is None:
                continue
            published = published_by(source)
            if published and date.compare(published) > 0:
                yield finding(
                    event,
                    "event-after-source",
                    f"{'dated' if field == 'date' else 'not before'} {date}, after '{source.id}' was published "
                    f"({published})",
                    "check the date; if the source announces it for the future, set planned: true",
                    where=(field,),
                )


def _overlap(
    a_start: PartialDate | None, a_end: PartialDate | None, b_start: PartialDate | None, b_end: PartialDate | None
) -> bool:
    """Strict overlap of two periods; an open end runs on, an unknown start cannot be judged."""
    if a_start is None or b_start is None:
        return False
    return (b_end is None or a_start.compare(b_end) < 0) and (a_end is None or b_start.compare(a_end) < 0)


@rule(
    "role-overlap",
    "error",
    "A person does not hold the same position twice over overlapping periods.",
    "Merge the two roles into one, or correct their dates.",
)
def roles_do_not_overlap(kb: KnowledgeBase) -> Iterator[Finding]:
    for actor in kb.actors.values():
        for i, a in enumerate(actor.roles):
            for b in actor.roles[i + 1 :]:
                if (a.title.casefold(), a.of) == (b.title.casefold(), b.of) and _overlap(
                    a.start, a.end, b.start, b.end
                ):
                    yield finding(
                        actor,
                        "role-overlap",
                        f"'{b.title}' is held twice over overlapping periods (see line {actor.locate(*a.where).line})",
                        "merge the two roles or correct their start and end",
                        where=b.where,
                    )


@rule(
    "membership-before-founding",
    "error",
    "A membership does not start before the organisation was founded.",
    "Correct the membership's start or the organisation's `founded` date.",
)
def memberships_follow_founding(kb: KnowledgeBase) -> Iterator[Finding]:
    for actor in kb.actors.values():
        for m in actor.memberships:
            org = kb.actors.get(m.organisation)
            if org and org.founded and m.start and m.start.compare(org.founded) < 0:
                yield finding(
                    actor,
                    "membership-before-founding",
                    f"membership of '{org.id}' starts {m.start}, before it was founded ({org.founded})",
                    "check both dates against their sources",
                    where=(*m.where, "start"),
                )
