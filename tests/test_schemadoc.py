"""The fact file reference covers every field of every schema and does not change by itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.cli import main
from kb.core.facttypes import names
from kb.core.schema import schema
from kb.edit.schemadoc import schema_reference_markdown


def _fields(node: dict, prefix: str = ""):
    """Every property path of a schema, walked independently of the generator (no $ref followed)."""
    for key, sub in node.get("properties", {}).items():
        if key == "$schema":
            continue
        yield f"{prefix}{key}"
        if sub.get("type") == "object":
            yield from _fields(sub, f"{prefix}{key}.")
        items = sub.get("items", {})
        if sub.get("type") == "array" and items.get("type") == "object":
            yield from _fields(items, f"{prefix}{key}[].")


def _sections(doc: str) -> dict[str, str]:
    parts = re.split(r"^(#{2,3} .+)$", doc, flags=re.M)
    return {parts[i].lstrip("# ").strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _row(section: str, path: str) -> str | None:
    return next((line for line in section.splitlines() if line.startswith(f"| `{path}` |")), None)


@pytest.mark.parametrize("kind", names())
def test_every_property_of_every_type_has_a_row(kind: str) -> None:
    sections = _sections(schema_reference_markdown())
    s = schema(kind)
    section = sections[s["title"]]
    required = set(s.get("required", []))
    for path in _fields(s):
        row = _row(section, path)
        assert row is not None, f"{kind}: no row for {path}"
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        if "." not in path and "[]" not in path:
            assert cells[2] == ("yes" if path in required else "no"), row
        enum = s["properties"].get(path, {}).get("enum")
        if enum:
            assert all(f"`{v}`" in cells[3] for v in enum), row
        assert cells[4], f"{kind}: {path} has no description"


def test_shared_definitions_are_documented() -> None:
    sections = _sections(schema_reference_markdown())
    defs = schema("common")["$defs"]
    for name in ("citation", "waiver"):
        for path in _fields(defs[name]):
            assert _row(sections[name.capitalize()], path), f"{name}: no row for {path}"
    for name in ("id", "ref", "date", "text", "tags", "former_ids"):
        assert defs[name]["description"].split(".")[0] in sections["Values"], name


@pytest.mark.parametrize("kind", names())
def test_each_type_shows_the_kb_new_skeleton(kind: str) -> None:
    section = _sections(schema_reference_markdown())[schema(kind)["title"]]
    assert f"`kb new {kind} " in section
    assert "fill in every empty field" in section


def test_reference_depends_only_on_the_schemas(monkeypatch) -> None:
    monkeypatch.setenv("KB_TODAY", "2030-01-01")
    first = schema_reference_markdown()
    monkeypatch.setenv("KB_TODAY", "2031-06-30")
    assert schema_reference_markdown() == first
    assert "2030" not in first and "2031" not in first


def test_toc_links_point_at_headings() -> None:
    doc = schema_reference_markdown()
    headings = {re.sub(r"[^a-z0-9]+", "-", h.lower()).strip("-") for h in re.findall(r"^#{2,3} (.+)$", doc, re.M)}
    for anchor in re.findall(r"\]\(#([^)]+)\)", doc):
        assert anchor in headings, anchor


def test_cli_prints_and_writes_only_when_changed(tmp_path: Path, capsys) -> None:
    assert main(["schema-doc"]) == 0
    assert capsys.readouterr().out == schema_reference_markdown()
    out = tmp_path / "reference.md"
    assert main(["schema-doc", "-o", str(out)]) == 0
    assert out.read_text("utf-8") == schema_reference_markdown()
    stamp = out.stat().st_mtime_ns
    assert main(["schema-doc", "-o", str(out)]) == 0
    assert out.stat().st_mtime_ns == stamp
    assert main(["schema-doc", "-o", str(tmp_path / "missing" / "x.md")]) == 2
