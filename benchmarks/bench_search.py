"""Search at scale, side by side in one run (issue 11): on realistic trees of 130, 1,000 and 10,000 facts
(benchmarks/realistic.py), each option is built, served over http from 127.0.0.1 and searched in
Chromium (Playwright, /usr/bin/chromium) from a fresh browser profile (cold cache) per sample:

  b  Material's search over the site's lean markup (sections readers never search carry
     data-search-exclude; names, ids and cited names are search tags): mkdocs.yml with `plugins: [search]`,
     as the offline edition builds;
  c  Pagefind, as `kb build` makes the site (its index written after MkDocs, the header field of
     assets/kb-search.js);
  d  Zensical 0.0.x's own build and search of (c)'s docs;  e  the same of (b)'s docs.

For every sample: the time from navigation start to the first result shown for a query typed as soon
as the page has loaded, the time after typing, for Material the moment its worker has built the lunr
index (READY) and when the index file finished arriving; every byte the browser fetched until the first
result, as the file sizes (raw) and as sent (gzip on, unless --no-gzip: the server compresses text types
at level 6, as a production server would; Pagefind's files are compressed already); the proportional
memory (PSS) of the browser's renderer processes once the result shows. Ranking: the first ten pages
listed for the query, the rank of the entity's own page, and how many of the pages right after it are
briefings that cite the entity.

Offline (--offline): Material's `offline` plugin with the iframe-worker shim from npm vendored as a
polyfill, built for (a) and (b) and opened from file://; and (c) from file:// (Pagefind's module import).

    python benchmarks/bench_search.py                     # 130, 1000 and 10000 facts, 3 rounds
    python benchmarks/bench_search.py 1000 --repeat 5 --offline
    python benchmarks/bench_search.py --options a,b,c --reuse   # skip the builds made by an earlier run

Two cores: run nothing else heavy meanwhile. Results also go to benchmarks/out/scale/search-<sizes>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale
from scale import OUT, Stat, env, gzipped_size, kb_build_cmd, mb, project, timed, tree

CHROMIUM = "/usr/bin/chromium"

QUERIES = [  # (what is typed, what it is, the page it should find first, the fact whose citing briefings follow)
    ("Russia", "name", "actors/russia.html", "russia"),
    ("Estonia", "name", "actors/estonia.html", "estonia"),
    ("NATO", "name", "actors/nato.html", "nato"),
    ("Narva", "name", "places/narva.html", "narva"),
    ("Vladimir Putin", "name", "actors/vladimir-putin.html", "vladimir-putin"),
    ("the Kremlin", "alias", "actors/russia.html", "russia"),
    ("estlink-2-cable-cut-2024", "id", "events/estlink-2-cable-cut-2024.html", "estlink-2-cable-cut-2024"),
    # names that hold a hub's name: the hub must not push them down
    ("Estonian Defence League", "name", "actors/estonian-defence-league.html", "estonian-defence-league"),
    ("Narva border crossing", "name", "places/narva-border-crossing.html", "narva-border-crossing"),
]


@dataclass
class UI:
    """How a search interface is driven and read."""

    open: str | None  # clicked first (a button that opens the search dialog), if any
    input: str
    result: str  # an element that appears with the first result
    links: str  # the result links, in rank order


MATERIAL = UI(None, ".md-search__input", ".md-search-result__item", ".md-search-result__item > a")
PAGEFIND = UI(None, ".pagefind-ui__search-input", ".pagefind-ui__result", ".pagefind-ui__result-link")
KBSEARCH = UI(None, ".kb-search__input", ".kb-search__result", ".kb-search__result a")  # the site's own
ZENSICAL = UI(
    ".md-search__button",
    'input[role="combobox"]',
    'ol[aria-label="Search results"] > li',
    'ol[aria-label="Search results"] a[role="option"]',
)


@dataclass
class Option:
    key: str
    label: str
    ui: UI
    prototype: str = ""  # KB_PROTOTYPE_SEARCH for the render
    plugins: str | None = None  # replaces mkdocs.yml's plugins block
    zensical_of: str | None = None  # zensical build of this option's docs
    site: Path | None = None
    index: dict = field(default_factory=dict)  # sizes and times of the search index
    build: dict = field(default_factory=dict)
    error: str | None = None


def _bundle(bundle: Path) -> dict[str, object]:
    """What a Pagefind bundle holds: its bytes, files, page fragments and index chunks."""
    files = [p for p in bundle.rglob("*") if p.is_file()]
    return dict(
        file="pagefind/",
        raw=sum(p.stat().st_size for p in files),
        files=len(files),
        fragments=sum(1 for p in files if p.parent.name == "fragment"),
        index_chunks=sum(1 for p in files if p.parent.name == "index"),
    )


def options() -> dict[str, Option]:
    """The site's search as kb builds it (c: Pagefind, its index written by kb build, its field in the header)
    against Material's search over the same lean markup (b: the config with Material's search plugin, as the
    offline edition builds), and Zensical's builds of both docs trees."""
    return {
        "b": Option("b", "Material search, lean index (same markup)", MATERIAL, plugins="plugins:\n  - search\n"),
        "c": Option("c", "Pagefind, as kb build makes it", KBSEARCH),
        "d": Option("d", "Zensical build + search of (c)'s docs", ZENSICAL, zensical_of="c"),
        "e": Option("e", "Zensical build + search of (b)'s docs", ZENSICAL, zensical_of="b"),
    }


# -- builds -------------------------------------------------------------------------------------------------


def build_option(opt: Option, n: int, data: Path, work: Path, built: dict[str, Option], reuse: bool) -> None:
    where = work / opt.key
    opt.site = where / "site"
    if opt.zensical_of:
        opt.site = work / opt.zensical_of / f"zsite-{opt.key}"  # Zensical wants it inside the project
        return build_zensical(opt, built[opt.zensical_of], where, reuse)
    if reuse and (opt.site / "index.html").exists():
        opt.build = json.loads((where / "build.json").read_text()) if (where / "build.json").exists() else {}
    else:
        config = project(where, plugins=opt.plugins)
        run = timed(kb_build_cmd(data, config, opt.site), where, env(KB_PROTOTYPE_SEARCH=opt.prototype), check=False)
        if run.returncode != 0 and opt.plugins is not None:
            # kb.publish without Material's search failed before the prototype fix; one process then
            run = timed(kb_build_cmd(data, config, opt.site, jobs=1), where, env(KB_PROTOTYPE_SEARCH=opt.prototype))
            opt.build["note"] = "built with --jobs 1 (kb.publish needs Material's search plugin)"
        if run.returncode != 0:
            opt.error = f"kb build failed: {run.output[-2000:]}"
            return
        opt.build.update(wall=run.wall, cpu=run.cpu, peak_pss=run.peak_pss, stages=scale.stages(run.output))
        (where / "build.json").write_text(json.dumps(opt.build))
    if opt.prototype and not prototype_applied(where / "docs"):
        opt.error = "the prototype markup is not in this checkout (KB_PROTOTYPE_SEARCH had no effect)"
        return
    if opt.ui is KBSEARCH:
        opt.index.update(_bundle(opt.site / "pagefind"), seconds=opt.build.get("stages", {}).get("search"))
    elif opt.ui is PAGEFIND:
        pagefind(opt, where, reuse)
    else:
        index = opt.site / "search" / "search_index.json"
        whole = json.loads(index.read_text("utf-8"))
        start = time.perf_counter()
        json.dumps(whole, separators=(",", ":"), default=str)  # what a preview keeping the entries would redo per edit
        opt.index = dict(
            file="search/search_index.json",
            raw=index.stat().st_size,
            gz=gzipped_size(index),
            entries=len(whole["docs"]),
            dump_seconds=time.perf_counter() - start,
        )


def prototype_applied(docs: Path) -> bool:
    timeline = docs / "timeline.md"
    return timeline.exists() and "data-search-exclude" in timeline.read_text("utf-8")


PAGEFIND_CONFIG = """\
site: site
root_selector: "article.md-content__inner"
exclude_selectors:
  - "[data-search-exclude]"
  - ".headerlink"
keep_index_url: true
"""
PAGEFIND_HEAD = '<link href="pagefind/pagefind-ui.css" rel="stylesheet"><script src="pagefind/pagefind-ui.js"></script>'
PAGEFIND_BOX = '<div id="kb-pagefind"></div><script>new PagefindUI({element: "#kb-pagefind"});</script>'


def pagefind(opt: Option, where: Path, reuse: bool, runs: int = 3) -> None:
    """Index the site with Pagefind (median of `runs`), and put its default UI at the top of the home page."""
    (where / "pagefind.yml").write_text(PAGEFIND_CONFIG)
    bundle = opt.site / "pagefind"
    if not (reuse and (bundle / "pagefind-entry.json").exists()):
        times = Stat()
        for _ in range(runs):
            shutil.rmtree(bundle, ignore_errors=True)
            run = timed([sys.executable, "-m", "pagefind"], where, check=False)
            if run.returncode != 0:
                opt.error = f"pagefind failed (pip install 'pagefind[extended]'): {run.output[-1500:]}"
                return
            times.values.append(run.wall)
            opt.index["peak_pss"] = run.peak_pss
            opt.index["log"] = re.findall(r"Indexed \d+ \w+", run.output)
        opt.index["seconds"] = times.values
        home = opt.site / "index.html"
        html = home.read_text("utf-8")
        html = html.replace("</head>", PAGEFIND_HEAD + "</head>", 1)
        html = html.replace(
            '<article class="md-content__inner md-typeset">',
            '<article class="md-content__inner md-typeset">' + PAGEFIND_BOX,
            1,
        )
        home.write_text(html, "utf-8")
        (where / "pagefind-run.json").write_text(json.dumps(opt.index))
    else:
        opt.index = json.loads((where / "pagefind-run.json").read_text())
    opt.index.update(_bundle(bundle))


def pagefind_service(site: Path, changed: tuple[int, ...] = (1, 20)) -> dict:
    """What a preview keeping a Pagefind index in memory would pay (its Python API, a long-lived service):
    the whole site added and written once, then `k` changed pages added again (same URL: replaced) and
    the bundle written again."""
    import asyncio

    try:
        from pagefind.index import IndexConfig, PagefindIndex
    except ImportError:
        return {"error": "pagefind is not installed"}
    out = site.parent / "pagefind-service"
    shutil.rmtree(out, ignore_errors=True)
    pages = sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)

    async def run() -> dict:
        config = IndexConfig(
            root_selector="article.md-content__inner",
            exclude_selectors=["[data-search-exclude]", ".headerlink"],
            keep_index_url=True,
            output_path=str(out),
        )
        times: dict = {}
        async with PagefindIndex(config=config) as index:
            start = time.perf_counter()
            await index.add_directory(path=str(site), glob="**/*.html")
            times["add_directory"] = time.perf_counter() - start
            start = time.perf_counter()
            await index.write_files(output_path=str(out))
            times["write"] = time.perf_counter() - start
            for k in changed:
                start = time.perf_counter()
                for p in pages[:k]:
                    await index.add_html_file(
                        content=p.read_text("utf-8").replace("</h1>", " (edited)</h1>", 1),
                        url="/" + p.relative_to(site).as_posix(),
                    )
                added = time.perf_counter() - start
                await index.write_files(output_path=str(out))
                times[f"edit_{k}"] = dict(add=added, total=time.perf_counter() - start)
        return times

    import threading

    found: dict = {}

    def in_thread() -> None:  # Playwright's sync API holds this thread's event loop
        try:
            found.update(asyncio.run(run()))
        except Exception as exc:
            found["error"] = f"{type(exc).__name__}: {exc}"[:300]

    worker = threading.Thread(target=in_thread)
    worker.start()
    worker.join()
    shutil.rmtree(out, ignore_errors=True)
    return found


def zensical_bin() -> str | None:
    return shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which("zensical")


def build_zensical(opt: Option, of: Option, where: Path, reuse: bool) -> None:
    """`zensical build` of the docs tree that option `of` rendered (its own site directory and cache)."""
    zensical = zensical_bin()
    if zensical is None:
        opt.error = "zensical is not installed (pip install -e '.[zensical]')"
        return
    if of.error or of.site is None:
        opt.error = f"({of.key}) was not built"
        return
    where.mkdir(parents=True, exist_ok=True)
    config = of.site.parent / "zensical.yml"
    text = (of.site.parent / "mkdocs.yml").read_text("utf-8")
    config.write_text(re.sub(r"(?m)^site_dir: .*$", f"site_dir: {opt.site.name}", text), "utf-8")
    if reuse and (where / "build.json").exists():
        opt.build = json.loads((where / "build.json").read_text())
    else:
        shutil.rmtree(opt.site, ignore_errors=True)
        shutil.rmtree(of.site.parent / ".cache", ignore_errors=True)
        run = timed([zensical, "build", "--config-file", str(config)], of.site.parent, check=False)
        opt.build = dict(
            wall=run.wall,
            cpu=run.cpu,
            peak_pss=run.peak_pss,
            returncode=run.returncode,
            error=next(iter(re.findall(r"(?m)^\w*Error: .*$", run.output)), None),
        )
        (where / "build.json").write_text(json.dumps(opt.build))
    if opt.build.get("returncode"):
        opt.error = f"zensical build failed: {opt.build.get('error')}"
        return
    index = opt.site / "search.json"
    items = json.loads(index.read_text("utf-8"))["items"]
    opt.index = dict(file="search.json", raw=index.stat().st_size, gz=gzipped_size(index), entries=len(items))


# -- the browser ------------------------------------------------------------------------------------------

INIT = """
(() => {
  const K = window.__kb = {};
  const SEL = %s;
  const check = root => { if (K.first === undefined && root.querySelector(SEL)) K.first = performance.now(); };
  const observe = root => new MutationObserver(() => check(root)).observe(root, {subtree: true, childList: true});
  observe(document);
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { const r = attach.call(this, init); observe(r); return r; };
  document.addEventListener('input', () => { if (K.input === undefined) K.input = performance.now(); }, true);
  const W = window.Worker;
  if (W) window.Worker = class extends W {
    constructor(url, options) {
      super(url, options);
      if (K.worker === undefined) K.worker = performance.now();
      this.addEventListener('message', e => {
        const type = e.data && e.data.type;
        if (type === 1 && K.ready === undefined) K.ready = performance.now();   // Material: READY
        if (type === 3 && K.result === undefined) K.result = performance.now(); // Material: RESULT
      });
    }
  };
})();
"""

TIMINGS = """() => {
  const nav = performance.getEntriesByType('navigation')[0] || {};
  const res = performance.getEntriesByType('resource');
  const index = res.filter(r => /search_index\\.json|search\\.json$/.test(r.name)).map(r => r.responseEnd);
  return Object.assign({}, window.__kb, {load: nav.loadEventEnd, dom: nav.domContentLoadedEventEnd,
                                         index_end: index.length ? Math.max(...index) : undefined});
}"""

PAGEFIND_RANKING = """async q => {
  const pf = await import('./pagefind/pagefind.js');
  const found = await pf.search(q);
  const urls = await Promise.all(found.results.slice(0, 10).map(r => r.data().then(d => d.url)));
  return {urls, total: found.results.length};
}"""


def browser_processes(profile: str) -> list[tuple[int, bool]]:
    """(pid, is a renderer) of the Chromium processes started with this profile directory."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd = f.read().decode("utf-8", "replace")
        except OSError:
            continue
        if profile in cmd:
            found.append((int(d), "--type=renderer" in cmd))
    return found


def page_path(href: str) -> str:
    path = urlsplit(href).path.lstrip("/")
    return path


class ServerLog:
    """What the static server sent: one line per response (path, file bytes, bytes sent)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def mark(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def since(self, mark: int) -> list[tuple[str, int, int]]:
        with open(self.path, "rb") as f:
            f.seek(mark)
            lines = f.read().decode().splitlines()
        return [(p, int(raw), int(sent)) for p, raw, sent in (ln.split("\t") for ln in lines if ln.count("\t") == 2)]


def is_search_file(path: str) -> bool:
    return path.startswith(("/search/", "/pagefind/", "/assets/javascripts/workers/", "/search.json"))


def sample(pw, opt: Option, base: str, query: str, log: ServerLog | None, timeout: float = 180) -> dict:
    """One cold search: a fresh profile, the home page, the query typed at once, until the first result."""
    profile = tempfile.mkdtemp(prefix="kb-bench-chromium-")
    ctx = pw.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True)
    out: dict = {"option": opt.key, "query": query}
    try:
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)[:300]))
        page.on("console", lambda m: errors.append(m.text[:300]) if m.type == "error" else None)
        page.add_init_script(INIT % json.dumps(opt.ui.result))
        mark = log.mark() if log else 0
        page.goto(f"{base}/index.html", wait_until="load", timeout=timeout * 1000)
        if opt.ui.open:
            page.click(opt.ui.open)
        page.click(opt.ui.input)
        page.fill(opt.ui.input, query)
        page.press(opt.ui.input, "End")
        try:
            page.wait_for_function("() => window.__kb.first !== undefined", timeout=timeout * 1000)
        except Exception as exc:
            out["error"] = f"no result within {timeout:.0f} s: {type(exc).__name__}; page errors: {errors[:3]}"
            return out
        out.update(page.evaluate(TIMINGS))
        if log:
            fetched = log.since(mark)
            out["requests"] = len(fetched)
            out["raw"] = sum(r for _, r, _ in fetched)
            out["sent"] = sum(s for _, _, s in fetched)
            out["search_raw"] = sum(r for p, r, _ in fetched if is_search_file(p))
            out["search_sent"] = sum(s for p, _, s in fetched if is_search_file(p))
            out["search_requests"] = sum(1 for p, _, _ in fetched if is_search_file(p))
        procs = browser_processes(profile)
        out["renderer_pss"] = sum(scale.memory(p)[0] for p, renderer in procs if renderer)
        out["browser_pss"] = sum(scale.memory(p)[0] for p, _ in procs)
        if opt.ui is PAGEFIND:
            ranked = page.evaluate(PAGEFIND_RANKING, query)
            out["ranking"], out["matches"] = [page_path(u) for u in ranked["urls"]], ranked["total"]
        else:
            page.wait_for_timeout(200)  # the rest of the first screen of results
            hrefs = page.eval_on_selector_all(opt.ui.links, "els => els.map(e => e.href)")
            seen: list[str] = []
            for h in hrefs:
                p = page_path(h)
                if p not in seen:
                    seen.append(p)
            out["ranking"] = seen[:10]
        out["errors"] = errors[:3]
        return out
    finally:
        ctx.close()
        shutil.rmtree(profile, ignore_errors=True)


def citing_briefings(data: Path) -> dict[str, set[str]]:
    from kb.check.run import read

    kb = read(data).kb
    return {
        fact: {f"briefings/{r.origin.id}.html" for r in kb.cited_by.get(fact, ()) if r.origin.TYPE == "briefing"}
        for _, _, _, fact in QUERIES
    }


def judge(s: dict, expected: str, citing: set[str]) -> None:
    """Rank of the own page in the first ten; of the pages right after it, how many are citing briefings."""
    ranking = s.get("ranking", [])
    s["own_rank"] = ranking.index(expected) + 1 if expected in ranking else None
    k = min(5, len(citing))
    start = s["own_rank"] or 0
    after = ranking[start : start + k]
    s["briefings_after"] = (sum(1 for p in after if p in citing), k)


# -- offline ----------------------------------------------------------------------------------------------


OFFLINE_PLUGINS = "plugins:\n  - search\n  - offline\n"
OFFLINE_EXTRA = "extra:\n  polyfills:\n    - assets/iframe-worker/shim.js\n"


def offline(pw, n: int, data: Path, work: Path, of: Option, queries: list, repeat: int, reuse: bool) -> dict:
    """Option `of` built with the offline plugin and the vendored shim, searched from file://."""
    where = work / f"offline-{of.key}"
    site = where / "site"
    result: dict = {"of": of.key}
    if not (reuse and (site / "index.html").exists()):
        config = project(where, plugins=OFFLINE_PLUGINS, extra=OFFLINE_EXTRA)
        # kb build fetches the shim (npm) and adds it to the site, as for `make offline`
        run = timed(kb_build_cmd(data, config, site), where, env(KB_PROTOTYPE_SEARCH=of.prototype), check=False)
        if run.returncode != 0:
            return {"error": f"build failed: {run.output[-1500:]}"}
        result["build_wall"] = run.wall
    index = site / "search" / "search_index.js"
    result["index_raw"] = index.stat().st_size if index.exists() else 0
    html = "".join(p.read_text("utf-8", "replace") for p in site.rglob("*.html"))
    result["fetches_internet"] = sorted(
        set(
            re.findall(r"""<(?:script|img|iframe)[^>]* src=["'](https?://[^"']+)""", html)
            + re.findall(r"""<link[^>]* href=["'](https?://[^"']+)""", html)
        )
    )[:5]
    opt = Option(f"offline-{of.key}", f"{of.label}, offline plugin, file://", MATERIAL, site=site)
    samples, second = [], []
    for _ in range(repeat):
        for query, *_ in queries[:2]:
            samples.append(sample(pw, opt, site.as_uri(), query, None))
        second.append(next_page(pw, site))
    result["samples"], result["second_page"] = samples, second
    return result


def next_page(pw, site: Path, query: str = "Narva") -> dict:
    """Open the home page, search, then follow a link to another page and search again from there: with
    instant navigation off, the index is read again by every page."""
    profile = tempfile.mkdtemp(prefix="kb-bench-chromium-")
    ctx = pw.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True)
    try:
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        page.add_init_script(INIT % json.dumps(MATERIAL.result))
        page.goto((site / "index.html").as_uri(), wait_until="load")
        page.goto((site / "actors" / "index.html").as_uri(), wait_until="load")
        start = time.perf_counter()
        page.click(MATERIAL.input)
        page.fill(MATERIAL.input, query)
        page.press(MATERIAL.input, "End")
        page.wait_for_function("() => window.__kb.first !== undefined", timeout=180_000)
        return {"first": page.evaluate("window.__kb.first"), "after_typing_s": time.perf_counter() - start}
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    finally:
        ctx.close()
        shutil.rmtree(profile, ignore_errors=True)


def pagefind_from_file(pw, site: Path) -> dict:
    """Pagefind's UI opened from file://: does a search show anything?"""
    opt = Option("c-file", "Pagefind from file://", KBSEARCH, site=site)
    s = sample(pw, opt, site.as_uri(), "Narva", None, timeout=15)
    return {"works": "error" not in s, "detail": s.get("error", "")[:400]}


# -- the run ------------------------------------------------------------------------------------------------


def run_size(pw, n: int, args: argparse.Namespace) -> dict:
    data = tree(n)
    work = OUT / f"search-{n}"
    chosen = {k: o for k, o in options().items() if k in args.options}
    built: dict[str, Option] = {}
    for key in "bcde":
        if key in chosen or any(o.zensical_of == key for o in chosen.values()):
            opt = chosen.get(key) or options()[key]
            print(f"  {n}: building ({key}) {opt.label}", flush=True)
            build_option(opt, n, data, work, built, args.reuse)
            built[key] = opt
            if opt.error:
                print(f"    ({key}) {opt.error[:300]}", flush=True)
    citing = citing_briefings(data)
    queries = [q for q in QUERIES if q[0] in args.queries] if args.queries else QUERIES
    samples: list[dict] = []
    logs: dict[str, ServerLog] = {}
    servers = {}
    try:
        for key, opt in chosen.items():
            if opt.error is None:
                log = work / f"server-{key}.log"
                log.unlink(missing_ok=True)
                servers[key] = scale.Server(opt.site, not args.no_gzip, log)
                logs[key] = ServerLog(log)
        for rep in range(args.repeat):
            for query, kind, expected, fact in queries:
                for key, server in servers.items():
                    s = sample(pw, chosen[key], server.url, query, logs[key])
                    s.update(size=n, rep=rep, kind=kind)
                    judge(s, expected, citing[fact])
                    samples.append(s)
                    print(
                        f"    {n} ({key}) {query!r}: "
                        + (
                            s["error"]
                            if "error" in s
                            else f"first result {s['first'] / 1000:.2f} s, {mb(s.get('sent', 0))} sent, own page #{s['own_rank']}"
                        ),
                        flush=True,
                    )
    finally:
        for server in servers.values():
            server.__exit__()
    result = {
        "size": n,
        "options": {k: dict(label=o.label, index=o.index, build=o.build, error=o.error) for k, o in built.items()},
        "samples": samples,
        "citing": {k: len(v) for k, v in citing.items()},
    }
    if args.offline:
        for key in ("a", "b"):
            if key in built and built[key].error is None:
                print(f"  {n}: offline edition of ({key})", flush=True)
                result.setdefault("offline", {})[key] = offline(
                    pw, n, data, work, built[key], queries, args.repeat, args.reuse
                )
        if "c" in built and built["c"].error is None:
            result["pagefind_file"] = pagefind_from_file(pw, built["c"].site)
    if "c" in built and built["c"].error is None:
        print(f"  {n}: Pagefind as a service (incremental updates, as kb serve keeps it)", flush=True)
        result["pagefind_service"] = pagefind_service(built["c"].site)
    return result


def report(results: list[dict], gzip_on: bool) -> None:
    print(
        f"\nSearch, cold cache, over http on 127.0.0.1, gzip {'on' if gzip_on else 'off'}; "
        "median [min-max] of all samples (queries x rounds)"
    )
    for r in results:
        n = r["size"]
        print(f"\n== {n} facts ==")
        print(
            f"{'option':<48} {'index raw / gz':>20} {'first result':>20} {'after typing':>20} "
            f"{'index ready':>20} {'fetched raw / sent':>22} {'search part sent':>16} {'renderer PSS':>14}"
        )
        for key, o in r["options"].items():
            s = [x for x in r["samples"] if x["option"] == key and "error" not in x]
            idx = o["index"]
            size = (
                f"{mb(idx['raw'])} / {mb(idx['gz'])}"
                if "gz" in idx
                else f"{mb(idx['raw'])} in {idx.get('files', 0)} files"
                if idx
                else "-"
            )
            if o["error"]:
                print(f"({key}) {o['label']:<44} {o['error'][:150]}")
                continue
            first = Stat([x["first"] / 1000 for x in s])
            typed = Stat([(x["first"] - x["input"]) / 1000 for x in s if x.get("input") is not None])
            ready = Stat([(x["ready"] - x["index_end"]) / 1000 for x in s if x.get("ready") and x.get("index_end")])
            raw, sent = Stat([x.get("raw", 0) for x in s]), Stat([x.get("sent", 0) for x in s])
            part = Stat([x.get("search_sent", 0) for x in s])
            pss = Stat([x.get("renderer_pss", 0) for x in s])
            print(
                f"({key}) {o['label']:<44} {size:>20} {first.show():>20} {typed.show():>20} {ready.show():>20} "
                f"{mb(raw.median) + ' / ' + mb(sent.median):>22} {mb(part.median):>16} {mb(pss.median):>14}"
            )
            failed = [x for x in r["samples"] if x["option"] == key and "error" in x]
            if failed:
                print(f"     {len(failed)} samples without a result: {failed[0]['error'][:200]}")
        print("\n  ranking: own page's rank in the first ten (- = not there); citing briefings among the next k")
        keys = list(r["options"])
        print(f"  {'query':<28}" + "".join(f"{'(' + k + ')':>16}" for k in keys))
        for query, kind, _expected, _fact in QUERIES:
            cells = []
            for key in keys:
                s = [x for x in r["samples"] if x["option"] == key and x["query"] == query and "error" not in x]
                if not s:
                    cells.append("-")
                    continue
                ranks = sorted({x["own_rank"] or 0 for x in s})
                after = s[0]["briefings_after"]
                cells.append(f"{'/'.join(str(v) if v else '-' for v in ranks)} {after[0]}/{after[1]}")
            if any(c != "-" for c in cells):
                print(f"  {query + ' (' + kind + ')':<28}" + "".join(f"{c:>16}" for c in cells))
        if "offline" in r:
            print("\n  offline edition (Material's offline plugin + vendored iframe-worker shim), from file://")
            for key, o in r["offline"].items():
                if "error" in o:
                    print(f"  ({key}) {o['error'][:300]}")
                    continue
                s = [x for x in o["samples"] if "error" not in x]
                first = Stat([x["first"] / 1000 for x in s])
                typed = Stat([(x["first"] - x["input"]) / 1000 for x in s if x.get("input") is not None])
                pss = Stat([x.get("renderer_pss", 0) for x in s])
                second = Stat([x["first"] / 1000 for x in o["second_page"] if "first" in x])
                print(
                    f"  ({key}) works: {len(s)}/{len(o['samples'])} searches; search_index.js {mb(o['index_raw'])}; "
                    f"first result {first.show()} (after typing {typed.show()}); on the next page again "
                    f"{second.show()}; renderer {mb(pss.median)}; internet URLs in pages: {o['fetches_internet'] or 'none'}"
                )
        if "pagefind_service" in r:
            print(
                f"  (c) Pagefind's Python API, index kept in memory: {json.dumps(r['pagefind_service'], default=lambda x: round(x, 2))}"
            )
        dumps = {k: o["index"].get("dump_seconds") for k, o in r["options"].items() if o["index"].get("dump_seconds")}
        if dumps:
            print(
                "  writing search_index.json from entries kept in memory (json.dumps): "
                + ", ".join(f"({k}) {v:.2f} s" for k, v in dumps.items())
            )
        if "pagefind_file" in r:
            print(
                f"  (c) Pagefind from file://: {'works' if r['pagefind_file']['works'] else 'no result'}: "
                f"{r['pagefind_file']['detail'][:300]}"
            )


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, help="numbers of facts (default: 130 1000 10000)")
    ap.add_argument("--repeat", type=int, default=3, help="rounds of every query on every option (default: 3)")
    ap.add_argument("--options", default="bcde", help="which options (default: bcde)")
    ap.add_argument("--queries", nargs="*", help="only these queries (as typed)")
    ap.add_argument("--no-gzip", action="store_true", help="serve without compression")
    ap.add_argument("--offline", action="store_true", help="also the offline edition from file://")
    ap.add_argument("--reuse", action="store_true", help="reuse sites built by an earlier run")
    args = ap.parse_args(argv)
    sizes = args.sizes or [130, 1000, 10000]
    from playwright.sync_api import sync_playwright

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores", flush=True)
    results = []
    with sync_playwright() as pw:
        for n in sizes:
            results.append(run_size(pw, n, args))
    out = OUT / f"search-{'-'.join(map(str, sizes))}.json"
    out.write_text(json.dumps(results, indent=1, default=str))
    report(results, not args.no_gzip)
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; all samples in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
