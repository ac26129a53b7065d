"""A pack's ``test`` blocks: run them, report failures, and measure what they cover."""

from __future__ import annotations

import datetime

import attrs

from lexgap import ir
from lexgap.evaluate import bind_values, program_for
from lexgap.model import Pack, PackTest


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


def _decided_branches(pack: Pack, program: object, env: list[object]) -> set[int]:
    """Operands of and/or whose value was true and false, as (node id * 2 + value)."""
    from lexgap.native import Program

    assert isinstance(program, Program)
    seen: set[int] = set()
    for c in pack.criteria:
        for root in (c.applies, c.require):
            if root is None:
                continue
            for node in ir.walk(root):
                if isinstance(node, ir.And | ir.Or):
                    for operand in node.operands:
                        value = program.value(operand, env)
                        if value is not None:
                            seen.add(id(operand) * 2 + int(bool(value)))
    return seen


def coverage_text(pack: Pack, outcome: RunOutcome) -> str:
    """Which criteria the tests reached, with which verdicts, and untested branches."""
    lines = [f"coverage of {pack.name}:"]
    reached: dict[str, set[str]] = {c.path: set() for c in pack.criteria}
    expected: dict[str, set[str]] = {c.path: set() for c in pack.criteria}
    branches: set[int] = set()
    for t in outcome.tests:
        for crit, _, _ in t.test.expects:
            expected[crit].add(t.verdicts[crit])
        for crit, verdict in t.verdicts.items():
            reached[crit].add(verdict)
        branches |= t.branches
    total_ops = covered_ops = 0
    for c in pack.criteria:
        ops: list[ir.Expr] = []
        for root in (c.applies, c.require):
            if root is not None:
                for node in ir.walk(root):
                    if isinstance(node, ir.And | ir.Or):
                        ops.extend(node.operands)
        both = [o for o in ops if id(o) * 2 in branches and id(o) * 2 + 1 in branches]
        total_ops += len(ops)
        covered_ops += len(both)
        tested = ", ".join(sorted(expected[c.path])) or "not tested"
        lines.append(
            f"  {c.path}: expected verdicts {tested}; "
            f"branches {len(both)}/{len(ops)} seen true and false"
        )
    untested = [c for c, v in expected.items() if not v]
    lines.append(
        f"  {len(pack.criteria) - len(untested)}/{len(pack.criteria)} criteria tested; "
        f"{covered_ops}/{total_ops} and/or operands seen both true and false"
    )
    return "\n".join(lines)
