"""The data page and its files: every fact type as JSON and as CSV, columns in schema order.

JSON keeps the data as written (nested lists stay nested); CSV flattens lists into one cell,
"; "-separated, and citations as "source-id (locator)". Column order is the order of the
properties in the type's JSON Schema, so it is stable and documented in one place.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection
from typing import Any

from kb.core.facts import Briefing
from kb.core.facttypes import BY_FOLDER, BY_NAME, FACT_TYPES
from kb.core.model import KnowledgeBase
from kb.core.schema import schema
from kb.site.render import templates

SKIPPED = {"$schema", "waivers"}


def columns(fact_type: str) -> list[str]:
    """The fields of a fact type in the order of its schema, then the type's own extra columns (a body)."""
    cols = ["id"] + [c for c in schema(fact_type)["properties"] if c not in SKIPPED and c != "id"]
    return cols + list(BY_NAME[fact_type].columns_after)


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _normalise(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def records(kb: KnowledgeBase, fact_type: str) -> list[dict[str, Any]]:
    """One dict per fact of `fact_type`, by id, keys in column order, absent fields left out."""
    out = []
    for fact_id in sorted(kb.of_type(fact_type)):
        fact = kb.of_type(fact_type)[fact_id]
        data = dict(fact.doc.data, id=fact.id)
        if isinstance(fact, Briefing):
            data["body"] = fact.body
        out.append({c: _normalise(data[c]) for c in columns(fact_type) if c in data})
    return out


def _cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(_item(column, v) for v in value)
    if isinstance(value, dict):
        if column == "coordinates":
            return f"{value['lat']}, {value['lon']}"
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _item(column: str, value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    if column == "sources" or ("source" in value and "locator" in value):
        credibility = f", credibility {value['credibility']}" if value.get("credibility") is not None else ""
        return f"{value['source']} ({value['locator']}{credibility})"
    if column == "actors":
        return f"{value['actor']} ({value['role']})"
    if column == "attribution":
        by = f" by {value['by']}" if value.get("by") else ""
        return f"{value['actor']}{by} ({value['confidence']} confidence: {value['basis']})"
    if column == "roles":
        of = f" of {value['of']}" if value.get("of") else ""
        span = f" {value.get('start', '')}–{value.get('end', '')}" if value.get("start") or value.get("end") else ""
        return f"{value['title']}{of}{span}"
    if column == "memberships":
        span = f" {value.get('start', '')}–{value.get('end', '')}" if value.get("start") or value.get("end") else ""
        return f"{value['organisation']}{span}"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(value: Any, text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return text
    return "'" + text if text.startswith(_FORMULA_START) else text


def as_json(kb: KnowledgeBase, fact_type: str) -> bytes:
    return (json.dumps(records(kb, fact_type), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def as_csv(kb: KnowledgeBase, fact_type: str) -> bytes:
    cols = [c for c in columns(fact_type) if c != "body"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(cols)
    for rec in records(kb, fact_type):
        writer.writerow([_spreadsheet_safe(rec.get(c), _cell(c, rec.get(c))) for c in cols])
    return buf.getvalue().encode("utf-8")


def paths(types: Collection[str] | None = None) -> list[str]:
    """The docs path of every download (of the fact types `types`), in table order."""
    return [
        f"downloads/{t.folder}.{ext}" for t in FACT_TYPES if types is None or t.name in types for ext in ("json", "csv")
    ]


def file(kb: KnowledgeBase, path: str) -> bytes:
    """The download at docs path `path` (one of `paths()`)."""
    folder, _, ext = path.removeprefix("downloads/").rpartition(".")
    fact_type = BY_FOLDER[folder].name
    return as_json(kb, fact_type) if ext == "json" else as_csv(kb, fact_type)


def render(kb: KnowledgeBase) -> str:
    types = [
        dict(
            name=t.plural,
            folder=t.folder,
            count=len(kb.of_type(t.name)),
            columns=[c for c in columns(t.name) if c != "body"],
        )
        for t in FACT_TYPES
    ]
    return templates.render("downloads.md.j2", types=types)
