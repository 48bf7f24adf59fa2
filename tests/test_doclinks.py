"""Links in hand-written pages, checked before the build against the pages the build will make."""

from __future__ import annotations


import pytest

from conftest import FIXTURES, REPO
from kb.check.run import check
from kb.site.doclinks import anchors, check_docs
from kb.site.render.site import page_paths, pages, write_site


@pytest.mark.parametrize("data", [FIXTURES / "valid", FIXTURES / "site", REPO / "data"], ids=["valid", "site", "real"])
def test_page_paths_are_exactly_the_rendered_pages(data):
    kb = check(data).kb
    assert page_paths(kb) == set(pages(kb))


def test_hand_written_links_typos_anchors_and_fact_references(tmp_path):
    kb = check(FIXTURES / "valid").kb
    docs = tmp_path / "docs"
    (docs / "guide").mkdir(parents=True)
    (docs / "guide" / "how.md").write_text("# How\n\n## Reading a figure {#reading}\n\nText.\n")
    (docs / "about.md").write_text(
        "# About\n\n"
        "Fine: [guide](guide/how.md#reading), [series](figures/northland/defence-spending-share-of-gdp.md#cited-in-briefings),\n"
        "[home](index.md), [web](https://example.org/x#y), [self](#about).\n\n"
        "Typo: [guide](guide/hwo.md), [actor](actors/northlnd.md).\n"
        "Anchor: [guide](guide/how.md#readin).\n"
        "Fact: [Northland](actor:northland).\n\n"
        "```md\n[in code](nowhere.md)\n```\n")
    found = check_docs(docs, kb)
    assert [(f.line, f.col, f.rule) for f in found] == [
        (6, 7, "doc-link"), (6, 30, "doc-link"), (7, 9, "doc-anchor"), (8, 7, "doc-fact-reference")]
    assert found[0].hint == "did you mean 'guide/how.md'?"
    assert found[1].hint == "did you mean 'actors/northland.md'?"
    assert found[2].hint == "did you mean '#reading'?"
    assert "(actors/northland.md)" in found[3].hint


def test_pages_generated_by_an_earlier_build_are_not_hand_written(tmp_path):
    docs = tmp_path / "docs"
    write_site(check(REPO / "data").kb, docs)  # real pages, linking to real facts
    assert check_docs(docs, check(FIXTURES / "valid").kb) == []


def test_anchor_slugs_follow_mkdocs_toc():
    assert anchors("# Likelihood yardstick\n## What *we* do `here`\n### Custom {#mine}\n<div id=\"x\"></div>") == {
        "likelihood-yardstick", "what-we-do-here", "mine", "x"}


def test_the_repository_pages_are_clean():
    kb = check(REPO / "data").kb
    assert check_docs(REPO / "docs", kb) == []


def test_relative_links_in_briefings_lead_to_pages_and_headings(tree, tmp_path):
    # Briefing bodies reach the page as sanitized HTML, which MkDocs no longer checks: kb check does.
    tree.edit("briefings/harbour-security.md", "left [Port North]",
              "left [the method](../about.md#method) [a typo](../about.md#methd) [gone](../nowhere.md) "
              "[up](#harbour-security-in-northland) [Port North]")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "about.md").write_text("# About\n\n## Method\n")
    found = check_docs(docs, tree.check().kb)
    assert [(f.path.endswith("harbour-security.md"), f.line, f.rule) for f in found] == [
        (True, 9, "doc-anchor"), (True, 9, "doc-link")]
    assert found[0].hint == "did you mean '#method'?"
