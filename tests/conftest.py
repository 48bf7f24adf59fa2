"""Shared helpers: a copy of the valid sample tree to break, and a way to check it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.check import CheckResult, check

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
REPO = Path(__file__).parent.parent
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
        return [(str(Path(f.path).relative_to(self.root)), f.line, f.rule)
                for f in self.check().findings if rule is None or f.rule == rule]


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    shutil.copytree(VALID, tmp_path / "data")
    return Tree(tmp_path / "data")
