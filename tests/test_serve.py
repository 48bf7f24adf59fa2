"""`kb serve`: re-renders on data changes, keeps the last good pages on errors, never loops."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, make_project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_for(predicate, timeout: float = 60.0, every: float = 0.25):
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

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
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
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb.cli", "serve", str(data), "--config", str(config), "--port", str(port)],
        cwd=tmp_path,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
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


def test_serve_rerenders_on_change_keeps_pages_on_error_and_does_not_loop(served) -> None:
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
    actor.write_text(
        actor.read_text().replace("kind: planet", "kind: state").replace("Eastland Renamed", "Eastland Again")
    )
    wait_for(lambda: "Eastland Again" in fetch(f"{base}/actors/eastland.html"))
    time.sleep(2)
    refreshes = out.count("page(s) written")
    time.sleep(4)
    assert out.count("page(s) written") == refreshes, out.text()[-2000:]


def start_serve(tmp_path: Path, port: int, config: Path | None = None) -> tuple[subprocess.Popen, Output]:
    """`kb serve` on the site fixture, in a session of its own (so the tests can clean up after it), its
    temporary files under tmp_path/tmp."""
    made, data = make_project(tmp_path, FIXTURES / "site")
    (tmp_path / "tmp").mkdir(exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb.cli", "serve", str(data), "--config", str(config or made), "--port", str(port)],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONUNBUFFERED="1", TMPDIR=str(tmp_path / "tmp")),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return proc, Output(proc.stdout)


def children(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").glob("*") for c in (task / "children").read_text().split()]


def alive(pid: int) -> bool:
    """Running, not a zombie waiting for its parent."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def stop_group(proc: subprocess.Popen) -> None:
    """Whatever of the session we started is left: kb serve and its mkdocs serve."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_takes_the_preview_server_down_too(tmp_path: Path, signum: int) -> None:
    port = free_port()
    proc, out = start_serve(tmp_path, port)
    try:
        wait_for(lambda: fetch(f"http://127.0.0.1:{port}/index.html"))
        assert list((tmp_path / "tmp").glob("kb-serve-*")), "the preview's site is in a folder of its own"
        started = children(proc.pid)
        proc.send_signal(signum)  # to kb serve alone, not its process group: a closed terminal, `kill`
        assert proc.wait(20) == 0, out.text()[-2000:]
        wait_for(lambda: not any(alive(pid) for pid in started), timeout=15)
        assert not list((tmp_path / "tmp").glob("kb-serve-*")), "and it is gone"

        def port_closed() -> bool:
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", port)) != 0

        wait_for(port_closed, timeout=15)
        assert "Traceback" not in out.text()
    finally:
        stop_group(proc)


def test_a_port_in_use_is_said_plainly_before_anything_is_built(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        proc, out = start_serve(tmp_path, port)
        try:
            assert proc.wait(60) == 2
        finally:
            stop_group(proc)
    text = out.text()
    assert f"kb serve: port {port} on 127.0.0.1 is in use\n    hint: " in text and "--port" in text, text
    assert "Traceback" not in text and "watching" not in text  # nothing was built


def test_a_failing_first_build_is_reported_briefly(tmp_path: Path) -> None:
    (tmp_path / "boom.py").write_text("def on_config(config):\n    raise RuntimeError('the hook failed')\n")
    config = tmp_path / "broken.yml"
    config.write_text((REPO / "mkdocs.yml").read_text() + "\nhooks: [boom.py]\n")
    shutil.copytree(REPO / "overrides", tmp_path / "overrides")
    proc, out = start_serve(tmp_path, free_port(), config)
    try:
        assert proc.wait(60) == 2
    finally:
        stop_group(proc)
    text = out.text()
    assert "kb serve: the first build failed: RuntimeError: the hook failed\n    hint: " in text, text
    assert "Traceback" not in text and 'File "' not in text
