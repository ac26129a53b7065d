"""Jurisdiction fact files (YAML or JSON) to :class:`Jurisdiction` values.

YAML is read with PyYAML's *composer* only: we get nodes with line and column and build
values ourselves, so no Python object is ever constructed from a tag, duplicate keys are
caught instead of silently dropped, aliases are refused (no alias bombs) and nothing is
reinterpreted the YAML 1.1 way (``no`` is not false, ``1:20`` is not a number). A value's
text is interpreted only when a pack says what type the fact has.
"""

from __future__ import annotations

import datetime
import itertools
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import attrs
import yaml

from lexgap.build import suggest
from lexgap.diagnostics import Diagnostic, FactsError
from lexgap.span import Span
from lexgap.types import (
    MAX_NUMBER_CHARS,
    BoolType,
    DateType,
    DurationType,
    EnumType,
    ListType,
    NumberType,
    StringType,
    Type,
    Value,
    parse_date,
    parse_duration_literal,
    parse_iso_duration,
    parse_number,
    show,
)

MAX_FILE_BYTES = 10_000_000
MAX_NUMBER_DIGITS = MAX_NUMBER_CHARS
MAX_NODES = 200_000
MAX_DEPTH = 100

_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_LEADING_ZERO = re.compile(r"-?0[0-9]")
_CODE = re.compile(r"[A-Z]{2}(-[A-Z0-9]{1,3})?")
TOP_LEVEL_KEYS = ("jurisdiction", "name", "reviewed", "facts", "note")
VALUE_KEYS = ("value", "since", "until", "source", "note")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_YAML11_BOOLS = {
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "N",
    "Yes",
    "No",
    "On",
    "Off",
    "YES",
    "NO",
    "ON",
    "OFF",
}


@attrs.frozen
class Raw:
    """A value as written in the file, before a pack gives it a type.

    ``kind`` is ``scalar`` (with ``text`` and whether it was ``plain``, i.e. unquoted),
    ``seq`` (with ``items``) or ``null``.
    """

    kind: str
    text: str = ""
    plain: bool = True
    items: tuple[Raw, ...] = ()
    span: Span = attrs.field(default=Span.point("<unknown>", 0, 0), eq=False)

    @property
    def is_unknown(self) -> bool:
        return self.kind == "null" or (
            self.kind == "scalar" and self.plain and self.text == "unknown"
        )


@attrs.frozen
class FactValue:
    """One stated value of a fact, in force on ``since <= as_of < until``."""

    raw: Raw
    since: datetime.date | None = None
    until: datetime.date | None = None
    source: str | None = None
    note: str | None = None
    span: Span = attrs.field(default=Span.point("<unknown>", 0, 0), eq=False)

    def in_force(self, as_of: datetime.date) -> bool:
        return (self.since is None or self.since <= as_of) and (
            self.until is None or as_of < self.until
        )


@attrs.frozen
class Jurisdiction:
    """A jurisdiction's facts, each a tuple of values over time."""

    code: str
    name: str
    facts: Mapping[str, tuple[FactValue, ...]]
    reviewed: datetime.date | None = None
    file: str = "<mapping>"
    note: str | None = None
    _typed: dict[tuple[str, Type], tuple[Value, ...]] = attrs.field(
        factory=dict, eq=False, repr=False, init=False
    )
    #: Per-program bindings kept by the evaluator (see ``lexgap.evaluate``).
    cache: dict[object, Any] = attrs.field(factory=dict, eq=False, repr=False, init=False)
    #: The facts with one timeless value (most of them), by path: the evaluator binds
    #: these without looking at intervals, and explanations name them as the entry used.
    static: dict[str, FactValue] = attrs.field(eq=False, repr=False, init=False)
    #: Each static fact's value as one interned string (its kind, whether it was quoted,
    #: its text): what the evaluator's conversion memo is keyed by, made once here so that
    #: binding a new jurisdiction is lookups of identical strings only.
    static_keys: dict[str, str] = attrs.field(eq=False, repr=False, init=False)

    #: The other stated facts (values over time, or one value with an interval).
    timed: tuple[str, ...] = attrs.field(eq=False, repr=False, init=False)

    @static.default
    def _static(self) -> dict[str, FactValue]:
        return {
            path: entries[0]
            for path, entries in self.facts.items()
            if len(entries) == 1 and entries[0].since is None and entries[0].until is None
        }

    @static_keys.default
    def _static_keys(self) -> dict[str, str]:
        return {sys.intern(path): memo_key(entry.raw) for path, entry in self.static.items()}

    @timed.default
    def _timed(self) -> tuple[str, ...]:
        static = self.static
        return tuple(path for path, entries in self.facts.items() if entries and path not in static)

    def typed_values(self, path: str, type_: Type) -> tuple[Value, ...]:
        """The fact's values converted to ``type_`` (cached). Raises FactsError."""
        key = (path, type_)
        cached = self._typed.get(key)
        if cached is None:
            problems: list[Diagnostic] = []
            values = tuple(convert(fv.raw, type_, path, problems) for fv in self.facts[path])
            if problems:
                raise FactsError(problems)
            self._typed[key] = cached = values
        return cached

    def value_at(
        self, path: str, type_: Type, as_of: datetime.date
    ) -> tuple[Value, FactValue | None]:
        """The value in force at ``as_of`` (None when unknown) and the entry it came from."""
        entries = self.facts.get(path)
        if not entries:
            return None, None
        values = self.typed_values(path, type_)
        for entry, value in zip(entries, values, strict=True):
            if entry.in_force(as_of):
                return value, entry
        return None, None

    def check_types(self, types: Mapping[str, Type]) -> list[Diagnostic]:
        """Every value of every fact in ``types`` that does not fit its type."""
        problems: list[Diagnostic] = []
        for path, type_ in types.items():
            if path in self.facts:
                for fv in self.facts[path]:
                    convert(fv.raw, type_, path, problems)
        return problems


# ---- typing values -----------------------------------------------------------------------


def convert(raw: Raw, type_: Type, path: str, problems: list[Diagnostic]) -> Value:
    """Interpret raw text as ``type_``; append a diagnostic and return None when it does not fit."""
    if raw.is_unknown:
        return None
    value, hint = _convert(raw, type_)
    if value is None:
        found = _found(raw)
        problems.append(
            Diagnostic(
                "fact-type",
                f"fact '{path}' must be {type_}, but the value is {found}",
                raw.span,
                hint=hint,
            )
        )
    return value


#: Texts longer than this are not interned as memo keys (nor remembered by the evaluator).
MEMO_TEXT = 64


def memo_key(raw: Raw) -> str:
    """One string for what a fast converter's result depends on: kind, quoting, text.

    NOTE: a list's items are not in it; no fast converter takes a list (lists have none).
    """
    key = raw.kind[0] + ("p" if raw.plain else "q") + raw.text
    return sys.intern(key) if len(raw.text) <= MEMO_TEXT else key


#: Returned by a fast converter for a value that needs the full :func:`convert`.
NOT_FAST: Value = cast("Value", object())


def fast_converter(type_: Type) -> Callable[[Raw], Value] | None:
    """A quick conversion of one raw value to ``type_``, for the evaluator's hot path.

    It gives what :func:`convert` gives for the common cases (unknown, and a scalar that
    fits) and ``NOT_FAST`` for anything else, which the caller then converts in full (so
    errors keep their diagnostics). None for types without one (lists, dates).
    """
    if isinstance(type_, BoolType):

        def bool_(raw: Raw) -> Value:
            if raw.kind != "scalar" or not raw.plain:
                return None if raw.kind == "null" else NOT_FAST
            if raw.text == "unknown":
                return None
            value = _BOOLS.get(raw.text)
            return NOT_FAST if value is None else value

        return bool_
    if isinstance(type_, NumberType):

        def number(raw: Raw) -> Value:
            if raw.kind != "scalar" or not raw.plain:
                return None if raw.kind == "null" else NOT_FAST
            text = raw.text
            if text == "unknown":
                return None
            if _LEADING_ZERO.match(text):
                return NOT_FAST
            value = parse_number(text)
            return NOT_FAST if value is None else value

        return number
    if isinstance(type_, DurationType):

        def duration(raw: Raw) -> Value:
            if raw.kind != "scalar":
                return None if raw.kind == "null" else NOT_FAST
            text = raw.text
            if raw.plain and text == "unknown":
                return None
            seconds = parse_duration_literal(text) if len(text) <= MAX_NUMBER_CHARS else None
            return NOT_FAST if seconds is None else seconds

        return duration
    if isinstance(type_, EnumType | StringType):
        members = frozenset(type_.members) if isinstance(type_, EnumType) else None

        def name(raw: Raw) -> Value:
            if raw.kind != "scalar":
                return None if raw.kind == "null" else NOT_FAST
            text = raw.text
            if raw.plain and text == "unknown":
                return None
            return text if members is None or text in members else NOT_FAST

        return name
    return None


def _found(raw: Raw) -> str:
    if raw.kind == "seq":
        return "a list"
    text = raw.text if len(raw.text) <= 60 else raw.text[:57] + "..."
    return repr(text) if not raw.plain else f"'{text}'"


def _convert(raw: Raw, type_: Type) -> tuple[Value, str | None]:
    if isinstance(type_, ListType):
        if raw.kind != "seq":
            return None, "write a list: [a, b]"
        items: list[Value] = []
        for item in raw.items:
            if item.is_unknown:
                return None, "list items cannot be unknown; leave the whole fact unknown instead"
            v, hint = _convert(item, type_.element)
            if v is None:
                return None, hint
            items.append(v)
        return tuple(items), None
    if raw.kind != "scalar":
        return None, None
    text = raw.text
    if isinstance(type_, BoolType):
        if raw.plain and text in _BOOLS:
            return _BOOLS[text], None
        if text in _YAML11_BOOLS:
            return None, "write true or false (lexgap does not read yes/no/on/off as booleans)"
        return None, "write true or false"
    if isinstance(type_, NumberType):
        if not raw.plain:
            if parse_number(text) is not None:
                return None, "write the number without quotes"
            return None, "write a decimal number such as 18 or 0.5, without quotes"
        if len(text) - text.startswith("-") > MAX_NUMBER_CHARS:
            return None, f"numbers have at most {MAX_NUMBER_CHARS} characters"
        if _LEADING_ZERO.match(text):
            return None, "write the number without leading zeros (YAML 1.1 reads 017 as octal 15)"
        number = parse_number(text)
        if number is None:
            return None, "write a decimal number such as 18 or 0.5"
        return number, None
    if isinstance(type_, StringType):
        return text, None
    if isinstance(type_, DateType):
        date = parse_date(text)
        return (date, None) if date is not None else (None, "write an ISO date: YYYY-MM-DD")
    if isinstance(type_, DurationType):
        if len(text) > MAX_NUMBER_CHARS:
            return None, f"durations have at most {MAX_NUMBER_CHARS} characters"
        seconds = parse_duration_literal(text)
        if seconds is None:
            seconds = parse_iso_duration(text)
        if seconds is None:
            return None, "write a duration such as 24h, 90min, 7d, 2w or PT24H"
        return seconds, None
    if isinstance(type_, EnumType):
        if text in type_.members:
            return text, None
        return None, suggest(text, type_.members) or f"members are {', '.join(type_.members)}"
    return None, None


def display(raw: Raw, value: Value, type_: Type, *, quote: bool = True) -> str:
    """Show a fact's value, keeping the user's own spelling of numbers and durations."""
    if (
        value is not None
        and raw.kind == "scalar"
        and isinstance(type_, NumberType | DurationType)
        and parse_duration_literal(raw.text) is not None
    ) or (isinstance(type_, NumberType) and value is not None and raw.kind == "scalar"):
        return raw.text
    return show(value, type_, quote=quote)


# ---- reading files -----------------------------------------------------------------------


class _Reader:
    def __init__(self, file: str, *, json: bool = False) -> None:
        self.file = file
        # NOTE: JSON has no unquoted text, so in a JSON file "unknown" (quoted) is how a
        # fact is stated as not known; in YAML only a plain `unknown` is.
        self.json = json
        self.problems: list[Diagnostic] = []
        self.seen: set[int] = set()

    def span(self, node: yaml.Node) -> Span:
        start, end = node.start_mark, node.end_mark
        return Span(self.file, start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    def error(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.problems.append(Diagnostic(code, message, span, hint=hint))

    def visit(self, node: yaml.Node) -> bool:
        """Refuse a node seen before: that is an alias, the root of every alias bomb."""
        if id(node) in self.seen:
            self.error(
                "yaml-alias",
                "YAML anchors and aliases are not allowed in fact files",
                self.span(node),
                hint="write each value out in full",
            )
            return False
        self.seen.add(id(node))
        if len(self.seen) > MAX_NODES:
            msg = f"the file has more than {MAX_NODES} values"
            raise FactsError([Diagnostic("too-large", msg, self.span(node))])
        return True

    def mapping(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node, Span]] | None:
        if not isinstance(node, yaml.MappingNode):
            self.error("fact-file", f"{what} must be a mapping of keys to values", self.span(node))
            return None
        out: list[tuple[str, yaml.Node, Span]] = []
        first: dict[str, Span] = {}
        for key_node, value_node in node.value:
            if not self.visit(key_node) or not self.visit(value_node):
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.error("fact-file", "keys must be plain text", self.span(key_node))
                continue
            key = str(key_node.value)
            span = self.span(key_node)
            if key in first:
                self.error(
                    "duplicate-key",
                    f"key '{key}' appears twice in {what} (first on line {first[key].line})",
                    span,
                    hint="YAML would silently keep only the last one; merge them",
                )
                continue
            first[key] = span
            out.append((key, value_node, span))
        return out

    def scalar_text(self, node: yaml.Node, what: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.error("fact-file", f"{what} must be a single value", self.span(node))
            return None
        if node.tag == _NONE_TAG or _is_written_null(node):
            self.error(
                "fact-value",
                f"{what} has no value",
                self.span(node),
                hint="write a value, or leave the key out",
            )
            return None
        return str(node.value)

    def raw(self, node: yaml.Node) -> Raw:
        span = self.span(node)
        if isinstance(node, yaml.ScalarNode):
            plain = node.style in (None, "") or (
                self.json and node.style == '"' and node.value == "unknown"
            )
            if _is_written_null(node):
                return Raw("null", span=span)
            return Raw("scalar", str(node.value), plain, span=span)
        if isinstance(node, yaml.SequenceNode):
            items = tuple(self.raw(i) for i in node.value if self.visit(i))
            return Raw("seq", items=items, span=span)
        self.error("fact-value", "a value cannot be a mapping here", span)
        return Raw("null", span=span)

    def date(self, node: yaml.Node, what: str) -> datetime.date | None:
        text = self.scalar_text(node, what)
        if text is None:
            return None
        value = parse_date(text)
        if value is None:
            self.error(
                "fact-date",
                f"{what} must be an ISO date (YYYY-MM-DD), not '{text}'",
                self.span(node),
            )
        return value

    def entry(self, path: str, node: yaml.Node) -> FactValue | None:
        """One value: a bare value, or a mapping with ``value`` and metadata."""
        span = self.span(node)
        if not isinstance(node, yaml.MappingNode):
            if _is_written_null(node):
                self.error(
                    "fact-value",
                    f"fact '{path}' has no value",
                    span,
                    hint="write 'unknown' for a fact that is not known, or leave the fact out",
                )
                return None
            return FactValue(self.raw(node), span=span)
        fields = self.mapping(node, f"fact '{path}'")
        if fields is None:
            return None
        values: dict[str, yaml.Node] = {}
        for key, value_node, key_span in fields:
            if key not in VALUE_KEYS:
                self.error(
                    "fact-key",
                    f"unknown key '{key}' in fact '{path}'",
                    key_span,
                    suggest(key, VALUE_KEYS) or f"keys are {', '.join(VALUE_KEYS)}",
                )
                continue
            if key != "value" and value_node.tag == _NONE_TAG:
                continue  # NOTE: None from Python (jurisdiction_from_mapping): not given
            values[key] = value_node
        if "value" not in values:
            self.error("fact-value", f"fact '{path}' has metadata but no 'value'", span)
            return None
        since = self.date(values["since"], "'since'") if "since" in values else None
        until = self.date(values["until"], "'until'") if "until" in values else None
        if since is not None and until is not None and not since < until:
            self.error(
                "fact-interval",
                f"fact '{path}': 'since' {since} is not before 'until' {until}",
                span,
            )
        source = self.scalar_text(values["source"], "'source'") if "source" in values else None
        note = self.scalar_text(values["note"], "'note'") if "note" in values else None
        value_node = values["value"]
        if isinstance(value_node, yaml.MappingNode):
            self.error(
                "fact-value",
                f"the value of fact '{path}' cannot be a mapping",
                self.span(value_node),
            )
            return None
        raw = self.raw(value_node)
        if raw.kind == "null":
            self.error(
                "fact-value",
                f"fact '{path}' has no value",
                self.span(value_node),
                hint="write 'unknown' for a fact that is not known",
            )
            return None
        return FactValue(raw, since, until, source, note, span)

    def fact(self, path: str, node: yaml.Node) -> tuple[FactValue, ...]:
        if isinstance(node, yaml.SequenceNode) and node.value:
            maps = [isinstance(i, yaml.MappingNode) for i in node.value]
            if all(maps):
                entries = []
                for item in node.value:
                    if self.visit(item):
                        e = self.entry(path, item)
                        if e is not None:
                            entries.append(e)
                self.overlaps(path, entries)
                return tuple(entries)
            if any(maps):
                self.error(
                    "fact-value",
                    f"fact '{path}' mixes values over time (mappings) with plain list items",
                    self.span(node),
                )
                return ()
        e = self.entry(path, node)
        return (e,) if e is not None else ()

    def overlaps(self, path: str, entries: list[FactValue]) -> None:
        lo = datetime.date.min
        ordered = sorted(entries, key=lambda e: e.since or lo)
        for a, b in itertools.pairwise(ordered):
            a_end = a.until or datetime.date.max
            b_start = b.since or lo
            if b_start < a_end:
                self.error(
                    "fact-overlap",
                    f"values of fact '{path}' overlap: the one on line {a.span.line} and "
                    f"the one on line {b.span.line} are both in force on "
                    f"{max(b_start, a.since or lo)}",
                    b.span,
                    hint="intervals are half-open: since <= date < until",
                )


_CORE = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = (_CORE + t for t in ("str", "seq", "map"))
#: The tag of a node made from Python's ``None`` (jurisdiction_from_mapping), never from text.
_NONE_TAG = "tag:yaml.org,2002:null"
#: Plain scalars YAML reads as null.
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


def _is_written_null(node: yaml.Node) -> bool:
    """A plain ``~``, ``null`` or nothing at all: YAML's null, which lexgap never guesses at."""
    return isinstance(node, yaml.ScalarNode) and node.style in (None, "") and node.value in _NULLS


def _compose(text: str, file: str) -> yaml.Node | None:
    """Build the YAML node tree from the parser's events, without recursion.

    NOTE: PyYAML's composers recurse (libyaml's in C, where deep nesting crashes the
    process instead of raising), resolve tags and expand aliases. This one refuses nesting
    deeper than MAX_DEPTH, more than MAX_NODES values, any explicit tag (``!!int``,
    ``!!python/object``, which would change what a value means) and any alias, each at its
    position, and never constructs a Python object from a tag.
    """
    loader_cls: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        loader = loader_cls(text)
    except yaml.reader.ReaderError as err:
        # NOTE: only PyYAML's pure-Python reader (no libyaml) checks every character when it
        # is made; libyaml reports the same character later, as a MarkedYAMLError.
        raise FactsError([_reader_problem(err, text, file, False)], {file: text}) from None
    problems: list[Diagnostic] = []

    def at(mark: Any) -> Span:
        return Span.point(file, mark.line + 1, mark.column + 1)

    try:
        loader.get_event()  # the stream's start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # the document's start
        root: yaml.Node | None = None
        stack: list[tuple[yaml.Node, list[yaml.Node]]] = []
        count = 0
        while True:
            event = loader.get_event()
            if isinstance(event, yaml.CollectionEndEvent):
                closed, items = stack.pop()
                closed.end_mark = event.end_mark
                if isinstance(closed, yaml.MappingNode):
                    closed.value = list(zip(items[0::2], items[1::2], strict=True))
                else:
                    closed.value = items
                if not stack:
                    break
                continue
            start: Any = event.start_mark
            end: Any = event.end_mark
            count += 1
            if count > MAX_NODES:
                msg = f"the file has more than {MAX_NODES} values"
                raise FactsError([Diagnostic("too-large", msg, at(start))])
            tag = getattr(event, "tag", None)
            if tag is not None:
                shown = "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag
                problems.append(
                    Diagnostic(
                        "yaml-tag",
                        f"YAML tags are not allowed in fact files: '{shown}'",
                        at(start),
                        hint="write the value plainly; its type comes from the pack",
                    )
                )
            node: yaml.Node
            if isinstance(event, yaml.AliasEvent):
                problems.append(
                    Diagnostic(
                        "yaml-alias",
                        "YAML anchors and aliases are not allowed in fact files",
                        at(start),
                        hint="write each value out in full",
                    )
                )
                node = yaml.ScalarNode(_STR, "", start, end, style='"')
            elif isinstance(event, yaml.ScalarEvent):
                node = yaml.ScalarNode(_STR, event.value, start, end, style=event.style)
            elif isinstance(event, yaml.SequenceStartEvent):
                node = yaml.SequenceNode(_SEQ, [], start, None)
            else:
                node = yaml.MappingNode(_MAP, [], start, None)
            if stack:
                stack[-1][1].append(node)
            else:
                root = node
            if isinstance(node, yaml.CollectionNode):
                if len(stack) >= MAX_DEPTH:
                    msg = f"values are nested more than {MAX_DEPTH} levels deep"
                    raise FactsError([Diagnostic("too-deep", msg, at(start))])
                stack.append((node, []))
            elif not stack:
                break
        loader.get_event()  # the document's end
        if not loader.check_event(yaml.StreamEndEvent):
            second = loader.get_event()
            problems.append(
                Diagnostic(
                    "yaml-syntax",
                    "not valid YAML: a fact file holds one document, and a second one starts here",
                    at(second.start_mark),
                )
            )
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        span = Span.point(file, mark.line + 1, mark.column + 1) if mark else Span.point(file, 1, 1)
        problem = err.problem or "not valid YAML"
        if "nesting depth" in problem:
            # libyaml 0.2.6 and later (in PyYAML 6.0.3+ wheels) stop deep nesting in their
            # scanner, which reads ahead of lexgap's own depth check: the same limit, one code.
            msg = f"values are nested more than {MAX_DEPTH} levels deep"
            raise FactsError([Diagnostic("too-deep", msg, span)], {file: text}) from None
        raise FactsError(
            [Diagnostic("yaml-syntax", f"not valid YAML: {problem}", span)], {file: text}
        ) from None
    except yaml.reader.ReaderError as err:
        in_bytes = loader_cls is not yaml.SafeLoader
        raise FactsError([_reader_problem(err, text, file, in_bytes)], {file: text}) from None
    except yaml.YAMLError as err:
        raise FactsError(
            [Diagnostic("yaml-syntax", f"not valid YAML: {err}", Span.point(file, 1, 1))]
        ) from None
    except FactsError as err:
        raise FactsError(err.diagnostics, {file: text}) from None
    finally:
        loader.dispose()
    if problems:
        raise FactsError(problems, {file: text})
    return root


def _reader_problem(
    err: yaml.reader.ReaderError, text: str, file: str, in_bytes: bool
) -> Diagnostic:
    """A character YAML does not allow (a control character), at its line and column.

    libyaml counts the position in UTF-8 bytes, PyYAML's own reader in characters.
    """
    if in_bytes:
        before = text.encode("utf-8", "surrogatepass")[: err.position].decode("utf-8", "ignore")
    else:
        before = text[: err.position]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    msg = f"not valid YAML: the character U+{err.character:04X} is not allowed"
    return Diagnostic("yaml-syntax", msg, Span.point(file, line, column))


def parse_jurisdiction(text: str, file: str = "<string>") -> Jurisdiction:
    """Read fact-file text (YAML or JSON). Raises FactsError with every problem found."""
    if len(text) > MAX_FILE_BYTES:
        raise FactsError(
            [Diagnostic("too-large", f"larger than {MAX_FILE_BYTES} bytes", Span.point(file, 1, 1))]
        )
    node = _compose(text, file)
    if node is None:
        raise FactsError(
            [
                Diagnostic(
                    "fact-file",
                    "the file is empty",
                    Span.point(file, 1, 1),
                    hint="a fact file needs 'jurisdiction', 'name' and 'facts'",
                )
            ]
        )
    return _read_node(node, file, text)


def _read_node(node: yaml.Node, file: str, text: str | None) -> Jurisdiction:
    sources = {file: text} if text is not None else {}
    json = text is not None and (
        file.lower().endswith(".json") or text.lstrip().startswith(("{", "["))
    )
    reader = _Reader(file, json=json)
    reader.visit(node)
    fields = reader.mapping(node, "the file")
    if fields is None:
        raise FactsError(reader.problems, sources)
    top: dict[str, tuple[yaml.Node, Span]] = {}
    for key, value_node, key_span in fields:
        if key not in TOP_LEVEL_KEYS:
            reader.error(
                "fact-file",
                f"unknown top-level key '{key}'",
                key_span,
                suggest(key, TOP_LEVEL_KEYS) or f"keys are {', '.join(TOP_LEVEL_KEYS)}",
            )
            continue
        if key in ("reviewed", "note") and value_node.tag == _NONE_TAG:
            continue  # NOTE: None from Python (jurisdiction_from_mapping): not given
        top[key] = (value_node, key_span)
    code = name = note = None
    reviewed = None
    for required in ("jurisdiction", "name"):
        if required not in top:
            reader.error("fact-file", f"the file has no '{required}'", Span.point(file, 1, 1))
    if "jurisdiction" in top:
        code = reader.scalar_text(top["jurisdiction"][0], "'jurisdiction'")
        if code is not None and not _CODE.fullmatch(code):
            reader.error(
                "fact-file",
                f"'{code}' is not an ISO 3166 code such as GB or a sub-national code such as US-CA",
                reader.span(top["jurisdiction"][0]),
            )
    if "name" in top:
        name = reader.scalar_text(top["name"][0], "'name'")
    if "note" in top:
        note = reader.scalar_text(top["note"][0], "'note'")
    if "reviewed" in top:
        reviewed = reader.date(top["reviewed"][0], "'reviewed'")
    facts: dict[str, tuple[FactValue, ...]] = {}
    if "facts" in top:
        facts_node = top["facts"][0]
        is_empty = _is_written_null(facts_node) or facts_node.tag == _NONE_TAG
        entries = [] if is_empty else reader.mapping(facts_node, "'facts'")
        for path, value_node, key_span in entries or []:
            if not _PATH.fullmatch(path):
                reader.error(
                    "fact-key", f"'{path}' is not a fact path like law.csam.defined", key_span
                )
                continue
            facts[path] = reader.fact(path, value_node)
    if reader.problems:
        raise FactsError(reader.problems, sources)
    assert code is not None and name is not None
    return Jurisdiction(code, name, facts, reviewed, file, note)


def load_jurisdiction(path: str | os.PathLike[str]) -> Jurisdiction:
    """Read one fact file. Raises FactsError naming the file, line and problem."""
    shown = os.fspath(path)
    try:
        with Path(shown).open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # NOTE: never more than the limit
    except (OSError, ValueError) as err:  # NOTE: ValueError: a NUL byte in the name
        reason = getattr(err, "strerror", None) or "not a valid file name"
        raise FactsError(
            [Diagnostic("unreadable", f"cannot read '{shown}': {reason}", Span.point(shown, 0, 0))]
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise FactsError(
            [
                Diagnostic(
                    "too-large", f"larger than {MAX_FILE_BYTES} bytes", Span.point(shown, 0, 0)
                )
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        found = Span.at_byte(shown, data, err.start)
        msg = f"not UTF-8 text: found byte 0x{data[err.start]:02X}; fact files are YAML or JSON"
        raise FactsError([Diagnostic("unreadable", msg, found)]) from None
    if "\x00" in text:
        raise FactsError(
            [
                Diagnostic(
                    "unreadable", "binary data, not a YAML or JSON file", Span.point(shown, 0, 0)
                )
            ]
        )
    return parse_jurisdiction(text, shown)


FACT_FILE_SUFFIXES = (".yaml", ".yml", ".json")


def is_folder(path: str | os.PathLike[str]) -> bool:
    """Path.is_dir that says False for names the OS refuses (too long, a NUL byte)."""
    try:
        return Path(path).is_dir()
    except (OSError, ValueError):
        return False


def fact_files_in(folder: str | os.PathLike[str]) -> list[Path]:
    """Every fact file directly in ``folder``, sorted by file name."""
    base = Path(folder)
    try:
        found = [p for p in base.iterdir() if p.suffix.lower() in FACT_FILE_SUFFIXES]
        files = [p for p in found if p.is_file()]
    except OSError as err:
        shown = os.fspath(folder)
        msg = f"cannot read the folder '{shown}': {err.strerror or type(err).__name__}"
        raise FactsError([Diagnostic("unreadable", msg, Span.point(shown, 0, 0))]) from None
    return sorted(files, key=lambda p: p.name)


def load_jurisdictions(folder: str | os.PathLike[str]) -> list[Jurisdiction]:
    """Every .yaml, .yml and .json file in ``folder``, sorted by file name.

    Problems in several files are reported together.
    """
    shown = os.fspath(folder)
    if not is_folder(shown):
        raise FactsError(
            [Diagnostic("unreadable", f"'{shown}' is not a folder", Span.point(shown, 0, 0))]
        )
    out: list[Jurisdiction] = []
    problems: list[Diagnostic] = []
    sources: dict[str, str] = {}
    for path in fact_files_in(shown):
        try:
            out.append(load_jurisdiction(path))
        except FactsError as err:
            problems.extend(err.diagnostics)
            sources.update(err.sources)
    if problems:
        raise FactsError(problems, sources)
    return out


# ---- building from mappings --------------------------------------------------------------


def _node_from_python(value: object, mark: yaml.Mark, depth: int = 0) -> yaml.Node:
    """Python data as the YAML node a file would have given, so one reader checks both."""

    def fail(message: str, code: str = "fact-value") -> FactsError:
        return FactsError([Diagnostic(code, message, Span.point(str(mark.name), 0, 0))])

    def scalar(text: str, style: str | None = None, tag: str = _STR) -> yaml.Node:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            msg = f"{text!r} is not valid Unicode text (a lone surrogate)"
            raise fail(msg) from None
        return yaml.ScalarNode(tag, text, mark, mark, style=style)

    if depth > MAX_DEPTH:  # NOTE: also where a list or mapping that contains itself ends
        msg = f"values are nested more than {MAX_DEPTH} levels deep"
        raise fail(msg, "too-deep")
    if value is None:
        return scalar("unknown", tag=_NONE_TAG)
    if isinstance(value, bool):
        return scalar("true" if value else "false")
    if isinstance(value, int):
        # NOTE: str() of an int over 4,300 digits raises ValueError; no fact needs 41.
        if not -_BIGGEST < value < _BIGGEST:
            msg = f"an integer with more than {MAX_NUMBER_CHARS} digits"
            raise fail(msg)
        return scalar(str(value))
    if isinstance(value, float):
        value = Decimal(repr(value))  # NOTE: the shortest text that reads back as the float
    if isinstance(value, Decimal):
        # NOTE: str() writes 1E-39 and 1E+3, which are not lexgap numbers; "f" does not,
        # but would write a million digits for 1E+999999, so only for sensible sizes.
        sensible = value.is_finite() and abs(value.adjusted()) <= MAX_NUMBER_CHARS
        return scalar(format(value, "f") if sensible else str(value))
    if isinstance(value, datetime.date):
        return scalar(value.isoformat())
    if isinstance(value, str):
        return scalar(value, '"')
    if isinstance(value, Mapping):
        pairs = [(scalar(str(k)), _node_from_python(v, mark, depth + 1)) for k, v in value.items()]
        return yaml.MappingNode(_MAP, pairs, mark, mark)
    if isinstance(value, list | tuple):
        items = [_node_from_python(v, mark, depth + 1) for v in value]
        return yaml.SequenceNode(_SEQ, items, mark, mark)
    msg = f"unsupported value of type {type(value).__name__}"
    raise fail(msg)


_BIGGEST = 10**MAX_NUMBER_CHARS


def jurisdiction_from_mapping(data: Mapping[str, Any], source: str = "<mapping>") -> Jurisdiction:
    """Build a jurisdiction from plain Python data shaped like a fact file.

    For tools that keep facts in their own database: the same validation and messages as
    a file. Values are bools, ints, Decimals (and floats), dates, strings and lists;
    ``None`` means unknown as a fact's value, and not given for ``reviewed``, ``note``,
    ``since``, ``until`` and ``source``. Strings count as quoted text, so ``"18"`` is not
    a number, while enum members, dates and durations may be given as strings
    (``"ratified"``, ``"24h"``). Data a file could not hold (integers of more than 40
    digits, text that is not valid Unicode, nesting deeper than 100 levels or a list that
    contains itself, other types) is a :class:`~lexgap.diagnostics.FactsError`.
    """
    mark = yaml.Mark(source, 0, 0, 0, None, None)  # type: ignore[arg-type]
    return _read_node(_node_from_python(data, mark), source, None)


def known_paths(jurisdictions: Iterable[Jurisdiction]) -> set[str]:
    return {p for j in jurisdictions for p in j.facts}
