"""External URLs, checked only on request: bounded, cached, and honest about what it cannot know.

Three outcomes are kept apart: broken (404, 410, a name that does not resolve) is an error;
unverifiable (401, 403, 429, 5xx, timeouts, refused connections) is a warning, since the page
may well exist; a broken URL whose source has an `archive_url` is a warning that says so.
Only successes are cached, for `max_age`; failures are asked again next time.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from kb import __version__
from kb.findings import Finding
from kb.model import KnowledgeBase

Outcome = Literal["ok", "broken", "unverifiable"]
BROKEN_STATUS = {404, 410}
USER_AGENT = f"kb-link-check/{__version__} (+static knowledge base link checker)"

@dataclass(frozen=True)
class UrlResult:
    url: str
    outcome: Outcome
    detail: str  # "HTTP 404", "timeout after 10 s", "name does not resolve"


def _request(url: str, method: str, timeout: float) -> int:
    req = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) only, checked by schema
        return resp.status


def probe(url: str, timeout: float = 10.0) -> UrlResult:
    """Ask once (HEAD, then GET where HEAD is refused) and classify the answer."""
    try:
        try:
            status = _request(url, "HEAD", timeout)
        except urllib.error.HTTPError as exc:
            if exc.code not in (405, 501, 403):
                raise
            status = _request(url, "GET", timeout)  # some servers refuse HEAD only
        return UrlResult(url, "ok", f"HTTP {status}")
    except urllib.error.HTTPError as exc:
        outcome: Outcome = "broken" if exc.code in BROKEN_STATUS else "unverifiable"
        return UrlResult(url, outcome, f"HTTP {exc.code}")
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, socket.gaierror) and reason.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5)):
            return UrlResult(url, "broken", "host name does not resolve")
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return UrlResult(url, "unverifiable", f"timeout after {timeout:g} s")
        return UrlResult(url, "unverifiable", f"cannot connect: {reason}")
    except (TimeoutError, socket.timeout):
        return UrlResult(url, "unverifiable", f"timeout after {timeout:g} s")
    except (OSError, ValueError) as exc:
        return UrlResult(url, "unverifiable", f"cannot connect: {exc}")


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


def check_urls(urls: list[str], cache: Cache, *, per_host: int = 2, workers: int = 8,
               timeout: float = 10.0) -> dict[str, UrlResult]:
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


def external_findings(kb: KnowledgeBase, cache: Cache, **limits) -> list[Finding]:
    """Findings for every source URL (and archive URL) that is broken or unverifiable."""
    wanted = [(s, field, getattr(s, field)) for s in kb.sources.values()
              for field in ("url", "archive_url") if getattr(s, field)]
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
        severity = "error" if rule == "url-broken" else "warning"
        hint = "fix the URL or add archive_url" if rule == "url-broken" else "check it in a browser"
        out.append(Finding(str(source.doc.path), pos.line, pos.col, severity, rule, msg, hint))
    return out
