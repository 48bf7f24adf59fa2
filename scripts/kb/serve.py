"""`kb serve`: live preview. MkDocs serves and reloads the site; beside it our watcher re-renders
the docs tree whenever a file under the data directory (or a page template) changes.

No rebuild loops: we watch only the data and the templates, never the docs tree we write, and
we write a page only when its bytes change, so MkDocs rebuilds once per real change. A data error
is printed and nothing is written, so the last good pages stay up.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from kb.build import BuildError, Project, mkdocs_env, render
from kb.model import KnowledgeBase

TEMPLATES = Path(__file__).parent / "render" / "templates"
QUIET = 0.3
"""Seconds without further changes before re-rendering (editors save in bursts)."""


class _Changes(FileSystemEventHandler):
    def __init__(self) -> None:
        self.pending = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        name = Path(str(event.src_path)).name
        if name.startswith(".") or name.endswith(("~", ".swp", ".tmp")):
            return
        self.pending.set()


def rerender(data_dir: Path, project: Project, out: TextIO) -> KnowledgeBase | None:
    """Check and render once; print what changed, or the findings that stopped it."""
    out = out or sys.stdout
    try:
        # One process: the watcher's threads make forking unsafe here.
        kb, result = render(data_dir, project, out, jobs=1)
    except BuildError as exc:
        out.write(f"kb serve: {exc}; the last good pages stay up\n")
        out.flush()
        return None
    out.write(f"kb serve: docs: {result.summary()}\n")
    out.flush()
    return kb


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(data_dir: Path, project: Project, host: str = "127.0.0.1", port: int = 8000,
          out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if threading.current_thread() is threading.main_thread():
        # A SIGTERM (CI, a process manager, `kill`) stops us the way Ctrl-C does, so the
        # `finally` below always takes the mkdocs server down with us.
        signal.signal(signal.SIGTERM, _interrupt)
    kb = rerender(data_dir, project, out)
    env = mkdocs_env(kb if kb is not None else KnowledgeBase())
    mkdocs = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--config-file", str(project.config),
         "--dev-addr", f"{host}:{port}"], env=env, cwd=project.config.parent)
    changes = _Changes()
    observer = Observer()
    observer.schedule(changes, str(data_dir), recursive=True)
    if TEMPLATES.is_dir():
        observer.schedule(changes, str(TEMPLATES), recursive=True)
    observer.start()
    out.write(f"kb serve: watching {data_dir} for changes; preview at http://{host}:{port}/ (Ctrl-C stops)\n")
    out.flush()
    try:
        while mkdocs.poll() is None:
            if not changes.pending.wait(0.5):
                continue
            while changes.pending.is_set():  # wait for the burst of saves to settle
                changes.pending.clear()
                time.sleep(QUIET)
            rerender(data_dir, project, out)
        return mkdocs.returncode or 0
    except KeyboardInterrupt:
        return 0
    finally:
        observer.stop()
        observer.join(5)
        if mkdocs.poll() is None:
            mkdocs.terminate()
            try:
                mkdocs.wait(10)
            except subprocess.TimeoutExpired:
                mkdocs.kill()
