"""The knowledge base's own content, as CI gates it: data/ passes `kb check --strict` and is in `kb fmt`'s
form, docs/ links only to pages that exist, fact files name their schema for editors. The code is tested on
fixtures and generated trees; these tests are about what is in data/ and docs/ (tests/test_own_words.py
holds the content to its own words)."""

from __future__ import annotations

from conftest import REPO
from kb.check.run import check
from kb.cli import main
from kb.core.facttypes import FACT_TYPES
from kb.core.schema import schema_file
from kb.site.doclinks import check_docs, collision_findings

DATA = REPO / "data"


def test_the_data_passes_the_strict_check() -> None:
    result = check(DATA)
    found = result.findings + collision_findings(result.kb)
    assert found == [], "\n".join(f"{f.path}:{f.line}: [{f.rule}] {f.message}" for f in found)


def test_the_data_is_in_canonical_form(capsys) -> None:
    assert main(["fmt", "--check", str(DATA)]) == 0, capsys.readouterr().out


def test_the_hand_written_pages_link_to_pages_that_exist() -> None:
    assert check_docs(REPO / "docs", check(DATA).kb) == []


def test_fact_files_name_the_schema_of_their_type() -> None:
    prefix = "# yaml-language-server: $schema="
    for t in FACT_TYPES:
        for path in sorted((DATA / t.folder).glob(f"*{t.suffix}")):
            first = path.read_text("utf-8").split("\n", 1)[0]
            if first.startswith(prefix):
                assert (path.parent / first[len(prefix) :]).resolve() == schema_file(t.schema).resolve(), path


def test_every_generated_page_is_gitignored() -> None:
    import subprocess

    from kb.core.model import KnowledgeBase
    from kb.site.render.site import page_paths

    # Every kind of generated file (the pages an empty knowledge base has name every generated folder).
    shown = sorted({p if "/" not in p else p.split("/", 1)[0] + "/x.md" for p in page_paths(KnowledgeBase())})
    paths = [f"docs/{p}" for p in shown]
    run = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=REPO, capture_output=True, text=True)
    assert sorted(run.stdout.split()) == sorted(paths), "add the missing ones to .gitignore"


def test_every_fact_type_has_its_index_in_the_navigation_and_its_pages_out_of_it() -> None:
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    nav, _, rest = config.partition("\nnav:\n")[2].partition("\nnot_in_nav: |\n")
    not_in_nav = rest.partition("\n\n")[0].split()
    for t in FACT_TYPES:
        assert f": {t.folder}/index.md\n" in nav, f"{t.folder}/index.md not in nav"
        assert any(p.startswith(f"/{t.folder}/") for p in not_in_nav), f"/{t.folder}/*.md not in not_in_nav"
