"""Live preview benchmark (issue 11, "a preview that keeps up"): how long `kb serve` takes from a saved edit
to the site showing it, at the knowledge base's size.

    python benchmarks/bench_preview.py DATA [--repeat N]     # DATA: a data/ tree (e.g. benchmarks/realistic.py's)
    make bench-preview [FACTS=10000] [ARGS="--repeat 5"]      # the tree made by benchmarks/realistic.py

The preview (kb.site.preview, what `kb serve` runs) is started once on a copy of DATA, in a project made of
this repository's mkdocs.yml, overrides/ and hand-written docs; then each edit below is saved, the refresh
timed (read, check, render what the edit touches, write, rebuild those pages), and the edit undone and
refreshed again (also timed); with Pagefind, also the time until its index (updated in the background)
is written. Reported: the median of every refresh and the spread, per edit, and what each refresh wrote
and rebuilt. An edit is a typical editor's change to a fact many pages
show: an event's title, an actor's name, a figure's value, a sentence of a briefing, a source's title.
Work files go to benchmarks/out/preview (gitignored). Run nothing else heavy meanwhile.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "preview"

Edit = tuple[str, str, Callable[[Path], Path | None]]


def _most_cited(data: Path, folder: str) -> Path | None:
    """The fact of `folder` whose id appears in the most other files: the edit that touches most pages."""
    ids = [p.stem for p in sorted((data / folder).glob("*.yaml"))][:400]
    if not ids:
        return None
    text = "\n".join(p.read_text("utf-8") for p in sorted(data.rglob("*")) if p.suffix in (".yaml", ".md"))
    counts = {i: len(re.findall(rf"\b{re.escape(i)}\b", text)) for i in ids}
    return data / folder / f"{max(counts, key=lambda i: (counts[i], i))}.yaml"


def _first(data: Path, folder: str, suffix: str = ".yaml") -> Path | None:
    found = sorted((data / folder).glob(f"*{suffix}"))
    return found[len(found) // 2] if found else None


EDITS: list[Edit] = [
    ("retitle a much-cited event", "title", lambda d: _most_cited(d, "events")),
    ("rename a much-cited actor", "name", lambda d: _most_cited(d, "actors")),
    ("retitle an event", "title", lambda d: _first(d, "events")),
    ("reword an actor's summary", "summary", lambda d: _first(d, "actors")),
    ("change a figure's note", "note", lambda d: _first(d, "figures")),
    ("retitle a source", "title", lambda d: _first(d, "sources")),
    ("edit a briefing's text", "body", lambda d: _first(d, "briefings", ".md")),
]


def _bump(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def _changed(text: str, field: str, n: int) -> str | None:
    """`text` with one visible change to `field` (a YAML line `field: ...`, or a briefing's first paragraph)."""
    if field == "body":
        head, sep, body = text.partition("\n---\n")
        return f"{head}{sep}Edited {n}. {body.lstrip()}" if sep else None
    line = re.search(rf"^{field}: (.+)$", text, re.M)
    if line is None:
        return None
    value = line.group(1)
    if value[:1] in "\"'":
        new = f"{value[0]}Edited {n} {value[1:]}"
    elif value[:1] in "|>":
        return None
    else:
        new = f"Edited {n} {value}"
    return text[: line.start(1)] + new + text[line.end(1) :]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="the data/ tree to preview")
    ap.add_argument("--repeat", type=int, default=3, help="times each edit is made and undone (default 3)")
    args = ap.parse_args()

    from kb.site.build import Project
    from kb.site.preview import Preview

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", OUT / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", OUT / "overrides")
    docs = subprocess.run(["git", "ls-files", "docs"], cwd=ROOT, capture_output=True, text=True, check=True)
    for rel in docs.stdout.split():
        (OUT / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, OUT / rel)
    shutil.copytree(args.data, OUT / "data")
    data = OUT / "data"
    facts = sum(1 for p in data.rglob("*") if p.suffix in (".yaml", ".md"))

    project = Project.locate(OUT / "mkdocs.yml", data)
    started = time.perf_counter()
    preview = Preview.start(data, project, OUT / "site", io.StringIO())
    print(f"{facts} facts; start {time.perf_counter() - started:.1f} s", flush=True)

    every: list[float] = []
    every_search: list[float] = []
    searched: list[float] = []
    for name, field, pick in EDITS:
        path = pick(data)
        original = path.read_text("utf-8") if path else None
        if path is None or original is None or _changed(original, field, 0) is None:
            print(f"{name}: no such file or field in this tree, skipped")
            continue
        times: list[float] = []
        summary = ""
        for n in range(args.repeat):
            for text in (_changed(original, field, n), original):
                assert text is not None
                path.write_text(text, "utf-8")
                _bump(path)
                out = io.StringIO()
                t = time.perf_counter()
                done = preview.refresh(out)
                times.append(time.perf_counter() - t)
                if done.errors:
                    sys.exit(f"{name}: the edit made errors:\n{out.getvalue()[-2000:]}")
                if preview.pagefind is not None:  # the search index catches up in the background
                    preview.pagefind.wait(600)
                    searched.append(time.perf_counter() - t)
                summary = done.summary()
        every += times
        every_search += searched
        print(
            f"{name} ({path.relative_to(data)}): pages {_spread(times)}"
            + (f"; search current {_spread(searched)}" if searched else "")
            + f"; last: {summary}",
            flush=True,
        )
        searched.clear()
    if every:
        print(
            f"all edits: pages {_spread(every)}" + (f"; search current {_spread(every_search)}" if every_search else "")
        )


def _spread(times: list[float]) -> str:
    return f"median {statistics.median(times):.2f} s ({min(times):.2f}-{max(times):.2f} s, {len(times)} runs)"


if __name__ == "__main__":
    main()
