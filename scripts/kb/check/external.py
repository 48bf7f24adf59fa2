"""External URLs, checked only on request: bounded, cached, and honest about what it cannot know.

Three outcomes are kept apart: broken (404, 410, a name that does not resolve) is an error;
unverifiable (401, 403, 429, 5xx, timeouts, refused connections, replies that are not HTTP, URLs
no request can be made of) is a warning, since the page may well exist; a broken URL whose source
has an `archive_url` is a warning that says so. Only successes are cached, for `max_age`;
failures are asked again next time.

A probe never raises, and its timeout bounds all of it: every redirect, send and read, so a
server trickling a byte at a time is cut off too (only the name lookup is left to the resolver,
and each address of a host is tried for the time left). It reads no body but a redirect's,
of at most MAX_REPLY bytes.
"""

from __future__ import annotations

import functools
import http.client
import io
import json
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal, TypedDict, Unpack
from urllib.parse import quote, urlsplit, urlunsplit

from kb import __version__
from kb.core.findings import Finding, Severity
from kb.core.model import KnowledgeBase

Outcome = Literal["ok", "broken", "unverifiable"]
BROKEN_STATUS = {404, 410}
USER_AGENT = f"kb-link-check/{__version__} (+static knowledge base link checker)"
MAX_REPLY = 1 << 20
"""Bytes read from one connection at most: headers, and the body of a redirect (urllib reads it)."""
NAME_UNKNOWN = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5)}


@dataclass(frozen=True)
class UrlResult:
    url: str
    outcome: Outcome
    detail: str  # "HTTP 404", "timeout after 10 s", "name does not resolve"


class _Unverifiable(Exception):
    """A reply we refuse to follow further; the message is the finding's detail."""


class _Deadline:
    """When the probe of one URL must be over. A socket's own timeout bounds each call, so a
    server sending a byte every half second would never time out; every call gets what is left."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError("the time for this URL is up")
        return left


class _DeadlineSocket:
    """A connected (TLS) socket whose sends and reads share one deadline and MAX_REPLY bytes."""

    def __init__(self, sock: socket.socket, deadline: _Deadline) -> None:
        self._sock, self._deadline = sock, deadline
        self._received = self._readers = 0
        self._closing = False

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(self._deadline.left())
        self._sock.sendall(data)

    def recv_into(self, buffer: memoryview) -> int:
        if self._received > MAX_REPLY:
            raise _Unverifiable(f"reply longer than {MAX_REPLY:,} bytes")
        self._sock.settimeout(self._deadline.left())
        n = self._sock.recv_into(buffer)
        self._received += n
        return n

    def makefile(self, *args: object, **kwargs: object) -> io.BufferedReader:
        self._readers += 1
        return io.BufferedReader(_Reader(self))

    # urllib closes the connection's socket before the response is read: like socket.makefile,
    # keep it open until the last reader is closed too.
    def close(self) -> None:
        self._closing = True
        if not self._readers:
            self._sock.close()

    def reader_closed(self) -> None:
        self._readers -= 1
        if self._closing and not self._readers:
            self._sock.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self._sock, name)


class _Reader(io.RawIOBase):
    def __init__(self, sock: _DeadlineSocket) -> None:
        super().__init__()
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        return self._sock.recv_into(buffer)

    def close(self) -> None:
        if not self.closed:
            self._sock.reader_closed()
        super().close()


class _Connection(http.client.HTTPConnection):
    def __init__(self, *args: object, deadline: _Deadline, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._deadline = deadline

    def connect(self) -> None:
        # Connecting (each address the name has, and the TLS handshake) may take the time left;
        # from then on every send and read is held to the deadline.
        self.timeout = self._deadline.left()
        super().connect()
        self._deadline.left()
        self.sock = _DeadlineSocket(self.sock, self._deadline)


class _TLSConnection(_Connection, http.client.HTTPSConnection):
    pass


@functools.cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_Connection, deadline=self.deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_TLSConnection, deadline=self.deadline), req, context=_tls())


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise _Unverifiable("redirected to an address that is not a web page")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    """urllib's opener for the web only (proxies and redirects as usual), every request under `deadline`."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        _HTTPHandler(deadline),
        _HTTPSHandler(deadline),
        urllib.request.HTTPDefaultErrorHandler(),
        _RedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _as_uri(url: str) -> str:
    """The URL to request: checked, without user name or fragment, non-ASCII characters of the path
    and query percent-encoded (as a browser sends them). Raise _Unverifiable if no request can be made."""
    if any(c <= " " or c == "\x7f" for c in url):
        raise _Unverifiable("invalid URL (a space or control character)")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("not http(s)://host")
        parts.hostname.encode("idna")
    except ValueError as exc:  # UnicodeError (a host name IDNA refuses) included
        raise _Unverifiable(f"invalid URL ({'bad host name' if isinstance(exc, UnicodeError) else exc})") from None
    safe = "/%:@!$&'()*+,;=?~[]"
    return urlunsplit(
        parts._replace(
            netloc=parts.netloc.rpartition("@")[2],  # urllib would take user@ for the host
            path=quote(parts.path, safe=safe),
            query=quote(parts.query, safe=safe),
            fragment="",
        )
    )


def _request(opener: urllib.request.OpenerDirector, url: str, method: str) -> int:
    req = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    with opener.open(req) as resp:  # the body is never read
        status: int = resp.status  # open() is typed Any: what it returns depends on the handlers
        return status


def probe(url: str, timeout: float = 10.0) -> UrlResult:
    """Ask once (HEAD, then GET where HEAD is refused) and classify the answer; never raises.

    `timeout` bounds the whole probe: HEAD and the GET fallback share it, with every redirect,
    connect, send and read in them. No body is read but a redirect's, and at most MAX_REPLY bytes.
    """
    deadline = _Deadline(timeout)
    opener = _opener(deadline)
    try:
        target = _as_uri(url)
        try:
            status = _request(opener, target, "HEAD")
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code not in (405, 501, 403):
                raise
            status = _request(opener, target, "GET")  # some servers refuse HEAD only
        return UrlResult(url, "ok", f"HTTP {status}")
    except Exception as exc:
        outcome, detail = _classify(exc, timeout)
        return UrlResult(url, outcome, detail)


def _classify(exc: BaseException, timeout: float) -> tuple[Outcome, str]:
    """What a failed probe says about the URL. The detail is ours, never text the server sent."""
    if isinstance(exc, urllib.error.HTTPError):
        exc.close()
        if 300 <= exc.code < 400:
            loop = str(exc.reason).startswith(urllib.request.HTTPRedirectHandler.inf_msg)
            return "unverifiable", "too many redirects" if loop else f"redirect not followed (HTTP {exc.code})"
        return ("broken" if exc.code in BROKEN_STATUS else "unverifiable"), f"HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):  # urllib's wrapper around the error that stopped it
        if isinstance(exc.reason, BaseException):
            return _classify(exc.reason, timeout)
        return "unverifiable", f"invalid URL ({exc.reason})"
    if isinstance(exc, socket.gaierror) and exc.errno in NAME_UNKNOWN:
        return "broken", "host name does not resolve"
    if isinstance(exc, TimeoutError):
        return "unverifiable", f"timeout after {timeout:g} s"
    if isinstance(exc, _Unverifiable):
        return "unverifiable", str(exc)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "unverifiable", f"TLS certificate not accepted ({exc.verify_message})"
    if isinstance(exc, ssl.SSLError):
        return "unverifiable", f"TLS error ({exc.reason or exc})"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "unverifiable", "closed the connection without a reply"
    if isinstance(exc, (http.client.BadStatusLine, http.client.UnknownProtocol)):
        return "unverifiable", "not an HTTP reply"
    if isinstance(exc, http.client.LineTooLong):
        return "unverifiable", "a header line is too long"
    if isinstance(exc, http.client.IncompleteRead):
        return "unverifiable", "the reply was cut short"
    if isinstance(exc, http.client.InvalidURL):
        return "unverifiable", f"invalid URL ({exc})"
    if isinstance(exc, http.client.HTTPException):  # "got more than 100 headers", and any other
        return "unverifiable", "too many headers" if "headers" in str(exc) else f"not a valid HTTP reply ({exc})"
    if isinstance(exc, OSError):
        return "unverifiable", f"connection failed: {exc.strerror or exc}"
    return "unverifiable", f"unexpected error: {type(exc).__name__}: {exc}"


class Cache:
    """Successful checks by URL with the time they were made; older than max_age counts as unknown."""

    def __init__(self, path: Path, max_age_s: float) -> None:
        self.path, self.max_age_s = path, max_age_s
        try:
            self.entries: dict[str, float] = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def fresh(self, url: str, now: float) -> bool:
        return now - self.entries.get(url, float("-inf")) <= self.max_age_s

    def save(self, results: list[UrlResult], now: float) -> None:
        for r in results:
            if r.outcome == "ok":
                self.entries[r.url] = now
            else:
                self.entries.pop(r.url, None)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(dict(sorted(self.entries.items())), indent=1), "utf-8")
        tmp.replace(self.path)


def check_urls(
    urls: list[str], cache: Cache, *, per_host: int = 2, workers: int = 8, timeout: float = 10.0
) -> dict[str, UrlResult]:
    """Probe every URL not freshly cached, at most `per_host` at a time per host."""
    now = time.time()
    todo = sorted({u for u in urls if not cache.fresh(u, now)})
    hosts: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(per_host))
    for u in todo:
        hosts[urlsplit(u).netloc]  # create every semaphore before the threads start

    def one(url: str) -> UrlResult:
        with hosts[urlsplit(url).netloc]:
            return probe(url, timeout)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(one, todo))
    cache.save(results, now)
    return {r.url: r for r in results}


class Limits(TypedDict, total=False):
    """What `check_urls` may be told besides the URLs and the cache."""

    per_host: int
    workers: int
    timeout: float


def external_findings(kb: KnowledgeBase, cache: Cache, **limits: Unpack[Limits]) -> list[Finding]:
    """Findings for every source URL (and archive URL) that is broken or unverifiable."""
    wanted = [
        (s, field, getattr(s, field))
        for s in kb.sources.values()
        for field in ("url", "archive_url")
        if getattr(s, field)
    ]
    results = check_urls([u for _, _, u in wanted], cache, **limits)
    out = []
    for source, field, url in wanted:
        r = results.get(url)
        if r is None or r.outcome == "ok":
            continue
        pos = source.locate(field)
        if r.outcome == "broken" and field == "url" and source.archive_url:
            rule, msg = "url-broken-archived", f"{url} is broken ({r.detail}); the archived copy stands in"
        elif r.outcome == "broken":
            rule, msg = "url-broken", f"{url} is broken ({r.detail})"
        else:
            rule, msg = "url-unverifiable", f"{url} could not be verified ({r.detail})"
        severity: Severity = "error" if rule == "url-broken" else "warning"
        hint = "fix the URL or add archive_url" if rule == "url-broken" else "check it in a browser"
        out.append(Finding(str(source.doc.path), pos.line, pos.col, severity, rule, msg, hint))
    return out
