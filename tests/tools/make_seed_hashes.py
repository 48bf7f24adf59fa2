#!/usr/bin/env python3
"""Write the fingerprints of the seed articles that our own text must not copy.

Every article under the seeds directory is a text file whose first non-empty line is its
title; the rest is its body. For each body we take every run of seven consecutive words
(tokenised exactly as `tests/test_own_words.py` does) and store a short sha256 digest of it,
never the words themselves, in `tests/data/seed_ngrams.txt`: one digest per line, sorted.
Each article's title is fingerprinted whole in `tests/data/seed_titles.txt`, so that a source
record may carry its own title even when that title is long. Every single word of the articles
is fingerprinted in `tests/data/seed_words.txt`, so that a person's name can be held to the
words the articles print (no first name they leave out).

Usage (from anywhere):

    python3 tests/tools/make_seed_hashes.py [SEEDS_DIR]

SEEDS_DIR defaults to ../shared/seeds relative to the repository root.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN = 7  # words in a run: seven or more consecutive words copied is a finding
DIGEST_CHARS = 16  # hex characters of sha256 kept per run
_WORD = re.compile(r"[a-z0-9’']+")
_WORD_ANY_CASE = re.compile(r"[a-z0-9']+", re.IGNORECASE)


def words(text: str) -> list[str]:
    """Lower-cased word tokens; curly and straight apostrophes are one character."""
    return _WORD.findall(text.lower().replace("’", "'"))


def cased_words(text: str) -> list[tuple[str, bool]]:
    """The tokens of `words(text)`, each with whether it is written with a capital (a name's word)."""
    return [(m[0].lower(), m[0][0].isupper()) for m in _WORD_ANY_CASE.finditer(text.replace("’", "'"))]


def digest(tokens: tuple[str, ...] | list[str]) -> str:
    return hashlib.sha256(" ".join(tokens).encode("utf-8")).hexdigest()[:DIGEST_CHARS]


def runs(tokens: list[str], n: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def split_article(text: str) -> tuple[str, str]:
    """(title, body) of a seed file: the first line after stripping, and the rest."""
    stripped = text.strip()
    title, _, body = stripped.partition("\n")
    title = re.sub(r"^title:\s*", "", title.strip(), flags=re.I)
    return title, body


def fingerprints(seeds: Path) -> tuple[list[str], list[str], list[str]]:
    ngrams: set[str] = set()
    titles: set[str] = set()
    singles: set[str] = set()
    files = sorted(seeds.glob("*.txt"))
    if not files:
        raise SystemExit(f"no *.txt articles in {seeds}")
    for path in files:
        title, body = split_article(path.read_text(encoding="utf-8"))
        ngrams.update(digest(run) for run in runs(words(body)))
        titles.add(digest(words(title)))
        # a possessive prints the name too: "President Macron's proposal" names Macron
        singles.update(digest([word.removesuffix("'s")]) for word in words(f"{title}\n{body}"))
    return sorted(ngrams), sorted(titles), sorted(singles)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "seeds",
        nargs="?",
        type=Path,
        default=ROOT.parent / "shared" / "seeds",
        help="directory of seed articles (default: ../shared/seeds from the repo root)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "tests" / "data",
        help="directory to write seed_ngrams.txt, seed_titles.txt and seed_words.txt into",
    )
    args = parser.parse_args(argv)
    ngrams, titles, singles = fingerprints(args.seeds)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "seed_ngrams.txt").write_text("".join(f"{h}\n" for h in ngrams), encoding="utf-8")
    (args.out / "seed_titles.txt").write_text("".join(f"{h}\n" for h in titles), encoding="utf-8")
    (args.out / "seed_words.txt").write_text("".join(f"{h}\n" for h in singles), encoding="utf-8")
    print(f"{len(ngrams)} runs and {len(titles)} titles from {args.seeds} -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
