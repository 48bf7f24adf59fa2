"""Pull-request mode: the findings a change is responsible for, judged on the whole index.

A finding counts when it sits in a file the change touched, or when it is new: absent from the
same check run on the revision's tree (with the history up to that revision, so that a fact revised
before the change is not news). The second half is what surfaces, in untouched files,
the references left dangling by a deleted or renamed fact.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from kb.check.run import check
from kb.core import git, history
from kb.core.findings import Finding


def _key(f: Finding, root: Path) -> tuple[Path, int, int, str, str]:
    return (Path(f.path).resolve().relative_to(root), f.line, f.col, f.rule, f.message)


def changed_findings(findings: list[Finding], data_dir: Path, rev: str) -> list[Finding]:
    """Those of `findings` (a check of `data_dir`) that the change since `rev` is responsible for."""
    top = git.toplevel(data_dir)
    root = data_dir.resolve()
    changed = git.changed_since(top, rev)
    base, prefix = git.verify(top, rev), root.relative_to(top).as_posix()
    with tempfile.TemporaryDirectory() as tmp:
        old_dir = Path(tmp) / "data"
        git.export_tree(top, base, prefix, old_dir)
        past = history.of_commits(git.checkout(data_dir), prefix, base)
        before = {_key(f, old_dir.resolve()) for f in check(old_dir, past).findings}
    return [f for f in findings if Path(f.path).resolve() in changed or _key(f, root) not in before]
