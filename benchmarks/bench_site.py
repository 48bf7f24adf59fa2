"""Site build benchmark: `kb build` on a generated knowledge base of N facts, beside a bare
`mkdocs build` of the same number of plain pages with the same theme and navigation.

    python benchmarks/bench_site.py            # 1,000 and 10,000 facts
    python benchmarks/bench_site.py 1000 3000  # chosen sizes

Prints, per size: pages, time of check+render, of mkdocs build --strict, of the whole kb build,
of the bare build of plain pages, the ratio of kb build to that bare build and to its own mkdocs
step (the cost of checking and rendering), and HTML bytes per page for both. Work files go
to benchmarks/out/ (gitignored).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT / "scripts"))

from kb.build import Project, mkdocs_build, mkdocs_env, render  # noqa: E402

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
            f'publisher: Institute {i % 7}\npublished: "2025-0{1 + i % 9}"\ntype: report\nlanguage: en\nreliability: B\n')
    for i in range(n_actors):
        kind = KINDS[i % len(KINDS)]
        extra = f"country: actor-{(i // 5) * 5}\n" if kind != "state" else ""
        (data / "actors" / f"actor-{i}.yaml").write_text(
            f"id: actor-{i}\nname: Actor {i}\nkind: {kind}\naliases: [A{i}, Alias {i}]\n{extra}"
            f"summary: Actor {i} is an invented {kind} used by the benchmark.\n"
            f'sources:\n  - {{source: source-{i % n_sources}, locator: "para {i % 30}"}}\n')
    for i in range(n_places):
        (data / "places" / f"place-{i}.yaml").write_text(
            f"id: place-{i}\nname: Place {i}\nkind: city\ncountry: actor-{(i % (n_actors // 5)) * 5}\n"
            f'summary: An invented city.\nsources:\n  - {{source: source-{i % n_sources}, locator: "para 1"}}\n')
    for i in range(n_events):
        y, m = 2015 + i % 10, 1 + i % 12
        (data / "events" / f"event-{i}.yaml").write_text(
            f'id: event-{i}\ntitle: Invented event {i}\ndate: "{y}-{m:02d}"\nkind: {EVENT_KINDS[i % 6]}\n'
            f"places: [place-{i % n_places}]\nactors:\n  - {{actor: actor-{i % n_actors}, role: initiator}}\n"
            f"  - {{actor: actor-{(i * 7) % n_actors}, role: target}}\n"
            f"summary: Something invented happened, number {i}, between two invented actors.\n"
            f'sources:\n  - {{source: source-{i % n_sources}, locator: "para {i % 40}"}}\n')
    for i in range(n_figures):
        actor, year = (i // 8) % n_actors, 2017 + i % 8
        status = "planned" if year > 2024 else "actual"
        (data / "figures" / f"figure-{i}.yaml").write_text(
            f"id: figure-{i}\nactor: actor-{actor}\nmetric: metric-{(i // (8 * n_actors)) % 3}-share-of-gdp\n"
            f'value: {1 + (i % 30) / 10}\nunit: percent-of-gdp\nperiod: "{year}"\nstatus: {status}\n'
            f'sources:\n  - {{source: source-{i % n_sources}, locator: "table {i % 5}"}}\n')
    for i in range(n_briefings):
        links = " ".join(f"[event {j}](event:event-{j}) and [actor {j}](actor:actor-{j % n_actors})."
                         for j in range(i * 20, i * 20 + 20) if j < n_events)
        (data / "briefings" / f"briefing-{i}.md").write_text(
            f'---\ntitle: Briefing {i}\ndate: "2025-06-01"\nauthors: [Bench]\nsummary: A generated briefing.\n'
            f"status: published\n---\nIt begins. {links}\n\n!!! judgement \"likely\"\n    More will follow, "
            f'[says the report](source:source-{i % n_sources} "para 3").\n')


def html_bytes(site: Path) -> tuple[int, int]:
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]
    return len(pages), sum(p.stat().st_size for p in pages)


def bare_pages(where: Path, count: int) -> Path:
    """The same mkdocs.yml (theme, nav, extensions) over `count` plain pages of a few paragraphs."""
    shutil.rmtree(where, ignore_errors=True)
    docs = where / "docs"
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    config = (ROOT / "mkdocs.yml").read_text()
    config = config[:config.index("\nnav:")] + "\nnav:\n  - Home: index.md\n"
    (where / "mkdocs.yml").write_text(config)
    (docs / "index.md").write_text("# Home\n\nPlain pages.\n")
    for i in range(count):
        folder = docs / f"p{i // 1000}"
        folder.mkdir(exist_ok=True)
        (folder / f"page-{i}.md").write_text(
            f"# Plain page {i}\n\n" + "\n\n".join(f"Paragraph {k} of a plain page, with ordinary words to index."
                                                 for k in range(6)) + "\n")
    return where / "mkdocs.yml"


def run(n: int) -> dict[str, float]:
    work = OUT / f"n{n}"
    work.mkdir(parents=True, exist_ok=True)
    data = work / "data"
    generate(data, n)
    proj_dir = work / "kb"
    shutil.rmtree(proj_dir, ignore_errors=True)
    (proj_dir / "docs").mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", proj_dir / "mkdocs.yml")
    shutil.copy(ROOT / "docs" / "about.md", proj_dir / "docs" / "about.md")
    shutil.copytree(ROOT / "docs" / "assets", proj_dir / "docs" / "assets")
    project = Project.locate(proj_dir / "mkdocs.yml", data)

    t0 = time.perf_counter()
    kb, _ = render(data, project, out=io.StringIO())
    t1 = time.perf_counter()
    mkdocs_build(project, mkdocs_env(kb))
    t2 = time.perf_counter()
    pages, size = html_bytes(project.site_dir)

    bare_config = bare_pages(work / "bare", pages)
    t3 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(bare_config)],
                   check=True, env=mkdocs_env(kb))
    t4 = time.perf_counter()
    bare_count, bare_size = html_bytes(bare_config.parent / "site")
    return dict(facts=n, pages=pages, render=t1 - t0, mkdocs=t2 - t1, total=t2 - t0, bare=t4 - t3,
                ratio=(t2 - t0) / (t4 - t3), bytes_per_page=size / pages, bare_bytes_per_page=bare_size / bare_count)


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1000, 10000]
    print(f"{'facts':>6} {'pages':>6} {'check+render':>12} {'mkdocs':>8} {'kb build':>9} {'bare mkdocs':>11} "
          f"{'vs bare':>7} {'vs own mkdocs':>13} {'KB/page':>8} {'bare KB/page':>12}")
    for n in sizes:
        r = run(n)
        print(f"{r['facts']:>6} {r['pages']:>6} {r['render']:>11.1f}s {r['mkdocs']:>7.1f}s {r['total']:>8.1f}s "
              f"{r['bare']:>10.1f}s {r['ratio']:>7.2f} {r['total'] / r['mkdocs']:>13.2f} {r['bytes_per_page'] / 1000:>8.1f} {r['bare_bytes_per_page'] / 1000:>12.1f}",
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
