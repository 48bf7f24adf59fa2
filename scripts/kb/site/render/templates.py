"""The Jinja environment for page templates: Markdown out, every printed value escaped by default."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

from kb.core.facttypes import FACT_TYPES, FactType
from kb.site.render.escape import Safe, finalize, html_text, md_text, yaml_string


def joined(items: list[object], sep: str = ", ") -> Safe:
    """Join values for display: Safe ones (links) as they are, plain text escaped."""
    return Safe(sep.join(str(x) if isinstance(x, Safe) else str(md_text(x)) for x in items))


def front_matter(
    title: str,
    boost: float | None = None,
    description: str | None = None,
    search_names: list[str] | None = None,
    unsearched: bool = False,
) -> Safe:
    """YAML front matter: the page title (HTML-escaped, as the theme prints it raw), search boost, and
    names the page is found by. Material's search weighs `tags` a thousand times a title; without
    its tags plugin the theme does not show them, so they only rank the page for those names.
    `unsearched`: the page is left out of search (a log of changes would answer every name)."""
    lines = ["---", f"title: {yaml_string(html_text(title))}"]
    if description:
        lines.append(f"description: {yaml_string(html_text(description))}")
    if search_names:
        lines.append(f"tags: [{', '.join(yaml_string(html_text(n)) for n in search_names)}]")
    if unsearched:
        lines += ["search:", "  exclude: true"]
    elif boost is not None:
        lines += ["search:", f"  boost: {boost:g}"]
    lines.append("---")
    return Safe("\n".join(lines))


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
