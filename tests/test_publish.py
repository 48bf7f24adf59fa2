"""kb.site.publish: MkDocs's build with the page work on several processes makes what `mkdocs build` makes,
byte for byte but for each page's Content-Security-Policy, and fails as it fails, with the same
warnings in the same order."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.config import load_config

from conftest import FIXTURES, make_project, tree_bytes
from csp_audit import audit
from kb.check.run import check
from kb.site import csp
from kb.site import publish as publish_module
from kb.site.publish import keeps_state
from kb.site.render.site import write_site

ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1750000000")


# The line kb.site.csp adds after <meta charset> (tests/test_csp.py checks what it says).
CSP_LINE = re.compile(rb'\n *<meta http-equiv="Content-Security-Policy" content="[^"]*">')


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample knowledge base rendered into a project's docs/ (forked from its first page on)."""
    config, data = make_project(tmp_path_factory.mktemp("publish"), FIXTURES / "site")
    write_site(check(data).kb, config.parent / "docs")
    return config.parent


def mkdocs(project: Path, site: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", site],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
    )


def publish(project: Path, site: str, jobs: int = 2) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kb.site.publish", "--strict", "--jobs", str(jobs), "-d", site, "--parallel-from", "1"],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
    )


def warnings(run: subprocess.CompletedProcess) -> list[str]:
    return [line for line in (run.stderr + run.stdout).splitlines() if line.startswith(("WARNING", "Aborted"))]


def test_the_site_is_byte_identical_to_mkdocs_build(project: Path) -> None:
    single = mkdocs(project, "site-mkdocs")
    parallel = publish(project, "site-parallel")
    assert single.returncode == 0, single.stderr
    assert parallel.returncode == 0, parallel.stderr
    assert "on 2 processes" in parallel.stderr
    ours, theirs = tree_bytes(project / "site-parallel"), tree_bytes(project / "site-mkdocs")
    assert ours.keys() == theirs.keys()
    pages = [path for path in ours if path.endswith(".html")]
    assert len(pages) > 20
    # Every page, templated on a worker or (404.html) here, has its policy; without it, it is MkDocs's.
    assert [path for path in pages if audit(ours[path].decode())] == []
    for path in pages:
        ours[path], added = CSP_LINE.subn(b"", ours[path], count=1)
        assert added == 1, path
    assert [path for path in ours if ours[path] != theirs[path]] == []


@pytest.fixture
def broken(project: Path, tmp_path: Path) -> Path:
    """A copy of the project with a broken link early, a missing anchor late and a link to an anchor
    on another page that exists."""
    copy = tmp_path / "project"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site-*"))
    docs = copy / "docs"
    with (docs / "actors" / "eastland.md").open("a") as fh:
        fh.write("\nSee [nowhere](../actors/no-such-actor.md).\n")
    with (docs / "sources" / "index.md").open("a") as fh:
        fh.write(
            "\nSee [the yardstick](../about.md#no-such-heading) and [the other](../about.md#likelihood-yardstick).\n"
        )
    return copy


def test_a_broken_site_fails_with_mkdocs_warnings_in_mkdocs_order(broken: Path) -> None:
    single = mkdocs(broken, "site-mkdocs")
    parallel = publish(broken, "site-parallel")
    assert single.returncode == parallel.returncode == 1
    found = warnings(parallel)
    assert found == warnings(single)
    assert any("actors/eastland.md" in line and "no-such-actor.md" in line for line in found)
    assert any("#no-such-heading" in line for line in found) and not any(
        "#likelihood-yardstick" in line for line in found
    )
    assert found[-1] == "Aborted with 2 warnings in strict mode!"


def test_an_error_inside_a_page_is_reported_by_page_without_a_traceback(project: Path, tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site-*"))
    page = copy / "docs" / "events" / "border-exercise-2023.md"
    page.write_text(page.read_text().replace("---\n", "---\ntemplate: no-such-template.html\n", 1))
    run = publish(copy, "site")
    assert run.returncode == 1
    assert "Error building page 'events/border-exercise-2023.md'" in run.stderr
    assert "no-such-template.html" in run.stderr and "Traceback" not in run.stderr


def test_one_process_another_plugin_or_another_mkdocs_is_mkdocs_build_itself(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    single = publish(project, str(tmp_path / "site"), jobs=1)
    assert single.returncode == 0 and "on 2 processes" not in single.stderr
    config = project / "mkdocs.yml"
    loaded = load_config(str(config))
    assert keeps_state(loaded)
    csp.install(loaded)
    assert keeps_state(loaded), "kb's own plugin keeps nothing across pages: it runs on the workers"
    other = tmp_path / "mkdocs.yml"
    other.write_text(config.read_text().replace("plugins: []\n", "plugins:\n  - tags\n"))
    os.symlink(project / "docs", tmp_path / "docs")
    os.symlink(project / "overrides", tmp_path / "overrides")
    assert not keeps_state(load_config(str(other)))
    monkeypatch.setattr("mkdocs.__version__", "1.6.2")
    assert not keeps_state(loaded), "another MkDocs's build steps may differ: its own build() runs"
    monkeypatch.setattr("mkdocs.__version__", publish_module.MKDOCS)
    assert keeps_state(loaded)
    real_version = importlib.metadata.version
    monkeypatch.setattr(
        "importlib.metadata.version", lambda name: "9.9.0" if name == "mkdocs-material" else real_version(name)
    )
    assert not keeps_state(loaded), "another Material may keep its search entries elsewhere: MkDocs's build() runs"
