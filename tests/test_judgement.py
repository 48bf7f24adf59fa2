"""A judgement box's heading and anchor, read in one place (kb.core.judgement) for the checker and the page."""

from __future__ import annotations

import dataclasses

import pytest

from kb.core import prose
from kb.core.judgement import anchor, heading


@pytest.mark.parametrize(
    "title, term, level",
    [
        ("likely, moderate confidence", "likely", "moderate"),
        ("Realistic possibility,  LOW confidence", "realistic possibility", "low"),
        ("probable, high confidence", "likely", "high"),
        ("likely", "likely", None),
        ("likely, medium confidence", "likely", None),
        ("quite possible, high confidence", None, "high"),
        (None, None, None),
    ],
)
def test_the_title_holds_both_scales(title, term, level) -> None:
    read = heading(title)
    assert (read.term.words if read.term else None, read.confidence.words if read.confidence else None) == (term, level)
    assert read.complete == (term is not None and level is not None)


def test_anything_after_the_confidence_is_kept_for_the_checker() -> None:
    read = heading("likely, high confidence, mostly")
    assert read.rest == "mostly" and not read.complete


def test_the_anchor_is_the_given_name_else_the_first_words() -> None:
    assert anchor(("judgement", "narva-2026"), "Fears will grow.") == "judgement-narva-2026"
    assert anchor(("judgement",), "Fears over Narva will probably grow in 2026, the article judges.") == (
        "judgement-fears-over-narva-will-probably-grow-in"
    )
    assert anchor(("judgement", "Narva_2026"), "x") == "judgement-narva-2026", "made a slug, reported by the checker"
    assert anchor(("judgement",), "") == "judgement-box"


def test_the_page_gives_the_box_its_anchor_and_both_classes() -> None:
    from test_prose import TYPES, resolver

    body = prose.normalise('!!! judgement narva-2026 "likely, low confidence"\n    Text.\n')
    box = prose.parse(body, TYPES).judgements[0]
    assert box.classes == ("admonition", "judgement", "narva-2026")

    def shown(j: prose.Judgement) -> prose.JudgementBox:
        return prose.JudgementBox((("Judgement", None),), "likely confidence-low", anchor(j.classes, j.text))

    page = prose.render(prose.parse(body, TYPES), body, dataclasses.replace(resolver(), judgement=shown))
    assert '<div class="admonition judgement likely confidence-low" id="judgement-narva-2026">' in page.segments[0].text


@pytest.mark.parametrize("given", ["__search", "judgement-X", "judgement-a b", "fnref:src-1"])
def test_the_sanitizer_keeps_only_judgement_anchors_on_divs(given: str) -> None:
    assert prose.sanitize(f'<div id="{given}">x</div>') == "<div>x</div>"
    assert prose.sanitize('<div id="judgement-narva-2026">x</div>') == '<div id="judgement-narva-2026">x</div>'
