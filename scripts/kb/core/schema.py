"""The JSON Schemas: where they are, read once, and walked with their `$ref`s resolved.

One schema per fact type in kb/schemas/ (editors read the same files), or where the type's entry in the
table of fact types says (a test's fixture type); shared definitions live in common.json and are referred to with relative `$ref`s (`common.json#/$defs/date`). Tools that read
the schemas for their structure rather than to validate (the formatter needs key order and which
fields hold dates or ids; the reference pages need every field with its description; the site needs
the display text of allowed values) see through a `$ref` with `resolve`: the referenced definition
with the referring node's own keywords (its `description`) on top. `inline_refs` gives the validators
a self-contained copy made by the same resolution.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from kb.core.facttypes import BY_NAME, FACT_TYPES

SchemaFiles = tuple[tuple[str, Path], ...]
"""Every schema's name with its file (a key for caches of what is made from them all)."""


def schema_file(name: str) -> Path:
    """Where the JSON Schema `name` is on this machine: the file its fact type names, else the package's
    (scripts/kb/schemas/<name>.json in a checkout), which editors read too."""
    fact_type = BY_NAME.get(name)
    if fact_type is not None and fact_type.schema_path is not None:
        return fact_type.schema_path
    return _package_file(name)


@cache  # asked for every file validated and every value displayed: one Path each, its hash kept
def _package_file(name: str) -> Path:
    return Path(str(resources.files("kb.schemas").joinpath(f"{name}.json")))


def schema_files() -> SchemaFiles:
    """Every schema, with its file: the shared definitions, then one per fact type in table order."""
    return tuple((name, schema_file(name)) for name in ("common", *(t.schema for t in FACT_TYPES)))


def schema_names() -> tuple[str, ...]:
    """Every schema's name: "common", then one per fact type in table order."""
    return tuple(name for name, _ in schema_files())


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema `name` (a fact type's, or "common")."""
    return _read(schema_file(name))


@cache  # by file: a fact type added or replaced at run time (a test's) is read from its own file
def _read(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return loaded


ID_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"
"""The slug pattern of ids, references, metrics, tags and rule names."""

DATE_PATTERN_PREFIX = "^[0-9]{4}"
"""Every date pattern (reduced-precision dates, waiver expiry days) starts with the year."""


@dataclass(frozen=True, slots=True)
class Node:
    """A schema node with its `$ref` resolved, and the schema file it came from (for nested refs)."""

    schema: dict[str, Any]
    base: str  # schema file name without .json, e.g. "event" or "common"

    @property
    def properties(self) -> dict[str, Any]:
        props: dict[str, Any] = self.schema.get("properties", {})
        return props

    def child(self, key: str) -> Node | None:
        """The node of property `key`, or None when the schema does not define it."""
        sub = self.properties.get(key)
        return resolve(sub, self.base) if isinstance(sub, dict) else None

    def items(self) -> Node | None:
        """The node of a list's items, or None when the schema does not say."""
        sub = self.schema.get("items")
        return resolve(sub, self.base) if isinstance(sub, dict) else None

    @property
    def type(self) -> str | None:
        t = self.schema.get("type")
        return t if isinstance(t, str) else None

    @property
    def is_date(self) -> bool:
        return str(self.schema.get("pattern", "")).startswith(DATE_PATTERN_PREFIX)

    @property
    def is_id(self) -> bool:
        return self.schema.get("pattern") == ID_PATTERN


def resolve(node: dict[str, Any], base: str) -> Node:
    """`node` with its `$ref` (if any) replaced by the target, the node's own keywords winning."""
    seen = set()
    merged: dict[str, Any] = {}
    while "$ref" in node:
        ref = node["$ref"]
        if (base, ref) in seen:  # pragma: no cover - our schemas have no cycles
            raise ValueError(f"$ref cycle at {base}.json: {ref}")
        seen.add((base, ref))
        for k, v in node.items():
            if k != "$ref":
                merged.setdefault(k, v)
        file, _, pointer = ref.partition("#")
        if file:
            base = file.removesuffix(".json")
        target: Any = schema(base)
        for part in filter(None, pointer.split("/")):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    for k, v in node.items():
        merged.setdefault(k, v)
    return Node(merged, base)


def root(kind: str) -> Node:
    """The schema of fact type `kind` (source, actor, ..., briefing)."""
    return resolve(schema(kind), kind)


# -- Display text of enum values: the schemas say what each allowed value is called on the site --------------

DISPLAY = "x-display"
"""The annotation beside every `enum`: each allowed value with the words readers see."""


@dataclass(frozen=True, slots=True)
class Enum:
    """One `enum` of a schema: where it is (file, JSON path), its values and their display text."""

    file: str  # schema name, e.g. "figure"
    path: tuple[str | int, ...]
    values: tuple[Any, ...]
    display: dict[str, str]

    @property
    def field(self) -> str:
        """The property the enum constrains (`status`, `role`)."""
        return next(str(p) for p in reversed(self.path) if isinstance(p, str) and p != "items")


def enums(schemas: dict[str, dict[str, Any]] | None = None) -> list[Enum]:
    """Every enum in the schemas (by default every fact type's), in file order."""
    schemas = schemas if schemas is not None else {name: schema(name) for name in schema_names()}
    found: list[Enum] = []

    def walk(node: Any, file: str, path: tuple[str | int, ...]) -> None:
        if isinstance(node, dict):
            if "enum" in node:
                shown = node.get(DISPLAY)
                found.append(Enum(file, path, tuple(node["enum"]), dict(shown) if isinstance(shown, dict) else {}))
            for key, value in node.items():
                walk(value, file, (*path, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, file, (*path, i))

    for name, tree in schemas.items():
        walk(tree, name, ())
    return found


def undisplayed(schemas: dict[str, dict[str, Any]] | None = None) -> list[tuple[Enum, Any]]:
    """(enum, value) for every allowed value that has no display text: a schema a maintainer left
    half-edited, caught by `kb check` before any page needs the text."""
    return [
        (e, v)
        for e in enums(schemas)
        for v in e.values
        if not isinstance(e.display.get(v if isinstance(v, str) else str(v)), str) or not e.display[str(v)].strip()
    ]


@cache  # by file: a fact type added at run time (a test's) has its own
def _display_table(name: str, file: Path) -> dict[str, dict[str, str]]:
    return {e.field: e.display for e in enums({name: _read(file)})}


def display(fact_type: str, field: str, value: str) -> str:
    """What readers call `value` of `field` of a fact type: display("figure", "status", "pledge")."""
    return _display_table(fact_type, schema_file(fact_type))[field][value]


def inline_refs(node: Any, base: str = "common") -> Any:
    """A copy of a schema with every `$ref` resolved in place (by `resolve`), for validators that read one
    self-contained document."""
    if isinstance(node, list):
        return [inline_refs(x, base) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        resolved = resolve(node, base)
        return inline_refs(resolved.schema, resolved.base)
    return {k: inline_refs(v, base) for k, v in node.items() if k != "$defs"}
