"""Native evaluation speed as a ratio to hand-written Python (issue: engine performance).

Workload: 300 jurisdictions x 60 criteria mixing numeric, duration and enum comparisons,
boolean facts and ``applies``. The peer is plain Python computing the same verdicts from
pre-parsed values. Run: ``python benchmarks/bench_engine.py [--jurisdictions N --criteria M]``.
"""

from __future__ import annotations

import argparse
import datetime
import random
import time
from collections.abc import Callable
from typing import Any

import lexgap

AS_OF = datetime.date(2025, 1, 1)
KINDS = ("num", "dur", "enum", "bool", "and")


def make_workload(n_j: int, n_c: int, seed: int = 1) -> tuple[str, list[dict[str, Any]], list[Any]]:
    rng = random.Random(seed)
    lines = ['pack bench { title "bench" }']
    specs = []
    for i in range(n_c):
        lines.append(f"fact f{i}.n: number\nfact f{i}.d: duration\nfact f{i}.e: enum(a, b, c)")
        lines.append(f"fact f{i}.b: bool\nfact f{i}.g: bool")
        kind = KINDS[i % len(KINDS)]
        k = rng.randint(10, 20)
        require = {
            "num": f"f{i}.n >= {k}",
            "dur": f"f{i}.d <= {k}h",
            "enum": f"f{i}.e in [a, b]",
            "bool": f"f{i}.b",
            "and": f"f{i}.b and f{i}.n < {k} or f{i}.e == c",
        }[kind]
        applies = f"applies f{i}.g\n" if i % 3 == 0 else ""
        lines.append(f'criterion c{i} {{ title "c{i}" {applies}require {require} }}')
        specs.append((kind, k, i % 3 == 0))
    facts_list = []
    for j in range(n_j):
        facts: dict[str, Any] = {}
        for i in range(n_c):
            if rng.random() < 0.9:
                facts[f"f{i}.n"] = rng.randint(5, 25)
            if rng.random() < 0.9:
                facts[f"f{i}.d"] = f"{rng.randint(5, 25)}h"
            if rng.random() < 0.9:
                facts[f"f{i}.e"] = rng.choice("abc")
            if rng.random() < 0.9:
                facts[f"f{i}.b"] = rng.random() < 0.5
            if rng.random() < 0.9:
                facts[f"f{i}.g"] = rng.random() < 0.7
        facts_list.append({"jurisdiction": "XX", "name": f"J{j}", "facts": facts})
    return "\n".join(lines), facts_list, specs


def hand_written(specs: list[Any], parsed: list[dict[str, Any]]) -> list[str]:
    """The practical limit: plain Python over pre-parsed values (None = unknown)."""
    out = []
    for facts in parsed:
        for i, (kind, k, has_applies) in enumerate(specs):
            if has_applies:
                g = facts.get(f"f{i}.g")
                if g is None:
                    out.append("unknown")
                    continue
                if not g:
                    out.append("not_applicable")
                    continue
            n, d, e, b = (facts.get(f"f{i}.{x}") for x in "ndeb")
            if kind == "num":
                r = None if n is None else n >= k
            elif kind == "dur":
                r = None if d is None else d <= k * 3600
            elif kind == "enum":
                r = None if e is None else e in ("a", "b")
            elif kind == "bool":
                r = b
            else:
                lt = None if n is None else n < k
                if b is False or lt is False:
                    left = False
                elif b is None or lt is None:
                    left = None
                else:
                    left = True
                right = None if e is None else e == "c"
                if left is True or right is True:
                    r = True
                elif left is None or right is None:
                    r = None
                else:
                    r = False
            out.append("met" if r is True else "gap" if r is False else "unknown")
    return out


def best_of(fn: Callable[[], Any], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jurisdictions", type=int, default=300)
    parser.add_argument("--criteria", type=int, default=60)
    args = parser.parse_args()
    text, facts_list, specs = make_workload(args.jurisdictions, args.criteria)
    pack = lexgap.parse_pack(text)
    js = [lexgap.jurisdiction_from_mapping(f) for f in facts_list]
    parsed = []
    for f in facts_list:
        p = dict(f["facts"])
        for key, v in p.items():
            if key.endswith(".d"):
                p[key] = int(v[:-1]) * 3600
        parsed.append(p)
    lexgap.evaluate(pack, js, as_of=AS_OF)  # compile and type-cache once, like a warm run
    native = [r.verdict.value for r in lexgap.evaluate(pack, js, as_of=AS_OF).results]
    assert native == hand_written(specs, parsed), "native and hand-written verdicts differ"
    t_hand = best_of(lambda: hand_written(specs, parsed))
    t_native = best_of(lambda: lexgap.evaluate(pack, js, as_of=AS_OF))
    print(f"workload: {args.jurisdictions} jurisdictions x {args.criteria} criteria")
    print(f"hand-written Python: {t_hand * 1000:8.1f} ms   (1.00x)")
    print(f"lexgap native:       {t_native * 1000:8.1f} ms   ({t_native / t_hand:.2f}x)")


if __name__ == "__main__":
    main()
