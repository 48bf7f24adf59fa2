"""Atom feeds (RFC 4287) for feed readers: briefings published and revised, and changes to the facts.

Dates are commit dates (a briefing outside git: its own date), so the same commit gives the same bytes.
Each entry's id is a name-based UUID of the site's name and what the entry is about (a briefing's id; a
change's commit and fact), so that it stays the same however the site is hosted; links are relative to
the feed unless mkdocs.yml gives the site's address (`site_url`). Every page advertises both feeds with
<link rel="alternate"> (overrides/main.html). The feeds' entries come from the history read when the build
(or the preview) started: an edit in the preview changes their titles, never their dates.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET

from kb.core.dates import PartialDate
from kb.core.facts import Briefing
from kb.core.facttypes import page_of
from kb.core.history import Change
from kb.core.model import KnowledgeBase
from kb.site.render import changes
from kb.site.render.cite import Site
from kb.site.render.history import change_words, commit_url, status_note
from kb.site.render.links import built_url, relative
from kb.site.render.text import label, sentence_case

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES = 50
"""Entries per feed: a reader wants what is new, and the Changes pages hold the rest."""
BRIEFINGS, CHANGES = changes.FEEDS["briefings"], changes.FEEDS["changes"]
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # what XML 1.0 cannot hold


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", " ".join(text.split()))


def _id(site: Site, key: str) -> str:
    space = uuid.uuid5(uuid.NAMESPACE_URL, f"kb:{site.name}")
    return f"urn:uuid:{uuid.uuid5(space, key)}"


def _href(site: Site, target: str, feed: str) -> str:
    """The address of docs page `target` (maybe with #anchor): absolute under site_url, else from the feed."""
    return site.address(target) or built_url(relative(target, feed))


def _day_start(day: PartialDate) -> str:
    return f"{day.first_day().isoformat()}T00:00:00Z"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = _clean(text)
    return element


def _feed(site: Site, path: str, title: str, subtitle: str, alternate: str) -> ET.Element:
    feed = ET.Element("feed", {"xmlns": ATOM})
    _add(feed, "title", f"{site.name}: {title}")
    _add(feed, "subtitle", subtitle)
    _add(feed, "id", _id(site, f"feed/{path}"))
    _add(feed, "link", rel="self", type="application/atom+xml", href=_href(site, path, path))
    _add(feed, "link", rel="alternate", type="text/html", href=_href(site, alternate, path))
    author = _add(feed, "author")
    _add(author, "name", site.name)
    return feed


def _finish(feed: ET.Element, updated: list[str]) -> bytes:
    stamp = ET.Element("updated")
    stamp.text = max(updated, default="1970-01-01T00:00:00Z")
    feed.insert(3, stamp)
    ET.indent(feed)
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True)) + b"\n"


def _briefing_times(kb: KnowledgeBase, b: Briefing) -> tuple[str | None, str]:
    """When the briefing was first published and last updated: from its commits, else from its own dates."""
    events = [c for c in kb.history.of(b.id) if c.briefing_event in ("published", "revised")]
    published = next((c for c in events if c.briefing_event == "published"), None)
    if events:
        return (published.commit.timestamp if published else None), events[-1].commit.timestamp
    return None, _day_start(b.as_of) if b.as_of else "1970-01-01T00:00:00Z"


def briefings_feed(kb: KnowledgeBase, site: Site) -> bytes:
    feed = _feed(site, BRIEFINGS, "briefings", "Briefings published and revised, newest first.", "briefings/index.md")
    rows = []
    for b in kb.briefings.values():
        if b.status == "published":
            published, updated = _briefing_times(kb, b)
            rows.append((updated, b.id, published, b))
    rows.sort(key=lambda r: (r[0], r[1]), reverse=True)
    for updated, _, published, b in rows[:ENTRIES]:
        entry = _add(feed, "entry")
        _add(entry, "title", b.title)
        _add(entry, "id", _id(site, f"briefing/{b.id}"))
        _add(entry, "link", rel="alternate", type="text/html", href=_href(site, page_of(b), BRIEFINGS))
        if published:
            _add(entry, "published", published)
        _add(entry, "updated", updated)
        for name in b.authors:
            _add(_add(entry, "author"), "name", name)
        for tag in b.tags:
            _add(entry, "category", term=_clean(tag))
        _add(entry, "summary", b.summary, type="text")
    return _finish(feed, [r[0] for r in rows])


def _change_title(kb: KnowledgeBase, c: Change) -> str:
    fact = kb.get(c.now)
    name = label(kb, fact) if fact is not None and c.type == fact.TYPE else c.label
    if c.what == "renamed":
        return f"Renamed {changes.type_word(c)}: {c.former} → {name}"
    return f"{changes.verb(c)} {changes.type_word(c)}: {name}"


def changes_feed(kb: KnowledgeBase, site: Site) -> bytes:
    about = "Facts added, changed, renamed and removed, newest first, as the history in git records them."
    feed = _feed(site, CHANGES, "changes to the facts", f"{about} {status_note(kb)}".strip(), changes.INDEX)
    facts = [c for c in changes.newest_first(kb) if c.type != "briefing"][:ENTRIES]
    for c in facts:
        entry = _add(feed, "entry")
        _add(entry, "title", _change_title(kb, c))
        _add(entry, "id", _id(site, f"change/{c.commit.sha}/{c.id}"))
        fact = kb.get(c.now)
        page = page_of(fact) if fact is not None and c.type == fact.TYPE else changes.page_of(kb, c)
        _add(entry, "link", rel="alternate", type="text/html", href=_href(site, page, CHANGES))
        if (address := commit_url(kb, c.commit)) is not None:
            _add(entry, "link", rel="related", type="text/html", href=address)
        _add(entry, "updated", c.commit.timestamp)
        said = sentence_case(change_words(c))
        if c.revises and c.citations:
            said += ". Rests on " + "; ".join(f"{_source(kb, s)}, {loc}" for s, loc in c.citations)
        _add(entry, "summary", said, type="text")
    stamps = [c.commit.timestamp for c in facts] or [c.commit.timestamp for c in kb.history.changes[-1:]]
    return _finish(feed, stamps)


def _source(kb: KnowledgeBase, source_id: str) -> str:
    found = kb.get(source_id)
    return found.label if found is not None else source_id


SITEMAP = "feeds/sitemap.xml"
"""Material's script takes every <link rel="alternate"> for a version of the site in another language and
fetches sitemap.xml beside it, on every page. Beside the feeds it finds this empty one: not a 404 (a
console error on every page) and not the site's whole sitemap (a megabyte at 10,000 facts)."""
_EMPTY_SITEMAP = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n'
)


def sitemap(kb: KnowledgeBase) -> bytes:
    return _EMPTY_SITEMAP
