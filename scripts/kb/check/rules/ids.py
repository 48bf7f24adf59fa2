"""Ids: equal to the file name, unique across every fact type."""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown.extensions.toc import slugify

from kb.check.rules.base import fact_rule, finding, rule
from kb.core.facts import Briefing, Fact
from kb.core.findings import Finding
from kb.core.loader import Position
from kb.core.model import KnowledgeBase

ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@fact_rule(
    "id-filename",
    "error",
    "A fact's id equals its file name (without extension).",
    "Rename the file to `<id>.yaml`, or correct the id.",
    duplicates=True,
)
def id_matches_filename(fact: Fact) -> Iterator[Finding]:
    stem = fact.doc.path.stem
    if fact.id != stem:
        yield finding(
            fact,
            "id-filename",
            f"id '{fact.id}' does not match the file name '{fact.doc.path.name}'",
            f"rename the file to {fact.id}{fact.doc.path.suffix} or change the id to '{stem}'",
            where=("id",),
        )


@rule(
    "id-unique",
    "error",
    "No two facts share an id, whatever their types.",
    "Give one of the two facts another id (and update the references).",
)
def ids_are_unique(kb: KnowledgeBase) -> Iterator[Finding]:
    for dup in kb.duplicates:
        first = kb.get(dup.id)
        other = f"{first.doc.path}:{first.locate('id').line}" if first else "another file"
        yield finding(
            dup,
            "id-unique",
            f"id '{dup.id}' is already used by {other}",
            "ids are unique across all fact types: choose another id",
            where=("id",),
        )


@rule(
    "id-format",
    "error",
    "A briefing's file name is a valid id (lowercase letters, digits, hyphens).",
    "Rename the file, e.g. `hybrid-threats-2025.md`.",
)
def briefing_names_are_ids(kb: KnowledgeBase) -> Iterator[Finding]:
    for b in kb.briefings.values():
        if not ID.fullmatch(b.id):
            yield finding(
                b,
                "id-format",
                f"'{b.id}' is not a valid id",
                "use lowercase letters, digits and single hyphens in the file name",
                at=Position(1, 1),
            )


@fact_rule(
    "id-theme",
    "error",
    "A title, name or briefing heading does not begin with two underscores: its page heading would take "
    "an element id of the theme's own (`__config`), and the theme's script would fail on that page.",
    "Write the title without the leading underscores.",
)
def headings_take_no_theme_id(fact: Fact) -> Iterator[Finding]:
    for key in ("title", "name"):
        text = fact.doc.data.get(key)
        if isinstance(text, str) and slugify(text, "-").startswith("__"):
            yield finding(
                fact,
                "id-theme",
                f"{key} '{text}' would give its page heading the theme's id '{slugify(text, '-')}'",
                "drop the leading underscores",
                where=(key,),
            )
    if isinstance(fact, Briefing):
        b, tree = fact, fact.parsed.tree
        for heading in (
            [] if tree is None else [h for h in tree.iter() if h.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
        ):
            text = "".join(heading.itertext())
            if slugify(text, "-").startswith("__"):
                yield finding(
                    b,
                    "id-theme",
                    f"heading '{text}' would take the theme's id '{slugify(text, '-')}'",
                    "drop the leading underscores",
                    at=Position(b.body_line, 1),
                )
