"""Parsed modules to a checked :class:`~lexgap.model.Pack`, as a list of named stages.

Stages run in order and share a :class:`CheckState`; each appends diagnostics instead of
raising. A name or expression that fails to check gets the error type, which silences the
errors that would follow from it, so one mistake gives one message.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal

import attrs

from lexgap import ast, ir
from lexgap.build import suggest
from lexgap.diagnostics import Diagnostic, Severity, source_lines
from lexgap.model import Criterion, Definition, FactInfo, Pack, PackTest, Template
from lexgap.printer import expr_text
from lexgap.span import NO_SPAN, Span
from lexgap.types import (
    ANY,
    BOOL,
    DATE,
    DURATION,
    ERROR,
    NUMBER,
    AnyType,
    DateType,
    DurationType,
    EnumType,
    ErrorType,
    ListType,
    NumberType,
    Type,
    Value,
    compatible,
    unify,
)


@attrs.define
class CheckState:
    modules: list[ast.Module]
    root: str
    diagnostics: list[Diagnostic] = attrs.Factory(list)
    header: ast.PackDecl | None = None
    facts: dict[str, FactInfo] = attrs.Factory(dict)
    define_syntax: dict[str, ast.Define] = attrs.Factory(dict)
    definitions: dict[str, Definition] = attrs.Factory(dict)
    criterion_syntax: list[ast.Criterion] = attrs.Factory(list)
    criteria: list[Criterion] = attrs.Factory(list)
    tests: list[PackTest] = attrs.Factory(list)
    cyclic: set[str] = attrs.Factory(set)
    sources: dict[str, str] = attrs.Factory(dict)

    def error(
        self,
        code: str,
        message: str,
        span: Span,
        hint: str | None = None,
        related: tuple[tuple[str, Span], ...] = (),
    ) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, hint=hint, related=related))

    def warn(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.diagnostics.append(
            Diagnostic(code, message, span, hint=hint, severity=Severity.WARNING)
        )


# ---- stage: declarations ----------------------------------------------------------------


def collect_declarations(state: CheckState) -> None:
    """Gather facts, definitions, criteria; report duplicates and conflicts."""
    crit_spans: dict[str, Span] = {}
    for module in state.modules:
        is_root = module.file == state.root
        for decl in module.decls:
            if isinstance(decl, ast.PackDecl):
                if not is_root:
                    continue  # NOTE: an imported file's header describes that file alone.
                if state.header is not None:
                    state.error(
                        "duplicate-pack",
                        "a pack has exactly one 'pack' declaration",
                        decl.span,
                        related=(("first declared", state.header.span),),
                    )
                    continue
                state.header = decl
            elif isinstance(decl, ast.FactDecl):
                _declare_fact(state, decl)
            elif isinstance(decl, ast.Define):
                if decl.path in state.define_syntax:
                    state.error(
                        "duplicate-define",
                        f"definition '{decl.path}' is defined twice",
                        decl.span,
                        related=(("first defined", state.define_syntax[decl.path].span),),
                    )
                    continue
                state.define_syntax[decl.path] = decl
            elif isinstance(decl, ast.Criterion):
                if decl.path in crit_spans:
                    state.error(
                        "duplicate-criterion",
                        f"criterion '{decl.path}' is declared twice",
                        decl.span,
                        related=(("first declared", crit_spans[decl.path]),),
                    )
                    continue
                crit_spans[decl.path] = decl.span
                state.criterion_syntax.append(decl)
    for path, define in state.define_syntax.items():
        if path in state.facts:
            state.error(
                "name-conflict",
                f"'{path}' is declared both as a fact and as a definition",
                define.span,
                related=(("fact declared", state.facts[path].span),),
            )
    root_module = next((m for m in state.modules if m.file == state.root), None)
    if state.header is None and root_module is not None:
        state.error(
            "missing-pack",
            "this file has no 'pack' declaration",
            Span.point(state.root, 1, 1),
            hint='start the file with: pack my.pack { title "..." }',
        )
    elif state.header is not None and state.header.get("title") is None:
        state.error("missing-title", "the pack declaration needs a title", state.header.span)


def _declare_fact(state: CheckState, decl: ast.FactDecl) -> None:
    existing = state.facts.get(decl.path)
    if existing is None:
        state.facts[decl.path] = FactInfo(decl.path, decl.type, decl.description, decl.span)
        return
    if existing.type != decl.type and ERROR not in (existing.type, decl.type):
        state.error(
            "conflicting-fact",
            f"fact '{decl.path}' is declared as {decl.type} here but as {existing.type} before",
            decl.type_span,
            related=(("first declared", existing.span),),
        )
    elif existing.description is None and decl.description is not None:
        state.facts[decl.path] = attrs.evolve(existing, description=decl.description)


# ---- stage: definition cycles -----------------------------------------------------------


def _names_in(e: ast.Expr) -> list[ast.Name]:
    out: list[ast.Name] = []
    stack: list[ast.Expr] = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            out.append(node)
        elif isinstance(node, ast.Known | ast.Count):
            out.append(node.path)
        else:
            for field in attrs.fields(type(node)):
                value = getattr(node, field.name)
                if isinstance(value, ast.Expr):
                    stack.append(value)
                elif isinstance(value, tuple):
                    stack.extend(v for v in value if isinstance(v, ast.Expr))
    return out


#: How deep an expression may nest counting the bodies of the definitions it uses, so that
#: every stage (typing, explaining, compiling for a backend) may walk it recursively.
MAX_DEPTH_THROUGH_DEFINITIONS = 200


def _leaf_levels(e: ast.Expr) -> tuple[int, list[tuple[str, int]]]:
    """The depth of ``e`` and the level (1 = ``e`` itself) of every name in it."""
    deepest = 0
    names: list[tuple[str, int]] = []
    stack: list[tuple[ast.Expr, int]] = [(e, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(node, ast.Name):
            names.append((node.path, level))
            continue
        for field in attrs.fields(type(node)):
            value = getattr(node, field.name)
            if isinstance(value, ast.Expr):
                stack.append((value, level + 1))
            elif isinstance(value, tuple):
                stack.extend((v, level + 1) for v in value if isinstance(v, ast.Expr))
    return deepest, names


def check_definition_depth(state: CheckState) -> None:
    """Refuse definitions whose bodies, with the definitions they use written out, nest
    deeper than MAX_DEPTH_THROUGH_DEFINITIONS (computed without recursion; cycles are
    left to the next stage). A refused definition is poisoned like a cyclic one."""
    shapes = {path: _leaf_levels(d.expr) for path, d in state.define_syntax.items()}
    total: dict[str, int] = {}
    for root in state.define_syntax:
        stack: list[tuple[str, bool]] = [(root, False)]
        open_: set[str] = set()
        while stack:
            path, expanded = stack.pop()
            if path in total:
                continue
            deepest, names = shapes[path]
            uses = [(n, lv) for n, lv in names if n in state.define_syntax]
            if not expanded:
                open_.add(path)
                stack.append((path, True))
                stack.extend((n, False) for n, _ in uses if n not in total and n not in open_)
                continue
            open_.discard(path)
            # NOTE: a name still open here closes a cycle; the cycle stage reports it. A use
            # of a definition is one level above its body: every recursive walk steps there.
            total[path] = max([deepest, *(lv + total[n] for n, lv in uses if n in total)])
    limit = MAX_DEPTH_THROUGH_DEFINITIONS
    for path, d in state.define_syntax.items():
        if total[path] > limit:
            state.cyclic.add(path)
            if any(total.get(n, 0) > limit for n, _ in shapes[path][1]):
                continue  # NOTE: reported where the limit is first crossed, not cascaded
            state.error(
                "too-deep",
                f"definition '{path}' is nested more than {MAX_DEPTH_THROUGH_DEFINITIONS} "
                "levels deep, counting the definitions it uses",
                d.span,
                hint="flatten long chains of definitions that use definitions",
            )


def find_definition_cycles(state: CheckState) -> None:
    """Report each cycle among definitions once, naming its members in order."""
    deps = {
        path: [n.path for n in _names_in(d.expr) if n.path in state.define_syntax]
        for path, d in state.define_syntax.items()
    }
    done: set[str] = set()
    reported: set[frozenset[str]] = set()

    def visit(path: str, stack: list[str]) -> None:
        if path in stack:
            cycle = stack[stack.index(path) :]
            key = frozenset(cycle)
            state.cyclic.update(cycle)
            if key not in reported:
                reported.add(key)
                chain = " -> ".join([*cycle, path])
                first = state.define_syntax[cycle[0]]
                state.error(
                    "define-cycle",
                    f"definitions form a cycle: {chain}",
                    first.span,
                    hint="a definition cannot depend on itself, directly or through others",
                )
            return
        if path in done or path in state.cyclic:  # NOTE: includes definitions too deep
            return
        stack.append(path)
        for dep in deps[path]:
            visit(dep, stack)
        stack.pop()
        done.add(path)

    for path in state.define_syntax:
        visit(path, [])


# ---- stage: names and types -------------------------------------------------------------


class ExprChecker:
    """Resolves names and types in one expression, producing its :mod:`lexgap.ir` form."""

    def __init__(self, state: CheckState, resolve_define: Callable[[str], Type]) -> None:
        self.state = state
        self.resolve_define = resolve_define

    def error(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.state.error(code, message, span, hint)

    def check(self, e: ast.Expr, expected: Type | None = None) -> ir.Expr:
        text = expr_text(e)
        span = e.span
        if isinstance(e, ast.Name):
            return self._name(e, expected, text)
        if isinstance(e, ast.BoolLit):
            return ir.Const(BOOL, e.value, text=text, span=span)
        if isinstance(e, ast.NumberLit):
            return ir.Const(NUMBER, e.value, text=text, span=span)
        if isinstance(e, ast.StringLit):
            from lexgap.types import STRING

            return ir.Const(STRING, e.value, text=text, span=span)
        if isinstance(e, ast.DateLit):
            return ir.Const(DATE, e.value, text=text, span=span)
        if isinstance(e, ast.DurationLit):
            return ir.Const(DURATION, e.seconds, text=text, span=span)
        if isinstance(e, ast.UnknownLit):
            return ir.Const(ANY, None, text=text, span=span)
        if isinstance(e, ast.AsOf):
            return ir.AsOf(DATE, text=text, span=span)
        if isinstance(e, ast.ListLit):
            return self._list(e, expected, text)
        if isinstance(e, ast.Known):
            target = self._target(e.path)
            return ir.Known(BOOL, target, text=text, span=span)
        if isinstance(e, ast.Count):
            target = self._target(e.path)
            if not isinstance(target.type, ListType | ErrorType | AnyType):
                self.error(
                    "not-a-list",
                    f"count() needs a list, but '{e.path.path}' is {target.type}",
                    e.path.span,
                )
            return ir.Count(NUMBER, target, text=text, span=span)
        if isinstance(e, ast.Not):
            operand = self._boolean(e.operand, "not")
            return ir.Not(
                operand.type if operand.type is ERROR else BOOL, operand, text=text, span=span
            )
        if isinstance(e, ast.Neg):
            operand = self.check(e.operand)
            result = operand.type
            if not isinstance(result, NumberType | DurationType | ErrorType | AnyType):
                self.error(
                    "bad-operand",
                    f"'-' needs a number or a duration, not {result} in `{text}`",
                    span,
                )
                result = ERROR
            return ir.Neg(result, operand, text=text, span=span)
        if isinstance(e, ast.And | ast.Or):
            word = "and" if isinstance(e, ast.And) else "or"
            operands = tuple(self._boolean(o, word) for o in e.operands)
            kind = ir.And if isinstance(e, ast.And) else ir.Or
            return kind(BOOL, operands, text=text, span=span)
        if isinstance(e, ast.Implies):
            left = self._boolean(e.left, "implies")
            right = self._boolean(e.right, "implies")
            return ir.Implies(BOOL, left, right, text=text, span=span)
        if isinstance(e, ast.Compare):
            return self._compare(e, text)
        if isinstance(e, ast.In):
            return self._in(e, text)
        if isinstance(e, ast.Contains):
            return self._contains(e, text)
        if isinstance(e, ast.Arith):
            return self._arith(e, text)
        msg = f"unexpected expression {type(e).__name__}"  # pragma: no cover
        raise TypeError(msg)  # pragma: no cover

    # -- helpers --

    def _name(self, e: ast.Name, expected: Type | None, text: str) -> ir.Expr:
        if e.path in self.state.facts:
            return ir.FactRef(self.state.facts[e.path].type, e.path, text=text, span=e.span)
        if e.path in self.state.define_syntax:
            return ir.DefRef(self.resolve_define(e.path), e.path, text=text, span=e.span)
        if isinstance(expected, EnumType):
            if e.path in expected.members:
                return ir.Const(expected, e.path, text=text, span=e.span)
            self.error(
                "unknown-enum-member",
                f"'{e.path}' is not a member of {expected}",
                e.span,
                suggest(e.path, expected.members),
            )
            return ir.Const(ERROR, None, text=text, span=e.span)
        if isinstance(expected, ErrorType):
            return ir.Const(ERROR, None, text=text, span=e.span)
        candidates = set(self.state.facts) | set(self.state.define_syntax)
        hint = suggest(e.path, candidates)
        if hint is None and isinstance(expected, type(None)):
            hint = (
                "declare it with 'fact' or 'define'; an enum member must be compared with an enum"
            )
        self.error("undefined-name", f"unknown name '{e.path}'", e.span, hint)
        return ir.Const(ERROR, None, text=text, span=e.span)

    def _target(self, name: ast.Name) -> ir.FactRef | ir.DefRef:
        text = name.path
        if name.path in self.state.facts:
            return ir.FactRef(
                self.state.facts[name.path].type, name.path, text=text, span=name.span
            )
        if name.path in self.state.define_syntax:
            return ir.DefRef(self.resolve_define(name.path), name.path, text=text, span=name.span)
        candidates = set(self.state.facts) | set(self.state.define_syntax)
        self.error(
            "undefined-name",
            f"unknown fact or definition '{name.path}'",
            name.span,
            suggest(name.path, candidates),
        )
        return ir.FactRef(ERROR, name.path, text=text, span=name.span)

    def _boolean(self, e: ast.Expr, context: str) -> ir.Expr:
        checked = self.check(e, BOOL)
        if not isinstance(checked.type, type(BOOL) | ErrorType | AnyType):
            self.error(
                "not-boolean",
                f"'{context}' needs a true/false condition, but `{checked.text}` is {checked.type}",
                e.span,
            )
            return _with_type(checked, ERROR)
        return checked

    def _is_bare(self, e: ast.Expr) -> bool:
        return (
            isinstance(e, ast.Name)
            and e.path not in self.state.facts
            and e.path not in self.state.define_syntax
        )

    def _needs_context(self, e: ast.Expr) -> bool:
        """A bare name, or a list literal holding one: its type comes from the other operand."""
        if isinstance(e, ast.ListLit):
            return any(self._needs_context(i) for i in e.items)
        return self._is_bare(e)

    def _pair(self, left: ast.Expr, right: ast.Expr) -> tuple[ir.Expr, ir.Expr]:
        """Check two operands; a bare name takes its enum from the other side."""
        if self._needs_context(left) and not self._needs_context(right):
            r = self.check(right)
            return self.check(left, r.type), r
        l_ = self.check(left)
        return l_, self.check(right, l_.type)

    def _compare(self, e: ast.Compare, text: str) -> ir.Expr:
        left, right = self._pair(e.left, e.right)
        if ERROR in (left.type, right.type):
            return ir.Binary(ERROR, e.op, left, right, text=text, span=e.span)
        if not compatible(left.type, right.type):
            hint = None
            if isinstance(left.type, DurationType) and isinstance(right.type, NumberType):
                hint = "a duration literal has a unit, for example 24h or 7d"
            self.error(
                "type-mismatch",
                f"cannot compare {left.type} with {right.type} in `{text}`",
                e.span,
                hint,
            )
            return ir.Binary(ERROR, e.op, left, right, text=text, span=e.span)
        if e.op in ("<", "<=", ">", ">="):
            t = unify(left.type, right.type)
            if not isinstance(t, NumberType | DurationType | DateType | AnyType):
                self.error(
                    "not-ordered",
                    f"'{e.op}' is not defined on {t}: use == or != in `{text}`",
                    e.span,
                )
                return ir.Binary(ERROR, e.op, left, right, text=text, span=e.span)
        return ir.Binary(BOOL, e.op, left, right, text=text, span=e.span)

    def _in(self, e: ast.In, text: str) -> ir.Expr:
        op = "notin" if e.negated else "in"
        if self._needs_context(e.left) and not self._needs_context(e.right):
            right = self.check(e.right)
            elem: Type | None = None
            if isinstance(right.type, ListType | ErrorType):
                elem = right.type.element if isinstance(right.type, ListType) else ERROR
            left = self.check(e.left, elem)
        else:
            left = self.check(e.left)
            right = self.check(e.right, ListType(left.type))
        if ERROR in (left.type, right.type):
            return ir.Binary(ERROR, op, left, right, text=text, span=e.span)
        if not isinstance(right.type, ListType | AnyType):
            self.error(
                "not-a-list",
                f"'in' needs a list on its right, but `{right.text}` is {right.type}",
                e.right.span,
            )
            return ir.Binary(ERROR, op, left, right, text=text, span=e.span)
        if isinstance(right.type, ListType) and not compatible(left.type, right.type.element):
            self.error(
                "type-mismatch",
                f"cannot look for {left.type} in {right.type} in `{text}`",
                e.span,
            )
            return ir.Binary(ERROR, op, left, right, text=text, span=e.span)
        return ir.Binary(BOOL, op, left, right, text=text, span=e.span)

    def _contains(self, e: ast.Contains, text: str) -> ir.Expr:
        if self._needs_context(e.left) and not self._needs_context(e.right):
            # NOTE: `[signed, ratified] contains treaty.status`: the list's members take
            # their enum from the right operand.
            right = self.check(e.right)
            context: Type = right.type if right.type is ERROR else ListType(right.type)
            left = self.check(e.left, context)
        else:
            left = self.check(e.left)
            elem = left.type.element if isinstance(left.type, ListType) else None
            right = self.check(e.right, elem)
        if ERROR in (left.type, right.type):
            return ir.Binary(ERROR, "contains", left, right, text=text, span=e.span)
        if not isinstance(left.type, ListType | AnyType):
            self.error(
                "not-a-list",
                f"'contains' needs a list on its left, but `{left.text}` is {left.type}",
                e.left.span,
            )
            return ir.Binary(ERROR, "contains", left, right, text=text, span=e.span)
        if isinstance(left.type, ListType) and not compatible(left.type.element, right.type):
            self.error(
                "type-mismatch",
                f"a {left.type} cannot contain {right.type} in `{text}`",
                e.span,
            )
            return ir.Binary(ERROR, "contains", left, right, text=text, span=e.span)
        return ir.Binary(BOOL, "contains", left, right, text=text, span=e.span)

    def _arith(self, e: ast.Arith, text: str) -> ir.Expr:
        left = self.check(e.left)
        right = self.check(e.right)
        if ERROR in (left.type, right.type):
            return ir.Binary(ERROR, e.op, left, right, text=text, span=e.span)
        result = _arith_type(e.op, left.type, right.type)
        if result is None:
            self.error(
                "bad-operand",
                f"'{e.op}' is not defined on {left.type} and {right.type} in `{text}`",
                e.span,
                "'+' and '-' work on numbers and durations (and dates with durations); "
                "'*' and '/' on numbers",
            )
            return ir.Binary(ERROR, e.op, left, right, text=text, span=e.span)
        return ir.Binary(result, e.op, left, right, text=text, span=e.span)

    def _list(self, e: ast.ListLit, expected: Type | None, text: str) -> ir.Expr:
        elem_expected = expected.element if isinstance(expected, ListType) else None
        if isinstance(expected, ErrorType):
            elem_expected = ERROR  # NOTE: the other operand already failed; stay silent.
        items: list[ir.Expr] = []
        elem: Type = ANY
        for item in e.items:
            checked = self.check(item, elem_expected if elem_expected is not None else elem)
            if checked.type is ERROR:
                elem = ERROR
            elif not compatible(elem, checked.type):
                self.error(
                    "type-mismatch",
                    f"list items must have one type: {elem} and {checked.type} in `{text}`",
                    item.span,
                )
                elem = ERROR
            else:
                elem = unify(elem, checked.type)
            items.append(checked)
        result: Type = ERROR if elem is ERROR else ListType(elem)
        if all(isinstance(i, ir.Const) for i in items) and result is not ERROR:
            value = tuple(i.value for i in items if isinstance(i, ir.Const))
            return ir.Const(result, value, text=text, span=e.span)
        return ir.ListExpr(result, tuple(items), text=text, span=e.span)


def _with_type(e: ir.Expr, t: Type) -> ir.Expr:
    return attrs.evolve(e, type=t)


def _arith_type(op: str, a: Type, b: Type) -> Type | None:
    if isinstance(a, AnyType):
        a = b
    if isinstance(b, AnyType):
        b = a
    if isinstance(a, AnyType):
        return ANY
    if op in "*/":
        return NUMBER if isinstance(a, NumberType) and isinstance(b, NumberType) else None
    if isinstance(a, NumberType) and isinstance(b, NumberType):
        return NUMBER
    if isinstance(a, DurationType) and isinstance(b, DurationType):
        return DURATION
    if isinstance(a, DateType) and isinstance(b, DurationType):
        return DATE
    if op == "+" and isinstance(a, DurationType) and isinstance(b, DateType):
        return DATE
    if op == "-" and isinstance(a, DateType) and isinstance(b, DateType):
        return DURATION
    return None


def check_definitions(state: CheckState) -> None:
    """Type every definition, in dependency order, inferring its type from its body."""
    in_progress: set[str] = set()

    def resolve(path: str) -> Type:
        if path in state.definitions:
            return state.definitions[path].type
        if path in state.cyclic or path in in_progress:
            return ERROR
        syntax = state.define_syntax[path]
        in_progress.add(path)
        checked = ExprChecker(state, resolve).check(syntax.expr)
        in_progress.discard(path)
        if isinstance(checked.type, AnyType):
            state.error(
                "untyped-define",
                f"the type of definition '{path}' cannot be inferred from `{checked.text}`",
                syntax.span,
            )
        state.definitions[path] = Definition(path, checked.type, checked, syntax.span)
        return checked.type

    for path in state.define_syntax:
        resolve(path)


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


def _inside(state: CheckState, text: ast.Text, start: int, end: int) -> Span:
    """The span of ``text.value[start:end]`` in the source, through its escapes.

    A string literal is one line; its value differs from the source only where an escape
    (two characters) stands for one. Falls back to the whole literal when the source line
    is not at hand or does not hold the literal.
    """
    span = text.span
    source = state.sources.get(span.file)
    if source is None or span.line != span.end_line:
        return span
    lines = source_lines(source)
    if not 1 <= span.line <= len(lines):
        return span
    raw = lines[span.line - 1][span.column - 1 : span.end_column - 1]
    columns: list[int] = []  # the column of each character of the value, then of the end
    i = 1  # after the opening quote
    while i < len(raw) - 1:
        columns.append(span.column + i)
        i += 2 if raw[i] == "\\" else 1
    columns.append(span.column + i)
    if len(columns) != len(text.value) + 1 or not raw.startswith('"'):
        return span
    return Span(span.file, span.line, columns[start], span.line, columns[end])


def parse_template(state: CheckState, text: ast.Text) -> Template:
    """Split a gap message into text and ``{path}`` references; ``{{``/``}}`` are braces."""
    parts: list[tuple[str, str]] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(text.value):
        if m.start() > pos:
            parts.append(("text", text.value[pos : m.start()]))
        pos = m.end()
        token = m.group(0)
        if token in ("{{", "}}"):
            parts.append(("text", token[0]))
            continue
        inner = m.group(1)
        if inner is None or not _PATH.fullmatch(inner.strip()):
            state.error(
                "bad-placeholder",
                f"'{token}' is not a placeholder: placeholders are {{fact.path}}",
                _inside(state, text, m.start(), m.end()),
                hint="write {{ or }} for a literal brace",
            )
            continue
        path = inner.strip()
        if path not in state.facts and path not in state.define_syntax:
            state.error(
                "bad-placeholder",
                f"placeholder '{{{path}}}' names no declared fact or definition",
                _inside(state, text, m.start(), m.end()),
                suggest(path, set(state.facts) | set(state.define_syntax)),
            )
            continue
        parts.append(("ref", path))
    if pos < len(text.value):
        parts.append(("text", text.value[pos:]))
    merged: list[tuple[str, str]] = []
    for kind, value in parts:
        if merged and kind == "text" and merged[-1][0] == "text":
            merged[-1] = ("text", merged[-1][1] + value)
        else:
            merged.append((kind, value))
    return Template(text.value, tuple(merged))


def check_criteria(state: CheckState) -> None:
    """Type ``applies``/``require``, parse templates, enforce required clauses and weight."""
    for syntax in state.criterion_syntax:
        checker = ExprChecker(
            state, lambda p: state.definitions[p].type if p in state.definitions else ERROR
        )
        if syntax.title is None:
            state.error(
                "missing-title",
                f"criterion '{syntax.path}' has no title",
                syntax.span,
                hint='add: title "..."',
            )
        require: ir.Expr
        if syntax.require is None:
            state.error(
                "missing-require",
                f"criterion '{syntax.path}' has no require clause",
                syntax.span,
                hint="add: require <condition>",
            )
            require = ir.Const(ERROR, None, text="unknown")
        else:
            require = checker._boolean(syntax.require, "require")
        applies = checker._boolean(syntax.applies, "applies") if syntax.applies else None
        weight: int | Decimal = 1
        if syntax.weight is not None:
            if syntax.weight.value <= 0:
                state.error(
                    "bad-weight",
                    f"weight must be greater than 0, not {syntax.weight.text}",
                    syntax.weight.span,
                )
            else:
                weight = syntax.weight.value
        template = parse_template(state, syntax.gap) if syntax.gap is not None else None
        state.criteria.append(
            Criterion(
                syntax.path,
                syntax.title.value if syntax.title else "",
                require,
                applies,
                tuple(c.value for c in syntax.cites),
                syntax.group.value if syntax.group else None,
                syntax.severity or "medium",
                weight,
                template,
                syntax.remedy.value if syntax.remedy else None,
                syntax.span,
                syntax,
            )
        )


def check_tests(state: CheckState) -> None:
    """Check that tests give declared facts well-typed values and expect real criteria."""
    criteria = {c.path for c in state.criterion_syntax}
    for module in state.modules:
        if module.file != state.root:
            continue  # NOTE: tests of imported files belong to those files.
        for decl in module.decls:
            if not isinstance(decl, ast.Test):
                continue
            given: list[tuple[str, Value]] = []
            seen: set[str] = set()
            for g in decl.given:
                if g.path in seen:
                    state.error("duplicate-given", f"'{g.path}' is given twice", g.span)
                    continue
                seen.add(g.path)
                fact = state.facts.get(g.path)
                if fact is None:
                    state.error(
                        "given-unknown-fact",
                        f"'{g.path}' is not a declared fact",
                        g.span,
                        suggest(g.path, set(state.facts)),
                    )
                    continue
                checker = ExprChecker(state, lambda p: ERROR)
                value = checker.check(g.value, fact.type)
                if value.type is ERROR:
                    continue
                if not compatible(fact.type, value.type):
                    state.error(
                        "given-type",
                        f"fact '{g.path}' is {fact.type}, but the test gives {value.type} "
                        f"`{value.text}`",
                        g.value.span,
                    )
                    continue
                const = _constant_value(value)
                given.append((g.path, const))
            expects: list[tuple[str, str, Span]] = []
            for ex in decl.expects:
                if ex.criterion not in criteria:
                    state.error(
                        "unknown-criterion",
                        f"no criterion '{ex.criterion}' in this pack",
                        ex.span,
                        suggest(ex.criterion, criteria),
                    )
                    continue
                expects.append((ex.criterion, ex.verdict, ex.span))
            as_of = decl.as_of.value if decl.as_of else None
            state.tests.append(PackTest(decl.name, tuple(given), tuple(expects), as_of, decl.span))


def _constant_value(e: ir.Expr) -> Value:
    if isinstance(e, ir.Const):
        return e.value
    if isinstance(e, ir.Neg) and isinstance(e.operand, ir.Const):
        v = e.operand.value
        if isinstance(v, int | Decimal) and not isinstance(v, bool):
            return -v
    return None


#: The checker's stages, in order.
STAGES: tuple[tuple[str, Callable[[CheckState], None]], ...] = (
    ("declarations", collect_declarations),
    # NOTE: depth first, so that the stages after it, which recurse, never go too deep.
    ("definition-depth", check_definition_depth),
    # NOTE: cycles must be known before definitions are typed, which would otherwise recurse.
    ("definition-cycles", find_definition_cycles),
    ("definitions", check_definitions),
    ("criteria", check_criteria),
    ("tests", check_tests),
)


def check(
    modules: list[ast.Module], root: str, sources: dict[str, str]
) -> tuple[Pack | None, list[Diagnostic]]:
    """Run every stage; return the pack when no error was found, and all diagnostics."""
    state = CheckState(modules, root, sources=sources)
    for _name, stage in STAGES:
        stage(state)
    errors = [d for d in state.diagnostics if d.severity is Severity.ERROR]
    if errors or state.header is None:
        return None, state.diagnostics
    header = state.header
    metadata = {k: v.value for k, v in header.fields}
    pack = Pack(
        name=header.path,
        title=metadata.get("title", ""),
        version=metadata.get("version"),
        source=metadata.get("source"),
        metadata=metadata,
        facts=dict(state.facts),
        definitions=dict(state.definitions),
        criteria=tuple(state.criteria),
        tests=tuple(state.tests),
        files=tuple(m.file for m in modules),
        modules=tuple(modules),
        sources=sources,
    )
    return pack, state.diagnostics


__all__ = ["STAGES", "check"]

_unused = (datetime, NO_SPAN)
