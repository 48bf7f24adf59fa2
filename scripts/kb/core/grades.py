"""Grades on the Admiralty (NATO) system, as the editors give them: a source's reliability, A (completely
reliable) ... E (unreliable), F (cannot be judged), and the credibility of one piece of information cited
from it, 1 (confirmed by other sources) ... 6 (cannot be judged). The two are read together as one grade,
"B2". The words for each value are the schemas' (`x-display` of source.reliability and of a citation's
credibility); a grade is the editors' assessment, never the source's own.
"""

from __future__ import annotations

WEAK = frozenset({"D", "E", "F"})
"""Reliability grades a judgement should not rest on alone: not usually reliable, unreliable, cannot be judged."""


def code(reliability: str | None, credibility: int | None = None) -> str:
    """The grade as analysts write it: "B2", "B" without a credibility, "" when the source is not graded (a
    credibility alone says nothing without the source's reliability beside it)."""
    if not reliability:
        return ""
    return f"{reliability}{credibility if credibility is not None else ''}"
