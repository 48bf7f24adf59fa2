"""`kb serve`: live preview. MkDocs serves and reloads the site; beside it our watcher re-renders
the docs tree whenever a file under the data directory (or a page template) changes.

No rebuild loops: we watch only the data and the templates, never the docs tree we write, and
we write a page only when its bytes change, so MkDocs rebuilds once per real change. A data error
is printed and nothing is written, so the last good pages stay up.

MkDocs never outlives us: Ctrl-C, SIGTERM and SIGHUP (the terminal closed) stop both. A port
already in use is found before MkDocs starts, and if MkDocs stops by itself, its error is
reported in a line instead of its traceback.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, TextIO

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from kb.core.model import KnowledgeBase
from kb.site.build import BuildError, Project, mkdocs_env, render

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


class ServeError(Exception):
    """kb serve could not serve, or stopped serving: what happened, and what to do about it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def check_port(host: str, port: int) -> None:
    """Raise ServeError unless MkDocs can listen on host:port. Asked before MkDocs starts: it binds
    only after its first build, and then dies with a traceback."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET  # as MkDocs's server chooses
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as MkDocs does: no TIME_WAIT trouble
            probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(
                f"port {port} on {host} is in use", "choose another with --port N, or stop the server that holds it"
            ) from None
        raise ServeError(
            f"cannot listen on port {port} of {host}: {exc.strerror or exc}", "check --host and --port"
        ) from None
    except OverflowError:
        raise ServeError(f"port {port} is not a port number", "choose one from 1 to 65535 with --port N") from None


# The lines of a Python traceback that are not indented; everything else in one is.
_TRACEBACK = (
    "Traceback (most recent call last):",
    "During handling of the above exception",
    "The above exception was the direct cause",
)


class _Relay:
    """Passes MkDocs's log through to `out` as it comes, but holds back a Python traceback and
    keeps only its last line, the error itself, to be reported briefly."""

    def __init__(self, stream: IO[str], out: TextIO) -> None:
        self.error = self.last = ""
        self._thread = threading.Thread(target=self._run, args=(stream, out), daemon=True)
        self._thread.start()

    def _run(self, stream: IO[str], out: TextIO) -> None:
        hiding = after_error = False
        for line in stream:  # read to the end whatever happens, so MkDocs never blocks on a full pipe
            text = line.rstrip("\n")
            if text.startswith(_TRACEBACK):
                hiding = True
            elif hiding:
                if text and not text[0].isspace():  # the exception line closes the traceback
                    self.error, hiding, after_error = text, False, True
            elif not (after_error and not text.strip()):  # blank lines between chained errors go too
                after_error = False
                self.last = text.strip() or self.last
                try:
                    out.write(line)
                    out.flush()
                except (OSError, ValueError):
                    pass  # our terminal is gone (SIGHUP); keep draining

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


def _stopped(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


STOP_SIGNALS = [getattr(signal, name) for name in ("SIGHUP", "SIGINT", "SIGTERM") if hasattr(signal, name)]
"""Each stops kb serve, and kb serve stops MkDocs: Ctrl-C, a closed terminal, `kill`, CI, a process manager."""


def _how(returncode: int) -> str:
    if returncode >= 0:
        return f"exit {returncode}"
    try:
        return f"killed by {signal.Signals(-returncode).name}"
    except ValueError:
        return f"killed by signal {-returncode}"


def _stop(mkdocs: subprocess.Popen[str]) -> None:
    if mkdocs.poll() is None:
        # SIGINT is MkDocs's own way out: it shuts its server down and removes its temporary site.
        mkdocs.send_signal(signal.SIGINT if os.name == "posix" else signal.SIGTERM)
        try:
            mkdocs.wait(10)
        except subprocess.TimeoutExpired:
            mkdocs.kill()
            mkdocs.wait()


def serve(
    data_dir: Path, project: Project, host: str = "127.0.0.1", port: int = 8000, out: TextIO | None = None
) -> int:
    """Render, serve with MkDocs and re-render on changes until a stop signal; then return 0 with
    MkDocs stopped too. Raise ServeError when the port is taken or MkDocs stops by itself."""
    out = out or sys.stdout
    check_port(host, port)
    handling = threading.current_thread() is threading.main_thread()  # only there can signals be handled
    previous = {signum: signal.signal(signum, _stopped) for signum in STOP_SIGNALS} if handling else {}
    mkdocs: subprocess.Popen[str] | None = None
    relay: _Relay | None = None
    observer = Observer()
    try:
        kb = rerender(data_dir, project, out)
        env = mkdocs_env(kb if kb is not None else KnowledgeBase())
        mkdocs = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "serve",
                "--config-file",
                str(project.config),
                "--dev-addr",
                f"{host}:{port}",
            ],
            env=env,
            cwd=project.config.parent,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
        )
        relay = _Relay(mkdocs.stderr, sys.stderr)  # type: ignore[arg-type]
        changes = _Changes()
        observer.schedule(changes, str(data_dir), recursive=True)
        if TEMPLATES.is_dir():
            observer.schedule(changes, str(TEMPLATES), recursive=True)
        observer.start()
        out.write(f"kb serve: watching {data_dir} for changes; preview at http://{host}:{port}/ (Ctrl-C stops)\n")
        out.flush()
        while mkdocs.poll() is None:
            if not changes.pending.wait(0.5):
                continue
            while changes.pending.is_set():  # wait for the burst of saves to settle
                changes.pending.clear()
                time.sleep(QUIET)
            rerender(data_dir, project, out)
        relay.join(5)  # MkDocs stopped by itself: its last words
        raise ServeError(
            f"mkdocs serve stopped ({_how(mkdocs.returncode)}): {relay.error or relay.last or 'no message'}",
            f"`mkdocs serve --config-file {project.config}` shows all it says",
        )
    except KeyboardInterrupt:
        return 0
    finally:
        for signum in previous:
            signal.signal(signum, signal.SIG_IGN)  # a second signal must not cut the clean-up short
        if observer.is_alive():
            observer.stop()
            observer.join(5)
        if mkdocs is not None:
            _stop(mkdocs)
        if relay is not None:
            relay.join(2)  # what MkDocs said on its way out
        for signum, handler in previous.items():
            signal.signal(signum, handler)
