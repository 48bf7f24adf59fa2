"""Write the generated part of the docs tree: every page, chart and download, from the knowledge base.

A file is written only when its bytes change (so `mkdocs serve` rebuilds only for real changes,
and never loops on our own writes), and a generated file whose fact is gone is deleted. What we
generated is recorded in `docs/.generated` (a dot-file, which MkDocs ignores) to know what to
delete, but that file is not trusted (a pull request can commit one): only a listed path that this
renderer could have written, in a generated folder, reached without a symbolic link, is deleted.
Hand-written pages (docs/about.md, docs/assets/) are never touched.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.core.facts import Fact
from kb.core.facttypes import FACT_TYPES, FactType, page_of, series_page
from kb.core.files import write_if_changed
from kb.core.model import KnowledgeBase
from kb.site.render import (
    actor,
    assessment,
    briefing,
    cards,
    changes,
    cite,
    downloads,
    event,
    feeds,
    figure,
    home,
    judgements,
    more,
    place,
    plain,
    reference,
    source,
    spending,
)
from kb.site.render.indexes import INDEXES, index_parts
from kb.site.render.relations import relations

MANIFEST = ".generated"


@dataclass
class RenderResult:
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    write_seconds: float = 0.0  # comparing with docs/ and writing what changed

    @property
    def changed(self) -> bool:
        return bool(self.written or self.deleted)

    def summary(self) -> str:
        return f"{len(self.written)} written, {len(self.deleted)} deleted, {self.unchanged} unchanged"


Files = Iterable[tuple[str, Any]]
"""(docs path, what the file is about) of generated files."""


@dataclass(frozen=True)
class Emitter:
    """One kind of generated file: which files of it a knowledge base has (docs path, and what each is
    about), and how one is rendered. Writing and the link checks before the build both read this, so
    the pages checked are the pages written. `about(kb, ids, types)`: those of its files that show any of
    the facts `ids` (of the fact types `types`), for the live preview to re-render after an edit; None:
    any of its files may show any fact, so every one is re-rendered (cheap pages only)."""

    name: str
    files: Callable[[KnowledgeBase], Files]
    render: Callable[[KnowledgeBase, Any], str | bytes]
    about: Callable[[KnowledgeBase, frozenset[str], frozenset[str]], Files] | None = None
    cite: Callable[[KnowledgeBase, Any], cite.PageCitation] | None = None
    """For pages a reader may cite (briefings, facts): what the citation says. `pages` adds it to the front
    matter and the "Cite this" block to the page, the same way for every page type."""
    site: bool = False  # `render` is given the site (name and address) instead of a subject


FACT_PAGES: dict[str, Callable[[KnowledgeBase, Any], str]] = {
    "briefing": briefing.render,
    "actor": actor.render,
    "place": place.render,
    "event": event.render,
    "source": source.render,
    "assessment": assessment.render,
}
"""The page of each fact type whose pages need code of their own; a type with a `template` instead has
plain pages (render/plain.py), and a figure is a row of its series page."""


LISTS: dict[str, more.Lists] = {
    "actor": actor.lists,
    "place": place.lists,
    "event": event.lists,
    "source": source.lists,
}
"""The fact pages whose lists can outgrow a page: their first entries there, all of them on continuation pages."""


def _long(kb: KnowledgeBase, fact: Fact) -> bool:
    """Whether any list of `fact`'s page may be longer than it shows (a bound counted without rendering)."""
    rel = relations(kb)
    near = (
        len(kb.cited_by.get(fact.id, ()))
        + len(rel.events_of_actor.get(fact.id, ()))
        + len(rel.events_at_place.get(fact.id, ()))
        + len(rel.related_to.get(fact.id, ()))
    )
    return near > more.SHOW


def _continuations(kb: KnowledgeBase, ids: Iterable[str] | None = None) -> Files:
    for fact_type, lists in LISTS.items():
        facts = kb.of_type(fact_type)
        for fact in facts.values() if ids is None else (facts[i] for i in ids if i in facts):
            if _long(kb, fact):
                yield from ((path, (subject, lists)) for path, subject in more.pages_of(kb, fact, lists))


def _fact_pages(fact_type: str, render: Callable[[KnowledgeBase, Any], str]) -> Emitter:
    def about(kb: KnowledgeBase, ids: frozenset[str], types: frozenset[str]) -> Files:
        facts = kb.of_type(fact_type)
        found = {i: facts[i] for i in ids if i in facts}
        if fact_type == "briefing":  # a briefing's fact cards show the facts it links and their sources
            found.update((b.id, b) for b in kb.briefings.values() if cards.shows(kb, b, ids, types))
        return ((page_of(f), f) for f in found.values())

    return Emitter(
        f"{fact_type} pages",
        lambda kb: ((page_of(f), f) for f in kb.of_type(fact_type).values()),
        render,
        about,
        cite.of_fact,
    )


def _of_type(t: FactType) -> list[Emitter]:
    """The pages of fact type `t`: by code of its own, or plain pages from its template with an index."""
    if t.name in FACT_PAGES:
        return [_fact_pages(t.name, FACT_PAGES[t.name])]
    if t.template is None:
        return []
    index = plain.index_page(t)
    return [
        Emitter(f"index {index}", lambda kb: [(index, None)], lambda kb, _: plain.index(kb, t)),
        _fact_pages(t.name, plain.render),
    ]


def _series_about(kb: KnowledgeBase, ids: frozenset[str], types: frozenset[str]) -> Files:
    rel = relations(kb)
    keys = {kb.figures[i].series for i in ids if i in kb.figures}
    keys |= {key for i in ids for key in rel.series_of_actor.get(i, [])}
    return ((series_page(*key), (*key, rel.series[key])) for key in sorted(keys) if key in rel.series)


def _one(name: str, path: str, render: Callable[[KnowledgeBase], str]) -> Emitter:
    return Emitter(name, lambda kb: [(path, None)], lambda kb, _: render(kb))


def emitters() -> list[Emitter]:
    """Everything the site generates, in a fixed order: made when asked, from the table of fact types as it
    is then (a test may add a type)."""
    return [
        _one("home page", "index.md", home.render),
        _one("spending page", "spending.md", spending.render),
        _one("data page", "downloads/index.md", downloads.render),
        Emitter(
            "data downloads",
            lambda kb: ((p, p) for p in downloads.paths()),
            downloads.file,
            lambda kb, ids, types: ((p, p) for p in downloads.paths(types)),
        ),
        Emitter("citation file", lambda kb: [(cite.CFF, None)], cite.cff, site=True),
        Emitter(
            "reference pages",
            lambda kb: ((p, p) for p in reference.files()),
            lambda kb, p: reference.files()[p],
            lambda kb, ids, types: (),
        ),
        *(_one(f"index {path}", path, render) for path, render in INDEXES.items()),
        Emitter(
            "index parts",
            lambda kb: ((part.path, (part, render)) for part, render in index_parts(kb)),
            lambda kb, subject: subject[1](kb, subject[0]),
            lambda kb, ids, types: ((part.path, (part, render)) for part, render in index_parts(kb, ids)),
        ),
        _one("key judgements page", judgements.PAGE, judgements.render),
        Emitter(
            "key judgements by year",
            lambda kb: ((part.path, part) for part in judgements.parts(kb)),
            judgements.render_part,
            lambda kb, ids, types: ((part.path, part) for part in judgements.parts(kb, ids)),
        ),
        _one(f"index {assessment.INDEX}", assessment.INDEX, assessment.index),
        *(emitter for t in FACT_TYPES for emitter in _of_type(t)),
        Emitter(
            "continuation pages",
            _continuations,
            lambda kb, s: more.render(kb, s[0][0], s[0][1], s[0][2], s[1]),
            lambda kb, ids, types: _continuations(kb, ids),
        ),
        Emitter(
            "figure series pages",
            lambda kb: ((series_page(*key), (*key, figs)) for key, figs in relations(kb).series.items()),
            lambda kb, s: figure.render(kb, *s),
            _series_about,
            lambda kb, s: cite.of_series(kb, *s),
        ),
        # The history is read when the build (or the preview) starts: an edit changes the names these pages
        # give the facts, and the pages that list the changes of those facts are the ones rendered again.
        _one("changes page", changes.INDEX, changes.render_index),
        Emitter(
            "changes pages",
            lambda kb: ((p.path, p) for p in changes.parts(kb)),
            changes.render_part,
            lambda kb, ids, types: ((p.path, p) for p in changes.parts(kb) if changes.shows(p, ids)),
        ),
        Emitter("briefings feed", lambda kb: [(feeds.BRIEFINGS, None)], feeds.briefings_feed, site=True),
        Emitter("changes feed", lambda kb: [(feeds.CHANGES, None)], feeds.changes_feed, site=True),
        Emitter("feeds' sitemap", lambda kb: [(feeds.SITEMAP, None)], lambda kb, _: feeds.sitemap(kb), lambda *_: ()),
    ]


def _work(kb: KnowledgeBase) -> Work:
    return [(path, emitter, subject) for emitter in emitters() for path, subject in emitter.files(kb)]


def pages(kb: KnowledgeBase, share: tuple[int, int] = (0, 1), site: cite.Site | None = None) -> dict[str, bytes]:
    """Every generated file: docs-relative POSIX path -> bytes, sorted by path. Pure: same knowledge
    base (and site), same bytes. `share=(k, n)`: only the k-th of n interleaved shares of the work, for n
    processes. `site`: the name and address mkdocs.yml gives the site, for citations."""
    k, n = share
    site = site or cite.Site()
    return dict(
        sorted((path, rendered(kb, path, emitter, subject, site)) for path, emitter, subject in _work(kb)[k::n])
    )


def rendered(kb: KnowledgeBase, path: str, emitter: Emitter, subject: Any, site: cite.Site) -> bytes:
    """One generated file's bytes: what its emitter renders, with its citation if readers may cite it."""
    text = emitter.render(kb, site if emitter.site else subject)
    if emitter.cite is not None and isinstance(text, str):
        text = cite.add(text, emitter.cite(kb, subject), path, site)
    return text.encode("utf-8") if isinstance(text, str) else text


def showing(kb: KnowledgeBase, ids: frozenset[str], types: frozenset[str]) -> Work:
    """The generated files of `kb` that show any of the facts `ids` (of the types `types`), and every file of
    the emitters that cannot say (small pages): what an edit of those facts may change."""
    return [
        (path, emitter, subject)
        for emitter in emitters()
        for path, subject in (emitter.files(kb) if emitter.about is None else emitter.about(kb, ids, types))
    ]


def page_paths(kb: KnowledgeBase) -> set[str]:
    """The paths `pages(kb)` will produce, without rendering anything (for link checks)."""
    return {path for path, _, _ in _work(kb)}


Work = list[tuple[str, Emitter, Any]]
"""Generated files to render: (docs path, its emitter, what it is about)."""

Writers = dict[str, set[str]]
"""Each generated path -> who writes it ("event pages: border-exercise-2023"): two or more is a collision."""


def writer(emitter: Emitter, subject: Any) -> str:
    """Who writes a file, as a collision names it: the emitter, and the fact whose page it is. Nothing that
    changes while the writer stays the same (an index part's row count): the preview takes a writer out
    by this name when its files change, and puts it in again without counting it twice."""
    fact_id = getattr(subject, "id", None)
    return f"{emitter.name}: {fact_id}" if isinstance(fact_id, str) else emitter.name


def writers(work: Iterable[tuple[str, Emitter, Any]]) -> Writers:
    """Who writes each path of `work` (all of `kb`'s files, or those an edit touches: see `rewritten`)."""
    out: Writers = {}
    for path, emitter, subject in work:
        out.setdefault(path, set()).add(writer(emitter, subject))
    return out


def all_writers(kb: KnowledgeBase) -> Writers:
    """Who writes each generated file of `kb`."""
    return writers(_work(kb))


def rewritten(
    kept: Writers, before: Iterable[tuple[str, Emitter, Any]], now: Iterable[tuple[str, Emitter, Any]]
) -> Writers:
    """`kept` after an edit: the writers of the files the edit touched as they were (`showing` of the old
    knowledge base) taken out, as they are now put in; the rest, which the edit cannot change, kept. A file
    the edit now touches may have been written all along by the same writer (an index's letter that a
    renamed actor joins): it is that one writer still."""
    out = {path: set(whom) for path, whom in kept.items()}
    for path, emitter, subject in before:
        whom = out.get(path, set())
        whom.discard(writer(emitter, subject))
        if not whom:
            out.pop(path, None)
    for path, emitter, subject in now:
        out.setdefault(path, set()).add(writer(emitter, subject))
    return out


def collisions(kb: KnowledgeBase, known: Writers | None = None) -> dict[str, list[str]]:
    """Paths two generated files would both take, with what would write them (a fact whose id is the
    name of a section's own page, say): the checker reports them, so the build never meets one.
    `known`: the writers already worked out (the preview keeps them between edits)."""
    found = known if known is not None else all_writers(kb)
    return {path: sorted(whom) for path, whom in found.items() if len(whom) > 1}


def previous(docs_dir: Path) -> set[str]:
    """The paths the manifest lists (untrusted: see `Generated.could_write`)."""
    manifest = docs_dir / MANIFEST
    if not manifest.is_file():
        return set()
    text = manifest.read_text("utf-8", errors="replace")
    return {line for line in text.splitlines() if line and not line.startswith("#")}


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # ids, and so every generated folder and file name


@dataclass(frozen=True)
class Generated:
    """The shape of what the renderer writes into docs/: its top-level files (index.md ...), its
    folders (events/ ...) and the suffixes of the files in them. Derived from the renderer's own
    paths, so it cannot drift from them."""

    files: frozenset[str]
    trees: frozenset[str]
    suffixes: frozenset[str]

    @classmethod
    def of(cls, paths: Iterable[str]) -> Generated:
        """The shape of `paths` and of the pages every knowledge base has (the indexes name every folder)."""
        paths = set(paths) | page_paths(KnowledgeBase())
        return cls(
            frozenset(p for p in paths if "/" not in p),
            frozenset(p.split("/", 1)[0] for p in paths if "/" in p),
            frozenset(os.path.splitext(p)[1] for p in paths),
        )

    def could_write(self, rel: str) -> bool:
        """Whether `rel`, a line of a manifest, names a file this renderer could have written. The
        manifest we write holds normalised POSIX paths only: any other form (absolute, `..`, `.`,
        `//`, a backslash, NUL) is refused rather than normalised."""
        if rel in self.files:
            return True
        parts = rel.split("/")
        if len(parts) < 2 or parts[0] not in self.trees:
            return False
        stem, suffix = os.path.splitext(parts[-1])
        return suffix in self.suffixes and all(_SLUG.match(p) for p in [*parts[1:-1], stem])


def _remove_generated(docs_dir: Path, rel: str) -> bool:
    """Delete docs_dir/`rel` (a path `Generated.could_write`) if it is a regular file reached through
    real folders, never through a symbolic link; then its folders left empty, inside its tree only."""
    parts = rel.split("/")
    folder = docs_dir
    try:
        for part in parts[:-1]:
            folder = folder / part
            if not stat.S_ISDIR(os.lstat(folder).st_mode):  # lstat: a link is not a folder here
                return False
        target = folder / parts[-1]
        if not stat.S_ISREG(os.lstat(target).st_mode):
            return False
        target.unlink()
    except FileNotFoundError:
        return False
    tree = docs_dir / parts[0]
    while folder not in (tree, docs_dir):
        try:
            folder.rmdir()  # only if empty
        except OSError:
            break
        folder = folder.parent
    return True


def _check_folders(docs_dir: Path, paths: Iterable[str]) -> None:
    """Refuse to write through a symbolic link in place of a generated folder (it could lead anywhere)."""
    folders = {"/".join(parts[:i]) for parts in (p.split("/") for p in paths) for i in range(1, len(parts))}
    for folder in sorted(folders):
        at = docs_dir / folder
        if at.is_symlink():
            raise OSError(errno.ELOOP, "a symbolic link where kb build writes a folder", str(at))


def write_site(
    kb: KnowledgeBase, docs_dir: Path, files: dict[str, bytes] | None = None, site: cite.Site | None = None
) -> RenderResult:
    """Render `kb` into `docs_dir` (`files`: its pages, if rendered already): write changed files,
    delete generated files no longer produced. OSError (a full disk, a read-only folder) names the file."""
    files = pages(kb, site=site) if files is None else files
    result = RenderResult()
    started = time.perf_counter()
    _check_folders(docs_dir, files)
    for rel, data in files.items():
        if write_if_changed(docs_dir / rel, data, make_dirs=True):
            result.written.append(rel)
        else:
            result.unchanged += 1
    generated = Generated.of(files)
    for rel in sorted(previous(docs_dir) - files.keys()):
        if generated.could_write(rel) and _remove_generated(docs_dir, rel):
            result.deleted.append(rel)
    manifest = "# Files generated by `kb build` from data/; do not edit.\n" + "".join(f"{p}\n" for p in files)
    write_if_changed(docs_dir / MANIFEST, manifest.encode("utf-8"), make_dirs=True)
    result.write_seconds = time.perf_counter() - started
    return result
