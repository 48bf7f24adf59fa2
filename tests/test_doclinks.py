"""Links in hand-written pages, checked before the build against the pages the build will make."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from kb.check.run import check
from kb.site.doclinks import anchors, check_docs
from kb.site.render.site import page_paths, pages, write_site


@pytest.mark.parametrize(
    "data", [FIXTURES / "valid", FIXTURES / "site", FIXTURES / "hostile"], ids=["valid", "site", "hostile"]
)
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
        "```md\n[in code](nowhere.md)\n```\n"
    )
    found = check_docs(docs, kb)
    assert [(f.line, f.col, f.rule) for f in found] == [
        (6, 7, "doc-link"),
        (6, 30, "doc-link"),
        (7, 9, "doc-anchor"),
        (8, 7, "doc-fact-reference"),
    ]
    assert found[0].hint == "did you mean 'guide/how.md'?"
    assert found[1].hint == "did you mean 'actors/northland.md'?"
    assert found[2].hint == "did you mean '#reading'?"
    assert "(actors/northland.md)" in found[3].hint


def test_pages_generated_by_an_earlier_build_are_not_hand_written(tmp_path):
    docs = tmp_path / "docs"
    write_site(check(FIXTURES / "site").kb, docs)  # pages of another knowledge base, linking to its facts
    assert check_docs(docs, check(FIXTURES / "valid").kb) == []


def test_anchor_slugs_follow_mkdocs_toc():
    assert anchors('# Likelihood yardstick\n## What *we* do `here`\n### Custom {#mine}\n<div id="x"></div>') == {
        "likelihood-yardstick",
        "what-we-do-here",
        "mine",
        "x",
    }


def test_relative_links_in_briefings_lead_to_pages_and_headings(tree, tmp_path):
    # Briefing bodies reach the page as sanitized HTML, which MkDocs no longer checks: kb check does.
    tree.edit(
        "briefings/harbour-security.md",
        "left [Port North]",
        "left [the method](../about.md#method) [a typo](../about.md#methd) [gone](../nowhere.md) "
        "[up](#harbour-security-in-northland) [Port North]",
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "about.md").write_text("# About\n\n## Method\n")
    found = check_docs(docs, tree.check().kb)
    assert [(f.path.endswith("harbour-security.md"), f.line, f.rule) for f in found] == [
        (True, 9, "doc-anchor"),
        (True, 9, "doc-link"),
    ]
    assert found[0].hint == "did you mean '#method'?"


def test_a_fact_cannot_take_the_path_of_a_section_page(tree):
    # A fact with the id `index` replaced its section's index page (issue 10, item 8): every emitter
    # declares its pages, so two writers of one path are found before anything is written.
    from kb.site.doclinks import collision_findings

    tree.write(
        "actors/index.yaml",
        "id: index\nname: Index\nkind: other\nsources:\n  - {source: sample-article, locator: p. 1}\n",
    )
    found = collision_findings(tree.check().kb)
    assert [(f.rule, f.path.endswith("actors/index.yaml"), f.line) for f in found] == [("page-collision", True, 1)]
    assert "actors/index.md" in found[0].message and "index actors/index.md" in found[0].message


def test_a_collision_stops_the_build_before_anything_is_written(tmp_path):
    import io

    from conftest import make_project
    from kb.site.build import BuildError, Project, build

    config, data = make_project(tmp_path, FIXTURES / "site")
    (data / "briefings" / "index.md").write_text('---\ntitle: T\ndate: "2025"\nsummary: S\nstatus: draft\n---\nText.\n')
    out = io.StringIO()
    with pytest.raises(BuildError):
        build(data, Project.locate(config, data), out=out)
    assert "[page-collision]" in out.getvalue() and not (tmp_path / "docs" / "briefings").exists()
