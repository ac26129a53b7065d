"""Hypothesis strategies for property-testing code that reads rule packs.

``pack_sources()`` draws the text of random, **well-typed** rule packs: every text loads with
:func:`lexgap.parse_pack` without error. ``packs()`` draws them loaded. Use them to test
that something holds for every pack, not just the ones you thought of::

    from hypothesis import given
    from lexgap.testing import pack_sources
    from lexgap.format import format_source

    @given(pack_sources())
    def test_formatting_is_idempotent(text):
        once = format_source(text)
        assert format_source(once) == once

This module imports hypothesis (a test dependency); ``import lexgap`` never imports it.

A generated pack declares up to eight facts of every type (bool, number, string, date,
duration, enum, list), definitions built from earlier facts and definitions, up to six
criteria whose ``applies`` and ``require`` nest ``and``/``or``/``not``/``implies``,
comparisons, ``in``/``not in``, ``contains``, ``known()``, ``count()`` and arithmetic on
numbers, durations and dates, with every clause (in random order), and optionally ``test``
blocks whose ``given`` values have the right types. Packs import nothing, so the text can be
loaded from a string. Expressions nest at most four levels deep, which keeps examples small
and shrinking fast.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

import lexgap
from lexgap.types import (
    BOOL,
    DATE,
    DURATION,
    NUMBER,
    STRING,
    DateType,
    DurationType,
    EnumType,
    ListType,
    NumberType,
    StringType,
    Type,
    format_duration,
    quote_string,
)

#: Words generated names never use: reserved words, clause and field words, and the
#: names of types, severities and verdicts (legal as names, but confusing to read).
AVOIDED_WORDS = frozenset(
    (
        "pack", "fact", "define", "criterion", "test", "import", "and", "or", "not",
        "implies", "in", "true", "false", "unknown", "known", "as_of", "contains", "count",
        "given", "expect", "title", "cites", "group", "severity", "weight", "applies",
        "require", "gap", "remedy", "version", "source", "description", "publisher",
        "license", "bool", "number", "string", "date", "duration", "enum", "list",
        "critical", "high", "medium", "low", "met", "not_applicable",
    )
)

SEVERITIES = ("critical", "high", "medium", "low")
VERDICTS = ("met", "gap", "unknown", "not_applicable")
_PACK_FIELDS = ("version", "source", "description", "publisher", "license")
_DURATION_UNITS = ("w", "d", "h", "min", "s")
_ORDERED = (NumberType, DurationType, DateType)

Draw = Callable[[st.SearchStrategy[Any]], Any]

_identifiers = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789_", max_size=6),
).filter(lambda s: s not in AVOIDED_WORDS)

# Text for titles, descriptions and templates: printable, with quotes and backslashes (to
# exercise escaping), but no control characters (a raw newline cannot be in a string).
_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
    max_size=30,
)
_plain_text = _text.map(lambda s: s.replace("{", "(").replace("}", ")"))


@attrs.define
class _Scope:
    """What a pack has declared so far: the names an expression may use, by type."""

    used: set[str] = attrs.Factory(set)
    members: set[str] = attrs.Factory(set)
    refs: list[tuple[str, Type]] = attrs.Factory(list)

    def of_type(self, t: Type) -> list[str]:
        return [name for name, rt in self.refs if rt == t]

    def lists(self) -> list[tuple[str, ListType]]:
        return [(n, t) for n, t in self.refs if isinstance(t, ListType)]


def _fresh_path(draw: Draw, scope: _Scope) -> str:
    segments = draw(st.lists(_identifiers, min_size=1, max_size=3))
    path = ".".join(segments)
    if path in scope.used or path in scope.members:
        path = f"{path}_{len(scope.used)}"
    scope.used.add(path)
    return path


def _member(draw: Draw, scope: _Scope) -> str:
    name: str = draw(_identifiers.filter(lambda s: s not in scope.used))
    scope.members.add(name)
    return name


# ---- types and constants -----------------------------------------------------------------


def _scalar_type(draw: Draw, scope: _Scope) -> Type:
    kind = draw(st.sampled_from(["bool", "number", "string", "date", "duration", "enum"]))
    if kind == "enum":
        count = draw(st.integers(1, 4))
        members: list[str] = []
        while len(members) < count:
            m = _member(draw, scope)
            if m not in members:
                members.append(m)
        return EnumType(tuple(members))
    scalars = {"bool": BOOL, "number": NUMBER, "string": STRING, "date": DATE, "duration": DURATION}
    return scalars[kind]


def _fact_type(draw: Draw, scope: _Scope) -> Type:
    if draw(st.integers(0, 5)) == 0:
        return ListType(_scalar_type(draw, scope))
    return _scalar_type(draw, scope)


def _number(draw: Draw, *, positive: bool = False) -> str:
    whole = draw(st.integers(1 if positive else 0, 500))
    if draw(st.booleans()):
        return str(whole)
    return f"{whole}.{draw(st.sampled_from(['5', '25', '75', '50', '1']))}"


def _duration(draw: Draw) -> str:
    parts = draw(st.lists(st.tuples(st.integers(1, 90), st.sampled_from(_DURATION_UNITS)),
                          min_size=1, max_size=2))
    return "".join(f"{n}{u}" for n, u in parts)


def _date(draw: Draw) -> str:
    value: datetime.date = draw(
        st.dates(datetime.date(1990, 1, 1), datetime.date(2040, 12, 31))
    )
    return value.isoformat()


def _constant(draw: Draw, t: Type) -> str:
    """A literal of type ``t`` (an enum member is a bare name: it needs an enum context)."""
    if t == BOOL:
        return str(draw(st.sampled_from(["true", "false"])))
    if isinstance(t, NumberType):
        return _number(draw)
    if isinstance(t, StringType):
        return quote_string(draw(_text))
    if isinstance(t, DateType):
        return _date(draw)
    if isinstance(t, DurationType):
        return _duration(draw)
    if isinstance(t, EnumType):
        return str(draw(st.sampled_from(t.members)))
    assert isinstance(t, ListType)
    items = [_constant(draw, t.element) for _ in range(draw(st.integers(0, 3)))]
    return "[" + ", ".join(items) + "]"


def _given_value(draw: Draw, t: Type) -> str:
    if draw(st.integers(0, 9)) == 0:
        return "unknown"
    if isinstance(t, NumberType) and draw(st.booleans()):
        return "-" + _number(draw)
    return _constant(draw, t)


# ---- expressions -------------------------------------------------------------------------


@attrs.define
class _Exprs:
    """Draws expressions of a wanted type from what a scope has declared."""

    draw: Draw
    scope: _Scope

    def ref(self, t: Type) -> str | None:
        names = self.scope.of_type(t)
        return self.draw(st.sampled_from(names)) if names else None

    def of(self, t: Type, depth: int) -> str:
        """An expression of type ``t``; compound ones come back in parentheses, so any
        result can be an operand as it is."""
        if t == BOOL:
            return self.boolean(depth)
        arithmetic = isinstance(t, NumberType | DurationType | DateType) and depth > 0
        if arithmetic and self.draw(st.integers(0, 2)) == 0:
            return self.arith(t, depth - 1)
        ref = self.ref(t)
        if ref is not None and (isinstance(t, EnumType | ListType) or self.draw(st.booleans())):
            return ref
        if isinstance(t, DateType) and self.draw(st.integers(0, 4)) == 0:
            return "as_of"
        if isinstance(t, NumberType) and self.scope.lists() and self.draw(st.integers(0, 4)) == 0:
            name, _ = self.draw(st.sampled_from(self.scope.lists()))
            return f"count({name})"
        return _constant(self.draw, t)

    def arith(self, t: Type, depth: int) -> str:
        d = self.draw
        if not isinstance(t, DateType) and d(st.integers(0, 5)) == 0:
            return f"(-{self.of(t, depth)})"
        if isinstance(t, NumberType):
            op = d(st.sampled_from(["+", "-", "*", "/"]))
            return f"({self.of(t, depth)} {op} {self.of(t, depth)})"
        if isinstance(t, DurationType):
            if d(st.integers(0, 3)) == 0:
                return f"({self.of(DATE, depth)} - {self.of(DATE, depth)})"
            op = d(st.sampled_from(["+", "-"]))
            return f"({self.of(t, depth)} {op} {self.of(t, depth)})"
        if d(st.booleans()):
            op = d(st.sampled_from(["+", "-"]))
            return f"({self.of(DATE, depth)} {op} {self.of(DURATION, depth)})"
        return f"({self.of(DURATION, depth)} + {self.of(DATE, depth)})"

    def boolean(self, depth: int) -> str:
        d = self.draw
        if depth <= 0:
            return self.bool_leaf()
        choice = d(st.sampled_from(
            ["leaf", "and", "or", "not", "implies", "compare", "compare", "in", "contains",
             "known", "count"]
        ))
        if choice in ("and", "or"):
            operands = [self.boolean(depth - 1) for _ in range(d(st.integers(2, 3)))]
            return "(" + f" {choice} ".join(operands) + ")"
        if choice == "not":
            return f"(not {self.boolean(depth - 1)})"
        if choice == "implies":
            return f"({self.boolean(depth - 1)} implies {self.boolean(depth - 1)})"
        if choice == "compare":
            return self.compare(depth - 1)
        if choice == "in":
            return self.membership(depth - 1)
        if choice == "contains" and self.scope.lists():
            name, lt = d(st.sampled_from(self.scope.lists()))
            return f"({name} contains {self.of(lt.element, depth - 1)})"
        if choice == "known" and self.scope.refs:
            name, _ = d(st.sampled_from(self.scope.refs))
            return f"known({name})"
        if choice == "count" and self.scope.lists():
            name, _ = d(st.sampled_from(self.scope.lists()))
            op = d(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]))
            return f"(count({name}) {op} {d(st.integers(0, 5))})"
        return self.bool_leaf()

    def bool_leaf(self) -> str:
        d = self.draw
        refs = self.scope.of_type(BOOL)
        roll = d(st.integers(0, 9))
        if refs and roll < 7:
            return str(d(st.sampled_from(refs)))
        if roll == 9:
            return "unknown"
        return str(d(st.sampled_from(["true", "false"])))

    def comparable_type(self) -> Type:
        """A type to compare at: a declared type (enums need a declared operand) or a scalar."""
        declared = [t for _, t in self.scope.refs if not isinstance(t, ListType)]
        options = [*declared, NUMBER, DURATION, DATE, STRING, BOOL]
        return self.draw(st.sampled_from(options))  # type: ignore[no-any-return]

    def compare(self, depth: int) -> str:
        d = self.draw
        t = self.comparable_type()
        ops = ["==", "!=", "<", "<=", ">", ">="] if isinstance(t, _ORDERED) else ["==", "!="]
        op = d(st.sampled_from(ops))
        if isinstance(t, EnumType):
            left = self.ref(t)
            right = self.of(t, depth) if d(st.booleans()) else d(st.sampled_from(t.members))
            if d(st.booleans()):
                left, right = right, left
            return f"({left} {op} {right})"
        return f"({self.of(t, depth)} {op} {self.of(t, depth)})"

    def membership(self, depth: int) -> str:
        d = self.draw
        word = d(st.sampled_from(["in", "not in"]))
        lists = self.scope.lists()
        if lists and d(st.booleans()):
            name, lt = d(st.sampled_from(lists))
            return f"({self.of(lt.element, depth)} {word} {name})"
        t = self.comparable_type()
        left = self.ref(t) if isinstance(t, EnumType) else self.of(t, depth)
        items = [_constant(d, t) for _ in range(d(st.integers(1, 3)))]
        if d(st.integers(0, 3)) == 0:
            # NOTE: an `unknown` item makes "not found" unknown, a case of its own
            items.insert(d(st.integers(0, len(items))), "unknown")
        if d(st.integers(0, 3)) == 0:
            return f"([{', '.join(items)}] contains {left})"
        return f"({left} {word} [{', '.join(items)}])"


def _strip(text: str) -> str:
    """Drop one pair of outer parentheses when they enclose the whole expression."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i < len(text) - 1:
            return text
    return text[1:-1]


# ---- declarations ------------------------------------------------------------------------


def _template(draw: Draw, scope: _Scope) -> str:
    parts: list[str] = draw(st.lists(
        st.one_of(
            _plain_text,
            st.sampled_from(["{{", "}}"]),
            st.sampled_from([name for name, _ in scope.refs] or ["x"]).map(lambda p: f"{{{p}}}"),
        ),
        max_size=4,
    ))
    return "".join(parts)


def _criterion(draw: Draw, scope: _Scope, exprs: _Exprs, path: str, depth: int) -> str:
    clauses = [f"title {quote_string(draw(_text))}", f"require {_strip(exprs.boolean(depth))}"]
    clauses += [f"cites {quote_string(draw(_text))}" for _ in range(draw(st.integers(0, 2)))]
    if draw(st.booleans()):
        clauses.append(f"group {quote_string(draw(_text))}")
    if draw(st.booleans()):
        clauses.append(f"severity {draw(st.sampled_from(SEVERITIES))}")
    if draw(st.booleans()):
        clauses.append(f"weight {_number(draw, positive=True)}")
    if draw(st.booleans()):
        clauses.append(f"applies {_strip(exprs.boolean(draw(st.integers(0, depth))))}")
    if draw(st.booleans()):
        clauses.append(f"gap {quote_string(_template(draw, scope))}")
    if draw(st.booleans()):
        clauses.append(f"remedy {quote_string(draw(_text))}")
    order = draw(st.permutations(clauses))
    body = "".join(f"  {c}\n" for c in order)
    return f"criterion {path} {{\n{body}}}"


def _test(
    draw: Draw, facts: list[tuple[str, Type]], criteria: list[str], expects: bool
) -> str:
    chosen = draw(st.lists(st.sampled_from(facts), unique_by=lambda f: f[0], max_size=len(facts)))
    lines = [f"test {quote_string(draw(_text))} {{"]
    if chosen or draw(st.booleans()):
        lines.append("  given {")
        lines += [f"    {name} = {_given_value(draw, t)}" for name, t in chosen]
        lines.append("  }")
    if expects and criteria:
        picked = draw(st.lists(st.sampled_from(criteria), max_size=3))
        lines += [f"  expect {c} {draw(st.sampled_from(VERDICTS))}" for c in picked]
    if draw(st.booleans()):
        lines.append(f"  as_of {_date(draw)}")
    lines.append("}")
    return "\n".join(lines)


@st.composite
def _pack_source(
    draw: Draw,
    max_facts: int,
    max_criteria: int,
    max_depth: int,
    tests: bool,
    arbitrary_expects: bool,
) -> str:
    scope = _Scope()
    exprs = _Exprs(draw, scope)
    decls: list[str] = []

    fields = [f"title {quote_string(draw(_text))}"]
    for key in draw(st.lists(st.sampled_from(_PACK_FIELDS), unique=True)):
        fields.append(f"{key} {quote_string(draw(_text))}")
    body = "".join(f"  {f}\n" for f in draw(st.permutations(fields)))
    decls.append(f"pack {_fresh_path(draw, scope)} {{\n{body}}}")

    facts: list[tuple[str, Type]] = []
    for _ in range(draw(st.integers(1, max_facts))):
        t = _fact_type(draw, scope)
        path = _fresh_path(draw, scope)
        facts.append((path, t))
        text = f"fact {path}: {t.name}"
        if draw(st.booleans()):
            text += " " + quote_string(draw(_text))
        decls.append(text)
    # NOTE: facts enter the scope only now: a fact's type may name enum members drawn
    # after earlier facts' paths, and members must never equal a fact or definition name.
    scope.refs.extend(facts)

    for _ in range(draw(st.integers(0, 3))):
        t = draw(st.sampled_from([BOOL, BOOL, BOOL, NUMBER, DURATION, DATE]))
        body_text = _strip(exprs.of(t, draw(st.integers(1, max_depth))))
        if body_text == "unknown":
            body_text = "true"
        path = _fresh_path(draw, scope)
        decls.append(f"define {path} = {body_text}")
        scope.refs.append((path, t))

    criteria: list[str] = []
    for _ in range(draw(st.integers(1, max_criteria))):
        path = _fresh_path(draw, scope)
        criteria.append(path)
        decls.append(_criterion(draw, scope, exprs, path, draw(st.integers(0, max_depth))))

    if tests:
        for _ in range(draw(st.integers(0, 2))):
            decls.append(_test(draw, facts, criteria, arbitrary_expects))

    if draw(st.integers(0, 3)) == 0:
        decls = draw(st.permutations(decls))
    return "\n\n".join(decls) + "\n"


def pack_sources(
    *,
    max_facts: int = 8,
    max_criteria: int = 6,
    max_depth: int = 4,
    tests: bool = True,
    arbitrary_expects: bool = False,
) -> st.SearchStrategy[str]:
    """Texts of random well-typed rule packs; each one loads with :func:`lexgap.parse_pack`.

    ``max_depth`` bounds how deeply ``applies``, ``require`` and definition bodies nest.
    ``tests`` adds up to two ``test`` blocks with well-typed ``given`` values. Their verdicts
    cannot be known without evaluating, so ``expect`` lines are left out unless
    ``arbitrary_expects`` is set: then they name real criteria with random verdicts, which
    load but will not pass ``lexgap test`` (useful for syntax-level properties only).
    Declarations usually come in the order pack, facts, definitions, criteria, tests, and
    sometimes shuffled; criterion clauses are always in random order.
    """
    return _pack_source(max_facts, max_criteria, max_depth, tests, arbitrary_expects)


def packs(**options: Any) -> st.SearchStrategy[lexgap.Pack]:
    """Random loaded packs: :func:`pack_sources` (same options) passed through ``parse_pack``."""
    return pack_sources(**options).map(lexgap.parse_pack)


__all__ = ["AVOIDED_WORDS", "pack_sources", "packs"]


# ---- pack-level assertions and fact files (consistency and pack tests) -----------------


def _as_pack(pack: lexgap.Pack | str | os.PathLike[str]) -> lexgap.Pack:
    return pack if isinstance(pack, lexgap.Pack) else lexgap.load_pack(pack)


def assert_consistent(pack: lexgap.Pack | str | os.PathLike[str], *, strict: bool = False) -> None:
    """Raise AssertionError listing the pack's lint errors (all findings with ``strict``).

    The same analysis as ``lexgap lint``: criteria that can never be met, never be a gap or
    never apply, criteria that can never all be met at once, and so on.
    """
    from lexgap.diagnostics import Severity
    from lexgap.lint import lint_pack

    loaded = _as_pack(pack)
    findings = lint_pack(loaded, strict=strict)
    bad = [f for f in findings if strict or f.severity is Severity.ERROR]
    if bad:
        shown = "\n".join(f.render(findings.sources) for f in bad)
        msg = f"pack {loaded.name} is not consistent ({len(bad)} finding(s)):\n{shown}"
        raise AssertionError(msg)


def assert_tests_pass(pack: lexgap.Pack | str | os.PathLike[str]) -> None:
    """Raise AssertionError listing every failing expectation of the pack's test blocks."""
    from lexgap.packtests import run_tests

    loaded = _as_pack(pack)
    outcome = run_tests(loaded)
    failures = [line for t in outcome.tests for line in t.failures]
    if failures:
        msg = f"{outcome.failed} of {len(outcome.tests)} test(s) of pack {loaded.name} failed:\n"
        raise AssertionError(msg + "\n".join(failures))


def _fact_value(t: Type) -> st.SearchStrategy[Any]:
    """Well-typed plain values of a fact, as a fact file (or mapping) would state them."""
    if isinstance(t, ListType):
        return st.lists(_fact_value(t.element), max_size=4)
    if isinstance(t, EnumType):
        return st.sampled_from(t.members)
    if isinstance(t, NumberType):
        return st.one_of(
            st.integers(-1000, 1000), st.integers(-10000, 10000).map(lambda n: Decimal(n) / 10)
        )
    if isinstance(t, DurationType):
        return st.integers(0, 60 * 86400).map(format_duration)
    if isinstance(t, DateType):
        dates = st.dates(datetime.date(1950, 1, 1), datetime.date(2050, 12, 31))
        return st.one_of(dates, dates.map(datetime.date.isoformat))
    if isinstance(t, StringType):
        return st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABC0123456789-.,", max_size=12)
    return st.booleans()


@st.composite
def _over_time(draw: Draw, t: Type) -> list[dict[str, Any]]:
    """Values over time: half-open intervals that do not overlap, oldest first."""
    n = draw(st.integers(1, 3))
    cuts = sorted(
        draw(
            st.sets(
                st.dates(datetime.date(1990, 1, 1), datetime.date(2040, 12, 31)),
                min_size=n - 1,
                max_size=n - 1,
            )
        )
    )
    bounds: list[datetime.date | None] = [None, *cuts, None]
    if draw(st.booleans()):
        bounds[0] = datetime.date(1980, 1, 1)
    entries: list[dict[str, Any]] = []
    for i in range(n):
        value = draw(st.none() | _fact_value(t))
        entry: dict[str, Any] = {"value": value}
        if bounds[i] is not None:
            entry["since"] = bounds[i]
        if bounds[i + 1] is not None:
            entry["until"] = bounds[i + 1]
        entries.append(entry)
    return entries


@st.composite
def _fact_entry(draw: Draw, t: Type) -> Any:
    kind = draw(st.sampled_from(("plain", "plain", "unknown", "meta", "over_time")))
    if kind == "unknown":
        return None
    if kind == "over_time":
        return draw(_over_time(t))
    value = draw(_fact_value(t))
    if kind == "meta":
        return {"value": value, "source": "https://example.org/law"}
    return value


def fact_files(
    pack: lexgap.Pack | str | os.PathLike[str], *, codes: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[lexgap.Jurisdiction]:
    """Jurisdictions with well-typed facts for ``pack``, built by
    :func:`lexgap.jurisdiction_from_mapping`.

    Each declared fact is left out, stated unknown, given a plain value (bools, numbers as
    ints or Decimals, dates as ``datetime.date`` or ISO text, durations like ``"24h"``, enum
    members, lists), a value with a source, or values over time with non-overlapping
    ``since``/``until`` intervals. Every jurisdiction evaluates against ``pack`` without a
    fact error. ``pack`` is a loaded pack or the path of one.
    """
    pack = _as_pack(pack)
    code_strategy = codes if codes is not None else st.sampled_from(("XA", "XB", "XC", "XD"))
    facts = {path: info.type for path, info in pack.facts.items()}

    @st.composite
    def build(draw: Draw) -> lexgap.Jurisdiction:
        chosen: dict[str, Any] = {}
        for path, t in facts.items():
            if draw(st.booleans()):
                chosen[path] = draw(_fact_entry(t))
        code = draw(code_strategy)
        return lexgap.jurisdiction_from_mapping(
            {"jurisdiction": code, "name": f"Generated {code}", "facts": chosen},
            source=f"<generated {code}>",
        )

    return build()


def with_facts(jurisdiction: lexgap.Jurisdiction, facts: dict[str, Any]) -> lexgap.Jurisdiction:
    """The same jurisdiction with some facts restated (the others kept as they are).

    ``facts`` maps fact paths to what a fact file would say for them, in the Python forms
    :func:`lexgap.jurisdiction_from_mapping` takes: ``{"takedown.notice_period": "12h"}``,
    ``None`` for unknown, or a list of ``{"value": ..., "since": ...}`` entries. For
    properties of the form "changing this fact so never turns met into gap".
    """
    restated = lexgap.jurisdiction_from_mapping(
        {"jurisdiction": jurisdiction.code, "name": jurisdiction.name, "facts": facts},
        source=f"<restated {jurisdiction.code}>",
    )
    # NOTE: evolve makes a new object, so no typed values or bindings cached for the old
    # facts carry over.
    return attrs.evolve(jurisdiction, facts={**jurisdiction.facts, **restated.facts})


__all__ += ["assert_consistent", "assert_tests_pass", "fact_files", "with_facts"]


# ---- the two backends, cross-checked --------------------------------------------------


def _comparable(report: lexgap.Report) -> list[tuple[Any, ...]]:
    return [
        (r.jurisdiction, r.criterion, r.verdict, r.missing, r.because, r.message, r.to_close)
        for r in report.results
    ]


def assert_backends_agree(
    pack: lexgap.Pack | str | os.PathLike[str],
    jurisdictions: Any,
    as_of: datetime.date | None = None,
) -> None:
    """Fail unless the native and durable backends give identical results.

    Compares verdict, ``missing``, ``because``, the message and the "to close" lines of
    every result, so a property test over :func:`packs` and :func:`fact_files` cross-checks
    two independent implementations of the contract's logic. Needs ``lexgap[durable]``.
    """
    loaded = _as_pack(pack)
    native = lexgap.evaluate(loaded, jurisdictions, as_of=as_of)
    rete = lexgap.evaluate(loaded, jurisdictions, as_of=as_of, backend="durable")
    for a, b in zip(_comparable(native), _comparable(rete), strict=True):
        if a != b:
            msg = (
                f"backends disagree on {a[0]} {a[1]}: native {a[2:]!r}, durable {b[2:]!r}"
            )
            raise AssertionError(msg)


__all__ += ["assert_backends_agree"]
