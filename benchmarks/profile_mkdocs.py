"""Where `mkdocs build --strict` spends its time, stage by stage, for one project (CPU seconds).

    python benchmarks/profile_mkdocs.py benchmarks/out/n10000/kb/mkdocs.yml
    python benchmarks/profile_mkdocs.py benchmarks/out/n10000/bare/mkdocs.yml   # the yardstick

Runs the build in this process with thin timers around MkDocs' own steps: each Python-Markdown
preprocessor, the block parser, each tree processor (the inline patterns, mkdocs's link rewriting
and validation, toc...), serialisation and postprocessors; the theme's page template; the search
plugin's indexing; writing files; sitemap and 404; copying static files. Markdown and search time
are also split by page type (top folder; index pages by name). The figures are CPU time (less
disturbed than the wall clock by other work on the machine), for relative comparison; cProfile
would distort them several times over. The timers patch MkDocs, Python-Markdown and the Material
search plugin as installed (MkDocs 1.6, Markdown 3.x, Material 9.x): a tool for this benchmark, not
for builds. The site goes to a temporary directory.
"""

from __future__ import annotations

import collections
import functools
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

import material.plugins.search.plugin as search
from markdown import core
from mkdocs import utils
from mkdocs.commands import build as mkbuild
from mkdocs.config import load_config
from mkdocs.structure import files as mkfiles
from mkdocs.structure import pages as mkpages

T: collections.Counter[str] = collections.Counter()
clock = time.process_time


def page_kind(src_uri: str) -> str:
    return src_uri if "/" not in src_uri or src_uri.endswith("index.md") else src_uri.split("/", maxsplit=1)[0]


def timed(key: str, label: str | None = None, page_of=None):
    """Time a function under `key`; with `label`, also under that label for the kind of page
    `page_of(*args, **kwargs)` returns."""

    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            start = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = clock() - start
                T[key] += spent
                if label:
                    T[f"  by page: {label} {page_kind(page_of(*args, **kwargs).file.src_uri)}"] += spent

        return inner

    return wrap


def convert(self, source: str) -> str:
    """Python-Markdown's Markdown.convert, one timer per processor."""
    if not source.strip():
        return ""
    self.lines = source.split("\n")
    for prep in self.preprocessors:
        start = clock()
        self.lines = prep.run(self.lines)
        T[f"markdown: pre {type(prep).__name__}"] += clock() - start
    start = clock()
    root = self.parser.parseDocument(self.lines).getroot()
    T["markdown: block parser (lists, tables, admonitions...)"] += clock() - start
    for proc in self.treeprocessors:
        start = clock()
        new = proc.run(root)
        T[f"markdown: tree {type(proc).__module__.split('.')[-1]}.{type(proc).__name__}"] += clock() - start
        if new is not None:
            root = new
    start = clock()
    output = self.serializer(root)
    begin = output.index(f"<{self.doc_tag}>") + len(self.doc_tag) + 2
    output = output[begin : output.rindex(f"</{self.doc_tag}>")].strip()
    T["markdown: serialise"] += clock() - start
    for post in self.postprocessors:
        start = clock()
        output = post.run(output)
        T[f"markdown: post {type(post).__name__}"] += clock() - start
    return output.strip()


def install() -> None:
    core.Markdown.convert = convert
    core.Markdown.__init__ = timed("markdown: Markdown() set up, once per page")(core.Markdown.__init__)
    mkpages.Page.render = timed("MARKDOWN total (page.render: the markdown lines)", "markdown", lambda self, *_: self)(
        mkpages.Page.render
    )
    mkpages.Page.read_source = timed("read source and front matter")(mkpages.Page.read_source)
    mkbuild._build_page = timed("PAGE OUTPUT (theme template + search + write)")(mkbuild._build_page)
    search.SearchPlugin.on_page_context = timed("search: index page HTML", "search", lambda *_, page, **__: page)(
        search.SearchPlugin.on_page_context
    )
    search.SearchPlugin.on_post_build = timed("search: write search_index.json")(search.SearchPlugin.on_post_build)
    utils.write_file = timed("write files")(utils.write_file)
    mkbuild.get_context = timed("page context")(mkbuild.get_context)
    mkbuild._build_theme_template = timed("sitemap, 404")(mkbuild._build_theme_template)
    mkfiles.Files.copy_static_files = timed("copy static files")(mkfiles.Files.copy_static_files)
    mkbuild.get_files = timed("list files")(mkbuild.get_files)
    mkfiles.Files.add_files_from_theme = timed("list theme files")(mkfiles.Files.add_files_from_theme)
    mkbuild.get_navigation = timed("navigation")(mkbuild.get_navigation)
    mkpages.Page.validate_anchor_links = timed("validate anchors")(mkpages.Page.validate_anchor_links)


def main(config: str) -> int:
    logging.basicConfig(level=logging.WARNING)
    install()
    with tempfile.TemporaryDirectory() as site:
        cfg = load_config(config, site_dir=site, strict=True)
        cfg.plugins.on_startup(command="build", dirty=False)
        start = clock()
        mkbuild.build(cfg)
        total = clock() - start
        pages = sum(1 for _ in Path(site).rglob("*.html"))
    theme = (
        T["PAGE OUTPUT (theme template + search + write)"]
        - T["search: index page HTML"]
        - T["write files"]
        - T["page context"]
    )
    T["theme: page template and navigation (page output less search, write, context)"] = theme
    print(f"mkdocs build: {total:.2f} s CPU, {pages} HTML files, {1000 * total / pages:.2f} ms per file")
    for key, spent in sorted(T.items(), key=lambda kv: -kv[1]):
        if spent >= 0.005 * total:
            print(f"{spent:8.2f} s {100 * spent / total:5.1f}%  {key}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
