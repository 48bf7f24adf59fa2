"""The escaping rule: text from YAML is plain text, shown exactly as written, never markup."""

from __future__ import annotations

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.site.render.escape import html_text, link_title, md_paragraphs, md_text, url

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "{{ 7*7 }} {% if x %}y{% endif %}",
    "*bold* _under_ `code` ~~strike~~ ==mark== ^^ins^^",
    '{: onclick="alert(1)" }',
    "# heading",
    "> quote",
    "- item",
    "1. item",
    "a | b | c",
    "&amp; &lt;b&gt; \\*",
    "![i](javascript:alert(1))",
]
EXTENSIONS = [
    "admonition",
    "footnotes",
    "md_in_html",
    "tables",
    "attr_list",
    "pymdownx.caret",
    "pymdownx.mark",
    "pymdownx.tilde",
]


def visible_text(html: str) -> str:
    """What a reader sees: the text of the HTML, entities decoded, no tags."""
    from html.parser import HTMLParser

    parts: list[str] = []

    class Text(HTMLParser):
        def handle_data(self, data: str) -> None:
            parts.append(data)

        def handle_starttag(self, tag: str, attrs) -> None:
            parts.append(f"<<{tag}>>")

    Text(convert_charrefs=True).feed(html)
    return "".join(parts)


@pytest.mark.parametrize("text", HOSTILE)
def test_text_renders_literally_in_markdown(text: str) -> None:
    # Even with every inline extension we might ever enable, the text comes out exactly as written.
    html = markdown.markdown(f"Before {md_text(text)} after", extensions=EXTENSIONS)
    assert visible_text(html) == f"<<p>>Before {text} after"


@pytest.mark.parametrize("text", HOSTILE)
def test_text_at_line_start_does_not_open_a_block(text: str) -> None:
    html = markdown.markdown(str(md_text(text)), extensions=EXTENSIONS)
    assert visible_text(html) == f"<<p>>{text}"


def test_paragraphs_keep_blank_lines_and_escape_each() -> None:
    html = markdown.markdown(str(md_paragraphs("one *a*\n\n<b>two</b>")))
    assert visible_text(html).replace("\n", "") == "<<p>>one *a*<<p>><b>two</b>"


def test_link_title_is_attribute_safe_and_short() -> None:
    import html as html_module

    title = link_title('He said "hi" <script> & [a](b) left ' + "x" * 400)
    assert '"' not in title and "<" not in title and "(" not in title and "]" not in title
    assert len(html_module.unescape(title)) <= 280
    html = markdown.markdown(f'[a](b.md "{title}")')
    assert html.startswith(
        '<p><a href="b.md" title="He said &#34;hi&#34; &#60;script&#62; &#38; &#91;a&#93;&#40;b&#41; left'
    )


@pytest.mark.parametrize(
    "address, expected",
    [
        ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&c=2"),
        ("http://example.org/a b(c)", "http://example.org/a%20b%28c%29"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("https:/no-host", None),
        ("http://[bad-host", None),  # once a ValueError: kb check accepted the source, kb build crashed
        ("https://a]b/c", None),
    ],
)
def test_only_http_urls_become_links(address: str, expected: str | None) -> None:
    assert url(address) == expected


def briefing_html(kb, briefing_id: str = "harbour-security") -> str:
    from kb.site.render.briefing import body
    from kb.site.render.links import Linker

    blocks, _ = body(kb, kb.briefings[briefing_id], Linker(kb, f"briefings/{briefing_id}.md"))
    return "\n\n".join(blocks)


def test_briefing_keeps_web_links_and_drops_script_links(tree) -> None:
    tree.edit(
        "briefings/harbour-security.md",
        "left [Port North]",
        "left [the port](https://example.org/port) [x](javascript:alert(1)) [Port North]",
    )
    html = briefing_html(tree.check().kb)
    assert '<a href="https://example.org/port">the port</a>' in html
    assert "javascript" not in html and " x " in html


def test_csv_cells_cannot_start_a_formula(tree) -> None:
    from kb.site.render.downloads import as_csv

    tree.edit(
        "actors/harbour-league.yaml",
        "summary: An invented alliance of coastal states.",
        'summary: \'=HYPERLINK("http://evil.example","x")\'',
    )
    tree.edit("figures/northland-defence-spending-2024.yaml", "value: 2.1", "value: -2.1")
    kb = tree.check().kb
    actors = as_csv(kb, "actor").decode()
    assert "'=HYPERLINK" in actors and ",=HYPERLINK" not in actors and '"=HYPERLINK' not in actors
    assert ",-2.1," in as_csv(kb, "figure").decode()


def test_judgement_synonym_renders_as_its_yardstick_term(tree) -> None:
    tree.edit("briefings/harbour-security.md", '!!! judgement "likely,', '!!! judgement "Probable,')
    result = tree.check()
    assert result.findings == []  # the checker accepts the synonym ...
    html = briefing_html(result.kb)  # ... and so does the page, which names the term
    assert (
        '<div class="admonition judgement likely confidence-moderate" id="judgement-more-cable-incidents-are-likely-the">'
        in html
    )
    assert 'Judgement: <a href="../about.html#likelihood-yardstick">likely</a> (55–75%), ' in html
    assert '<a href="../about.html#confidence">moderate confidence</a>' in html


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.lists(st.text(max_size=20), max_size=3),
)
@settings(max_examples=400, deadline=None)
def test_front_matter_stays_front_matter_whatever_the_text(text: str, names: list[str]) -> None:
    # Any character (DEL, C1, U+FFFE, U+2028, quotes, backslashes, '---') once made MkDocs drop the front
    # matter silently and render its lines as Markdown (issue 10, item 3): MkDocs's own reader gets it back.
    from mkdocs.utils.meta import get_data

    from kb.site.render.templates import front_matter

    page = f"{front_matter(text, 2, text, names)}\n\n# Body\n"
    body, meta = get_data(page)
    assert body.strip() == "# Body"
    assert meta["title"] == str(html_text(text)) and meta.get("description", "") == str(html_text(text))
    assert meta.get("tags", []) == [str(html_text(n)) for n in names]


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12,
)


@given(values=st.lists(VALUES, min_size=0, max_size=4))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_download_joined_from_kept_parts_is_what_one_dump_writes(values: list[object]) -> None:
    # Each fact's part of a download is kept with the fact and the file joined from the parts: byte for byte
    # what one json.dumps and one csv.writer write for the whole list, whatever the values.
    import csv
    import io
    import json
    from pathlib import Path

    from kb.core.facts import Actor
    from kb.core.loader import Document
    from kb.core.model import KnowledgeBase
    from kb.site.render.downloads import _cell, _spreadsheet_safe, as_csv, as_json, columns, record

    kb = KnowledgeBase()
    for n, value in enumerate(values):
        data = {"id": f"a{n}", "name": f"Actor {n}", "kind": "state", "summary": value, "aliases": [value, n]}
        kb.add(Actor(id=f"a{n}", doc=Document(Path(f"a{n}.yaml"), data), name=f"Actor {n}", kind="state"))
    records = [record(kb.actors[i]) for i in sorted(kb.actors)]
    assert as_json(kb, "actor") == (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    cols = [c for c in columns("actor") if c != "body"]
    writer.writerow(cols)
    for rec in records:
        writer.writerow([_spreadsheet_safe(rec.get(c), _cell(c, rec.get(c))) for c in cols])
    assert as_csv(kb, "actor") == buf.getvalue().encode()
    assert as_json(kb, "actor") == as_json(kb, "actor"), "the kept parts give the same bytes again"
