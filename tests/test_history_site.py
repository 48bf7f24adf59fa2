"""The history on the site (issue 14): fact pages, the Changes pages, the Atom feeds, the note a briefing
shows at a citation of a fact revised since, and the revised-since-cited check; a shallow clone, a tree
outside git, and the same bytes from the same commit. The repository is made in the test with fixed
commit dates (tests/gitrepo.py tells its story)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import feedparser
import pytest

from conftest import FIXTURES, ROOT, across_hash_seeds, site_bytes
from gitrepo import Repo, git, history_repo
from kb.check.run import check
from kb.core import history
from kb.site.build import Project, build

REPO_URL = "https://example.org/kb"
SITE_URL = "https://briefings.example.org/"


def project_in(repo: Repo, *extra: str) -> Project:
    """The repository's own project: mkdocs.yml (with `extra` lines), hand-written docs and the override."""
    config = repo.root / "mkdocs.yml"
    config.write_text((ROOT / "mkdocs.yml").read_text() + "".join(f"{line}\n" for line in extra))
    (repo.root / "docs").mkdir(exist_ok=True)
    shutil.copy(ROOT / "docs" / "about.md", repo.root / "docs" / "about.md")
    for folder in ("docs/assets", "overrides"):
        shutil.copytree(ROOT / folder, repo.root / folder, dirs_exist_ok=True)
    return Project.locate(config, repo.data)


def built(repo: Repo, *extra: str) -> Path:
    project = project_in(repo, *extra)
    with open(os.devnull, "w") as quiet:
        build(repo.data, project, out=quiet)
    return project.site_dir


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return history_repo(tmp_path_factory.mktemp("site-history") / "repo")


@pytest.fixture(scope="module")
def site(repo: Repo) -> Path:
    return built(repo, f"repo_url: {REPO_URL}")


def text_of(page: Path) -> str:
    """The page's article as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    import html

    body = page.read_text()
    article = body[body.index("<article") : body.index("</article>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article)).split())


def sha_of(repo: Repo, when: str) -> str:
    return git(repo.root, "log", "--format=%H", f"--since={when}", f"--until={when}").strip()


# -- Fact pages ------------------------------------------------------------------------------------------


def test_a_fact_page_shows_when_it_was_recorded_and_what_changed(repo: Repo, site: Path) -> None:
    page = site / "figures" / "northland" / "defence-spending-share-of-gdp.html"
    text = text_of(page)
    assert "First recorded 10 January 2026; last changed 3 February 2026." in text
    assert "value: 3% of GDP → 3.5% of GDP; source 1 locator: para 6 → para 8." in text
    assert "Rests on Sample: A Made-up Article on Harbour Security , para 8" in text
    sha = sha_of(repo, "2026-02-03T10:30:00Z")
    assert f'href="{REPO_URL}/commit/{sha}"' in page.read_text()
    # the citation names the last change from git (outside git: the data's dates, as the goldens show)
    assert "figure series, last changed 3 February 2026." in text
    assert '<meta name="citation_publication_date" content="2026/02/03">' in page.read_text()


def test_a_renamed_fact_keeps_its_history(site: Path) -> None:
    text = text_of(site / "places" / "old-harbour-district.html")
    assert "First recorded 10 January 2026; last changed 20 February 2026." in text
    assert "renamed from harbour-district; name: Harbour District → Old Harbour District" in text


def test_a_briefing_page_says_when_it_was_published_and_revised(site: Path) -> None:
    text = text_of(site / "briefings" / "eastern-pressure.html")
    assert "5 March 2026" in text and "text revised (1 line added, 1 line removed)" in text
    assert "10 January 2026" in text and "published" in text
    assert "published" in text_of(site / "briefings" / "outlook-draft.html").split("History", 1)[1]


# -- The Changes pages -----------------------------------------------------------------------------------


def test_the_changes_page_is_in_the_navigation_and_lists_the_months(site: Path) -> None:
    home = (site / "index.html").read_text()
    assert 'href="changes/index.html"' in home
    text = text_of(site / "changes" / "index.html")
    assert "March 2026 0 0 0 0 1 1" in text and "February 2026 0 1 1 1 0 0" in text
    facts = sum(1 for p in (FIXTURES / "site").rglob("*.yaml"))  # all recorded in January; 2 briefings published
    assert f"January 2026 {facts} 0 0 0 2 0" in text


def test_each_month_lists_added_changed_renamed_removed_and_briefings(site: Path) -> None:
    feb = text_of(site / "changes" / "2026-02.html")
    assert "Changed figure Northland: defence spending share of GDP, 2026 (planned) : value: 3% of GDP → 3.5%" in feb
    assert (
        "Renamed place harbour-district → Old Harbour District : name: Harbour District → Old Harbour District" in feb
    )
    assert "Removed event Foreign minister visits the League ( minister-visit-2025 )" in feb
    march = text_of(site / "changes" / "2026-03.html")
    assert "Published briefing Outlook for the strait (draft)" in march
    assert "Revised briefing Pressure from the east : text revised" in march
    jan = (site / "changes" / "2026-01.html").read_text()
    assert jan.count("<li>") == sum(1 for p in (FIXTURES / "site").rglob("*.yaml")) + 2 and "outlook-draft" not in jan


def test_a_long_month_is_cut_into_parts(monkeypatch: pytest.MonkeyPatch, repo: Repo) -> None:
    from kb.site.render import changes
    from kb.site.render.site import pages

    monkeypatch.setattr(changes, "PART", 5)
    kb = check(repo.data, history.read(repo.data)).kb
    files = pages(kb)
    january = sorted(p for p in files if p.startswith("changes/2026-01"))
    assert january == [f"changes/2026-01-{n}.md" for n in range(2, 6)] + ["changes/2026-01.md"]
    assert "(part 2 of 5)" in files["changes/2026-01-2.md"].decode()
    assert "[older](<2026-01-3.md>)" in files["changes/2026-01-2.md"].decode()


# -- The feeds -------------------------------------------------------------------------------------------


def parsed(site: Path, name: str, base: str = "https://briefings.example.org/feeds/") -> feedparser.FeedParserDict:
    feed = feedparser.parse(
        (site / "feeds" / name).read_bytes(),
        response_headers={"content-location": base + name, "content-type": "application/atom+xml"},
    )
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_briefings_feed_has_each_published_briefing_with_its_commit_dates(site: Path) -> None:
    feed = parsed(site, "briefings.xml")
    assert feed.feed.title == "Baltic Security Briefings: briefings"
    assert feed.feed.updated == "2026-03-05T12:00:00Z"
    entries = {e.title: e for e in feed.entries}
    assert list(entries) == [
        "Outlook for the strait (draft)",
        "Pressure from the east",
        "Harbour security in Northland",
    ]
    revised = entries["Pressure from the east"]
    assert revised.published == "2026-01-10T09:00:00Z" and revised.updated == "2026-03-05T12:00:00Z"
    assert revised.link == "https://briefings.example.org/briefings/eastern-pressure.html"
    assert revised.id.startswith("urn:uuid:") and [a.name for a in revised.authors] == ["Test Editors", "R. Analyst"]
    assert (site / "briefings" / "eastern-pressure.html").is_file()


def test_the_changes_feed_has_each_change_to_a_fact(repo: Repo, site: Path) -> None:
    feed = parsed(site, "changes.xml")
    assert feed.feed.updated == "2026-02-20T08:00:00Z"
    first = feed.entries[0]
    assert first.title == "Removed event: Foreign minister visits the League"
    assert first.link.endswith("/changes/2026-02.html")
    changed = next(e for e in feed.entries if e.title.startswith("Changed figure"))
    assert changed.updated == "2026-02-03T10:30:00Z"
    assert changed.summary.startswith("Value: 3% of GDP → 3.5% of GDP")
    assert changed.link.endswith(
        "/figures/northland/defence-spending-share-of-gdp.html#northland-defence-spending-2026"
    )
    sha = sha_of(repo, "2026-02-03T10:30:00Z")
    assert [link.href for link in changed.links if link.rel == "related"] == [f"{REPO_URL}/commit/{sha}"]
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    # every link leads to a file of the site
    for entry in feed.entries:
        target = entry.link.removeprefix("https://briefings.example.org/").split("#")[0]
        assert (site / target).is_file(), target


def test_every_page_advertises_both_feeds(site: Path) -> None:
    pages = [site / "index.html", site / "about.html", site / "events" / "harbour-cable-cut-2024.html"]
    pages.append(site / "figures" / "northland" / "defence-spending-share-of-gdp.html")
    for page in pages:
        links = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', page.read_text())
        assert len(links) == 2, page
        for href in links:
            assert (page.parent / href).resolve().is_file(), (page, href)


def test_with_a_site_url_feed_links_are_absolute_and_ids_stay(repo: Repo, site: Path, tmp_path: Path) -> None:
    from kb.site.render.feeds import briefings_feed

    kb = check(repo.data, history.read(repo.data)).kb
    feed = feedparser.parse(briefings_feed(kb, project_in(repo, f"site_url: {SITE_URL}").site))
    relative = parsed(site, "briefings.xml")
    assert [e.link for e in feed.entries] == [e.link for e in relative.entries]
    assert [e.id for e in feed.entries] == [e.id for e in relative.entries]


# -- Revised since cited ---------------------------------------------------------------------------------


def test_a_briefing_marks_a_citation_of_a_fact_revised_since(site: Path) -> None:
    page = (site / "briefings" / "harbour-security.html").read_text()
    note = "revised 3 February 2026: 3% of GDP → 3.5% of GDP; source 1 locator: para 6 → para 8"
    assert f'<span class="kb-revised"> ({note})</span>' in page
    panel = text_of(site / "briefings" / "harbour-security.html").split("Facts cited", 1)[1]
    assert "Since this briefing" in panel and note in panel
    # facts that did not change since are not marked; a briefing citing none has no such column
    assert page.count("kb-revised") == 1
    assert "Since this briefing" not in text_of(site / "briefings" / "eastern-pressure.html")


# -- Shallow clones, no git, the same bytes --------------------------------------------------------------


def test_a_shallow_clone_builds_and_says_its_history_is_incomplete(repo: Repo, tmp_path: Path) -> None:
    clone = Repo.clone(repo, tmp_path / "shallow", depth=2)
    site = built(clone)
    note = (
        "History incomplete: this site was built from a shallow clone, whose history starts on 20 February 2026; "
        "earlier changes are not shown."
    )
    assert note in text_of(site / "changes" / "index.html")
    assert note in text_of(site / "events" / "harbour-cable-cut-2024.html")
    assert "Published briefing Outlook for the strait (draft)" in text_of(site / "changes" / "2026-03.html")
    assert not (site / "changes" / "2026-02.html").exists()


def test_outside_git_the_site_builds_and_says_it_has_no_history(built_site: Path) -> None:
    note = "No history: this site was built without the repository's git history."
    assert note in text_of(built_site / "changes" / "index.html")
    assert note in text_of(built_site / "actors" / "northland.html")
    assert not feedparser.parse((built_site / "feeds" / "changes.xml").read_bytes()).entries
    assert len(feedparser.parse((built_site / "feeds" / "briefings.xml").read_bytes()).entries) == 2


_DIGEST = """
import hashlib, sys
from pathlib import Path
from kb.check.run import check
from kb.core import history
from kb.site.render.site import pages
data = Path(sys.argv[1])
for rel, data in pages(check(data, history.read(data)).kb).items():
    print(rel, hashlib.sha256(data).hexdigest())
"""


def test_the_same_commit_renders_the_same_bytes_in_any_process(repo: Repo) -> None:
    runs = across_hash_seeds(_DIGEST, str(repo.data))
    assert "changes/2026-02.md" in runs[0] and runs[0] == runs[1] == runs[2]


def test_the_same_commit_builds_the_same_site(repo: Repo, site: Path) -> None:
    def digests(root: Path) -> dict[str, str]:
        return {path: hashlib.sha256(data).hexdigest() for path, data in site_bytes(root).items()}

    first = digests(site)
    assert "feeds/changes.xml" in first and "changes/2026-02.html" in first
    assert digests(built(repo, f"repo_url: {REPO_URL}")) == first
