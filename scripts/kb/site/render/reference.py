"""Reference pages generated from the code itself, so they cannot drift from what `kb` does:
every check rule (from the rule registry), the fact-file reference (from the JSON Schemas),
and the schemas themselves, published for editors."""

from __future__ import annotations

import json
from functools import cache
from itertools import groupby

from kb.check.rules import RULES
from kb.check.rules.base import Rule
from kb.core.facttypes import FACT_TYPES, FactType
from kb.core.judgement import SYNTAX
from kb.core.schema import SchemaFiles, schema, schema_files
from kb.core.text import table_cell
from kb.core.yardstick import CONFIDENCE, YARDSTICK
from kb.edit.schemadoc import schema_reference_markdown

CHECKS_PAGE = "reference/checks.md"
FACT_FILES_PAGE = "reference/fact-files.md"

FAMILIES = {  # rule-id prefix -> section heading, in the order a run meets them
    "yaml": "YAML hygiene (while loading)",
    "briefing": "YAML hygiene (while loading)",
    "file": "YAML hygiene (while loading)",
    "text": "YAML hygiene (while loading)",
    "schema": "Shape (JSON Schema)",
    "id": "Ids",
    "ref": "References",
    "citation": "References",
    "date": "Dates",
    "event": "Meaning across facts",
    "role": "Meaning across facts",
    "membership": "Meaning across facts",
    "actor": "Meaning across facts",
    "figure": "Figures",
    "grade": "Sources and grades",
    "assessment": "Assessments",
    "judgement": "Briefings",
    "revised": "Briefings against the history (from git)",
    "orphan": "Orphans",
    "waiver": "Waivers",
    "doc": "Pages and links (before the build)",
    "page": "Pages and links (before the build)",
    "site": "The built site (`kb check --site`)",
    "url": "External URLs (`kb check --external`)",
}
ORDER = list(dict.fromkeys(FAMILIES.values()))


def _family(r: Rule) -> str:
    return FAMILIES.get(r.id.split("-")[0], "Other")


def checks_page() -> str:
    """Markdown: every rule `kb check` knows, grouped by family, with severity and how to fix it."""
    rules = sorted(RULES.values(), key=lambda r: (ORDER.index(_family(r)) if _family(r) in ORDER else 99, r.id))
    out = [
        "---",
        "search:",
        "  boost: 0.5",
        "---",
        "",
        "# Checks",
        "",
        "<!-- Generated from the rule registry (scripts/kb/rules) by kb build; do not edit by hand. -->",
        "",
        "`kb check` reports each finding as `path:line:col: severity [rule-id] message`, with a hint on the "
        "next line (`--format json` and `--format github` carry the same fields). It exits 0 when there is "
        "no error, 1 when there are errors (or warnings, with `--strict`), and 2 on a usage or internal error.",
        "",
        f"{len(RULES)} rules, {sum(r.severity == 'error' for r in RULES.values())} of them errors. "
        "Warnings point at what is probably, not certainly, wrong.",
        "",
    ]
    for family, group in groupby(rules, key=_family):
        out += [f"## {family}", "", "| Rule | Severity | What it asks | How to fix |", "|---|---|---|---|"]
        out += [
            f'| <span id="{r.id}"></span>`{r.id}` | {r.severity} | {table_cell(r.summary)} | {table_cell(r.fix)} |'
            for r in group
        ]
        out.append("")
    out += [
        "## Waiving a rule",
        "",
        "When a finding is a deliberate exception, the fact that carries it may waive that rule, with a "
        "reason and an expiry date. Once the date has passed the waiver itself is an error (`waiver-expired`), "
        "so exceptions are looked at again:",
        "",
        "```yaml",
        "waivers:",
        "  - rule: orphan-actor",
        "    reason: cited by the briefing on naval exercises, due next week",
        '    expires: "2026-12-31"',
        "```",
        "",
        "## Likelihood words",
        "",
        "Judgements in briefings use the UK probability yardstick: "
        + ", ".join(f"*{t.words}* ({t.band})" for t in YARDSTICK)
        + ". See also [About](../about.md).",
        "",
        "## Confidence",
        "",
        "After the likelihood, a judgement's title names its confidence: "
        + ", ".join(f"*{c.words} confidence*" for c in CONFIDENCE)
        + f". A box opens so: `{SYNTAX}`. See [Confidence](../about.md#confidence).",
        "",
    ]
    return "\n".join(out)


def fact_files_page() -> str:
    """Markdown: the fact-file reference, with links to the JSON Schemas published beside it."""
    text = schema_reference_markdown()
    links = " · ".join(f"[{name}.json](../schemas/{name}.json)" for name, _ in schema_files())
    head, _, rest = text.partition("\n\n")
    return (
        "---\nsearch:\n  boost: 0.5\n---\n\n"
        + head
        + "\n\n"
        + f"The JSON Schemas (draft 2020-12) behind this page, for editors and other tools: {links}.\n\n"
        + rest
    )


def files() -> dict[str, str]:
    """Docs-relative path -> text of every reference page and published schema."""
    return _files(tuple(FACT_TYPES), schema_files())


@cache  # the same for every knowledge base: made once per table of fact types (a test may add one)
def _files(types: tuple[FactType, ...], schemas: SchemaFiles) -> dict[str, str]:
    out = {CHECKS_PAGE: checks_page(), FACT_FILES_PAGE: fact_files_page()}
    for name, _ in schemas:
        out[f"schemas/{name}.json"] = json.dumps(schema(name), indent=2, ensure_ascii=False) + "\n"
    return out
