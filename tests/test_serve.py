"""`kb serve`: re-renders on data changes, keeps the last good pages on errors, never loops."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import FIXTURES, make_project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_for(predicate, timeout: float = 60.0, every: float = 0.25):  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out waiting")


class Output:
    """Collects a process's output lines on a thread."""

    def __init__(self, stream) -> None:  # noqa: ANN001
        self.lines: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:  # noqa: ANN001
        for line in iter(stream.readline, ""):
            self.lines.append(line)

    def text(self) -> str:
        return "".join(self.lines)

    def count(self, needle: str) -> int:
        return sum(needle in line for line in list(self.lines))


@pytest.fixture
def served(tmp_path: Path):
    config, data = make_project(tmp_path, FIXTURES / "site")
    port = free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "serve", str(data), "--config", str(config),
                             "--port", str(port)], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    out = Output(proc.stdout)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: "Eastland" in fetch(f"{base}/actors/eastland.html"))
        yield base, data, out
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the group we started: kb serve and its mkdocs serve
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_serve_rerenders_on_change_keeps_pages_on_error_and_does_not_loop(served) -> None:  # noqa: ANN001
    base, data, out = served
    actor = data / "actors" / "eastland.yaml"

    actor.write_text(actor.read_text().replace("name: Eastland", "name: Eastland Renamed"))
    wait_for(lambda: "Eastland Renamed" in fetch(f"{base}/actors/eastland.html"))

    # A data error: printed in the terminal, nothing rendered, the last good page stays up.
    actor.write_text(actor.read_text().replace("kind: state", "kind: planet"))
    wait_for(lambda: "the last good pages stay up" in out.text())
    assert "eastland.yaml" in out.text() and "planet" in out.text()
    assert "Eastland Renamed" in fetch(f"{base}/actors/eastland.html")

    # Fixed again: the site follows; then, left alone, nothing rebuilds (no loop on our own writes).
    actor.write_text(actor.read_text().replace("kind: planet", "kind: state").replace("Eastland Renamed", "Eastland Again"))
    wait_for(lambda: "Eastland Again" in fetch(f"{base}/actors/eastland.html"))
    time.sleep(2)
    renders, builds = out.count("kb serve: docs:"), out.count("Documentation built")
    time.sleep(4)
    assert (out.count("kb serve: docs:"), out.count("Documentation built")) == (renders, builds), out.text()[-2000:]


def test_sigterm_takes_the_preview_server_down_too(tmp_path: Path) -> None:
    config, data = make_project(tmp_path, FIXTURES / "site")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "serve", str(data), "--config", str(config),
                             "--port", str(port)], cwd=tmp_path, env=dict(os.environ, PYTHONUNBUFFERED="1"),
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    Output(proc.stdout)
    try:
        wait_for(lambda: fetch(f"http://127.0.0.1:{port}/index.html"))
        proc.send_signal(signal.SIGTERM)  # to kb serve alone, not its process group
        assert proc.wait(20) == 0

        def port_closed() -> bool:
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", port)) != 0
        wait_for(port_closed, timeout=15)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # anything of ours left in the group
            except ProcessLookupError:
                pass
