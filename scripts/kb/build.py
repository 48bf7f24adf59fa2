"""`kb build`: check, render the docs tree, then `mkdocs build --strict` into a fresh directory
that replaces site/ only when the build succeeded.

Same input, same bytes: pages carry no build time, everything is sorted, and SOURCE_DATE_EPOCH
(the reproducible-builds convention MkDocs honours for sitemap.xml's lastmod and the mtime in
sitemap.xml.gz) is set from the newest date in the data unless the caller set it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from calendar import timegm
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import yaml

from kb.check import check
from kb.model import KnowledgeBase
from kb.render.site import RenderResult, write_site
from kb.report import write_text


@dataclass(frozen=True)
class Project:
    """Where things are, as mkdocs.yml says (paths relative to the config file)."""

    config: Path
    docs_dir: Path
    site_dir: Path

    @classmethod
    def locate(cls, config: Path, data_dir: Path, site_dir: Path | None = None) -> Project:
        """The project of `config`; FileNotFoundError naming what is missing."""
        if not config.is_file():
            raise FileNotFoundError(f"no such MkDocs config: {config}")
        if not data_dir.is_dir():
            raise FileNotFoundError(f"no such data directory: {data_dir}")
        return cls.from_config(config, site_dir)

    @classmethod
    def from_config(cls, config: Path, site_dir: Path | None = None) -> Project:
        settings = yaml.safe_load(config.read_text("utf-8")) or {}
        root = config.parent
        return cls(config, root / settings.get("docs_dir", "docs"), site_dir or root / settings.get("site_dir", "site"))


class BuildError(Exception):
    """The build stopped; the message says why, and site/ was left as it was."""


def source_date_epoch(kb: KnowledgeBase) -> int:
    """Seconds since 1970 of the newest date in the data (briefings, events, sources): stable for the same input."""
    dates = [b.date for b in kb.briefings.values()] + [e.date for e in kb.events.values() if not e.planned]
    dates += [s.published for s in kb.sources.values()] + [s.retrieved for s in kb.sources.values()]
    known = [d for d in dates if d is not None]
    if not known:
        return 0
    newest = max(known, key=lambda d: d.sort_key())
    return timegm(newest.first_day().timetuple())


def mkdocs_env(kb: KnowledgeBase) -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.setdefault("SOURCE_DATE_EPOCH", str(source_date_epoch(kb)))
    return env


def render(data_dir: Path, project: Project, out: TextIO | None = None,
           timings: dict[str, float] | None = None) -> tuple[KnowledgeBase, RenderResult]:
    """Check `data_dir` and write the docs tree; raise BuildError (after printing the findings) on errors.
    `timings`, when given, receives the seconds spent in "check", "render" and "write"."""
    out = out or sys.stdout
    started = time.perf_counter()
    result = check(data_dir)
    checked = time.perf_counter() - started
    if result.errors:
        write_text(result.findings, result.files, out)
        raise BuildError(f"{len(result.errors)} error(s) in {data_dir}: fix them and build again")
    rendered = write_site(result.kb, project.docs_dir)
    if timings is not None:
        timings.update(check=checked, render=rendered.render_seconds, write=rendered.write_seconds)
    return result.kb, rendered


def mkdocs_build(project: Project, env: dict[str, str]) -> None:
    """`mkdocs build --strict` into a temporary directory beside site/, then swap it in."""
    project.site_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{project.site_dir.name}-new-", dir=project.site_dir.parent))
    try:
        run = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(project.config),
             "--site-dir", str(tmp)],
            env=env, capture_output=True, text=True, cwd=project.config.parent,
        )
        if run.returncode != 0:
            lines = [ln for ln in (run.stdout + run.stderr).splitlines()
                     if ln.startswith(("WARNING", "ERROR", "Aborted", "Error", "Config value")) or "Traceback" in ln]
            detail = "\n".join(lines[-30:]) or (run.stdout + run.stderr).strip()[-3000:]
            raise BuildError(f"mkdocs build --strict failed:\n{detail}")
        swap(tmp, project.site_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def swap(new: Path, site: Path) -> None:
    """Put the finished `new` tree at `site`; the old one is removed only after the new one is in place."""
    old = None
    if site.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{site.name}-old-", dir=site.parent))
        os.replace(site, old / site.name)
    os.replace(new, site)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(data_dir: Path, project: Project, out: TextIO | None = None) -> None:
    """Check, render and publish; raise BuildError with the reason when anything fails."""
    out = out or sys.stdout
    started = time.perf_counter()
    timings: dict[str, float] = {}
    kb, rendered = render(data_dir, project, out, timings)
    out.write(f"kb build: docs: {rendered.summary()}\n")
    mkdocs_started = time.perf_counter()
    mkdocs_build(project, mkdocs_env(kb))
    timings["mkdocs"] = time.perf_counter() - mkdocs_started
    pages = sum(1 for _ in project.site_dir.rglob("*.html"))
    out.write(f"kb build: {project.site_dir} updated: {pages} pages in {time.perf_counter() - started:.1f} s\n")
    out.write("kb build: time: " + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in timings.items()) + "\n")
