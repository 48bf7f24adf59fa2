"""The fact file reference, generated from the JSON Schemas so that it cannot drift from them.

`schema_reference_markdown()` returns one Markdown page: for every type, every field (nested ones
as `roles[].title`, `coordinates.lat`) with its type, whether it is required, its allowed values
and its description, followed by the skeleton `kb new` writes for that type; then the shared
building blocks (citations, waivers, dates, ids). The text depends only on the schemas: no date,
no machine path, so a rebuild that changes nothing writes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kb.core.facttypes import FACT_TYPES, FactType
from kb.core.schema import Node, resolve, root, schema
from kb.core.text import table_cell

EXAMPLE_DATE = date(2025, 1, 15)
"""The date in the examples: fixed, so that the page is the same whenever it is built."""

_SHARED = {  # common.json definitions documented once, in "Shared building blocks"
    "sources": "citation",
    "waivers": "waiver",
}
_NAMED = {
    "id": "id",
    "ref": "id of a fact",
    "date": "date",
    "text": "text",
    "tags": "list of tags",
    "former_ids": "list of ids",
    "sources": "list of citations",
    "waivers": "list of waivers",
    "citation": "citation",
    "waiver": "waiver",
}


def _def_name(sub: dict[str, Any]) -> str | None:
    ref = sub.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) and "#/$defs/" in ref else None


def _type(sub: dict[str, Any], node: Node) -> str:
    name = _def_name(sub)
    if name in _NAMED:
        return _NAMED[name]
    s = node.schema
    if "enum" in s:
        return "one of the values"
    t: str = s.get("type") or "any"
    if t == "array":
        items = node.items()
        raw = s.get("items", {})
        inner = _type(raw, items) if items is not None and isinstance(raw, dict) else "values"
        return f"list of {'mappings' if inner == 'mapping' else inner}"
    return {
        "string": "text",
        "number": "number",
        "integer": "whole number",
        "boolean": "true/false",
        "object": "mapping",
    }.get(t, t)


def _allowed(node: Node) -> str:
    s = node.schema
    parts = []
    if "enum" in s:
        parts.append(", ".join(f"`{v}`" for v in s["enum"]))
    pattern = s.get("pattern")
    if node.is_id:
        parts.append("lowercase letters, digits, single hyphens")
    elif node.is_date and pattern and pattern.endswith("-[0-9]{2}$"):
        parts.append('a full day, `"2026-06-30"`')
    elif node.is_date:
        parts.append('`"2025"`, `"2025-09"` or `"2025-09-19"`, quoted')
    elif pattern == "^https?://":
        parts.append("an address starting with `https://`")
    elif pattern and pattern != "\\S":
        parts.append(f"matching `{pattern}`")
    if "minimum" in s or "maximum" in s:
        parts.append(f"{s.get('minimum', '…')} to {s.get('maximum', '…')}")
    if s.get("minItems"):
        parts.append(f"at least {s['minItems']}")
    if s.get("uniqueItems"):
        parts.append("no repeats")
    if s.get("maxLength"):
        parts.append(f"at most {s['maxLength']} characters")
    return "; ".join(parts)


def _rows(node: Node, prefix: str = "") -> list[str]:
    """One table row per field of `node`, nested inline mappings and lists of mappings included."""
    rows = []
    required = set(node.schema.get("required", []))
    for key, raw in node.properties.items():
        if key == "$schema":
            continue
        child = node.child(key)
        assert child is not None
        desc = child.schema.get("description", "")
        shared = _SHARED.get(_def_name(raw) or "")
        if shared:
            desc += f" See [{shared.capitalize()}](#{shared})."
        path = f"{prefix}{key}"
        rows.append(
            f"| `{path}` | {table_cell(_type(raw, child))} | {'yes' if key in required else 'no'} | "
            f"{table_cell(_allowed(child))} | {table_cell(desc)} |"
        )
        if shared:
            continue
        if child.type == "object" and child.properties:
            rows += _rows(child, f"{path}.")
        items = child.items() if child.type == "array" else None
        if items is not None and items.type == "object" and _def_name(child.schema.get("items", {})) is None:
            rows += _rows(items, f"{path}[].")
    return rows


HEADER = "| Field | Type | Required | Allowed values | Description |\n|---|---|---|---|---|"


def _type_section(fact_type: FactType) -> str:
    from kb.core.text import slug
    from kb.edit.scaffold import skeleton

    node = root(fact_type.schema)
    title = node.schema.get("title", fact_type.title)
    where = f"data/{fact_type.folder}/<id>{fact_type.suffix}"
    required = ", ".join(f"`{k}`" for k in node.schema.get("required", []))
    schema_at = f"scripts/kb/schemas/{fact_type.schema}.json"
    prose = fact_type.suffix == ".md"
    example = skeleton(
        fact_type,
        fact_type.example,
        slug(fact_type.example),
        EXAMPLE_DATE,
        None if prose else f"# yaml-language-server: $schema=../../{schema_at}",
    )
    fence = "````" if "```" in example else "```"
    return "\n".join(
        [
            f"## {title}",
            "",
            node.schema.get("description", ""),
            "",
            f"File: `{where}` · schema: `{schema_at}` · required: {required}",
            "",
            HEADER,
            *_rows(node),
            "",
            f'What `kb new {fact_type.name} "{fact_type.example}"` writes (fill in the empty fields; optional ones are '
            "commented out):",
            "",
            f"{fence}{'markdown' if prose else 'yaml'}",
            example.rstrip("\n"),
            fence,
            "",
        ]
    )


def _shared_section() -> str:
    common = schema("common")
    out = ["## Shared building blocks", "", common.get("description", ""), ""]
    for name in ("citation", "waiver"):
        node = resolve({"$ref": f"common.json#/$defs/{name}"}, "common")
        out += [f"### {name.capitalize()}", "", node.schema.get("description", ""), "", HEADER, *_rows(node), ""]
    out += ["### Values", "", "| Kind | Allowed values | Description |", "|---|---|---|"]
    for name in ("id", "ref", "date", "text", "tags", "former_ids"):
        node = resolve({"$ref": f"common.json#/$defs/{name}"}, "common")
        out.append(
            f"| {_NAMED[name]} | {table_cell(_allowed(node))} | {table_cell(node.schema.get('description', ''))} |"
        )
    return "\n".join(out) + "\n"


def schema_reference_markdown() -> str:
    """The Markdown reference of every fact type, generated from the JSON Schemas."""
    from kb.core.text import slug  # anchors: the slugs MkDocs and GitHub give the headings

    titles = [root(t.schema).schema.get("title", t.title) for t in FACT_TYPES] + ["Shared building blocks"]
    toc = " · ".join(f"[{t}](#{slug(t, 200)})" for t in titles)
    parts = [
        "# Fact file reference",
        "",
        "<!-- Generated from scripts/kb/schemas/*.json by `kb schema-doc`; do not edit by hand. -->",
        "",
        "Every fact is one YAML file named after its id; a briefing is a Markdown file with YAML front "
        "matter. Dates are quoted strings of the precision the source gives; ids are lowercase slugs that "
        "never change. Your editor completes and checks these fields (see CONTRIBUTING.md), and "
        "`kb check` reports anything out of place with its file and line.",
        "",
        toc,
        "",
    ]
    parts += [_type_section(t) for t in FACT_TYPES]
    parts.append(_shared_section())
    return "\n".join(parts)
