"""External URL checks against a local HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kb.external import Cache, check_urls, external_findings, probe


class Handler(BaseHTTPRequestHandler):
    hits: list[str] = []
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
            code = {"/missing": 404, "/gone": 410, "/forbidden": 403, "/rate": 429, "/error": 503,
                    "/redirect": 302}.get(self.path, 200)
            if self.path == "/head-refused" and self.command == "HEAD":
                code = 405
            self.send_response(code)
            if code == 302:
                self.send_header("Location", "/ok")
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


@pytest.mark.parametrize("path, outcome, detail", [
    ("/ok", "ok", "HTTP 200"), ("/redirect", "ok", "HTTP 200"), ("/head-refused", "ok", "HTTP 200"),
    ("/missing", "broken", "HTTP 404"), ("/gone", "broken", "HTTP 410"),
    ("/forbidden", "unverifiable", "HTTP 403"), ("/rate", "unverifiable", "HTTP 429"),
    ("/error", "unverifiable", "HTTP 503"),
])
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
    tree.write("sources/second.yaml", f"id: second\ntitle: Second\ntype: report\nurl: {server}/gone\n"
               f"archive_url: {server}/ok\n")
    tree.write("sources/third.yaml", f"id: third\ntitle: Third\ntype: report\nurl: {server}/forbidden\n")
    kb = tree.check().kb
    found = external_findings(kb, Cache(tmp_path / "c.json", 0), timeout=5)
    assert sorted((f.path.rsplit("/", 1)[1], f.line, f.severity, f.rule) for f in found) == [
        ("sample-article.yaml", 8, "error", "url-broken"),
        ("second.yaml", 4, "warning", "url-broken-archived"),
        ("third.yaml", 4, "warning", "url-unverifiable"),
    ]
