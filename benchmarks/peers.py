"""The workload's verdicts computed by other rule engines, each through its own API.

Every peer gets the facts already parsed (durations in seconds), as the hand-written
Python does, and returns the verdicts in the same order (jurisdictions, then criteria):
a result no rule decides is ``unknown``, which is how each of these engines sees a fact
that is absent. Each ``run_*`` function returns (seconds to evaluate, verdicts); building
the rule base and converting the input are done before the clock starts, reading the
verdicts back out of the engine is timed.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from workload import Spec

Facts = list[dict[str, Any]]


# ---- durable-rules, with its own ruleset API (not through lexgap) -----------------------

_durable_names = itertools.count(1)
#: NOTE: durable-rules hangs building a ruleset in which one test fans out to more than 512
#: values (513 rules on ``m.c == i`` never return); criteria are keyed on two fields.
_FAN = 128


def run_durable(criteria: list[Spec], facts_list: Facts) -> tuple[float, list[str]]:
    """One fact per (jurisdiction, criterion); per criterion, a rule per decided verdict."""
    from durable.lang import assert_facts, c, delete_state, m, ruleset, when_all

    out: dict[tuple[int, int], str] = {}

    def record(index: int, verdict: str) -> Any:
        def action(context: Any) -> None:
            out[(context.m.j, index)] = verdict

        return action

    name = f"bench{next(_durable_names)}"
    with ruleset(name):
        for s in criteria:
            n, d, e, b, g = m.n, m.d, m.e, m.b, m.g
            if s.kind == "num":
                met, gap = n >= s.k, n < s.k
            elif s.kind == "dur":
                met, gap = d <= s.k * 3600, d > s.k * 3600
            elif s.kind == "enum":
                met, gap = (e == "a") | (e == "b"), e == "c"
            elif s.kind == "bool":
                met, gap = b == True, b == False  # noqa: E712 - durable-rules' DSL
            else:
                met = ((b == True) & (n < s.k)) | (e == "c")  # noqa: E712
                gap = ((b == False) | (n >= s.k)) & ((e == "a") | (e == "b"))  # noqa: E712
            key = (m.ch == s.index // _FAN) & (m.cl == s.index % _FAN)
            if s.applies:
                when_all(key & (g == False))(record(s.index, "not_applicable"))  # noqa: E712
                met, gap = (g == True) & met, (g == True) & gap  # noqa: E712
            when_all(key & met)(record(s.index, "met"))
            when_all(key & gap)(record(s.index, "gap"))
        # NOTE: durable-rules refuses a batch with a fact no rule tests (an unknown result
        # here); this rule sees every fact and never fires, as lexgap's backend does.
        when_all(c.never << (m.kind == "never"), c.any << +m.j)(lambda _: None)
    batches = []
    for j, facts in enumerate(facts_list):
        batch = []
        for s in criteria:
            fact = {"sid": str(j), "j": j, "ch": s.index // _FAN, "cl": s.index % _FAN}
            for letter in s.letters:
                value = facts.get(s.key(letter))
                if value is not None:
                    fact[letter] = value
            batch.append(fact)
        batches.append(batch)
    start = time.perf_counter()
    for j, batch in enumerate(batches):
        assert_facts(name, batch)
        delete_state(name, str(j))
    verdicts = [out.get((j, s.index), "unknown") for j in range(len(facts_list)) for s in criteria]
    return time.perf_counter() - start, verdicts


# ---- CLIPS, through clipspy -------------------------------------------------------------

_CLIPS_TESTS = {
    "num": ("(>= ?n {k})", "(< ?n {k})", "(numberp ?n)"),
    "dur": ("(<= ?d {ks})", "(> ?d {ks})", "(numberp ?d)"),
    "enum": ("(or (eq ?e a) (eq ?e b))", "(eq ?e c)", "TRUE"),
    "bool": ("(eq ?b TRUE)", "(eq ?b FALSE)", "TRUE"),
    "and": (
        "(or (and (eq ?b TRUE) (numberp ?n) (< ?n {k})) (eq ?e c))",
        "(and (or (eq ?b FALSE) (and (numberp ?n) (>= ?n {k}))) (or (eq ?e a) (eq ?e b)))",
        "TRUE",
    ),
}


def clips_rules(criteria: list[Spec]) -> str:
    """A template with one slot per fact letter (nil: absent) and rules per criterion."""
    out = [
        "(deftemplate jc (slot j) (slot c) (slot n (default nil)) (slot d (default nil))"
        " (slot e (default nil)) (slot b (default nil)) (slot g (default nil)))",
    ]
    for s in criteria:
        met, gap, guard = (t.format(k=s.k, ks=s.k * 3600) for t in _CLIPS_TESTS[s.kind])
        vars_ = " ".join(f"({x} ?{x})" for x in "ndeb")
        applies = " (g TRUE)" if s.applies else ""
        head = f"(jc (j ?j) (c {s.index}){applies} {vars_})"
        out.append(
            f"(defrule c{s.index}-met {head} (test (and {guard} {met}))"
            f" => (assert (v ?j {s.index} met)))"
        )
        out.append(
            f"(defrule c{s.index}-gap {head} (test (and {guard} {gap}))"
            f" => (assert (v ?j {s.index} gap)))"
        )
        if s.applies:
            out.append(
                f"(defrule c{s.index}-na (jc (j ?j) (c {s.index}) (g FALSE))"
                f" => (assert (v ?j {s.index} not_applicable)))"
            )
    return "\n".join(out)


def run_clips(criteria: list[Spec], facts_list: Facts) -> tuple[float, list[str]]:
    import clips

    env = clips.Environment()
    for construct in clips_rules(criteria).split("\n"):
        env.build(construct)
    symbols = {True: clips.Symbol("TRUE"), False: clips.Symbol("FALSE")}
    enum = {x: clips.Symbol(x) for x in "abc"}
    rows = []
    for j, facts in enumerate(facts_list):
        for s in criteria:
            slots: dict[str, Any] = {"j": j, "c": s.index}
            for letter in s.letters:
                value = facts.get(s.key(letter))
                if value is None:
                    continue
                if isinstance(value, bool):
                    value = symbols[value]
                elif isinstance(value, str):
                    value = enum[value]
                slots[letter] = value
            rows.append(slots)
    template = env.find_template("jc")
    start = time.perf_counter()
    for slots in rows:
        template.assert_fact(**slots)
    env.run()
    decided: dict[tuple[int, int], str] = {}
    for fact in env.facts():
        if fact.template.name == "v":
            j, c, verdict = fact
            decided[(int(j), int(c))] = str(verdict)
    verdicts = [
        decided.get((j, s.index), "unknown") for j in range(len(facts_list)) for s in criteria
    ]
    return time.perf_counter() - start, verdicts


# ---- OPA's Rego, through regopy (rego-cpp) ----------------------------------------------


def rego_module(criteria: list[Spec]) -> str:
    """One decision per jurisdiction: ``v[criterion]`` is its verdict when one is decided."""
    lines = ["package bench", "import rego.v1", ""]
    for s in criteria:
        i = s.index

        def f(letter: str, i: int = i) -> str:
            return f'input["f{i}.{letter}"]'

        head = f'v["c{i}"] := '
        given = ""
        if s.applies:
            lines.append(f'{head}"not_applicable" if {{ {f("g")} == false }}')
            given = f"{f('g')} == true; "
        if s.kind == "num":
            cases = [("met", f"{f('n')} >= {s.k}"), ("gap", f"{f('n')} < {s.k}")]
        elif s.kind == "dur":
            cases = [("met", f"{f('d')} <= {s.k * 3600}"), ("gap", f"{f('d')} > {s.k * 3600}")]
        elif s.kind == "enum":
            cases = [("met", f'{f("e")} in {{"a", "b"}}'), ("gap", f'{f("e")} == "c"')]
        elif s.kind == "bool":
            cases = [("met", f"{f('b')} == true"), ("gap", f"{f('b')} == false")]
        else:
            ab = f'{f("e")} in {{"a", "b"}}'
            cases = [
                ("met", f"{f('b')} == true; {f('n')} < {s.k}"),
                ("met", f'{f("e")} == "c"'),
                ("gap", f"{f('b')} == false; {ab}"),
                ("gap", f"{f('n')} >= {s.k}; {ab}"),
            ]
        for verdict, body in cases:
            lines.append(f'{head}"{verdict}" if {{ {given}{body} }}')
    return "\n".join(lines) + "\n"


def run_rego(criteria: list[Spec], facts_list: Facts) -> tuple[float, list[str]]:
    """One input document and one query per jurisdiction, as OPA decides requests.

    (All jurisdictions in one input, with ``some j`` in every rule, was slower.)
    """
    from regopy import Interpreter

    rego = Interpreter()
    rego.add_module("bench", rego_module(criteria))
    keys = [f"c{s.index}" for s in criteria]
    verdicts: list[str] = []
    start = time.perf_counter()
    for facts in facts_list:
        rego.set_input(facts)
        output = rego.query("data.bench.v")
        if not output.ok():
            msg = f"rego failed: {output}"
            raise RuntimeError(msg)
        expressions = json.loads(str(output)).get("expressions") or [{}]
        decided = expressions[0]
        verdicts.extend(decided.get(key, "unknown") for key in keys)
    return time.perf_counter() - start, verdicts


PEERS = {"durable-rules": run_durable, "CLIPS": run_clips, "Rego": run_rego}
