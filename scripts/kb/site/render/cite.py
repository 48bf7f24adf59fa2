"""Citable pages: what a reader's reference manager and a reader need to cite a briefing or fact page, and the
data downloads' CITATION.cff. Everything a citation says is worked out here, once.

Each citable page gets a `citation:` mapping in its front matter, which the theme override
(overrides/partials/kb-citation-meta.html) prints into <head> as Highwire Press tags (`citation_title`,
`citation_author`...), the tags Zotero and Google Scholar read; and a "Cite this" block at its end: a
plain-text citation and a BibTeX entry, both naming the date the page last changed. MkDocs keeps to its
portable subset (no hooks, no plugins): the values are data, the theme only prints them.

The last change is `last_changed`, the one place to give it: the day of the fact's last commit, from the
history in git (kb.core.history); outside git, or for a fact whose commits lie beyond a shallow clone's edge,
the latest date the page's own data names.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from kb.core.dates import PartialDate
from kb.core.facts import Actor, Assessment, Briefing, Event, Fact, Figure, Source
from kb.core.facttypes import BY_NAME
from kb.core.model import KnowledgeBase
from kb.site.render import templates
from kb.site.render.escape import Safe, url, yaml_string
from kb.site.render.links import built_url
from kb.site.render.text import PLANNED, label, series_title

CFF = "downloads/CITATION.cff"


@dataclass(frozen=True)
class Site:
    """What mkdocs.yml says the site is: its name and address (`site_name`, `site_url`), and its repository's
    web address (`repo_url`: the build gives it to the history, for links to commits)."""

    name: str = "Knowledge base"
    url: str | None = None
    repo_url: str | None = None

    def address(self, page: str) -> str | None:
        """The public URL of docs page `page` ("events/x.md"), when the site has an address."""
        if not self.url or not (base := url(self.url)):
            return None
        return base.rstrip("/") + "/" + built_url(page)


@dataclass(frozen=True)
class PageCitation:
    """What a citation of one page says, apart from the site: its title, authors, kind and last change."""

    key: str  # the BibTeX key: the fact's id
    title: str
    kind: str  # "briefing", "event", "figure series"...
    changed: PartialDate | None
    authors: list[str] = field(default_factory=list)  # none for facts: the site is their author


# -- When a page last changed ---------------------------------------------------------------------------------


def _own_dates(fact: Fact) -> list[PartialDate | None]:
    """The dates a fact records about itself that are in the past (a planned event's date is not)."""
    if isinstance(fact, Briefing):
        return [fact.date]
    if isinstance(fact, Event):
        return [] if fact.planned else [fact.date, fact.end]
    if isinstance(fact, Actor):
        spans = [(r.start, r.end) for r in fact.roles] + [(m.start, m.end) for m in fact.memberships]
        return [fact.founded, fact.dissolved, *(d for span in spans for d in span)]
    if isinstance(fact, Figure):
        return [] if fact.status in PLANNED else [fact.period, fact.period_end]
    if isinstance(fact, Source):
        return [fact.published, fact.published_end, fact.retrieved]
    if isinstance(fact, Assessment):
        return [fact.date]
    own = getattr(fact, "date", None)  # a type with no code of its own here: its date, if it has one
    return [own] if isinstance(own, PartialDate) else []


def _source_dates(kb: KnowledgeBase, fact: Fact) -> list[PartialDate | None]:
    cited = {ref.target for ref in fact.references() if ref.types == ("source",)}
    return [d for s in cited if (source := kb.sources.get(s)) for d in _own_dates(source)]


def _from_data(kb: KnowledgeBase, fact: Fact) -> PartialDate | None:
    """A briefing's own date; for a fact, the latest of its own dates and those of the sources it cites."""
    dates = _own_dates(fact) if isinstance(fact, Briefing) else _own_dates(fact) + _source_dates(kb, fact)
    known = [d for d in dates if d is not None]
    return max(known, key=lambda d: d.sort_key()) if known else None


def last_changed(kb: KnowledgeBase, fact: Fact) -> PartialDate | None:
    """When the page of `fact` last changed: the day of its last commit in git (a commit date, never the clock);
    without that, the dates of its data."""
    commit = kb.history.last_changed(fact.id)
    return commit.day if commit is not None else _from_data(kb, fact)


# -- What a page's citation says --------------------------------------------------------------------------------


def of_fact(kb: KnowledgeBase, fact: Fact) -> PageCitation:
    authors = list(fact.authors) if isinstance(fact, Briefing) else []
    return PageCitation(fact.id, label(kb, fact), BY_NAME[fact.TYPE].title.lower(), last_changed(kb, fact), authors)


def of_series(kb: KnowledgeBase, actor_id: str, metric: str, figures: list[Figure]) -> PageCitation:
    changed = [d for f in figures if (d := last_changed(kb, f)) is not None]
    return PageCitation(
        f"{actor_id}-{metric}",
        series_title(kb, actor_id, metric),
        "figure series",
        max(changed, key=lambda d: d.sort_key()) if changed else None,
    )


def _highwire_date(date: PartialDate) -> str:
    """A date as Highwire's citation_publication_date gives it: 2025/09/19, 2025/09 or 2025."""
    return date.iso().replace("-", "/")


def front_matter(c: PageCitation, page: str, site: Site) -> list[str]:
    """The `citation:` mapping of the page's front matter: Highwire Press fields without their prefix, in
    plain text (the theme override escapes them for HTML)."""
    lines = ["citation:", f"  title: {yaml_string(c.title)}", "  author:"]
    lines += [f"    - {yaml_string(a)}" for a in c.authors or [site.name]]  # a fact's author is the site
    if c.changed:
        lines.append(f"  publication_date: {yaml_string(_highwire_date(c.changed))}")
    lines.append(f"  publisher: {yaml_string(site.name)}")
    if address := site.address(page):
        lines.append(f"  public_url: {yaml_string(address)}")
    return lines


_BIBTEX_SPECIAL = re.compile(r"[\\{}%&$#_^~]")
_BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def bibtex_text(text: str) -> str:
    """Plain text inside a braced BibTeX field: LaTeX's special characters escaped, braces balanced, one line."""
    flat = " ".join(text.split())
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES.get(m[0], "\\" + m[0]), flat)


def bibtex(c: PageCitation, page: str, site: Site) -> str:
    # Authors and the site are braced whole: they are names as given, not "Last, First" to be split.
    authors = " and ".join(f"{{{bibtex_text(a)}}}" for a in (c.authors or [site.name]))
    fields = [
        ("author", authors),
        ("title", f"{{{bibtex_text(c.title)}}}"),
        ("howpublished", f"{bibtex_text(site.name)}, {bibtex_text(c.kind)}"),
    ]
    if c.changed:
        fields.append(("year", str(c.changed.year)))
        fields.append(("note", f"Last changed {c.changed.human()}"))
    if address := site.address(page):
        fields.append(("url", address))  # percent-encoded by `url`: no brace or space left in it
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{c.key},\n{body}\n}}"


def text(c: PageCitation, site: Site) -> str:
    """The citation as a reader writes it, without the address: authors (none for a fact: the site is named
    after the title), title, site, kind, last change."""
    by = f"{', '.join(c.authors)}. " if c.authors else ""
    changed = f", last changed {c.changed.human()}" if c.changed else ""
    return f"{by}“{c.title}”. {site.name}, {c.kind}{changed}."


def block(c: PageCitation, page: str, site: Site) -> str:
    """The "Cite this" section of a page: its heading joins the table of contents; the citation and the BibTeX
    entry are HTML the search index leaves out (they would put the site's name on every page's results). The
    entry's line breaks are character references, so that no Markdown step can touch the preformatted text."""
    entry = "&#10;".join(html.escape(line) for line in bibtex(c, page, site).split("\n"))
    return templates.render("_cite.md.j2", text=text(c, site), address=site.address(page), bibtex=Safe(entry))


def add(page_text: str, c: PageCitation, page: str, site: Site) -> str:
    """`page_text` with the citation in its front matter and the "Cite this" block at its end."""
    assert page_text.startswith("---\n"), "every citable page opens with front matter"
    end = page_text.index("\n---\n", 3)
    head = page_text[: end + 1] + "\n".join(front_matter(c, page, site)) + "\n"
    return head + page_text[end + 1 :].rstrip("\n") + "\n\n" + block(c, page, site)


# -- The data downloads' citation file -------------------------------------------------------------------------


_CFF_TYPES = {"article": "article", "report": "report", "dataset": "data", "book": "book", "web-page": "website"}
"""Our source types as CFF reference types; the rest are "generic"."""


def cff(kb: KnowledgeBase, site: Site) -> str:
    """CITATION.cff (Citation File Format 1.2.0) for the data downloads: the knowledge base as a dataset, by
    the authors of its briefings (else the site), released at its latest date, with the sources it draws on."""
    authors = sorted({a for b in kb.briefings.values() for a in b.authors}) or [site.name]
    changed = [d for fact in kb.all_facts() if (d := last_changed(kb, fact)) is not None]
    newest = max(changed, key=lambda d: d.sort_key()) if changed else None
    lines = [
        "# Generated by kb build from the data; do not edit.",
        "cff-version: 1.2.0",
        f"message: {yaml_string('If you use these data, please cite them as below.')}",
        "type: dataset",
        f"title: {yaml_string(f'{site.name}: data')}",
        "authors:",
        *(f"  - name: {yaml_string(a)}" for a in authors),
    ]
    if newest is not None and newest.precision == 3:
        lines.append(f"date-released: {yaml_string(newest.iso())}")
    if address := site.address("downloads/index.md"):
        lines.append(f"url: {yaml_string(address)}")
    sources = sorted(kb.sources.values(), key=lambda s: s.id)
    if sources:
        lines.append("references:")
    for s in sources:
        lines += [f"  - type: {yaml_string(_CFF_TYPES.get(s.type, 'generic'))}"]
        lines += [f"    title: {yaml_string(s.title)}"]
        # CFF needs an author: a source that names none is credited to its publisher.
        names = s.authors or [s.publisher or "anonymous"]
        lines += ["    authors:", *(f"      - name: {yaml_string(a)}" for a in names)]
        if s.published:
            lines.append(f"    year: {s.published.year}")
        if s.url and (link := url(s.url)):
            lines.append(f"    url: {yaml_string(link)}")
    return "\n".join(lines) + "\n"
