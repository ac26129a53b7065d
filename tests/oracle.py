"""A test-only reference evaluator written straight from section 5 of the contract.

It reads the syntax tree (``lexgap.ast``), not the checked IR, and shares no code with
the native engine or the explainer: values, Kleene logic, verdicts, ``missing``,
``because`` and messages are recomputed here, so a disagreement points at a bug in one of
the two. Facts are given as already-typed Python values for one evaluation date
(None for unknown); durations are seconds, enum members their names, lists tuples.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from lexgap import ast
from lexgap.load import parse_module
from lexgap.types import BoolType, DurationType, ListType, StringType, Type

Shown = Callable[[str, Any], str]


class Oracle:
    """One single-file pack, evaluated by the contract's rules."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines = source.splitlines()
        module, _ = parse_module(source, "oracle.lexgap")
        self.facts: dict[str, Type] = {}
        self.defs: dict[str, ast.Expr] = {}
        self.criteria: list[ast.Criterion] = []
        for decl in module.decls:
            if isinstance(decl, ast.FactDecl):
                self.facts[decl.path] = decl.type
            elif isinstance(decl, ast.Define):
                self.defs[decl.path] = decl.expr
            elif isinstance(decl, ast.Criterion):
                self.criteria.append(decl)

    # -- source text --

    def text(self, e: ast.Expr) -> str:
        """The expression's own source text (single-line expressions only)."""
        s = e.span
        assert s.line == s.end_line, "oracle cases keep each atom on one line"
        return self.lines[s.line - 1][s.column - 1 : s.end_column - 1]

    # -- values --

    def value(self, e: ast.Expr, env: Mapping[str, Any], as_of: datetime.date) -> Any:
        v = lambda x: self.value(x, env, as_of)  # noqa: E731
        if isinstance(e, ast.BoolLit):
            return e.value
        if isinstance(e, ast.NumberLit):
            return e.value
        if isinstance(e, ast.StringLit | ast.DateLit):
            return e.value
        if isinstance(e, ast.DurationLit):
            return e.seconds
        if isinstance(e, ast.UnknownLit):
            return None
        if isinstance(e, ast.ListLit):
            return tuple(v(i) for i in e.items)
        if isinstance(e, ast.AsOf):
            return as_of
        if isinstance(e, ast.Name):
            if e.path in self.facts:
                return env.get(e.path)
            if e.path in self.defs:
                return v(self.defs[e.path])
            return e.path  # an enum member
        if isinstance(e, ast.Known):
            return v(e.path) is not None
        if isinstance(e, ast.Count):
            items = v(e.path)
            return None if items is None else len(items)
        if isinstance(e, ast.Not):
            x = v(e.operand)
            return None if x is None else not x
        if isinstance(e, ast.And):
            xs = [v(o) for o in e.operands]
            return False if False in xs else None if None in xs else True
        if isinstance(e, ast.Or):
            xs = [v(o) for o in e.operands]
            return True if True in xs else None if None in xs else False
        if isinstance(e, ast.Implies):
            a, b = v(e.left), v(e.right)
            na = None if a is None else not a
            return True if True in (na, b) else None if None in (na, b) else False
        if isinstance(e, ast.Neg):
            x = v(e.operand)
            return None if x is None else -x
        if isinstance(e, ast.In):
            x, items = v(e.left), v(e.right)
            if x is None or items is None:
                return None
            if x in [i for i in items if i is not None]:
                found: Any = True
            elif None in items:
                found = None
            else:
                found = False
            return found if found is None or not e.negated else not found
        a, b = v(e.left), v(e.right)  # type: ignore[attr-defined]
        if a is None or b is None:
            return None
        if isinstance(e, ast.Contains):
            return b in a
        if isinstance(e, ast.Compare):
            return {
                "==": a == b,
                "!=": a != b,
                "<": a < b if e.op == "<" else None,
                "<=": a <= b if e.op == "<=" else None,
                ">": a > b if e.op == ">" else None,
                ">=": a >= b if e.op == ">=" else None,
            }[e.op]
        if isinstance(e, ast.Arith):
            if e.op == "+":
                return a + b
            if e.op == "-":
                return a - b
            if e.op == "*":
                return a * b
            if b == 0:
                return None
            q = Decimal(a) / Decimal(b)
            return int(q) if q == q.to_integral_value() else q
        raise AssertionError(type(e))

    # -- verdicts and explanations --

    def result(
        self, criterion: str, env: Mapping[str, Any], as_of: datetime.date, shown: Shown
    ) -> tuple[str, list[str], list[str], str | None]:
        """(verdict, missing, because, message) for one criterion."""
        (c,) = [k for k in self.criteria if k.path == criterion]
        assert c.require is not None
        decisive = c.require
        if c.applies is not None:
            a = self.value(c.applies, env, as_of)
            if a is False:
                return "not_applicable", [], [], None
            if a is None:
                decisive = c.applies
        r = self.value(decisive, env, as_of)
        if r is None:
            found: set[str] = set()
            self._missing(decisive, env, as_of, found)
            return "unknown", sorted(found), [], None
        if r is True:
            return "met", [], [], None
        atoms: list[ast.Expr] = []
        self._because(c.require, False, env, as_of, atoms)
        because: list[str] = []
        # NOTE: source order of the require expression, a definition's atoms where the
        # definition is used (not where it is declared).
        for atom in atoms:
            line = self._describe(atom, env, as_of, shown)
            if line not in because:
                because.append(line)
        return "gap", [], because, self._message(c, env, as_of, shown)

    def _missing(
        self, e: ast.Expr, env: Mapping[str, Any], as_of: datetime.date, found: set[str]
    ) -> None:
        if self.value(e, env, as_of) is not None:
            return
        if isinstance(e, ast.Name):
            if e.path in self.facts:
                found.add(e.path)
            elif e.path in self.defs:
                self._missing(self.defs[e.path], env, as_of, found)
            return
        for child in _children(e):
            self._missing(child, env, as_of, found)

    def _because(
        self,
        e: ast.Expr,
        want: bool,
        env: Mapping[str, Any],
        as_of: datetime.date,
        atoms: list[ast.Expr],
    ) -> None:
        if isinstance(e, ast.Name) and e.path in self.defs:
            self._because(self.defs[e.path], want, env, as_of, atoms)
            return
        if isinstance(e, ast.Not):
            self._because(e.operand, not want, env, as_of, atoms)
            return
        if isinstance(e, ast.And | ast.Or):
            every = isinstance(e, ast.And) == want
            for o in e.operands:
                if every or self.value(o, env, as_of) is want:
                    self._because(o, want, env, as_of, atoms)
            return
        if isinstance(e, ast.Implies):
            # (not a) or b
            if not want:
                self._because(e.left, True, env, as_of, atoms)
                self._because(e.right, False, env, as_of, atoms)
            else:
                if self.value(e.left, env, as_of) is False:
                    self._because(e.left, False, env, as_of, atoms)
                if self.value(e.right, env, as_of) is True:
                    self._because(e.right, True, env, as_of, atoms)
            return
        atoms.append(e)

    def _describe(
        self, atom: ast.Expr, env: Mapping[str, Any], as_of: datetime.date, shown: Shown
    ) -> str:
        names: list[str] = []
        for n in _walk(atom):
            key = "as_of" if isinstance(n, ast.AsOf) else getattr(n, "path", None)
            if isinstance(n, ast.AsOf | ast.Name) and (
                key == "as_of" or key in self.facts or key in self.defs
            ) and key not in names:
                names.append(key)  # type: ignore[arg-type]
        parts = []
        for key in names:
            if key == "as_of":
                parts.append(f"as_of = {as_of.isoformat()}")
            else:
                parts.append(f"{key} = {shown(key, self._named(key, env, as_of))}")
        text = self.text(atom)
        return f"{text} ({', '.join(parts)})" if parts else text

    def _named(self, key: str, env: Mapping[str, Any], as_of: datetime.date) -> Any:
        if key in self.facts:
            return env.get(key)
        return self.value(self.defs[key], env, as_of)

    def _message(
        self, c: ast.Criterion, env: Mapping[str, Any], as_of: datetime.date, shown: Shown
    ) -> str | None:
        if c.gap is None:
            return None

        def fill(m: re.Match[str]) -> str:
            key = m.group(1)
            return shown(key, self._named(key, env, as_of), bare=True)  # type: ignore[call-arg]

        return re.sub(r"\{([A-Za-z0-9_.]+)\}", fill, c.gap.value)


def _children(e: ast.Expr) -> list[ast.Expr]:
    if isinstance(e, ast.Not | ast.Neg):
        return [e.operand]
    if isinstance(e, ast.And | ast.Or):
        return list(e.operands)
    if isinstance(e, ast.Implies | ast.Compare | ast.In | ast.Contains | ast.Arith):
        return [e.left, e.right]
    if isinstance(e, ast.ListLit):
        return list(e.items)
    if isinstance(e, ast.Count):
        return [e.path]
    return []  # known() is never unknown; literals have no facts


def _walk(e: ast.Expr) -> list[ast.Expr]:
    out = [e]
    kids = [e.path] if isinstance(e, ast.Known | ast.Count) else _children(e)
    for k in kids:
        out.extend(_walk(k))
    return out


def plain_shower(types: Mapping[str, Type], spelled: Mapping[str, str]) -> Any:
    """Show values as a reader of the contract expects: the fact file's own spelling for
    numbers and durations (``spelled``), ISO dates, quoted strings (bare in messages)."""

    def shown(key: str, value: Any, bare: bool = False) -> str:
        if value is None:
            return "unknown"
        if key in spelled:
            return spelled[key]
        t = types.get(key)
        return _show(value, t, bare)

    return shown


def _show(value: Any, t: Type | None, bare: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(t, DurationType):
        for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
            if value % size == 0:
                return f"{value // size}{unit}"
        return f"{value}s"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, tuple):
        elem = t.element if isinstance(t, ListType) else None
        items = [_show(i, elem, bare) for i in value]
        return ", ".join(items) if bare else "[" + ", ".join(items) + "]"
    if isinstance(t, StringType) and not bare:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(t, BoolType):
        return str(value).lower()
    return str(value)
