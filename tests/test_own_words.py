"""Our text must be our own: no run of seven consecutive words taken from a seed article.

The fingerprints in tests/data/seed_ngrams.txt (made by tests/tools/make_seed_hashes.py)
are short sha256 digests of every seven-word run of each article body; the articles
themselves are not in the repository. Every text file under data/ and docs/, and README.md,
is tokenised line by line and each of its seven-word runs is looked up. Two exceptions: a
source record's `title:` line when its value is the title of one of the seed articles
(fingerprinted whole in tests/data/seed_titles.txt), and a run that is all name, every word
capitalised as we write it but for joining words and numbers ("the 10th Singapore
International Cyber Week"), or part of an id (`association-for-the-advancement-of-baltic-studies`):
a name or title cannot be put in other words, and seven words is short enough for a long one
to fill a run.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
from pathlib import Path

import pytest

from conftest import needs_shared

ROOT = Path(__file__).resolve().parents[1]
HASHES = ROOT / "tests" / "data" / "seed_ngrams.txt"
TITLES = ROOT / "tests" / "data" / "seed_titles.txt"
SEEDS = ROOT.parent / "shared" / "seeds"
SCANNED_DIRS = ("data", "docs")
SCANNED_FILES = ("README.md",)
SUFFIXES = {".md", ".yaml", ".yml", ".json", ".txt"}

_spec = importlib.util.spec_from_file_location("make_seed_hashes", ROOT / "tests" / "tools" / "make_seed_hashes.py")
assert _spec and _spec.loader
seedhash = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seedhash)

_TITLE_LINE = re.compile(r"""^title:\s*(?P<q>["']?)(?P<value>.*?)(?P=q)\s*$""")


def load_digests(path: Path) -> set[str]:
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def copied_runs(line: str, digests: set[str]) -> list[str]:
    """The seven-word runs of `line` whose fingerprint is a seed's (as text, for the message)."""
    return [" ".join(run) for run in _ordered_runs(seedhash.words(line)) if seedhash.digest(run) in digests]


def _ordered_runs(tokens: list[str]) -> list[tuple[str, ...]]:
    n = seedhash.RUN
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


NAME_JOINERS = frozenset({"a", "an", "and", "at", "de", "for", "in", "of", "on", "pour", "the"})
"""Lowercase words that may join the capitalised words of a name or title."""


_ID = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+){2,}\b")
"""An id of three or more parts (`putin-demand-nato-1997-borders`): a name, though written in lowercase."""


def is_name(run: list[tuple[str, bool]]) -> bool:
    """Whether a run of (word, capitalised) tokens is all name: capitalised words, joining words and
    numbers only."""
    return any(cap for _, cap in run) and all(cap or word in NAME_JOINERS or word[0].isdigit() for word, cap in run)


def name_tokens(line: str) -> list[tuple[str, bool]]:
    """The line's words, each with whether it may be part of a name: capitalised, or a word of an id."""
    tokens: list[tuple[str, bool]] = []
    at = 0
    for m in _ID.finditer(line):
        tokens += seedhash.cased_words(line[at : m.start()])
        tokens += [(word, True) for word in seedhash.words(m[0])]
        at = m.end()
    return tokens + seedhash.cased_words(line[at:])


def is_own_title_line(path: Path, line: str, titles: set[str]) -> bool:
    """A source record's title line carrying a seed article's own title."""
    if path.parent.name != "sources" or path.parent.parent.name != "data":
        return False
    m = _TITLE_LINE.match(line)
    return bool(m) and seedhash.digest(seedhash.words(m["value"])) in titles


def scanned_files(root: Path) -> list[Path]:
    """The text files under data/ and docs/ and README.md that git tracks or would track.

    Generated pages (gitignored) are left out: they are made from data/ and the templates,
    which are what this test holds to account, so a local build never changes the verdict.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "--", *SCANNED_DIRS, *SCANNED_FILES],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if listed.returncode == 0:
        candidates = [root / name for name in listed.stdout.splitlines()]
    else:  # not a checkout (a temporary test tree): every file
        candidates = [root / name for name in SCANNED_FILES]
        candidates += [p for folder in SCANNED_DIRS if (root / folder).is_dir() for p in (root / folder).rglob("*")]
    return sorted(p for p in candidates if p.is_file() and (p.suffix.lower() in SUFFIXES or p.name in SCANNED_FILES))


_LINK_TARGET = re.compile(r"\]\([^()\s]*(?:\s+\"[^\"]*\")?\)")


def as_read(line: str) -> str:
    """A Markdown line as a reader sees it: `[words](event:id "para 2")` is just `[words]`."""
    return _LINK_TARGET.sub("]", line)


def findings(root: Path, digests: set[str], titles: set[str]) -> list[str]:
    """file:line of every copied run; a file is one stream of words, so a run may wrap lines."""
    out = []
    for path in scanned_files(root):
        tokens: list[tuple[str, bool, int]] = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not is_own_title_line(path, line, titles):
                tokens += [(word, cap, number) for word, cap in name_tokens(as_read(line))]
        reported = set()
        for i in range(len(tokens) - seedhash.RUN + 1):
            window = tokens[i : i + seedhash.RUN]
            run = tuple(word for word, _, _ in window)
            number = tokens[i][2]
            if number in reported or is_name([(word, cap) for word, cap, _ in window]):
                continue
            if seedhash.digest(run) in digests:
                reported.add(number)
                out.append(f'{path.relative_to(root)}:{number}: copies "{" ".join(run)} ..."')
    return out


@pytest.fixture(scope="module")
def digests() -> set[str]:
    return load_digests(HASHES)


@pytest.fixture(scope="module")
def titles() -> set[str]:
    return load_digests(TITLES)


def test_fingerprint_files_are_well_formed(digests: set[str], titles: set[str]) -> None:
    for path in (HASHES, TITLES):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines == sorted(set(lines)), f"{path.name} must be sorted and free of duplicates"
        assert all(re.fullmatch(r"[0-9a-f]{16}", h) for h in lines), f"{path.name} holds only 16-hex digests"
    assert digests and titles


def test_no_seven_word_run_copied_from_a_seed(digests: set[str], titles: set[str]) -> None:
    found = findings(ROOT, digests, titles)
    assert not found, "text copied from a seed article (rephrase it):\n" + "\n".join(found)


def planted_runs() -> set[str]:
    """The hashed seven-word runs of a made-up 'article', for files that copy it."""
    article = "the quick brown fox jumps over the lazy dog near the quiet river bank today"
    return {seedhash.digest(run) for run in seedhash.runs(seedhash.words(article))}


def test_checker_catches_a_planted_run(tmp_path: Path) -> None:
    """The check itself can fail: a made-up 'article' and a file that copies it."""
    planted = planted_runs()
    (tmp_path / "data" / "events").mkdir(parents=True)
    (tmp_path / "data" / "events" / "x.yaml").write_text(
        "id: x\nsummary: Then the quick brown fox jumps over the lazy dog near it.\n", encoding="utf-8"
    )
    (tmp_path / "README.md").write_text("A fox jumped, and a dog lay near the river.\n", encoding="utf-8")
    found = findings(tmp_path, planted, set())
    assert found == ['data/events/x.yaml:2: copies "the quick brown fox jumps over the ..."']


def test_link_targets_do_not_hide_a_copied_run(tmp_path: Path) -> None:
    planted = planted_runs()
    (tmp_path / "data" / "briefings").mkdir(parents=True)
    (tmp_path / "data" / "briefings" / "b.md").write_text(
        '---\ntitle: T\n---\nThe [quick brown fox](actor:fox) jumps over [the lazy dog](source:s "para 2") near.\n'
    )
    assert [f.split(": copies")[0] for f in findings(tmp_path, planted, set())] == ["data/briefings/b.md:4"]


def test_a_run_wrapped_over_two_lines_is_caught(tmp_path: Path) -> None:
    planted = planted_runs()
    (tmp_path / "data" / "events").mkdir(parents=True)
    (tmp_path / "data" / "events" / "x.yaml").write_text(
        "id: x\nsummary: >-\n  Then the quick brown fox jumps\n  over the lazy dog near it.\n", encoding="utf-8"
    )
    assert [f.split(": copies")[0] for f in findings(tmp_path, planted, set())] == ["data/events/x.yaml:3"]


def test_title_exemption_is_narrow(tmp_path: Path) -> None:
    title = "one two three four five six seven eight nine ten"
    digests = {seedhash.digest(run) for run in seedhash.runs(seedhash.words(title))}
    titles = {seedhash.digest(seedhash.words(title))}
    sources = tmp_path / "data" / "sources"
    sources.mkdir(parents=True)
    (sources / "s.yaml").write_text(f'id: s\ntitle: "{title}"\nsummary: {title}\n', encoding="utf-8")
    (tmp_path / "data" / "t.yaml").write_text(f"title: {title}\n", encoding="utf-8")
    found = findings(tmp_path, digests, titles)
    assert [f.split(": copies")[0] for f in found] == ["data/sources/s.yaml:3", "data/t.yaml:1"]


@needs_shared(SEEDS)
def test_fingerprints_catch_a_real_sentence(digests: set[str]) -> None:
    """Sentences read from each seed article, not stored here, are caught by the stored hashes."""
    for path in sorted(SEEDS.glob("*.txt")):
        _, body = seedhash.split_article(path.read_text(encoding="utf-8"))
        tokens = seedhash.words(body)
        assert len(tokens) >= 30, path.name
        probe = " ".join(tokens[10:30])  # twenty words from early in the body
        assert copied_runs(probe, digests), f"{path.name}: a copied sentence was not caught"
        assert not copied_runs(" ".join(reversed(tokens[10:30])), digests)


def test_a_name_is_not_a_copied_run_but_words_around_it_are(tmp_path: Path) -> None:
    """A run that is all name (capitalised words and joiners) is excepted; one more plain word is not."""
    article = "it hosts the North Atlantic Centre of Cyber Defence Excellence in the old town"
    planted = {seedhash.digest(run) for run in seedhash.runs(seedhash.words(article))}
    (tmp_path / "data" / "actors").mkdir(parents=True)
    (tmp_path / "data" / "actors" / "a.yaml").write_text(
        "summary: We visited the North Atlantic Centre of Cyber Defence Excellence.\n"
        "note: Home of the North Atlantic Centre of Cyber Defence Excellence in the old town.\n",
        encoding="utf-8",
    )
    assert [f.split(": copies")[0] for f in findings(tmp_path, planted, set())] == ["data/actors/a.yaml:2"]
    assert is_name([("the", False), ("North", True), ("of", False)])
    assert not is_name([("the", False), ("of", False)]) and not is_name([("North", True), ("town", False)])
    assert name_tokens("of: north-atlantic-centre, at Tapa") == [
        ("of", False),
        ("north", True),
        ("atlantic", True),
        ("centre", True),
        ("at", False),
        ("tapa", True),
    ]


WORDS = ROOT / "tests" / "data" / "seed_words.txt"


def unprinted_name_words(root: Path, printed: set[str]) -> list[str]:
    """file:line of each word of a person's name or alias that no seed article prints (a first name
    taken from general knowledge, say): names are given as the sources print them."""
    from kb.check.run import check

    out = []
    for actor in sorted(check(root / "data").kb.actors.values(), key=lambda a: a.id):
        if actor.kind != "person":
            continue
        for where, name in [(("name",), actor.name)] + [(("aliases", i), a) for i, a in enumerate(actor.aliases)]:
            missing = [w for w in seedhash.words(name) if seedhash.digest([w]) not in printed]
            if missing:
                line = actor.locate(*where).line
                out.append(f"{actor.doc.path.relative_to(root)}:{line}: '{name}': {', '.join(missing)} not printed")
    return out


def test_person_names_are_as_the_articles_print_them() -> None:
    found = unprinted_name_words(ROOT, load_digests(WORDS))
    assert not found, "a name the articles do not print (CONTRIBUTING, 'Names'):\n" + "\n".join(found)


def test_a_first_name_the_article_leaves_out_is_caught(tmp_path: Path) -> None:
    printed = {seedhash.digest([w]) for w in seedhash.words("Senators Grassley and Durbin introduced it")}
    (tmp_path / "data" / "actors").mkdir(parents=True)
    (tmp_path / "data" / "sources").mkdir(parents=True)
    (tmp_path / "data" / "sources" / "s.yaml").write_text("id: s\ntitle: S\ntype: article\n", encoding="utf-8")
    for ident, name in (("a", "Chuck Grassley"), ("b", "Durbin")):
        (tmp_path / "data" / "actors" / f"{ident}.yaml").write_text(
            f"id: {ident}\nname: {name}\nkind: person\nsources:\n  - {{source: s, locator: para 1}}\n", encoding="utf-8"
        )
    assert unprinted_name_words(tmp_path, printed) == ["data/actors/a.yaml:2: 'Chuck Grassley': chuck not printed"]
