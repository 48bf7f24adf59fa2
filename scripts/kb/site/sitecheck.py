"""Links after the build: every internal link and #fragment in the built HTML lands somewhere.

Reported at the page and line of the link, and, where the page was made from a fact or a
hand-written page, naming that source file too (via the `origin` function the caller passes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from kb.core.findings import Finding
from kb.core.model import KnowledgeBase

LINK_ATTRS = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src"}


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, int, int]] = field(default_factory=list)  # (url, line, col)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if value := values.get(name):
                self.page.ids.add(value)
        attr = LINK_ATTRS.get(tag)
        url = values.get(attr) if attr else None
        if url is not None and not (tag == "link" and values.get("rel") in ("canonical", "alternate")):
            line, col = self.getpos()
            self.page.links.append((url, line, col + 1))

    handle_startendtag = handle_starttag


def read_page(path: Path) -> Page:
    collector = _Collector()
    collector.feed(path.read_text("utf-8", errors="replace"))
    return collector.page


def _target(site: Path, page: Path, url: str) -> tuple[Path | None, str]:
    """The file an internal URL leads to (None for external URLs) and its fragment."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//"):
        return None, ""
    if not parts.path:
        return page, unquote(parts.fragment)
    rel = PurePosixPath(unquote(parts.path))
    base = site if rel.is_absolute() else page.parent
    target = (base / str(rel).lstrip("/")).resolve()
    if parts.path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def check_site(site: Path, origin: Callable[[Path], str | None] = lambda page: None) -> list[Finding]:
    """Findings for internal links and fragments in `site` that land nowhere."""
    site = site.resolve()
    pages = {p.resolve(): read_page(p) for p in sorted(site.rglob("*.html"))}
    found = []
    for path, page in pages.items():
        source = origin(path.relative_to(site))
        where = f" (from {source})" if source else ""
        for url, line, col in page.links:
            target, fragment = _target(site, path, url)
            if target is None:
                continue
            if not (target.is_relative_to(site) and target.exists()):
                found.append(
                    Finding(
                        str(path),
                        line,
                        col,
                        "error",
                        "site-link",
                        f"link '{url}' leads nowhere{where}",
                        f"no file {target.relative_to(site) if target.is_relative_to(site) else target} in the site",
                    )
                )
            elif fragment and target in pages and fragment not in pages[target].ids:
                found.append(
                    Finding(
                        str(path),
                        line,
                        col,
                        "error",
                        "site-anchor",
                        f"link '{url}' names no element '#{fragment}'{where}",
                        f"{target.relative_to(site)} has no id '{fragment}'",
                    )
                )
    return found


def page_origin(docs: Path, kb: KnowledgeBase | None = None) -> Callable[[Path], str | None]:
    """Map a built page (site-relative) to where it came from: the fact file behind a generated
    page, or the hand-written Markdown page."""
    from kb.core.facttypes import page_of

    facts: dict[str, str] = {}
    for fact in kb.all_facts() if kb else ():
        facts.setdefault(page_of(fact).partition("#")[0], str(fact.doc.path))

    def origin(page: Path) -> str | None:
        md = page.with_suffix(".md").as_posix()
        if md in facts:
            return facts[md]
        stem = page.with_suffix("")
        for candidate in (docs / stem.with_suffix(".md"), docs / stem.parent / "index.md", docs / f"{stem.parent}.md"):
            if candidate.is_file():
                return str(candidate)
        return None

    return origin
