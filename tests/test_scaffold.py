"""kb new: skeletons that pass kb check once filled in, fresh ids, clear refusals."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from kb.check.run import check
from kb.cli import main
from kb.core.facttypes import BY_NAME, FACT_TYPES, names
from kb.core.loader import load, load_front_matter, parse
from kb.edit.fmt import format_text
from kb.edit.scaffold import NewError, skeleton, slug, type_of, yaml_text

TODAY = "2025-11-23"


@pytest.fixture
def data(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("KB_TODAY", TODAY)
    d = tmp_path / "data"
    d.mkdir()
    return d


def doc_of(path: Path):
    return load_front_matter(path)[0] if path.suffix == ".md" else load(path)


def fill(path: Path, values: dict[str, str]) -> None:
    """Write a value after every empty field of `path`, found by our loader, as an editor would."""
    doc = doc_of(path)
    lines = path.read_text("utf-8").split("\n")
    empty = [(where, doc.keys[where]) for where, _ in doc.keys.items() if _value(doc.data, where) is None]
    assert empty, "a new skeleton leaves the fields only the editor knows empty"
    for where, pos in empty:
        key = str(where[-1])
        line = lines[pos.line - 1]
        start = pos.col - 1 + len(key) + 1  # just after "key:"
        assert line[pos.col - 1 : start] == f"{key}:"
        lines[pos.line - 1] = f"{line[:start]} {values[key]}{line[start:]}"
    path.write_text("\n".join(lines), "utf-8")


def _value(data, where):
    for step in where:
        data = data[step]
    return data


def new(data: Path, *args: str) -> int:
    return main(["new", *args, "--data", str(data)])


def test_new_event_cited_in_briefing_passes_check_once_filled(data: Path, capsys) -> None:
    assert new(data, "source", "Estonia: Small State Security") == 0
    assert new(data, "actor", "Estonia") == 0
    assert new(data, "place", "Narva") == 0
    assert new(data, "event", "Estlink 2 cable cut") == 0
    assert new(data, "figure", "Estonia defence spending 2026") == 0
    assert new(data, "assessment", "Estonia: the cable cut was sabotage") == 0
    assert new(data, "briefing", "Baltic cables: a year on") == 0
    out = capsys.readouterr().out
    assert "created " in out and "id: estlink-2-cable-cut" in out

    paths = {t.name: next((data / t.folder).iterdir()) for t in FACT_TYPES}
    assert paths["event"].name == "estlink-2-cable-cut.yaml"
    assert paths["briefing"].name == "baltic-cables-a-year-on.md"
    assert main(["check", str(data)]) == 1  # empty fields are errors until filled in
    assert "is empty" in capsys.readouterr().out

    src = "estonia-small-state-security"
    common = {"source": src, "locator": '"para 2"', "summary": "Filled in by the test."}
    fill(paths["source"], {"type": "article"})
    fill(paths["actor"], {**common, "kind": "state"})
    fill(paths["place"], {**common, "kind": "city"})
    fill(paths["event"], {**common, "kind": "infrastructure-damage"})
    fill(
        paths["figure"],
        {
            **common,
            "actor": "estonia",
            "metric": "defence-spending-share-of-gdp",
            "value": "5.4",
            "unit": "percent-of-gdp",
            "status": "planned",
        },
    )
    fill(
        paths["assessment"],
        {**common, "holder": "estonia", "kind": "claim", "statement": "the cable was cut on purpose"},
    )
    fill(paths["briefing"], {"summary": "A test briefing."})
    with paths["briefing"].open("a", encoding="utf-8") as fh:
        fh.write("In 2025 [a cable was cut](event:estlink-2-cable-cut) near [Narva](place:narva).\n")

    result = check(data)
    assert result.errors == [], "\n".join(map(str, result.errors))
    assert doc_of(paths["event"]).data["date"] == TODAY
    assert doc_of(paths["figure"]).data["period"] == "2025"
    assert doc_of(paths["source"]).data["retrieved"] == TODAY
    assert doc_of(paths["assessment"]).data["date"] == TODAY
    assert doc_of(paths["briefing"]).data["status"] == "draft"
    assert main(["fmt", "--check", str(data)]) == 0  # a filled-in skeleton is already in canonical form


@pytest.mark.parametrize("kind", names())
def test_skeleton_is_already_in_canonical_form(kind: str, tmp_path: Path) -> None:
    fact_type = BY_NAME[kind]
    text = skeleton(
        fact_type, "Estonia: the example", "estonia-the-example", date(2025, 1, 15), "# yaml-language-server: $schema=x"
    )
    assert format_text(text, fact_type, tmp_path / f"x{fact_type.suffix}") == text


def test_schema_line_points_at_the_schema(data: Path) -> None:
    assert new(data, "event", "Cable cut") == 0
    first = (data / "events" / "cable-cut.yaml").read_text().splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    target = (data / "events" / first[len(prefix) :]).resolve()
    assert target == (Path(__file__).resolve().parent.parent / "scripts" / "kb" / "schemas" / "event.json")


def test_refuses_to_reuse_an_id_of_any_type(data: Path, capsys) -> None:
    assert new(data, "actor", "Estonia") == 0
    before = (data / "actors" / "estonia.yaml").read_bytes()
    assert new(data, "place", "Estonia") == 1
    err = capsys.readouterr().err
    assert "id 'estonia' is already used by actor 'estonia'" in err and "hint:" in err
    assert not (data / "places" / "estonia.yaml").exists()
    assert new(data, "actor", "Estonia") == 1
    assert (data / "actors" / "estonia.yaml").read_bytes() == before
    assert new(data, "place", "Estonia", "--id", "estonia-country") == 0


def test_refuses_a_former_id(data: Path, capsys) -> None:
    (data / "actors").mkdir()
    (data / "actors" / "kaja-kallas.yaml").write_text(
        "id: kaja-kallas\nname: Kaja Kallas\nkind: person\nformer_ids: [kallas]\nsources: [{source: s, locator: p}]\n"
    )
    assert new(data, "actor", "Kallas") == 1
    assert "former id" in capsys.readouterr().err


def test_suggests_a_close_existing_fact(data: Path, capsys) -> None:
    assert new(data, "event", "Estlink 2 power cable cut") == 0
    capsys.readouterr()
    assert new(data, "event", "Estlink-2 power cable cuts") == 0
    out = capsys.readouterr().out
    assert "close to the existing event 'estlink-2-power-cable-cut'" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["event", "Нарва"], "gives no id"),
        (["event", "  "], "title is empty"),
        (["evnt", "Narva"], "did you mean 'event'"),
        (["event", "Narva", "--id", "../../etc/passwd"], "not a valid id"),
        (["event", "Narva", "--id", "Narva"], "not a valid id"),
    ],
)
def test_bad_input_exits_2_with_a_hint(data: Path, capsys, args: list[str], message: str) -> None:
    assert new(data, *args) == 2
    err = capsys.readouterr().err
    assert message in err and "hint:" in err and "Traceback" not in err
    assert not any(data.rglob("*.yaml"))


def test_data_dir_checks(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KB_TODAY", TODAY)
    assert main(["new", "event", "X", "--data", str(tmp_path / "missing")]) == 2
    elsewhere = tmp_path / "etc"
    elsewhere.mkdir()
    assert main(["new", "event", "X", "--data", str(elsewhere)]) == 2
    assert "does not look like a data directory" in capsys.readouterr().err
    data = tmp_path / "data"
    (data / "events").mkdir(parents=True)
    assert main(["new", "event", "X", "--data", str(data / "events")]) == 2
    assert "pass its parent" in capsys.readouterr().err
    outside = tmp_path / "outside"
    outside.mkdir()
    (data / "places").symlink_to(outside)
    assert main(["new", "place", "X", "--data", str(data)]) == 2
    assert "outside the data directory" in capsys.readouterr().err
    assert not any(outside.iterdir())


def test_bad_kb_today(data: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KB_TODAY", "23/11/2025")
    assert new(data, "event", "X") == 2
    assert "KB_TODAY" in capsys.readouterr().err


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Estlink 2 cable cut", "estlink-2-cable-cut"),
        ("Narva–Ivangorod: bridge closed (2024)", "narva-ivangorod-bridge-closed-2024"),
        ("Šiauliai air base", "siauliai-air-base"),
        ("Łódź & Gdańsk", "lodz-and-gdansk"),
        ("Tõnis Lukas", "tonis-lukas"),
        ("Нарва", ""),
        ("a " * 50, "-".join(["a"] * 30)),
    ],
)
def test_slug(title: str, expected: str) -> None:
    assert slug(title) == expected


def test_type_accepts_folder_names_and_any_case() -> None:
    assert type_of("Events").name == "event" and type_of("figure").name == "figure"
    with pytest.raises(NewError):
        type_of("person")


@pytest.mark.parametrize(
    "title", ["Estonia: a case", "2024", "NO", "true", "- dash", "it's #1", "[x]", "a: b # c", '"q"']
)
def test_titles_read_back_exactly(title: str) -> None:
    assert parse(f"title: {yaml_text(title)}\n", Path("x")).data["title"] == title


def test_today_defaults_to_the_real_date(data: Path, monkeypatch) -> None:
    monkeypatch.delenv("KB_TODAY")
    assert new(data, "event", "Now") == 0
    assert doc_of(data / "events" / "now.yaml").data["date"] == date.today().isoformat()
    assert os.environ.get("KB_TODAY") is None


def test_fact_folder_that_is_a_file(data: Path, capsys) -> None:
    (data / "events").write_text("oops")
    assert new(data, "event", "X") == 2
    assert "is a file, not a folder" in capsys.readouterr().err
