"""Lark parse tree to the typed syntax tree of :mod:`lexgap.ast`.

The builder validates what the grammar leaves open on purpose (severity, verdict and type
names, repeated clauses, literal-only ``given`` values) and collects those problems as
diagnostics rather than stopping at the first.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any, ClassVar

import lark

from lexgap import ast
from lexgap.diagnostics import Diagnostic
from lexgap.span import Span
from lexgap.types import (
    ERROR,
    MAX_NUMBER_CHARS,
    SCALAR_TYPES,
    EnumType,
    ListType,
    Type,
    parse_date,
    parse_duration_literal,
    parse_number,
    unquote_string,
)

Tree = lark.Tree[Any]

SEVERITIES = ("critical", "high", "medium", "low")
VERDICTS = ("met", "gap", "unknown", "not_applicable")
PACK_FIELDS = ("title", "version", "source", "description", "publisher", "license")
REPEATABLE = frozenset({"cites"})


def suggest(name: str, candidates: list[str] | tuple[str, ...] | set[str]) -> str | None:
    """A did-you-mean hint, or None when nothing is close.

    A name that differs only in case comes first (difflib finds nothing close to a
    one-letter ``X`` among ``x, y``); a name too long to be a typo gets no suggestion
    (comparing a megabyte-long name with every candidate is slow and pointless).
    """
    if len(name) > 1000:
        return None
    ordered = sorted(candidates)
    same_case = [c for c in ordered if c.lower() == name.lower()]
    close = same_case or difflib.get_close_matches(name, ordered, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


class Builder:
    """Builds one file's :class:`ast.Module`; ``diagnostics`` holds what it rejected."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.diagnostics: list[Diagnostic] = []

    # -- positions --

    def span_of(self, item: Tree | lark.Token) -> Span:
        if isinstance(item, lark.Token):
            line = item.line or 1
            col = item.column or 1
            return Span(self.filename, line, col, item.end_line or line, item.end_column or col + 1)
        meta = item.meta
        if getattr(meta, "empty", True):
            return Span.point(self.filename, 1, 1)
        return Span(self.filename, meta.line, meta.column, meta.end_line, meta.end_column)

    def error(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, hint=hint))

    # -- file --

    def module(self, tree: Tree, comments: list[lark.Token]) -> ast.Module:
        decls: list[ast.Decl] = []
        for child in tree.children:
            assert isinstance(child, lark.Tree)
            decl = self._DECLS[str(child.data)](self, child)
            if decl is not None:
                decls.append(decl)
        kept = tuple(ast.Comment(str(c), span=self.span_of(c)) for c in comments)
        return ast.Module(self.filename, tuple(decls), kept, span=self.span_of(tree))

    def pack_decl(self, tree: Tree) -> ast.PackDecl:
        path_tok, *fields = tree.children
        seen: dict[str, Span] = {}
        out: list[tuple[str, ast.Text]] = []
        for f in fields:
            assert isinstance(f, lark.Tree)
            key_tok, value_tok = f.children
            assert isinstance(key_tok, lark.Token) and isinstance(value_tok, lark.Token)
            key = str(key_tok)
            span = self.span_of(key_tok)
            if key not in PACK_FIELDS:
                self.error(
                    "unknown-pack-field",
                    f"unknown pack field '{key}'",
                    span,
                    suggest(key, PACK_FIELDS) or f"fields are {', '.join(PACK_FIELDS)}",
                )
                continue
            if key in seen:
                self.error("duplicate-clause", f"pack field '{key}' is given twice", span)
                continue
            seen[key] = span
            out.append((key, self.text(value_tok)))
        return ast.PackDecl(str(path_tok), tuple(out), span=self.span_of(tree))

    def import_decl(self, tree: Tree) -> ast.Import:
        (tok,) = tree.children
        assert isinstance(tok, lark.Token)
        return ast.Import(unquote_string(str(tok)), span=self.span_of(tree))

    def fact_decl(self, tree: Tree) -> ast.FactDecl:
        path_tok, type_tree, *rest = tree.children
        assert isinstance(type_tree, lark.Tree)
        description = None
        if rest:
            assert isinstance(rest[0], lark.Token)
            description = unquote_string(str(rest[0]))
        return ast.FactDecl(
            str(path_tok),
            self.type_ref(type_tree),
            description,
            span=self.span_of(tree),
            type_span=self.span_of(type_tree),
        )

    def type_ref(self, tree: Tree) -> Type:
        name_tok, *args = tree.children
        name = str(name_tok)
        span = self.span_of(tree)
        arg_trees = [a for a in args if isinstance(a, lark.Tree)]
        if name in SCALAR_TYPES and not arg_trees:
            return SCALAR_TYPES[name]
        if name == "enum" and arg_trees:
            members: list[str] = []
            for a in arg_trees:
                if len(a.children) != 1 or "." in str(a.children[0]):
                    self.error(
                        "bad-type-args",
                        "enum members are plain names without dots",
                        self.span_of(a),
                    )
                    continue
                member = str(a.children[0])
                if member in members:
                    self.error(
                        "bad-type-args", f"enum member '{member}' is listed twice", self.span_of(a)
                    )
                    continue
                members.append(member)
            return EnumType(tuple(members))
        if name == "list" and len(arg_trees) == 1:
            return ListType(self.type_ref(arg_trees[0]))
        if name in ("enum", "list"):
            self.error(
                "bad-type-args",
                f"'{name}' needs " + ("member names" if name == "enum" else "one element type"),
                span,
                hint="write enum(a, b, c) or list(string)",
            )
        elif name in SCALAR_TYPES:
            self.error("bad-type-args", f"type '{name}' takes no arguments", span)
        else:
            self.error(
                "unknown-type",
                f"unknown type '{name}'",
                span,
                suggest(name, [*SCALAR_TYPES, "enum", "list"])
                or "types are bool, number, string, date, duration, enum(...), list(...)",
            )
        # NOTE: the error type silences the checker's follow-on errors for this fact.
        return ERROR

    def define_decl(self, tree: Tree) -> ast.Define:
        path_tok, expr = tree.children
        return ast.Define(str(path_tok), self.expr(expr), span=self.span_of(tree))

    def criterion_decl(self, tree: Tree) -> ast.Criterion:
        path_tok, *clauses = tree.children
        values: dict[str, object] = {}
        cites: list[ast.Text] = []
        severity_span = self.span_of(tree)
        for clause in clauses:
            assert isinstance(clause, lark.Tree)
            kind = str(clause.data).removesuffix("_clause")
            (arg,) = clause.children
            span = self.span_of(clause)
            if kind in values and kind not in REPEATABLE:
                self.error(
                    "duplicate-clause",
                    f"clause '{kind}' is given twice in criterion '{path_tok}'",
                    span,
                    hint="only 'cites' may be repeated",
                )
                continue
            if kind == "cites":
                assert isinstance(arg, lark.Token)
                cites.append(self.text(arg))
                values["cites"] = True
            elif kind in ("title", "group", "gap", "remedy"):
                assert isinstance(arg, lark.Token)
                values[kind] = self.text(arg)
            elif kind == "severity":
                severity_span = self.span_of(arg)
                sev = str(arg)
                if sev not in SEVERITIES:
                    self.error(
                        "unknown-severity",
                        f"unknown severity '{sev}'",
                        severity_span,
                        suggest(sev, SEVERITIES) or f"severities are {', '.join(SEVERITIES)}",
                    )
                    continue
                values[kind] = sev
            elif kind == "weight":
                # NOTE: a negative weight parses, so the checker can say why it is refused.
                if isinstance(arg, lark.Tree):
                    values[kind] = self._neg_number(arg)
                else:
                    values[kind] = self.number(arg)
            else:
                values[kind] = self.expr(arg)
        return ast.Criterion(
            str(path_tok),
            title=values.get("title"),  # type: ignore[arg-type]
            cites=tuple(cites),
            group=values.get("group"),  # type: ignore[arg-type]
            severity=values.get("severity"),  # type: ignore[arg-type]
            weight=values.get("weight"),  # type: ignore[arg-type]
            applies=values.get("applies"),  # type: ignore[arg-type]
            require=values.get("require"),  # type: ignore[arg-type]
            gap=values.get("gap"),  # type: ignore[arg-type]
            remedy=values.get("remedy"),  # type: ignore[arg-type]
            span=self.span_of(tree),
            severity_span=severity_span,
        )

    def test_decl(self, tree: Tree) -> ast.Test:
        name_tok, *parts = tree.children
        given: list[ast.Given] = []
        expects: list[ast.Expect] = []
        as_of: ast.DateLit | None = None
        for part in parts:
            assert isinstance(part, lark.Tree)
            if part.data == "given_block":
                for line in part.children:
                    assert isinstance(line, lark.Tree)
                    path_tok, value = line.children
                    given.append(
                        ast.Given(str(path_tok), self.given_value(value), span=self.span_of(line))
                    )
            elif part.data == "expect_line":
                crit_tok, verdict_tok = part.children
                verdict = str(verdict_tok)
                if verdict not in VERDICTS:
                    self.error(
                        "unknown-verdict",
                        f"unknown verdict '{verdict}'",
                        self.span_of(verdict_tok),
                        suggest(verdict, VERDICTS) or f"verdicts are {', '.join(VERDICTS)}",
                    )
                    continue
                expects.append(ast.Expect(str(crit_tok), verdict, span=self.span_of(part)))
            else:
                (date_tok,) = part.children
                if as_of is not None:
                    self.error("duplicate-clause", "a test has one 'as_of'", self.span_of(part))
                    continue
                assert isinstance(date_tok, lark.Token)
                # NOTE: the DATE token is bare here (no `date` tree around it), so it is
                # converted directly; `self.expr` would take it for a name and drop it.
                value = parse_date(str(date_tok))
                if value is None:
                    where = self.span_of(date_tok)
                    self.error("bad-date", f"'{date_tok}' is not a real date", where)
                    continue
                as_of = ast.DateLit(value, span=self.span_of(date_tok))
        return ast.Test(
            unquote_string(str(name_tok)),
            tuple(given),
            tuple(expects),
            as_of,
            span=self.span_of(tree),
        )

    def given_value(self, item: Tree | lark.Token) -> ast.Expr:
        value = self.expr(item)
        if not _is_constant(value):
            self.error(
                "given-not-literal",
                "a test's given value must be a literal",
                value.span,
                hint='write a value such as true, 18, 24h, 2024-01-01, "text" or [a, b]',
            )
        return value

    # -- leaves --

    def text(self, tok: lark.Token) -> ast.Text:
        return ast.Text(unquote_string(str(tok)), span=self.span_of(tok))

    def number(self, tok: lark.Token) -> ast.NumberLit:
        value = parse_number(str(tok)) if self._short(tok, "number") else None
        if value is None:  # NOTE: only when too long (reported); 1 is a weight that is fine
            value = 1
        return ast.NumberLit(value, str(tok), span=self.span_of(tok))

    def _short(self, tok: Tree | lark.Token, what: str) -> bool:
        """True when a number or duration literal is within MAX_NUMBER_CHARS, else say so."""
        if len(str(tok)) <= MAX_NUMBER_CHARS:
            return True
        self.error(
            "too-large",
            f"a {what} has more than {MAX_NUMBER_CHARS} characters",
            self.span_of(tok),
        )
        return False

    # -- expressions --

    def expr(self, item: Tree | lark.Token) -> ast.Expr:
        if isinstance(item, lark.Token):  # pragma: no cover - the grammar wraps tokens
            return ast.Name(str(item), span=self.span_of(item))
        handler = self._EXPRS[str(item.data)]
        return handler(self, item)

    def _name(self, tree: Tree) -> ast.Expr:
        (tok,) = tree.children
        return ast.Name(str(tok), span=self.span_of(tree))

    def _number(self, tree: Tree) -> ast.Expr:
        (tok,) = tree.children
        assert isinstance(tok, lark.Token)
        return self.number(tok)

    def _neg_number(self, tree: Tree) -> ast.Expr:
        (tok,) = tree.children
        text = "-" + str(tok)
        value = parse_number(text) if self._short(tok, "number") else -1
        assert value is not None
        return ast.NumberLit(value, text, span=self.span_of(tree))

    def _string(self, tree: Tree) -> ast.Expr:
        (tok,) = tree.children
        return ast.StringLit(unquote_string(str(tok)), span=self.span_of(tree))

    def _date(self, tree: Tree) -> ast.Expr:
        (tok,) = tree.children
        value = parse_date(str(tok))
        if value is None:
            self.error("bad-date", f"'{tok}' is not a real date", self.span_of(tree))
            return ast.UnknownLit(span=self.span_of(tree))
        return ast.DateLit(value, span=self.span_of(tree))

    def _duration(self, tree: Tree) -> ast.Expr:
        (tok,) = tree.children
        seconds = parse_duration_literal(str(tok)) if self._short(tok, "duration") else 0
        assert seconds is not None
        return ast.DurationLit(seconds, str(tok), span=self.span_of(tree))

    def _true(self, tree: Tree) -> ast.Expr:
        return ast.BoolLit(True, span=self.span_of(tree))

    def _false(self, tree: Tree) -> ast.Expr:
        return ast.BoolLit(False, span=self.span_of(tree))

    def _unknown(self, tree: Tree) -> ast.Expr:
        return ast.UnknownLit(span=self.span_of(tree))

    def _list(self, tree: Tree) -> ast.Expr:
        return ast.ListLit(tuple(self.expr(c) for c in tree.children), span=self.span_of(tree))

    def _as_of(self, tree: Tree) -> ast.Expr:
        return ast.AsOf(span=self.span_of(tree))

    def _known(self, tree: Tree) -> ast.Expr:
        (tok,) = tree.children
        assert isinstance(tok, lark.Token)
        return ast.Known(ast.Name(str(tok), span=self.span_of(tok)), span=self.span_of(tree))

    def _count(self, tree: Tree) -> ast.Expr:
        (tok,) = tree.children
        assert isinstance(tok, lark.Token)
        return ast.Count(ast.Name(str(tok), span=self.span_of(tok)), span=self.span_of(tree))

    def _not(self, tree: Tree) -> ast.Expr:
        (operand,) = tree.children
        return ast.Not(self.expr(operand), span=self.span_of(tree))

    def _neg(self, tree: Tree) -> ast.Expr:
        (operand,) = tree.children
        return ast.Neg(self.expr(operand), span=self.span_of(tree))

    def _and(self, tree: Tree) -> ast.Expr:
        return ast.And(self._flatten(tree, ast.And), span=self.span_of(tree))

    def _or(self, tree: Tree) -> ast.Expr:
        return ast.Or(self._flatten(tree, ast.Or), span=self.span_of(tree))

    def _flatten(self, tree: Tree, kind: type[ast.And] | type[ast.Or]) -> tuple[ast.Expr, ...]:
        # NOTE: a chain `a and b and ...` is a left-leaning lark tree as deep as it is long;
        # walk its same-operator spine with a stack, so 10,000 operands do not recurse.
        out: list[ast.Expr] = []
        pending: list[Tree | lark.Token] = list(reversed(tree.children))
        while pending:
            child = pending.pop()
            if isinstance(child, lark.Tree) and child.data == tree.data:
                pending.extend(reversed(child.children))
                continue
            built = self.expr(child)
            if isinstance(built, kind):
                out.extend(built.operands)
            else:
                out.append(built)
        return tuple(out)

    def _implies(self, tree: Tree) -> ast.Expr:
        left, right = tree.children
        return ast.Implies(self.expr(left), self.expr(right), span=self.span_of(tree))

    def _compare(self, tree: Tree) -> ast.Expr:
        left, op, right = tree.children
        return ast.Compare(str(op), self.expr(left), self.expr(right), span=self.span_of(tree))

    def _in(self, tree: Tree) -> ast.Expr:
        left, right = tree.children
        return ast.In(self.expr(left), self.expr(right), span=self.span_of(tree))

    def _not_in(self, tree: Tree) -> ast.Expr:
        left, right = tree.children
        return ast.In(self.expr(left), self.expr(right), negated=True, span=self.span_of(tree))

    def _contains(self, tree: Tree) -> ast.Expr:
        left, right = tree.children
        return ast.Contains(self.expr(left), self.expr(right), span=self.span_of(tree))

    def _arith(self, tree: Tree) -> ast.Expr:
        left, op, right = tree.children
        return ast.Arith(str(op), self.expr(left), self.expr(right), span=self.span_of(tree))

    _DECLS: ClassVar[dict[str, Callable[[Builder, Tree], ast.Decl]]] = {
        "pack_decl": pack_decl,
        "import_decl": import_decl,
        "fact_decl": fact_decl,
        "define_decl": define_decl,
        "criterion_decl": criterion_decl,
        "test_decl": test_decl,
    }
    _EXPRS: ClassVar[dict[str, Callable[[Builder, Tree], ast.Expr]]] = {
        "name": _name,
        "number": _number,
        "neg_number": _neg_number,
        "string": _string,
        "date": _date,
        "duration": _duration,
        "true": _true,
        "false": _false,
        "unknown": _unknown,
        "list_": _list,
        "as_of": _as_of,
        "known": _known,
        "count": _count,
        "not_": _not,
        "neg": _neg,
        "and_": _and,
        "or_": _or,
        "implies": _implies,
        "compare": _compare,
        "in_": _in,
        "not_in": _not_in,
        "contains": _contains,
        "arith": _arith,
    }


def _is_constant(e: ast.Expr) -> bool:
    if isinstance(e, ast.ListLit):
        return all(_is_constant(i) for i in e.items)
    if isinstance(e, ast.Neg):
        return isinstance(e.operand, ast.NumberLit)
    return isinstance(
        e,
        ast.BoolLit
        | ast.NumberLit
        | ast.StringLit
        | ast.DateLit
        | ast.DurationLit
        | ast.UnknownLit
        | ast.Name,
    )
