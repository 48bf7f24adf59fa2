"""History benchmark (issue 14): the history stage of `kb build` on 10,000 facts and 1,000 commits,
beside the whole build.

A git repository is made under benchmarks/out/history/ (gitignored) from `benchmarks/generate.py`'s
tree: the facts recorded 300 at a time, then edit commits until there are 1,000 (figure values
revised, summaries and locators reworded, figures renamed with `former_ids` or removed), every commit
at a fixed date a day apart. Then `kb.core.history.read` is timed --repeat times, and with --build,
`kb build` of that repository --builds times (its own line of stage times includes the history, read on a
thread beside the data): medians, with the spread (lowest-highest) of the runs.

    python benchmarks/bench_history.py                  # 10,000 facts, 1,000 commits, history only
    python benchmarks/bench_history.py --build          # and the whole build, with the share
    python benchmarks/bench_history.py --build --reuse  # the repository made by an earlier run
    python benchmarks/bench_history.py --facts 1000 --commits 200
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "history"
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "benchmarks")]

from generate import generate  # noqa: E402
from kb.core import history  # noqa: E402

BATCH = 300
START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
_ENV = dict(
    os.environ,
    GIT_CONFIG_GLOBAL=os.devnull,
    GIT_CONFIG_NOSYSTEM="1",
    # no gc in the background while commits are made: the repository is packed once, at the end
    GIT_CONFIG_COUNT="1",
    GIT_CONFIG_KEY_0="gc.auto",
    GIT_CONFIG_VALUE_0="0",
    GIT_AUTHOR_NAME="Bench",
    GIT_AUTHOR_EMAIL="bench@example.org",
    GIT_COMMITTER_NAME="Bench",
    GIT_COMMITTER_EMAIL="bench@example.org",
)


def git(repo: Path, *args: str, when: datetime | None = None) -> str:
    env = _ENV if when is None else dict(_ENV, GIT_AUTHOR_DATE=when.isoformat(), GIT_COMMITTER_DATE=when.isoformat())
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def make_repo(repo: Path, facts: int, commits: int, seed: int = 7) -> int:
    """The repository of `facts` facts over `commits` commits; returns the number of commits made."""
    shutil.rmtree(repo, ignore_errors=True)
    stage = repo.parent / "stage"
    shutil.rmtree(stage, ignore_errors=True)
    generate(stage, facts)
    data = repo / "data"
    data.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main", "--template=")
    files = sorted(stage.rglob("*.yaml"), key=lambda p: (p.parent.name != "sources", p.parent.name, p.name))
    made, when = 0, START
    for i in range(0, len(files), BATCH):
        for path in files[i : i + BATCH]:
            (data / path.parent.name).mkdir(exist_ok=True)
            shutil.copy(path, data / path.parent.name / path.name)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"Record facts {i + 1}-{i + BATCH}", when=when)
        made, when = made + 1, when + timedelta(days=1)
    rng = random.Random(seed)
    figures = sorted((data / "figures").glob("*.yaml"))
    others = sorted(p for folder in ("events", "actors", "places") for p in (data / folder).glob("*.yaml"))
    while made < commits:
        for _ in range(rng.randint(1, 6)):
            edit(rng, figures, others)
        git(repo, "add", "-A")
        if not git(repo, "diff", "--cached", "--name-only"):
            continue  # the edits happened to write what was there
        git(repo, "commit", "-q", "-m", f"Edit {made}", when=when)
        made, when = made + 1, when + timedelta(days=1)
    git(repo, "gc", "-q")  # packed, as a clone is
    return made


def edit(rng: random.Random, figures: list[Path], others: list[Path]) -> None:
    """One editor's change: a figure revised, renamed or removed, or a text reworded."""
    roll = rng.random()
    if roll < 0.5 and figures:
        path = rng.choice(figures)
        text = re.sub(r"(?m)^value: .*$", f"value: {rng.uniform(0.5, 6):.1f}", path.read_text())
        path.write_text(re.sub(r'locator: "para \d+"', f'locator: "para {rng.randint(1, 40)}"', text, count=1))
    elif roll < 0.55 and figures:
        path = figures.pop(rng.randrange(len(figures)))
        old = path.stem
        new = path.with_name(f"{old}-r{rng.randint(0, 9999)}.yaml")
        text = path.read_text()
        if "former_ids: [" in text:  # renamed before: one more former id
            text = text.replace(f"id: {old}\n", f"id: {new.stem}\n", 1).replace(
                "former_ids: [", f"former_ids: [{old}, "
            )
        else:
            text = text.replace(f"id: {old}\n", f"id: {new.stem}\nformer_ids: [{old}]\n", 1)
        path.unlink()
        new.write_text(text)
        figures.append(new)
    elif roll < 0.58 and figures:
        figures.pop(rng.randrange(len(figures))).unlink()
    else:
        path = rng.choice(others)
        words = ["cable", "border", "drone", "naval", "radar", "summit", "grid"]
        path.write_text(
            re.sub(
                r"(?m)^(summary: (?:>-\n  )?)(\w+)", rf"\1{rng.choice(words).capitalize()}", path.read_text(), count=1
            )
        )


def time_history(data: Path, repeat: int) -> tuple[list[float], list[float], history.History]:
    """The wall times of `repeat` reads, and their CPU times (ours and git's)."""
    walls, cpus, found = [], [], history.History()
    for _ in range(repeat):
        started, own, children = time.perf_counter(), time.process_time(), _children()
        found = history.read(data)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - own + _children() - children)
    return walls, cpus, found


def spread(values: list[float], unit: str = " s", digits: int = 2) -> str:
    """The median and the range of `values`: "1.33 s (1.30-1.41, 5 runs)"."""
    return (
        f"{statistics.median(values):.{digits}f}{unit} ({min(values):.{digits}f}-{max(values):.{digits}f}, "
        f"{len(values)} runs)"
    )


def _children() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def build(repo: Path) -> tuple[float, dict[str, float]]:
    """`kb build` of the repository's data from scratch: its wall time and its stage times."""
    for name in ("mkdocs.yml",):
        shutil.copy(ROOT / name, repo / name)
    for folder in ("overrides", "docs/assets"):
        if (ROOT / folder).is_dir():
            shutil.rmtree(repo / folder, ignore_errors=True)
            shutil.copytree(ROOT / folder, repo / folder)
    shutil.copy(ROOT / "docs" / "about.md", repo / "docs" / "about.md")
    for child in (repo / "docs").iterdir():
        if child.name not in ("about.md", "assets"):
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.rmtree(repo / "site", ignore_errors=True)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT / "scripts"))
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "kb.cli", "build", "data"], cwd=repo, env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    if run.returncode != 0:
        sys.exit(f"kb build failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    line = re.search(r"^kb build: time: (.*)$", run.stdout, re.M)
    stages = {k: float(v) for k, v in re.findall(r"(\w+) ([\d.]+) s", line[1])} if line else {}
    return wall, stages


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--facts", type=int, default=10_000)
    ap.add_argument("--commits", type=int, default=1_000)
    ap.add_argument("--repeat", type=int, default=5, help="reads of the history timed")
    ap.add_argument("--build", action="store_true", help="also time kb build of the repository")
    ap.add_argument("--builds", type=int, default=3, help="builds timed, with --build")
    ap.add_argument("--reuse", action="store_true", help="keep the repository made by an earlier run")
    args = ap.parse_args(argv)
    repo = OUT / f"n{args.facts}-c{args.commits}"
    if not (args.reuse and (repo / ".git").is_dir()):
        started = time.perf_counter()
        made = make_repo(repo, args.facts, args.commits)
        print(f"made {repo}: {args.facts:,} facts, {made:,} commits in {time.perf_counter() - started:.0f} s")
    walls, cpus, found = time_history(repo / "data", args.repeat)
    revisions = sum(1 for c in found.changes if c.what != "added")
    print(
        f"history alone: {spread(walls)} wall, {spread(cpus)} CPU with git's, for {len(found.changes):,} changes "
        f"({revisions:,} after the first recording) of {len(found.by_fact):,} facts"
    )
    if args.build:
        runs = []
        for n in range(args.builds):
            wall, stages = build(repo)
            runs.append((wall, stages))
            shown = ", ".join(f"{k} {v:.2f} s" for k, v in stages.items())
            print(f"kb build {n + 1}: {wall:.1f} s wall ({shown})")
        builds = [wall for wall, _ in runs]
        stage = [stages.get("history", 0.0) for _, stages in runs]
        share = [100 * h / wall for h, wall in zip(stage, builds, strict=True)]
        print(f"kb build: {spread(builds, digits=1)}; history stage in it: {spread(stage)}")
        print(f"history stage's share of the build: {spread(share, unit=' %', digits=1)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
