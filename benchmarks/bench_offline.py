"""The offline edition at scale (issue 11, item 2): `kb build --offline` of the real content (130 facts,
data/) and of realistic trees (benchmarks/realistic.py), the zip unzipped and read from file:// in
Chromium (Playwright, /usr/bin/chromium), a fresh browser profile per sample (cold cache).

Reported per size: build time; the zip's size; the search index (search/search_index.js, which every
page loads: raw and as stored in the zip); the largest page; and, median [min-max] over the samples,
the time from navigation start to the first search result for a query typed as soon as the home page
has loaded (and from the keystroke), the load of a fact page (each page reads the whole index again:
no instant navigation from file://), and the renderer's memory once the result shows.

    python benchmarks/bench_offline.py                  # 130 (data/) and 10000 facts, 3 rounds
    python benchmarks/bench_offline.py 130 1000 --repeat 5

Two cores: run nothing else heavy meanwhile. Results also go to benchmarks/out/scale/offline-<sizes>.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_search import CHROMIUM, MATERIAL, QUERIES, Option, citing_briefings, judge, sample
from scale import OUT, ROOT, Stat, mb, project, timed, tree

REAL = 130  # the size that stands for the real content: data/ itself, not a generated tree
FACT_PAGE = "actors/russia.html"
# When the inlined index (`var __index = ...` in search/search_index.js) is assigned: file:// loads leave
# no resource timing, so a setter on window notes it.
INDEX_WATCH = """Object.defineProperty(window, '__index', {configurable: true, get() { return undefined; },
  set(v) { window.__kbIndexAt = performance.now();
           Object.defineProperty(window, '__index', {value: v, writable: true, configurable: true}); }});"""
LOAD = """() => ({load: performance.getEntriesByType('navigation')[0].loadEventEnd, index_end: window.__kbIndexAt})"""


def build(n: int, work: Path) -> dict:
    data = ROOT / "data" if n == REAL else tree(n)
    where = work / f"offline-{n}"
    project(where)
    shutil.copy(ROOT / "mkdocs-offline.yml", where / "mkdocs-offline.yml")
    vendor = ROOT / ".kb-cache" / "vendor"
    if vendor.is_dir():  # the shim `make offline` fetched already: npm is not asked again
        shutil.copytree(vendor, where / ".kb-cache" / "vendor")
    run = timed([sys.executable, "-m", "kb.cli", "build", "--offline", str(data)], cwd=where, check=True)
    zipped = where / "site-offline.zip"
    out = {"size": n, "data": str(data), "build_wall": run.wall, "zip": zipped.stat().st_size}
    with zipfile.ZipFile(zipped) as archive:
        index = archive.getinfo("site-offline/search/search_index.js")
        out["index_raw"], out["index_zipped"] = index.file_size, index.compress_size
        pages = [i for i in archive.infolist() if i.filename.endswith(".html")]
        out["pages"] = len(pages)
        largest = max(pages, key=lambda i: i.file_size)
        out["largest_page"] = (largest.filename.removeprefix("site-offline/"), largest.file_size)
        unzipped = Path(tempfile.mkdtemp(prefix="kb-offline-"))
        archive.extractall(unzipped)
    out["site"] = str(unzipped / "site-offline")
    return out


def page_load(pw, site: Path) -> dict:
    """A fact page opened cold from file://: its load event, and when the search index finished loading."""
    profile = tempfile.mkdtemp(prefix="kb-bench-chromium-")
    ctx = pw.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True)
    try:
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        page.add_init_script(INDEX_WATCH)
        page.goto((site / FACT_PAGE).as_uri(), wait_until="load")
        page.wait_for_timeout(300)
        return page.evaluate(LOAD)
    finally:
        ctx.close()
        shutil.rmtree(profile, ignore_errors=True)


def measure(pw, built: dict, repeat: int, queries: list) -> dict:
    site = Path(built["site"])
    opt = Option("offline", "offline edition, file://", MATERIAL, site=site)
    data = Path(built["data"])
    citing = citing_briefings(data)
    samples, loads = [], []
    for rep in range(repeat):
        for query, kind, expected, fact in queries:
            s = sample(pw, opt, site.as_uri(), query, None)
            s.update(size=built["size"], rep=rep, kind=kind)
            prefix = site.as_posix().lstrip("/") + "/"  # result links are file:// URLs: paths in the site
            s["ranking"] = [p.removeprefix(prefix) for p in s.get("ranking", [])]
            if "error" not in s:
                judge(s, expected, citing.get(fact, set()))
            samples.append(s)
            print(
                f"    {built['size']} {query!r}: "
                + (
                    s["error"] if "error" in s else f"first result {s['first'] / 1000:.2f} s, own page #{s['own_rank']}"
                ),
                flush=True,
            )
        loads.append(page_load(pw, site))
    return {"samples": samples, "loads": loads}


def report(results: list[dict]) -> None:
    print("\nOffline edition from file://, cold profile per sample; median [min-max] (samples)")
    for r in results:
        ok = [s for s in r["samples"] if "error" not in s]
        first, typed, pss = Stat(), Stat(), Stat()
        for s in ok:
            first.values.append(s["first"] / 1000)
            typed.values.append((s["first"] - s["input"]) / 1000 if s.get("input") else float("nan"))
            pss.values.append(s["renderer_pss"])
        load = Stat([x["load"] / 1000 for x in r["loads"]])
        index_end = Stat([x["index_end"] / 1000 for x in r["loads"] if x.get("index_end")])
        own = [s.get("own_rank") for s in ok]
        name, size = r["largest_page"]
        print(
            f"  {r['size']:>6} facts: {r['pages']} pages, built in {r['build_wall']:.1f} s; zip {mb(r['zip'])};"
            f" search index {mb(r['index_raw'])} ({mb(r['index_zipped'])} in the zip); largest page {name} {mb(size)}\n"
            f"          first result {first.show()} ({len(ok)}/{len(r['samples'])}), after typing {typed.show()};"
            f" own page first {sum(1 for o in own if o == 1)}/{len(own)}\n"
            f"          fact page load {load.show()}, its search index read by {index_end.show()};"
            f" renderer memory {pss.show(' MB', 1e-6, 0)}"
        )


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[REAL, 10000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--queries", default="Russia,Narva,the Kremlin", help="comma-separated, from bench_search")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    chosen = [q for q in QUERIES if q[0] in args.queries.split(",")]
    work = OUT / "offline"
    results = []
    with sync_playwright() as pw:
        for n in args.sizes:
            print(f"  {n}: kb build --offline", flush=True)
            started = time.perf_counter()
            built = build(n, work)
            print(f"    built in {time.perf_counter() - started:.1f} s", flush=True)
            try:
                built.update(measure(pw, built, args.repeat, chosen))
            finally:
                shutil.rmtree(Path(built["site"]).parent, ignore_errors=True)
            results.append(built)
    report(results)
    out = OUT / f"offline-{'-'.join(map(str, args.sizes))}.json"
    out.write_text(json.dumps(results, indent=1, default=str))
    print(f"\n  written: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
