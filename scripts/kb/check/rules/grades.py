"""Grades: a source's reliability grade is the editors' assessment, so it comes with their reason."""

from __future__ import annotations

from collections.abc import Iterator

from kb.check.rules.base import finding, rule
from kb.core.findings import Finding
from kb.core.model import KnowledgeBase


@rule(
    "grade-rationale",
    "error",
    "A source's reliability grade comes with the editors' reason for it (`reliability_rationale`), and a "
    "reason with a grade.",
    "Add `reliability_rationale:` saying in our own words why the source earns its grade "
    "(who wrote it, with what expertise or access, how it supports what it says).",
)
def grades_have_a_rationale(kb: KnowledgeBase) -> Iterator[Finding]:
    for s in kb.sources.values():
        if s.reliability and not s.reliability_rationale:
            yield finding(
                s,
                "grade-rationale",
                f"reliability '{s.reliability}' is given without the editors' reason",
                "add reliability_rationale: why we grade the source so, in our own words",
                where=("reliability",),
            )
        elif s.reliability_rationale and not s.reliability:
            yield finding(
                s,
                "grade-rationale",
                "a reliability rationale is given without a grade",
                "add reliability: A ... F (F: cannot be judged), or remove the rationale",
                where=("reliability_rationale",),
            )
