"""The tests' own reading of a built page's Content-Security-Policy, independent of kb.site.csp: html.parser
finds the policy, every inline script, handler, javascript: URL and inline style; hashlib hashes the
scripts as a browser does."""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

DATA_TYPES = {"application/json", "application/ld+json"}


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def directives(policy: str) -> dict[str, list[str]]:
    """'a x y; b z' -> {'a': ['x', 'y'], 'b': ['z']}"""
    found = {}
    for part in policy.split(";"):
        name, *values = part.split()
        found[name] = values
    return found


class Page(HTMLParser):
    """One page, read whole."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.policies: list[str] = []
        self.policy_problems: list[str] = []
        self.scripts: list[str] = []  # inline scripts that run (data blocks left out)
        self.inline: list[str] = []  # handlers, javascript: URLs, inline styles: all refused by the policy
        self._in_head = False
        self._seen_script = False
        self._script: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "head":
            self._in_head = True
        elif tag == "body":
            self._in_head = False
        elif tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.policies.append(values.get("content", ""))
            if self._seen_script:
                self.policy_problems.append("the policy comes after a script")
            if not self._in_head:
                self.policy_problems.append("the policy is outside the head")
        elif tag == "script":
            self._seen_script = True
            if "src" not in values and values.get("type", "").strip().lower() not in DATA_TYPES:
                self._script = []
        elif tag == "style":
            self.inline.append("<style>")
        for name, value in values.items():
            if name.startswith("on") or name == "style":
                self.inline.append(f"<{tag} {name}=>")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith("javascript:"):
                self.inline.append(f"<{tag} {name}={value}>")

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        elif tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None


def audit(text: str) -> list[str]:
    """What is wrong with a page's policy for a page of this site: there is exactly one, in the head
    before any script; it hashes exactly the page's inline scripts; nothing inline would be refused."""
    page = Page(text)
    problems = list(page.policy_problems) + [f"refused by the policy: {what}" for what in page.inline]
    if len(page.policies) != 1:
        return problems + [f"{len(page.policies)} Content-Security-Policy meta tags"]
    allowed = {source for source in directives(page.policies[0])["script-src"] if source.startswith("'sha256-")}
    needed = {sha256_source(script) for script in page.scripts}
    problems += [
        f"inline script not allowed: {script[:60]!r}" for script in page.scripts if sha256_source(script) not in allowed
    ]
    problems += [f"hash of no script on the page: {source}" for source in sorted(allowed - needed)]
    return problems
