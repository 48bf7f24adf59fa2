"""Reading in a real browser (issue 15): fact cards on hover, focus and touch; link charts; filters on the index
pages with their state in the URL; and briefings printed to PDF and read back.

Chromium, its skipping locally and failing in CI when missing, and the static server: tests/conftest.py.
No assertion here waits on a clock: each waits for the state it expects (Playwright's auto-waiting)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import AXE, missing

BRIEFING = "briefings/eastern-pressure.html"
EVENT_LINK = "article a.kb-fact[href='../events/border-exercise-2023.html']"
ACTOR_LINK = "article a.kb-fact[href='../actors/eastland.html']"

LAYOUT_SHIFTS = """
() => new Promise((resolve) => {
  new PerformanceObserver((list) => resolve(list.getEntries().map((e) => e.value)))
    .observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => resolve([])));
})
"""


def serious_violations(pg) -> list[str]:
    result = pg.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# -- Fact cards --------------------------------------------------------------------------------------------


def test_hovering_a_fact_link_opens_its_card_and_moving_away_closes_it(page) -> None:
    page.goto(f"{page.base}/{BRIEFING}")
    card = page.locator("#kb-card")
    link = page.locator(EVENT_LINK).first
    page.wait_for_load_state("load")
    shifted_before = page.evaluate(LAYOUT_SHIFTS)  # the page's own, while it loaded (the header's search field)
    link.hover()
    card.wait_for(state="visible")
    text = card.inner_text()
    assert "Event · exercise · about 2023" in text
    assert "Eastland holds a large exercise near the border" in text
    assert "Source: An Undated Report on the Strait, section 1, graded C" in text
    assert (
        card.locator("a", has_text="Open the event page").get_attribute("href") == "../events/border-exercise-2023.html"
    )
    # the browser's own tooltip would cover the card: the title waits while the card is open
    assert link.get_attribute("title") is None and link.get_attribute("aria-describedby") == "kb-card"
    # the card lies below the link, over the text: nothing moved
    assert card.bounding_box()["y"] >= link.bounding_box()["y"] + link.bounding_box()["height"]
    assert page.evaluate(LAYOUT_SHIFTS) == shifted_before, "opening the card moved nothing"
    # the pointer may travel into the card (to follow its links) and the card stays
    card.hover()
    assert card.is_visible()
    page.mouse.move(5, 5)
    card.wait_for(state="hidden")
    assert link.get_attribute("title").startswith("Event, about 2023: Eastland holds a large exercise")


def test_keyboard_focus_opens_the_card_and_escape_closes_it(page) -> None:
    page.goto(f"{page.base}/{BRIEFING}")
    card = page.locator("#kb-card")
    link = page.locator(ACTOR_LINK).first
    link.focus()
    card.wait_for(state="visible")
    assert "Actor · state" in card.inner_text() and "An invented large neighbour of Northland." in card.inner_text()
    assert page.evaluate("() => document.activeElement.getAttribute('aria-describedby')") == "kb-card"
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "../actors/eastland.html"
    # Tab moves on to the next fact link, whose card opens in place of the first
    page.keyboard.press("Tab")
    card.wait_for(state="visible")
    assert "Figure" in card.inner_text() and "more than 6.5% of GDP" in card.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url("**/figures/eastland/defence-spending-share-of-gdp.html#eastland-defence-spending-2024")


def test_a_card_shows_the_grade_of_the_information_and_the_assessment_as_reported_speech(page) -> None:
    page.goto(f"{page.base}/{BRIEFING}")
    page.locator("article a.kb-fact[href='../assessments/eastland-strait-claim.html']").focus()
    card = page.locator("#kb-card")
    card.wait_for(state="visible")
    assert "Assessment · claim · 2024" in card.inner_text()
    assert "Eastland claims that" in card.inner_text()
    assert "Source: An Undated Report on the Strait, section 3, graded C" in card.inner_text()


def test_on_touch_the_first_tap_opens_the_card_and_its_link_navigates(browser, base_url) -> None:
    context = browser.new_context(has_touch=True, is_mobile=True, viewport={"width": 390, "height": 800})
    try:
        pg = context.new_page()
        pg.goto(f"{base_url}/{BRIEFING}")
        card = pg.locator("#kb-card")
        link = pg.locator(EVENT_LINK).first
        link.tap()
        card.wait_for(state="visible")
        assert pg.url.endswith(BRIEFING), "the first tap opens the card and stays on the page"
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, "the card fits the narrow screen"
        pg.locator("article h1").tap()  # a tap elsewhere closes it
        card.wait_for(state="hidden")
        link.tap()
        card.wait_for(state="visible")
        card.locator("a", has_text="Open the event page").tap()
        pg.wait_for_url("**/events/border-exercise-2023.html")
        pg.go_back()
        pg.locator(EVENT_LINK).first.tap()
        card.wait_for(state="visible")
        pg.locator(EVENT_LINK).first.tap()  # a second tap on the link follows it
        pg.wait_for_url("**/events/border-exercise-2023.html")
    finally:
        context.close()


def test_cards_work_from_the_file_system(browser, built_site: Path) -> None:
    context = browser.new_context()
    try:
        pg = context.new_page()
        pg.goto((built_site / BRIEFING).as_uri())
        pg.locator(EVENT_LINK).first.focus()
        pg.locator("#kb-card").wait_for(state="visible")
        assert "Eastland holds a large exercise" in pg.locator("#kb-card").inner_text()
    finally:
        context.close()


def test_without_script_the_link_works_and_names_its_fact(browser, base_url) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(f"{base_url}/{BRIEFING}")
        link = pg.locator(EVENT_LINK).first
        assert link.get_attribute("title").startswith("Event, about 2023: Eastland holds a large exercise")
        assert pg.locator("#kb-card").count() == 0
        link.click()
        pg.wait_for_url("**/events/border-exercise-2023.html")
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_open_card_has_no_serious_accessibility_violations(page, scheme: str) -> None:
    if not AXE.is_file():
        missing(f"axe-core ({AXE}; run `make test` or `npm ci` in tests/browser)")
    page.emulate_media(color_scheme=scheme)
    page.add_init_script(path=str(AXE))
    page.goto(f"{page.base}/{BRIEFING}")
    page.locator(EVENT_LINK).first.focus()
    page.locator("#kb-card").wait_for(state="visible")
    assert not serious_violations(page)


# -- Filters on index pages ----------------------------------------------------------------------------------


def visible_rows(pg, selector: str = "article tbody tr") -> list[str]:
    return [r.inner_text() for r in pg.locator(selector).all() if r.is_visible()]


def test_events_filter_by_kind_year_and_actor_and_keep_the_choice_in_the_url(page) -> None:
    page.goto(f"{page.base}/events/index.html")
    assert len(visible_rows(page)) == 4
    status = page.locator(".kb-filters__status")
    assert status.inner_text() == "Showing all 4 events."
    page.get_by_label("Actor", exact=True).select_option("eastland")
    assert len(visible_rows(page)) == 3 and status.inner_text() == "Showing 3 of 4 events."
    assert page.url.endswith("/events/index.html?actor=eastland")
    page.get_by_label("Kind", exact=True).select_option("exercise")
    rows = visible_rows(page)
    assert len(rows) == 1 and "Eastland holds a large exercise" in rows[0]
    assert page.url.endswith("?actor=eastland&kind=exercise")
    page.get_by_role("group", name="Filter the events").get_by_label("Year", exact=True).select_option("2024")
    assert visible_rows(page) == [] and status.inner_text() == "Showing 0 of 4 events."
    page.get_by_role("button", name="Show all").click()
    assert len(visible_rows(page)) == 4 and page.url.endswith("/events/index.html")


def test_a_shared_filtered_address_opens_filtered_and_sorting_keeps_the_filter(page) -> None:
    page.goto(f"{page.base}/events/index.html?kind=infrastructure-damage&actor=nobody")
    rows = visible_rows(page)
    assert len(rows) == 1 and "Harbour cable severed" in rows[0]
    assert page.get_by_label("Kind", exact=True).input_value() == "infrastructure-damage"
    assert page.get_by_label("Actor", exact=True).input_value() == "", "a value the page does not have is left out"
    page.locator(".kb-sortable th button", has_text="Date").click()
    assert len(visible_rows(page)) == 1


def test_actors_filter_by_kind_and_country_hides_empty_groups(page) -> None:
    page.goto(f"{page.base}/actors/index.html?kind=state")
    assert [h.inner_text().strip("¶ \n") for h in page.locator("article h2").all() if h.is_visible()] == ["State"]
    assert len(visible_rows(page)) == 2
    page.get_by_label("Kind", exact=True).select_option("")
    page.get_by_label("Country", exact=True).select_option("northland")
    rows = visible_rows(page)
    assert len(rows) == 1 and "Ada Minister" in rows[0]
    assert [h.inner_text().strip("¶ \n") for h in page.locator("article h2").all() if h.is_visible()] == ["Person"]


def test_figures_filter_by_actor(page) -> None:
    page.goto(f"{page.base}/figures/index.html")
    page.get_by_label("Actor", exact=True).select_option("northland")
    rows = visible_rows(page)
    assert len(rows) == 1 and "Northland" in rows[0]
    assert page.url.endswith("?actor=northland")


def test_the_timeline_filters_its_lists(page) -> None:
    page.goto(f"{page.base}/timeline.html?actor=ada-minister")
    items = [li.inner_text() for li in page.locator("article li").all() if li.is_visible()]
    assert len(items) == 1 and "2025" in items[0]
    assert [h.inner_text().strip("¶ \n") for h in page.locator("article h2").all() if h.is_visible()] == ["2025"]


def test_filters_work_from_the_file_system(browser, built_site: Path) -> None:
    context = browser.new_context()
    try:
        pg = context.new_page()
        pg.goto((built_site / "events" / "index.html").as_uri() + "?kind=visit")
        assert len(visible_rows(pg)) == 1
        pg.get_by_label("Kind", exact=True).select_option("exercise")
        assert len(visible_rows(pg)) == 1 and "exercise" in visible_rows(pg)[0]
    finally:
        context.close()


def test_without_script_an_index_is_its_full_table(browser, base_url) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(f"{base_url}/events/index.html?kind=visit")
        assert pg.locator(".kb-filters").count() == 0
        assert len(visible_rows(pg)) == 4
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["events/index.html?actor=eastland", "actors/index.html?kind=state", "timeline.html"])
def test_filtered_indexes_have_no_serious_accessibility_violations(page, path: str, scheme: str) -> None:
    if not AXE.is_file():
        missing(f"axe-core ({AXE}; run `make test` or `npm ci` in tests/browser)")
    page.emulate_media(color_scheme=scheme)
    page.add_init_script(path=str(AXE))
    page.goto(f"{page.base}/{path}")
    page.locator(".kb-filters").wait_for()
    assert not serious_violations(page)


# -- Link charts ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_actor_link_chart_links_each_tie_to_its_evidence_beside_its_table(page, scheme: str) -> None:
    if not AXE.is_file():
        missing(f"axe-core ({AXE}; run `make test` or `npm ci` in tests/browser)")
    page.emulate_media(color_scheme=scheme)
    page.add_init_script(path=str(AXE))
    page.goto(f"{page.base}/actors/northland.html")
    chart = page.locator("svg.kb-linkchart")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    # every tie drawn: its end named and linked to its page, its words linked to the evidence
    names = chart.locator("text.kb-node-name").all_text_contents()
    assert sorted(names) == ["Ada Minister", "Eastland", "Harbour League", "Northland"]
    assert chart.locator("a[href='eastland.html'] text").text_content() == "Eastland"
    assert chart.locator("a[href='#tie-eastland'] text").text_content() == "2 events"
    assert chart.locator("a[href='#tie-harbour-league'] text").text_content() == "member since 2004"
    # the lines and names are drawn in colours that differ from the page's background, whatever the palette
    colours = page.evaluate(
        """() => {
          const bg = getComputedStyle(document.body).backgroundColor;
          const line = getComputedStyle(document.querySelector('svg.kb-linkchart .kb-tie')).stroke;
          const name = getComputedStyle(document.querySelector('svg.kb-linkchart .kb-node-name')).fill;
          return [bg, line, name];
        }"""
    )
    assert colours[0] not in colours[1:]
    # the table beside it is its text alternative: every tie, with the evidence as links
    rows = page.locator("#link-chart ~ .kb-chart-table table tbody tr")
    assert rows.count() == 3
    eastland = page.locator("#tie-eastland").locator("xpath=ancestor::tr")
    assert "2 events" in eastland.inner_text()
    assert eastland.locator("a[href='../events/border-exercise-2023.html']").count() == 1
    # the chart is for the eye: out of the tab order and hidden from assistive technology, which read the table
    assert chart.get_attribute("aria-hidden") == "true"
    assert page.evaluate("() => [...document.querySelectorAll('svg.kb-linkchart a')].every((a) => a.tabIndex === -1)")
    assert not serious_violations(page)
    chart.locator("a[href='#tie-eastland']").click()
    assert page.evaluate("() => location.hash") == "#tie-eastland"


def test_a_place_link_chart_shows_the_actors_of_its_events(page) -> None:
    page.goto(f"{page.base}/places/port-north.html")
    chart = page.locator("svg.kb-linkchart")
    assert sorted(chart.locator("text.kb-node-name").all_text_contents()) == ["Eastland", "Northland", "Port North"]
    # a tie of one event links straight to it (Northland); one of two events, to its row in the table (Eastland)
    assert chart.locator("a[href='../events/harbour-cable-cut-2024.html']").count() == 1
    assert chart.locator("a[href='#tie-eastland']").count() >= 1


# -- Print ----------------------------------------------------------------------------------------------------

GREY_CONTRAST = """
() => {
  // Each judgement box title's text against its background, both as a greyscale printer renders them
  // (luminance); the background is the tint the title bar draws over white paper.
  const rgba = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const over = (c, paper) => { const a = c.length > 3 ? c[3] : 1; return [0, 1, 2].map((i) => c[i] * a + paper[i] * (1 - a)); };
  return [...document.querySelectorAll(".admonition.judgement")].map((box) => {
    const title = box.querySelector(".admonition-title");
    const bg = over(rgba(getComputedStyle(title).backgroundColor), [255, 255, 255]);
    const fg = over(rgba(getComputedStyle(title).color), bg);
    const [hi, lo] = [lum(bg), lum(fg)].sort((a, b) => b - a);
    const border = getComputedStyle(box);
    return {contrast: (hi + 0.05) / (lo + 0.05), border: parseFloat(border.borderLeftWidth), adjust: border.printColorAdjust};
  });
}
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_briefing_prints_without_the_site_around_it(page, scheme: str) -> None:
    from pypdf import PdfReader

    page.emulate_media(color_scheme=scheme)
    page.goto(f"{page.base}/{BRIEFING}")
    pdf = page.pdf(format="A4", print_background=True)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Pressure from the east" in text
    # fact links keep their text; the notes keep their locators; the judgement boxes their titles
    for words in ["exercise near the strait", "Port North", "claims the strait as its own", "more than 6.5% of GDP"]:
        assert words in text, words
    assert "An Undated Report on the Strait, section 1" in text and "section 2" in text and "table 1" in text
    assert "Judgement: realistic possibility (40–50%), low confidence" in text
    # no navigation, header, search or footer
    for furniture in ["Fact files", "About and method", "Skip to content", "Type to start searching", "Previous"]:
        assert furniture not in text, furniture
    # judgement boxes stay legible in grey: the title's text against its tint, the line that says confidence
    page.emulate_media(media="print", color_scheme=scheme)
    boxes = page.evaluate(GREY_CONTRAST)
    assert len(boxes) == 2
    for box in boxes:
        assert box["contrast"] >= 4.5 and box["border"] > 0 and box["adjust"] == "exact", box


def test_a_chart_prints_with_its_bars(page) -> None:
    page.goto(f"{page.base}/figures/northland/defence-spending-share-of-gdp.html")
    page.emulate_media(media="print")
    adjust = page.evaluate("() => getComputedStyle(document.querySelector('svg.kb-chart')).printColorAdjust")
    assert adjust == "exact"
    assert page.locator("svg.kb-chart").is_visible() and page.locator(".md-header").is_hidden()
