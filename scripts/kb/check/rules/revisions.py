"""Briefings against the history of what they cite: a fact revised after a briefing was written (or last
reviewed) may no longer say what the briefing's sentence says. Needs the history from git (kb.core.history);
without it (outside a checkout) there is nothing to compare, and nothing is reported."""

from __future__ import annotations

from collections.abc import Iterator

from kb.check.rules.base import finding, rule
from kb.core.fielddiff import short
from kb.core.findings import Finding
from kb.core.history import revised_fields
from kb.core.model import KnowledgeBase


@rule(
    "revised-since-cited",
    "warning",
    "No fact a briefing cites was revised after the briefing's `date` (or its `reviewed` date, if later), "
    "by the commit dates of the history in git.",
    "Read the citing sentence against the fact as it is now and correct the briefing if needed; then set "
    '`reviewed: "YYYY-MM-DD"` in its front matter to the day of that reading, or waive the rule with a reason.',
)
def cited_facts_not_revised_since(kb: KnowledgeBase) -> Iterator[Finding]:
    for b in kb.briefings.values():
        since = b.as_of
        if since is None:
            continue
        which = "reviewed date" if since is b.reviewed else "date"
        seen: set[str] = set()
        for ref in b.references():
            if ref.where is not None or ref.target in seen:
                continue
            seen.add(ref.target)
            revisions = kb.history.revised_since(ref.target, since)
            if not revisions:
                continue
            what = "; ".join(
                f.path if f.path == "text" else f"{f.path} {short(f.old, 30)} -> {short(f.new, 30)}"
                for f in revised_fields(revisions)
            )
            yield finding(
                b,
                "revised-since-cited",
                f"cites {ref.types[0]} '{ref.target}', revised on {revisions[-1].commit.day} after this briefing's "
                f"{which} ({since}): {what}",
                f'check the sentence against the fact now; then set reviewed: "{revisions[-1].commit.day}" or later',
                at=ref.pos,
            )
