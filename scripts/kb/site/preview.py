"""The live preview's site, kept between edits, so that an edit costs its own pages rather than a build.

`Preview.start` builds as `kb build` does (every file read and checked, every page rendered, MkDocs's
build kept as a `publish.Site`). `Preview.refresh` then takes an edit:

1. the data files whose size or time changed are read again; the rest is what was read before;
2. the knowledge base is assembled from them and checked by every rule (a fraction of a second at
   10,000 facts); on an error the findings are printed and the last good site stays up;
3. the facts the edit changed, and those whose pages show them (what they link to, what links to them,
   and one step further through events: an actor's page lists the places of its events), are the facts
   whose pages, continuation pages, index parts and downloads are rendered again (`render.site.showing`);
4. the files whose bytes changed are written to docs/, and MkDocs's kept site rebuilds just those pages
   (and writes Material's whole search index, where its search is on: the offline edition); with
   Pagefind's search (kb.site.search, the site's), its service indexes the rebuilt pages again in the
   background and rewrites its bundle.

Hand-written pages and assets (docs/about.md, docs/assets/) are rebuilt when they change; a change to
mkdocs.yml or the templates starts over.

The history from git (kb.core.history: fact pages' History sections, the Changes pages, the feeds, the
citations' last-change dates and the revised-since-cited notes) is read once, at the start: it comes from
commits, not from edits, so an edit changes what these pages call a fact, never what its history says. A
commit made while the preview runs shows when it is started again (or in `kb build`).
"""

from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from kb.check.report import write_text
from kb.check.run import CheckResult, FileOutcome, assemble, read_file, rule_findings
from kb.core import history
from kb.core.cores import cpus
from kb.core.facts import Event, Fact
from kb.core.files import scan, write_if_changed
from kb.core.findings import Finding
from kb.core.model import KnowledgeBase
from kb.site import publish, search
from kb.site.build import BuildError, Project, mkdocs_env
from kb.site.doclinks import collision_findings
from kb.site.render.site import Work, Writers, all_writers, pages, rendered, rewritten, showing, write_site

Signature = tuple[int, int]  # (mtime in ns, size): a file read again when either moves


def _signature(path: Path) -> Signature:
    st = os.lstat(path)
    return st.st_mtime_ns, st.st_size


@dataclass
class Refresh:
    """What one refresh did: the files read again, the docs files written, the pages MkDocs rebuilt."""

    read: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rebuilt: int = 0
    errors: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        if self.errors:
            return f"{self.errors} error(s): the last good pages stay up"
        return (
            f"{self.read} file(s) read, {len(self.written)} page(s) written, {len(self.removed)} removed, "
            f"{self.rebuilt} built in {self.seconds:.2f} s"
        )


@dataclass
class Preview:
    data_dir: Path
    project: Project
    seen: dict[Path, Signature]
    outcomes: dict[Path, FileOutcome]
    special: list[Finding]
    result: CheckResult
    docs: dict[str, bytes]  # the generated files as written
    hand: dict[str, Signature]  # hand-written docs files, as built
    site: publish.Site | None  # None: plugins whose state is not kept (each refresh builds everything)
    config: Any = None
    writers: Writers = field(default_factory=dict)  # who writes each generated file, for page collisions
    pagefind: search.Service | None = None  # Pagefind's index, kept; None: Material's search (in the site)
    past: history.History = field(default_factory=history.History)  # read at the start, kept (see above)

    @classmethod
    def start(cls, data_dir: Path, project: Project, site_dir: Path, out: TextIO) -> Preview:
        """Read, check, render and build everything once, into `site_dir`."""
        listed, special = scan(data_dir)
        seen = {path: _signature(path) for path, _ in listed}
        past = history.read(data_dir)
        past.repository = project.site.repo_url
        outcomes = {path: read_file(path, fact_type, data_dir) for path, fact_type in listed}
        result = _checked(outcomes, special, past)
        known = all_writers(result.kb) if not result.errors else {}
        _add(result, collision_findings(result.kb, known))
        if result.errors:
            write_text(result.findings, result.files, out)
            raise BuildError(f"{len(result.errors)} error(s) in {data_dir}: fix them and start again")
        docs = pages(result.kb, site=project.site)
        write_site(result.kb, project.docs_dir, docs)
        os.environ.update(mkdocs_env(result.kb))
        config = publish.load(project.config, site_dir, strict=False, policy=False)
        site = publish.build(config, cpus())
        index = search.Service(site_dir) if search.uses_pagefind(config) else None
        gc.freeze()  # what is read and built stays: the collector need not walk it after every edit
        hand = _hand_written(project, docs)
        return cls(data_dir, project, seen, outcomes, special, result, docs, hand, site, config, known, index, past)

    def refresh(self, out: TextIO) -> Refresh:
        """Take what changed on disk since the last refresh; see the module's docstring."""
        started = time.perf_counter()
        done = Refresh()
        listed, special = scan(self.data_dir)
        now = dict(listed)
        changed = [path for path in now if self.seen.get(path) != _signature(path)]
        gone = [path for path in self.seen if path not in now]
        hand = _hand_written(self.project, self.docs)
        hand_changed = sorted(uri for uri, sig in hand.items() if self.hand.get(uri) != sig)
        hand_gone = sorted(uri for uri in self.hand if uri not in hand)
        if not changed and not gone and not hand_changed and not hand_gone and special == self.special:
            return done
        outcomes = dict(self.outcomes)
        for path in gone:
            outcomes.pop(path, None)
        for path in changed:
            outcomes[path] = read_file(path, now[path], self.data_dir)
        done.read = len(changed)
        result = _checked(outcomes, special, self.past)
        if not result.errors:
            old = self.result.kb
            edited = {o.fact.id for p in [*changed, *gone] if (o := self.outcomes.get(p)) and o.fact}
            edited |= {o.fact.id for p in changed if (o := outcomes[p]).fact}
            ids = frozenset(neighbours(old, edited) | neighbours(result.kb, edited))
            types = frozenset(f.TYPE for i in edited for kb in (old, result.kb) if (f := kb.get(i)) is not None)
            if _names_changed(old, result.kb, edited):
                ids |= frozenset(result.kb.figures) | frozenset(old.figures)  # metric words take names' capitals
            shown_before, shown_now = showing(old, ids, types), showing(result.kb, ids, types)
            shown_now += still_there(result.kb, shown_before, shown_now)
            # Only the files the edit touched can change who writes a path: the rest of the map is kept.
            known = rewritten(self.writers, shown_before, shown_now)
            _add(result, collision_findings(result.kb, known))
        if result.errors:
            write_text(result.findings, result.files, out)
            done.errors = len(result.errors)
            return done
        before = {uri for uri, _, _ in shown_before}
        now_files = {uri: (emitter, subject) for uri, emitter, subject in shown_now}
        docs = dict(self.docs)
        for uri, (emitter, subject) in sorted(now_files.items()):
            data = rendered(result.kb, uri, emitter, subject, self.project.site)
            if docs.get(uri) != data:
                docs[uri] = data
                write_if_changed(self.project.docs_dir / uri, data, make_dirs=True)
                done.written.append(uri)
        for uri in sorted(before - now_files.keys()):
            docs.pop(uri, None)
            (self.project.docs_dir / uri).unlink(missing_ok=True)
            done.removed.append(uri)
        if self.site is not None:
            rebuilt = self.site.update([*done.written, *hand_changed], [*done.removed, *hand_gone])
            done.rebuilt = len(rebuilt)
            if self.pagefind is not None:
                self.pagefind.update([_built(uri) for uri in rebuilt], [_built(uri) for uri in done.removed])
        else:
            publish.build(self.config, 1)
            done.rebuilt = len(self.docs)
            if self.pagefind is not None:
                self.pagefind.rebuild()
        self.seen = {path: _signature(path) for path in now if path in self.seen and path not in changed}
        self.seen.update((path, _signature(path)) for path in changed)
        self.outcomes, self.special, self.result, self.docs, self.hand = outcomes, special, result, docs, hand
        self.writers = known
        done.seconds = time.perf_counter() - started
        return done


def _built(uri: str) -> str:
    """The page a docs file becomes (links end in .html: use_directory_urls is off)."""
    return uri[: -len(".md")] + ".html" if uri.endswith(".md") else uri


def _checked(outcomes: dict[Path, FileOutcome], special: list[Finding], past: history.History) -> CheckResult:
    """The files read and checked by the rules; page collisions are added by the caller (`_add`), from
    who writes what, which a refresh works out for the touched files only."""
    result = assemble((outcomes[path] for path in sorted(outcomes)), special)
    result.kb.history = past  # read at the start (see above)
    _add(result, rule_findings(result.kb))
    return result


def _add(result: CheckResult, findings: list[Finding]) -> None:
    result.findings.extend(findings)
    result.findings.sort()


def still_there(kb: KnowledgeBase, before: Work, now: Work) -> Work:
    """The files that showed the edited facts and show none of them now, yet still exist: an edit can move a
    fact out of a file that gathers facts by a key (an index's letter, a year's page, a figure series), and
    the file stays for the others. Their emitters list their files of `kb` to say (only those emitters)."""
    gone = {path for path, _, _ in before} - {path for path, _, _ in now}
    found: Work = []
    for emitter in {e.name: e for path, e, _ in before if path in gone}.values():
        found += [(path, emitter, subject) for path, subject in emitter.files(kb) if path in gone]
    return found


def neighbours(kb: KnowledgeBase, ids: set[str]) -> set[str]:
    """The facts whose pages may show any of `ids`: themselves, what they refer to (it lists them back),
    what refers to them (it shows their names), and what those events involve (an actor's page lists the
    places of its events, a place's page the actors of its events)."""
    out = set(ids)
    for fact_id in ids:
        fact = kb.get(fact_id)
        if fact is not None:
            out |= {r.target for r in fact.references()}
        for ref in kb.cited_by.get(fact_id, ()):
            out.add(ref.origin.id)
            if isinstance(ref.origin, Event):
                out |= {r.target for r in ref.origin.references()}
    return out


def _names_changed(old: KnowledgeBase, new: KnowledgeBase, ids: set[str]) -> bool:
    """Whether an actor's or place's name changed (metric words borrow the capitals of names)."""

    def name(kb: KnowledgeBase, fact_id: str) -> str | None:
        fact: Fact | None = kb.actors.get(fact_id) or kb.places.get(fact_id)
        return fact.label if fact is not None else None

    return any(name(old, i) != name(new, i) for i in ids)


def _hand_written(project: Project, generated: dict[str, bytes]) -> dict[str, Signature]:
    """The docs files the build does not generate (docs/about.md, docs/assets/...), as they are on disk."""
    docs = project.docs_dir
    out = {}
    for root, dirs, files in os.walk(docs):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(root) / name
            uri = path.relative_to(docs).as_posix()
            if uri not in generated and not name.startswith("."):
                out[uri] = _signature(path)
    return out
