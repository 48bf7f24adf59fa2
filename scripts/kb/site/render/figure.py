"""Figure series pages: per actor and metric, a chart with the table beside it; every value with
its qualifier, status and source. A figure's own link points at its row here."""

from __future__ import annotations

from dataclasses import dataclass

from kb.core.facts import Figure
from kb.core.facttypes import series_page
from kb.core.model import KnowledgeBase
from kb.site.render import history, templates
from kb.site.render.backlinks import Mention, Quote, cited_in, mentioned_by, pairs
from kb.site.render.charts import Bar, column_chart
from kb.site.render.citations import cited
from kb.site.render.escape import Safe, md_text
from kb.site.render.links import Linker
from kb.site.render.more import Cut
from kb.site.render.text import PLANNED, figure_period, figure_value, metric_words, series_title, shown, unit_words


@dataclass(frozen=True)
class ValueRow:
    id: str
    period: str
    value: str
    status: str
    planned: bool
    sources: Safe
    note: Safe | None
    quotes: list[Quote]
    history: history.HistoryPanel


def path(actor_id: str, metric: str) -> str:
    return series_page(actor_id, metric)


def describe(kb: KnowledgeBase, figures: list[Figure]) -> str:
    """The chart in one sentence per value, for screen readers and the caption."""
    first = figures[0]
    values = "; ".join(
        f"{figure_value(f)}{', ' if f.cumulative else ' for '}{figure_period(f)} ({shown('figure', 'status', f.status)})"
        for f in figures
    )
    return f"Bar chart of {series_title(kb, first.actor, first.metric)}: {values}."


def chart(kb: KnowledgeBase, figures: list[Figure], chart_id: str) -> Safe:
    groups: dict[str, list[Bar]] = {}
    for f in figures:
        groups.setdefault(figure_period(f), []).append(Bar(f.value, f.status, f.qualifier))
    units = sorted({f.unit for f in figures})
    return column_chart(
        chart_id,
        series_title(kb, figures[0].actor, figures[0].metric),
        describe(kb, figures),
        list(groups.items()),
        " / ".join(unit_words(u) for u in units),
    )


def render(kb: KnowledgeBase, actor_id: str, metric: str, figures: list[Figure]) -> str:
    page = path(actor_id, metric)
    ln = Linker(kb, page)
    rows = []
    for f in figures:
        sources = Safe("; ".join(cited(ln, c) for c in f.sources))
        notes = [x for x in (f.note, f"disputed: {f.disputed}" if f.disputed else None) if x]
        rows.append(
            ValueRow(
                f.id,
                figure_period(f),
                figure_value(f),
                shown("figure", "status", f.status),
                f.status in PLANNED,
                sources,
                md_text("; ".join(notes)) if notes else None,
                cited_in(kb, f.id, ln),
                history.panel(kb, f, ln),
            )
        )
    ids = {f.id for f in figures}
    mentions: dict[str, list[Mention]] = {}
    for f in figures:
        for group, items in mentioned_by(kb, f.id, ln, exclude=ids).items():
            mentions.setdefault(group, []).extend(m for m in items if m not in mentions.get(group, []))
    title = series_title(kb, actor_id, metric)
    return templates.render(
        "figure.md.j2",
        title=title,
        actor=ln.to(actor_id),
        metric=metric_words(kb, metric),
        chart=chart(kb, figures, f"chart-{actor_id}-{metric}"),
        caption=describe(kb, figures),
        rows=rows,
        mentions=Cut(pairs(mentions), None),
        ids=sorted(ids),
        history_note=history.status_note(kb),
    )
