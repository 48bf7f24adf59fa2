"""Escaping, in one place. The rule: text from YAML is plain text.

Every string that comes from a fact file (names, titles, summaries, notes, bases, locators) is
shown literally: it is escaped for HTML (`& < > " '`) and for Markdown (`* _ [ ] { } | \\ backtick`,
and a leading `#`, `>`, `+`, `-` or `1.` that would start a block), by turning those characters
into numeric character references. So `<script>` shows as text, `*bold*` shows its asterisks,
`[x](javascript:...)` is not a link and `{: onclick=... }` is not an attribute list.

Templates get this for free: the Jinja environment's `finalize` hook escapes every value that
is not already `Safe` (markup this package built itself, from escaped parts).
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup as Safe

from kb.core.text import url

__all__ = ["Safe", "finalize", "html_text", "link_title", "md_paragraphs", "md_text", "url", "yaml_string"]

# Characters that are Markdown (or HTML) syntax anywhere in a line.
_INLINE = {c: f"&#{ord(c)};" for c in "&<>\"'\\`*_[]{}|~^=$"}
_INLINE_TABLE = str.maketrans(_INLINE)
# Characters that are syntax only at the start of a line (headings, quotes, lists, fences).
_LEADING = re.compile(r"^(\s*)([#>+\-:]|\d+(?=[.)]))")


def md_text(text: object) -> Safe:
    """Plain text as inline Markdown that renders exactly as written (one line, spaces collapsed)."""
    flat = " ".join(str(text).split())
    escaped = flat.translate(_INLINE_TABLE)
    escaped = _LEADING.sub(lambda m: m[1] + "".join(f"&#{ord(c)};" for c in m[2]), escaped)
    return Safe(escaped)


def md_paragraphs(text: object) -> Safe:
    """Plain text as Markdown paragraphs: blank lines separate paragraphs, everything else literal."""
    paras = [p for p in re.split(r"\n\s*\n", str(text)) if p.strip()]
    return Safe("\n\n".join(md_text(p) for p in paras))


def html_text(text: object) -> Safe:
    """Plain text for raw HTML or SVG (element content or a quoted attribute value)."""
    return Safe(html.escape(" ".join(str(text).split()), quote=True))


_TITLE_TABLE = str.maketrans(_INLINE | {c: f"&#{ord(c)};" for c in "()"})


def link_title(text: object, limit: int = 280) -> Safe:
    """Plain text for the quoted title of a Markdown link: the hover text of a fact link. Every character
    that could end the title or the link (quotes, brackets, parentheses) is a character reference."""
    flat = " ".join(str(text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rsplit(" ", 1)[0] + "…"
    return Safe(flat.translate(_TITLE_TABLE))


# What a YAML reader takes literally inside double quotes: printable characters (YAML 1.1's set, which
# PyYAML and so MkDocs's front matter use), less the line breaks YAML 1.1 knows beyond LF and CR.
_YAML_LITERAL = re.compile(
    '[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]|[\\\\"]'
)
_YAML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _yaml_escape(m: re.Match[str]) -> str:
    c = m[0]
    if c in _YAML_ESCAPES:
        return _YAML_ESCAPES[c]
    if "\ud800" <= c <= "\udfff":
        return "\\ufffd"  # a lone surrogate (from a file name) is no character: shown as a replacement
    n = ord(c)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"


def yaml_string(text: object) -> str:
    """`text` as a double-quoted YAML scalar that every YAML reader gives back exactly: whatever the
    text holds, the front matter around it stays YAML (MkDocs silently drops front matter it cannot
    read, and then renders it as Markdown)."""
    return '"' + _YAML_LITERAL.sub(_yaml_escape, str(text)) + '"'


def finalize(value: object) -> object:
    """Jinja `finalize`: escape every printed value unless it is Safe markup (numbers print as-is)."""
    if value is None:
        return ""
    if isinstance(value, Safe) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    return md_text(value)
