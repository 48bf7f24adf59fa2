"""Assessments: one test per rule that bears on them, each a minimal break of the valid sample tree's
assessment, asserting rule, file and line."""

from __future__ import annotations

import pytest

from test_rules import BRIEF, only

A = "assessments/ada-minister-more-cable-cuts.yaml"


def test_the_sample_assessment_is_valid(tree):
    assert tree.findings() == []
    assert "ada-minister-more-cable-cuts" in tree.check().kb.assessments


def test_the_holder_is_an_actor(tree):
    tree.edit(A, "holder: ada-minister", "holder: port-north")
    assert only(tree, "ref-type") == [(A, 4, "ref-type")]


def test_the_holder_exists(tree):
    tree.edit(A, "holder: ada-minister", "holder: ada-ministr")
    assert only(tree, "ref-missing") == [(A, 4, "ref-missing")]
    assert "did you mean 'ada-minister'" in tree.check().findings[0].hint


def test_what_it_is_about_exists(tree):
    tree.edit(A, "about: [harbour-cable-cut-2024]", "about: [harbour-cable-cut-2023]")
    found = tree.check().findings
    assert [(f.rule, f.line) for f in found] == [("ref-missing", 9)]
    assert "names fact 'harbour-cable-cut-2023'" in found[0].message and "harbour-cable-cut-2024" in found[0].hint


def test_it_may_be_about_a_fact_of_any_type(tree):
    tree.edit(
        A, "about: [harbour-cable-cut-2024]", "about: [harbour-cable-cut-2024, port-north, northland, sample-article]"
    )
    assert tree.findings() == []


def test_a_statement_is_required(tree):
    tree.edit(A, "statement: more cables under the harbour may be cut within the year\n", "")
    assert only(tree, "schema-required") == [(A, 2, "schema-required")]


def test_a_statement_is_not_blank(tree):
    tree.edit(A, "statement: more cables under the harbour may be cut within the year", 'statement: " "')
    assert [r for _, _, r in tree.findings()] == ["schema-pattern"]


def test_kind_is_a_category_of_views(tree):
    tree.edit(A, "kind: judgement", "kind: opinion")
    assert only(tree, "schema-enum") == [(A, 5, "schema-enum")]


def test_the_hedge_is_a_word_or_two(tree):
    tree.edit(A, "hedge: may", "hedge: " + "may " * 20)
    assert [(line, r) for _, line, r in tree.findings()] == [(7, "schema")]


def test_held_after_its_source_was_published(tree):
    tree.edit(A, 'date: "2025-06"', 'date: "2025-07"')  # the source is from June 2025
    assert only(tree, "assessment-after-source") == [(A, 8, "assessment-after-source")]


def test_held_in_the_month_of_publication_is_not_after_it(tree):
    tree.edit(A, 'date: "2025-06"', 'date: "2025-06-30"')
    assert tree.findings() == []


@pytest.mark.parametrize(
    "statement",
    [
        "that more cables under the harbour may be cut",
        "Ada Minister judges more cables under the harbour may be cut",
        "judges that more cables under the harbour may be cut",
    ],
)
def test_the_statement_follows_the_verb(tree, statement):
    tree.edit(A, "statement: more cables under the harbour may be cut within the year", f"statement: {statement}")
    assert only(tree, "assessment-statement") == [(A, 6, "assessment-statement")]


def test_the_statement_keeps_the_sources_hedge(tree):
    tree.edit(
        A, "statement: more cables under the harbour may be cut", "statement: more cables under the harbour will be cut"
    )
    assert only(tree, "assessment-hedge") == [(A, 6, "assessment-hedge")]


def test_a_briefing_links_an_assessment_by_its_type(tree):
    tree.edit(
        BRIEF,
        "More cable incidents are likely,",
        "More cable incidents are [likely](assessment:ada-minister-more-cable-cuts),",
    )
    assert tree.findings() == []
    tree.edit(BRIEF, "(assessment:ada-minister-more-cable-cuts)", "(event:ada-minister-more-cable-cuts)")
    assert only(tree, "ref-type") == [(BRIEF, 13, "ref-type")]
