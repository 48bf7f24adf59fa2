"""`kb serve`: the live preview. The site is built once (`kb.site.preview.Preview`), served by MkDocs's own
live-reload server on 127.0.0.1, and every saved edit rebuilds only the pages it touches (backlinks,
index parts, briefings' panels and the whole search index current), then reloads the open pages.

No rebuild loops: the server watches the data directory and the hand-written pages, never the pages we
generate, and a refresh writes a file only when its bytes change. A data error is printed and nothing
is written, so the last good pages stay up. A change to mkdocs.yml or the page templates needs a restart
(said in the terminal).

Ctrl-C, SIGTERM and SIGHUP (the terminal closed) stop it, and the temporary site goes with it. A port
already in use is said in a line before anything is built.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import watchdog.events
import watchdog.observers
from mkdocs.livereload import LiveReloadServer

from kb.site.build import BuildError, Project
from kb.site.preview import Preview

TEMPLATES = Path(__file__).parent / "render" / "templates"


class ServeError(Exception):
    """kb serve could not serve, or stopped serving: what happened, and what to do about it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def check_port(host: str, port: int) -> None:
    """Raise ServeError unless a server can listen on host:port (asked before the first build, which
    takes a while at scale)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET  # as MkDocs's server chooses
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: no TIME_WAIT trouble
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


class _Server(LiveReloadServer):
    """MkDocs's live-reload server (MkDocs 1.6.1, pinned), told of changes by the system (inotify) as they
    happen rather than by polling every file twice a second, and only of changes that are not ours."""

    def __init__(self, *args: Any, ours: Callable[[str], bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.observer = watchdog.observers.Observer()  # type: ignore[assignment]  # inotify, not polling
        self._ours = ours

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        server = self

        class Changes(watchdog.events.FileSystemEventHandler):
            def on_any_event(self, event: watchdog.events.FileSystemEvent) -> None:
                name = os.path.basename(str(event.src_path))
                if event.is_directory or event.event_type in ("opened", "closed_no_write"):
                    return
                if name.startswith(".") or name.endswith(("~", ".swp", ".tmp")) or server._ours(str(event.src_path)):
                    return
                with server._rebuild_cond:
                    server._want_rebuild = True
                    server._rebuild_cond.notify_all()

        self._watched_paths[os.path.abspath(path)] = 1
        self._watch_refs[path] = self.observer.schedule(Changes(), path, recursive=recursive)


STOP_SIGNALS = [getattr(signal, name) for name in ("SIGHUP", "SIGINT", "SIGTERM") if hasattr(signal, name)]
"""Each stops kb serve: Ctrl-C, a closed terminal, `kill`, CI, a process manager."""


def _stopped(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(
    data_dir: Path, project: Project, host: str = "127.0.0.1", port: int = 8000, out: TextIO | None = None
) -> int:
    """Build, serve and refresh on edits until a stop signal; then return 0, the temporary site removed.
    Raise ServeError when the port is taken or the first build fails."""
    out = out or sys.stdout
    check_port(host, port)
    handling = threading.current_thread() is threading.main_thread()  # only there can signals be handled
    previous = {signum: signal.signal(signum, _stopped) for signum in STOP_SIGNALS} if handling else {}
    site_dir = Path(tempfile.mkdtemp(prefix="kb-serve-"))
    server: _Server | None = None
    try:
        try:
            preview = Preview.start(data_dir, project, site_dir, out)
        except BuildError as exc:
            raise ServeError(str(exc), "fix the findings above, then run kb serve again") from None
        except Exception as exc:  # MkDocs's own first build (a plugin, a theme): said in a line, not dumped
            raise ServeError(
                f"the first build failed: {type(exc).__name__}: {exc}",
                f"`kb build {data_dir}` builds the same site and says more",
            ) from None
        docs = os.path.abspath(project.docs_dir)

        def ours(path: str) -> bool:  # a page we generate: written by the refresh itself
            rel = os.path.relpath(path, docs)
            return not rel.startswith("..") and rel.replace(os.sep, "/") in preview.docs

        def refresh() -> None:
            done = preview.refresh(out)
            out.write(f"kb serve: {done.summary()}\n")
            out.flush()

        server = _Server(builder=refresh, host=host, port=port, root=str(site_dir), ours=ours)
        server.watch(str(data_dir))
        server.watch(str(project.docs_dir))
        out.write(f"kb serve: watching {data_dir}; preview at http://{host}:{port}/ (Ctrl-C stops)\n")
        out.flush()
        server.serve()  # type: ignore[no-untyped-call]  # untyped in mkdocs
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        for signum in previous:
            signal.signal(signum, signal.SIG_IGN)  # a second signal must not cut the clean-up short
        if server is not None:
            server.shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
