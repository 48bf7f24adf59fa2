"""Filters on index pages, as rendered: each row's marker, the page's data block, and what a filter on a part of
a split index says it covers (the browser side: tests/test_browser_reading.py)."""

from __future__ import annotations

import json
import re

import pytest

from conftest import FIXTURES, Tree
from kb.check.run import check
from kb.core.model import KnowledgeBase
from kb.site.render import filters, indexes


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return check(FIXTURES / "site").kb


def data_block(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="kb-filters">(.*?)</script>', page)
    assert found, "no filter data on the page"
    return json.loads(found[1])


def test_every_event_row_carries_its_kind_year_and_actors(kb: KnowledgeBase) -> None:
    page = indexes.events_index(kb)
    assert (
        '<span data-sort="2023" data-f-kind="exercise" data-f-year="2023" data-f-actor="eastland northland"></span>'
        in page
    )
    block = data_block(page)
    assert [f["name"] for f in block["facets"]] == ["kind", "year", "actor"]
    assert block["facets"][1]["options"] == [["2025", "2025", 1], ["2024", "2024", 2], ["2023", "2023", 1]]
    assert ["eastland", "Eastland", 3] in block["facets"][2]["options"]
    assert block["scope"] == ""


def test_a_part_of_a_split_index_says_its_filters_cover_that_page(kb: KnowledgeBase, monkeypatch) -> None:
    monkeypatch.setattr(indexes, "LIMIT", 2)
    monkeypatch.setattr(indexes, "LATEST", 2)
    assert data_block(indexes.events_index(kb))["scope"] == (
        "This page holds the 2 newest events: the filters cover those (the timeline has every event)."
    )
    parts = {p.path: (p, render) for p, render in indexes.index_parts(kb)}
    part, render = parts["timeline/2024.md"]
    block = data_block(render(kb, part))
    assert block["scope"] == "This page holds the events of 2024: the filters cover those."
    # two events that year, of two kinds and two actors: both can be chosen between; a year's page has no year
    assert [f["name"] for f in block["facets"]] == ["kind", "actor"]
    part, render = parts["actors/by-name/e.md"]
    assert "kb-filters" not in render(kb, part), "one actor on the page: nothing to choose"


def test_figures_filter_by_metric(tree: Tree) -> None:
    block = data_block(indexes.figures_index(tree.check().kb))
    metric = next(f for f in block["facets"] if f["name"] == "metric")
    assert [o[0] for o in metric["options"]] == ["aid-ratio", "defence-spending-share-of-gdp"]


def test_a_facet_that_cannot_hide_a_row_is_left_out() -> None:
    every = filters.facet("kind", "Kind", "All kinds", [["state"], ["state"]], str)
    some = filters.facet("country", "Country", "All countries", [["x"], [""]], str)
    assert not every.useful and some.useful
    assert filters.block("actors", [every], "") == ""
    assert [f["name"] for f in data_block(filters.block("actors", [every, some], ""))["facets"]] == ["country"]
