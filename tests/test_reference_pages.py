"""Reference pages are generated from the code, so they list exactly what kb enforces."""

from __future__ import annotations

import json
import re

from kb.check.rules import RULES
from kb.core.schema import schema, schema_names
from kb.site.render import reference


def test_checks_page_lists_every_rule_once_with_severity_and_fix():
    page = reference.checks_page()
    rows = re.findall(r'^\| <span id="([a-z0-9-]+)"></span>`\1` \| (error|warning) \| (.+) \| (.+) \|$', page, re.M)
    assert sorted(r[0] for r in rows) == sorted(RULES)
    assert all(RULES[rule].severity == severity for rule, severity, _, _ in rows)
    assert f"{len(RULES)} rules" in page


def test_checks_page_names_no_rule_family_other():
    assert "## Other" not in reference.checks_page(), "give new rule prefixes a family in reference.FAMILIES"


def test_published_schemas_are_the_package_schemas():
    files = reference.files()
    for name in schema_names():
        assert json.loads(files[f"schemas/{name}.json"]) == schema(name)
    assert all(f"../schemas/{name}.json" in files[reference.FACT_FILES_PAGE] for name in schema_names())
