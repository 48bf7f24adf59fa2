"""The data page and its files: every fact type as JSON and as CSV, columns in schema order.

JSON keeps the data as written (nested lists stay nested); CSV flattens lists into one cell,
"; "-separated, and citations as "source-id (locator)". Column order is the order of the
properties in the type's JSON Schema, so it is stable and documented in one place.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from kb.core.model import FACT_KINDS, FOLDERS, Briefing, KnowledgeBase
from kb.site.render import templates
from kb.site.render.text import KIND_NAMES
from kb.core.schema import schema

SKIPPED = {"$schema", "waivers"}


def columns(kind: str) -> list[str]:
    cols = ["id"] + [c for c in schema(kind)["properties"] if c not in SKIPPED and c != "id"]
    return cols + ["body"] if kind == "briefing" else cols


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _normalise(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def records(kb: KnowledgeBase, kind: str) -> list[dict[str, Any]]:
    """One dict per fact of `kind`, by id, keys in column order, absent fields left out."""
    out = []
    for fact_id in sorted(kb.of_kind(kind)):
        fact = kb.of_kind(kind)[fact_id]
        data = dict(fact.doc.data, id=fact.id)
        if isinstance(fact, Briefing):
            data["body"] = fact.body
        out.append({c: _normalise(data[c]) for c in columns(kind) if c in data})
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
    if column == "sources" or "source" in value and "locator" in value:
        return f"{value['source']} ({value['locator']})"
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


def as_json(kb: KnowledgeBase, kind: str) -> bytes:
    return (json.dumps(records(kb, kind), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def as_csv(kb: KnowledgeBase, kind: str) -> bytes:
    cols = [c for c in columns(kind) if c != "body"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(cols)
    for rec in records(kb, kind):
        writer.writerow([_spreadsheet_safe(rec.get(c), _cell(c, rec.get(c))) for c in cols])
    return buf.getvalue().encode("utf-8")


def files(kb: KnowledgeBase) -> dict[str, bytes]:
    """docs path -> bytes for every download."""
    out = {}
    for kind in FACT_KINDS:
        out[f"downloads/{FOLDERS[kind]}.json"] = as_json(kb, kind)
        out[f"downloads/{FOLDERS[kind]}.csv"] = as_csv(kb, kind)
    return out


def render(kb: KnowledgeBase) -> str:
    kinds = [dict(name=f"{KIND_NAMES[k]}s", folder=FOLDERS[k], count=len(kb.of_kind(k)),
                  columns=[c for c in columns(k) if c != "body"]) for k in FACT_KINDS]
    return templates.render("downloads.md.j2", kinds=kinds)
