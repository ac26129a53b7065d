"""A checked pack to consistency findings: unused declarations, criteria that can never be
met, vacuous criteria, criteria that cannot all be met at once, duplicates, missing cites.

The checks are a named, ordered list (:data:`CHECKS`) over one shared :class:`Analysis`.

How satisfiability is decided
-----------------------------
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

Unused facts are reported only for facts declared in the pack's root file: a shared
vocabulary file imported by the pack legitimately declares facts the pack does not use.
The same holds for definitions.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import combinations, pairwise
from typing import Any

import attrs

from lexgap import ast, ir
from lexgap.diagnostics import Diagnostic, Severity
from lexgap.evaluate import program_for
from lexgap.model import Criterion, Pack
from lexgap.native import Program, kleene_and, kleene_implies, kleene_not, kleene_or
from lexgap.span import Span
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
#: Largest set of criteria examined for a joint conflict.
MAX_CONFLICT_SET = 3
#: Candidate sets examined for conflicts, at most, per pack.
MAX_CONFLICT_CHECKS = 2_000

#: A list fact compared with more constants than this gets only some of their subsets.
MAX_LIST_CONSTANTS = 6

AS_OF = "as_of"


@attrs.frozen
class Finding(Diagnostic):
    """A lint finding: a diagnostic that also names the criteria involved and says whether
    the claim was proven (``None`` for findings that are read off the text, not searched)."""

    criteria: tuple[tuple[str, Span], ...] = ()
    proven: bool | None = None
    tries: int = 0


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


# ---- Kleene combinators over compiled closures --------------------------------------------


def _compliant(analysis: Analysis, c: Criterion) -> Fn:
    """True when ``c`` is met or not applicable."""
    applies, require = analysis.fns(c)
    return require if applies is None else kleene_implies(applies, require)


# ---- the checks ----------------------------------------------------------------------------


def _criterion_ref(c: Criterion) -> tuple[str, Span]:
    return (c.path, c.span)


def _severity(outcome: Outcome) -> Severity:
    """Every problem the search finds is an error, proven or not (the finding says which):
    ``lint`` exits 1 on it. Only a missing ``cites`` is a mere warning."""
    del outcome
    return Severity.ERROR


def check_unused(analysis: Analysis) -> list[Diagnostic]:
    """Facts and definitions declared in the root file that nothing uses."""
    pack, root = analysis.pack, analysis.root
    if root is None:
        return []
    used_facts: set[str] = set()
    used_defs: set[str] = set()
    exprs: list[ir.Expr] = []
    refs: list[str] = []
    for c in pack.criteria:
        exprs.append(c.require)
        if c.applies is not None:
            exprs.append(c.applies)
        if c.gap is not None:
            refs.extend(c.gap.refs)
    for d in pack.definitions.values():
        for node in ir.walk(d.expr):
            if isinstance(node, ir.FactRef):
                used_facts.add(node.path)
    for e in exprs:
        used_defs |= analysis.defs_of(e)
        for node in ir.walk(e):
            if isinstance(node, ir.FactRef):
                used_facts.add(node.path)
    for ref in refs:
        if ref in pack.definitions:
            used_defs.add(ref)
            used_defs |= analysis.defs_of(ir.DefRef(pack.definitions[ref].type, ref, text=ref))
        else:
            used_facts.add(ref)
    findings: list[Diagnostic] = []
    for decl in root.decls:
        if isinstance(decl, ast.FactDecl) and decl.path not in used_facts:
            findings.append(
                Finding(
                    "unused-fact",
                    f"fact '{decl.path}' is declared but no criterion, definition or gap "
                    "message uses it",
                    decl.span,
                    hint="remove it, or move it to a shared vocabulary file",
                    severity=Severity.ERROR,
                )
            )
        elif isinstance(decl, ast.Define) and decl.path not in used_defs:
            findings.append(
                Finding(
                    "unused-definition",
                    f"definition '{decl.path}' is never used by a criterion or gap message",
                    decl.span,
                    hint="remove it, or use it in a criterion",
                    severity=Severity.ERROR,
                )
            )
    return findings


def check_cites(analysis: Analysis) -> list[Diagnostic]:
    """Criteria that cite no source (a warning; an error with ``--strict``)."""
    return [
        Finding(
            "missing-cites",
            f"criterion '{c.path}' cites no source",
            c.span,
            hint='add cites "..." naming the article or pledge it checks',
            severity=Severity.ERROR if analysis.strict else Severity.WARNING,
            criteria=(_criterion_ref(c),),
        )
        for c in analysis.pack.criteria
        if not c.cites
    ]


#: Random assignments that sort criteria over the same facts into candidate duplicates.
FINGERPRINT_TRIES = 24
#: Pairs of criteria compared by search for a difference, at most, per pack.
MAX_DUPLICATE_CHECKS = 500


def _canonical(node: ir.Expr) -> str:
    """A key equal for expressions that differ only in the order of ``and``/``or`` operands
    (or their nesting): such expressions have the same value in every jurisdiction."""
    if isinstance(node, ir.And | ir.Or):
        kind = type(node)
        flat: list[str] = []
        stack = list(node.operands)
        while stack:
            operand = stack.pop()
            if type(operand) is kind:
                stack.extend(operand.children())
            else:
                flat.append(_canonical(operand))
        return f"{kind.__name__}(" + "\x00".join(sorted(flat)) + ")"
    children = node.children()
    if not children:
        return f"{type(node).__name__}:{node.text}"
    op = getattr(node, "op", "")
    return f"{type(node).__name__}{op}(" + "\x01".join(_canonical(c) for c in children) + ")"


def _xor(f: Fn, g: Fn) -> Fn:
    return kleene_or([kleene_and([f, kleene_not(g)]), kleene_and([kleene_not(f), g])])


def _verdict_fns(analysis: Analysis, c: Criterion) -> tuple[Fn, Fn]:
    """``applies`` (true when absent) and ``met``: together they fix the verdict."""
    applies, require = analysis.fns(c)
    if applies is None:
        return (lambda env: True), require
    return applies, kleene_and([applies, require])


def _fingerprints(analysis: Analysis, group: list[Criterion]) -> dict[str, tuple[Any, ...]]:
    """Each criterion's verdicts on the same few random assignments of the facts it reads.

    NOTE: criteria with different fingerprints differ somewhere, so only criteria with the
    same fingerprint need the (costlier) search for a difference; this keeps thousands of
    criteria over one fact cheap.
    """
    names = analysis.criterion_vars(group[0])
    variables = [analysis.vars[n] for n in sorted(names)]
    def_names = frozenset().union(*(analysis.criterion_defs(c) for c in group))
    slots = {analysis.program.def_slots[d] for d in def_names}
    defs = [(slot, fn) for slot, fn in analysis.program.def_fns if slot in slots]
    fns = {c.path: _verdict_fns(analysis, c) for c in group}
    prints: dict[str, list[Any]] = {c.path: [] for c in group}
    rng = random.Random(analysis.seed)
    env: list[Any] = [None] * analysis.program.size
    for _ in range(FINGERPRINT_TRIES):
        for var in variables:
            env[var.slot] = var.random(rng)
        for slot, fn in defs:
            env[slot] = fn(env)
        for path, (applies, met) in fns.items():
            prints[path].append((applies(env), met(env)))
    return {path: tuple(values) for path, values in prints.items()}


def check_duplicates(analysis: Analysis) -> list[Diagnostic]:
    """Two criteria with the same requirement and applicability: the same verdict in every
    jurisdiction, however they are written (operands reordered, ``implies`` spelled out,
    bounds restated), proven over representative values where the fragment allows.

    Criteria whose canonical forms agree are duplicates outright; others over the same
    facts whose verdicts agree on a few random jurisdictions are compared by search, up to
    MAX_DUPLICATE_CHECKS pairs per pack.
    """
    found: dict[str, tuple[Criterion, Outcome | None]] = {}
    groups: dict[frozenset[str], list[Criterion]] = {}
    keys: dict[tuple[str, str], Criterion] = {}
    for c in analysis.pack.criteria:
        # NOTE: criteria that can never be met or never apply already have a finding; two of
        # them over one fact are "duplicates" only in that both are always gaps.
        if c.path in analysis.excluded:
            continue
        key = (_canonical(c.applies) if c.applies is not None else "", _canonical(c.require))
        original = keys.setdefault(key, c)
        if original is not c:
            found[c.path] = (original, None)
            continue
        groups.setdefault(analysis.criterion_vars(c), []).append(c)
    checks = 0
    incomplete = False
    for group in groups.values():
        if len(group) < 2 or incomplete:
            continue
        prints = _fingerprints(analysis, group)
        buckets: dict[tuple[Any, ...], list[Criterion]] = {}
        for c in group:
            buckets.setdefault(prints[c.path], []).append(c)
        for bucket in buckets.values():
            for i, later in enumerate(bucket):
                for original in bucket[:i]:
                    if original.path in found:
                        continue
                    checks += 1
                    if checks > MAX_DUPLICATE_CHECKS:
                        incomplete = True
                        break
                    same, outcome = _same_verdicts(analysis, original, later)
                    if same:
                        found[later.path] = (original, outcome)
                        break
                if incomplete:
                    break
            if incomplete:
                break
    findings: list[Diagnostic] = []
    if incomplete:
        root_span = (
            Span.point(analysis.root.file, 1, 1)
            if analysis.root
            else analysis.pack.criteria[0].span
        )
        findings.append(
            Finding(
                "duplicate-search-incomplete",
                f"stopped comparing criteria over the same facts after "
                f"{MAX_DUPLICATE_CHECKS} pairs; only criteria written alike (up to the order "
                "of and/or operands) were checked for the rest",
                root_span,
                severity=Severity.WARNING,
                proven=False,
            )
        )
    for c in analysis.pack.criteria:
        if c.path not in found:
            continue
        original, searched = found[c.path]
        when = f" when {c.applies.text}" if c.applies is not None else ""
        label = "written alike" if searched is None else searched.label()
        findings.append(
            Finding(
                "duplicate-requirement",
                f"criterion '{c.path}' requires the same as '{original.path}' "
                f"({c.require.text}{when}): the same verdict in every jurisdiction ({label})",
                c.span,
                hint="merge them, or cite both sources on one criterion",
                severity=Severity.ERROR,
                related=((f"criterion '{original.path}'", original.span),),
                criteria=(_criterion_ref(original), _criterion_ref(c)),
                proven=True if searched is None else searched.proven,
                tries=0 if searched is None else searched.tries,
            )
        )
    return findings


def _same_verdicts(analysis: Analysis, a: Criterion, b: Criterion) -> tuple[bool, Outcome]:
    """Whether no jurisdiction tells the two apart, and the search's outcome."""
    (aa, am), (ba, bm) = _verdict_fns(analysis, a), _verdict_fns(analysis, b)
    differs = kleene_or([_xor(aa, ba), _xor(am, bm)])
    outcome = analysis.satisfiable(
        differs,
        analysis.criterion_vars(a) | analysis.criterion_vars(b),
        analysis.criterion_defs(a) | analysis.criterion_defs(b),
        analysis.criterion_inexact(a) | analysis.criterion_inexact(b),
    )
    return not outcome.found, outcome


def check_criteria(analysis: Analysis) -> list[Diagnostic]:
    """Per criterion: ``applies`` never true; ``require`` never true or never false."""
    findings: list[Diagnostic] = []
    for c in analysis.pack.criteria:
        applies, require = analysis.fns(c)
        var_names = analysis.criterion_vars(c)
        def_names = analysis.criterion_defs(c)
        inexact = analysis.criterion_inexact(c)
        ref = (_criterion_ref(c),)
        if applies is not None:
            assert c.applies is not None
            outcome = analysis.satisfiable(applies, var_names, def_names, inexact)
            if not outcome.found:
                analysis.excluded.add(c.path)
                findings.append(
                    Finding(
                        "applies-never-true",
                        f"criterion '{c.path}' never applies: '{c.applies.text}' can never be "
                        f"true ({outcome.label()})",
                        c.applies.span,
                        severity=_severity(outcome),
                        criteria=ref,
                        proven=outcome.proven,
                        tries=outcome.tries,
                    )
                )
                continue
        met = require if applies is None else kleene_and([applies, require])
        outcome = analysis.satisfiable(met, var_names, def_names, inexact)
        if not outcome.found:
            analysis.excluded.add(c.path)
            when = " when it applies" if applies is not None else ""
            findings.append(
                Finding(
                    "require-never-true",
                    f"criterion '{c.path}' can never be met: '{c.require.text}' can never be "
                    f"true{when}, so it is always a gap ({outcome.label()})",
                    c.require.span,
                    severity=_severity(outcome),
                    criteria=ref,
                    proven=outcome.proven,
                    tries=outcome.tries,
                )
            )
            continue
        gap = kleene_not(require) if applies is None else kleene_and([applies, kleene_not(require)])
        outcome = analysis.satisfiable(gap, var_names, def_names, inexact)
        if not outcome.found:
            when = " when it applies" if applies is not None else ""
            findings.append(
                Finding(
                    "require-never-false",
                    f"criterion '{c.path}' is vacuous: '{c.require.text}' can never be "
                    f"false{when}, so it never finds a gap ({outcome.label()})",
                    c.require.span,
                    severity=_severity(outcome),
                    criteria=ref,
                    proven=outcome.proven,
                    tries=outcome.tries,
                )
            )
    return findings


def _describe(c: Criterion) -> str:
    if c.applies is None:
        return f"'{c.path}' requires {c.require.text}"
    return f"'{c.path}' requires {c.require.text} when {c.applies.text}"


def _connected_sets(
    candidates: list[Criterion], neighbours: Callable[[int], list[int]], size: int
) -> Iterator[tuple[Criterion, ...]]:
    """Sets of ``size`` criteria connected by shared facts, each in pack order, smaller
    sets first, in the order of their pack positions. Grown from each criterion one
    neighbour at a time (neighbours after it only), so a pack with many criteria that share
    little costs little.

    NOTE: generated lazily, first criterion by first criterion: the caller stops after
    MAX_CONFLICT_CHECKS sets, and 5,000 criteria that all read one fact have 12.5 million
    pairs, which must not all be built first.
    """
    for first in range(len(candidates)):
        layer: set[frozenset[int]] = {frozenset([first])}
        for _ in range(size - 1):
            layer = {
                group | {m}
                for group in layer
                for k in group
                for m in neighbours(k)
                if m > first and m not in group
            }
        for group in sorted(layer, key=sorted):
            yield tuple(candidates[k] for k in sorted(group))


def check_conflicts(analysis: Analysis) -> list[Diagnostic]:
    """Smallest sets of criteria (pairs, then triples) that can never all be met or
    not applicable at once: no jurisdiction can comply with all of them."""
    pack = analysis.pack
    candidates = [c for c in pack.criteria if c.path not in analysis.excluded]
    var_sets = {c.path: analysis.criterion_vars(c) for c in candidates}
    def_sets = {c.path: analysis.criterion_defs(c) for c in candidates}
    inexact_sets = {c.path: analysis.criterion_inexact(c) for c in candidates}
    readers: dict[str, list[int]] = {}
    for k, c in enumerate(candidates):
        for name in var_sets[c.path]:
            readers.setdefault(name, []).append(k)
    near: dict[int, list[int]] = {}

    def neighbours(k: int) -> list[int]:
        """Positions of the other criteria that read a fact criterion ``k`` reads."""
        if k not in near:
            found = {m for name in var_sets[candidates[k].path] for m in readers[name]}
            near[k] = sorted(found - {k})
        return near[k]

    conflicts: list[frozenset[str]] = []
    findings: list[Diagnostic] = []
    checked = 0
    for size in range(2, MAX_CONFLICT_SET + 1):
        for combo in _connected_sets(candidates, neighbours, size):
            paths = frozenset(c.path for c in combo)
            if any(k <= paths for k in conflicts):
                continue  # NOTE: report minimal sets only.
            checked += 1
            if checked > MAX_CONFLICT_CHECKS:
                root_span = Span.point(analysis.root.file, 1, 1) if analysis.root else combo[0].span
                findings.append(
                    Finding(
                        "conflict-search-incomplete",
                        f"stopped looking for conflicting criteria after {MAX_CONFLICT_CHECKS} "
                        f"sets of up to {size} criteria; larger or later sets were not checked",
                        root_span,
                        severity=Severity.WARNING,
                        proven=False,
                    )
                )
                return findings
            var_names = frozenset().union(*(var_sets[p] for p in paths))
            def_names = frozenset().union(*(def_sets[p] for p in paths))
            inexact = frozenset().union(*(inexact_sets[p] for p in paths))
            formula = kleene_and([_compliant(analysis, c) for c in combo])
            outcome = analysis.satisfiable(formula, var_names, def_names, inexact)
            when_all_apply = False
            if outcome.found:
                applying = _conflict_when_all_apply(analysis, combo, var_names, def_names, inexact)
                if applying is None:
                    continue
                outcome, when_all_apply = applying, True
            conflicts.append(paths)
            shared = sorted(n for n in var_names if sum(n in var_sets[p] for p in paths) >= 2)
            names = ", ".join(f"'{c.path}'" for c in combo)
            reasons = "; ".join(_describe(c) for c in combo)
            over = f" over {', '.join(shared)}" if shared else ""
            when = " when they all apply" if when_all_apply else ""
            findings.append(
                Finding(
                    "criteria-conflict",
                    f"criteria {names} can never all be met at once{over}{when}: {reasons} "
                    f"({outcome.label()})",
                    combo[0].span,
                    hint="no jurisdiction can comply with all of them; check the constants "
                    "and conditions",
                    severity=_severity(outcome),
                    related=tuple((f"conflicting criterion '{c.path}'", c.span) for c in combo[1:]),
                    criteria=tuple(_criterion_ref(c) for c in combo),
                    proven=outcome.proven,
                    tries=outcome.tries,
                )
            )
    return findings


def _conflict_when_all_apply(
    analysis: Analysis,
    combo: tuple[Criterion, ...],
    var_names: frozenset[str],
    def_names: frozenset[str],
    inexact: frozenset[str],
) -> Outcome | None:
    """The outcome showing that criteria which can all apply at once are then never all
    met, although each alone can be met there; None when that is not so.

    A jurisdiction where none of them applies complies with all, so such criteria are not
    a conflict in the strict sense; but wherever they all apply one of them is a gap: their
    requirements contradict each other (``applies mandated require period <= 24h`` beside
    ``require period > 48h``). NOTE: "each alone can be met where all apply" keeps out a
    criterion whose own requirement rules out another's ``applies`` (``require not m``
    beside ``applies m``): that is a design, not a contradiction.
    """
    applies = [a for a in (analysis.fns(c)[0] for c in combo) if a is not None]
    if not applies:
        return None  # NOTE: without applies the strict check above already decided.
    all_met = kleene_and([*applies, *(analysis.fns(c)[1] for c in combo)])
    outcome = analysis.satisfiable(all_met, var_names, def_names, inexact)
    if outcome.found:
        return None
    for c in combo:
        alone = kleene_and([*applies, analysis.fns(c)[1]])
        if not analysis.satisfiable(alone, var_names, def_names, inexact).found:
            return None
    return outcome


#: The checks, in order.
#: NOTE: check_criteria must run before check_duplicates and check_conflicts: it fills
#: ``analysis.excluded`` with criteria that can never be met (any set containing one
#: conflicts trivially) or never apply (they never stand in the way of compliance).
CHECKS: list[tuple[str, Callable[[Analysis], list[Diagnostic]]]] = [
    ("unused", check_unused),
    ("cites", check_cites),
    ("criteria", check_criteria),
    ("duplicates", check_duplicates),
    ("conflicts", check_conflicts),
]


def analyse(pack: Pack, *, strict: bool = False) -> list[Diagnostic]:
    """Every consistency finding for a loaded pack, sorted by position."""
    analysis = Analysis(pack, strict=strict)
    findings: list[Diagnostic] = []
    for _name, check in CHECKS:
        findings.extend(check(analysis))
    return sorted(findings, key=lambda f: (*f.span.sort_key(), f.code))


__all__ = ["CHECKS", "Analysis", "Finding", "Outcome", "analyse"]
