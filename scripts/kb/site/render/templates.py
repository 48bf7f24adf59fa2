"""The Jinja environment for page templates: Markdown out, every printed value escaped by default."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

from kb.core import facttypes
from kb.core.dates import PartialDate
from kb.core.facttypes import FACT_TYPES, FactType
from kb.site.render.escape import Safe, finalize, html_text, md_text, yaml_string


def joined(items: list[object], sep: str = ", ") -> Safe:
    """Join values for display: Safe ones (links) as they are, plain text escaped."""
    return Safe(sep.join(str(x) if isinstance(x, Safe) else str(md_text(x)) for x in items))


ENTITY_BOOST = 5
"""Material's search boost of an actor's or place's page, above a briefing's (render.briefing.BOOST, 3),
which carries the same name among the names it cites: the entity's own page first, the briefings next."""


def front_matter(
    title: str,
    boost: float | None = None,
    description: str | None = None,
    names: list[str] | None = None,
    fact_type: str | None = None,
    when: PartialDate | None = None,
    ids: list[str] | None = None,
    cites: list[str] | None = None,
    unsearched: bool = False,
) -> Safe:
    """YAML front matter: the page title (HTML-escaped, as the theme prints it raw), what search finds
    the page by and how it ranks it, and what its results can be filtered by.

    `names`: the page's own names (an actor's name and aliases), which put it first for them; `ids`: its
    fact ids; `cites`: the names a briefing cites, which put it right after those names' own pages;
    `fact_type` (a name of kb.core.facttypes, shown by its title) and the year of `when`: the filters.
    Pagefind reads them as the theme override prints them (overrides/partials/kb-search-facets.html:
    own names weighted above cited ones, ids as plain words). Material's search (the offline edition)
    reads all three as `tags`, which it weighs a thousand times a title (without its tags plugin the theme
    does not show them), and `boost`. `unsearched`: the page is left out of search (a log of changes would
    answer every name): Material's search leaves it out whole; for Pagefind its template marks its body
    `data-search-exclude`, so only its title is found."""
    lines = ["---", f"title: {yaml_string(html_text(title))}"]
    if description:
        lines.append(f"description: {yaml_string(html_text(description))}")
    tags = [*(names or ()), *(ids or ()), *(cites or ())]
    if tags:
        lines.append(f"tags: {_yaml_list(tags)}")
    if unsearched:
        lines += ["search:", "  exclude: true"]
    elif boost is not None:
        lines += ["search:", f"  boost: {boost:g}"]
    if names:
        lines.append(f"search_names: {_yaml_list(names)}")
    if ids:
        lines.append(f"search_ids: {_yaml_list(ids)}")
    if cites:
        lines.append(f"search_cites: {_yaml_list(cites)}")
    if fact_type is not None:
        lines += ["search_filters:", f"  type: {yaml_string(facttypes.BY_NAME[fact_type].title)}"]
        if when is not None:
            lines.append(f'  year: "{when.year:04d}"')
    lines.append("---")
    return Safe("\n".join(lines))


def _yaml_list(values: list[str]) -> str:
    return f"[{', '.join(yaml_string(html_text(v)) for v in values)}]"


def name_of(fact_type: FactType) -> str | None:
    """The name its page template is loaded by (its file name, for a template outside the package)."""
    template = fact_type.template
    return template.name if isinstance(template, Path) else template


def environment() -> Environment:
    """The environment for the templates of the package and of the fact types whose templates live elsewhere."""
    return _environment(tuple(sorted({t.template.parent for t in FACT_TYPES if isinstance(t.template, Path)})))


@cache  # by folder: a fact type added at run time with a template of its own (a test's) gets its folder read
def _environment(folders: tuple[Path, ...]) -> Environment:
    env = Environment(
        # the package's templates first: a fact type's own template cannot stand in for one of them
        loader=ChoiceLoader([PackageLoader("kb.site.render", "templates"), FileSystemLoader(folders)]),
        autoescape=True,  # `finalize` escapes first (Markdown and HTML), so nothing is double-escaped;
        # with autoescape on, macros return markup, and only Safe values pass unescaped
        finalize=finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["front_matter"] = front_matter
    env.globals["entity_boost"] = ENTITY_BOOST
    env.filters["joined"] = joined
    env.filters["html"] = html_text
    return env


def render(template: str, **context: Any) -> str:
    """Render `template` with `context`; collapse runs of blank lines so pages diff cleanly."""
    text = environment().get_template(template).render(**context)
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
