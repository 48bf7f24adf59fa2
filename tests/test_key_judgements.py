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


def test_too_many_judgements_for_one_page_go_a_page_a_year(tmp_path, monkeypatch) -> None:
    # At 10,000 facts the Key judgements page held 1,848 rows (830 KB): above LIMIT it shows the newest and
    # links a page a year, and each judgement is on exactly one year's page.
    import re
    import shutil

    from conftest import FIXTURES
    from kb.check.run import check
    from kb.site.render.site import pages

    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "site", data)
    brief = data / "briefings" / "harbour-security.md"
    brief.write_text(brief.read_text().replace('date: "2025-07-01"', 'date: "2024-07-01"'))
    monkeypatch.setattr(judgements, "LIMIT", 2)
    monkeypatch.setattr(judgements, "LATEST", 1)
    result = check(data)
    assert not result.errors, result.errors
    docs = {path: text.decode() for path, text in pages(result.kb).items() if path.startswith("judgements")}
    assert sorted(docs) == ["judgements.md", "judgements/2024.md", "judgements/2025.md"]
    main = docs["judgements.md"]
    assert "[2025 (2)](<judgements/2025.md>) · [2024 (1)](<judgements/2024.md>). Each" in main
    assert len(re.findall(r"^\| \[", main, re.M)) == 1, "the newest judgement only"
    anchors = [
        a
        for path in ("judgements/2024.md", "judgements/2025.md")
        for a in re.findall(r"#(judgement-[\w-]+)", docs[path])
    ]
    assert len(anchors) == len(set(anchors)) == 3
    assert "(<../briefings/harbour-security.md#" in docs["judgements/2024.md"], "links are relative to the part"
    assert "[All key judgements](<../judgements.md>)" in docs["judgements/2024.md"]
