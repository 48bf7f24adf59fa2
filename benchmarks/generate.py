"""Generate a valid knowledge base of N facts with realistic sizes and cross-references.

Used by the benchmarks (and usable by tests): deterministic for a given size and seed.
    python benchmarks/generate.py OUT_DIR [--facts 10000]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

# Share of each fact type in a grown knowledge base (events dominate, as in ACLED-like data).
MIX = {"sources": 0.04, "actors": 0.14, "places": 0.06, "events": 0.6, "figures": 0.16}
WORDS = [
    "border",
    "cable",
    "drone",
    "cyber",
    "naval",
    "exercise",
    "ministry",
    "alliance",
    "pipeline",
    "airspace",
    "sanctions",
    "brigade",
    "harbour",
    "frigate",
    "radar",
    "battalion",
    "summit",
    "treaty",
    "election",
    "grid",
    "jamming",
    "sabotage",
    "parliament",
]
KINDS = (
    "cyber-attack",
    "airspace-violation",
    "infrastructure-damage",
    "exercise",
    "visit",
    "policy-decision",
    "statement",
)
ROLES = ("initiator", "target", "affected", "participant", "host")


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _cite(rng: random.Random, sources: list[str], n: int = 2) -> str:
    return "".join(f'  - source: {s}\n    locator: "para {rng.randint(1, 40)}"\n' for s in rng.sample(sources, n))


def generate(out: Path, facts: int = 10_000, seed: int = 7, briefings: int = 0) -> dict[str, int]:
    """Write `facts` fact files (and `briefings` briefings) under `out`; return counts per folder."""
    rng = random.Random(seed)
    n = {k: max(2, int(facts * share)) for k, share in MIX.items()}
    n["events"] += facts - sum(n.values())
    ids = {k: [f"{k[:-1]}-{i:05d}" for i in range(v)] for k, v in n.items()}
    for folder in (*MIX, "briefings"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    states = ids["actors"][:60]
    for i, sid in enumerate(ids["sources"]):
        (out / "sources" / f"{sid}.yaml").write_text(
            f'id: {sid}\ntitle: "{_text(rng, 8)}"\nauthors: [Author {i}]\npublisher: Publisher {i % 30}\n'
            f'published: "2026-{rng.randint(1, 12):02d}"\nurl: https://example.org/{sid}\ntype: article\n'
            f"language: en\nreliability: B\nreliability_rationale: A generated source, graded so for the benchmark.\n"
            f"summary: {_text(rng, 25)}\n"
        )
    for i, aid in enumerate(ids["actors"]):
        state = i < len(states)
        roles = (
            ""
            if state
            else (
                f"roles:\n  - title: Minister of {rng.choice(WORDS).capitalize()}\n    of: {rng.choice(states)}\n"
                f'    start: "{rng.randint(2000, 2015)}"\n    end: "{rng.randint(2016, 2024)}"\n'
                f"    sources:\n{_cite(rng, ids['sources'], 1).replace('  - ', '      - ').replace('    locator', '        locator')}"
            )
        )
        (out / "actors" / f"{aid}.yaml").write_text(
            f"id: {aid}\nname: Actor {i} {rng.choice(WORDS).capitalize()}\nkind: {'state' if state else 'person'}\n"
            f'aliases: [A{i}, "Actor number {i}"]\n'
            + ("" if state else f"country: {rng.choice(states)}\n")
            + roles
            + f"summary: {_text(rng, 30)}\nsources:\n{_cite(rng, ids['sources'])}"
        )
    for i, pid in enumerate(ids["places"]):
        (out / "places" / f"{pid}.yaml").write_text(
            f"id: {pid}\nname: Place {i}\nkind: city\ncountry: {rng.choice(states)}\n"
            f"summary: {_text(rng, 20)}\nsources:\n{_cite(rng, ids['sources'], 1)}"
        )
    for i, eid in enumerate(ids["events"]):
        actors = rng.sample(ids["actors"], 3)
        related = f"related: [{rng.choice(ids['events'])}]\n" if i % 3 == 0 else ""
        (out / "events" / f"{eid}.yaml").write_text(
            f'id: {eid}\ntitle: {_text(rng, 6)[:-1]}\ndate: "20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}"\n'
            f"kind: {rng.choice(KINDS)}\nplaces: [{rng.choice(ids['places'])}]\nactors:\n"
            + "".join(f"  - {{actor: {a}, role: {rng.choice(ROLES)}}}\n" for a in actors)
            + related
            + f"summary: >-\n  {_text(rng, 30)}\n  {_text(rng, 25)}\nsources:\n{_cite(rng, ids['sources'])}"
        )
    for i, fid in enumerate(ids["figures"]):
        (out / "figures" / f"{fid}.yaml").write_text(
            f"id: {fid}\nactor: {states[i % len(states)]}\nmetric: metric-{i % 7}\nvalue: {rng.uniform(0.5, 6):.1f}\n"
            f'unit: percent-of-gdp\nqualifier: about\nperiod: "{1900 + i // 60}"\nstatus: actual\n'
            f"note: {_text(rng, 15)}\nsources:\n{_cite(rng, ids['sources'], 1)}"
        )
    for i in range(briefings):
        links = " ".join(f"See [event {e}](event:{e})." for e in rng.sample(ids["events"], 20))
        (out / "briefings" / f"briefing-{i:04d}.md").write_text(
            f'---\ntitle: Briefing {i}\ndate: "2026-01-{1 + i % 28:02d}"\nsummary: {_text(rng, 12)}\n'
            f"status: published\n---\n{_text(rng, 60)} {links}\n"
        )
    return n | {"briefings": briefings}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--facts", type=int, default=10_000)
    ap.add_argument("--briefings", type=int, default=0)
    args = ap.parse_args()
    print(generate(args.out, args.facts, briefings=args.briefings))
