"""What changed between two versions of a fact's fields, field by field: `kb diff` (between revisions) and
the history read from git (between commits) both compare facts this way."""

from __future__ import annotations

import difflib
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

Path_ = tuple[str | int, ...]


def dotted(where: Path_) -> str:
    """A field path as messages and pages name it: ("sources", 1, "locator") -> "sources[1].locator"."""
    out = ""
    for step in where:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


@dataclass(frozen=True, slots=True)
class FieldChange:
    path: str  # dotted: "value", "sources[1].locator"
    old: Any = None
    new: Any = None
    what: Literal["changed", "added", "removed"] = "changed"

    @property
    def top(self) -> str:
        """The top-level field it is in: "sources" for "sources[1].locator"."""
        return self.path.split(".", 1)[0].split("[", 1)[0]


def _key(v: Any) -> str:
    return json.dumps(v, sort_keys=True, ensure_ascii=False)


def field_changes(old: Any, new: Any, where: Path_ = ()) -> Iterator[FieldChange]:
    """Every difference between two loaded values, as dotted paths with old and new values. Lists are
    compared as sequences: an item inserted is one addition, not a change of every item after it."""
    if isinstance(old, dict) and isinstance(new, dict):
        for k in [*old, *(k for k in new if k not in old)]:
            if k not in new:
                yield FieldChange(dotted((*where, k)), old[k], None, "removed")
            elif k not in old:
                yield FieldChange(dotted((*where, k)), None, new[k], "added")
            else:
                yield from field_changes(old[k], new[k], (*where, k))
    elif isinstance(old, list) and isinstance(new, list):
        matcher = difflib.SequenceMatcher(a=[_key(x) for x in old], b=[_key(x) for x in new], autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
            for n in range(pairs):
                yield from field_changes(old[i1 + n], new[j1 + n], (*where, j1 + n))
            for i in range(i1 + pairs, i2):
                yield FieldChange(dotted((*where, i)), old[i], None, "removed")
            for j in range(j1 + pairs, j2):
                yield FieldChange(dotted((*where, j)), None, new[j], "added")
    elif type(old) is not type(new) or old != new:
        yield FieldChange(dotted(where), old, new, "changed")


def line_changes(old: str | None, new: str | None) -> tuple[int, int]:
    """Lines added and removed between two texts (a briefing's body)."""
    if old == new:
        return 0, 0
    added = removed = 0
    lines = difflib.unified_diff((old or "").splitlines(), (new or "").splitlines(), n=0, lineterm="")
    for line in itertools.islice(lines, 2, None):  # after the two header lines (--- and +++)
        if line.startswith("+"):
            added += 1
        elif line.startswith("-"):
            removed += 1
    return added, removed


_WORD = re.compile(r"[\w.:/@+-]+")


def short(value: Any, limit: int = 60) -> str:
    """A value in one short line for a message: words as they are, other text quoted, lists and mappings in
    flow style, cut at `limit` characters."""
    if value is None:
        text = "(none)"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float)):
        text = str(value)
    elif isinstance(value, str):
        text = value if _WORD.fullmatch(value) else json.dumps(" ".join(value.split()), ensure_ascii=False)
    elif isinstance(value, list):
        text = "[" + ", ".join(short(v, limit) for v in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {short(v, limit)}" for k, v in value.items()) + "}"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
