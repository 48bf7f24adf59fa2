"""Shared helpers: fixture trees, throw-away project directories, golden-file switch."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite tests/golden/ from the current renderer instead of comparing (or UPDATE_GOLDENS=1)")


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens") or os.environ.get("UPDATE_GOLDENS"))


def make_project(where: Path, data: Path) -> tuple[Path, Path]:
    """A project like the repository's (mkdocs.yml, hand-written docs) with a copy of `data`."""
    where.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", where / "mkdocs.yml")
    (where / "docs").mkdir(exist_ok=True)
    shutil.copy(ROOT / "docs" / "about.md", where / "docs" / "about.md")
    shutil.copytree(ROOT / "docs" / "assets", where / "docs" / "assets", dirs_exist_ok=True)
    shutil.copytree(data, where / "data", dirs_exist_ok=True)
    return where / "mkdocs.yml", where / "data"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/site built once with `kb build`; returns the site directory."""
    from kb.build import Project, build

    config, data = make_project(tmp_path_factory.mktemp("built"), FIXTURES / "site")
    project = Project.locate(config, data)
    build(data, project, out=open(os.devnull, "w"))
    return project.site_dir
