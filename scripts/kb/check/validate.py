"""Shape: each document against the JSON Schema of its type, findings located at the bad node.

Two validators, one schema. jsonschema (the reference 2020-12 implementation) explains every
error of a failing file; fastjsonschema, compiled from the same schema with its $refs inlined,
decides in ~1/30 of the time whether a file fails at all. Our schemas use only keywords both
read the same way (tests/test_validate.py holds them to agreement).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from kb.core.findings import Finding
from kb.core.loader import Document, Path_
from kb.core.schema import inline_refs, schema, schema_file, schema_files


def validator(fact_type: str) -> Draft202012Validator:
    return _validator(fact_type, schema_file(fact_type))


def fast_validator(fact_type: str) -> Any:
    return _fast_validator(fact_type, schema_file(fact_type))


# Compiled once per schema file (a fact type added at run time, a test's, gets validators of its own); the
# schemas refer to common.json only, which no fact type replaces.
@cache
def _validator(fact_type: str, file: Path) -> Draft202012Validator:
    registry = Registry().with_resources(
        (f"{name}.json", Resource.from_contents(schema(name))) for name, _ in schema_files()
    )
    return Draft202012Validator(schema(fact_type), registry=registry)


@cache
def _fast_validator(fact_type: str, file: Path) -> Any:
    compiled = inline_refs(schema(fact_type)) | {"$schema": "http://json-schema.org/draft-07/schema#"}
    return fastjsonschema.compile(compiled)


def is_valid(data: Any, fact_type: str) -> bool:
    try:
        fast_validator(fact_type)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def schema_findings(doc: Document, fact_type: str) -> list[Finding]:
    """Every schema violation in `doc`, each at the line of the offending key or value."""
    if is_valid(doc.data, fact_type):  # the fast path: most files are valid
        return []
    found = {f for error in validator(fact_type).iter_errors(doc.data) for f in _findings(doc, error)}
    if not found:  # the two validators disagree: never let a file pass silently
        try:
            fast_validator(fact_type)(doc.data)
        except fastjsonschema.JsonSchemaException as exc:
            found.add(Finding(str(doc.path), 1, 1, "error", "schema", str(exc), "see the schema reference"))
    return sorted(found)


def _value_words(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing (empty)"


def _findings(doc: Document, error: ValidationError) -> Iterator[Finding]:
    where = tuple(error.absolute_path)
    last = where[-1] if where else None
    name = (
        last
        if isinstance(last, str)
        else (f"item {last + 1} of {where[-2]}" if last is not None and len(where) > 1 else "value")
    )
    path = str(doc.path)

    def at(rule: str, message: str, hint: str, node: Path_ = where, key: bool = False) -> Finding:
        pos = doc.locate(node, key=key)
        return Finding(path, pos.line, pos.col, "error", rule, message, hint)

    # Any JSON: the instance, and the keyword's value in the schema. The stubs add the unset marker of
    # errors made by hand; iter_errors sets both on every error it yields.
    v = error.validator
    inst: Any = error.instance
    keyword_value: Any = error.validator_value
    sub = error.schema if isinstance(error.schema, dict) else {}
    if v == "additionalProperties":
        known = sorted(sub.get("properties", {}))
        for extra in sorted(set(inst) - set(known)):
            close = difflib.get_close_matches(extra, known, n=1, cutoff=0.6)
            hint = (
                f"did you mean '{close[0]}'?"
                if close
                else f"allowed fields here: {', '.join(k for k in known if k != '$schema')}"
            )
            yield at("schema-unknown-field", f"unknown field '{extra}'", hint, (*where, extra), key=True)
    elif v == "required":
        for missing in keyword_value:
            if missing not in inst:
                what = f" in {name}" if where else ""
                yield at(
                    "schema-required",
                    f"missing required field '{missing}'{what}",
                    f"add '{missing}:' here" + _describe(sub, missing),
                )
    elif inst is None and v in ("type", "enum"):  # a field left empty, e.g. in a `kb new` skeleton
        allowed = f": one of {', '.join(map(str, keyword_value))}" if v == "enum" else ""
        yield at(
            "schema-type" if v == "type" else "schema-enum",
            f"'{name}' is empty",
            f"write the value after '{name}:'{allowed}"
            if where and isinstance(where[-1], str)
            else f"write the value{allowed}",
        )
    elif v == "type":
        want = keyword_value
        hint = {
            "string": 'quote the value: "..."',
            "number": "write a plain number without quotes or %",
            "array": "write a list: one '- item' per line, or [a, b]",
            "object": "write a mapping of 'field: value' lines",
            "boolean": "write true or false",
        }.get(want if isinstance(want, str) else want[0], "")
        yield at("schema-type", f"'{name}' should be {_type_words(want)}, found {_value_words(inst)}", hint)
    elif v == "enum":
        choices = [str(x) for x in keyword_value]
        close = difflib.get_close_matches(str(inst), choices, n=1, cutoff=0.5)
        hint = (f"did you mean '{close[0]}'? " if close else "") + f"allowed: {', '.join(choices)}"
        yield at("schema-enum", f"'{name}' has '{inst}', which is not one of the allowed values", hint)
    elif v == "pattern":
        yield at(
            "schema-pattern", f"'{name}' has '{inst}', which is not in the expected form", _pattern_hint(keyword_value)
        )
    elif v in ("minItems", "minLength"):
        yield at(
            "schema-empty",
            f"'{name}' is empty",
            "give at least one value" if v == "minItems" else "write some text, or remove the field",
        )
    elif v == "uniqueItems":
        yield at("schema-duplicate-item", f"'{name}' lists the same value twice", "remove the repeated item")
    elif v in ("minimum", "maximum"):
        yield at("schema-range", f"'{name}' is {inst}, outside the allowed range", f"{v} is {keyword_value}")
    else:  # any other keyword: keep jsonschema's own words, still located
        yield at("schema", f"'{name}': {error.message}", "see the field's description in the schema")


def _type_words(want: str | list[str]) -> str:
    words = {
        "string": "text",
        "number": "a number",
        "integer": "a whole number",
        "array": "a list",
        "object": "a mapping",
        "boolean": "true or false",
        "null": "empty",
    }
    if isinstance(want, list):
        return " or ".join(words.get(w, w) for w in want)
    return words.get(want, want)


def _describe(sub: dict[str, Any], field: str) -> str:
    desc = sub.get("properties", {}).get(field, {}).get("description")
    return f" ({desc})" if desc else ""


def _pattern_hint(pattern: str) -> str:
    if pattern.startswith("^[0-9]{4}(-"):
        return 'write a quoted date like "2025", "2025-09" or "2025-09-19"'
    if pattern.startswith("^[0-9]{4}-[0-9]{2}-"):
        return 'write a full quoted date like "2026-06-30"'
    if pattern.startswith("^[a-z0-9]+"):
        return "use lowercase letters, digits and single hyphens, e.g. kaja-kallas"
    if pattern.startswith("^https?"):
        return "write a full address starting with https://"
    if pattern == "\\S":
        return "write some text, or remove the field"
    return f"the value must match {pattern}"
