"""Rules of meaning across facts: each with a minimal bad fixture asserting rule id, file and line."""

from __future__ import annotations

import pytest

from test_rules import BRIEF, EVENT, VISIT, only


def test_event_after_its_source_was_published(tree):
    tree.edit(VISIT, 'date: "2025-03-05"', 'date: "2025-07-01"')  # the source is from June 2025
    f = only(tree, "event-after-source")
    assert f == [(VISIT, 3, "event-after-source")]


def test_planned_event_may_postdate_its_source(tree):
    tree.edit(VISIT, 'date: "2025-03-05"', 'date: "2026"\nplanned: true')
    assert tree.findings() == []


def test_same_month_as_publication_is_not_after_it(tree):
    tree.edit(VISIT, 'date: "2025-03-05"', 'date: "2025-06-30"')
    assert tree.findings() == []


def test_inferred_publication_is_a_lower_bound_only(tree):
    tree.edit("sources/sample-article.yaml", 'published: "2025-06"', 'published: "2025-06"\npublished_inferred: true')
    tree.edit(VISIT, 'date: "2025-03-05"', 'date: "2025-09"')
    assert tree.findings() == []
    tree.edit(
        "sources/sample-article.yaml", "published_inferred: true", 'published_inferred: true\npublished_end: "2025-08"'
    )
    assert only(tree, "event-after-source") == [(VISIT, 3, "event-after-source")]


def test_same_role_twice_over_overlapping_periods(tree):
    tree.edit(
        "actors/ada-minister.yaml",
        'sources:\n  - {source: sample-article, locator: "para 3"}\n',
        '  - title: foreign minister\n    of: northland\n    start: "2024"\n'
        "    sources: [{source: sample-article, locator: para 3}]\n"
        'sources:\n  - {source: sample-article, locator: "para 3"}\n',
    )
    assert only(tree, "role-overlap") == [("actors/ada-minister.yaml", 12, "role-overlap")]


def test_successive_terms_in_one_role_do_not_overlap(tree):
    tree.edit("actors/ada-minister.yaml", '    start: "2023"\n', '    start: "2019"\n    end: "2021"\n')
    tree.edit(
        "actors/ada-minister.yaml",
        'sources:\n  - {source: sample-article, locator: "para 3"}\n',
        '  - title: Foreign Minister\n    of: northland\n    start: "2023"\n'
        "    sources: [{source: sample-article, locator: para 3}]\n"
        'sources:\n  - {source: sample-article, locator: "para 3"}\n',
    )
    assert tree.findings() == []


def test_membership_before_the_organisation_existed(tree):
    tree.edit("actors/harbour-league.yaml", "aliases: [HL]", 'aliases: [HL]\nfounded: "2010"')
    assert only(tree, "membership-before-founding") == [("actors/northland.yaml", 7, "membership-before-founding")]


def test_dissolved_before_founded(tree):
    tree.edit("actors/harbour-league.yaml", "aliases: [HL]", 'aliases: [HL]\nfounded: "2000"\ndissolved: "1999"')
    assert only(tree, "date-order") == [("actors/harbour-league.yaml", 6, "date-order")]


def test_near_duplicate_events(tree):
    text = (tree.root / EVENT).read_text().replace("id: harbour-cable-cut-2024", "id: harbour-cable-cut-dec-2024")
    tree.write(
        "events/harbour-cable-cut-dec-2024.yaml",
        text.replace("title: Harbour cable severed", "title: Harbour cables severed"),
    )
    assert only(tree, "event-near-duplicate") == [("events/harbour-cable-cut-dec-2024.yaml", 2, "event-near-duplicate")]


def test_different_titles_same_day_are_distinct(tree):
    text = (tree.root / EVENT).read_text().replace("id: harbour-cable-cut-2024", "id: harbour-drill-2024")
    tree.write(
        "events/harbour-drill-2024.yaml",
        text.replace("title: Harbour cable severed", "title: Navy drills off the coast"),
    )
    assert tree.findings() == []


def test_alias_that_names_another_actor(tree):
    tree.edit("actors/harbour-league.yaml", "aliases: [HL]", "aliases: [HL, northland]")
    assert only(tree, "actor-near-duplicate") == [("actors/harbour-league.yaml", 4, "actor-near-duplicate")]


def test_judgement_off_the_yardstick(tree):
    tree.edit(BRIEF, '!!! judgement "likely,', '!!! judgement "quite possible,')
    assert only(tree, "judgement-term") == [(BRIEF, 12, "judgement-term")]


def test_judgement_synonym_probable_is_likely(tree):
    tree.edit(BRIEF, '!!! judgement "likely,', '!!! judgement "Probable,')
    assert tree.findings() == []


def test_judgement_without_a_source(tree):
    tree.edit(BRIEF, '[the article argues](source:sample-article "para 7")', "the editors think")
    assert only(tree, "judgement-source") == [(BRIEF, 12, "judgement-source")]


@pytest.mark.parametrize(
    "title, message",
    [
        ("likely", "judgement gives no confidence"),
        ("likely, medium confidence", "'medium confidence' is not a confidence"),
        ("likely, moderate", "'moderate' is not a confidence"),
        ("likely, high confidence, or so", "'or so' follows the confidence"),
    ],
)
def test_judgement_without_a_confidence(tree, title, message):
    tree.edit(BRIEF, '"likely, moderate confidence"', f'"{title}"')
    assert only(tree, "judgement-confidence") == [(BRIEF, 12, "judgement-confidence")]
    assert message in tree.check().findings[0].message


def test_judgement_confidence_is_read_whatever_the_case_and_spacing(tree):
    tree.edit(BRIEF, '"likely, moderate confidence"', '"Likely ,  High  Confidence"')
    assert tree.findings() == []


def test_judgement_with_the_scales_swapped(tree):
    tree.edit(BRIEF, '"likely, moderate confidence"', '"moderate confidence, likely"')
    assert {r for _, _, r in tree.findings()} == {"judgement-term", "judgement-confidence"}


def test_judgement_anchors_are_unique_in_a_briefing(tree):
    box = '!!! judgement "likely, moderate confidence"\n    More cable incidents are likely, [the article argues](source:sample-article "para 7").\n'
    text = (tree.root / BRIEF).read_text()
    (tree.root / BRIEF).write_text(text + "\n" + box)
    assert only(tree, "judgement-anchor") == [(BRIEF, 15, "judgement-anchor")]
    # a name of its own after `judgement` gives the second box an anchor of its own
    (tree.root / BRIEF).write_text(text + "\n" + box.replace("judgement ", "judgement again "))
    assert tree.findings() == []


@pytest.mark.parametrize("name", ["two words", "Narva_2026"])
def test_judgement_anchor_name_is_one_slug(tree, name):
    tree.edit(BRIEF, "!!! judgement ", f"!!! judgement {name} ")
    assert only(tree, "judgement-anchor") == [(BRIEF, 12, "judgement-anchor")]


SOURCE = "sources/sample-article.yaml"


def test_a_grade_needs_the_editors_rationale(tree):
    tree.edit(SOURCE, "reliability_rationale: A signed article", "#reliability_rationale: A signed article")
    assert only(tree, "grade-rationale") == [(SOURCE, 9, "grade-rationale")]


def test_a_rationale_needs_a_grade(tree):
    tree.edit(SOURCE, "reliability: B\n", "")
    assert only(tree, "grade-rationale") == [(SOURCE, 9, "grade-rationale")]


def test_credibility_is_one_to_six(tree):
    tree.edit(
        EVENT,
        '{source: sample-article, locator: "para 4"}',
        '{source: sample-article, locator: "para 4", credibility: 7}',
    )
    assert only(tree, "schema-enum") == [(EVENT, 10, "schema-enum")]


@pytest.mark.parametrize("grade", ["D", "E", "F"])
def test_a_judgement_resting_only_on_weak_sources(tree, grade):
    tree.edit(SOURCE, "reliability: B", f"reliability: {grade}")
    assert only(tree, "judgement-weak-sources") == [(BRIEF, 12, "judgement-weak-sources")]


def test_a_judgement_with_one_better_source_is_not_weak(tree):
    tree.edit(SOURCE, "reliability: B", "reliability: E")
    # the event linked in the box also cites a source graded C: not all its ground is weak
    tree.write(
        "sources/second-report.yaml",
        'id: second-report\ntitle: A Second Report\ntype: report\nreliability: C\nreliability_rationale: "Invented."\n',
    )
    tree.edit(
        EVENT,
        '  - {source: sample-article, locator: "para 4"}',
        '  - {source: sample-article, locator: "para 4"}\n  - {source: second-report, locator: "p. 2"}',
    )
    tree.edit(
        BRIEF,
        "    More cable incidents are likely,",
        "    More [cable incidents](event:harbour-cable-cut-2024) are likely,",
    )
    assert tree.findings() == []


# --- events the source does not date -----------------------------------------------------------------------


def test_an_undated_event_with_bounds_is_fine(tree):
    tree.edit(VISIT, 'date: "2025-03-05"', 'undated: true\nnot_before: "2024-12"\nnot_after: "2025-06"')
    assert tree.findings() == []


def test_an_event_without_a_date_must_say_it_is_undated(tree):
    tree.edit(VISIT, 'date: "2025-03-05"\n', "")
    f = only(tree, "event-dating")
    assert f == [(VISIT, 1, "event-dating")]
    assert "undated: true" in tree.check().findings[0].hint


def test_an_undated_event_takes_no_date_end_or_approximate(tree):
    tree.edit(VISIT, 'date: "2025-03-05"', 'date: "2025-03-05"\nend: "2025-04"\napproximate: true\nundated: true')
    assert only(tree, "event-dating") == [(VISIT, n, "event-dating") for n in (3, 4, 5)]


def test_bounds_are_only_for_undated_events(tree):
    tree.edit(VISIT, 'date: "2025-03-05"', 'date: "2025-03-05"\nnot_before: "2024"')
    assert only(tree, "event-dating") == [(VISIT, 4, "event-dating")]


def test_bounds_in_the_wrong_order(tree):
    tree.edit(VISIT, 'date: "2025-03-05"', 'undated: true\nnot_before: "2025"\nnot_after: "2024-12"')
    assert only(tree, "date-order") == [(VISIT, 5, "date-order")]


def test_an_undated_event_cannot_start_after_its_source(tree):
    tree.edit(VISIT, 'date: "2025-03-05"', 'undated: true\nnot_before: "2025-09"')  # the source is from June 2025
    f = tree.check().findings
    assert [(x.rule, x.line) for x in f] == [("event-after-source", 4)]
    assert "not before 2025-09" in f[0].message


def test_an_invalid_bound_is_reported(tree):
    tree.edit(VISIT, 'date: "2025-03-05"', 'undated: true\nnot_after: "2025-13"')
    assert only(tree, "date-invalid") == [(VISIT, 4, "date-invalid")]
