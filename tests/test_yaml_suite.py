"""The 402 inputs of the public YAML test suite, dropped into one data tree: findings, never a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SHARED, needs_shared
from kb.check.run import check

SUITE = SHARED / "yaml-test-suite"


@needs_shared(SUITE)
def test_every_suite_input_gets_a_finding_at_its_own_path(tmp_path):
    files = sorted([*SUITE.glob("valid/*.yaml"), *SUITE.glob("error/*.yaml")])
    assert len(files) == 402
    data = tmp_path / "data"
    (data / "events").mkdir(parents=True)
    for src in files:
        shutil.copy(src, data / "events" / f"{src.parent.name}-{src.name}")
    result = check(data)  # must not raise
    assert result.files == 402
    flagged = {Path(f.path).name for f in result.findings}
    missing = sorted(p.name for p in (data / "events").iterdir() if p.name not in flagged)
    assert not missing, f"no finding for {missing[:10]}"
    assert all(f.line >= 1 and f.col >= 1 and f.hint for f in result.findings)
