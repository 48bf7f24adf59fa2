"""Plain-text helpers every layer writes with: one home for each, so the reports, the reference pages
and the site agree."""

from __future__ import annotations

from urllib.parse import quote, urlsplit


def table_cell(text: object, *, raw_html: bool = False) -> str:
    """`text` as the cell of a Markdown table: on one line, its pipes escaped so they do not split the row;
    with `raw_html`, its `<` too, for text that is data rather than our own Markdown."""
    cell = " ".join(str(text).split()).replace("|", "\\|")
    return cell.replace("<", "&lt;") if raw_html else cell


def url(address: str) -> str | None:
    """An http(s) URL made safe for a Markdown link target, or None for any other scheme, or for an
    address that is no URL at all (a host with an unbalanced `[`, which urlsplit refuses)."""
    try:
        parts = urlsplit(address.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return quote(address.strip(), safe=":/?#@!$&+,;=%~-._")
