"""A figure's `compared_to` is a reference to another figure (it used to crash kb check)."""

from __future__ import annotations

import shutil
from pathlib import Path

from kb.check.run import check

VALID = Path(__file__).resolve().parent / "fixtures" / "valid"


def test_compared_to_is_checked_like_any_reference(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    path = data / "figures" / "northland-defence-spending-2026.yaml"
    path.write_text(path.read_text() + "compared_to: northland-defence-spending-2024\n")
    assert check(data).errors == []
    path.write_text(
        path.read_text().replace("compared_to: northland-defence-spending-2024", "compared_to: no-such-figure")
    )
    [finding] = check(data).errors
    assert finding.rule == "ref-missing" and "'compared_to' names figure 'no-such-figure'" in finding.message
