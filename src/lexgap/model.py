"""The checked pack: what the checker produces and every later stage consumes.

Everything here is resolved and typed. Criteria are in pack order (imported files first,
then the file's own, each in source order), the order results are reported in.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import attrs

from lexgap import ast, ir
from lexgap.span import NO_SPAN, Span
from lexgap.types import Type, Value


@attrs.frozen
class FactInfo:
    path: str
    type: Type
    description: str | None
    span: Span = attrs.field(default=NO_SPAN, eq=False)


@attrs.frozen
class Definition:
    path: str
    type: Type
    expr: ir.Expr = attrs.field(eq=False)
    span: Span = attrs.field(default=NO_SPAN, eq=False)


@attrs.frozen
class Template:
    """A gap message: literal text and ``{path}`` placeholders, parsed once at load time."""

    source: str
    parts: tuple[tuple[str, str], ...]  # ("text", s) or ("ref", path)

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(v for k, v in self.parts if k == "ref")


@attrs.frozen
class Criterion:
    path: str
    title: str
    require: ir.Expr = attrs.field(eq=False)
    applies: ir.Expr | None = attrs.field(default=None, eq=False)
    cites: tuple[str, ...] = ()
    group: str | None = None
    severity: str = "medium"
    weight: int | Decimal = 1
    gap: Template | None = None
    remedy: str | None = None
    span: Span = attrs.field(default=NO_SPAN, eq=False)
    syntax: ast.Criterion | None = attrs.field(default=None, eq=False, repr=False)


def _without_spans(expects: tuple[tuple[str, str, Span], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((path, verdict) for path, verdict, _ in expects)


@attrs.frozen
class PackTest:
    name: str
    given: tuple[tuple[str, Value], ...]
    #: (criterion, verdict, where the expect line is); equality leaves the span out, as
    #: it does everywhere, so a pack equals its formatted self.
    expects: tuple[tuple[str, str, Span], ...] = attrs.field(eq=_without_spans)
    as_of: datetime.date | None = None
    span: Span = attrs.field(default=NO_SPAN, eq=False)


@attrs.frozen
class Pack:
    """A loaded and checked rule pack: what :func:`lexgap.load_pack` returns.

    Everything in it is inspectable, in pack order (imported files first, then the file's
    own, each in source order):

    - ``name``, ``title``, ``version``, ``source`` and all ``metadata`` of the ``pack`` block;
    - ``facts``: the fact declarations, path to :class:`FactInfo` (``type``, ``description``,
      ``span``), shared declarations from imports included once;
    - ``definitions``: path to :class:`Definition` (inferred ``type``, checked ``expr``);
    - ``criteria``: the :class:`Criterion` values (``title``, ``cites``, ``group``,
      ``severity``, ``weight``, ``applies``, ``require``, ``gap``, ``remedy``, ``span``),
      also by path with :meth:`criterion`;
    - ``tests``: the pack's ``test`` blocks as :class:`PackTest` (``given``, ``expects``,
      ``as_of``);
    - ``files``: every file read, imports before the file that imports them (so the
      pack's own file is last).
    """

    name: str
    title: str
    version: str | None
    source: str | None
    metadata: dict[str, str]
    facts: dict[str, FactInfo]
    definitions: dict[str, Definition]
    criteria: tuple[Criterion, ...]
    tests: tuple[PackTest, ...]
    files: tuple[str, ...]
    modules: tuple[ast.Module, ...] = attrs.field(eq=False, repr=False)
    sources: dict[str, str] = attrs.field(eq=False, repr=False)
    #: Compiled programs per backend, so a pack compiles once however often it is evaluated.
    cache: dict[str, object] = attrs.field(factory=dict, eq=False, repr=False, init=False)

    def criterion(self, path: str) -> Criterion:
        for c in self.criteria:
            if c.path == path:
                return c
        msg = f"no criterion '{path}' in pack {self.name}"
        raise KeyError(msg)
