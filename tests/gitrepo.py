"""A git repository made in a test, with commits at fixed dates: the history of the facts, reproducibly.

`history_repo` is the story most history tests read, on tests/fixtures/site:

1. 2026-01-10 the whole tree is recorded;
2. 2026-02-03 figure northland-defence-spending-2026 goes from 3 to 3.5 (para 6 -> para 8), after the
   briefing harbour-security (dated 2025-07-01) cited it;
3. 2026-02-20 place harbour-district is renamed old-harbour-district (former_ids), and event
   minister-visit-2025 is removed;
4. 2026-03-05 the draft outlook-draft is published and eastern-pressure gets a new sentence.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import FIXTURES

# Our commits read no one's git configuration: no signing, no hooks, no templates.
_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test Editor",
    "GIT_AUTHOR_EMAIL": "editor@example.org",
    "GIT_COMMITTER_NAME": "Test Editor",
    "GIT_COMMITTER_EMAIL": "editor@example.org",
}


def git(cwd: Path, *args: str, **env: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=dict(os.environ, **_ENV, **env)
    ).stdout


class Repo:
    """A repository whose data folder is `data`; every commit at a date given in UTC."""

    def __init__(self, root: Path, data: Path | None = None) -> None:
        self.root = root
        self.data = root / "data"
        root.mkdir(parents=True, exist_ok=True)
        git(root, "init", "-q", "-b", "main", "--template=")
        if data is not None:
            shutil.copytree(data, self.data)

    @classmethod
    def clone(cls, source: Repo, root: Path, depth: int | None = None) -> Repo:
        """A clone of `source` at `root`; a shallow one of the last `depth` commits."""
        shallow = ["--depth", str(depth)] if depth else []
        git(root.parent, "clone", "-q", *shallow, f"file://{source.root}", str(root))
        clone = cls.__new__(cls)
        clone.root, clone.data = root, root / "data"
        return clone

    def write(self, rel: str, text: str) -> None:
        path = self.data / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.data / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def commit(self, when: str, message: str) -> str:
        """Commit everything at `when` (ISO, UTC: 2026-02-03T10:30:00Z); the commit's id."""
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "--no-verify", "-m", message, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
        return git(self.root, "rev-parse", "HEAD").strip()


def history_repo(root: Path) -> Repo:
    """tests/fixtures/site with four commits of history (see the module's docstring)."""
    repo = Repo(root, FIXTURES / "site")
    repo.commit("2026-01-10T09:00:00Z", "Record the sample knowledge base")
    figure = "figures/northland-defence-spending-2026.yaml"
    repo.edit(figure, "value: 3\n", "value: 3.5\n")
    repo.edit(figure, 'locator: "para 6"', 'locator: "para 8"')
    repo.commit("2026-02-03T10:30:00Z", "Northland raises its 2026 plan")
    (repo.data / "places" / "harbour-district.yaml").rename(repo.data / "places" / "old-harbour-district.yaml")
    repo.edit("places/old-harbour-district.yaml", "id: harbour-district\n", "id: old-harbour-district\n")
    repo.edit("places/old-harbour-district.yaml", "name: Harbour District\n", "name: Old Harbour District\n")
    repo.edit("places/old-harbour-district.yaml", "sources:", "former_ids: [harbour-district]\nsources:")
    (repo.data / "events" / "minister-visit-2025.yaml").unlink()
    repo.commit("2026-02-20T08:00:00Z", "Rename the harbour district; drop the visit")
    repo.edit("briefings/outlook-draft.md", "status: draft", "status: published")
    repo.edit(
        "briefings/eastern-pressure.md",
        "[Eastland](actor:eastland) spends",
        "Since 2024 [Eastland](actor:eastland) spends",
    )
    repo.commit("2026-03-05T12:00:00Z", "Publish the strait outlook; revise the eastern briefing")
    return repo
