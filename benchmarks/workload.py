"""The benchmark workload: a generated pack and jurisdictions, and the verdicts by hand.

Criterion ``c{i}`` is one of five kinds, in turn: a number compared with a constant, a
duration compared with a constant, an enum membership, a boolean fact, and
``b and n < k or e == c``; every third criterion also ``applies`` only where a boolean
fact holds. Each criterion reads its own facts (one to three, plus the ``applies`` fact),
so the work grows with criteria x jurisdictions. Each fact is stated in a jurisdiction
with probability 0.9, so about one result in five is unknown and the Kleene paths are
exercised. Generation is seeded: the same sizes give the same workload.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

KINDS = ("num", "dur", "enum", "bool", "and")
#: Which facts each kind reads (``g`` is the ``applies`` fact, added to every third).
READS = {"num": "n", "dur": "d", "enum": "e", "bool": "b", "and": "bne"}
TYPES = {"n": "number", "d": "duration", "e": "enum(a, b, c)", "b": "bool", "g": "bool"}


@dataclass(frozen=True)
class Spec:
    """One criterion: its kind, its constant, whether it has ``applies``, its fact keys."""

    index: int
    kind: str
    k: int
    applies: bool

    def key(self, letter: str) -> str:
        return f"f{self.index}.{letter}"

    @property
    def letters(self) -> str:
        return READS[self.kind] + ("g" if self.applies else "")

    @property
    def require(self) -> str:
        i, k = self.index, self.k
        return {
            "num": f"f{i}.n >= {k}",
            "dur": f"f{i}.d <= {k}h",
            "enum": f"f{i}.e in [a, b]",
            "bool": f"f{i}.b",
            "and": f"f{i}.b and f{i}.n < {k} or f{i}.e == c",
        }[self.kind]


def specs(n_criteria: int, seed: int = 1) -> list[Spec]:
    rng = random.Random(seed)
    return [
        Spec(i, KINDS[i % len(KINDS)], rng.randint(10, 20), i % 3 == 0) for i in range(n_criteria)
    ]


def pack_text(criteria: list[Spec]) -> str:
    lines = ['pack bench { title "bench" }']
    for s in criteria:
        for letter in s.letters:
            lines.append(f"fact {s.key(letter)}: {TYPES[letter]}")
        applies = f"applies f{s.index}.g\n  " if s.applies else ""
        lines.append(
            f'criterion c{s.index} {{\n  title "c{s.index}"\n  {applies}require {s.require}\n}}'
        )
    return "\n".join(lines) + "\n"


def _code(j: int) -> str:
    """A distinct sub-national code per jurisdiction: XX-A, ..., XX-ZZZ (18,278 codes)."""
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return f"XX-{letters}"


def jurisdictions(
    criteria: list[Spec], n_jurisdictions: int, seed: int = 2
) -> Iterator[dict[str, Any]]:
    """Fact-file mappings, one per jurisdiction (durations as written: ``"15h"``)."""
    rng = random.Random(seed)
    for j in range(n_jurisdictions):
        facts: dict[str, Any] = {}
        for s in criteria:
            for letter in s.letters:
                if rng.random() >= 0.9:
                    continue
                if letter == "n":
                    facts[s.key("n")] = rng.randint(5, 25)
                elif letter == "d":
                    facts[s.key("d")] = f"{rng.randint(5, 25)}h"
                elif letter == "e":
                    facts[s.key("e")] = rng.choice("abc")
                elif letter == "b":
                    facts[s.key("b")] = rng.random() < 0.5
                else:
                    facts[s.key("g")] = rng.random() < 0.7
        yield {"jurisdiction": _code(j), "name": f"J{j}", "facts": facts}


def yaml_text(mapping: dict[str, Any]) -> str:
    """A mapping as fact-file YAML (the values here need no quoting)."""
    lines = [f"jurisdiction: {mapping['jurisdiction']}", f"name: {mapping['name']}", "facts:"]
    for key, value in mapping["facts"].items():
        shown = ("true" if value else "false") if isinstance(value, bool) else value
        lines.append(f"  {key}: {shown}")
    return "\n".join(lines) + "\n"


def parsed(mapping: dict[str, Any]) -> dict[str, Any]:
    """A jurisdiction's facts as plain Python values: durations in seconds."""
    out = dict(mapping["facts"])
    for key, value in out.items():
        if key.endswith(".d"):
            out[key] = int(value[:-1]) * 3600
    return out


def hand_written(criteria: list[Spec], facts_list: list[dict[str, Any]]) -> list[str]:
    """The practical limit: plain Python over pre-parsed values (absent = unknown).

    Keys are computed once per criterion, outside the loop over jurisdictions, as a
    programmer writing this by hand for speed would.
    """
    plan = [
        (
            s.kind,
            s.k,
            s.k * 3600,
            s.key("g") if s.applies else None,
            s.key("n"),
            s.key("d"),
            s.key("e"),
            s.key("b"),
        )
        for s in criteria
    ]
    out: list[str] = []
    append = out.append
    for facts in facts_list:
        get = facts.get
        for kind, k, k_seconds, kg, kn, kd, ke, kb in plan:
            if kg is not None:
                g = get(kg)
                if g is None:
                    append("unknown")
                    continue
                if not g:
                    append("not_applicable")
                    continue
            if kind == "num":
                n = get(kn)
                r = None if n is None else n >= k
            elif kind == "dur":
                d = get(kd)
                r = None if d is None else d <= k_seconds
            elif kind == "enum":
                e = get(ke)
                r = None if e is None else e in ("a", "b")
            elif kind == "bool":
                r = get(kb)
            else:
                b, n, e = get(kb), get(kn), get(ke)
                lt = None if n is None else n < k
                if b is False or lt is False:
                    left = False
                elif b is None or lt is None:
                    left = None
                else:
                    left = True
                if left is True or e == "c":
                    r = True
                elif left is None or e is None:
                    r = None
                else:
                    r = False
            append("met" if r is True else "gap" if r is False else "unknown")
    return out
