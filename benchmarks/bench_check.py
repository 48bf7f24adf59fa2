"""`make bench`: time `kb check` on a generated 10,000-fact tree against merely parsing it.

The floor is PyYAML's C loader reading the same files; the target is check <= 2.5 x parse.
Both are measured in this one run (best of several), so the ratio holds across machines.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate
from kb.check.run import check

TARGET = 2.5


def best_of(fn, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main(facts: int = 10_000, runs: int = 3) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        generate(data, facts, briefings=20)
        files = sorted(data.rglob("*.yaml"))
        size = sum(p.stat().st_size for p in files)

        def parse_only() -> None:
            for p in files:
                yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

        result = check(data)
        assert not result.findings, result.findings[:5]
        t_parse = best_of(parse_only, runs)
        t_check = best_of(lambda: check(data), runs)
    ratio = t_check / t_parse
    print(f"{len(files):,} fact files, {size / 1e6:.1f} MB")
    print(f"parse (CSafeLoader)  {t_parse:6.2f} s")
    print(f"kb check (all rules) {t_check:6.2f} s")
    print(f"ratio                {ratio:6.2f} x  (target <= {TARGET} x) {'OK' if ratio <= TARGET else 'OVER TARGET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:])))
