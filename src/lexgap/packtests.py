"""A pack's ``test`` blocks: run them, report failures, and measure what they cover."""

from __future__ import annotations

import datetime

import attrs

from lexgap import ir
from lexgap.evaluate import bind_values, program_for
from lexgap.model import Criterion, Pack, PackTest
from lexgap.span import Span


@attrs.frozen
class TestOutcome:
    test: PackTest
    failures: tuple[str, ...]
    verdicts: dict[str, str]
    #: For coverage: per criterion, ids of and/or operand nodes whose value decided.
    branches: frozenset[int] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.failures


@attrs.frozen
class RunOutcome:
    tests: tuple[TestOutcome, ...]

    @property
    def passed(self) -> int:
        return sum(1 for t in self.tests if t.ok)

    @property
    def failed(self) -> int:
        return sum(1 for t in self.tests if not t.ok)


def run_tests(pack: Pack, today: datetime.date | None = None) -> RunOutcome:
    """Evaluate each test's given facts (others unknown) and compare expected verdicts."""
    program = program_for(pack)
    outcomes: list[TestOutcome] = []
    for test in pack.tests:
        as_of = test.as_of or today or datetime.date.today()
        context = bind_values(program, dict(test.given), as_of)
        verdicts = dict(
            zip((c.path for c in pack.criteria), program.verdicts(context.env), strict=True)
        )
        failures: list[str] = []
        for criterion, expected, span in test.expects:
            got = verdicts[criterion]
            if got != expected:
                detail = ""
                explainer = context.explainer
                crit = pack.criterion(criterion)
                if got == "gap":
                    detail = "; because " + "; ".join(explainer.because(crit, got))
                elif got == "unknown":
                    detail = "; missing " + ", ".join(explainer.missing(crit, got))
                failures.append(
                    f'FAIL {span}: test "{test.name}": {criterion} expected {expected}, '
                    f"got {got}{detail}"
                )
        branches = frozenset(_decided_branches(pack, program, context.env))
        outcomes.append(TestOutcome(test, tuple(failures), verdicts, branches))
    return RunOutcome(tuple(outcomes))


def _walk_with_definitions(pack: Pack, roots: list[ir.Expr]) -> list[ir.Expr]:
    """Every node of the expressions and of the definitions they read, each once, in order.

    NOTE: branches inside a definition belong to every criterion that reads it: a test that
    decides ``lanzarote_like`` both ways covers its ``and`` wherever it is used.
    """
    out: list[ir.Expr] = []
    seen_defs: set[str] = set()
    stack = list(reversed(roots))
    while stack:
        root = stack.pop()
        for node in ir.walk(root):
            out.append(node)
            if isinstance(node, ir.DefRef) and node.path not in seen_defs:
                seen_defs.add(node.path)
                stack.append(pack.definitions[node.path].expr)
    return out


def branches_of(pack: Pack, criterion: Criterion) -> list[ir.Expr]:
    """The operands of every ``and``/``or`` a criterion evaluates (``applies`` first, then
    ``require``, then the definitions they read), in source order."""
    roots = [r for r in (criterion.applies, criterion.require) if r is not None]
    ops: list[ir.Expr] = []
    seen: set[int] = set()
    for node in _walk_with_definitions(pack, roots):
        if isinstance(node, ir.And | ir.Or):
            for operand in node.operands:
                if id(operand) not in seen:
                    seen.add(id(operand))
                    ops.append(operand)
    return ops


def _decided_branches(pack: Pack, program: object, env: list[object]) -> set[int]:
    """Operands of and/or whose value was true and false, as (node id * 2 + value)."""
    from lexgap.native import Program

    assert isinstance(program, Program)
    seen: set[int] = set()
    for c in pack.criteria:
        for operand in branches_of(pack, c):
            value = program.value(operand, env)
            if value is not None:
                seen.add(id(operand) * 2 + int(bool(value)))
    return seen


VERDICT_ORDER = ("met", "gap", "unknown", "not_applicable")


@attrs.frozen
class Branch:
    """One operand of an ``and``/``or``, and the values the tests saw it take."""

    text: str
    span: Span
    seen_true: bool
    seen_false: bool

    @property
    def covered(self) -> bool:
        return self.seen_true and self.seen_false


@attrs.frozen
class CriterionCoverage:
    """What the tests exercised of one criterion."""

    criterion: str
    #: Tests with an ``expect`` for this criterion.
    tests: int
    #: Verdicts the criterion got in any test (every test evaluates every criterion).
    reached: tuple[str, ...]
    #: Verdicts the tests' ``expect`` lines checked.
    expected: tuple[str, ...]
    branches: tuple[Branch, ...]


def coverage(pack: Pack, outcome: RunOutcome) -> tuple[CriterionCoverage, ...]:
    """Per criterion, in pack order: the tests that check it, the verdicts it reached and
    was expected to reach, and each and/or operand with the values it was seen to take."""
    decided: set[int] = set()
    for t in outcome.tests:
        decided |= t.branches
    out: list[CriterionCoverage] = []
    for c in pack.criteria:
        reached = {t.verdicts[c.path] for t in outcome.tests}
        expected = {v for t in outcome.tests for crit, v, _ in t.test.expects if crit == c.path}
        tests = sum(1 for t in outcome.tests if any(e[0] == c.path for e in t.test.expects))
        branches = tuple(
            Branch(o.text, o.span, id(o) * 2 + 1 in decided, id(o) * 2 in decided)
            for o in branches_of(pack, c)
        )
        out.append(
            CriterionCoverage(
                c.path,
                tests,
                tuple(v for v in VERDICT_ORDER if v in reached),
                tuple(v for v in VERDICT_ORDER if v in expected),
                branches,
            )
        )
    return tuple(out)


def coverage_text(pack: Pack, outcome: RunOutcome) -> str:
    """Which criteria the tests checked, which verdicts each reached, and which and/or
    branches were seen both true and false (the others are listed with what was missing)."""
    lines = [f"coverage of {pack.name}:"]
    report = coverage(pack, outcome)
    for cc in report:
        tested = f"tested by {cc.tests} test(s)" if cc.tests else "not tested (no expect)"
        reached = ", ".join(cc.reached) or "none"
        expected = ", ".join(cc.expected) or "none"
        both = sum(1 for b in cc.branches if b.covered)
        lines.append(
            f"  {cc.criterion}: {tested}; verdicts reached {reached}; expected {expected}; "
            f"branches {both}/{len(cc.branches)} seen true and false"
        )
        for b in cc.branches:
            if b.covered:
                continue
            seen = "true" if b.seen_true else "false" if b.seen_false else None
            state = f"seen {seen} only" if seen else "never decided (always unknown)"
            lines.append(f"    branch {b.text} at {b.span}: {state}")
    checked = sum(1 for cc in report if cc.tests)
    total = sum(len(cc.branches) for cc in report)
    covered = sum(1 for cc in report for b in cc.branches if b.covered)
    lines.append(
        f"  {checked}/{len(report)} criteria tested; "
        f"{covered}/{total} and/or operands seen both true and false"
    )
    return "\n".join(lines)


def coverage_json(pack: Pack, outcome: RunOutcome) -> dict[str, object]:
    """The coverage report as JSON-ready data (``lexgap test --coverage --format json``)."""
    return {
        "pack": pack.name,
        "criteria": [
            {
                "criterion": cc.criterion,
                "tests": cc.tests,
                "verdicts_reached": list(cc.reached),
                "verdicts_expected": list(cc.expected),
                "branches": [
                    {
                        "text": b.text,
                        "file": b.span.file,
                        "line": b.span.line,
                        "column": b.span.column,
                        "seen_true": b.seen_true,
                        "seen_false": b.seen_false,
                    }
                    for b in cc.branches
                ],
            }
            for cc in coverage(pack, outcome)
        ],
    }
