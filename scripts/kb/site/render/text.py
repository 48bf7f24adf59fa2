"""Words for readers: dates at their real precision, figure values with qualifier and unit,
labels for categories, roles and statuses. Pure functions, no markup."""

from __future__ import annotations

from kb.core.dates import PartialDate
from kb.core.facts import Actor, Assessment, Event, Fact, Figure, Source
from kb.core.facttypes import BY_NAME
from kb.core.model import KnowledgeBase
from kb.core.schema import display

PLANNED = frozenset({"planned", "target", "pledge", "guideline"})
"""Statuses of values that are not (yet) measured: drawn hollow in charts."""


def shown(fact_type: str, field: str, value: str) -> str:
    """An allowed value in reader's words, as the schema's `x-display` gives them ('military unit')."""
    return display(fact_type, field, value)


_ACRONYMS = {"gdp": "GDP", "nato": "NATO", "eu": "EU", "us": "US", "uk": "UK", "un": "UN", "lng": "LNG"}


def words(slug: str) -> str:
    """A slug in reader's words: 'defence-spending-share-of-gdp' -> 'defence spending share of GDP'."""
    return " ".join(_ACRONYMS.get(w, w) for w in slug.split("-"))


def metric_words(kb: KnowledgeBase, metric: str) -> str:
    """A metric slug in reader's words, names capitalised as the knowledge base spells them:
    'aid-to-ukraine-share-of-gdp' -> 'aid to Ukraine share of GDP'."""
    from kb.site.render.relations import relations

    proper = relations(kb).proper_words
    return " ".join(proper.get(w, w) for w in words(metric).split(" "))


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def human_date(date: PartialDate | None, approximate: bool = False) -> str:
    """'2025', 'September 2025' or '19 September 2025'; 'about ...' when approximate; '' when unknown."""
    if date is None:
        return ""
    return f"about {date.human()}" if approximate else date.human()


def date_span(start: PartialDate | None, end: PartialDate | None, approximate: bool = False) -> str:
    """A date or a range, never more precise than the data."""
    if end is None or (start is not None and end == start):
        return human_date(start, approximate)
    return f"{human_date(start, approximate)} to {end.human()}"


def event_when(event: Event) -> str:
    """When an event happened, as its source dates it: '2025', 'about 2015', or for an event the source
    gives no date: 'undated, 2014 or later', 'undated, between 2014 and 2025', 'undated'."""
    if not event.undated:
        return date_span(event.date, event.end, event.approximate)
    low, high = event.not_before, event.not_after
    if low and high:
        return f"undated, between {low.human()} and {high.human()}"
    if low:
        return f"undated, {low.human()} or later"
    if high:
        return f"undated, {high.human()} or earlier"
    return "undated"


def period_words(start: PartialDate | None, end: PartialDate | None, former: bool = False) -> str:
    """When a role or membership held: 'since 2004', '2019 to 2024', 'until 2024', 'formerly'."""
    if start and end:
        return f"{start.human()} to {end.human()}"
    if start:
        return f"from {start.human()}, since ended" if former else f"since {start.human()}"
    if end:
        return f"until {end.human()}"
    return "formerly" if former else ""


def number(value: float) -> str:
    """2.1 -> '2.1', 3.0 -> '3', 1500000 -> '1,500,000': as stated, never rounded."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.10g}"


_VALUE_SHAPES = {
    "percent-of-gdp": "{}% of GDP",
    "percent": "{}%",
    "count": "{}",
    "ratio": "{}×",
    "eur": "€{}",
    "usd": "${}",
}
"""Units written around the number; any other unit follows it in words ('12 minutes')."""


def with_unit(value: float, unit: str) -> str:
    n = number(value)
    shape = _VALUE_SHAPES.get(unit)
    return shape.format(n) if shape else f"{n} {unit_words(unit)}"


def unit_words(unit: str) -> str:
    return display("figure", "unit", unit)


def figure_value(fig: Figure) -> str:
    """The value as the source hedges it: 'about 2.1% of GDP', 'at least 3% of GDP'."""
    text = with_unit(fig.value, fig.unit)
    return f"{display('figure', 'qualifier', fig.qualifier)} {text}" if fig.qualifier else text


def figure_period(fig: Figure) -> str:
    """When a figure's value holds: '2024', '2023 to 2025', 'since 2013', or 'total up to 2025' for a running
    total (never read as that year's value alone)."""
    if fig.cumulative:
        return f"total up to {human_date(fig.period)}"
    if fig.ongoing:
        return f"since {human_date(fig.period)}"
    return date_span(fig.period, fig.period_end)


def series_title(kb: KnowledgeBase, actor_id: str, metric: str) -> str:
    actor = kb.actors.get(actor_id)
    return f"{actor.name if actor else actor_id}: {metric_words(kb, metric)}"


def figure_label(kb: KnowledgeBase, fig: Figure) -> str:
    """A figure's own title, or one made from its series, period and status."""
    if fig.title:
        return fig.title
    return (
        f"{series_title(kb, fig.actor, fig.metric)}, {figure_period(fig)} ({display('figure', 'status', fig.status)})"
    )


VERBS = {"judgement": "judges", "position": "holds", "prescription": "argues", "claim": "claims"}
"""How each kind of assessment is reported: "<holder> judges that <statement>"."""


def holder_name(kb: KnowledgeBase, assessment: Assessment) -> str:
    actor = kb.actors.get(assessment.holder)
    return actor.name if actor else assessment.holder


def reported(assessment: Assessment) -> str:
    """What an assessment's holder is reported to hold: 'judges that more cuts may come.'"""
    return f"{VERBS.get(assessment.kind, 'holds')} that {assessment.statement.strip().rstrip('.')}."


def attributed(kb: KnowledgeBase, assessment: Assessment) -> str:
    """An assessment as reported speech, always naming whose view it is: 'Ada Minister judges that more cuts
    may come.'"""
    return f"{holder_name(kb, assessment)} {reported(assessment)}"


def label(kb: KnowledgeBase, fact: Fact) -> str:
    """What readers call a fact."""
    if isinstance(fact, Figure):
        return figure_label(kb, fact)
    return fact.label


def hover(kb: KnowledgeBase, fact: Fact) -> str:
    """The hover text of a link to `fact`: its type, when, and what it says, in plain text."""
    kind = BY_NAME[fact.TYPE].title
    if isinstance(fact, Event):
        head = f"{kind}, {event_when(fact)}: {fact.title}."
        return f"{head} {fact.summary}"
    if isinstance(fact, Figure):
        return (
            f"{kind}: {series_title(kb, fact.actor, fact.metric)}, {figure_period(fact)}: "
            f"{figure_value(fact)} ({display('figure', 'status', fact.status)})."
        )
    if isinstance(fact, Actor):
        head = f"{kind} ({display('actor', 'kind', fact.kind)}): {fact.name}."
        return f"{head} {fact.summary}" if fact.summary else head
    if isinstance(fact, Assessment):
        hedge = f" Hedge in the source: {fact.hedge}." if fact.hedge else ""
        when = f", {human_date(fact.date)}" if fact.date else ""
        return f"{kind} ({display('assessment', 'kind', fact.kind)}){when}: {attributed(kb, fact)}{hedge}"
    if isinstance(fact, Source):
        by = f" by {', '.join(fact.authors)}" if fact.authors else ""
        when = f", {date_span(fact.published, fact.published_end)}" if fact.published else ""
        when += " (date inferred)" if fact.published and fact.published_inferred else ""
        return f"{kind}: {fact.title}{by}{when}."
    summary = getattr(fact, "summary", None)
    kind_word = getattr(fact, "kind", None)
    category = f" ({display(fact.TYPE, 'kind', kind_word)})" if kind_word else ""
    head = f"{kind}{category}: {fact.label}."
    return f"{head} {summary}" if summary else head
