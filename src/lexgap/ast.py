"""The syntax tree of a rule pack: what the builder makes from lark's parse tree.

Nodes are frozen attrs classes. Every node has a ``span`` that is left out of equality and
``repr``, so two trees that differ only in layout compare equal (the formatter's round trip
relies on this). Names are not resolved here: ``Name`` may turn out to be a fact, a
definition or an enum member; the checker decides.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import attrs

from lexgap.span import NO_SPAN, Span
from lexgap.types import Type


@attrs.frozen
class Node:
    span: Span = attrs.field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


# ---- expressions -------------------------------------------------------------------------


@attrs.frozen
class Expr(Node):
    pass


@attrs.frozen
class BoolLit(Expr):
    value: bool


@attrs.frozen
class NumberLit(Expr):
    value: int | Decimal
    text: str


@attrs.frozen
class StringLit(Expr):
    value: str


@attrs.frozen
class DateLit(Expr):
    value: datetime.date


@attrs.frozen
class DurationLit(Expr):
    seconds: int
    text: str


@attrs.frozen
class UnknownLit(Expr):
    pass


@attrs.frozen
class ListLit(Expr):
    items: tuple[Expr, ...]


@attrs.frozen
class Name(Expr):
    """A dotted path in an expression: a fact, a definition or an enum member."""

    path: str


@attrs.frozen
class AsOf(Expr):
    pass


@attrs.frozen
class Known(Expr):
    path: Name


@attrs.frozen
class Count(Expr):
    path: Name


@attrs.frozen
class Not(Expr):
    operand: Expr


@attrs.frozen
class Neg(Expr):
    operand: Expr


@attrs.frozen
class And(Expr):
    """``a and b and c``: chains are flattened, so the tree does not depend on parentheses."""

    operands: tuple[Expr, ...]


@attrs.frozen
class Or(Expr):
    operands: tuple[Expr, ...]


@attrs.frozen
class Implies(Expr):
    left: Expr
    right: Expr


@attrs.frozen
class Compare(Expr):
    """``==  !=  <  <=  >  >=``."""

    op: str
    left: Expr
    right: Expr


@attrs.frozen
class In(Expr):
    """``left in right`` or, negated, ``left not in right``."""

    left: Expr
    right: Expr
    negated: bool = False


@attrs.frozen
class Contains(Expr):
    left: Expr
    right: Expr


@attrs.frozen
class Arith(Expr):
    """``+ - * /``."""

    op: str
    left: Expr
    right: Expr


# ---- declarations ------------------------------------------------------------------------


@attrs.frozen
class Text(Node):
    """A string literal that is not an expression (titles, cites, templates)."""

    value: str


@attrs.frozen
class PackDecl(Node):
    path: str
    fields: tuple[tuple[str, Text], ...]

    def get(self, key: str) -> str | None:
        for k, v in self.fields:
            if k == key:
                return v.value
        return None


@attrs.frozen
class Import(Node):
    target: str


@attrs.frozen
class FactDecl(Node):
    path: str
    type: Type
    description: str | None = None
    type_span: Span = attrs.field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Define(Node):
    path: str
    expr: Expr


@attrs.frozen
class Criterion(Node):
    path: str
    title: Text | None = None
    cites: tuple[Text, ...] = ()
    group: Text | None = None
    severity: str | None = None
    weight: NumberLit | None = None
    applies: Expr | None = None
    require: Expr | None = None
    gap: Text | None = None
    remedy: Text | None = None
    severity_span: Span = attrs.field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Given(Node):
    path: str
    value: Expr


@attrs.frozen
class Expect(Node):
    criterion: str
    verdict: str


@attrs.frozen
class Test(Node):
    name: str
    given: tuple[Given, ...] = ()
    expects: tuple[Expect, ...] = ()
    as_of: DateLit | None = None


Decl = PackDecl | Import | FactDecl | Define | Criterion | Test


@attrs.frozen
class Comment(Node):
    """A ``#`` comment, kept for the formatter."""

    text: str


@attrs.frozen
class Module(Node):
    """One parsed file: its declarations in source order, and its comments."""

    file: str
    decls: tuple[Decl, ...]
    comments: tuple[Comment, ...] = attrs.field(default=(), eq=False, repr=False)
