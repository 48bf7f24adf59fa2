"""Write the generated part of the docs tree: every page, chart and download, from the knowledge base.

A file is written only when its bytes change (so `mkdocs serve` rebuilds only for real changes,
and never loops on our own writes), and a generated file whose fact is gone is deleted. What we
generated is recorded in `docs/.generated` (a dot-file, which MkDocs ignores), so hand-written
pages beside the generated ones are never touched.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from kb.model import FACT_KINDS, FOLDERS, KnowledgeBase
from kb.render import actor, briefing, downloads, event, figure, home, place, reference, source, spending
from kb.render.indexes import INDEXES
from kb.render.relations import relations

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


def _work(kb: KnowledgeBase) -> list[Callable[[], dict[str, str | bytes]]]:
    """Everything to render, in a fixed order, each step giving docs-relative paths and contents."""
    steps: list[Callable[[], dict[str, str | bytes]]] = [
        lambda: {"index.md": home.render(kb)}, lambda: {"spending.md": spending.render(kb)},
        lambda: {"downloads/index.md": downloads.render(kb)}, lambda: downloads.files(kb), reference.files]
    steps += [lambda p=path, r=render_index: {p: r(kb)} for path, render_index in INDEXES.items()]
    per_fact: list[tuple[dict, Any]] = [
        (kb.briefings, briefing), (kb.actors, actor), (kb.places, place), (kb.events, event), (kb.sources, source)]
    for facts, module in per_fact:
        steps += [lambda f=fact, m=module: {m.path(f): m.render(kb, f)} for fact in facts.values()]
    steps += [lambda a=actor_id, m=metric, f=figs: {figure.path(a, m): figure.render(kb, a, m, f)}
              for (actor_id, metric), figs in relations(kb).series.items()]
    return steps


def pages(kb: KnowledgeBase, share: tuple[int, int] = (0, 1)) -> dict[str, bytes]:
    """Every generated file: docs-relative POSIX path -> bytes, sorted by path. Pure: same knowledge
    base, same bytes. `share=(k, n)`: only the k-th of n interleaved shares of the work, for n processes."""
    k, n = share
    out: dict[str, str | bytes] = {}
    for step in _work(kb)[k::n]:
        out.update(step())
    return {path: text.encode("utf-8") if isinstance(text, str) else text for path, text in sorted(out.items())}


def page_paths(kb: KnowledgeBase) -> set[str]:
    """The paths `pages(kb)` will produce, without rendering anything (for link checks)."""
    out = {"index.md", "spending.md", "downloads/index.md", *INDEXES, *reference.files()}
    for facts, module in ((kb.briefings, briefing), (kb.actors, actor), (kb.places, place), (kb.events, event),
                          (kb.sources, source)):
        out.update(module.path(fact) for fact in facts.values())
    out.update(figure.path(actor_id, metric) for actor_id, metric in kb.series())
    out.update(f"downloads/{FOLDERS[kind]}.{ext}" for kind in FACT_KINDS for ext in ("json", "csv"))
    return out


def previous(docs_dir: Path) -> set[str]:
    """The paths the last render wrote, from the manifest."""
    manifest = docs_dir / MANIFEST
    if not manifest.is_file():
        return set()
    return {line for line in manifest.read_text("utf-8").splitlines() if line and not line.startswith("#")}


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` to `path` atomically unless it already holds exactly those bytes."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def write_site(kb: KnowledgeBase, docs_dir: Path, files: dict[str, bytes] | None = None) -> RenderResult:
    """Render `kb` into `docs_dir` (`files`: its pages, if rendered already): write changed files,
    delete generated files no longer produced."""
    files = pages(kb) if files is None else files
    result = RenderResult()
    started = time.perf_counter()
    for rel, data in files.items():
        if write_if_changed(docs_dir / rel, data):
            result.written.append(rel)
        else:
            result.unchanged += 1
    for rel in sorted(previous(docs_dir) - files.keys()):
        target = docs_dir / rel
        if target.is_file():
            target.unlink()
            result.deleted.append(rel)
        parent = target.parent
        while parent != docs_dir and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    manifest = "# Files generated by `kb build` from data/; do not edit.\n" + "".join(f"{p}\n" for p in files)
    write_if_changed(docs_dir / MANIFEST, manifest.encode("utf-8"))
    result.write_seconds = time.perf_counter() - started
    return result
