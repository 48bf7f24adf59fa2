"""Editor completion: every fact folder maps to a schema that exists and is valid Draft 2020-12."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from kb.core.facttypes import FACT_TYPES
from kb.core.schema import schema_names

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "scripts" / "kb" / "schemas"


def settings() -> dict:
    return json.loads((REPO / ".vscode" / "settings.json").read_text("utf-8"))


def test_every_glob_maps_to_an_existing_schema_of_its_folder() -> None:
    mapping = settings()["yaml.schemas"]
    covered = {}
    for schema_path, globs in mapping.items():
        target = (REPO / schema_path).resolve()
        assert target.is_file(), f"{schema_path} does not exist"
        assert target.parent == SCHEMAS, "editors must use the schemas the checker uses"
        for glob in [globs] if isinstance(globs, str) else globs:
            parts = glob.split("/")
            assert parts[0] == "data" and parts[-1] == "*.yaml", glob
            covered[parts[1]] = target.stem
    # every YAML fact folder is mapped, to the schema of its own type (briefings are Markdown)
    assert covered == {t.folder: t.schema for t in FACT_TYPES if t.suffix == ".yaml"}


def test_vscode_recommends_the_yaml_extension() -> None:
    recommended = json.loads((REPO / ".vscode" / "extensions.json").read_text("utf-8"))["recommendations"]
    assert "redhat.vscode-yaml" in recommended


@pytest.mark.parametrize("name", schema_names())
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text("utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for v in node.values():
            yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


@pytest.mark.parametrize("name", schema_names())
def test_relative_refs_resolve_from_the_schema_folder(name: str) -> None:
    """Editors resolve `common.json#/...` next to the schema file, so every target must be there."""
    schema = json.loads((SCHEMAS / f"{name}.json").read_text("utf-8"))
    for ref in _refs(schema):
        file, _, pointer = ref.partition("#")
        target = json.loads((SCHEMAS / file).read_text("utf-8")) if file else schema
        for part in filter(None, pointer.split("/")):
            assert part in target, f"{name}.json: {ref} does not resolve"
            target = target[part]


def _fact_files():
    for root in (REPO / "tests" / "fixtures" / "valid", REPO / "tests" / "fixtures" / "site"):
        for t in FACT_TYPES:
            if t.suffix == ".yaml":
                yield from ((p, t.schema) for p in sorted((root / t.folder).glob("*.yaml")))


def test_schema_lines_in_fact_files_point_at_their_type() -> None:
    prefix = "# yaml-language-server: $schema="
    seen = 0
    for path, kind in _fact_files():
        first = path.read_text("utf-8").split("\n", 1)[0]
        if first.startswith(prefix):
            seen += 1
            assert (path.parent / first[len(prefix) :]).resolve() == SCHEMAS / f"{kind}.json", path
    assert seen, "at least the sample source carries a schema line"
