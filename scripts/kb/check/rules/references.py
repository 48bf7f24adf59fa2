"""References: every id a fact or briefing names exists and is of the right type."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from kb.check.rules.base import finding, rule
from kb.core.facts import Actor, Place, Reference
from kb.core.facttypes import BY_NAME, LINKABLE
from kb.core.findings import Finding
from kb.core.model import KnowledgeBase
from kb.core.text import url


def nearest_id(kb: KnowledgeBase, target: str, types: tuple[str, ...]) -> str | None:
    """The existing id of an allowed type closest to `target` (a typo's likely intent)."""
    ids = [i for t in types or BY_NAME if t in BY_NAME for i in kb.of_type(t)]
    close = difflib.get_close_matches(target, ids, n=1, cutoff=0.6)
    return close[0] if close else None


def _where(ref: Reference) -> str:
    return "link" if ref.field == "text" else f"'{ref.field}'"


@rule(
    "ref-missing",
    "error",
    "Every referenced id exists.",
    "Fix the id (a close match is suggested) or add the missing fact.",
)
def references_resolve(kb: KnowledgeBase) -> Iterator[Finding]:
    for ref in kb.unresolved():
        near = nearest_id(kb, ref.target, ref.types)
        expected = BY_NAME.get(ref.expected)
        hint = (
            f"did you mean '{near}'?"
            if near
            else (
                f"add data/{expected.folder}/{ref.target}{expected.suffix} or fix the id" if expected else "fix the id"
            )
        )
        yield finding(
            ref.origin,
            "ref-missing",
            f"{_where(ref)} names {ref.expected} '{ref.target}', which does not exist",
            hint,
            at=ref.pos,
        )


@rule(
    "ref-type",
    "error",
    "A reference points at a fact of the right type (an event's actor is an actor), and a "
    "briefing links only to facts, sources, web pages (https://) and pages of the site.",
    "Point the field at a fact of the expected type; in a briefing, write type:id, https://... or a relative link.",
)
def references_have_right_type(kb: KnowledgeBase) -> Iterator[Finding]:
    for ref in kb.references:
        target = kb.get(ref.target)
        if target is not None and ref.types and target.TYPE not in ref.types:
            yield finding(
                ref.origin,
                "ref-type",
                f"{_where(ref)} needs a {' or '.join(ref.types)}, but '{ref.target}' is a {target.TYPE}",
                f"write {target.TYPE}:{ref.target}"
                if ref.field == "text"
                else f"point {_where(ref)} at a {ref.types[0]}",
                at=ref.pos,
            )
    for b in kb.briefings.values():
        for link in b.links("refused"):
            what = (
                f"link type '{link.type}:' is not allowed" if link.type else f"link to '{link.target}' is not allowed"
            )
            yield finding(
                b,
                "ref-type",
                f"{what} in a briefing (it is shown as plain text)",
                f"write one of {', '.join(t + ':' for t in sorted(LINKABLE))} before an id, "
                "a web address starting https://, or a relative link to a page of the site",
                at=b.position(link.line, link.col),
            )


@rule(
    "ref-country",
    "error",
    "An actor's or place's `country` is an actor of kind state.",
    "Point `country` at a state, e.g. estonia.",
)
def country_is_state(kb: KnowledgeBase) -> Iterator[Finding]:
    located: list[Actor | Place] = [*kb.actors.values(), *kb.places.values()]
    for fact in located:
        target = kb.actors.get(fact.country or "")
        if target is not None and target.kind != "state":
            yield finding(
                fact,
                "ref-country",
                f"country '{target.id}' is a {target.kind}, not a state",
                "name the state here; use memberships or roles for organisations",
                where=("country",),
            )


@rule(
    "citation-locator",
    "error",
    "A source cited from a briefing gives a locator.",
    'Add the locator as the link title: `[text](source:id "para 4")`.',
)
def briefing_citations_have_locators(kb: KnowledgeBase) -> Iterator[Finding]:
    for ref in kb.references:
        if ref.field == "text" and ref.types == ("source",) and not (ref.locator or "").strip():
            yield finding(
                ref.origin,
                "citation-locator",
                f"citation of '{ref.target}' gives no locator",
                f'write [{ref.label}](source:{ref.target} "para N")',
                at=ref.pos,
            )


@rule(
    "ref-url",
    "error",
    "A source's `url` and `archive_url` are web addresses a browser can open (http or https, a host, "
    "nothing malformed such as an unclosed `[`).",
    "Copy the address again from the browser's address bar.",
)
def source_urls_parse(kb: KnowledgeBase) -> Iterator[Finding]:
    for s in kb.sources.values():
        for key in ("url", "archive_url"):
            address = getattr(s, key)
            if address and url(address) is None:
                yield finding(
                    s,
                    "ref-url",
                    f"{key} '{address}' is not a web address the site can link to",
                    "an http:// or https:// address with a host",
                    where=(key,),
                )
