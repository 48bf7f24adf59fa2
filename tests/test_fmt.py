"""kb fmt: canonical form, never a lost comment or changed value, --check, atomic writes."""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

import pytest

from conftest import needs_shared
from kb.check.report import write_text
from kb.cli import main
from kb.core.facttypes import BY_NAME, of_path
from kb.core.findings import Finding
from kb.core.loader import LoadError, load_front_matter, parse
from kb.edit import fmt
from kb.edit.fmt import FormatError, comments, format_file, format_text, format_yaml, same

REPO = Path(__file__).resolve().parent.parent
VALID = REPO / "tests" / "fixtures" / "valid"


def fact_files() -> list[Path]:
    roots = [VALID, REPO / "tests" / "fixtures" / "site"]
    return sorted(p for r in roots for p in r.glob("*/*") if of_path(p) is not None)


def split(text: str, kind: str) -> tuple[str, str | None]:
    """(YAML, Markdown body): a briefing's front matter and body; a fact file's text and None."""
    if kind == "briefing":
        front, _, body = text[4:].partition("\n---\n")
        return front + "\n", body
    return text, None


def data_of(text: str, path: Path, kind: str):
    yaml_text, body = split(text, kind)
    return parse("\n" * (kind == "briefing") + yaml_text, path).data, body


@pytest.mark.parametrize("path", fact_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_round_trip_keeps_values_and_comments_and_is_idempotent(path: Path) -> None:
    fact_type = of_path(path)
    assert fact_type is not None
    kind = fact_type.name
    text = path.read_text("utf-8")
    out = format_text(text, fact_type, path)
    old_data, old_body = data_of(text, path, kind)
    new_data, new_body = data_of(out, path, kind)
    assert same(old_data, new_data)
    assert old_body == new_body
    assert sorted(comments(split(text, kind)[0])) == sorted(comments(split(out, kind)[0]))
    assert format_text(out, fact_type, path) == out


def copy_valid(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    return data


def snapshot(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_fmt_then_check_passes_and_second_run_changes_nothing(tmp_path: Path, capsys) -> None:
    data = copy_valid(tmp_path)
    assert main(["fmt", "--check", str(data)]) == 1
    listed = capsys.readouterr().out
    assert f"would reformat {data}/actors/ada-minister.yaml" in listed
    assert main(["fmt", str(data)]) == 0
    after = snapshot(data)
    assert main(["fmt", "--check", str(data)]) == 0
    assert "0 files would be reformatted" in capsys.readouterr().out
    assert main(["fmt", str(data)]) == 0
    assert snapshot(data) == after
    assert main(["check", str(data)]) == 0  # formatting keeps the data valid


def test_check_mode_lists_files_and_changes_nothing(tmp_path: Path, capsys) -> None:
    data = copy_valid(tmp_path)
    before = snapshot(data)
    assert main(["fmt", "--check", "--diff", str(data)]) == 1
    out = capsys.readouterr().out
    assert "would reformat" in out and "+summary: The minister asked" in out
    assert snapshot(data) == before


def test_canonical_form(tmp_path: Path) -> None:
    messy = """\
# yaml-language-server: $schema=../../scripts/kb/schemas/event.json
summary: >-
  A ship suspected of sailing in a shadow fleet cut the undersea cable between two
  harbours, and the city lost power.
# The headline, in our words.
title: 'Cable: cut'   # eol title
sources:
- locator: "para 2"
  source: "sample"
date: 2024-12
id: "cable-cut-2024"
kind: infrastructure-damage
actors:
    - actor: northland
      role: affected
places: [
  port-north, "port-south"]
related:
  - a
  - b
"""
    expected = """\
# yaml-language-server: $schema=../../scripts/kb/schemas/event.json
id: cable-cut-2024
# The headline, in our words.
title: 'Cable: cut'   # eol title
date: "2024-12"
kind: infrastructure-damage
places: [port-north, port-south]
actors:
  - {actor: northland, role: affected}
summary: >-
  A ship suspected of sailing in a shadow fleet cut the undersea cable between two
  harbours, and the city lost power.
related: [a, b]
sources:
  - {source: sample, locator: "para 2"}
"""
    assert format_yaml(messy, "event", tmp_path / "x.yaml") == expected


def test_quoting_rules_never_change_a_value(tmp_path: Path) -> None:
    text = (
        'id: "2024"\ntitle: "NO"\ndate: 2025\nkind: visit\nsummary: yes\nsources: [{source: "012", locator: para 1}]\n'
    )
    out = format_yaml(text, "event", tmp_path / "x.yaml")
    # "2024" and "012" plain would read back differently (a number, a number-like text our loader keeps),
    # an unquoted year is a number the checker reports, not something fmt may turn into text.
    assert 'id: "2024"' in out and "date: 2025" in out and "source: 012" in out
    assert same(parse(text, Path("x")).data, parse(out, Path("x")).data)


def test_long_lines_and_block_text_are_not_rewrapped(tmp_path: Path) -> None:
    long = " ".join(["word"] * 80)
    text = (
        f'id: x\ntitle: {long}\ndate: "2024"\nkind: visit\nsummary: |\n  line one\n    indented # not a comment\n'
        f"related: [{', '.join(f'event-number-{i}' for i in range(12))}]\n"
        'sources:\n  - {source: s, locator: "para 1"}\n'
    )
    out = format_yaml(text, "event", tmp_path / "x.yaml")
    assert f"title: {long}\n" in out
    assert "summary: |\n  line one\n    indented # not a comment\n" in out
    assert "related:\n  - event-number-0\n" in out  # too long for one line: block style


def test_comment_inside_a_collection_keeps_its_style_and_place(tmp_path: Path) -> None:
    text = (
        'id: x\ntitle: t\ndate: "2024"\nkind: visit\nsummary: s\nsources:\n'
        '  # the main one\n  - source: s  # checked\n    locator: "para 1"\n'
    )
    out = format_yaml(text, "event", tmp_path / "x.yaml")
    assert out == text


def test_briefing_front_matter_only(tmp_path: Path) -> None:
    body = 'Text with  odd   spacing,\n\n!!! judgement "likely"\n    key: value in the body is not YAML\n'
    text = f"---\nstatus: draft\ndate: 2025-07-01\ntitle: T\nsummary: S\n---\n{body}"
    out = format_text(text, BY_NAME["briefing"], tmp_path / "b.md")
    assert out == f'---\ntitle: T\ndate: "2025-07-01"\nsummary: S\nstatus: draft\n---\n{body}'
    path = tmp_path / "b.md"
    path.write_text(out, "utf-8")
    doc, got_body, _ = load_front_matter(path)
    assert got_body == body and doc.data["date"] == "2025-07-01"


def test_syntax_error_is_reported_like_kb_check_and_file_untouched(tmp_path: Path, capsys) -> None:
    events = tmp_path / "data" / "events"
    events.mkdir(parents=True)
    bad = events / "bad.yaml"
    bad.write_text("id: bad\ntitle: Estonia: a case\n", "utf-8")
    before = bad.read_bytes()
    assert main(["fmt", str(tmp_path / "data")]) == 1
    fmt_out = capsys.readouterr().out
    assert bad.read_bytes() == before
    main(["check", str(tmp_path / "data")])
    check_out = capsys.readouterr().out
    line = next(x for x in check_out.splitlines() if "[yaml-syntax]" in x)
    assert line in fmt_out.splitlines()
    assert "hint:" in fmt_out


def test_finding_text_matches_kb_check_report() -> None:
    f = Finding("data/events/x.yaml", 3, 7, "error", "yaml-syntax", "YAML syntax error: x", "check quoting")
    buf = io.StringIO()
    write_text([f], 1, buf)
    assert buf.getvalue().startswith(fmt.finding_text(f))


def test_refuses_rather_than_lose_a_comment(tmp_path: Path, capsys) -> None:
    events = tmp_path / "data" / "events"
    events.mkdir(parents=True)
    path = events / "x.yaml"
    # ruamel.yaml drops comments inside flow collections: fmt must notice and leave the file alone
    path.write_text(
        'id: x\ntitle: t\ndate: "2024"\nkind: visit\nsummary: s\nplaces: [a,  # first\n  b]\n'
        'sources: [{source: s, locator: "para 1"}]\n',
        "utf-8",
    )
    before = path.read_bytes()
    assert main(["fmt", str(path)]) == 1
    out = capsys.readouterr().out
    assert "[fmt-refused]" in out and "# first" in out
    assert path.read_bytes() == before


def test_refuses_when_a_value_would_change(tmp_path: Path, monkeypatch) -> None:
    real = fmt._reorder_top
    monkeypatch.setattr(
        fmt, "_reorder_top", lambda text, keys, order: real(text, keys, order).replace("para 1", "para 2")
    )
    text = 'sources: [{source: s, locator: "para 1"}]\nid: x\ntitle: t\ndate: "2024"\nkind: visit\nsummary: s\n'
    with pytest.raises(FormatError, match=r"change the value of .sources\[0\].locator.") as info:
        format_yaml(text, "event", tmp_path / "x.yaml")
    assert (info.value.finding.line, info.value.finding.col) == (1, 32)  # at the value that would change


def test_crlf_becomes_lf_and_keeps_comments(tmp_path: Path) -> None:
    text = 'id: x\r\ntitle: "t"\r\n# note\r\ndate: "2024"\r\nkind: visit\r\nsummary: s\r\n'
    assert format_yaml(text, "event", tmp_path / "x.yaml") == text.replace("\r\n", "\n")


def test_refusal_names_the_field_that_would_change(tmp_path: Path) -> None:
    # a literal block keeping its trailing blank lines is a layout ruamel.yaml does not reproduce
    text = 'id: x\ntitle: t\nsummary: |+\n  keep\n\n\ndate: "2024"\nkind: visit\n'
    with pytest.raises(FormatError, match="value of 'summary'") as info:
        format_yaml(text, "event", tmp_path / "x.yaml")
    assert info.value.finding.line == 3


def test_same_tells_types_apart() -> None:
    assert same({"a": [1, "x"]}, {"a": [1, "x"]})
    assert not same(1, 1.0) and not same(1, True) and not same("1", 1) and not same({"a": 1}, {"b": 1})


def test_comments_ignores_hashes_inside_text() -> None:
    text = 'a: "x # y"  # real\nb: |\n  # text, not a comment\nc: url#frag # second\n# own line\n'
    assert comments(text) == ["# real", "# second", "# own line"]


def test_write_is_atomic_and_keeps_mode(tmp_path: Path) -> None:
    events = tmp_path / "events"
    events.mkdir()
    path = events / "x.yaml"
    path.write_text('title: t\nid: x\ndate: "2024"\nkind: visit\nsummary: s\nsources: [{source: s, locator: "p 1"}]\n')
    path.chmod(0o640)
    outcome = format_file(path, BY_NAME["event"], write=True)
    assert outcome.changed and outcome.finding is None
    assert path.read_text().startswith("id: x\ntitle: t\n")
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in events.iterdir()] == ["x.yaml"]  # no temp file left behind


def test_paths_usage_and_non_fact_files(tmp_path: Path, capsys) -> None:
    assert main(["fmt", str(tmp_path / "missing")]) == 2
    other = tmp_path / "mkdocs.yml"
    other.write_text("site_name: x\n")
    assert main(["fmt", str(other)]) == 1
    assert "[file-location]" in capsys.readouterr().out
    assert main(["fmt", str(tmp_path)]) == 0  # in a folder, non-fact files are skipped
    assert other.read_text() == "site_name: x\n"


def test_parallel_and_serial_agree(tmp_path: Path, monkeypatch) -> None:
    data = copy_valid(tmp_path)
    files, _ = fmt.fact_files([data])
    serial = fmt.format_files(files, write=False, jobs=1)
    monkeypatch.setattr(fmt, "PARALLEL_FROM", 1)
    parallel = fmt.format_files(files, write=False, jobs=2)
    assert [(o.path, o.changed, o.finding) for o in serial] == [(o.path, o.changed, o.finding) for o in parallel]


# --- generated files: many layouts an editor might write, all formatted safely and stably ---------

WORDS = [
    "the",
    "cable",
    "ship",
    "fleet",
    "power",
    "outage",
    "Estonia",
    "Finland",
    "minister",
    "visit",
    "NATO",
    "spending",
    "share",
    "harbour",
]


def _random_event(r: random.Random) -> str:
    def words(n: int) -> str:
        return " ".join(r.choice(WORDS) for _ in range(n))

    def quoted(v: str) -> str:
        return r.choice([v, f'"{v}"', f"'{v}'"])

    def slug() -> str:
        return quoted("-".join(r.choice(WORDS).lower() for _ in range(r.randint(1, 3))))

    def eol() -> str:
        return f"  # {words(2)}" if r.random() < 0.2 else ""

    places = [slug() for _ in range(r.randint(0, 12))]
    actors = "".join(
        f"\n  - {{actor: {slug()}, role: host}}{eol()}"
        if r.random() < 0.5
        else f"\n  - role: visitor{eol()}\n    actor: {slug()}"
        for _ in range(r.randint(1, 3))
    )
    cites = "".join(
        (f"\n  # {words(3)}" if r.random() < 0.3 else "")
        + (
            f'\n  - {{source: {slug()}, locator: "para {r.randint(1, 30)}"}}'
            if r.random() < 0.5
            else f'\n  - locator: "para {r.randint(1, 30)}"\n    source: {slug()}'
        )
        for _ in range(r.randint(1, 3))
    )
    summary = f">-\n  {words(12)}\n  {words(12)}" if r.random() < 0.4 else quoted(words(r.randint(1, 30)))
    fields = [
        ("id", slug()),
        ("title", quoted(words(r.randint(1, 8)))),
        ("date", quoted(r.choice(["2024", "2024-12", "2024-12-05"]))),
        ("kind", "visit"),
        ("summary", summary),
        (
            "places",
            "[" + ", ".join(places) + "]" if r.random() < 0.5 else "".join(f"\n  - {p}" for p in places) or "[]",
        ),
        ("actors", actors),
        ("sources", cites),
    ]
    if r.random() < 0.3:
        fields.append(("approximate", r.choice(["true", "false"])))
    if r.random() < 0.3:
        fields.append(("unknown_field", r.choice(["NO", "012", "1e5", "'true'", "~", ""])))
    r.shuffle(fields)
    lines = ["# yaml-language-server: $schema=../../x.json"] if r.random() < 0.5 else []
    for key, value in fields:
        if r.random() < 0.2:
            lines.append(f"# {words(3)}")
        if r.random() < 0.1:
            lines.append("")
        block = value.startswith(("\n", ">"))
        lines.append(f"{key}:{'' if value.startswith(chr(10)) else ' '}{value}{'' if block else eol()}")
    if r.random() < 0.3:
        lines.append(f"# {words(3)}")
    return "\n".join(lines) + "\n"


def test_generated_layouts_format_safely_and_stably(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    for seed in range(100):
        text = _random_event(random.Random(seed))
        try:
            parse(text, path)
        except LoadError as exc:  # pragma: no cover - the generator writes valid YAML
            pytest.fail(f"seed {seed}: generator wrote invalid YAML: {exc.finding.message}")
        out = format_yaml(text, "event", path)  # verified inside: same data, every comment kept
        assert format_yaml(out, "event", path) == out, f"seed {seed}: not idempotent"


@pytest.mark.parametrize(
    "text",
    [
        "true",
        "false",
        "True",
        "FALSE",
        "null",
        "Null",
        "~",
        "0",
        "012",
        "-5",
        "+5",
        "1.5",
        ".5",
        "1.",
        "1e5",
        "1E+5",
        "0x1F",
        "0o17",
        ".inf",
        "NO",
        "yes",
        "2024-12-05",
        "1_000",
        "abc",
        "a: b",
        "- a",
        "#x",
        "x #y",
        "para 4",
        "Estonia's",
    ],
)
def test_plain_rules_match_the_loader(text: str) -> None:
    """The formatter writes a string plain only where kb.core.loader reads it back as that same string."""
    try:
        reads_back = parse(f"k: {text}\n", Path("x")).data == {"k": text}
    except LoadError:
        reads_back = False
    assert fmt.plain_reads_back(text) == reads_back


SUITE = REPO.parent / "shared" / "yaml-test-suite"


@needs_shared(SUITE)
def test_yaml_test_suite_never_crashes_or_damages(tmp_path: Path) -> None:
    """Every YAML test-suite input as an event file: formatted and verified, or reported and untouched."""
    events = tmp_path / "events"
    events.mkdir()
    formatted = 0
    for case in sorted(SUITE.rglob("*.yaml")):
        path = events / "case.yaml"
        raw = case.read_bytes()
        path.write_bytes(raw)
        outcome = format_file(path, BY_NAME["event"], write=True)
        if outcome.finding is not None:
            assert path.read_bytes() == raw, case.name
            assert outcome.finding.path == str(path) and outcome.finding.line >= 1, case.name
        else:
            formatted += 1
            assert format_file(path, BY_NAME["event"], write=False).changed is False, f"{case.name}: not idempotent"
    assert formatted > 50  # the suite's mappings are formatted, not just refused
