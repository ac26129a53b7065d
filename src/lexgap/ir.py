"""The checked, typed form of expressions that backends compile and explanations walk.

The checker turns :mod:`lexgap.ast` expressions into these nodes: names are resolved to
facts, definitions or enum members, every node carries its static type and its canonical
source text. Nodes compare by identity, so backends can key per-node data on them cheaply.
"""

from __future__ import annotations

import attrs

from lexgap.span import NO_SPAN, Span
from lexgap.types import Type, Value


@attrs.frozen(eq=False)
class Expr:
    type: Type
    text: str = attrs.field(kw_only=True)
    span: Span = attrs.field(default=NO_SPAN, kw_only=True, repr=False)

    def children(self) -> tuple[Expr, ...]:
        return ()


@attrs.frozen(eq=False)
class Const(Expr):
    """A literal (including enum members and the ``unknown`` literal, whose value is None)."""

    value: Value


@attrs.frozen(eq=False)
class FactRef(Expr):
    path: str


@attrs.frozen(eq=False)
class DefRef(Expr):
    path: str


@attrs.frozen(eq=False)
class AsOf(Expr):
    pass


@attrs.frozen(eq=False)
class Known(Expr):
    """``known(p)``; ``target`` is the fact or definition reference it asks about."""

    target: FactRef | DefRef

    def children(self) -> tuple[Expr, ...]:
        return (self.target,)


@attrs.frozen(eq=False)
class Count(Expr):
    target: FactRef | DefRef

    def children(self) -> tuple[Expr, ...]:
        return (self.target,)


@attrs.frozen(eq=False)
class ListExpr(Expr):
    items: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.items


@attrs.frozen(eq=False)
class Not(Expr):
    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@attrs.frozen(eq=False)
class Neg(Expr):
    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@attrs.frozen(eq=False)
class And(Expr):
    operands: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.operands


@attrs.frozen(eq=False)
class Or(Expr):
    operands: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.operands


@attrs.frozen(eq=False)
class Implies(Expr):
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@attrs.frozen(eq=False)
class Binary(Expr):
    """Comparisons, membership and arithmetic: ``op`` is one of
    ``== != < <= > >= in notin contains + - * /``."""

    op: str
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">=", "in", "notin", "contains"})
ARITHMETIC = frozenset({"+", "-", "*", "/"})


def is_atom(e: Expr) -> bool:
    """An atomic condition for ``because``: a comparison, a boolean fact, a ``known`` call."""
    if isinstance(e, Binary):
        return e.op in COMPARISONS
    return isinstance(e, FactRef | Known | Const | AsOf)


def walk(e: Expr) -> list[Expr]:
    """Every node below and including ``e``, parents first, left to right."""
    out: list[Expr] = []
    stack = [e]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.children()))
    return out
