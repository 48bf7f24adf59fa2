"""Site build benchmark (issue 4): `kb build` of a generated knowledge base of N facts, beside

  (a) a bare `mkdocs build --strict` of N plain pages, one per fact, each a heading and a paragraph of
      text, with the same mkdocs.yml (theme, features, extensions, search, validation) and the same
      navigation: the issue's yardstick, target kb build <= 1.15 x this;
  (b) `mkdocs build --strict` of the very docs tree kb build rendered, on one core as MkDocs runs:
      what our pages cost MkDocs, against which kb build's own publishing on every core is set;
  (c) the floor that follows: (b) shared perfectly over the cores, beside (a).

    python benchmarks/bench_site.py                 # 1,000 and 10,000 facts
    python benchmarks/bench_site.py 1000 3000       # chosen sizes
    python benchmarks/bench_site.py --real          # the real content in data/ (one plain page per fact too)
    python benchmarks/bench_site.py --repeat 3 1000 # best of 3 runs of each build

Every build is a separate process, timed by the wall clock (what a reader of the issue waits for) and
by its CPU time (user + system, less disturbed by other work on the machine: compare the two to see
whether a run was disturbed). `kb build` prints its own stages (read, render with the rules beside
it, write, mkdocs), which are shown too. HTML bytes per page count every .html page but 404.html. Work files go to
benchmarks/out/ (gitignored). Do not run anything else heavy meanwhile: 2 cores are easily shared.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
TARGET = 1.15
BYTES_TOLERANCE = 0.10

KINDS = ["state", "organisation", "alliance", "person", "agency"]
EVENT_KINDS = ["cyber-attack", "airspace-violation", "exercise", "visit", "statement", "policy-decision"]


def generate(data: Path, n: int) -> None:
    """A knowledge base of about `n` facts shaped like the real one: mostly events and figures."""
    shutil.rmtree(data, ignore_errors=True)
    for folder in ("sources", "actors", "places", "events", "figures", "briefings"):
        (data / folder).mkdir(parents=True)
    n_sources, n_actors, n_places = max(n // 50, 2), max(n // 10, 5), max(n // 20, 2)
    n_figures = n // 5
    n_briefings = max(n // 200, 1)
    n_events = n - n_sources - n_actors - n_places - n_figures - n_briefings
    for i in range(n_sources):
        (data / "sources" / f"source-{i}.yaml").write_text(
            f'id: source-{i}\ntitle: "Report number {i} on regional security"\nauthors: [Author {i % 17}]\n'
            f'publisher: Institute {i % 7}\npublished: "2025-0{1 + i % 9}"\ntype: report\nlanguage: en\nreliability: B\n'
        )
    for i in range(n_actors):
        kind = KINDS[i % len(KINDS)]
        extra = f"country: actor-{(i // 5) * 5}\n" if kind != "state" else ""
        (data / "actors" / f"actor-{i}.yaml").write_text(
            f"id: actor-{i}\nname: Actor {i}\nkind: {kind}\naliases: [A{i}, Alias {i}]\n{extra}"
            f"summary: Actor {i} is an invented {kind} used by the benchmark.\n"
            f'sources:\n  - {{source: source-{i % n_sources}, locator: "para {i % 30}"}}\n'
        )
    for i in range(n_places):
        (data / "places" / f"place-{i}.yaml").write_text(
            f"id: place-{i}\nname: Place {i}\nkind: city\ncountry: actor-{(i % (n_actors // 5)) * 5}\n"
            f'summary: An invented city.\nsources:\n  - {{source: source-{i % n_sources}, locator: "para 1"}}\n'
        )
    for i in range(n_events):
        y, m = 2015 + i % 10, 1 + i % 12
        (data / "events" / f"event-{i}.yaml").write_text(
            f'id: event-{i}\ntitle: Invented event {i}\ndate: "{y}-{m:02d}"\nkind: {EVENT_KINDS[i % 6]}\n'
            f"places: [place-{i % n_places}]\nactors:\n  - {{actor: actor-{i % n_actors}, role: initiator}}\n"
            f"  - {{actor: actor-{(i * 7) % n_actors}, role: target}}\n"
            f"summary: Something invented happened, number {i}, between two invented actors.\n"
            f'sources:\n  - {{source: source-{i % n_sources}, locator: "para {i % 40}"}}\n'
        )
    for i in range(n_figures):
        actor, year = (i // 8) % n_actors, 2017 + i % 8
        status = "planned" if year > 2024 else "actual"
        (data / "figures" / f"figure-{i}.yaml").write_text(
            f"id: figure-{i}\nactor: actor-{actor}\nmetric: metric-{(i // (8 * n_actors)) % 3}-share-of-gdp\n"
            f'value: {1 + (i % 30) / 10}\nunit: percent-of-gdp\nperiod: "{year}"\nstatus: {status}\n'
            f'sources:\n  - {{source: source-{i % n_sources}, locator: "table {i % 5}"}}\n'
        )
    for i in range(n_briefings):
        links = " ".join(
            f"[event {j}](event:event-{j}) and [actor {j}](actor:actor-{j % n_actors})."
            for j in range(i * 20, i * 20 + 20)
            if j < n_events
        )
        (data / "briefings" / f"briefing-{i}.md").write_text(
            f'---\ntitle: Briefing {i}\ndate: "2025-06-01"\nauthors: [Bench]\nsummary: A generated briefing.\n'
            f'status: published\n---\nIt begins. {links}\n\n!!! judgement "likely"\n    More will follow, '
            f'[says the report](source:source-{i % n_sources} "para 3").\n'
        )


def count_facts(data: Path) -> int:
    return sum(1 for p in data.rglob("*") if p.suffix in (".yaml", ".md") and len(p.relative_to(data).parts) == 2)


def html_bytes(site: Path) -> tuple[int, int]:
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]
    return len(pages), sum(p.stat().st_size for p in pages)


def nav_pages(config: Path) -> list[str]:
    """The pages the navigation of `config` names: the bare site has a plain page at each, so both
    sites carry the same navigation on every page."""

    def walk(items: list) -> list[str]:
        found = []
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            found += walk(value) if isinstance(value, list) else [value]
        return found

    return walk(yaml.safe_load(config.read_text("utf-8"))["nav"])


WORDS = [
    "the",
    "border",
    "cable",
    "drone",
    "cyber",
    "naval",
    "exercise",
    "ministry",
    "alliance",
    "pipeline",
    "airspace",
    "sanctions",
    "brigade",
    "harbour",
    "frigate",
    "radar",
    "battalion",
    "summit",
    "treaty",
    "election",
    "grid",
    "jamming",
    "sabotage",
    "parliament",
]


def paragraph(i: int, words: int = 40) -> str:
    return " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(words)).capitalize() + "."


def bare_project(where: Path, count: int) -> Path:
    """`count` plain pages (a heading and one paragraph each, in events/ so that mkdocs.yml's not_in_nav
    covers them as it covers fact pages), plain pages at the navigation's places, our mkdocs.yml as is."""
    shutil.rmtree(where, ignore_errors=True)
    docs = where / "docs"
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    shutil.copytree(ROOT / "overrides", where / "overrides")
    shutil.copy(ROOT / "mkdocs.yml", where / "mkdocs.yml")
    for rel in nav_pages(ROOT / "mkdocs.yml"):
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(f"# {rel}\n\n{paragraph(0)}\n")
    for i in range(count):
        (docs / "events" / f"page-{i:05d}.md").write_text(f"# Plain page {i}\n\n{paragraph(i)}\n")
    return where / "mkdocs.yml"


def kb_project(where: Path) -> Path:
    """A project of our mkdocs.yml, the hand-written pages and nothing generated yet."""
    shutil.rmtree(where, ignore_errors=True)
    (where / "docs").mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", where / "mkdocs.yml")
    shutil.copy(ROOT / "docs" / "about.md", where / "docs" / "about.md")
    shutil.copytree(ROOT / "docs" / "assets", where / "docs" / "assets")
    shutil.copytree(ROOT / "overrides", where / "overrides")
    return where / "mkdocs.yml"


@dataclass
class Run:
    wall: float
    cpu: float
    output: str = ""


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """Run `cmd` to completion; its wall time and the CPU time (user + system) of it and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, done.stdout + done.stderr)


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.wall)


@dataclass
class Result:
    facts: int
    kb: Run
    stages: dict[str, float]
    pages: int
    kb_bytes: int
    own: Run | None = None
    bare: Run | None = None
    bare_pages: int = 0
    bare_bytes: int = 0
    real: bool = False


def env() -> dict[str, str]:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT / "scripts"))


def kb_build(config: Path, data: Path, site: Path) -> Run:
    """`kb build` from scratch: no docs rendered before, no site."""
    for child in (config.parent / "docs").iterdir():
        if child.name not in ("about.md", "assets"):
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.rmtree(site, ignore_errors=True)
    return timed(
        [sys.executable, "-m", "kb.cli", "build", str(data), "--config", str(config), "--site-dir", str(site)],
        config.parent,
        env(),
    )


def stages_of(run: Run) -> dict[str, float]:
    line = re.search(r"^kb build: time: (.*)$", run.output, re.M)
    return {k: float(v) for k, v in re.findall(r"(\w+) ([\d.]+) s", line[1])} if line else {}


def mkdocs(config: Path, site: Path) -> Run:
    """`mkdocs build --strict` into a fresh directory, as kb build does."""
    shutil.rmtree(site, ignore_errors=True)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)]
    return timed(cmd, config.parent, env())


def measure(n: int | None, repeat: int) -> Result:
    """Build the knowledge base of `n` generated facts (None: the real data/) and its yardsticks,
    `repeat` rounds of the three builds one after the other (so a slow spell of the machine hits all
    three alike); the fastest run of each counts."""
    work = OUT / (f"n{n}" if n else "real")
    work.mkdir(parents=True, exist_ok=True)
    if n:
        data = work / "data"
        generate(data, n)
    else:
        data = ROOT / "data"
    facts = count_facts(data)
    config = kb_project(work / "kb")
    bare_config = bare_project(work / "bare", facts)
    kb_runs, own_runs, bare_runs = [], [], []
    for _ in range(repeat):
        kb_runs.append(kb_build(config, data, work / "kb" / "site"))
        own_runs.append(mkdocs(config, work / "own-site"))
        bare_runs.append(mkdocs(bare_config, work / "bare" / "site"))
    run = best(kb_runs)
    pages, size = html_bytes(work / "kb" / "site")
    result = Result(facts, run, stages_of(run), pages, size, own=best(own_runs), bare=best(bare_runs), real=not n)
    result.bare_pages, result.bare_bytes = html_bytes(work / "bare" / "site")
    return result


def name(r: Result) -> str:
    return f"{r.facts} real" if r.real else str(r.facts)


def report(results: list[Result]) -> None:
    print("\nkb build: wall (CPU) seconds; stages as kb build reports them")
    print(
        f"{'facts':>9} {'pages':>6} {'kb build':>15} {'read':>6} {'render':>6} {'write':>6} {'mkdocs':>7} "
        f"{'KB/page':>8}"
    )
    for r in results:
        s = r.stages
        print(
            f"{name(r):>9} {r.pages:>6} {r.kb.wall:>7.1f} ({r.kb.cpu:>5.1f}) {s.get('read', 0):>6.2f} "
            f"{s.get('render', 0):>6.2f} {s.get('write', 0):>6.2f} {s.get('mkdocs', 0):>7.2f} "
            f"{r.kb_bytes / r.pages / 1000:>8.1f}"
        )
    bare = [r for r in results if r.bare]
    if bare:
        print(
            f"\n(a) kb build vs bare `mkdocs build` of one plain page per fact, same mkdocs.yml and nav "
            f"(target <= {TARGET:.2f} x)"
        )
        print(
            f"{'facts':>9} {'bare pages':>10} {'bare mkdocs':>15} {'ratio wall':>10} {'ratio CPU':>9} "
            f"{'bare KB/page':>12}"
        )
        for r in bare:
            ratio = r.kb.wall / r.bare.wall
            print(
                f"{name(r):>9} {r.bare_pages:>10} {r.bare.wall:>7.1f} ({r.bare.cpu:>5.1f}) {ratio:>10.2f} "
                f"{r.kb.cpu / r.bare.cpu:>9.2f} {r.bare_bytes / r.bare_pages / 1000:>12.1f}"
                f"  {'OK' if ratio <= TARGET else 'over target'}"
            )
    print(
        "\n(b) kb build vs `mkdocs build` (one core) of the same rendered docs tree, and kb build's own mkdocs\n"
        "    stage (kb.site.publish, every core) beside it"
    )
    print(f"{'facts':>9} {'own mkdocs':>15} {'ratio wall':>10} {'ratio CPU':>9} {'mkdocs stage':>12} {'ratio':>6}")
    for r in results:
        stage = r.stages.get("mkdocs", 0)
        print(
            f"{name(r):>9} {r.own.wall:>7.1f} ({r.own.cpu:>5.1f}) {r.kb.wall / r.own.wall:>10.2f} "
            f"{r.kb.cpu / r.own.cpu:>9.2f} {stage:>12.1f} {r.kb.wall / stage if stage else 0:>6.2f}"
        )
    cores = os.cpu_count() or 1
    print(
        f"\n(c) the floor: our pages cost MkDocs 'own mkdocs' on one core; on {cores} cores with nothing else to do,\n"
        f"    kb build could not beat own mkdocs / {cores}, whatever it did around MkDocs"
    )
    print(f"{'facts':>9} {'own / bare':>10} {'floor vs bare':>13}")
    for r in bare:
        print(f"{name(r):>9} {r.own.wall / r.bare.wall:>10.2f} {r.own.wall / cores / r.bare.wall:>13.2f}")
    generated = [r for r in results if not r.real]
    if len(generated) >= 2:
        lo, hi = generated[0], generated[-1]
        a, b = lo.kb_bytes / lo.pages, hi.kb_bytes / hi.pages
        diff = (b - a) / a
        print(
            f"\nHTML bytes per page: {a / 1000:.1f} KB at {lo.facts:,} facts, {b / 1000:.1f} KB at {hi.facts:,}: "
            f"{diff:+.1%} (target within {BYTES_TOLERANCE:.0%}) {'OK' if abs(diff) <= BYTES_TOLERANCE else 'over'}"
        )


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, help="numbers of facts (default: 1000 10000)")
    ap.add_argument("--real", action="store_true", help="also (or only, with no sizes) the real content in data/")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each build; the fastest counts (default: 1)")
    args = ap.parse_args(argv)
    sizes = args.sizes or ([] if args.real else [1000, 10000])
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores", flush=True)
    results = []
    for n in ([None] if args.real else []) + sizes:
        results.append(measure(n, args.repeat))
        r = results[-1]
        print(
            f"  {name(r)} facts: kb build {r.kb.wall:.1f} s, own mkdocs {r.own.wall:.1f} s"
            + (f", bare {r.bare.wall:.1f} s" if r.bare else ""),
            flush=True,
        )
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
