"""The spending page: actors compared on each money metric (shares of GDP, amounts), latest
measured value beside the latest planned one, as a chart and a table."""

from __future__ import annotations

from kb.core.facts import Figure
from kb.core.facttypes import series_page
from kb.core.model import KnowledgeBase
from kb.site.render import templates
from kb.site.render.charts import Bar, bar_chart
from kb.site.render.links import Linker
from kb.site.render.text import PLANNED, figure_period, figure_value, metric_words, unit_words

MONEY_UNITS = frozenset({"percent-of-gdp", "eur", "usd"})


def is_spending(metric: str, figures: list[Figure]) -> bool:
    return any(f.unit in MONEY_UNITS for f in figures) or any(w in metric for w in ("spending", "budget", "aid"))


def _latest(figs: list[Figure], planned: bool) -> Figure | None:
    chosen = [f for f in figs if (f.status in PLANNED) == planned]
    return chosen[-1] if chosen else None


def render(kb: KnowledgeBase) -> str:
    ln = Linker(kb, "spending.md")
    metrics: dict[str, dict[str, list[Figure]]] = {}
    for (actor_id, metric), figs in kb.series().items():
        metrics.setdefault(metric, {})[actor_id] = figs
    sections = []
    for metric, by_actor in sorted(metrics.items()):
        if not is_spending(metric, [f for figs in by_actor.values() for f in figs]):
            continue
        rows, chart_rows, described = [], [], []
        for actor_id, figs in sorted(
            by_actor.items(), key=lambda kv: (kb.actors[kv[0]].name if kv[0] in kb.actors else kv[0]).casefold()
        ):
            name = kb.actors[actor_id].name if actor_id in kb.actors else actor_id
            actual, planned = _latest(figs, False), _latest(figs, True)
            bars = [Bar(f.value, f.status, f.qualifier) for f in (actual, planned) if f]
            chart_rows.append((name, bars))
            described.append(
                f"{name}: "
                + ", ".join(f"{figure_value(f)} ({figure_period(f)}, {f.status})" for f in (actual, planned) if f)
            )
            rows.append(
                dict(
                    actor=ln.to(actor_id),
                    series=ln.page_link("series", series_page(actor_id, metric)),
                    actual=ln.to(actual, f"{figure_value(actual)} ({figure_period(actual)})") if actual else "",
                    planned=ln.to(planned, f"{figure_value(planned)} ({figure_period(planned)}, {planned.status})")
                    if planned
                    else "",
                )
            )
        title = f"{metric_words(kb, metric)[:1].upper()}{metric_words(kb, metric)[1:]}"
        description = (
            f"Horizontal bar chart comparing actors on {metric_words(kb, metric)}: " + "; ".join(described) + "."
        )
        units = sorted({f.unit for figs in by_actor.values() for f in figs})
        sections.append(
            dict(
                title=title,
                rows=rows,
                caption=description,
                chart=bar_chart(
                    f"compare-{metric}", title, description, chart_rows, " / ".join(unit_words(u) for u in units)
                ),
            )
        )
    return templates.render("spending.md.j2", sections=sections)
