"""Source pages: the bibliographic record, the editors' grade with their reason, and everything that cites
the source, grouped by type, each with its locator (and the credibility the editors give what is cited)."""

from __future__ import annotations

from dataclasses import dataclass

from kb.core.facts import Briefing, Source
from kb.core.facttypes import BY_NAME, names, page_of
from kb.core.model import KnowledgeBase
from kb.site.render import history, templates
from kb.site.render.backlinks import pairs
from kb.site.render.citations import grade
from kb.site.render.escape import Safe, md_text, url
from kb.site.render.links import GRADES, Linker
from kb.site.render.more import Section, cut
from kb.site.render.text import label, shown


@dataclass(frozen=True)
class Citer:
    link: Safe
    locators: Safe
    sentence: Safe | None = None


def path(source: Source) -> str:
    return page_of(source)


def published(source: Source) -> str:
    """The publication date, said as inferred when it is."""
    if source.published is None:
        return ""
    if source.published_end and source.published_end != source.published:
        text = f"between {source.published.human()} and {source.published_end.human()}"
    else:
        text = source.published.human()
    return f"{text} (inferred from its content; not printed in the source)" if source.published_inferred else text


def citers(kb: KnowledgeBase, source: Source, ln: Linker) -> dict[str, list[Citer]]:
    """Facts and briefings citing the source, grouped by type, each with its locators."""
    groups: dict[str, dict[str, list[str]]] = {t: {} for t in names()}
    sentences: dict[str, list[tuple[str, str]]] = {}
    credibility = {
        (fact.id, c.locator): c.credibility
        for ref in kb.cited_by.get(source.id, ())
        if not isinstance(fact := ref.origin, Briefing)
        for c in fact.sources
        if c.source == source.id and c.credibility is not None
    }
    for ref in kb.cited_by.get(source.id, ()):
        if ref.locator is None and not isinstance(ref.origin, Briefing):
            continue
        locs = groups[ref.origin.TYPE].setdefault(ref.origin.id, [])
        if ref.locator and ref.locator not in locs:
            locs.append(ref.locator)
        if isinstance(ref.origin, Briefing) and ref.context:
            sentences.setdefault(ref.origin.id, []).append((ref.locator or "", ref.context))
    out: dict[str, list[Citer]] = {}
    for fact_type, ids in groups.items():
        rows = []
        for fid, locs in sorted(ids.items(), key=lambda kv: label(kb, kb.facts[fact_type][kv[0]]).casefold()):
            if fact_type == "briefing":
                for loc, sentence in sentences.get(fid, []):
                    rows.append(Citer(ln.to(fid), md_text(loc), md_text(sentence)))
            else:
                # The page gives the source's own grade once; a row adds it only with the credibility of what is cited.
                graded = [(md_text(loc), credibility.get((fid, loc))) for loc in locs]
                shown_locs = [f"{loc}, graded {grade(ln, source.id, c)}" if c else loc for loc, c in graded]
                rows.append(Citer(ln.to(fid), Safe("; ".join(shown_locs))))
        if rows:
            out[BY_NAME[fact_type].plural] = rows
    return out


def lists(kb: KnowledgeBase, source: Source, ln: Linker) -> dict[str, Section]:
    """The page's lists that grow with the knowledge base, for the page `ln` links from."""
    return {"citations": Section("Cited by", "citer_items", pairs(citers(kb, source, ln)))}


def render(kb: KnowledgeBase, source: Source) -> str:
    ln = Linker(kb, path(source))
    link = url(source.url) if source.url else None
    archive = url(source.archive_url) if source.archive_url else None
    return templates.render(
        "source.md.j2",
        history=history.panel(kb, source, ln),
        s=source,
        kind=shown("source", "type", source.type),
        published=published(source),
        retrieved=source.retrieved.human() if source.retrieved else "",
        reliability=shown("source", "reliability", source.reliability) if source.reliability else "",
        scales=ln.page_link("how we grade", GRADES),
        link=Safe(f"<{link}>") if link else None,
        archive=Safe(f"<{archive}>") if archive else None,
        cited=cut(source, "citations", lists(kb, source, ln)["citations"], ln),
    )
