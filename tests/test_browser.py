"""The built site in a real browser (system Chromium driven by Playwright): search, hover
previews, backlinks, charts, console errors and axe-core accessibility checks.

Locally these skip when no Chromium is installed; in CI (CI=true) a missing Chromium or
axe-core fails instead, so a green run always means the browser checks ran.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import missing

AXE = Path(__file__).resolve().parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    pg.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
    pg.base = base_url  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert not errors, "\n".join(errors)


def heading(page) -> str:
    return page.locator("article h1").inner_text().replace("¶", "").strip()


def search(page, text: str, results: str = ".md-search-result__item a"):
    """Type `text` into the site's search on the home page; the result links, once the first shows."""
    page.goto(f"{page.base}/index.html")
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially(text, delay=20)
    found = page.locator(results)
    found.first.wait_for(timeout=15000)
    return found


def test_search_by_alias_lands_on_the_actor_page(page) -> None:
    first = search(page, "Eastern Republic").first
    first.click()
    page.wait_for_url("**/actors/eastland.html*")
    assert heading(page) == "Eastland"


def test_search_by_id_finds_the_event(page) -> None:
    first = search(page, "border-exercise-2023").first
    assert "events/border-exercise-2023.html" in first.get_attribute("href")


def test_briefings_rank_above_the_fact_pages_they_cite(page) -> None:
    # "Eastland" names an actor page and appears on many fact pages, and in one briefing.
    results = search(page, "Eastland", ".md-search-result__item > a")
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert len(hrefs) > 2
    assert "briefings/eastern-pressure.html" in hrefs[0], hrefs


def test_briefing_fact_link_names_its_fact_and_navigates(page) -> None:
    page.goto(f"{page.base}/briefings/eastern-pressure.html")
    link = page.locator("article a[href='../events/border-exercise-2023.html']").first
    # The hover text is the browser's own, plain text: the theme's HTML tooltips are off (issue 10, item 2).
    assert link.get_attribute("title").startswith("Event, about 2023: Eastland holds a large exercise")
    link.hover()
    page.wait_for_timeout(300)
    assert page.locator(".md-tooltip2, .md-tooltip").count() == 0
    link.click()
    page.wait_for_url("**/events/border-exercise-2023.html")
    assert heading(page) == "Eastland holds a large exercise near the border"


def test_event_page_lists_the_briefing_with_its_sentence(page) -> None:
    page.goto(f"{page.base}/events/border-exercise-2023.html")
    cited = page.locator("#cited-in-briefings + ul li")
    assert cited.count() == 1
    assert cited.locator("a[href='../briefings/eastern-pressure.html']").count() == 1
    assert "was read in Port North as a signal" in cited.inner_text()


def test_chart_is_visible_with_its_table(page) -> None:
    page.goto(f"{page.base}/figures/northland/defence-spending-share-of-gdp.html")
    chart = page.locator("svg.kb-chart")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    assert chart.locator("rect.kb-planned:not(.kb-legend)").count() == 1
    assert chart.locator("rect.kb-actual:not(.kb-legend)").count() == 1
    assert chart.locator("rect.kb-estimate:not(.kb-legend)").count() == 1
    rows = page.locator(".kb-chart-table table tbody tr")
    assert rows.count() == 3
    assert "about 2.1% of GDP" in rows.nth(0).inner_text() and "at least 3% of GDP" in rows.nth(2).inner_text()
    # a figure link from a briefing lands on its row
    assert page.locator("#northland-defence-spending-2026").count() == 1


def test_sortable_index_table(page) -> None:
    page.goto(f"{page.base}/events/index.html")
    first_cell = page.locator(".kb-sortable tbody tr:first-child td:first-child")
    assert first_cell.inner_text() == "5 March 2025"
    page.locator(".kb-sortable th button", has_text="Date").click()
    assert first_cell.inner_text() == "about 2023"


def test_key_judgements_sort_and_lead_to_their_box(page) -> None:
    page.goto(f"{page.base}/judgements.html")
    likelihood = page.locator(".kb-sortable tbody tr td:nth-child(2)")
    assert likelihood.count() == 3
    page.locator(".kb-sortable th button", has_text="Likelihood").click()
    assert likelihood.first.inner_text() == "realistic possibility (40–50%)"
    page.locator(".kb-sortable th button", has_text="Confidence").click()
    assert page.locator(".kb-sortable tbody tr:first-child td:nth-child(3)").inner_text() == "low"
    page.locator(".kb-sortable tbody tr:first-child td:first-child a").click()
    page.wait_for_url("**/briefings/eastern-pressure.html#judgement-cable-repeat")
    box = page.locator("#judgement-cable-repeat")
    assert box.is_visible() and "low confidence" in box.locator(".admonition-title").inner_text()
    assert page.evaluate("() => document.querySelector(':target').id") == "judgement-cable-repeat"


def test_a_fact_page_can_be_cited(page) -> None:
    page.goto(f"{page.base}/events/harbour-cable-cut-2024.html")
    assert page.locator("#cite-this").is_visible()
    assert "“Harbour cable severed”. Baltic Security Briefings, event" in page.locator(".kb-cite").inner_text()
    entry = page.locator("pre.kb-bibtex").inner_text()
    assert entry.startswith("@misc{harbour-cable-cut-2024,\n  author = {{Baltic Security Briefings}},\n")


def test_an_actor_page_lists_the_assessments_it_holds_as_its_view(page) -> None:
    page.goto(f"{page.base}/actors/ada-minister.html")
    held = page.locator("#assessments-held + ul li")
    assert held.count() == 1
    assert "Ada Minister judges that more cables under the harbour may be cut" in held.inner_text()
    held.locator("a").first.click()
    page.wait_for_url("**/assessments/ada-minister-more-cable-cuts.html")
    view = page.locator(".kb-assessment")
    assert view.is_visible() and "The source's own word is may." in view.inner_text()
    assert page.locator("article .admonition.judgement").count() == 0, "someone else's view is never our box"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "briefings/eastern-pressure.html",
        "judgements.html",
        "actors/eastland.html",
        "events/harbour-cable-cut-2024.html",
        "sources/sample-article.html",
        "assessments/ada-minister-more-cable-cuts.html",
        "assessments/index.html",
        "figures/northland/defence-spending-share-of-gdp.html",
    ],
)
def test_no_serious_accessibility_violations(page, path: str, scheme: str) -> None:
    if not AXE.is_file():
        missing(f"axe-core ({AXE}; run `make test` or `npm ci` in tests/browser)")
    page.emulate_media(color_scheme=scheme)
    # As an init script (the browser's own injection): the page's Content-Security-Policy refuses an
    # inline <script>, which is what add_script_tag would insert.
    page.add_init_script(path=str(AXE))
    page.goto(f"{page.base}/{path}")
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)
