"""Briefing pages: the prose with fact links resolved, citations as footnotes, judgements marked.

Briefing prose is Markdown written by editors, with these limits so that no markup can be
injected: raw HTML is shown literally (`<` is escaped outside code), and a link must be a fact
link (`[text](event:id)`), a source citation (`[text](source:id "para 4")`) or a relative link;
a link with any other scheme (`javascript:`, `data:` ...) is shown as plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb import yardstick
from kb.model import FACT_KINDS, JUDGEMENT, LINK, Briefing, Event, Figure, KnowledgeBase
from kb.render.escape import Safe, md_text
from kb.render.links import YARDSTICK, Linker, md_link, page_of
from kb.render.text import KIND_NAMES, PLURALS, date_span, figure_period, human_date, hover, label
from kb.render import templates

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)(?<!`)\1(?!`)", re.S)
_OTHER_LINK = re.compile(r"(!?)\[(?P<label>[^\[\]]*)\]\((?P<target>[^)\s]*)(?P<rest>[^)]*)\)")
_REF_DEFINITION = re.compile(r"^([ \t]{0,3})\[([^\]]+)\]:[ \t]*<?(\S+?)>?(?=\s|$)", re.M)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
CITED_ORDER = ("event", "actor", "place", "figure", "source")
BOOST = 3
"""Search boost for briefings, over other pages that match only in their text."""
SEARCH_NAME_KINDS = ("actor", "place")
"""Briefings are also found by the names of the actors and places they cite, so that a search for
a name ranks them above the fact pages. Aliases and ids are left to the fact's own page, so that
those searches land there first."""


def search_names(kb: KnowledgeBase, briefing: Briefing) -> list[str]:
    names = {fact.label for ref in briefing.references() if ref.where is None and ref.kinds[0] in SEARCH_NAME_KINDS
             and (fact := kb.get(ref.target)) is not None and fact.KIND == ref.kinds[0]}
    return sorted(names)


@dataclass
class _Footnotes:
    """Numbered source citations: the same source and locator share one note."""

    linker: Linker
    numbers: dict[tuple[str, str], int]

    def mark(self, source_id: str, locator: str) -> str:
        key = (source_id, " ".join(locator.split()))
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
        return f"[^src-{self.numbers[key]}]"

    def definitions(self) -> list[str]:
        lines = []
        for (source_id, locator), n in self.numbers.items():
            where = f", {md_text(locator)}" if locator else ""
            lines.append(f"[^src-{n}]: {self.linker.to(source_id)}{where}.")
        return lines


def _blocks(body: str) -> list[tuple[bool, str]]:
    """Split `body` into (is_fenced_code, text) runs."""
    out: list[tuple[bool, str]] = []
    prose: list[str] = []
    fence: str | None = None
    code: list[str] = []
    for line in body.splitlines(keepends=True):
        m = _FENCE.match(line)
        if fence is None and m:
            out.append((False, "".join(prose)))
            prose, fence, code = [], m[1][0] * len(m[1]), [line]
        elif fence is not None:
            code.append(line)
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                out.append((True, "".join(code)))
                fence, code = None, []
        else:
            prose.append(line)
    if fence is not None:
        out.append((True, "".join(code)))
    out.append((False, "".join(prose)))
    return [r for r in out if r[1]]


def _judgement(m: re.Match[str], page: str) -> str:
    words = m["term"]
    known = yardstick.term(words)  # the checker's own reading: "Probable" is "likely"
    link = md_link(words, YARDSTICK, page)
    rng = f"({known.band})" if known else "(not a yardstick term)"
    return f'!!! judgement {known.slug if known else "unknown"} "Judgement: {link} {md_text(rng)}"'


def _prose(text: str, kb: KnowledgeBase, linker: Linker, notes: _Footnotes) -> str:
    spans: list[str] = []

    def keep(m: re.Match[str]) -> str:  # code spans are left exactly as written
        spans.append(m[0])
        return f"\x00{len(spans) - 1}\x00"

    text = _CODE_SPAN.sub(keep, text.replace("\x00", ""))
    text = text.replace("<", "&lt;")

    def fact_link(m: re.Match[str]) -> str:
        kind, target = m["kind"], m["target"]
        fact = kb.get(target)
        if kind not in FACT_KINDS or fact is None or fact.KIND != kind:
            return md_text(m["label"])
        if kind == "source":
            return f"{m['label']}{notes.mark(target, m['locator'] or '')}"
        return md_link(Safe(m["label"]), page_of(fact), linker.page, hover(kb, fact))

    def other_link(m: re.Match[str]) -> str:
        if _SCHEME.match(m["target"]) and not m["target"].lower().startswith(("http://", "https://")):
            return md_text(m[0])
        return m[0]

    def definition(m: re.Match[str]) -> str:
        if _SCHEME.match(m[3]) and not m[3].lower().startswith(("http://", "https://")):
            return m[1] + "&#91;" + m[2] + "&#93;:"  + md_text(m[3])
        return m[0]

    text = LINK.sub(fact_link, text)
    # Fact links are now relative links without a scheme; anything else with a scheme is neutralised.
    text = _OTHER_LINK.sub(other_link, text)
    text = _REF_DEFINITION.sub(definition, text)
    text = JUDGEMENT.sub(lambda m: _judgement(m, linker.page), text)
    return re.sub("\x00([0-9]+)\x00", lambda m: spans[int(m[1])], text)


def body_markdown(kb: KnowledgeBase, briefing: Briefing, linker: Linker) -> tuple[str, list[str]]:
    """The briefing body as site Markdown, and the footnote definitions for its citations."""
    notes = _Footnotes(linker, {})
    parts = [text if is_code else _prose(text, kb, linker, notes) for is_code, text in _blocks(briefing.body)]
    return "".join(parts).strip("\n"), notes.definitions()


@dataclass(frozen=True)
class CitedFact:
    link: Safe
    kind: str
    when: str


def facts_cited(kb: KnowledgeBase, briefing: Briefing, linker: Linker) -> dict[str, list[CitedFact]]:
    """Every fact the briefing links to, grouped by type, in order of first mention."""
    groups: dict[str, dict[str, CitedFact]] = {kind: {} for kind in CITED_ORDER}
    for ref in briefing.references():
        fact = kb.get(ref.target)
        if ref.field != "text" or fact is None or fact.id in groups[fact.KIND]:
            continue
        if isinstance(fact, Figure):
            when = figure_period(fact)
        elif isinstance(fact, Event):
            when = date_span(fact.date, fact.end, fact.approximate)
        else:
            when = human_date(getattr(fact, "date", None) or getattr(fact, "published", None))
        groups[fact.KIND][fact.id] = CitedFact(linker.to(fact), KIND_NAMES[fact.KIND], when)
    return {PLURALS[k]: list(v.values()) for k, v in groups.items() if v}


def path(briefing: Briefing) -> str:
    return page_of(briefing)


def render(kb: KnowledgeBase, briefing: Briefing) -> str:
    page = path(briefing)
    linker = Linker(kb, page, hover=True)
    body, footnotes = body_markdown(kb, briefing, linker)
    return templates.render(
        "briefing.md.j2", b=briefing, boost=BOOST, date=human_date(briefing.date), body=Safe(body),
        footnotes=[Safe(f) for f in footnotes], cited=facts_cited(kb, briefing, linker),
        hover=hover(kb, briefing), label=label(kb, briefing), search_names=search_names(kb, briefing),
    )
