"""A pack's compiled formulas to satisfiability answers: the solver behind ``lexgap lint``.

Every question is "is there a jurisdiction where this three-valued formula is *true*?"
(``applies`` true; ``applies and require`` true; ``applies and not require`` true; for a
set of criteria, every ``applies implies require`` true). The formula is the pack's own
compiled native closures, so the analysis agrees with evaluation by construction.

Each fact (and the evaluation date ``as_of``) gets a small set of *representative values*:
both booleans, every enum member, and for numbers, durations and dates every constant the
fact is compared with, plus one value between each pair of neighbouring constants, one
below the smallest and one above the largest; strings get their constants plus one other
string; list facts used only with ``contains`` (or ``CONST in list``) get every subset of
their constants. For a fact used only in those ways (compared with constants, never with
another fact, never in arithmetic or ``count``) these values are provably complete: any
value behaves exactly like one of them in every comparison of the pack.

Facts need not take the value unknown in the search, except those under ``known(...)``:
Kleene logic and strict comparisons are monotone (making an unknown fact known can turn
unknown into true or false, never true into false), so a formula that can be true with
some facts unknown can also be true with all of them known. This also gives the search
its pruning: a partial assignment (unassigned facts read as unknown) whose formula is
already false cannot be completed to true, once every ``known``-sensitive fact is set.

A backtracking search over the representatives answers each question. When it finishes
and every fact involved is in the exact fragment, a "no" is **proven**. Otherwise (a fact
compared with another fact or used in arithmetic, or the search budget runs out) the
search is followed by random assignments, and a "no" only means "no example found in N
tries"; such findings are warnings, never errors.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from collections.abc import Callable
from decimal import Decimal
from itertools import combinations, pairwise
from typing import Any

import attrs

from lexgap import ast, ir
from lexgap.evaluate import program_for
from lexgap.model import Criterion, Pack
from lexgap.native import Program
from lexgap.types import (
    BoolType,
    DateType,
    DurationType,
    EnumType,
    ListType,
    NumberType,
    StringType,
    Type,
    Value,
)

Fn = Callable[[list[Any]], Any]

#: Formula evaluations one question may use in the exhaustive search before giving up.
SEARCH_BUDGET = 20_000
#: Random assignments tried after an incomplete search.
RANDOM_TRIES = 1_000
#: A list fact compared with more constants than this gets only some of their subsets.
MAX_LIST_CONSTANTS = 6

AS_OF = "as_of"


@attrs.frozen
class Outcome:
    """The answer to one satisfiability question."""

    found: bool
    proven: bool
    tries: int
    witness: dict[str, Value] | None = None

    def label(self) -> str:
        if self.proven:
            return f"proven: exhaustive over representative values, {self.tries} evaluations"
        return f"not proven: no example found in {self.tries} tries"


# ---- variables and their representative values ------------------------------------------


@attrs.define
class Var:
    """A fact (or ``as_of``) as the search sees it."""

    name: str
    slot: int
    type: Type
    constants: set[Any] = attrs.Factory(set)
    exact: bool = True
    maybe_unknown: bool = False
    #: Read under ``known(...)`` (through definitions too): the search must set it before
    #: it prunes, since ``known`` of an unset variable is false, not unknown. ``as_of`` can
    #: be under ``known`` without ever being unknown.
    under_known: bool = False
    #: False when even exact uses are not covered (a list compared with many constants).
    complete: bool = True
    domain: tuple[Any, ...] = ()

    def finish(self) -> None:
        if isinstance(self.type, ListType) and len(self.constants) > MAX_LIST_CONSTANTS:
            self.complete = False
        reps = _representatives(self.type, self.constants, self.exact)
        self.domain = (*reps, None) if self.maybe_unknown else reps

    def random(self, rng: random.Random) -> Any:
        if self.maybe_unknown and rng.random() < 0.2:
            return None
        if self.domain and rng.random() < 0.5:
            choice = rng.choice(self.domain)
            if choice is not None:
                return choice
        return _random_value(self.type, self.constants, rng)


def _sorted_constants(values: set[Any]) -> list[Any]:
    try:
        return sorted(v for v in values if v is not None)
    except TypeError:
        return []


def _representatives(type_: Type, constants: set[Any], exact: bool) -> tuple[Any, ...]:
    if isinstance(type_, BoolType):
        return (True, False)
    if isinstance(type_, EnumType):
        return type_.members
    consts = _sorted_constants(constants)
    if isinstance(type_, NumberType):
        return _between(consts or [0], lambda a, b: _number_between(a, b), 1)
    if isinstance(type_, DurationType):
        reps = _between(consts or [86400], lambda a, b: a + 1 if b - a >= 2 else None, 1)
        return tuple(r for r in reps if r >= 0)
    if isinstance(type_, DateType):
        day = datetime.timedelta(days=1)
        dates = consts or [datetime.date(2000, 1, 1)]
        return _between(dates, lambda a, b: a + day if (b - a).days >= 2 else None, day)
    if isinstance(type_, StringType):
        other = "\x00other"
        while other in consts:
            other += "_"
        return (*consts, other)
    if isinstance(type_, ListType):
        items = consts[:MAX_LIST_CONSTANTS]
        subsets = [tuple(c) for n in range(len(items) + 1) for c in combinations(items, n)]
        if not exact:
            subsets.append((*items, _fresh(type_.element, constants)))
        return tuple(subsets)
    return (None,)


def _between(consts: list[Any], mid: Callable[[Any, Any], Any], step: Any) -> tuple[Any, ...]:
    """Each constant, a value strictly between neighbours, one below and one above."""
    out: list[Any] = []
    with contextlib.suppress(OverflowError):
        out.append(consts[0] - step)
    for a, b in pairwise(consts):
        out.append(a)
        m = mid(a, b)
        if m is not None:
            out.append(m)
    out.append(consts[-1])
    with contextlib.suppress(OverflowError):
        out.append(consts[-1] + step)
    return tuple(dict.fromkeys(out))


def _number_between(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and b - a >= 2:
        return a + 1
    if a == b:
        return None
    m = (Decimal(a) + Decimal(b)) / 2
    return int(m) if m == m.to_integral_value() else m


def _fresh(type_: Type, constants: set[Any]) -> Any:
    if isinstance(type_, NumberType | DurationType):
        return max((c for c in constants if isinstance(c, int | Decimal)), default=0) + 1
    if isinstance(type_, EnumType):
        return type_.members[-1]
    if isinstance(type_, BoolType):
        return True
    if isinstance(type_, DateType):
        return datetime.date(2000, 1, 1)
    return "\x00other"


def _random_value(type_: Type, constants: set[Any], rng: random.Random) -> Any:
    consts = _sorted_constants(constants)
    if isinstance(type_, BoolType):
        return rng.random() < 0.5
    if isinstance(type_, EnumType):
        return rng.choice(type_.members)
    if isinstance(type_, NumberType):
        spread = max([20, *(2 * abs(int(c)) for c in consts)])
        lo = int(min(consts, default=0)) - spread
        hi = int(max(consts, default=0)) + spread
        n = rng.randint(lo * 10, hi * 10)
        return Decimal(n) / 10 if n % 10 else n // 10
    if isinstance(type_, DurationType):
        hi = int(max(consts, default=86400))
        return rng.randint(0, 2 * hi + 86400)
    if isinstance(type_, DateType):
        base = consts[len(consts) // 2] if consts else datetime.date(2020, 1, 1)
        try:
            return base + datetime.timedelta(days=rng.randint(-3650, 3650))
        except OverflowError:
            return base
    if isinstance(type_, StringType):
        return rng.choice([*consts, "\x00other"]) if consts else "\x00other"
    if isinstance(type_, ListType):
        n = rng.randint(0, 4)
        return tuple(
            rng.choice(consts)
            if consts and rng.random() < 0.7
            else _random_value(type_.element, set(), rng)
            for _ in range(n)
        )
    return None


# ---- the analysis --------------------------------------------------------------------------


class _OutOfBudget(Exception):
    pass


class Analysis:
    """Everything the checks share: the pack, its program, its variables, the solver."""

    def __init__(
        self,
        pack: Pack,
        *,
        strict: bool = False,
        budget: int = SEARCH_BUDGET,
        tries: int = RANDOM_TRIES,
        seed: int = 0,
    ) -> None:
        self.pack = pack
        self.strict = strict
        self.budget = budget
        self.tries = tries
        self.seed = seed
        self.program: Program = program_for(pack)
        # NOTE: by identity, not ``tuple.index``: attrs equality compares every field, so
        # looking each criterion up by value made linting quadratic in the criteria.
        self._index = {id(c): i for i, c in enumerate(pack.criteria)}
        # NOTE: the loader appends a file after the files it imports, so the root is last.
        self.root: ast.Module | None = pack.modules[-1] if pack.modules else None
        self.vars: dict[str, Var] = {}
        self._def_vars: dict[str, frozenset[str]] = {}
        self._def_deps: dict[str, frozenset[str]] = {}
        #: Per expression (by id): variables used there outside the exact fragment.
        self._inexact: dict[int, frozenset[str]] = {}
        self._collect_vars()
        #: Criteria the conflict search leaves out: their own findings already say why.
        self.excluded: set[str] = set()

    # -- variables --

    def _var(self, node: ir.Expr) -> Var | None:
        """The variable a node stands for: a fact, ``as_of``, or a definition aliasing one."""
        while isinstance(node, ir.DefRef):
            body = self.pack.definitions[node.path].expr
            if not isinstance(body, ir.FactRef | ir.DefRef | ir.AsOf):
                return None
            node = body
        if isinstance(node, ir.FactRef):
            return self.vars[node.path]
        if isinstance(node, ir.AsOf):
            return self.vars[AS_OF]
        return None

    def _collect_vars(self) -> None:
        program, pack = self.program, self.pack
        for path, slot in program.fact_slots.items():
            self.vars[path] = Var(path, slot, pack.facts[path].type)
        self.vars[AS_OF] = Var(AS_OF, program.as_of_slot, DateType())
        roots = [d.expr for d in pack.definitions.values()]
        for c in pack.criteria:
            roots.append(c.require)
            if c.applies is not None:
                roots.append(c.applies)
        allowed: set[int] = set()
        for root in roots:
            for node in ir.walk(root):
                self._note_constants(node, allowed)
        for root in roots:
            inexact: set[str] = set()
            if isinstance(root, ir.FactRef | ir.DefRef | ir.AsOf):
                # NOTE: an alias definition (``define age = law.child.age``) is judged
                # where it is used: _var sees through it.
                continue
            for node in ir.walk(root):
                if isinstance(node, ir.Known):
                    for name in self.vars_of(node.target):
                        self.vars[name].under_known = True
                        self.vars[name].maybe_unknown = name != AS_OF
                    allowed.add(id(node.target))
                var = self._var(node)
                if var is None or id(node) in allowed:
                    continue
                if not isinstance(var.type, BoolType | EnumType):
                    var.exact = False
                    inexact.add(var.name)
            self._inexact[id(root)] = frozenset(inexact)
        # NOTE: a variable outside the exact fragment (arithmetic, compared with another
        # fact) gets every constant of its type in the pack as a boundary too: a heuristic,
        # but sums and differences of facts are usually compared with those constants.
        pool: dict[type, set[Any]] = {}
        for root in roots:
            for node in ir.walk(root):
                if isinstance(node, ir.Const) and node.value is not None:
                    pool.setdefault(type(node.type), set()).add(node.value)
        for var in self.vars.values():
            if not var.exact and not isinstance(var.type, ListType):
                var.constants |= pool.get(type(var.type), set())
            var.finish()

    def _note_constants(self, node: ir.Expr, allowed: set[int]) -> None:
        """Record constants a variable is compared with; mark such occurrences as exact."""
        if not isinstance(node, ir.Binary) or node.op not in ir.COMPARISONS:
            return
        left, right = self._var(node.left), self._var(node.right)
        if node.op in ("in", "notin"):
            if left is not None and isinstance(node.right, ir.ListExpr):
                if all(isinstance(i, ir.Const) for i in node.right.items):
                    left.constants.update(i.value for i in node.right.items)  # type: ignore[attr-defined]
                    allowed.add(id(node.left))
            elif right is not None and isinstance(node.left, ir.Const):
                right.constants.add(node.left.value)
                allowed.add(id(node.right))
            return
        if node.op == "contains":
            if left is not None and isinstance(node.right, ir.Const):
                left.constants.add(node.right.value)
                allowed.add(id(node.left))
            return
        if left is not None and isinstance(node.right, ir.Const):
            if isinstance(left.type, ListType):
                return
            left.constants.add(node.right.value)
            allowed.add(id(node.left))
        elif right is not None and isinstance(node.left, ir.Const):
            if isinstance(right.type, ListType):
                return
            right.constants.add(node.left.value)
            allowed.add(id(node.right))

    def vars_of(self, expr: ir.Expr | None) -> frozenset[str]:
        """The facts (and ``as_of``) an expression reads, through definitions."""
        if expr is None:
            return frozenset()
        out: set[str] = set()
        for node in ir.walk(expr):
            if isinstance(node, ir.FactRef):
                out.add(node.path)
            elif isinstance(node, ir.AsOf):
                out.add(AS_OF)
            elif isinstance(node, ir.DefRef):
                out |= self._definition_vars(node.path)
        return frozenset(out)

    def _definition_vars(self, path: str) -> frozenset[str]:
        cached = self._def_vars.get(path)
        if cached is None:
            self._def_vars[path] = frozenset()  # NOTE: the checker rejects cycles; be safe.
            cached = self.vars_of(self.pack.definitions[path].expr)
            self._def_vars[path] = cached
        return cached

    def defs_of(self, expr: ir.Expr | None) -> frozenset[str]:
        """The definitions an expression reads, directly or through other definitions."""
        if expr is None:
            return frozenset()
        out: set[str] = set()
        for node in ir.walk(expr):
            if isinstance(node, ir.DefRef) and node.path not in out:
                out.add(node.path)
                cached = self._def_deps.get(node.path)
                if cached is None:
                    self._def_deps[node.path] = frozenset()
                    cached = self.defs_of(self.pack.definitions[node.path].expr)
                    self._def_deps[node.path] = cached
                out |= cached
        return frozenset(out)

    def criterion_vars(self, c: Criterion) -> frozenset[str]:
        return self.vars_of(c.require) | self.vars_of(c.applies)

    def criterion_defs(self, c: Criterion) -> frozenset[str]:
        return self.defs_of(c.require) | self.defs_of(c.applies)

    def criterion_inexact(self, c: Criterion) -> frozenset[str]:
        """Variables the criterion (or a definition it reads) uses outside the fragment
        where representative values are provably complete."""
        out = set(self._inexact.get(id(c.require), ()))
        if c.applies is not None:
            out |= self._inexact.get(id(c.applies), frozenset())
        for d in self.criterion_defs(c):
            out |= self._inexact.get(id(self.pack.definitions[d].expr), frozenset())
        return frozenset(out)

    def fns(self, c: Criterion) -> tuple[Fn | None, Fn]:
        return self.program.criteria[self._index[id(c)]]

    # -- the solver --

    def satisfiable(
        self,
        formula: Fn,
        var_names: frozenset[str],
        def_names: frozenset[str],
        inexact: frozenset[str] = frozenset(),
    ) -> Outcome:
        """Is there an assignment of the variables under which ``formula`` is true?

        ``inexact`` names variables whose representative values may be incomplete; with
        any of them involved, a "no" is not proven.
        """
        # NOTE: variables under known() go first: until they are set, a partial assignment
        # is not monotone and must not be pruned.
        ordered = sorted(
            (self.vars[n] for n in var_names), key=lambda v: (not v.under_known, v.name)
        )
        sensitive = sum(1 for v in ordered if v.under_known)
        # A partial assignment may stand for a total one while every unset variable under
        # known() may be unknown (as_of never is).
        none_ok = [
            all(None in v.domain for v in ordered[i:sensitive]) for i in range(len(ordered) + 1)
        ]
        slots = {self.program.def_slots[d] for d in def_names}
        defs = [(slot, fn) for slot, fn in self.program.def_fns if slot in slots]
        env: list[Any] = [None] * self.program.size
        count = 0

        def value() -> Any:
            nonlocal count
            count += 1
            for slot, fn in defs:
                env[slot] = fn(env)
            return formula(env)

        def witness() -> dict[str, Value]:
            return {v.name: env[v.slot] for v in ordered}

        def search(i: int) -> bool:
            if count >= self.budget:
                raise _OutOfBudget
            v = value()
            if v is True and none_ok[i]:
                return True
            if i >= sensitive and v is not None:
                return False
            if i == len(ordered):
                return False
            var = ordered[i]
            for x in var.domain:
                env[var.slot] = x
                if search(i + 1):
                    return True
            env[var.slot] = None
            return False

        try:
            if search(0):
                return Outcome(True, True, count, witness())
            if not inexact & var_names and all(v.complete for v in ordered):
                return Outcome(False, True, count)
        except _OutOfBudget:
            pass
        rng = random.Random(self.seed)
        for _ in range(self.tries):
            for var in ordered:
                env[var.slot] = var.random(rng)
            if value() is True:
                return Outcome(True, True, count, witness())
        return Outcome(False, False, count)
