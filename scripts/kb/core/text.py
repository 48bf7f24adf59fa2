"""Plain-text helpers every layer writes with: one home for each, so the reports, the reference pages
and the site agree."""

from __future__ import annotations

import re
import unicodedata
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


ID_MAX = 60
"""Ids from titles are cut (at a hyphen) to this length; the schema allows 80 for hand-picked ones."""

_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "ø": "o",
        "Ø": "o",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
        "&": " and ",
    }
)


def slug(text: str, max_len: int = ID_MAX) -> str:
    """A lowercase id from a title: accents dropped, anything else between words becomes one hyphen.

    >>> slug("Narva–Ivangorod: bridge closed (2024)")
    'narva-ivangorod-bridge-closed-2024'
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = "".join("" if unicodedata.combining(ch) else ch if ch.isascii() else " " for ch in decomposed)
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for w in words:
        candidate = f"{out}-{w}" if out else w
        if len(candidate) > max_len:
            break
        out = candidate
    return out or (words[0][:max_len] if words else "")
