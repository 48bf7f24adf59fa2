"""The fast validity gate (fastjsonschema) and the reference validator (jsonschema) agree."""

from __future__ import annotations

import copy
import dataclasses
import json

import pytest
from jsonschema import Draft202012Validator

from conftest import SHARED, VALID, needs_shared
from kb.check.validate import is_valid, validator
from kb.core.facttypes import BY_NAME, add, of_path
from kb.core.loader import LoadError, load
from kb.core.schema import inline_refs, schema, schema_names


def valid_documents() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(VALID.rglob("*.*")):
        fact_type = of_path(path)
        assert fact_type is not None, path
        out.append((fact_type.schema, fact_type.read(path)[0].data))
    return out


def mutations(data: dict) -> list[dict]:
    """Break one thing at a time, at every depth, in every way the schemas constrain."""
    out = []
    for key, value in data.items():
        for bad in (None, 7, "", [], {}, "Not An Id!", "2025-1", ["x", "x"], -1000, True):
            m = copy.deepcopy(data)
            m[key] = bad
            out.append(m)
        m = copy.deepcopy(data)
        del m[key]
        out.append(m)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for sub in value[0]:
                for bad in (None, 3, "", "NOPE"):
                    m = copy.deepcopy(data)
                    m[key][0][sub] = bad
                    out.append(m)
                m = copy.deepcopy(data)
                m[key][0]["extra-field"] = 1
                out.append(m)
    out.append(data | {"acters": []})
    return out


def test_schemas_are_valid_2020_12():
    for name in schema_names():
        Draft202012Validator.check_schema(schema(name))


def test_inlining_leaves_no_reference():
    for name in schema_names()[1:]:
        assert "$ref" not in repr(inline_refs(schema(name)))


@pytest.mark.parametrize("kind, data", valid_documents(), ids=lambda x: x if isinstance(x, str) else "")
def test_validators_agree_on_valid_and_broken_documents(kind, data):
    assert is_valid(data, kind) and validator(kind).is_valid(data)
    for broken in mutations(data):
        assert is_valid(broken, kind) == validator(kind).is_valid(broken), broken


@needs_shared(SHARED / "yaml-test-suite")
def test_validators_agree_on_the_yaml_test_suite():
    for path in sorted((SHARED / "yaml-test-suite" / "valid").glob("*.yaml")):
        try:
            data = load(path).data
        except LoadError:
            continue
        for kind in schema_names()[1:]:
            assert is_valid(data, kind) == validator(kind).is_valid(data), (path, kind)


def test_every_allowed_value_has_display_text() -> None:
    from kb.core.schema import undisplayed

    assert undisplayed() == []


def test_a_new_value_without_display_text_fails_the_check_not_the_build(tree, tmp_path) -> None:
    # A maintainer adds `projection` to figure.status but forgets its words: once `kb check` passed and
    # rendering stopped with a KeyError (issue 10, item 5). Now the check names the schema line.
    edited = copy.deepcopy(schema("figure"))
    edited["properties"]["status"]["enum"].append("projection")
    (tmp_path / "figure.json").write_text(json.dumps(edited, indent=2), encoding="utf-8")
    undo = add(dataclasses.replace(BY_NAME["figure"], schema_path=tmp_path / "figure.json"))
    try:
        tree.edit("figures/northland-defence-spending-2024.yaml", "status: actual", "status: projection")
        findings = [f for f in tree.check().findings if f.severity == "error"]
        assert [(f.rule, f.path) for f in findings] == [("schema-display", str(tmp_path / "figure.json"))]
        assert "'projection'" in findings[0].message and "x-display" in findings[0].hint
        assert findings[0].line > 1  # the line of the new value in the schema
    finally:
        undo()
    assert schema("figure") != edited


def test_a_figure_value_beyond_what_a_chart_can_show_is_refused_and_the_largest_accepted_renders(tree) -> None:
    # Found by the contract property: 1.797e308 passed the check, and the chart's headroom (x 1.12)
    # overflowed to infinity in the build.
    from kb.site.render.site import pages

    rel = "figures/northland-defence-spending-2024.yaml"
    tree.edit(rel, "value: 2.1", "value: 1.7976931348623155e+308")
    errors = tree.check().errors
    assert [(f.path.endswith(rel), f.rule) for f in errors] == [(True, "schema-range")], errors
    assert "'value'" in errors[0].message and errors[0].line > 1 and "maximum" in errors[0].hint
    tree.edit(rel, "value: 1.7976931348623155e+308", "value: 1e15")
    tree.edit(rel, "unit: percent-of-gdp", "unit: hours")  # a share is held to 0-100 by figure-range
    result = tree.check()
    assert not result.errors
    assert any(path.startswith("figures/northland/") for path in pages(result.kb))
