"""Build figures at scale (issue 11), on the realistic trees of benchmarks/realistic.py, in one run:

  - `kb build` from scratch (no docs, no site), --repeat times: wall and CPU time, peak memory of the
    whole process tree (sum of proportional set sizes, sampled every 0.1 s; RSS too, which counts pages
    shared by forked workers once per process), kb's own stages (read, render with the rules beside it,
    write) against its mkdocs stage;
  - the pages it made: the largest, and every page over 300 KB;
  - on the very docs tree it rendered, alternately: `python -m mkdocs build --strict` (one core, as
    MkDocs runs) and `python -m kb.site.publish --strict` (MkDocs's steps with the page work on every core);
  - with --lean, `kb build` of the prototype's lean search markup too (KB_PROTOTYPE_SEARCH=lean);
  - with --zensical, `zensical build` of the same docs (and of the lean docs with --lean): whether it
    passes, its time and memory, the first error, and which search items are over its limit, worked out
    from Material's index of the same pages (Zensical's items and token counts are the same); with
    --zensical-limit, the limit itself measured on synthetic pages.

    python benchmarks/bench_build.py                          # 130, 1000 and 10000 facts, 3 runs each
    python benchmarks/bench_build.py 10000 --repeat 3 --lean --zensical

Medians with [min-max]. Two cores: run nothing else heavy meanwhile (the load average before each size is
printed; compare wall with CPU to see a disturbed run). Results also go to benchmarks/out/scale/build-<sizes>.json.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale
from scale import OUT, Stat, env, kb_build_cmd, mb, project, timed, tree

LIMIT = 300_000
"""The issue's page budget (bytes of HTML)."""


def fresh(config: Path, site: Path) -> None:
    """Remove what an earlier build generated: docs (but the hand-written pages) and the site."""
    docs = config.parent / "docs"
    for child in docs.iterdir():
        if child.name not in ("about.md", "assets"):
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    (docs / ".generated").unlink(missing_ok=True)
    shutil.rmtree(site, ignore_errors=True)


def pages(site: Path) -> list[tuple[int, str]]:
    return sorted(((p.stat().st_size, str(p.relative_to(site))) for p in site.rglob("*.html")), reverse=True)


def kind_of(path: str) -> str:
    parts = path.split("/")
    if len(parts) == 1:
        return path
    return f"{parts[0]}/index" if parts[-1] == "index.html" else parts[0]


def kb_builds(data: Path, work: Path, repeat: int, prototype: str = "") -> dict:
    config = project(work, plugins=None)
    site = work / "site"
    runs = []
    for _ in range(repeat):
        fresh(config, site)
        run = timed(kb_build_cmd(data, config, site), work, env(KB_PROTOTYPE_SEARCH=prototype))
        runs.append(
            dict(
                wall=run.wall,
                cpu=run.cpu,
                peak_pss=run.peak_pss,
                peak_rss=run.peak_rss,
                max_single_rss=run.max_single_rss,
                stages=scale.stages(run.output),
                load=run.load,
            )
        )
        print(
            f"    kb build{' (' + prototype + ')' if prototype else ''}: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, "
            f"peak {mb(run.peak_pss)} PSS, load {run.load[0]:.1f}",
            flush=True,
        )
    listed = pages(site)
    index = site / "search" / "search_index.json"
    return dict(
        runs=runs,
        config=str(config),
        site=str(site),
        pages=len(listed),
        html_bytes=sum(s for s, _ in listed),
        largest=listed[:15],
        over=[(s, p) for s, p in listed if s > LIMIT],
        largest_by_kind=_largest_by_kind(listed),
        search_index=index.stat().st_size if index.exists() else 0,
    )


def _largest_by_kind(listed: list[tuple[int, str]]) -> dict[str, tuple[int, str, int]]:
    out: dict[str, tuple[int, str, int]] = {}
    for size, path in listed:
        k = kind_of(path)
        if k not in out:
            out[k] = (size, path, sum(1 for _, p in listed if kind_of(p) == k))
    return out


def one_core_vs_publish(config: Path, work: Path, repeat: int) -> dict:
    """`mkdocs build` and `python -m kb.site.publish` of the docs tree already rendered beside `config`, alternately."""
    out: dict[str, list] = {"mkdocs": [], "publish": []}
    for _ in range(repeat):
        for name, module in (("mkdocs", "mkdocs"), ("publish", "kb.site.publish")):
            target = work / f"site-{name}"
            shutil.rmtree(target, ignore_errors=True)
            cmd = [sys.executable, "-m", module, "build" if module == "mkdocs" else "--strict"]
            cmd += (["--strict"] if module == "mkdocs" else []) + ["-f", str(config), "-d", str(target)]
            run = timed(cmd, config.parent, env())
            out[name].append(dict(wall=run.wall, cpu=run.cpu, peak_pss=run.peak_pss, load=run.load))
            print(
                f"    {' '.join(cmd[1:3])}: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, peak {mb(run.peak_pss)}",
                flush=True,
            )
            shutil.rmtree(target, ignore_errors=True)
    return out


# -- Zensical -------------------------------------------------------------------------------------------------


def zensical_limit(items: int) -> int:
    """Zensical 0.0.73's largest search field, in token positions, for an index of `items` items: item and
    position share 30 bits (measured with --zensical-limit: 5,001 items -> 131,072; 20,001 -> 32,768;
    39,265 and 40,001 -> 16,384)."""
    return 2 ** (30 - math.ceil(math.log2(items)))


def over_zensical_limit(site: Path) -> dict:
    """From Material's index of the same pages: items, the limit, and the items whose text is over it
    (tokens as the index's separator splits the text with its markup removed)."""
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    sep = re.compile(index["config"]["separator"])
    docs = index["docs"]
    limit = zensical_limit(len(docs))
    counts = []
    for e in docs:
        text = html.unescape(re.sub(r"<[^>]+>", " ", e["text"]))
        counts.append((sum(1 for t in sep.split(text) if t), e["location"]))
    counts.sort(reverse=True)
    return dict(items=len(docs), limit=limit, over=[c for c in counts if c[0] > limit], largest=counts[:5])


def zensical(config: Path, label: str) -> dict:
    binary = shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which("zensical")
    if binary is None:
        return {"error": "zensical is not installed"}
    zconfig = config.parent / "zensical.yml"
    zconfig.write_text(re.sub(r"(?m)^site_dir: .*$", "site_dir: zsite", config.read_text("utf-8")), "utf-8")
    shutil.rmtree(config.parent / "zsite", ignore_errors=True)
    shutil.rmtree(config.parent / ".cache", ignore_errors=True)
    run = timed([binary, "build", "--config-file", str(zconfig)], config.parent, env(), check=False)
    cache = (
        sum(p.stat().st_size for p in (config.parent / ".cache").rglob("*") if p.is_file())
        if (config.parent / ".cache").exists()
        else 0
    )
    error = next(iter(re.findall(r"(?m)^\w*Error: .*$", run.output)), None)
    print(
        f"    zensical build ({label}): {'passes' if run.returncode == 0 else 'FAILS'} in {run.wall:.1f} s, "
        f"peak {mb(run.peak_pss)}{'; ' + error[:200] if error else ''}",
        flush=True,
    )
    return dict(
        returncode=run.returncode,
        wall=run.wall,
        cpu=run.cpu,
        peak_pss=run.peak_pss,
        peak_rss=run.peak_rss,
        error=error,
        cache_bytes=cache,
    )


def probe_zensical_limit(
    work: Path, item_counts: tuple[int, ...] = (1000, 5000, 20000, 40000), tokens: int = 300_000
) -> list:
    """One page with a section of `tokens` words and `items` headings: the limit Zensical reports."""
    binary = shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which("zensical")
    found = []
    for items in item_counts:
        where = work / f"zensical-limit-{items}"
        shutil.rmtree(where, ignore_errors=True)
        (where / "docs").mkdir(parents=True)
        (where / "mkdocs.yml").write_text("site_name: probe\nuse_directory_urls: false\nplugins:\n  - search\n")
        words = " ".join(f"w{i % 997}" for i in range(tokens))
        heads = "\n\n".join(f"## h{i}\n\nx" for i in range(items))
        (where / "docs" / "index.md").write_text(f"# Probe\n\n{words}\n\n{heads}\n")
        run = timed([binary, "build", "--config-file", str(where / "mkdocs.yml")], where, env(), check=False)
        m = re.search(r"\((\d+) token positions; maximum (\d+) for (\d+) items\)", run.output)
        found.append(
            dict(
                items=items + 1,
                passed=run.returncode == 0,
                maximum=int(m[2]) if m else None,
                reported_items=int(m[3]) if m else None,
                predicted=zensical_limit(items + 1),
            )
        )
        print(f"    zensical limit probe: {found[-1]}", flush=True)
        shutil.rmtree(where, ignore_errors=True)
    return found


# -- the run ------------------------------------------------------------------------------------------------


def run_size(n: int, args: argparse.Namespace) -> dict:
    print(f"  {n} facts (load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})", flush=True)
    data = tree(n)
    work = OUT / f"build-{n}"
    result: dict = {"size": n, "today": kb_builds(data, work / "today", args.repeat)}
    config = Path(result["today"]["config"])
    result["one_core_vs_publish"] = one_core_vs_publish(config, work / "today", args.repeat)
    if (Path(result["today"]["site"]) / "search" / "search_index.json").is_file():  # Material's search on
        result["zensical_prediction"] = over_zensical_limit(Path(result["today"]["site"]))
    if args.zensical:
        result["zensical"] = zensical(config, "today's docs")
    if args.lean:
        result["lean"] = kb_builds(data, work / "lean", args.repeat, prototype="lean")
        result["lean"]["zensical_prediction"] = over_zensical_limit(Path(result["lean"]["site"]))
        if args.zensical:
            result["lean"]["zensical"] = zensical(Path(result["lean"]["config"]), "lean docs")
    return result


def report(results: list[dict]) -> None:
    print(
        "\nkb build from scratch: median [min-max] of the runs; peak memory = the largest sum of PSS over the "
        "process tree"
    )
    print(
        f"{'facts':>6} {'variant':<8} {'wall s':>17} {'CPU s':>17} {'read':>6} {'render':>6} {'write':>6} "
        f"{'mkdocs':>7} {'kb share':>8} {'peak PSS':>10} {'peak RSS':>10} {'pages':>6} {'HTML':>9}"
    )
    for r in results:
        for variant in ("today", "lean"):
            b = r.get(variant)
            if not b:
                continue
            runs = b["runs"]
            wall, cpu = Stat([x["wall"] for x in runs]), Stat([x["cpu"] for x in runs])
            st = {k: Stat([x["stages"].get(k, 0) for x in runs]).median for k in ("read", "render", "write", "mkdocs")}
            share = Stat(
                [
                    (x["stages"].get("read", 0) + x["stages"].get("render", 0) + x["stages"].get("write", 0))
                    / x["wall"]
                    for x in runs
                ]
            )
            pss, rss = Stat([x["peak_pss"] for x in runs]), Stat([x["peak_rss"] for x in runs])
            print(
                f"{r['size']:>6} {variant:<8} {wall.show(''):>17} {cpu.show(''):>17} {st['read']:>6.2f} "
                f"{st['render']:>6.2f} {st['write']:>6.2f} {st['mkdocs']:>7.2f} {share.median:>8.0%} "
                f"{mb(pss.median):>10} {mb(rss.median):>10} {b['pages']:>6} {mb(b['html_bytes']):>9}"
            )
    print(
        "\nThe same docs tree: one-core `mkdocs build --strict` vs `python -m kb.site.publish --strict` (every core), "
        "alternately; and kb build's wall against the one-core build"
    )
    print(
        f"{'facts':>6} {'mkdocs (1 core) s':>20} {'kb.publish s':>20} {'speed-up':>9} {'kb build / 1-core':>18} "
        f"{'mkdocs peak':>12} {'publish peak':>12}"
    )
    for r in results:
        o = r["one_core_vs_publish"]
        one, par = Stat([x["wall"] for x in o["mkdocs"]]), Stat([x["wall"] for x in o["publish"]])
        kb = Stat([x["wall"] for x in r["today"]["runs"]])
        print(
            f"{r['size']:>6} {one.show(''):>20} {par.show(''):>20} {one.median / par.median:>8.2f}x "
            f"{kb.median / one.median:>17.2f}x {mb(Stat([x['peak_pss'] for x in o['mkdocs']]).median):>12} "
            f"{mb(Stat([x['peak_pss'] for x in o['publish']]).median):>12}"
        )
    print(f"\nPages over {LIMIT // 1000} KB (HTML bytes), and the largest page of each kind")
    for r in results:
        for variant in ("today", "lean"):
            b = r.get(variant)
            if not b:
                continue
            over = ", ".join(f"{p} {s / 1000:.0f} KB" for s, p in b["over"]) or "none"
            print(f"{r['size']:>6} {variant:<6} over: {over}")
            kinds = sorted(b["largest_by_kind"].items(), key=lambda kv: -kv[1][0])
            print("       largest: " + "; ".join(f"{k} ({c} pages) {s / 1000:.0f} KB" for k, (s, _, c) in kinds[:8]))
    print(
        "\nZensical 0.0.73: search items, the limit 2^(30 - ceil(log2 items)) token positions per field, items over it"
    )
    for r in results:
        for variant, pred, z in (
            ("today", r.get("zensical_prediction"), r.get("zensical")),
            ("lean", (r.get("lean") or {}).get("zensical_prediction"), (r.get("lean") or {}).get("zensical")),
        ):
            if not pred and not z:
                continue
            over = (", ".join(f"{loc} ({t:,})" for t, loc in pred["over"]) or "none") if pred else "not predicted"
            built = ""
            if z:
                built = (
                    f"; zensical build {'passes' if z.get('returncode') == 0 else 'FAILS'} in {z.get('wall', 0):.1f} s, "
                    f"peak {mb(z.get('peak_pss', 0))}, .cache {mb(z.get('cache_bytes', 0))}"
                    + (f": {z['error'][:160]}" if z.get("error") else "")
                )
            items = f"{pred['items']:,} items, limit {pred['limit']:,}; " if pred else ""
            print(f"{r['size']:>6} {variant:<6} {items}over: {over}{built}")
    probes = [r["zensical_limit_probe"] for r in results if "zensical_limit_probe" in r]
    for probe in probes:
        for p in probe:
            print(
                f"       probe: {p['items']:,} items -> maximum {p['maximum']} (predicted {p['predicted']:,})"
                f"{' (passed)' if p['passed'] else ''}"
            )


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, help="numbers of facts (default: 130 1000 10000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each build (default: 3)")
    ap.add_argument("--lean", action="store_true", help="also the prototype's lean search markup")
    ap.add_argument("--zensical", action="store_true", help="also zensical build of the same docs")
    ap.add_argument("--zensical-limit", action="store_true", help="also measure Zensical's limit on synthetic pages")
    args = ap.parse_args(argv)
    sizes = args.sizes or [130, 1000, 10000]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores", flush=True)
    results = [run_size(n, args) for n in sizes]
    if args.zensical_limit:
        results[-1]["zensical_limit_probe"] = probe_zensical_limit(OUT)
    out = OUT / f"build-{'-'.join(map(str, sizes))}.json"
    out.write_text(json.dumps(results, indent=1))
    report(results)
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; all runs in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
