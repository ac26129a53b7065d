"""Source positions: where in which file a node, a fact or a diagnostic comes from.

Spans are 1-based (line and column) with an exclusive end column, the convention lark's
tokens use, so positions can be copied from parse trees without arithmetic.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Span:
    """A region of a source file."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, file: str, line: int, column: int) -> Span:
        """A zero-width span, for diagnostics that point between characters."""
        return cls(file, line, column, line, column)

    @classmethod
    def at_byte(cls, file: str, data: bytes, offset: int) -> Span:
        """The line and column (in characters) of a byte offset into undecoded text, so a
        byte that is not UTF-8 can be shown where an editor shows it."""
        line_start = data.rfind(b"\n", 0, offset) + 1
        column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
        return cls.point(file, data.count(b"\n", 0, offset) + 1, column)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def sort_key(self) -> tuple[str, int, int]:
        return (self.file, self.line, self.column)


NO_SPAN = Span("<unknown>", 0, 0, 0, 0)
