"""Rule-pack text to lark parse tree, with friendly syntax errors.

This module and :mod:`lexgap.build` are the only ones that touch lark. No lark exception
leaves them: syntax errors become :class:`~lexgap.diagnostics.ParseError` with a position,
an expected/found message, and for common mistakes a specific explanation (a table of
known-bad snippets matched with lark's ``match_examples``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr

from lexgap.diagnostics import Diagnostic, ParseError
from lexgap.resources import grammar_path
from lexgap.span import Span

#: A literal as the user wrote it, for a message about one the lexer does not know.
_WORD = re.compile(r"[0-9A-Za-z_.:+-]+")

#: Limits that keep hostile input from exhausting memory or the stack.
MAX_SOURCE_BYTES = 10_000_000
MAX_NESTING = 100

#: Words that can never be a whole name (a one-segment path), though they may be one segment
#: of a dotted path (``law.test``). The contextual lexer reads such a word as a name wherever
#: its keyword is not expected (``fact and: bool``), so :func:`parse_tree` rejects it after
#: parsing.
RESERVED = frozenset(
    {
        "pack",
        "fact",
        "define",
        "criterion",
        "test",
        "import",
        "and",
        "or",
        "not",
        "implies",
        "in",
        "true",
        "false",
        "unknown",
        "known",
        "as_of",
        "contains",
        "count",
        "given",
        "expect",
    }
)


class _WholeWords(lark.lark.PostLex):
    """Keywords are whole words, and a reserved word is always its keyword.

    NOTE: the contextual lexer only tries the terminals the parser state accepts. Without
    ``always_accept``, a state that expects only keywords (a criterion's clauses, the operator
    after an operand) lexes the keyword prefix of a longer word: ``requireb`` read as
    ``require b``. And where a name is expected, a reserved word lexes as a name
    (``fact and: bool``, ``b and or c``); :meth:`process` turns it back into its keyword, so
    the parser rejects it there. The verdict of ``expect`` is exempt: it may be ``unknown``.
    """

    always_accept = ("PATH",)

    def __init__(self) -> None:
        self.keywords: dict[str, str] = {}

    def process(self, stream: Iterator[lark.Token]) -> Iterator[lark.Token]:
        before = ("", "")
        for token in stream:
            if (
                token.type == "PATH"
                and str(token) in self.keywords
                and before != ("EXPECT", "PATH")
            ):
                token = lark.Token.new_borrow_pos(self.keywords[str(token)], str(token), token)
            before = (before[1], token.type)
            yield token


@functools.cache
def _parser() -> lark.Lark:
    words = _WholeWords()
    parser = lark.Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        postlex=words,
        propagate_positions=True,
        maybe_placeholders=False,
        cache=False,
    )
    words.keywords = {
        t.pattern.value: t.name
        for t in parser.terminals
        if isinstance(t.pattern, PatternStr) and t.pattern.value in RESERVED
    }
    return parser


# NOTE: each row is tested in tests/test_parser.py; keep the snippets minimal.
SYNTAX_EXAMPLES: dict[tuple[str, str, str], list[str]] = {
    (
        "assign-in-expr",
        "'=' is not a comparison",
        "write '==' to compare two values",
    ): [
        "criterion c { require a = b",
        "define d = a = b",
        "criterion c { applies a = b",
    ],
    (
        "chained-comparison",
        "comparisons cannot be chained",
        "combine two comparisons with 'and': a < b and b < c",
    ): [
        "criterion c { require a < b < c",
        "criterion c { require a == b == c",
        "define d = a < b < c",
        "criterion c { require a <= b > c",
    ],
    (
        "missing-colon",
        "a fact declaration needs ':' between its name and its type",
        "write: fact law.example: bool",
    ): [
        "fact a bool",
        "fact a.b number",
    ],
    (
        "missing-type",
        "a fact declaration needs a type after ':'",
        "types are bool, number, string, date, duration, enum(...), list(...)",
    ): [
        'fact a: "description"',
        "fact a: }",
    ],
    (
        "clause-expected",
        "expected a criterion clause",
        "clauses are title, cites, group, severity, weight, applies, require, gap, remedy",
    ): [
        "criterion c { requires a",
        "criterion c { titel",
        'criterion c { title "t" foo',
    ],
}


_TOKEN_NAMES = {
    "PATH": "a name",
    "STRING": "a string",
    "NUMBER": "a number",
    "DATE": "a date",
    "DURATION": "a duration",
    "CMP_OP": "a comparison",
    "ADD_OP": "'+' or '-'",
    "MUL_OP": "'*' or '/'",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COLON": "':'",
    "COMMA": "','",
    "EQUAL": "'='",
    "MINUS": "'-'",
    "$END": "end of file",
}


def _describe(name: str) -> str:
    if name in _TOKEN_NAMES:
        return _TOKEN_NAMES[name]
    if (name.isupper() and name.isalpha()) or ("_" in name and name.replace("_", "").isupper()):
        return f"'{name.lower()}'"
    return name


def _found(token: lark.Token) -> str:
    if token.type == "$END":
        return "end of file"
    text = str(token)
    if len(text) > 40:
        text = text[:37] + "..."
    if token.type in ("PATH", "STRING", "NUMBER", "DATE", "DURATION"):
        return f"{_describe(token.type)} '{text}'"
    return f"'{text}'"


def _expected(names: set[str]) -> str:
    shown = sorted({_describe(n) for n in names})
    if len(shown) > 8:
        shown = [*shown[:8], "..."]
    return ", ".join(shown)


def _try_parse(text: str) -> lark.Tree[lark.Token]:
    return _parser().parse(text)


def _nesting_diagnostic(text: str, filename: str) -> Diagnostic | None:
    """Refuse absurd bracket nesting before lark builds a tree too deep to walk."""
    depth = 0
    line, col = 1, 0
    in_string = in_comment = escaped = False
    for ch in text:
        col += 1
        if ch == "\n":
            line, col = line + 1, 0
            in_comment = False
            in_string = False
            continue
        if in_comment:
            continue
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == "#":
            in_comment = True
        elif ch == '"':
            in_string = True
        elif ch in "([":
            depth += 1
            if depth > MAX_NESTING:
                return Diagnostic(
                    "too-deep",
                    f"brackets are nested more than {MAX_NESTING} levels deep",
                    Span.point(filename, line, col),
                    hint="split the expression into definitions",
                )
        elif ch in ")]":
            depth = max(0, depth - 1)
    return None


def parse_tree(text: str, filename: str) -> tuple[lark.Tree[lark.Token], list[lark.Token]]:
    """Parse pack text; return the tree and the comment tokens (for the formatter)."""
    if len(text) > MAX_SOURCE_BYTES:
        msg = f"file is larger than {MAX_SOURCE_BYTES} bytes"
        raise ParseError([Diagnostic("too-large", msg, Span.point(filename, 1, 1))])
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:  # NOTE: a lone surrogate, from a caller's str only
        line = text.count("\n", 0, err.start) + 1
        column = err.start - text.rfind("\n", 0, err.start)
        msg = f"unexpected character {text[err.start]!r} (not valid Unicode text)"
        where = Span.point(filename, line, column)
        raise ParseError([Diagnostic("unexpected-char", msg, where)]) from None
    deep = _nesting_diagnostic(text, filename)
    if deep is not None:
        raise ParseError([deep], {filename: text})
    comments: list[lark.Token] = []
    parser = _parser()
    try:
        tree = parser.parse(text)
    except UnexpectedInput as err:
        raise ParseError([_syntax_diagnostic(err, text, filename)], {filename: text}) from None
    except RecursionError:
        msg = "the file is nested too deeply to parse"
        raise ParseError([Diagnostic("too-deep", msg, Span.point(filename, 1, 1))]) from None
    deep = _depth_diagnostic(tree, filename)
    if deep is not None:
        raise ParseError([deep], {filename: text})
    comments.extend(_scan_comments(text))
    return tree, comments


#: Rules that structure a file rather than nest an expression: they add no depth.
_STRUCTURE = frozenset(
    {
        "start",
        "pack_decl",
        "pack_field",
        "import_decl",
        "fact_decl",
        "define_decl",
        "criterion_decl",
        "title_clause",
        "cites_clause",
        "group_clause",
        "severity_clause",
        "weight_clause",
        "applies_clause",
        "require_clause",
        "gap_clause",
        "remedy_clause",
        "test_decl",
        "given_block",
        "given_line",
        "expect_line",
        "test_as_of",
    }
)
#: Operators the builder flattens into one n-ary node: a chain of them adds one level.
_FLAT = frozenset({"and_", "or_"})


def _depth_diagnostic(tree: lark.Tree[lark.Token], filename: str) -> Diagnostic | None:
    """Refuse an expression nested deeper than MAX_NESTING levels (``not not ... a``,
    ``a implies b implies ...``, ``a + b + ...``), found without recursion, so every later
    stage can walk expressions recursively. Chains of ``and`` or of ``or`` are flat."""
    stack: list[tuple[lark.Tree[lark.Token], int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            meta = node.meta
            line = getattr(meta, "line", 1) or 1
            column = getattr(meta, "column", 1) or 1
            return Diagnostic(
                "too-deep",
                f"an expression is nested more than {MAX_NESTING} levels deep",
                Span.point(filename, line, column),
                hint="split the expression into definitions",
            )
        # NOTE: pushed in reverse, so nodes are checked in source order (depth first).
        for child in reversed(node.children):
            if isinstance(child, lark.Tree):
                flat = child.data in _FLAT and child.data == node.data
                level = depth if child.data in _STRUCTURE or flat else depth + 1
                stack.append((child, level))
    return None


def _bad_escape(text: str, start: int) -> int | None:
    """Offset of an unknown escape in the string opening at ``start``, if it is closed on
    its line (so the real mistake is the escape, not a missing quote)."""
    i = start + 1
    bad = None
    while i < len(text) and text[i] != "\n":
        if text[i] == "\\":
            if i + 1 >= len(text) or text[i + 1] == "\n":
                return None
            if text[i + 1] not in '"\\nt' and bad is None:
                bad = i
            i += 2
            continue
        if text[i] == '"':
            return bad
        i += 1
    return None


def _scan_comments(text: str) -> list[lark.Token]:
    """Find ``#`` comments outside strings, with positions (the lexer ignores them)."""
    found: list[lark.Token] = []
    # NOTE: split on \n only, as lark counts lines; splitlines() also splits on \f, U+2028...
    for lineno, line in enumerate(text.split("\n"), start=1):
        in_string = escaped = False
        for idx, ch in enumerate(line):
            if in_string:
                if escaped:
                    escaped = False
                elif ch == "\\":
                    escaped = True
                elif ch == '"':
                    in_string = False
            elif ch == '"':
                in_string = True
            elif ch == "#":
                tok = lark.Token("COMMENT", line[idx:].rstrip())
                tok.line, tok.column = lineno, idx + 1
                tok.end_line, tok.end_column = lineno, len(line.rstrip()) + 1
                found.append(tok)
                break
    return found


def _syntax_diagnostic(err: UnexpectedInput, text: str, filename: str) -> Diagnostic:
    line = getattr(err, "line", 1) or 1
    column = getattr(err, "column", 1) or 1
    if isinstance(err, UnexpectedEOF) or (
        isinstance(err, UnexpectedToken) and err.token.type == "$END"
    ):
        lines = text.splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
    span = Span.point(filename, line, column)
    if isinstance(err, UnexpectedCharacters):
        pos = err.pos_in_stream or 0
        ch = text[pos] if pos < len(text) else ""
        if ch == '"':
            bad = _bad_escape(text, pos)
            if bad is not None:
                return Diagnostic(
                    "bad-escape",
                    f"unknown escape '\\{text[bad + 1]}' in a string",
                    Span.point(filename, line, column + bad - pos),
                    hint='the escapes are \\" for a quote and \\\\ for a backslash',
                )
            return Diagnostic(
                "unterminated-string",
                "string is not closed on this line",
                span,
                hint='close it with " ; write \\" for a quote inside a string',
            )
        shown = repr(ch) if ch else "end of file"
        if ch.isdigit():
            # NOTE: a literal the lexer does not know (1e3, 3months): say what the literals
            # are rather than only which character was unexpected.
            match = _WORD.match(text, pos)
            word = (match.group() if match else ch)[:40]
            return Diagnostic(
                "unexpected-char",
                f"'{word}' is not a number, duration or date",
                Span(filename, line, column, line, column + len(word)),
                hint="numbers are written 18 or 0.5, durations 90min, 24h, 7d or 2w, "
                "dates 2024-12-05",
            )
        return Diagnostic("unexpected-char", f"unexpected character {shown}", span)
    if (
        isinstance(err, UnexpectedToken)
        and str(err.token) in RESERVED
        and "PATH" in (err.expected or ())
        and "NUMBER" not in (err.expected or ())  # NOTE: a name, not any operand, was due
    ):
        return Diagnostic(
            "reserved-word",
            f"'{err.token}' is a reserved word and cannot be used as a name",
            Span(filename, line, column, line, column + len(str(err.token))),
            hint="choose another name, or use the word as one segment of a dotted path",
        )
    matched = _match_example(err, text)
    if matched is not None:
        code, message, hint = matched
        return Diagnostic(code, message, span, hint=hint)
    expected: set[str] = set(getattr(err, "expected", None) or getattr(err, "accepts", None) or ())
    if isinstance(err, UnexpectedToken):
        token = err.token
        end_col = column + max(1, len(str(token)))
        span = Span(filename, line, column, line, end_col)
        if token.type == "$END":
            return Diagnostic(
                "unexpected-eof",
                f"unexpected end of file, expected {_expected(expected)}",
                span,
                hint="is a '}' or ')' missing?",
            )
        return Diagnostic(
            "syntax",
            f"unexpected {_found(token)}, expected {_expected(expected)}",
            span,
        )
    message = f"unexpected end of file, expected {_expected(expected)}"
    return Diagnostic("unexpected-eof", message, span)


@functools.cache
def _example_index() -> dict[tuple[object, str], tuple[str, str, str]]:
    """Map (LALR state, token type) of each known-bad snippet's error to its message.

    NOTE: lark's own ``match_examples`` also compares stack depth, so a snippet would only
    match errors at the same nesting; keying on the state alone generalises each row.
    """
    index: dict[tuple[object, str], tuple[str, str, str]] = {}
    for label, snippets in SYNTAX_EXAMPLES.items():
        for snippet in snippets:
            try:
                _parser().parse(snippet)
            except UnexpectedToken as err:
                index.setdefault(_error_key(err), label)
            except UnexpectedInput:
                continue
    return index


def _error_key(err: UnexpectedToken) -> tuple[object, str]:
    state = getattr(err, "state", None)
    position = getattr(state, "position", None)
    return (position, err.token.type)


def _match_example(err: UnexpectedInput, text: str) -> tuple[str, str, str] | None:
    if not isinstance(err, UnexpectedToken):
        return None
    return _example_index().get(_error_key(err))
