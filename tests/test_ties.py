"""Link charts, as rendered: who an actor is tied to and by what, the strongest drawn, every tie in the table
(the browser side: tests/test_browser_reading.py)."""

from __future__ import annotations

import re

import pytest

from conftest import FIXTURES
from kb.check.run import check
from kb.core.model import KnowledgeBase
from kb.site.render import actor, ties
from kb.site.render.links import Linker


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return check(FIXTURES / "site").kb


def test_an_actor_is_tied_by_events_memberships_and_roles_strongest_first(kb: KnowledgeBase) -> None:
    found = ties.of_actor(kb, "northland")
    assert [(t.other.id, t.words()) for t in found] == [
        ("ada-minister", "Prime Minister · Foreign Minister"),
        ("eastland", "2 events"),
        ("harbour-league", "member since 2004"),
    ]
    # both ends see the same tie
    assert [t.words() for t in ties.of_actor(kb, "harbour-league") if t.other.id == "northland"] == [
        "member since 2004"
    ]


def test_a_hub_draws_its_strongest_ties_and_names_the_rest(kb: KnowledgeBase, monkeypatch) -> None:
    monkeypatch.setattr(ties, "NODES", 2)
    monkeypatch.setattr(ties, "ROWS", 1)
    lc = ties.chart(kb, kb.actors["northland"], ties.of_actor(kb, "northland"), Linker(kb, "actors/northland.md"))
    assert lc is not None
    assert len(re.findall('class="kb-node-name', str(lc.chart))) == 3  # two ties and the centre
    assert "the 2 strongest of its 3 ties" in lc.caption
    assert [r.anchor for r in lc.rows] == ["tie-ada-minister"]
    assert [str(r) for r in lc.rest] == [
        "[Eastland](<eastland.md>) (2 events)",
        "[Harbour League](<harbour-league.md>) (member since 2004)",
    ]


def test_one_tie_draws_no_chart(kb: KnowledgeBase) -> None:
    assert (
        ties.chart(kb, kb.actors["eastland"], ties.of_actor(kb, "eastland"), Linker(kb, "actors/eastland.md")) is None
    )
    assert "## Link chart" not in actor.render(kb, kb.actors["eastland"])
    assert "## Link chart" in actor.render(kb, kb.actors["northland"])


def test_the_chart_is_hidden_from_assistive_technology_and_out_of_the_tab_order(kb: KnowledgeBase) -> None:
    lc = ties.chart(kb, kb.actors["northland"], ties.of_actor(kb, "northland"), Linker(kb, "actors/northland.md"))
    assert lc is not None
    svg = str(lc.chart)
    assert 'aria-hidden="true"' in svg and "\n" not in svg
    assert svg.count("<a ") == svg.count('tabindex="-1"') == 6
