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

from kb.core.facts import Briefing, Fact
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


def record(fact: Fact) -> dict[str, Any]:
    """The fact as a dict, keys in column order, absent fields left out: its file's data as written."""
    data = dict(fact.doc.data, id=fact.id)
    if isinstance(fact, Briefing):
        data["body"] = fact.body
    return {c: _normalise(data[c]) for c in columns(fact.TYPE) if c in data}


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


# A download is rewritten whenever a fact of its type changes; each fact's part of it is worked out once and
# kept with the fact (`Fact.memo`), so that the live preview at 10,000 facts joins strings rather than
# serialising every fact again. The whole is byte for byte what one json.dumps or csv.writer would write.


def _json_item(fact: Fact) -> str:
    """The fact's record as `json.dumps([...], indent=1)` writes a list item: one level in."""
    return " " + json.dumps(record(fact), ensure_ascii=False, indent=1).replace("\n", "\n ")


def as_json(kb: KnowledgeBase, fact_type: str) -> bytes:
    facts = kb.of_type(fact_type)
    items = [facts[i].memo("download.json", _json_item) for i in sorted(facts)]
    text = "[\n" + ",\n".join(items) + "\n]" if items else "[]"
    return (text + "\n").encode("utf-8")


def _csv_columns(fact_type: str) -> list[str]:
    return [c for c in columns(fact_type) if c != "body"]


def _csv_line(cells: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


def _csv_row(fact: Fact) -> str:
    rec = record(fact)
    return _csv_line([_spreadsheet_safe(rec.get(c), _cell(c, rec.get(c))) for c in _csv_columns(fact.TYPE)])


def as_csv(kb: KnowledgeBase, fact_type: str) -> bytes:
    facts = kb.of_type(fact_type)
    rows = [facts[i].memo("download.csv", _csv_row) for i in sorted(facts)]
    return (_csv_line(_csv_columns(fact_type)) + "".join(rows)).encode("utf-8")


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
