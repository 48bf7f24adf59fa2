"""Waivers: deliberate, reasoned, expiring exceptions to a rule for one fact."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date

from kb.check.rules.base import finding, rule
from kb.core.findings import Finding
from kb.core.model import KnowledgeBase


def today() -> date:
    """The checker's today; KB_TODAY=YYYY-MM-DD pins it (tests, reproducible CI runs)."""
    pinned = os.environ.get("KB_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()


def active(expires: str) -> bool:
    try:
        return date.fromisoformat(expires) >= today()
    except ValueError:
        return False


@rule(
    "waiver-expired",
    "error",
    "A waiver's expiry date has not passed.",
    "Fix what the waiver excused and remove it, or renew it with a new reason and date.",
)
def waivers_not_expired(kb: KnowledgeBase) -> Iterator[Finding]:
    from kb.check.rules import RULES  # the registry holds this family too

    for fact in kb.all_facts():
        for w in fact.waivers:
            if w.rule not in RULES:
                yield finding(
                    fact,
                    "waiver-expired",
                    f"waiver names unknown rule '{w.rule}'",
                    "use a rule id as printed in brackets by kb check",
                    where=(*w.where, "rule"),
                )
            elif not active(w.expires):
                yield finding(
                    fact,
                    "waiver-expired",
                    f"waiver of '{w.rule}' expired on {w.expires}",
                    "fix the underlying finding and remove the waiver, or renew it",
                    where=(*w.where, "expires"),
                )
