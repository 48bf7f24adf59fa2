"""Command line: `kb check`, and the other commands as they arrive. Argument parsing only."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kb import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
OFFLINE_CONFIG = "mkdocs-offline.yml"  # the offline edition's configuration (kb.site.offline)


def complain(command: str, message: str, hint: str = "") -> None:
    """A usage problem, said the way findings are: the message, then the hint on its own line."""
    print(f"kb {command}: {message}" + (f"\n    hint: {hint}" if hint else ""), file=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    from kb.check.report import WRITERS
    from kb.check.run import check
    from kb.core import history

    missing = [p for p in args.paths if not p.is_dir()]
    if missing:
        print(f"kb check: no such data directory: {missing[0]}", file=sys.stderr)
        return EXIT_USAGE
    findings, files = [], 0
    from kb.site.doclinks import collision_findings

    for data_dir in args.paths:
        result = check(data_dir, history.read(data_dir))
        found = sorted(result.findings + collision_findings(result.kb))
        if args.changed_since:
            from kb.check.changes import changed_findings
            from kb.core.git import GitError

            try:
                found = changed_findings(found, data_dir, args.changed_since)
            except GitError as exc:
                complain("check", exc.message, exc.hint)
                return EXIT_USAGE
        if args.external:
            from kb.check.external import Cache, external_findings

            found += external_findings(result.kb, Cache(args.cache, args.max_age * 86400), timeout=args.timeout)
        findings += sorted(found)
        files += result.files
    if len(args.paths) == 1 and args.docs.is_dir():
        from kb.site.doclinks import check_docs

        findings += check_docs(args.docs, result.kb)
    if args.site:
        if not args.site.is_dir():
            print(f"kb check: no built site at {args.site}: run `kb build` first", file=sys.stderr)
            return EXIT_USAGE
        from kb.site.sitecheck import check_site, page_origin

        findings += check_site(args.site, page_origin(args.docs, result.kb))
    WRITERS[args.format](findings, files, sys.stdout)
    failing = [f for f in findings if f.severity == "error" or args.strict]
    return EXIT_FINDINGS if failing else EXIT_OK


def _add_check(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    c = sub.add_parser(
        "check",
        help="validate the data: YAML, schemas and consistency rules",
        description="Check YAML hygiene, schemas and whole-graph rules, and the links in hand-written "
        "pages (--docs, with one data directory); optionally the built site (--site) and "
        "source URLs (--external). Exit 0 when no errors, 1 when errors (or warnings with "
        "--strict), 2 on usage errors.",
    )
    c.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[Path("data")],
        metavar="PATH",
        help="data directories to check (default: data)",
    )
    c.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text (default), json, or github workflow annotations",
    )
    c.add_argument("--strict", action="store_true", help="fail on warnings too")
    c.add_argument(
        "--changed-since",
        metavar="REV",
        help="report only findings in files changed since the git revision REV, "
        "plus findings anywhere that the change caused (judged on the whole index)",
    )
    c.add_argument("--site", type=Path, metavar="DIR", help="also check links and #fragments in the built site DIR")
    c.add_argument(
        "--docs",
        type=Path,
        default=Path("docs"),
        help="hand-written pages whose links are checked too (with one data directory), and the tree "
        "--site was built from (default: docs)",
    )
    c.add_argument("--external", action="store_true", help="also check that source URLs answer (network)")
    c.add_argument(
        "--cache",
        type=Path,
        default=Path(".kb-cache/urls.json"),
        help="where --external remembers URLs that answered (default: .kb-cache/urls.json)",
    )
    c.add_argument(
        "--max-age",
        type=float,
        default=7,
        metavar="DAYS",
        help="how long a URL that answered is trusted without asking again (default: 7)",
    )
    c.add_argument(
        "--timeout",
        type=float,
        default=10,
        metavar="SECONDS",
        help="seconds each URL may take in all, redirects included (default: 10)",
    )
    c.set_defaults(run=_check)


def _build(args: argparse.Namespace) -> int:
    from kb.core.files import environment_hint
    from kb.site.build import BuildError, Interrupted, Project, build, stoppable

    config = args.config or Path(OFFLINE_CONFIG if args.offline else "mkdocs.yml")
    try:
        project = Project.locate(config, args.data, args.site_dir)
    except FileNotFoundError as exc:
        print(f"kb build: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        with stoppable():
            build(args.data, project, jobs=args.jobs)
    except BuildError as exc:
        if exc.usage:
            complain("build", str(exc), exc.hint)
            return EXIT_USAGE
        complain("build", f"{exc}\nkb build: {project.site_dir} was left as it was", exc.hint)
        return EXIT_FINDINGS
    except OSError as exc:  # the environment (a full disk, a read-only folder), met outside the steps that say so
        complain("build", f"cannot use {exc.filename}: {exc.strerror}", environment_hint(exc.errno))
        return EXIT_FINDINGS
    except Interrupted as exc:
        state = "holds the last complete build" if project.site_dir.is_dir() else "was not built"
        complain("build", f"stopped by {exc}; {project.site_dir} {state}")
        return 128 + exc.signum
    return EXIT_OK


def _add_build(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    c = sub.add_parser(
        "build",
        help="check, render docs/ and build the site with mkdocs --strict",
        description="Check the data (refusing to build on errors), render the generated pages "
        "into docs/, then build the site as `mkdocs build --strict` would (on every core) and index it "
        "for search (Pagefind), into a temporary directory that replaces the site directory only on success. "
        "Exit 0 built, 1 not built, 2 usage.",
    )
    c.add_argument(
        "data", nargs="?", type=Path, default=Path("data"), metavar="DATA", help="data directory (default: data)"
    )
    c.add_argument(
        "--config",
        type=Path,
        default=None,
        help=f"MkDocs config (default: mkdocs.yml; with --offline, {OFFLINE_CONFIG})",
    )
    c.add_argument("--site-dir", type=Path, default=None, help="output directory (default: site_dir of the config)")
    c.add_argument(
        "--offline",
        action="store_true",
        help=f"the offline edition ({OFFLINE_CONFIG}): a site to read from file://, and its zip beside the "
        "site directory (site-offline.zip); any config with Material's offline plugin is built so",
    )
    c.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes to check, render and build with (default: every core)",
    )
    c.set_defaults(run=_build)


def _serve(args: argparse.Namespace) -> int:
    from kb.site.build import Project
    from kb.site.serve import ServeError, serve

    try:
        project = Project.locate(args.config, args.data)
    except FileNotFoundError as exc:
        print(f"kb serve: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return serve(args.data, project, args.host, args.port)
    except ServeError as exc:
        complain("serve", exc.message, exc.hint)
        return EXIT_USAGE


def _add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    c = sub.add_parser(
        "serve",
        help="live preview: an edit rebuilds the pages it touches, and the open page reloads",
        description="Build the site once, serve it on 127.0.0.1 with live reload, and on every saved edit "
        "of the data or the hand-written pages rebuild only the pages it touches (backlinks, indexes, "
        "briefings and the search index stay current). Data errors are printed; the last good pages stay up.",
    )
    c.add_argument(
        "data", nargs="?", type=Path, default=Path("data"), metavar="DATA", help="data directory (default: data)"
    )
    c.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="MkDocs config (default: mkdocs.yml)")
    c.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    c.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    c.set_defaults(run=_serve)


def _new(args: argparse.Namespace) -> int:
    from kb.edit.scaffold import NewError, new

    try:
        created = new(args.type, args.title, args.data, fact_id=args.id)
    except NewError as exc:
        complain("new", exc.message, exc.hint)
        return EXIT_USAGE if exc.usage else EXIT_FINDINGS
    how = " (from the title; choose another with --id before anything links to it)" if created.id_from_title else ""
    print(f"created {created.path}\n    id: {created.id}{how}")
    for other in created.similar:
        print(
            f"    note: close to the existing {other.type} '{other.id}' ({other.label}) in {other.path}; "
            "if it is the same fact, edit that file instead and delete the new one"
        )
    print(f"next: fill in the empty fields, then run: kb fmt {created.path} && kb check {args.data}")
    return EXIT_OK


def _add_new(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    c = sub.add_parser(
        "new",
        help="write a commented skeleton for a new fact or briefing",
        description="Create data/<folder>/<id>.yaml (briefings: data/briefings/<id>.md) with every "
        "required field, comments from the schema and the editor schema line. The id is "
        "made from the title unless --id is given; dates default to today (KB_TODAY=YYYY-MM-DD "
        "pins it). Never overwrites a file or reuses an id. Exit 0 when created, "
        "1 when the id is taken, 2 on bad input.",
    )
    c.add_argument(
        "type", metavar="TYPE", help="the fact type: event, actor, source, briefing ... (a wrong one gets the list)"
    )
    c.add_argument("title", metavar="TITLE", help="the title (or, for actors and places, the name), in quotes")
    c.add_argument("--id", help="the id to use instead of one made from the title")
    c.add_argument("--data", type=Path, default=Path("data"), metavar="DIR", help="the data directory (default: data)")
    c.set_defaults(run=_new)


def _fmt(args: argparse.Namespace) -> int:
    from kb.edit.fmt import run

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"kb fmt: no such file or directory: {missing[0]}", file=sys.stderr)
        return EXIT_USAGE
    return run(args.paths, check=args.check, show_diff=args.diff, out=sys.stdout)


def _add_fmt(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    c = sub.add_parser(
        "fmt",
        help="put fact files into the canonical form (key order, quoting, list style)",
        description="Format fact files and briefing front matter: keys in schema order, dates "
        "double-quoted, ids plain, short lists in flow style, 2-space indentation. "
        "Comments and values are never changed. Exit 0 when done (or, with --check, "
        "nothing to change), 1 when files would change or cannot be formatted, 2 on usage errors.",
    )
    c.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[Path("data")],
        metavar="PATH",
        help="files or directories to format (default: data)",
    )
    c.add_argument(
        "--check", action="store_true", help="change nothing; list the files that would change and exit 1 if any"
    )
    c.add_argument("--diff", action="store_true", help="also show the changes as a unified diff")
    c.set_defaults(run=_fmt)


def _diff(args: argparse.Namespace) -> int:
    from kb.core.git import GitError
    from kb.edit.diff import WRITERS, diff

    try:
        result = diff(args.since, args.data, args.until)
    except GitError as exc:
        complain("diff", exc.message, exc.hint)
        return EXIT_USAGE
    sys.stdout.write(WRITERS[args.format](result))
    return EXIT_OK


def _add_diff(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    c = sub.add_parser(
        "diff",
        help="what changed in the knowledge base since a git revision, fact by fact",
        description="Compare the data directory at git revision REV with the working tree (or with "
        "revision UNTIL): facts added, removed, renamed and changed (each field with its old "
        "and new value), briefings touched, references broken. Markdown output is meant "
        "for $GITHUB_STEP_SUMMARY. Exit 0 when compared, 2 on usage errors.",
    )
    c.add_argument("since", metavar="REV", help="the revision to compare with: a branch, tag or commit (main, HEAD~3)")
    c.add_argument("until", metavar="UNTIL", nargs="?", help="compare with this revision instead of the working tree")
    c.add_argument("--data", type=Path, default=Path("data"), metavar="DIR", help="the data directory (default: data)")
    c.add_argument("--format", choices=("text", "markdown"), default="text", help="text (default) or markdown")
    c.set_defaults(run=_diff)


def _schema_doc(args: argparse.Namespace) -> int:
    from kb.edit.schemadoc import schema_reference_markdown

    text = schema_reference_markdown()
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    from kb.core.files import write_if_changed

    try:
        if not write_if_changed(args.output, text.encode("utf-8")):
            return EXIT_OK  # unchanged: leave the file (and its timestamp) alone, so watchers do not rebuild
    except OSError as exc:
        print(f"kb schema-doc: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {args.output}")
    return EXIT_OK


def _add_schema_doc(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    c = sub.add_parser(
        "schema-doc",
        help="print the fact file reference (Markdown) generated from the JSON Schemas",
        description="Generate the Markdown reference of every fact type (fields, types, required, "
        "allowed values, descriptions, a kb new example) from scripts/kb/schemas/*.json.",
    )
    c.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE (only if it changes) instead of printing"
    )
    c.set_defaults(run=_schema_doc)


# One function per command; each adds its subparser and sets `run` to a function returning the exit code.
# One function per command; each adds its subparser and sets `run` to a function returning the exit code.
COMMANDS = [_add_check, _add_build, _add_serve, _add_new, _add_fmt, _add_diff, _add_schema_doc]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kb", description="Baltic Security Briefings: check and build the knowledge base.")
    p.add_argument("--version", action="version", version=f"kb {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return p


def _drop_stdout() -> None:
    """Send what is left for stdout nowhere, so that Python's flush at exit cannot fail again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except OSError:
        _drop_stdout()
        raise


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        code: int = args.run(args)  # each command's run function, set with set_defaults
        _flush_stdout()  # a full disk shows here, not as a warning after main() has returned
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `kb check | head`: the reader left; stop quietly
        _drop_stdout()
        return EXIT_FINDINGS
    except OSError as exc:  # the system refused (a full disk, a read-only or forbidden path), not a bug
        from kb.check.report import one_line

        where = f": {one_line(str(exc.filename))}" if exc.filename is not None else ""
        complain(
            args.command,
            f"{exc.strerror or exc}{where}",
            "the system refused what kb asked of it: free some space, fix the permissions, or choose another path",
        )
        return EXIT_USAGE
    except Exception as exc:
        print(
            f"kb {args.command}: internal error: {type(exc).__name__}: {exc}\n"
            "    hint: this is a bug in kb, not in your data; please report it with the command you ran",
            file=sys.stderr,
        )
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
