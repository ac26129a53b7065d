"""Checked pack to Python closures: the native backend's compiled program.

Every IR node becomes one closure ``f(env) -> value`` over an environment list (facts,
then definitions, then ``as_of``). No pack text is ever passed to ``eval`` or ``exec``:
the closures are built from lexgap's own functions with constants bound in. Unknown is
``None``; Kleene logic is exactly section 5 of the contract. Common shapes (a fact
compared with a constant, two-operand ``and``/``or``) get specialised closures because
this is the hot path.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

from lexgap import ir
from lexgap.model import Pack
from lexgap.types import DateType, Value

Fn = Callable[[list[Any]], Any]

_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

MET, GAP, UNKNOWN, NOT_APPLICABLE = "met", "gap", "unknown", "not_applicable"
#: What :meth:`Program.verdicts` returns for met, gap, unknown and not applicable.
Labels = tuple[Any, Any, Any, Any]
LABELS: Labels = (MET, GAP, UNKNOWN, NOT_APPLICABLE)


class Program:
    """A pack compiled once; :meth:`verdicts` evaluates one environment."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        # NOTE: facts of one type get neighbouring slots (the dict keeps declaration order),
        # so binding can fill each type's block of the environment with one C-level map.
        by_type: dict[Any, list[str]] = {}
        for path, fact in pack.facts.items():
            by_type.setdefault(fact.type, []).append(path)
        grouped = [path for paths in by_type.values() for path in paths]
        slot_of = {path: i for i, path in enumerate(grouped)}
        self.fact_slots: dict[str, int] = {p: slot_of[p] for p in pack.facts}
        n = len(self.fact_slots)
        self.def_slots: dict[str, int] = {p: n + i for i, p in enumerate(pack.definitions)}
        self.as_of_slot = n + len(self.def_slots)
        self.size = self.as_of_slot + 1
        self.fns: dict[int, Fn] = {}
        self.def_fns: list[tuple[int, Fn]] = [
            (self.def_slots[p], self.compile(d.expr)) for p, d in pack.definitions.items()
        ]
        self.criteria: list[tuple[Fn | None, Fn]] = [
            (self.compile(c.applies) if c.applies is not None else None, self.compile(c.require))
            for c in pack.criteria
        ]

    # -- running --

    def fill_definitions(self, env: list[Any]) -> None:
        """Compute every definition once per environment (they are in dependency order)."""
        for slot, fn in self.def_fns:
            env[slot] = fn(env)

    def verdicts(self, env: list[Any], labels: Labels = LABELS) -> list[Any]:
        """Every criterion's verdict in pack order, as ``labels`` (the strings by default).

        NOTE: the evaluator passes the Verdict members, so no second pass maps strings.
        """
        met, gap, unknown, not_applicable = labels
        out: list[Any] = []
        append = out.append
        for applies, require in self.criteria:
            if applies is not None:
                a = applies(env)
                if a is not True:
                    append(not_applicable if a is False else unknown)
                    continue
            r = require(env)
            append(met if r is True else gap if r is False else unknown)
        return out

    def value(self, node: ir.Expr, env: list[Any]) -> Value:
        """The value of any node of the pack in an environment (used by explanations)."""
        fn = self.fns.get(id(node))
        if fn is None:
            fn = self.compile(node)
        return fn(env)  # type: ignore[no-any-return]

    # -- compiling --

    def compile(self, node: ir.Expr) -> Fn:
        fn = self.fns.get(id(node))
        if fn is None:
            fn = self._compile(node)
            self.fns[id(node)] = fn
        return fn

    def slot(self, node: ir.FactRef | ir.DefRef) -> int:
        if isinstance(node, ir.FactRef):
            return self.fact_slots[node.path]
        return self.def_slots[node.path]

    def _compile(self, node: ir.Expr) -> Fn:
        if isinstance(node, ir.Const):
            value = node.value
            return lambda env: value
        if isinstance(node, ir.FactRef | ir.DefRef):
            return operator.itemgetter(self.slot(node))
        if isinstance(node, ir.AsOf):
            return operator.itemgetter(self.as_of_slot)
        if isinstance(node, ir.Known):
            i = self.slot(node.target)
            return lambda env: env[i] is not None
        if isinstance(node, ir.Count):
            get = self.compile(node.target)

            def count(env: list[Any]) -> Any:
                v = get(env)
                return None if v is None else len(v)

            return count
        if isinstance(node, ir.ListExpr):
            items = [self.compile(i) for i in node.items]

            def make_list(env: list[Any]) -> Any:
                values = tuple(f(env) for f in items)
                return None if any(v is None for v in values) else values

            return make_list
        if isinstance(node, ir.Not):
            return kleene_not(self.compile(node.operand))
        if isinstance(node, ir.Neg):
            inner = self.compile(node.operand)

            def neg(env: list[Any]) -> Any:
                v = inner(env)
                return None if v is None else -v

            return neg
        if isinstance(node, ir.And):
            return kleene_and([self.compile(o) for o in node.operands])
        if isinstance(node, ir.Or):
            return kleene_or([self.compile(o) for o in node.operands])
        if isinstance(node, ir.Implies):
            return kleene_implies(self.compile(node.left), self.compile(node.right))
        if isinstance(node, ir.Binary):
            return self._binary(node)
        msg = f"cannot compile {type(node).__name__}"  # pragma: no cover
        raise TypeError(msg)  # pragma: no cover

    def _binary(self, node: ir.Binary) -> Fn:
        op = node.op
        if op in _CMP:
            cmp = _CMP[op]
            if isinstance(node.left, ir.FactRef | ir.DefRef) and isinstance(node.right, ir.Const):
                i, c = self.slot(node.left), node.right.value
                if c is None:
                    return lambda env: None
                return _FACT_VS_CONST[op](i, c)
            return _strict2(cmp, self.compile(node.left), self.compile(node.right))
        if (
            op in ("in", "notin")
            and isinstance(node.left, ir.FactRef | ir.DefRef)
            and isinstance(node.right, ir.Const)
            and isinstance(node.right.value, tuple)
        ):
            return _fact_in_const(self.slot(node.left), node.right.value, op == "notin")
        left, right = self.compile(node.left), self.compile(node.right)
        if op in ("in", "notin"):
            negate = op == "notin"

            def member(env: list[Any]) -> Any:
                a = left(env)
                if a is None:
                    return None
                items = right(env)
                if items is None:
                    return None
                if a in items:
                    return not negate
                if None in items:
                    return None
                return negate

            return member
        if op == "contains":

            def contains(env: list[Any]) -> Any:
                items = left(env)
                if items is None:
                    return None
                b = right(env)
                if b is None:
                    return None
                if b in items:
                    return True
                # NOTE: as for `in`: an `unknown` item might be the value looked for
                return None if None in items else False

            return contains
        return _strict2(_arith(op, node), left, right)


# NOTE: one closure per operator with the comparison written out: this is the commonest
# leaf of every pack, and an inline operator is cheaper than calling operator.ge.
def _eq(i: int, c: Any) -> Fn:
    def fact_eq_const(env: list[Any]) -> Any:
        v = env[i]
        return None if v is None else v == c

    return fact_eq_const


def _ne(i: int, c: Any) -> Fn:
    def fact_ne_const(env: list[Any]) -> Any:
        v = env[i]
        return None if v is None else v != c

    return fact_ne_const


def _lt(i: int, c: Any) -> Fn:
    def fact_lt_const(env: list[Any]) -> Any:
        v = env[i]
        return None if v is None else v < c

    return fact_lt_const


def _le(i: int, c: Any) -> Fn:
    def fact_le_const(env: list[Any]) -> Any:
        v = env[i]
        return None if v is None else v <= c

    return fact_le_const


def _gt(i: int, c: Any) -> Fn:
    def fact_gt_const(env: list[Any]) -> Any:
        v = env[i]
        return None if v is None else v > c

    return fact_gt_const


def _ge(i: int, c: Any) -> Fn:
    def fact_ge_const(env: list[Any]) -> Any:
        v = env[i]
        return None if v is None else v >= c

    return fact_ge_const


_FACT_VS_CONST: dict[str, Callable[[int, Any], Fn]] = {
    "==": _eq,
    "!=": _ne,
    "<": _lt,
    "<=": _le,
    ">": _gt,
    ">=": _ge,
}


def _fact_in_const(i: int, items: tuple[Any, ...], negate: bool) -> Fn:
    """``fact in [constants]`` (or ``not in``): the list is known, so only the fact can be
    unknown; an ``unknown`` item makes a value not found in the rest unknown."""
    has_unknown = None in items
    found, absent = (not negate), negate

    def fact_in_const(env: list[Any]) -> Any:
        v = env[i]
        if v is None:
            return None
        if v in items:
            return found
        return None if has_unknown else absent

    return fact_in_const


def _strict2(fn: Callable[[Any, Any], Any], left: Fn, right: Fn) -> Fn:
    """Apply ``fn`` when both operands are known; unknown otherwise."""

    def strict(env: list[Any]) -> Any:
        a = left(env)
        if a is None:
            return None
        b = right(env)
        if b is None:
            return None
        return fn(a, b)

    return strict


def kleene_and(fns: list[Fn]) -> Fn:
    """Kleene conjunction of closures (also used by the consistency checks)."""
    if len(fns) == 2:
        f, g = fns

        def and2(env: list[Any]) -> Any:
            a = f(env)
            if a is False:
                return False
            b = g(env)
            if b is False:
                return False
            return True if a is True and b is True else None

        return and2

    def and_(env: list[Any]) -> Any:
        result: Any = True
        for fn in fns:
            v = fn(env)
            if v is False:
                return False
            if v is None:
                result = None
        return result

    return and_


def kleene_or(fns: list[Fn]) -> Fn:
    """Kleene disjunction of closures."""
    if len(fns) == 2:
        f, g = fns

        def or2(env: list[Any]) -> Any:
            a = f(env)
            if a is True:
                return True
            b = g(env)
            if b is True:
                return True
            return False if a is False and b is False else None

        return or2

    def or_(env: list[Any]) -> Any:
        result: Any = False
        for fn in fns:
            v = fn(env)
            if v is True:
                return True
            if v is None:
                result = None
        return result

    return or_


def kleene_not(inner: Fn) -> Fn:
    """Kleene negation: ``not unknown`` is unknown."""

    def not_(env: list[Any]) -> Any:
        v = inner(env)
        return None if v is None else not v

    return not_


def kleene_implies(f: Fn, g: Fn) -> Fn:
    """Kleene implication, ``(not f) or g``."""
    def implies(env: list[Any]) -> Any:
        a = f(env)
        if a is False:
            return True
        b = g(env)
        if b is True:
            return True
        if a is None or b is None:
            return None
        return False

    return implies


_DAY = 86400


def _arith(op: str, node: ir.Binary) -> Callable[[Any, Any], Any]:
    left_date = isinstance(node.left.type, DateType)
    right_date = isinstance(node.right.type, DateType)
    if left_date and right_date:
        return lambda a, b: (a - b).days * _DAY
    if left_date or right_date:
        sign = -1 if op == "-" else 1

        def shift(a: Any, b: Any) -> Any:
            date, seconds = (a, b * sign) if left_date else (b, a)
            try:
                return date + datetime.timedelta(seconds=seconds)
            except OverflowError:
                return None

        return shift
    if op == "+":
        return _bounded(operator.add)
    if op == "-":
        return _bounded(operator.sub)
    if op == "*":
        return _bounded(operator.mul)
    return _bounded(_divide)


#: Arithmetic results larger than 10**MAX_RESULT_DIGITS, or closer to zero than
#: 10**-MAX_RESULT_DIGITS without being zero, are unknown, like a date out of range.
#: NOTE: operands are always within these bounds (literals and facts have at most 40
#: characters), so computing one step is cheap; without the bound, definitions that
#: multiply definitions would build numbers too large to compute or to show.
MAX_RESULT_DIGITS = 1_000
_LIMIT = 10**MAX_RESULT_DIGITS
_DEC_LIMIT = Decimal(f"1e{MAX_RESULT_DIGITS}")
_DEC_TINY = Decimal(f"1e-{MAX_RESULT_DIGITS}")


def _bounded(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(a: Any, b: Any) -> Any:
        result = op(a, b)
        if isinstance(result, Decimal):
            size = result.copy_abs()
            if not result.is_finite() or size >= _DEC_LIMIT or (size and size < _DEC_TINY):
                return None
            return result
        if result is not None and not -_LIMIT < result < _LIMIT:
            return None
        return result

    return apply


def _divide(a: Any, b: Any) -> Any:
    """Exact decimal division; unknown on division by zero (never an exception)."""
    if b == 0:
        return None
    try:
        result = Decimal(a) / Decimal(b)
    except (DivisionByZero, InvalidOperation):
        return None
    return int(result) if result == result.to_integral_value() else result
