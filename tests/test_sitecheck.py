"""The post-build link check on a small hand-made site."""

from __future__ import annotations

from pathlib import Path

from kb.site.sitecheck import check_site


def write(root: Path, rel: str, html: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html)


def test_broken_links_and_fragments_are_found_with_their_source(tmp_path):
    site = tmp_path / "site"
    write(
        site,
        "index.html",
        '<html><body>\n<a href="actors/estonia.html#roles">ok</a>\n'
        '<a href="actors/latvia.html">gone</a>\n<a href="actors/estonia.html#nope">bad anchor</a>\n'
        '<a href="https://example.org/x">external</a> <a href="#top" id="top">self</a>\n'
        '<a href="actors/">dir</a><img src="img/missing.png"></body></html>',
    )
    write(site, "actors/estonia.html", '<h2 id="roles">Roles</h2><a href="../index.html#top">home</a>')
    write(site, "actors/index.html", "<p>actors</p>")
    found = check_site(site, origin=lambda page: "docs/index.md" if page.name == "index.html" else None)
    assert [(Path(f.path).name, f.line, f.rule) for f in found] == [
        ("index.html", 3, "site-link"),
        ("index.html", 4, "site-anchor"),
        ("index.html", 6, "site-link"),
    ]
    assert all("(from docs/index.md)" in f.message for f in found)


def test_links_may_not_escape_the_site(tmp_path):
    site = tmp_path / "site"
    (tmp_path / "secret.html").write_text("x")
    write(site, "index.html", '<a href="../secret.html">out</a>')
    [f] = check_site(site)
    assert f.rule == "site-link"


def test_built_site_is_clean_and_a_broken_link_names_its_fact_file(built_site, tmp_path):
    import shutil

    from conftest import FIXTURES
    from kb.check.run import check
    from kb.site.sitecheck import page_origin

    assert check_site(built_site) == []
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    page = site / "events" / "harbour-cable-cut-2024.html"
    page.write_text(page.read_text().replace("</article>", '<a href="../actors/nobody.html">x</a></article>', 1))
    kb = check(FIXTURES / "site").kb
    [f] = check_site(site, page_origin(tmp_path / "docs", kb))
    assert f.rule == "site-link" and f.path == str(page.resolve())
    assert f"(from {FIXTURES / 'site' / 'events' / 'harbour-cable-cut-2024.yaml'})" in f.message
