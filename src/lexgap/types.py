"""The rule language's types, and how values of each type are written and shown.

Runtime values are plain Python objects chosen for speed: ``bool``, ``int`` or
``decimal.Decimal`` for numbers, ``str`` for strings and enum members, ``datetime.date``,
``int`` seconds for durations, ``tuple`` for lists. ``None`` stands for unknown. The static
type, known from the checker, says how to show a value.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import attrs


@attrs.frozen
class Type:
    """Base class of all types."""

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        raise NotImplementedError


@attrs.frozen
class BoolType(Type):
    @property
    def name(self) -> str:
        return "bool"


@attrs.frozen
class NumberType(Type):
    @property
    def name(self) -> str:
        return "number"


@attrs.frozen
class StringType(Type):
    @property
    def name(self) -> str:
        return "string"


@attrs.frozen
class DateType(Type):
    @property
    def name(self) -> str:
        return "date"


@attrs.frozen
class DurationType(Type):
    @property
    def name(self) -> str:
        return "duration"


@attrs.frozen
class EnumType(Type):
    members: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"enum({', '.join(self.members)})"


@attrs.frozen
class ListType(Type):
    element: Type

    @property
    def name(self) -> str:
        return f"list({self.element.name})"


@attrs.frozen
class AnyType(Type):
    """The type of the ``unknown`` literal and of an empty list's elements: fits anything."""

    @property
    def name(self) -> str:
        return "unknown"


@attrs.frozen
class ErrorType(Type):
    """The type of an expression that already failed to check; silences cascades."""

    @property
    def name(self) -> str:
        return "<error>"


BOOL = BoolType()
NUMBER = NumberType()
STRING = StringType()
DATE = DateType()
DURATION = DurationType()
ANY = AnyType()
ERROR = ErrorType()

SCALAR_TYPES: dict[str, Type] = {
    "bool": BOOL,
    "number": NUMBER,
    "string": STRING,
    "date": DATE,
    "duration": DURATION,
}

Number = int | Decimal
Value = bool | int | Decimal | str | datetime.date | tuple["Value", ...] | None


def compatible(a: Type, b: Type) -> bool:
    """True when values of the two types may be compared or combined."""
    if isinstance(a, AnyType | ErrorType) or isinstance(b, AnyType | ErrorType):
        return True
    if isinstance(a, ListType) and isinstance(b, ListType):
        return compatible(a.element, b.element)
    return a == b


def unify(a: Type, b: Type) -> Type:
    """The more specific of two compatible types (``unknown`` gives way to anything)."""
    if isinstance(a, ErrorType) or isinstance(b, ErrorType):
        return ERROR
    if isinstance(a, AnyType):
        return b
    if isinstance(a, ListType) and isinstance(b, ListType):
        return ListType(unify(a.element, b.element))
    return a


#: The longest number or duration lexgap reads, in characters, in packs and fact files.
#: NOTE: Python refuses to convert text of more than 4,300 digits to int (ValueError); this
#: limit keeps every literal far below that, and keeps arithmetic on literals cheap.
MAX_NUMBER_CHARS = 40

# ---- durations -------------------------------------------------------------------------

UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "min": 60, "s": 1}
_LITERAL_DURATION = re.compile(r"(?:[0-9]+(?:w|d|h|min|s))+")
_DURATION_PART = re.compile(r"([0-9]+)(w|d|h|min|s)")
_ISO_DURATION = re.compile(
    r"P(?:(?P<w>[0-9]+)W)?(?:(?P<d>[0-9]+)D)?"
    r"(?:T(?:(?P<h>[0-9]+)H)?(?:(?P<min>[0-9]+)M)?(?:(?P<s>[0-9]+)S)?)?"
)


def parse_duration_literal(text: str) -> int | None:
    """Seconds in a lexgap duration literal such as ``24h`` or ``1h30min``, else None."""
    if len(text) > MAX_NUMBER_CHARS or not _LITERAL_DURATION.fullmatch(text):
        return None
    return sum(int(n) * UNIT_SECONDS[u] for n, u in _DURATION_PART.findall(text))


def parse_iso_duration(text: str) -> int | None:
    """Seconds in an ISO 8601 duration (``PT24H``, ``P7D``), else None.

    Years and months are refused: their length in seconds depends on the calendar.
    """
    m = _ISO_DURATION.fullmatch(text) if len(text) <= MAX_NUMBER_CHARS else None
    if not m or text in ("P", "PT") or text.endswith("T"):
        return None
    return sum(int(v) * UNIT_SECONDS[k] for k, v in m.groupdict().items() if v is not None)


def format_duration(seconds: int) -> str:
    """Show seconds in the largest single unit that divides them, days at most."""
    if seconds < 0:
        return "-" + format_duration(-seconds)
    if seconds == 0:
        return "0h"
    for unit in ("d", "h", "min"):
        size = UNIT_SECONDS[unit]
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


# ---- numbers and dates -----------------------------------------------------------------

_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def parse_number(text: str) -> Number | None:
    """An int or Decimal from plain decimal notation (no exponents, no underscores)."""
    if len(text) - text.startswith("-") > MAX_NUMBER_CHARS or not _NUMBER.fullmatch(text):
        return None
    if "." in text:
        return Decimal(text)
    return int(text)


def format_number(value: Number) -> str:
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    return str(value)


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> datetime.date | None:
    """A date from ISO ``YYYY-MM-DD`` text; None when malformed or not a real date."""
    if not _DATE.fullmatch(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def quote_string(text: str) -> str:
    """A string as the rule language writes it: double quotes, ``\\`` and ``"`` escaped."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def unquote_string(literal: str) -> str:
    """The value of a string literal token (quotes included)."""
    body = literal[1:-1]
    out: list[str] = []
    i = 0
    escapes = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def show(value: Value, type_: Type, *, quote: bool = True) -> str:
    """Show a runtime value as the rule language would write it (``unknown`` for None).

    With ``quote=False`` strings appear bare: that is how gap messages show them.
    """
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(type_, DurationType) and isinstance(value, int):
        return format_duration(value)
    if isinstance(value, int | Decimal):
        return format_number(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, tuple):
        elem = type_.element if isinstance(type_, ListType) else ANY
        items = [show(v, elem, quote=quote) for v in value]
        return f"[{', '.join(items)}]" if quote else ", ".join(items)
    if isinstance(type_, StringType) and quote:
        return quote_string(value)
    return value
