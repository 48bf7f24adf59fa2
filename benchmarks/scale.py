"""What bench_search.py and bench_build.py share: realistic trees, project copies, runs timed with their
peak memory, a local static server (gzip optional), and medians with their spread.

    python benchmarks/scale.py serve DIR [--gzip]    # the static server on 127.0.0.1 (prints its port)

Work files go to benchmarks/out/scale/ (gitignored).
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "scale"
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))


def env(**extra: str) -> dict[str, str]:
    """The environment of every build: this worktree's kb, no MkDocs 2 banner, no prototype unless asked."""
    base = {k: v for k, v in os.environ.items() if k != "KB_PROTOTYPE_SEARCH"}
    return dict(base, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT / "scripts"), **extra)


# -- trees and projects ------------------------------------------------------------------------------------


def tree(n: int, seed: int = 1) -> Path:
    """The realistic tree of `n` facts (benchmarks/realistic.py), made once and reused."""
    from realistic import MARKER, generate

    where = OUT / f"tree-{n}"
    marker = where / MARKER
    if marker.exists():
        made = json.loads(marker.read_text())
        if made.get("facts") == n and made.get("seed") == seed and _tree_current(marker):
            return where
    generate(where, n, seed)
    return where


def _tree_current(marker: Path) -> bool:
    """A tree is stale when the generator or the real content changed after it was made."""
    newest = max(p.stat().st_mtime for p in [ROOT / "benchmarks" / "realistic.py", *(ROOT / "data").rglob("*")])
    return marker.stat().st_mtime >= newest


def project(where: Path, plugins: str | None = None, extra: str | None = None) -> Path:
    """A project: our mkdocs.yml (its `plugins:` block replaced by `plugins`, `extra` appended), the
    hand-written pages and assets, nothing generated yet. Returns the config's path."""
    shutil.rmtree(where, ignore_errors=True)
    (where / "docs").mkdir(parents=True)
    text = (ROOT / "mkdocs.yml").read_text("utf-8")
    if plugins is not None:
        text, n = re.subn(r"(?m)^plugins:(?: \[\]\n|\n(?:  - .*\n)+)", plugins, text)
        assert n == 1, "mkdocs.yml has no plugins block in the expected form"
    if extra:
        text += "\n" + extra
    (where / "mkdocs.yml").write_text(text, "utf-8")
    shutil.copy(ROOT / "docs" / "about.md", where / "docs" / "about.md")
    shutil.copytree(ROOT / "docs" / "assets", where / "docs" / "assets")
    shutil.copytree(ROOT / "overrides", where / "overrides")  # the theme override (custom_dir)
    return where / "mkdocs.yml"


def kb_build_cmd(data: Path, config: Path, site: Path, jobs: int | None = None) -> list[str]:
    return [sys.executable, "-m", "kb.cli", "build", str(data), "--config", str(config), "--site-dir", str(site)] + (
        [] if jobs is None else ["--jobs", str(jobs)]
    )


def stages(output: str) -> dict[str, float]:
    """kb build's own stage times, from its `kb build: time:` line."""
    line = re.search(r"^kb build: time: (.*)$", output, re.M)
    return {k: float(v) for k, v in re.findall(r"(\w+) ([\d.]+) s", line[1])} if line else {}


# -- runs: wall, CPU, peak memory of the whole process tree -----------------------------------------------


@dataclass
class Run:
    cmd: list[str]
    wall: float
    cpu: float  # user + system of the process and all its children
    peak_pss: int  # bytes: the largest sum over the process tree of proportional set sizes (fork-shared pages split)
    peak_rss: int  # bytes: the same with resident set sizes (fork-shared pages counted in every process)
    max_single_rss: int  # bytes: ru_maxrss of the largest single process
    returncode: int
    output: str = ""
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)  # load average at the start


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read().decode("latin-1")
            ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def descendants(pid: int) -> list[int]:
    kids, out, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


def memory(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in bytes; (0, 0) when it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            text = f.read()
        pss = int(re.search(r"^Pss:\s+(\d+)", text, re.M)[1]) * 1024
        rss = int(re.search(r"^Rss:\s+(\d+)", text, re.M)[1]) * 1024
        return pss, rss
    except (OSError, TypeError):
        return 0, 0


def tree_memory(pids: list[int]) -> tuple[int, int]:
    total = [0, 0]
    for p in pids:
        pss, rss = memory(p)
        total[0] += pss
        total[1] += rss
    return total[0], total[1]


def timed(
    cmd: list[str],
    cwd: Path | None = None,
    env_: dict[str, str] | None = None,
    interval: float = 0.1,
    check: bool = True,
) -> Run:
    """Run `cmd` to completion: wall time, CPU time of it and its children, peak memory of its process tree
    (sampled every `interval` seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env_ or env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pss, rss = tree_memory(descendants(proc.pid))
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = proc.communicate()[0]
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    run = Run(cmd, wall, cpu, peak[0], peak[1], after.ru_maxrss * 1024, proc.returncode, output, load)
    if check and proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{output[-4000:]}")
    return run


# -- numbers ------------------------------------------------------------------------------------------------


@dataclass
class Stat:
    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def lo(self) -> float:
        return min(self.values) if self.values else float("nan")

    @property
    def hi(self) -> float:
        return max(self.values) if self.values else float("nan")

    def show(self, unit: str = "s", scale: float = 1.0, digits: int = 2) -> str:
        """median [min-max] (n)"""
        if not self.values:
            return "-"
        m, lo, hi = self.median * scale, self.lo * scale, self.hi * scale
        return f"{m:.{digits}f} [{lo:.{digits}f}-{hi:.{digits}f}]{unit}"


def mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e5 else f"{n / 1e3:.0f} KB"


def gzipped_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


# -- the static server --------------------------------------------------------------------------------------

COMPRESSIBLE = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".csv", ".map"}


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files; with gzip on, text types are sent gzip-compressed (level 6, compressed once and
    kept), as a production server would. Pagefind's own files are already compressed and go as they are."""

    use_gzip = False
    log: str | None = None  # one line per response: path, file bytes, bytes sent
    cache: ClassVar[dict[str, bytes]] = {}
    lock = threading.Lock()
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".wasm": "application/wasm",
    }

    def log_message(self, *args) -> None:
        pass

    def record(self, raw: int, sent: int) -> None:
        if self.log:
            with self.lock, open(self.log, "a") as f:
                f.write(f"{self.path.split('?')[0]}\t{raw}\t{sent}\n")

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        suffix = os.path.splitext(path)[1]
        if not (
            self.use_gzip
            and suffix in COMPRESSIBLE
            and "gzip" in self.headers.get("Accept-Encoding", "")
            and os.path.isfile(path)
        ):
            f = super().send_head()
            size = os.fstat(f.fileno()).st_size if f is not None and hasattr(f, "fileno") else 0
            self.record(size, size)
            return f
        with self.lock:
            key = f"{path}:{os.stat(path).st_mtime_ns}"
            body = self.cache.get(key)
            if body is None:
                with open(path, "rb") as f:
                    body = self.cache[key] = gzip.compress(f.read(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.record(os.path.getsize(path), len(body))
        import io

        return io.BytesIO(body)


def serve(directory: Path, use_gzip: bool, log: str | None = None) -> None:
    handler = partial(type("H", (Handler,), {"use_gzip": use_gzip, "log": log, "cache": {}}), directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


class Server:
    """The static server in its own process (so that it does not share a core's interpreter lock with the
    measuring process), on a free port of 127.0.0.1."""

    def __init__(self, directory: Path, use_gzip: bool, log: Path | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "serve", str(directory)]
            + (["--gzip"] if use_gzip else [])
            + (["--log", str(log)] if log else []),
            stdout=subprocess.PIPE,
            text=True,
        )
        self.port = int(self.proc.stdout.readline())
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait()


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve")
    s.add_argument("directory", type=Path)
    s.add_argument("--gzip", action="store_true")
    s.add_argument("--log")
    args = ap.parse_args(argv)
    serve(args.directory, args.gzip, args.log)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
