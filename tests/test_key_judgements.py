"""The Key judgements page: every judgement of every published briefing, linked to its box."""

from __future__ import annotations

from kb.site.render import judgements
from test_rules import BRIEF


def page(tree) -> str:
    result = tree.check()
    assert not result.errors, result.errors
    return judgements.render(result.kb)


def test_a_row_names_both_scales_and_links_the_box_and_what_it_rests_on(tree) -> None:
    text = page(tree)
    row = next(line for line in text.splitlines() if line.startswith("| [More cable"))
    assert "(<briefings/harbour-security.md#judgement-more-cable-incidents-are-likely-the>)" in row
    assert '<span data-sort="55"></span>likely (55–75%)' in row and '<span data-sort="2"></span>moderate' in row
    assert "[Sample: A Made-up Article on Harbour Security](<sources/sample-article.md>), para 7" in row


def test_drafts_are_left_out(tree) -> None:
    tree.edit(BRIEF, "status: published", "status: draft")
    assert "No published briefing holds a key judgement yet." in page(tree)


def test_judgement_text_cannot_break_the_table(tree) -> None:
    tree.edit(BRIEF, "More cable incidents are likely,", "More | cable *incidents* are likely,")
    row = next(line for line in page(tree).splitlines() if line.startswith("| [More"))
    assert row.count("|") == 7 and "[More &#124; cable incidents are likely" in row  # emphasis read as such
