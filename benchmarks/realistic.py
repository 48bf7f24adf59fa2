"""A realistic benchmark tree: the real content of data/, multiplied into N facts of its own shapes.

    python benchmarks/realistic.py OUT --facts 10000 [--seed 1] [--data data]

OUT becomes a data tree (sources/ actors/ places/ events/ figures/ briefings/) that passes `kb check`
with no errors. Facts count as `kb` counts them: every YAML fact and every briefing (the real content
is 130). At 130 the tree is data/ itself, byte for byte. Larger trees add "generations" of clones of
the real facts and briefings, 130 per generation (the last one partial, taken across the types in the
real proportions), so the proportions of fact types, the fields each fact fills and the size of every
page (infoboxes, attribution tables, roles, briefings with 33-59 links and 2-4 judgement boxes) stay
those of the real content. In each clone:

- ids and names are new: every proper name that is not a hub's (names of actors and places, and any
  word written with a capital inside a sentence: Estlink, Shangri-La, Kasekamp) is replaced, in that
  generation's ids, names, titles, summaries and briefing prose alike, by an invented word (Kallas ->
  "Dravek"), so a search for one name finds one entity, as in reality; titles that would stay the same
  get a varied ending; event dates move by a few years (the year in their ids and titles with them),
  briefing and source dates too, figure values by a few percent;
- references are rewired to the clones of the same generation, except that references to hubs go to
  the original hub with the probabilities in HUBS (Estonia, Russia and NATO in nearly every generation,
  other states and alliances in half of them, Narva, Tallinn and the Baltic Sea in most), citations to
  the two real sources with SOURCE_SHARE, and a quarter of a clone briefing's links to lesser actors and
  places go to the main hubs instead (REWIRE): so, as in a grown knowledge base, a few actors are cited
  by thousands of events and hundreds of briefings, and a few sources by thousands of facts;
- hub names stay as they are in the text (events say "Russia"), and the clone of a hub gets an
  invented name of its own, with at least one reference so no actor or source is orphaned;
- the checks' constraints are kept by construction: ids unique, no two events with the same date,
  actors and a similar title (a colliding clone moves by a year), no two values for one point of a
  figure series (a figure moved onto a hub's series takes a free period).

Deterministic for a given size, seed and data/. The text is copied from the real content: the tree is a
benchmark input, written under benchmarks/out/ (gitignored), never committed.
"""

from __future__ import annotations

import argparse
import calendar
import copy
import difflib
import hashlib
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from kb.core.loader import load, load_front_matter  # noqa: E402  (kb's own strict reader: no YAML surprises)

FOLDERS = {
    "source": "sources",
    "actor": "actors",
    "place": "places",
    "event": "events",
    "figure": "figures",
    "briefing": "briefings",
}
COPIED = ("assessments",)
"""Fact folders copied as they are (13 real assessments), not multiplied: cloning them is left to the
benchmarks' owner (issue 11, items 5 and 6)."""
MARKER = ".realistic.json"

HUBS = {
    # actors: the states the knowledge base is about, and its alliance
    "estonia": 0.97,
    "russia": 0.97,
    "nato": 0.93,
    "united-states": 0.85,
    "latvia": 0.8,
    "lithuania": 0.8,
    "ukraine": 0.8,
    "european-union": 0.75,
    "vladimir-putin": 0.7,
    "finland": 0.6,
    "poland": 0.6,
    "sweden": 0.6,
    "germany": 0.6,
    "united-kingdom": 0.6,
    "france": 0.5,
    "china": 0.5,
    "baltic-states": 0.6,
    # places
    "narva": 0.9,
    "tallinn": 0.85,
    "baltic-sea": 0.8,
    "baltic-sea-region": 0.8,
    # landmark events, cited again and again
    "russia-full-scale-invasion-of-ukraine-2022": 0.7,
    "crimea-annexation-2014": 0.6,
    "baltic-nato-accession-2004": 0.5,
    "baltic-independence-1991": 0.5,
}
"""Probability that a clone's reference to this fact goes to the original rather than to its clone."""
SOURCE_SHARE = 0.3
"""Probability that a clone's citation of a source goes to the original (real) source."""
MAIN_HUBS = {"actor": {"russia": 0.4, "estonia": 0.35, "nato": 0.25}, "place": {"narva": 0.6, "tallinn": 0.4}}
REWIRE = 0.25
"""Share of a clone briefing's links to lesser actors and places sent to a main hub instead."""
STOP = {
    "The",
    "Of",
    "And",
    "For",
    "In",
    "On",
    "At",
    "To",
    "A",
    "An",
    "New",
    "North",
    "Southeast",
    "Eastern",
    "Western",
    "Global",
    "Public",
    "Joint",
    "Enhanced",
    "Forward",
    "Presence",
    "Cooperative",
    "Centre",
    "Center",
    "Excellence",
    "Defence",
    "Defense",
    "Force",
    "Forces",
    "Infantry",
    "Brigade",
    "Battalion",
    "Scouts",
    "League",
    "Union",
    "United",
    "States",
    "Kingdom",
    "Nations",
    "Organisation",
    "Organization",
    "Treaty",
    "Institute",
    "College",
    "School",
    "Studies",
    "Association",
    "Advancement",
    "Commission",
    "Congress",
    "Mechanism",
    "Policy",
    "Foreign",
    "Affairs",
    "President",
    "Senator",
    "Prime",
    "Minister",
    "Sea",
    "Region",
    "Engineering",
    "Expeditionary",
    "Cyber",
    "Atlantic",
    "Asian",
    "Security",
    "State",
    "International",
    "National",
    "Order",
    "War",
    "World",
    "West",
    "GDP",
    "GPS",
    "Act",
    "Article",
    "High",
    "Small",
    "Second",
    "Test",
    "Mission",
    "Week",
    "Greatest",
    "Reliable",
    "Initiative",
    "Strategic",
    "Comprehensive",
    "Partnership",
    "Concept",
    "Representative",
    "Five",
    "Vessel",
    "Aggression",
    "Vulnerability",
    "Shadow",
    "University",
    "Maritime",
    "Littoral",
    "Dialogue",
    "America",
    "American",
    "British",
    "French",
}
"""Capitalised words that are not names (kept as they are), and forms of hub names (America, British)."""
TOKEN = re.compile(r"[A-Z](?:\.[A-Z])+\.?|[A-Z][A-Za-z]*|1st")
MID_SENTENCE = re.compile(r"(?<=[a-z0-9,;:()] )([A-Z][A-Za-z]+|[A-Z]{2,})")
MONTHS = set(calendar.month_name[1:])  # English: the C locale, as the data is written
TEXT_KEYS = {"title", "name", "summary", "note", "basis", "disputed", "publisher", "locator"}
LIST_TEXT_KEYS = {"aliases", "authors"}
LINK = re.compile(r"\]\((?P<type>actor|place|event|figure|source|briefing):(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)")
YEAR = re.compile(r"(?<![0-9])(1[89][0-9]{2}|20[0-9]{2})(?![0-9])")
ONSETS = [
    "b",
    "d",
    "f",
    "g",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "dr",
    "gr",
    "kr",
    "st",
    "tr",
    "sk",
    "sl",
    "vr",
]
VOWELS = ["a", "e", "i", "o", "u", "a", "e", "o", "ai", "ei"]
CODAS = ["", "", "n", "r", "s", "l", "k", "m", "sk", "nd", "rt"]


@dataclass
class Slot:
    """A reference in a clone, chosen once the whole generation is known."""

    orig: str  # the id the real fact refers to
    kind: str
    origin: str  # the real fact that refers
    link: bool = False  # a link in briefing prose
    id: str | None = None  # the id chosen


@dataclass
class Fact:
    kind: str
    id: str
    path: Path
    data: dict[str, Any]
    body: str | None = None  # briefings
    body_raw: str = ""


def read_real(data_dir: Path) -> list[Fact]:
    facts = []
    for kind, folder in FOLDERS.items():
        for path in sorted((data_dir / folder).glob("*.md" if kind == "briefing" else "*.yaml")):
            if kind == "briefing":
                doc, body, _ = load_front_matter(path)
                facts.append(Fact(kind, path.stem, path, doc.data, body))
            else:
                doc = load(path)
                facts.append(Fact(kind, doc.data["id"], path, doc.data))
    return facts


class Words:
    """Invented words, one per (real word, generation), unique over the whole tree."""

    def __init__(self) -> None:
        self.made: dict[tuple[str, int], str] = {}
        self.used: set[str] = set()

    def __call__(self, token: str, gen: int) -> str:
        key = (token, gen)
        if key in self.made:
            return self.made[key]
        for salt in range(1000):
            h = hashlib.sha256(f"{token}|{gen}|{salt}".encode()).digest()
            bare = token.replace(".", "")
            if bare.isupper() and len(bare) > 1:
                letters = "".join(chr(65 + b % 26) for b in h[: max(3, len(bare))])
                word = ".".join(letters) + "." if "." in token else letters
            else:
                syllables = 2 + h[0] % 2 if len(token) > 4 else 2
                word = (
                    "".join(
                        ONSETS[h[1 + 2 * i] % len(ONSETS)] + VOWELS[h[2 + 2 * i] % len(VOWELS)]
                        for i in range(syllables)
                    )
                    + CODAS[h[9] % len(CODAS)]
                )
                word = word.capitalize()
            if word.casefold() not in self.used:
                self.used.add(word.casefold())
                self.made[key] = word
                return word
        raise RuntimeError(f"no free word for {token}")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def shift_date(text: str, years: int) -> str:
    y = int(text[:4]) + years
    rest = text[4:]
    if rest == "-02-29":
        rest = "-02-28"
    return f"{y:04d}{rest}"


class Tree:
    """The generations written so far: ids taken, event and figure keys that the checks compare."""

    def __init__(self, real: list[Fact], seed: int) -> None:
        self.real = real
        self.by_id = {f.id: f for f in real}
        self.seed = seed
        self.words = Words()
        self.ids: set[str] = {f.id for f in real}
        self.names: set[str] = set()
        self.events: dict[tuple[str, frozenset], list[str]] = {}
        self.points: dict[tuple, float] = {}
        hub_tokens: set[str] = set()
        vocab: set[str] = set()
        for f in real:
            if f.kind in ("actor", "place"):
                labels = [f.data["name"], *f.data.get("aliases", [])]
                tokens = {t for s in labels for t in TOKEN.findall(s)} - STOP
                (hub_tokens if HUBS.get(f.id, 0) >= 0.5 else vocab).update(tokens)
                self.names.update(s.casefold() for s in labels)
            if f.kind == "event":
                self._add_event(f.data.get("date", ""), {a["actor"] for a in f.data.get("actors", [])}, f.data["title"])
            if f.kind == "figure":
                self.points[self._point(f.data, f.data["actor"])] = f.data["value"]
        # Proper names that are not actors or places (Estlink, Shangri-La, Kasekamp, Locked Shields): the words
        # written with a capital in the middle of a sentence of any title, summary or briefing.
        for f in real:
            texts = [f.data.get(k) for k in ("title", "summary", "note", "basis")] + [f.body]
            for text in filter(None, texts):
                vocab.update(t for t in MID_SENTENCE.findall(text) if len(t) >= 3)
        vocab -= STOP | MONTHS
        self.hub_tokens = hub_tokens
        # Proper names replaced in text: those of lesser actors and places, never a hub's name or a form of it
        # ("Estonian" stays with "Estonia").
        self.vocab = sorted(
            (t for t in vocab if not any(t[:5] == h[:5] for h in hub_tokens if len(h) >= 5) and t not in hub_tokens),
            key=len,
            reverse=True,
        )
        self.vocab_re = re.compile(r"(?<![\w.])(" + "|".join(re.escape(t) for t in self.vocab) + r")(?![\w])")

    @staticmethod
    def _point(d: dict, actor: str) -> tuple:
        return (actor, d["metric"], d["period"], d.get("period_end"), d["status"])

    def _add_event(self, when: str, actors: set[str], title: str) -> None:
        self.events.setdefault((when, frozenset(actors)), []).append(title.casefold())

    def event_clashes(self, when: str, actors: set[str], title: str) -> bool:
        if not actors:
            return False
        return any(
            difflib.SequenceMatcher(None, t, title.casefold()).ratio() >= 0.6
            for t in self.events.get((when, frozenset(actors)), ())
        )

    def new_id(self, base: str, gen: int) -> str:
        base = base[:70].strip("-") or "fact"
        candidate, n = base, 1
        while candidate in self.ids:
            candidate = f"{base}-{slug(self.words('@gen', gen))}" if n == 1 else f"{base}-{n}"
            n += 1
        self.ids.add(candidate)
        return candidate


class Generation:
    """One clone of (part of) the real content."""

    def __init__(self, tree: Tree, gen: int, members: list[Fact]) -> None:
        self.tree, self.gen = tree, gen
        self.rng = random.Random(f"{tree.seed}:{gen}")
        self.members = {f.id: f for f in members}
        self.clone_id: dict[str, str] = {}
        self.word = lambda token: tree.words(token, gen)
        self.years = {f.id: self.rng.randint(-8, 1) for f in members if f.kind == "event"}

    # text ------------------------------------------------------------------------------------------------
    def text(self, s: str) -> str:
        return self.tree.vocab_re.sub(lambda m: self.word(m[1]), s)

    def forced(self, s: str) -> str:
        """A clone's own name: every proper word invented, hub names included."""
        out = TOKEN.sub(lambda m: m[0] if m[0] in STOP else self.word(m[0]), s)
        return out if out != s else f"{s} of {self.word('@' + s)}"

    def varied(self, title: str, key: str, templates: tuple[str, ...]) -> str:
        new = self.text(title)
        if new != title:
            return new
        h = int(hashlib.sha256(f"{key}|{self.gen}".encode()).hexdigest(), 16)
        return templates[h % len(templates)].format(t=title, w=self.word("@" + key))

    # ids ---------------------------------------------------------------------------------------------------
    def assign_ids(self) -> None:
        lower = {t.casefold(): self.word(t).casefold() for t in self.tree.vocab}
        for f in self.members.values():
            if f.kind in ("actor", "place") and HUBS.get(f.id, 0) >= 0.5:
                base = slug(self.forced(f.data["name"]))
            else:
                words = f.id.split("-")
                words = [lower.get(w, w) for w in words]
                base = "-".join(words)
                if f.kind == "event":
                    base = YEAR.sub(
                        lambda m, f=f: (
                            str(int(m[1]) + self.years[f.id]) if m[1] == f.data.get("date", "")[:4] else m[1]
                        ),
                        base,
                    )
            self.clone_id[f.id] = self.tree.new_id(
                base if base != f.id else f"{f.id}-{slug(self.word('@gen'))}", self.gen
            )

    # references ---------------------------------------------------------------------------------------------
    def target(self, orig: str, kind: str, origin: Fact, link: bool = False) -> Slot:
        return Slot(orig, kind, origin.id, link)

    def resolve(self, slots: list[Slot]) -> None:
        incoming: dict[str, int] = {}
        for slot in slots:
            orig, kind, origin, link = slot.orig, slot.kind, slot.origin, slot.link
            chosen = orig
            if link and kind in MAIN_HUBS and orig not in MAIN_HUBS[kind] and self.rng.random() < REWIRE:
                hubs = MAIN_HUBS[kind]
                chosen = self.rng.choices(list(hubs), weights=list(hubs.values()))[0]
            elif orig in self.members:
                share = SOURCE_SHARE if kind == "source" else HUBS.get(orig, 0.0)
                if self.rng.random() >= share:
                    chosen = self.clone_id[orig]
            slot.id = chosen
            if orig not in (chosen, origin):
                incoming[chosen] = incoming.get(chosen, 0) + 1
        # no clone left without a reference from another fact: the first one that went to the original comes here
        for orig, clone in self.clone_id.items():
            if incoming.get(clone) or self.members[orig].kind not in ("actor", "source", "place", "event"):
                continue
            for slot in sorted(slots, key=lambda s: s.id != orig):  # one that went to the original first
                if slot.orig == orig and slot.origin != orig:
                    slot.id = clone
                    break

    # facts -------------------------------------------------------------------------------------------------
    def clone(self, f: Fact) -> dict[str, Any]:
        d = copy.deepcopy(f.data)
        d["id"] = self.clone_id[f.id]
        for key, value in list(d.items()):
            if key in TEXT_KEYS and isinstance(value, str) and key not in ("name", "title"):
                d[key] = self.text(value)
        if f.kind in ("actor", "place"):
            d["name"] = self.forced(f.data["name"])
            if "aliases" in d:
                d["aliases"] = [self.forced(a) for a in d["aliases"]]
        if f.kind == "event":
            years = self.years[f.id]
            d["title"] = self.varied(
                f.data["title"], f.id, ("{t} near {w}", "{t}: the {w} case", "{t} ({w} sector)", "{t}, {w} round")
            )
            if "date" in d:  # undated events (issue 16) keep their title and bounds
                d["title"] = YEAR.sub(
                    lambda m: str(int(m[1]) + years) if m[1] == f.data["date"][:4] else m[1], d["title"]
                )
                d["date"] = shift_date(d["date"], years)
            if "end" in d:
                d["end"] = shift_date(d["end"], years)
        if f.kind == "source":
            d["title"] = self.varied(
                f.data["title"], f.id, ("{t}: the {w} papers", "{w} Review: {t}", "{t} ({w} edition)")
            )
            if "published" in d:
                d["published"] = shift_date(d["published"], -self.rng.randint(0, 6))
            if "authors" in d:
                d["authors"] = [self.text(a) for a in d["authors"]]
        if f.kind == "figure" and "title" in d:
            d["title"] = self.varied(f.data["title"], f.id, ("{t} ({w})", "{t}, {w} estimate"))
        # references, chosen later
        for c in d.get("sources", []):
            c["source"] = self.target(c["source"], "source", f)
        for key in ("roles", "memberships"):
            for item in d.get(key, []):
                for c in item.get("sources", []):
                    c["source"] = self.target(c["source"], "source", f)
                if "title" in item:
                    item["title"] = self.text(item["title"])
                if "note" in item:
                    item["note"] = self.text(item["note"])
        for item in d.get("roles", []):
            if "of" in item:
                item["of"] = self.target(item["of"], "actor", f)
        for item in d.get("memberships", []):
            item["organisation"] = self.target(item["organisation"], "actor", f)
        if f.kind in ("actor", "place") and "country" in d:
            d["country"] = self.target(d["country"], "actor", f)
        if "within" in d:
            d["within"] = self.target(d["within"], "place", f)
        if f.kind == "event":
            if "places" in d:
                d["places"] = [self.target(p, "place", f) for p in d["places"]]
            for a in d.get("actors", []):
                a["actor"] = self.target(a["actor"], "actor", f)
            for a in d.get("attribution", []):
                a["actor"] = self.target(a["actor"], "actor", f)
                if "by" in a:
                    a["by"] = self.target(a["by"], "actor", f)
                a["basis"] = self.text(a["basis"])
            if "related" in d:
                d["related"] = [self.target(r, "event", f) for r in d["related"]]
        if f.kind == "figure":
            d["actor"] = self.target(d["actor"], "actor", f)
            if "compared_to" in d:
                d["compared_to"] = self.target(d["compared_to"], "figure", f)
        for c in d.get("sources", []):
            if "note" in c:
                c["note"] = self.text(c["note"])
        return d

    def clone_briefing(self, f: Fact) -> tuple[dict[str, Any], list]:
        d = copy.deepcopy(f.data)
        d["title"] = self.varied(f.data["title"], f.id, ("{t} ({w} update)", "{t}: the view from {w}"))
        d["summary"] = self.text(d["summary"])
        day = date.fromisoformat(d["date"]) - timedelta(days=self.rng.randint(0, 2400))
        d["date"] = day.isoformat()
        parts: list = []
        body = f.body or ""
        pos = 0
        for m in LINK.finditer(body):
            parts.append(self.text(body[pos : m.start("id")]))
            parts.append(self.target(m["id"], m["type"], f, link=True))
            pos = m.end("id")
        parts.append(self.text(body[pos:]))
        return d, parts


class Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=1 << 20)


def chosen(value: Any) -> Any:
    """Replace every reference slot by the id chosen for it."""
    if isinstance(value, Slot):
        return value.id
    if isinstance(value, dict):
        return {k: chosen(v) for k, v in value.items()}
    if isinstance(value, list):
        return [chosen(v) for v in value]
    return value


def collect(value: Any, out: list[Slot]) -> None:
    if isinstance(value, Slot):
        out.append(value)
    elif isinstance(value, dict):
        for v in value.values():
            collect(v, out)
    elif isinstance(value, list):
        for v in value:
            collect(v, out)


def proportional(real: list[Fact], take: int, rng: random.Random) -> list[Fact]:
    """`take` facts spread over the types as the real content is."""
    by_kind: dict[str, list[Fact]] = {}
    for f in real:
        by_kind.setdefault(f.kind, []).append(f)
    ranked = []
    for facts in by_kind.values():
        order = facts[:]
        rng.shuffle(order)
        ranked += [((i + 0.5) / len(order), f.id, f) for i, f in enumerate(order)]
    ranked.sort(key=lambda r: r[:2])
    return [f for _, _, f in ranked[:take]]


def distinct_event(tree: Tree, g: Generation, f: Fact, d: dict[str, Any]) -> dict[str, Any]:
    """The clone `d` of event `f`, moved so that no other event has its date, actors and a similar title:
    first to another year of its range (-8..+1 years from the real date), then with its hub actors, one by
    one, replaced by their clones of this generation."""

    def actors(e: dict[str, Any]) -> set[str]:
        return {a["actor"] for a in e.get("actors", [])}

    def moved(e: dict[str, Any], years: int) -> dict[str, Any]:
        e = dict(e, date=shift_date(f.data["date"], years))
        e["title"] = YEAR.sub(lambda m: e["date"][:4] if m[1] == d["date"][:4] else m[1], d["title"])
        if "end" in f.data:
            e["end"] = shift_date(f.data["end"], years)
        return e

    dated = "date" in f.data  # an undated event is not moved in time, only its actors swapped
    candidates = [d] + [moved(d, y) for y in range(-8, 2) if dated and y != g.years[f.id]]
    swapped = copy.deepcopy(d)
    for a in reversed(swapped.get("actors", [])):
        if a["actor"] in g.clone_id and a["actor"] == next(
            (o["actor"] for o in f.data["actors"] if o["actor"] == a["actor"]), None
        ):
            a["actor"] = g.clone_id[a["actor"]]
            candidates.append(copy.deepcopy(swapped))
    for e in candidates:
        if not tree.event_clashes(e.get("date", ""), actors(e), e["title"]):
            return e
    return candidates[-1]  # a warning then, not an error


def write_generation(tree: Tree, gen: int, members: list[Fact], out: Path) -> None:
    g = Generation(tree, gen, members)
    g.assign_ids()
    cloned: list[tuple[Fact, Any]] = []
    slots: list[Slot] = []
    for f in members:
        if f.kind == "briefing":
            fm, parts = g.clone_briefing(f)
            cloned.append((f, (fm, parts)))
            slots += [p for p in parts if isinstance(p, Slot)]
        else:
            d = g.clone(f)
            collect(d, slots)
            cloned.append((f, d))
    g.resolve(slots)
    for f, d in cloned:
        new_id = g.clone_id[f.id]
        path = out / FOLDERS[f.kind] / (f"{new_id}.md" if f.kind == "briefing" else f"{new_id}.yaml")
        if f.kind == "briefing":
            fm, parts = d
            body = "".join(p if isinstance(p, str) else p.id for p in parts)
            path.write_text(f"---\n{dump(fm)}---\n{body}", "utf-8")
            continue
        d = chosen(d)  # noqa: PLW2901
        if f.kind == "event":
            d = distinct_event(tree, g, f, d)  # noqa: PLW2901
            tree._add_event(d.get("date", ""), {a["actor"] for a in d.get("actors", [])}, d["title"])
        if f.kind == "figure":
            series = f"{f.data['actor']}|{f.data['metric']}|{gen}"
            factor = 0.9 + 0.2 * (int(hashlib.sha256(series.encode()).hexdigest(), 16) % 1000) / 1000
            value = f.data["value"] * factor
            d["value"] = round(value) if isinstance(f.data["value"], int) else round(value, 1)
            if d["unit"] in ("percent", "percent-of-gdp"):
                d["value"] = min(d["value"], 100)
            for step in [0] + [s for n in range(1, 40) for s in (-n, n)]:
                moved = dict(d, period=shift_date(f.data["period"], step))
                if "period_end" in d:
                    moved["period_end"] = shift_date(f.data["period_end"], step)
                key = tree._point(moved, d["actor"])
                if tree.points.get(key, d["value"]) == d["value"]:
                    d = moved  # noqa: PLW2901
                    tree.points[key] = d["value"]
                    break
            else:
                raise RuntimeError(f"no free period for {d['id']}")
        path.write_text(dump(d), "utf-8")


def generate(out: Path, facts: int, seed: int = 1, data_dir: Path = ROOT / "data") -> dict[str, int]:
    """Write a tree of `facts` facts under `out` (emptied first if it holds an earlier tree); counts per type."""
    real = read_real(data_dir)
    if facts < len(real):
        raise SystemExit(f"at least {len(real)} facts (the real content)")
    if out.exists():
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise SystemExit(f"{out} holds something other than a tree from this script; not touching it")
        shutil.rmtree(out)
    for folder in FOLDERS.values():
        (out / folder).mkdir(parents=True)
    for f in real:
        shutil.copyfile(f.path, out / FOLDERS[f.kind] / f.path.name)
    for folder in COPIED:  # types not cloned yet: the real ones, which cloned briefings still cite
        shutil.copytree(data_dir / folder, out / folder)
    tree = Tree(real, seed)
    gen, left = 1, facts - len(real)
    while left > 0:
        take = min(left, len(real))
        members = real if take == len(real) else proportional(real, take, random.Random(f"{seed}:part:{gen}"))
        write_generation(tree, gen, members, out)
        left -= take
        gen += 1
    counts = {folder: len(list((out / folder).iterdir())) for folder in FOLDERS.values()}
    (out / MARKER).write_text(
        json.dumps({"facts": facts, "seed": seed, "generations": gen - 1, "counts": counts}, indent=1) + "\n"
    )
    return counts


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--facts", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", type=Path, default=ROOT / "data", help="the real content to multiply (default: data/)")
    args = ap.parse_args(argv)
    counts = generate(args.out, args.facts, args.seed, args.data)
    print(f"{sum(counts.values())} facts in {args.out}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
