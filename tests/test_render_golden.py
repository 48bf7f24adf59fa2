"""Golden files: every generated page of the sample fixtures, compared byte for byte.

Review a golden as a reader would: it is the Markdown MkDocs turns into the page. After an
intended change, regenerate with `pytest tests/test_render_golden.py --update-goldens` (or
UPDATE_GOLDENS=1) and read the diff before committing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, across_hash_seeds
from kb.check.run import check
from kb.site.render.cite import Site
from kb.site.render.site import pages

GOLDEN = Path(__file__).resolve().parent / "golden"
TREES = ["valid", "site"]


def rendered(tree: str) -> dict[str, bytes]:
    result = check(FIXTURES / tree)
    assert not result.errors, result.errors
    # Reference pages and schemas do not depend on the data: tests/test_reference_pages.py covers them.
    # A site with an address, as mkdocs.yml's site_url gives it, so the citations carry their URLs.
    files = pages(result.kb, site=Site("Test Briefings", "https://example.org/kb/"))
    return {rel: data for rel, data in files.items() if not rel.startswith(("reference/", "schemas/"))}


@pytest.mark.parametrize("tree", TREES)
def test_pages_match_goldens(tree: str, update_goldens: bool) -> None:
    files = rendered(tree)
    golden_dir = GOLDEN / tree
    if update_goldens:
        for old in golden_dir.rglob("*"):
            if old.is_file() and old.relative_to(golden_dir).as_posix() not in files:
                old.unlink()
        for rel, data in files.items():
            (golden_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden_dir / rel).write_bytes(data)
        pytest.skip("goldens updated")
    expected = {p.relative_to(golden_dir).as_posix() for p in golden_dir.rglob("*") if p.is_file()}
    assert sorted(files) == sorted(expected), "pages added or removed: run with --update-goldens and review"
    for rel, data in files.items():
        want = (golden_dir / rel).read_bytes()
        assert data.decode() == want.decode(), f"{rel} differs from tests/golden/{tree}/{rel}"


@pytest.mark.parametrize(
    "page_type, path",
    [
        ("briefing", "briefings/harbour-security.md"),
        ("key judgements", "judgements.md"),
        ("actor", "actors/northland.md"),
        ("place", "places/port-north.md"),
        ("event", "events/harbour-cable-cut-2024.md"),
        ("figure series", "figures/northland/defence-spending-share-of-gdp.md"),
        ("source", "sources/sample-article.md"),
        ("assessment", "assessments/ada-minister-more-cable-cuts.md"),
        ("assessments index", "assessments/index.md"),
        ("home", "index.md"),
        ("timeline", "timeline.md"),
        ("spending", "spending.md"),
        ("downloads", "downloads/index.md"),
        ("citation file", "downloads/CITATION.cff"),
    ],
)
def test_every_page_type_has_a_golden(page_type: str, path: str) -> None:
    for tree in TREES:
        assert (GOLDEN / tree / path).is_file(), f"no golden {page_type} page in {tree}"


_DIGEST = """
import hashlib, sys
from pathlib import Path
from kb.check.run import check
from kb.site.render.site import pages
for rel, data in pages(check(Path(sys.argv[1])).kb).items():
    print(rel, hashlib.sha256(data).hexdigest())
"""


def test_rendering_is_deterministic_across_processes() -> None:
    # Sets and dicts iterate in an order that depends on the hash seed, which differs per process: the
    # same knowledge base must render to the same bytes in any of them.
    runs = across_hash_seeds(_DIGEST, str(FIXTURES / "hostile"))
    assert runs[0] and runs[0] == runs[1] == runs[2]
