"""External URL checks against a local HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from kb.check.external import Cache, check_urls, external_findings, probe


class Handler(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []
    active = 0
    most_active = 0
    lock = threading.Lock()

    def log_message(self, *args):  # keep test output quiet
        pass

    def _answer(self) -> None:
        cls = type(self)
        with cls.lock:
            cls.hits.append(f"{self.command} {self.path}")
            cls.active += 1
            cls.most_active = max(cls.most_active, cls.active)
        try:
            if self.path == "/slow":
                time.sleep(1.5)
            elif self.path.startswith("/busy-"):
                time.sleep(0.2)
            code = {
                "/missing": 404,
                "/gone": 410,
                "/forbidden": 403,
                "/rate": 429,
                "/error": 503,
                "/redirect": 302,
                "/loop": 302,
            }.get(self.path, 200)
            if self.path == "/head-refused" and self.command == "HEAD":
                code = 405
            self.send_response(code)
            if code == 302:
                self.send_header("Location", "/loop" if self.path == "/loop" else "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
        finally:
            with cls.lock:
                cls.active -= 1

    do_GET = do_HEAD = _answer


@pytest.fixture
def server():
    Handler.hits, Handler.active, Handler.most_active = [], 0, 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    "path, outcome, detail",
    [
        ("/ok", "ok", "HTTP 200"),
        ("/redirect", "ok", "HTTP 200"),
        ("/head-refused", "ok", "HTTP 200"),
        ("/missing", "broken", "HTTP 404"),
        ("/gone", "broken", "HTTP 410"),
        ("/forbidden", "unverifiable", "HTTP 403"),
        ("/rate", "unverifiable", "HTTP 429"),
        ("/error", "unverifiable", "HTTP 503"),
    ],
)
def test_status_codes_are_classified(server, path, outcome, detail):
    r = probe(server + path, timeout=5)
    assert (r.outcome, r.detail) == (outcome, detail)


def test_timeout_is_unverifiable(server):
    r = probe(server + "/slow", timeout=0.3)
    assert r.outcome == "unverifiable" and "timeout" in r.detail


def test_refused_connection_is_unverifiable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound but not listening: connections are refused
        assert probe(f"http://127.0.0.1:{port}/", timeout=2).outcome == "unverifiable"


def test_unknown_host_is_broken(monkeypatch):
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host == "gone.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    r = probe("http://gone.invalid/page", timeout=2)
    assert (r.outcome, r.detail) == ("broken", "host name does not resolve")


def test_successes_are_cached_and_failures_are_not(server, tmp_path):
    cache = Cache(tmp_path / "urls.json", max_age_s=3600)
    urls = [server + "/ok", server + "/missing"]
    check_urls(urls, cache)
    first = len(Handler.hits)
    again = check_urls(urls, Cache(tmp_path / "urls.json", max_age_s=3600))
    assert list(again) == [server + "/missing"]  # only the failure is asked again
    assert len(Handler.hits) == first + 1
    check_urls(urls, Cache(tmp_path / "urls.json", max_age_s=0))  # expired: both asked again
    assert len(Handler.hits) == first + 3


def test_concurrency_per_host_is_bounded(server, tmp_path):
    urls = [f"{server}/busy-{i}" for i in range(8)]
    check_urls(urls, Cache(tmp_path / "urls.json", 0), per_host=2, workers=8)
    assert len(Handler.hits) == 8
    assert Handler.most_active == 2


def test_findings_for_source_urls(server, tree, tmp_path):
    tree.edit("sources/sample-article.yaml", "type: article", f"type: article\nurl: {server}/missing")
    tree.write(
        "sources/second.yaml",
        f"id: second\ntitle: Second\ntype: report\nurl: {server}/gone\narchive_url: {server}/ok\n",
    )
    tree.write("sources/third.yaml", f"id: third\ntitle: Third\ntype: report\nurl: {server}/forbidden\n")
    kb = tree.check().kb
    found = external_findings(kb, Cache(tmp_path / "c.json", 0), timeout=5)
    assert sorted((f.path.rsplit("/", 1)[1], f.line, f.severity, f.rule) for f in found) == [
        ("sample-article.yaml", 8, "error", "url-broken"),
        ("second.yaml", 4, "warning", "url-broken-archived"),
        ("third.yaml", 4, "warning", "url-unverifiable"),
    ]


# --- servers that misbehave: raw sockets on 127.0.0.1, one thread per connection ---------------


class RawServer:
    """Listens on 127.0.0.1 and answers every connection with `reply(conn)` on a thread of its own."""

    def __init__(self, reply) -> None:
        self.reply, self.stop = reply, threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/page"
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(5)
                conn.recv(65536)  # the request (small enough for one read)
                self.reply(conn, self.stop)
            except OSError:
                pass  # the client gave up: what the tests want to see

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


def trickle_headers(conn, stop) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    while not stop.wait(0.5):
        conn.sendall(b"X")  # one header line that never ends, a byte every half second


def trickle_redirect_body(conn, stop) -> None:
    conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 100000\r\n\r\n")
    while not stop.wait(0.5):
        conn.sendall(b"X")  # urllib reads a redirect's body before following it


def garbage(conn, stop) -> None:
    conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")


def many_headers(conn, stop) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-H%d: 1\r\n" % i for i in range(101)) + b"\r\n")


def long_header(conn, stop) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n")


def huge_redirect_body(conn, stop) -> None:
    conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 4000000\r\n\r\n")
    conn.sendall(b"X" * 4_000_000)


def silent_close(conn, stop) -> None:
    pass  # reads the request, closes without a word


def status(code: int):
    def reply(conn, stop) -> None:
        conn.sendall(b"HTTP/1.1 %d Whatever\r\nContent-Length: 0\r\nConnection: close\r\n\r\n" % code)

    return reply


@pytest.fixture
def raw_server():
    servers: list[RawServer] = []

    def start(reply) -> str:
        servers.append(RawServer(reply))
        return servers[-1].url

    yield start
    for s in servers:
        s.close()


@pytest.mark.parametrize("reply", [trickle_headers, trickle_redirect_body])
def test_a_trickling_server_is_timed_out_on_the_whole_request(raw_server, reply):
    url, results = raw_server(reply), []
    start = time.monotonic()
    worker = threading.Thread(target=lambda: results.append(probe(url, timeout=1)), daemon=True)
    worker.start()
    worker.join(3)  # the timeout bounds the request, not each read (a regression must not hang the tests)
    assert results and time.monotonic() - start < 3
    assert (results[0].outcome, results[0].detail) == ("unverifiable", "timeout after 1 s")


@pytest.mark.parametrize(
    "reply, outcome, detail",
    [
        (garbage, "unverifiable", "not an HTTP reply"),
        (many_headers, "unverifiable", "too many headers"),
        (long_header, "unverifiable", "a header line is too long"),
        (silent_close, "unverifiable", "closed the connection without a reply"),
        (huge_redirect_body, "unverifiable", "reply longer than 1,048,576 bytes"),
        (status(200), "ok", "HTTP 200"),
        (status(404), "broken", "HTTP 404"),
    ],
)
def test_replies_that_are_not_http_are_unverifiable_not_a_crash(raw_server, reply, outcome, detail):
    r = probe(raw_server(reply), timeout=2)
    assert (r.outcome, r.detail) == (outcome, detail)


def test_redirect_loops_and_invalid_urls_are_unverifiable(server):
    assert (probe(server + "/loop", timeout=5).detail) == "too many redirects"
    for url in ("http://exa mple.org/", "http://127.0.0.1:x/", "http://[::1/"):
        r = probe(url, timeout=1)
        assert (r.outcome, r.detail.split(" (")[0]) == ("unverifiable", "invalid URL"), url


def test_non_ascii_in_the_path_is_sent_percent_encoded(server):
    assert probe(server + "/caf\u00e9?q=\u00e4", timeout=5).outcome == "ok"
    assert Handler.hits[-1] == "HEAD /caf%C3%A9?q=%C3%A4"


def test_kb_check_external_reports_every_url_however_its_server_misbehaves(raw_server, tree, tmp_path):
    urls = {
        name: raw_server(reply)
        for name, reply in [
            ("trickle", trickle_headers),
            ("garbage", garbage),
            ("headers", many_headers),
            ("ok", status(200)),
            ("missing", status(404)),
        ]
    }
    tree.edit("sources/sample-article.yaml", "type: article", f"type: article\nurl: {urls['trickle']}")
    for name in ("garbage", "headers", "ok", "missing"):
        tree.write(f"sources/{name}.yaml", f"id: {name}\ntitle: {name.title()}\ntype: report\nurl: {urls[name]}\n")
    kb = Path(sys.executable).with_name("kb")
    start = time.monotonic()
    r = subprocess.run(
        [str(kb), "check", "--external", "--timeout", "1", "--cache", str(tmp_path / "urls.json"), str(tree.root)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert time.monotonic() - start < 15
    assert r.returncode == 1 and r.stderr == "", r.stderr  # the 404 is an error; nothing crashed
    found = {line.split("] ", 1)[1] for line in r.stdout.splitlines() if "[url-" in line}
    assert found == {
        f"{urls['trickle']} could not be verified (timeout after 1 s)",
        f"{urls['garbage']} could not be verified (not an HTTP reply)",
        f"{urls['headers']} could not be verified (too many headers)",
        f"{urls['missing']} is broken (HTTP 404)",
    }
