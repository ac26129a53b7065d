"""Diagnostics as data, and the exception hierarchy that carries them to API callers.

Stages collect :class:`Diagnostic` values instead of raising, so one run reports every
independent mistake; the API raises once at its boundary with all of them. Codes are
stable (tests and docs key on them); wording may improve.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping

import attrs

from lexgap.span import NO_SPAN, Span

#: How many diagnostics one error reports before it summarises the rest.
MAX_REPORTED = 20


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Diagnostic:
    """One problem found in a pack, a fact file or a command line."""

    code: str
    message: str
    span: Span = NO_SPAN
    hint: str | None = None
    severity: Severity = Severity.ERROR
    related: tuple[tuple[str, Span], ...] = ()

    def sort_key(self) -> tuple[str, int, int, str]:
        return (*self.span.sort_key(), self.code)

    def render(self, sources: Mapping[str, str] | None = None) -> str:
        """Render like a compiler: location, code, message, source line, caret, hint."""
        head = f"{self.severity.value}[{self.code}]: {_shorten(self.message)}"
        if self.span is NO_SPAN or self.span.line <= 0:
            lines = [f"{self.span.file}: {head}" if self.span.file != "<unknown>" else head]
        else:
            lines = [f"{self.span}: {head}"]
            text = _source_line(self.span, sources)
            if text is not None:
                text = printable(text)
                gutter = f"{self.span.line} | "
                lines.append(gutter + text)
                width = 1
                if self.span.end_line == self.span.line:
                    width = max(1, self.span.end_column - self.span.column)
                width = min(width, max(1, len(text) - self.span.column + 1))
                pad = "".join("\t" if c == "\t" else " " for c in text[: self.span.column - 1])
                lines.append(" " * len(gutter) + pad + "^" * width)
        for label, where in self.related:
            lines.append(f"  = note: {label} at {where}")
        if self.hint:
            lines.append(f"  = hint: {self.hint}")
        return "\n".join(printable(line) for line in lines)


def printable(text: str) -> str:
    """Text with control characters (terminal escape sequences, bells, ...) as U+FFFD.

    NOTE: messages quote file names, keys and source lines from untrusted files; written to
    a terminal, ``ESC [ ...`` would be obeyed. One character for one, so carets still line up.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == "\t" else "\ufffd" for c in text)


_MAX_SHOWN_LINE = 300
_MAX_MESSAGE = 1000


def _shorten(message: str) -> str:
    """A message with its middle elided past 1,000 characters.

    NOTE: messages quote names and source text from the input; a 4 MB dotted path would
    otherwise be printed whole (and, in an ``unknown name`` error, twice).
    """
    if len(message) <= _MAX_MESSAGE:
        return message
    half = _MAX_MESSAGE // 2
    return f"{message[:half]} [... {len(message) - 2 * half} characters ...] {message[-half:]}"


def _source_line(span: Span, sources: Mapping[str, str] | None) -> str | None:
    text = None
    if sources is not None:
        text = sources.get(span.file)
    if text is None:
        return None
    all_lines = source_lines(text)
    if not 1 <= span.line <= len(all_lines):
        return None
    line = all_lines[span.line - 1]
    if len(line) > _MAX_SHOWN_LINE:
        return None
    return line


@functools.lru_cache(maxsize=8)
def source_lines(text: str) -> tuple[str, ...]:
    """The lines of a source, split once however many diagnostics quote it.

    NOTE: splitting per diagnostic made rendering quadratic: 20,000 findings in one large
    pack took minutes. A ``str`` caches its hash, so a repeated lookup is cheap.
    """
    return tuple(text.splitlines())


def sort_and_cap(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Sort by position and drop exact repeats, so output is stable and not noisy."""
    seen: set[tuple[str, str, Span]] = set()
    out: list[Diagnostic] = []
    for d in sorted(diagnostics, key=Diagnostic.sort_key):
        key = (d.code, d.message, d.span)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return tuple(out)


class LexgapError(Exception):
    """Base of every error lexgap raises for bad input: a pack, a fact file, a command line.

    It holds the diagnostics; ``str(error)`` renders them with source lines where known.
    """

    def __init__(
        self,
        diagnostics: Iterable[Diagnostic] | str,
        sources: Mapping[str, str] | None = None,
    ) -> None:
        if isinstance(diagnostics, str):
            diagnostics = [Diagnostic("error", diagnostics)]
        self.diagnostics: tuple[Diagnostic, ...] = sort_and_cap(diagnostics)
        self.sources: dict[str, str] = dict(sources or {})
        super().__init__(self.render())

    def __reduce__(self) -> tuple[type[LexgapError], tuple[tuple[Diagnostic, ...], dict[str, str]]]:
        return (type(self), (self.diagnostics, self.sources))

    @property
    def first(self) -> Diagnostic:
        return self.diagnostics[0]

    def render(self) -> str:
        errors = list(self.diagnostics)
        shown = errors[:MAX_REPORTED]
        parts = [d.render(self.sources) for d in shown]
        if len(errors) > len(shown):
            parts.append(f"... and {len(errors) - len(shown)} more")
        return "\n".join(parts)


class ParseError(LexgapError, ValueError):
    """The text of a pack is not valid rule-language syntax."""


class CheckError(LexgapError, ValueError):
    """A pack parses but breaks a rule: names, types, imports, cycles, clauses."""


class FactsError(LexgapError, ValueError):
    """A jurisdiction fact file is unreadable, malformed, or has a value of the wrong type."""


class UsageError(LexgapError, ValueError):
    """A command line or API call asks for something that cannot be done."""


class BackendUnavailable(LexgapError, ImportError):
    """An evaluation backend needs a package that is not installed."""


class EvaluationError(LexgapError, RuntimeError):
    """An evaluation failed for a reason that is not the input's fault: a lexgap bug."""
