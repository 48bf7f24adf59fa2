"""The strict loader: each rule with a minimal bad file, asserting rule id, file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kb.core import loader
from kb.core.loader import LoadError, load, load_front_matter, parse


@pytest.fixture(params=["libyaml", "pure-python"])
def parser(request, monkeypatch):
    """Run each loader test with the C parser and with the pure-Python fallback."""
    if request.param == "pure-python":
        monkeypatch.setattr(loader, "_Parser", yaml.loader.BaseLoader)
    elif not loader.LIBYAML:
        pytest.skip("libyaml not built into this PyYAML")
    return request.param


def fails(text: str, rule: str, line: int, tmp_path: Path, name: str = "x.yaml") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    with pytest.raises(LoadError) as info:
        load(path)
    f = info.value.finding
    assert (f.rule, f.line, f.path) == (rule, line, str(path)), f
    assert f.hint, "every loader finding carries a hint"
    return f.message


def test_scalars_do_not_surprise(parser, tmp_path):
    doc = parse(
        'a: NO\nb: 012\nc: 2024-03-05\nd: 2024\ne: 2.5\nf: true\ng: null\nh: "2024"\ni: yes\nj: ~\nk: 1e3\nl: .5\n',
        tmp_path / "x.yaml",
    )
    assert doc.data == {
        "a": "NO",
        "b": "012",
        "c": "2024-03-05",
        "d": 2024,
        "e": 2.5,
        "f": True,
        "g": None,
        "h": "2024",
        "i": "yes",
        "j": None,
        "k": 1000.0,
        "l": 0.5,
    }


def test_quoted_and_block_scalars_stay_text(parser, tmp_path):
    doc = parse("a: 'true'\nb: |\n  12\nc: >-\n  null\n", tmp_path / "x.yaml")
    assert doc.data == {"a": "true", "b": "12\n", "c": "null"}


def test_positions_of_keys_and_nested_values(parser, tmp_path):
    doc = parse(
        "id: x\nsources:\n  - source: s\n    locator: para 1\n  - {source: t, locator: 'para 2'}\n", tmp_path / "x.yaml"
    )
    assert (doc.locate(("sources", 1, "locator")).line, doc.locate(("sources", 1, "locator")).col) == (5, 26)
    assert doc.locate(("sources", 0, "locator"), key=True).line == 4
    assert doc.locate(("sources", 0, "missing")).line == 3  # falls back to the nearest existing node
    assert doc.locate(("nowhere",)).line == 1


def test_duplicate_key_names_both_lines(parser, tmp_path):
    msg = fails("id: a\ntitle: x\nid: b\n", "yaml-duplicate-key", 3, tmp_path)
    assert "line 1" in msg


def test_nested_duplicate_key(parser, tmp_path):
    fails("id: a\nsources:\n  - source: s\n    source: t\n", "yaml-duplicate-key", 4, tmp_path)


def test_anchor_alias_and_tag_are_rejected(parser, tmp_path):
    fails("id: a\nx: &anchor 1\n", "yaml-anchor", 2, tmp_path)
    fails("id: a\nx: *nothing\n", "yaml-alias", 2, tmp_path, "y.yaml")
    fails("id: a\nx: !!str 3\n", "yaml-tag", 2, tmp_path, "z.yaml")
    fails("id: a\nx: !custom 3\n", "yaml-tag", 2, tmp_path, "w.yaml")


def test_billion_laughs_is_stopped_at_the_first_anchor(parser, tmp_path):
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    fails(bomb, "yaml-anchor", 1, tmp_path)


def test_bom_and_invalid_utf8(tmp_path):
    fails(b"\xef\xbb\xbfid: a\n", "yaml-encoding", 1, tmp_path)
    msg = fails(b"id: a\ntitle: caf\xe9\n", "yaml-encoding", 2, tmp_path, "y.yaml")
    assert "0xe9" in msg


def test_oversized_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "big.yaml"
    with path.open("wb") as fh:
        fh.truncate(50_000_000)  # sparse: 50 MB on paper, nothing on disk
    with pytest.raises(LoadError) as info:
        load(path)
    assert info.value.finding.rule == "yaml-size"


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "~\n"])
def test_empty_files(parser, tmp_path, text):
    fails(text, "yaml-empty", 1, tmp_path)


@pytest.mark.parametrize("text, line", [("- a\n- b\n", 1), ("just text\n", 1), ("\n\n42\n", 3)])
def test_top_level_must_be_a_mapping(parser, tmp_path, text, line):
    fails(text, "yaml-not-mapping", line, tmp_path)


def test_tab_indentation_gets_a_tab_hint(parser, tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("id: a\nsources:\n\t- source: s\n")
    with pytest.raises(LoadError) as info:
        load(path)
    f = info.value.finding
    assert (f.rule, f.line) == ("yaml-syntax", 3)
    assert "tab" in f.hint


def test_syntax_error_points_at_the_line(parser, tmp_path):
    fails('id: a\ntitle: "unclosed\nkind: x\n', "yaml-syntax", 4, tmp_path)
    msg = fails("id: a\ntitle: Estonia: a case\n", "yaml-syntax", 2, tmp_path, "y.yaml")
    assert "syntax" in msg


def test_more_than_one_document(parser, tmp_path):
    fails("id: a\n---\nid: b\n", "yaml-multiple-documents", 2, tmp_path)


def test_complex_key_is_refused(parser, tmp_path):
    fails("? [a, b]\n: c\n", "yaml-key", 1, tmp_path)


def test_front_matter_keeps_file_line_numbers(parser, tmp_path):
    path = tmp_path / "b.md"
    path.write_text('---\ntitle: T\ndate: "2025"\n---\nFirst line of body.\n')
    doc, body, body_line = load_front_matter(path)
    assert doc.locate(("date",)).line == 3
    assert body_line == 5 and body.startswith("First line")


def test_front_matter_must_open_and_close(tmp_path):
    for text in ("title: T\n", "---\ntitle: T\n"):
        path = tmp_path / "b.md"
        path.write_text(text)
        with pytest.raises(LoadError) as info:
            load_front_matter(path)
        assert info.value.finding.rule == "briefing-front-matter"


@pytest.mark.parametrize(
    "char, name",
    [
        ("\x7f", "DEL"),
        ("\x85", "NEL"),
        ("\x9b", "control character"),
        ("\x01", "control character"),
        ("\ufffe", "noncharacter"),
        ("\uffff", "noncharacter"),
        ("\U0010fffe", "noncharacter"),
        ("\u2028", "LINE SEPARATOR"),
        ("\u202e", "bidirectional control"),
        ("\u2066", "bidirectional control"),
    ],
)
def test_invisible_characters_are_refused_where_they_stand(char, name, tmp_path):
    # DEL, C1 controls and noncharacters once made MkDocs drop a page's front matter silently (issue 10,
    # item 3); bidirectional controls disguise text in a reviewer's diff.
    message = fails(f'id: x\ntitle: "ab{char}cd"\n', "text-character", 2, tmp_path)
    assert f"U+{ord(char):04X}" in message and name in message


def test_invisible_characters_in_a_briefing_body(tmp_path):
    path = tmp_path / "b.md"
    path.write_text("---\ntitle: t\n---\nText\n\nmore \x7f here\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_front_matter(path)
    assert (info.value.finding.rule, info.value.finding.line, info.value.finding.col) == ("text-character", 6, 6)


def test_ordinary_text_is_accepted(tmp_path):
    path = tmp_path / "x.yaml"
    title = "a\ttab, a non-breaking\u00a0space, é, 😀 and a zero-width\ufeffno-break space"
    path.write_bytes(f'id: x\r\ntitle: "{title}"\r\n'.encode())
    assert load(path).data["title"] == title


@pytest.mark.parametrize(
    "escape, code", [("\\u202e", "U+202E"), ("\\x00", "U+0000"), ("\\x7f", "U+007F"), ("\\uFFFE", "U+FFFE")]
)
def test_invisible_characters_written_as_escapes_are_refused_too(parser, escape, code, tmp_path):
    message = fails(f'id: x\ntitle: "a{escape}b"\n', "text-character", 2, tmp_path)
    assert code in message and "escape" in message
