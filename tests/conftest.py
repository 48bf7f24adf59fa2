"""Shared helpers: fixture trees to break, throw-away projects to build, the golden-file switch, the
browser and a static server for the browser tests."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from kb.check.run import CheckResult, check

# Hypothesis: in CI the same examples every run and nothing written to .hypothesis/ (a red run is
# reproduced by running it again); locally random, failures remembered in .hypothesis/ and tried first.
# HYPOTHESIS_PROFILE=ci (or dev) chooses either anywhere.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev"))

REPO = ROOT = Path(__file__).resolve().parent.parent

# The fixtures live in this repository, whose history is the project's, not theirs: `kb check` and `kb build`
# of a fixture folder in place (tests/fixtures/valid) would read it, and a commit that edits a fixture would
# turn up as a fact "revised since cited". Git looks for a repository no higher than tests/ (the children
# inherit it); the history tests make repositories of their own under the temporary folder.
os.environ["GIT_CEILING_DIRECTORIES"] = str(Path(__file__).resolve().parent)

FIXTURES = ROOT / "tests" / "fixtures"
VALID = FIXTURES / "valid"
SHARED = REPO.parent / "shared"


class Tree:
    """A writable copy of the valid sample tree."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def edit(self, rel: str, old: str, new: str) -> Path:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    def check(self) -> CheckResult:
        return check(self.root)

    def findings(self, rule: str | None = None) -> list[tuple[str, int, str]]:
        """(path relative to the tree, line, rule) of every finding, optionally of one rule."""
        return [
            (str(Path(f.path).relative_to(self.root)), f.line, f.rule)
            for f in self.check().findings
            if rule is None or f.rule == rule
        ]


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    shutil.copytree(VALID, tmp_path / "data")
    return Tree(tmp_path / "data")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/golden/ from the current renderer instead of comparing (or UPDATE_GOLDENS=1)",
    )


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens") or os.environ.get("UPDATE_GOLDENS"))


def make_project(where: Path, data: Path) -> tuple[Path, Path]:
    """A project like the repository's (mkdocs.yml, hand-written docs, theme override) with a copy of `data`."""
    where.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", where / "mkdocs.yml")
    (where / "docs").mkdir(exist_ok=True)
    shutil.copy(ROOT / "docs" / "about.md", where / "docs" / "about.md")
    shutil.copytree(ROOT / "docs" / "assets", where / "docs" / "assets", dirs_exist_ok=True)
    shutil.copytree(ROOT / "overrides", where / "overrides", dirs_exist_ok=True)
    shutil.copytree(data, where / "data", dirs_exist_ok=True)
    return where / "mkdocs.yml", where / "data"


def build_ungated(data: Path, project) -> None:
    """Render and publish `data` whatever the checker finds: the renderer's own defences, tested
    without the gate in front of them (hostile shapes that `kb check` refuses still must not harm)."""
    from kb.site.build import mkdocs_build, mkdocs_env
    from kb.site.render.site import write_site

    kb = check(data).kb
    write_site(kb, project.docs_dir)
    mkdocs_build(project, mkdocs_env(kb))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/site built once with `kb build`; returns the site directory."""
    from kb.site.build import Project, build

    config, data = make_project(tmp_path_factory.mktemp("built"), FIXTURES / "site")
    project = Project.locate(config, data)
    with open(os.devnull, "w") as quiet:
        build(data, project, out=quiet)
    return project.site_dir


# Browser tests: the system Chromium driven by Playwright. Locally they skip when Chromium is missing;
# in CI (CI=true) a missing Chromium fails instead, so a green run always means they ran.
CHROMIUM = Path(os.environ.get("KB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI") == "true"


def missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} is missing; CI must run the browser tests (see .ci/run and the Makefile)")
    pytest.skip(f"{what} is missing")


def needs_shared(path: Path) -> pytest.MarkDecorator:
    """For tests that read ../shared (the seed articles, the YAML test suite): skipped in a checkout without
    it, but in CI (CI=true) they run, and fail, rather than skip, so a green CI run always includes them."""
    return pytest.mark.skipif(not path.exists() and not IN_CI, reason=f"{path} is not beside this checkout")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        missing(f"Chromium ({CHROMIUM})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright Python package")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def page(browser, base_url):
    """A page of the built fixture site (`page.base` is its address) that fails its test on any console error,
    page error or failed request."""
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


@contextlib.contextmanager
def http_server(directory: Path) -> Iterator[str]:
    """A static HTTP server over `directory` on a free local port; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    """The built fixture site over http."""
    with http_server(built_site) as url:
        yield url


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under `root` (POSIX path relative to it -> its bytes)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# Pagefind 1.5 writes its filter and metadata files (and so the entry file naming them) in hash-map order
# (Pagefind/pagefind#638): only those may differ between two builds; its pages and word index may not.
UNSTABLE = re.compile(r"pagefind/(filter/.*|pagefind\..*\.pf_meta|pagefind-entry\.json)\Z")


def site_bytes(root: Path) -> dict[str, bytes]:
    """A built site's files, less those Pagefind writes in no fixed order."""
    return {p: b for p, b in tree_bytes(root).items() if not UNSTABLE.match(p)}


def across_hash_seeds(code: str, *args: str) -> list[str]:
    """What `python -c code args` prints under three hash seeds (1, 2 and random): the same input must print
    the same bytes in any process (sets and dicts of strings are ordered by the seed)."""
    return [
        subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            check=True,
            env=dict(os.environ, PYTHONHASHSEED=seed),
        ).stdout
        for seed in ("1", "2", "random")
    ]
