"""Pack text to its one canonical layout, keeping every comment.

The formatter parses the file and prints the syntax tree again (expressions through
:func:`lexgap.printer.expr_text`), so the layout never depends on how the file was typed.
Comments are not in the tree; they are put back by source position:

- a comment on a line of its own goes before the line item (declaration, clause, pack
  field, ``given`` line, ...) that follows it, and moves with it when clauses are reordered;
- a comment after code stays at the end of the line of the item that starts on that line;
  one after a continuation line of a multi-line item moves before that item;
- comments before a closing ``}`` or at the end of the file stay there.

Blank lines are canonical too, with one exception: a blank line after a comment is kept (as
one), so a file header or a section banner stays apart from what follows it.

The result is parsed again and compared with the input before it is returned: a formatter
bug raises :class:`FormatError` instead of silently changing what a pack means.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Sequence

import attrs

from lexgap import ast
from lexgap.diagnostics import CheckError, Diagnostic, LexgapError, ParseError
from lexgap.fileio import write_atomically
from lexgap.load import parse_module
from lexgap.printer import expr_text, precedence
from lexgap.span import Span
from lexgap.types import quote_string

#: Lines longer than this have a top-level ``and``/``or`` chain split, one operand a line.
MAX_WIDTH = 100
INDENT = "  "

#: Criterion clauses in the order the formatter writes them.
CLAUSE_ORDER = (
    "title",
    "cites",
    "group",
    "severity",
    "weight",
    "applies",
    "require",
    "gap",
    "remedy",
)


class FormatError(LexgapError, RuntimeError):
    """The formatter produced text that does not mean what its input meant: a lexgap bug.

    Raised instead of returning the text, so a file is never rewritten with a changed meaning.
    """


# ---- scanning: code tokens and comments with their offsets --------------------------------

# NOTE: the text has already parsed, so this only has to find where tokens start; it may
# split a lark token in two (dates, ``==``) but never merges two, and strings come first so
# a ``#`` inside one is not a comment.
_SCAN = re.compile(
    r"""
      (?P<ws>[ \t\f\r\n]+)
    | (?P<comment>\#[^\n]*)
    | (?P<string>"(?:[^"\\\n]|\\.)*")
    | (?P<word>[A-Za-z0-9_.]+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_SPACE = " \t\f\r"


@attrs.frozen
class _Token:
    start: int
    end: int
    text: str


@attrs.frozen
class _Comment:
    start: int
    text: str
    own_line: bool
    #: A blank line follows the comment in the source (kept, as one blank line).
    blank_after: bool


def _scan(text: str) -> tuple[list[_Token], list[_Comment]]:
    tokens: list[_Token] = []
    comments: list[_Comment] = []
    for m in _SCAN.finditer(text):
        kind = m.lastgroup
        if kind == "ws":
            continue
        if kind != "comment":
            tokens.append(_Token(m.start(), m.end(), m.group()))
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        own_line = text[line_start : m.start()].strip(_SPACE) == ""
        after = nxt = m.end()
        while nxt < len(text) and text[nxt] in _SPACE + "\n":
            nxt += 1
        blank = nxt < len(text) and text.count("\n", after, nxt) >= 2
        comments.append(_Comment(m.start(), m.group().rstrip(), own_line, blank))
    return tokens, comments


def comment_texts(text: str) -> list[str]:
    """The comments of pack text, in order, as the formatter writes them (no line ends)."""
    return [c.text for c in _scan(text)[1]]


# ---- the layout tree: line items with their comment slots ---------------------------------


@attrs.define(eq=False)
class _Slot:
    """The comments that belong to one printed line."""

    leading: list[_Comment] = attrs.Factory(list)
    trailing: _Comment | None = None

    def add_trailing(self, comment: _Comment) -> None:
        # NOTE: one line has room for one trailing comment; a second one (possible when
        # given blocks are merged) becomes an own-line comment before the line.
        if self.trailing is None:
            self.trailing = comment
        else:
            self.leading.append(attrs.evolve(comment, blank_after=False))

    def add_leading(self, comment: _Comment) -> None:
        if not comment.own_line:
            comment = attrs.evolve(comment, blank_after=False)
        self.leading.append(comment)


@attrs.define(eq=False)
class _Item:
    """A line item of the source: where its tokens are and the comments it collected.

    A block (pack, criterion, test, given) also has the offsets of its braces, children, and
    a slot for the comments before its ``}`` (leading) and after it (trailing).
    """

    node: object
    first: int  # index of the item's first token
    last: int = -1  # index of its last token
    block: bool = False
    open: int = -1  # index of "{"
    children: list[_Item] = attrs.Factory(list)
    slot: _Slot = attrs.Factory(_Slot)
    close_slot: _Slot = attrs.Factory(_Slot)


class _Source:
    """Offsets, lines and tokens of one text, and the items built over its tokens."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens, self.comments = _scan(text)
        self.starts = [t.start for t in self.tokens]
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def offset(self, span: Span) -> int:
        return self.line_starts[span.line - 1] + span.column - 1

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def token_at(self, span: Span) -> int:
        """Index of the token that starts where ``span`` starts."""
        return bisect.bisect_right(self.starts, self.offset(span)) - 1

    def keyword_before(self, span: Span) -> int:
        """Index of the clause keyword before a value (skipping ``(`` that open it)."""
        i = self.token_at(span) - 1
        while i > 0 and self.tokens[i].text == "(":
            i -= 1
        return i

    def extend(self, items: list[_Item], stop: int) -> None:
        """Give sorted sibling items their last token: just before the next one (or ``stop``)."""
        items.sort(key=lambda it: it.first)
        for i, item in enumerate(items):
            item.last = (items[i + 1].first if i + 1 < len(items) else stop) - 1
            if item.block:
                item.open = next(
                    (i for i in range(item.first, item.last + 1) if self.tokens[i].text == "{"),
                    item.last,
                )

    def start(self, item: _Item) -> int:
        return self.tokens[item.first].start

    def end(self, item: _Item) -> int:
        return self.tokens[item.last].end


def _build(src: _Source, module: ast.Module) -> _Item:
    root = _Item(module, 0, block=True)
    root.children = [_Item(d, src.token_at(d.span), block=_is_block(d)) for d in module.decls]
    src.extend(root.children, len(src.tokens))
    for item in root.children:
        node = item.node
        stop = item.last  # index of the closing "}"
        if isinstance(node, ast.PackDecl):
            item.children = [_Item(f, src.keyword_before(f[1].span)) for f in node.fields]
        elif isinstance(node, ast.Criterion):
            item.children = [
                _Item((kind, value), src.keyword_before(span))
                for kind, value, span in _clauses(node)
            ]
        elif isinstance(node, ast.Test):
            item.children = _test_parts(src, item, node)
            src.extend(item.children, stop)
            for part in item.children:
                if part.block:
                    src.extend(part.children, part.last)
            continue
        src.extend(item.children, stop)
    return root


def _is_block(decl: ast.Decl) -> bool:
    return isinstance(decl, ast.PackDecl | ast.Criterion | ast.Test)


def _clauses(c: ast.Criterion) -> list[tuple[str, object, Span]]:
    """The clauses a criterion has, in canonical order, each with its value's span."""
    out: list[tuple[str, object, Span]] = []
    if c.title is not None:
        out.append(("title", c.title, c.title.span))
    out.extend(("cites", t, t.span) for t in c.cites)
    if c.group is not None:
        out.append(("group", c.group, c.group.span))
    if c.severity is not None:
        out.append(("severity", c.severity, c.severity_span))
    if c.weight is not None:
        out.append(("weight", c.weight, c.weight.span))
    if c.applies is not None:
        out.append(("applies", c.applies, c.applies.span))
    if c.require is not None:
        out.append(("require", c.require, c.require.span))
    if c.gap is not None:
        out.append(("gap", c.gap, c.gap.span))
    if c.remedy is not None:
        out.append(("remedy", c.remedy, c.remedy.span))
    return out


def _test_parts(src: _Source, item: _Item, test: ast.Test) -> list[_Item]:
    """Given blocks (found by their keyword: the tree flattens them), expects and as_of."""
    toks = src.tokens
    # NOTE: the test's extent is known here, but not yet its children's; "given" is a
    # reserved word, so a token "given" followed by "{" can only open a given block.
    parts = [
        _Item("given", i, block=True)
        for i in range(item.first + 1, item.last)
        if toks[i].text == "given" and toks[i + 1].text == "{"
    ]
    starts = [p.first for p in parts]
    for g in test.given:
        at = src.token_at(g.span)
        owner = bisect.bisect_right(starts, at) - 1
        parts[owner].children.append(_Item(g, at))
    parts.extend(_Item(e, src.token_at(e.span)) for e in test.expects)
    if test.as_of is not None:
        parts.append(_Item(test.as_of, src.keyword_before(test.as_of.span)))
    return parts


# ---- attaching comments -------------------------------------------------------------------


def _attach(src: _Source, root: _Item) -> None:
    for comment in src.comments:
        if comment.own_line:
            _place_own(src, comment, root)
        else:
            before = bisect.bisect_left(src.starts, comment.start) - 1
            _place_after(src, comment, before, root)


def _place_own(src: _Source, comment: _Comment, container: _Item) -> None:
    for item in container.children:
        if comment.start < src.start(item):
            item.slot.add_leading(comment)
            return
        if comment.start < src.end(item):
            inside = item.block and src.tokens[item.open].start < comment.start
            if inside and comment.start < src.tokens[item.last].start:
                _place_own(src, comment, item)
            else:
                item.slot.add_leading(comment)
            return
    container.close_slot.add_leading(comment)


def _place_after(src: _Source, comment: _Comment, token: int, container: _Item) -> None:
    """Attach a comment that follows code; ``token`` is the last code token before it."""
    for item in container.children:
        if not item.first <= token <= item.last:
            continue
        if item.block and token == item.last:
            item.close_slot.add_trailing(comment)
        elif item.block and token > item.open:
            _place_after(src, comment, token, item)
        elif src.line_of(comment.start) == src.line_of(src.start(item)):
            item.slot.add_trailing(comment)
        else:
            item.slot.add_leading(comment)
        return
    container.slot.add_leading(comment)  # pragma: no cover - every token is in some item


# ---- printing ------------------------------------------------------------------------------


class _Printer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def comments(
        self, comments: Sequence[_Comment], indent: str, *, blank_after_last: bool
    ) -> None:
        for i, c in enumerate(comments):
            self.lines.append(indent + c.text)
            if c.blank_after and (blank_after_last or i < len(comments) - 1):
                self.lines.append("")

    def item(self, indent: str, text: Sequence[str], slot: _Slot) -> None:
        """Print an item's lines, its own-line comments before, its trailing one after."""
        self.comments(slot.leading, indent, blank_after_last=True)
        first = indent + text[0]
        if slot.trailing is not None:
            first += "  " + slot.trailing.text
        self.lines.append(first)
        self.lines.extend(indent + t for t in text[1:])

    def block(
        self, indent: str, header: str, slot: _Slot, close: _Slot, body: Callable[[str], None]
    ) -> None:
        self.item(indent, [header + " {"], slot)
        body(indent + INDENT)
        self.comments(close.leading, indent + INDENT, blank_after_last=False)
        self.item(indent, ["}"], _Slot(trailing=close.trailing))

    # -- declarations --

    def module(self, root: _Item) -> None:
        previous: object = None
        for item in root.children:
            if previous is not None and not _grouped(previous, item):
                self.lines.append("")
            self.decl(item)
            previous = item.node
        if root.close_slot.leading:
            if root.children:
                self.lines.append("")
            self.comments(root.close_slot.leading, "", blank_after_last=False)

    def decl(self, item: _Item) -> None:
        node = item.node
        if isinstance(node, ast.Import):
            self.item("", [f"import {quote_string(node.target)}"], item.slot)
        elif isinstance(node, ast.FactDecl):
            text = f"fact {node.path}: {node.type.name}"
            if node.description is not None:
                text += " " + quote_string(node.description)
            self.item("", [text], item.slot)
        elif isinstance(node, ast.Define):
            self.item("", _wrapped(f"define {node.path} =", node.expr, INDENT), item.slot)
        elif isinstance(node, ast.PackDecl):
            self.block("", f"pack {node.path}", item.slot, item.close_slot, self._fields(item))
        elif isinstance(node, ast.Criterion):
            header = f"criterion {node.path}"
            self.block("", header, item.slot, item.close_slot, self._clauses(item))
        elif isinstance(node, ast.Test):
            header = f"test {quote_string(node.name)}"
            self.block("", header, item.slot, item.close_slot, self._test(item))

    def _fields(self, item: _Item) -> Callable[[str], None]:
        def body(indent: str) -> None:
            width = max((len(_field(c.node)[0]) for c in item.children), default=0)
            for child in item.children:
                key, value = _field(child.node)
                assert isinstance(value, ast.Text)
                self.item(indent, [f"{key.ljust(width)} {quote_string(value.value)}"], child.slot)

        return body

    def _clauses(self, item: _Item) -> Callable[[str], None]:
        def body(indent: str) -> None:
            clauses = sorted(item.children, key=lambda c: CLAUSE_ORDER.index(_field(c.node)[0]))
            width = max((len(_field(c.node)[0]) for c in clauses), default=0) + 1
            for child in clauses:
                kind, value = _field(child.node)
                head = kind.ljust(width)
                if isinstance(value, ast.Expr):
                    text = _wrapped(head, value, " " * width, indent=indent)
                elif isinstance(value, ast.Text):
                    text = [head + quote_string(value.value)]
                else:
                    text = [head + str(value)]
                self.item(indent, text, child.slot)

        return body

    def _test(self, item: _Item) -> Callable[[str], None]:
        def body(indent: str) -> None:
            blocks = [p for p in item.children if p.block]
            if blocks:
                merged = _merge_given(blocks)
                if merged.children or _has_comments(merged):
                    self.block(indent, "given", merged.slot, merged.close_slot, self._given(merged))
            for part in item.children:
                if isinstance(part.node, ast.Expect):
                    text = f"expect {part.node.criterion} {part.node.verdict}"
                    self.item(indent, [text], part.slot)
            for part in item.children:
                if isinstance(part.node, ast.DateLit):
                    self.item(indent, [f"as_of {part.node.value.isoformat()}"], part.slot)

        return body

    def _given(self, block: _Item) -> Callable[[str], None]:
        def body(indent: str) -> None:
            for child in block.children:
                g = child.node
                assert isinstance(g, ast.Given)
                self.item(indent, [f"{g.path} = {expr_text(g.value)}"], child.slot)

        return body


def _field(node: object) -> tuple[str, object]:
    assert isinstance(node, tuple)
    key, value = node
    assert isinstance(key, str)
    return key, value


def _grouped(previous: object, item: _Item) -> bool:
    """Consecutive facts (or imports) sit together, unless a comment heads the second one."""
    same = isinstance(previous, ast.FactDecl) and isinstance(item.node, ast.FactDecl)
    same = same or (isinstance(previous, ast.Import) and isinstance(item.node, ast.Import))
    return same and not item.slot.leading


def _has_comments(item: _Item) -> bool:
    slots = (item.slot, item.close_slot)
    return any(s.leading or s.trailing is not None for s in slots)


def _merge_given(blocks: list[_Item]) -> _Item:
    """One ``given`` block from several (the tree does not tell them apart either).

    The first block's comments stay on the merged block's lines; a later block's header and
    closing-brace comments go before the line that follows them in the merged block.
    """
    first = blocks[0]
    merged = _Item("given", first.first, block=True, slot=first.slot)
    pending: list[_Comment] = []
    for i, b in enumerate(blocks):
        if i > 0:
            pending += _demoted(b.slot)
        if b.children:
            b.children[0].slot.leading[:0] = pending
            pending = []
        merged.children.extend(b.children)
        if i < len(blocks) - 1:
            pending += _demoted(b.close_slot)
        else:
            merged.close_slot.leading = pending + b.close_slot.leading
            merged.close_slot.trailing = b.close_slot.trailing
    return merged


def _demoted(slot: _Slot) -> list[_Comment]:
    """A slot's comments as own-line comments, in source order."""
    out = list(slot.leading)
    if slot.trailing is not None:
        out.append(attrs.evolve(slot.trailing, blank_after=False))
    return out


def _wrapped(head: str, e: ast.Expr, hang: str, indent: str = "") -> list[str]:
    """``head`` and the expression on one line, or a long and/or chain one operand a line.

    ``hang`` indents the continuation lines (relative to ``indent``); a define puts its
    first operand on a line of its own, a clause keeps it beside the keyword.
    """
    one_line = f"{head} {expr_text(e)}" if head.endswith("=") else head + expr_text(e)
    if len(indent) + len(one_line) <= MAX_WIDTH or not isinstance(e, ast.And | ast.Or):
        return [one_line]
    word = "and" if isinstance(e, ast.And) else "or"
    own = precedence(e)
    parts = [_operand(o, own) for o in e.operands]
    if head.endswith("="):
        return [head, hang + parts[0], *(f"{hang}{word} {p}" for p in parts[1:])]
    return [head + parts[0], *(f"{hang}{word} {p}" for p in parts[1:])]


def _operand(e: ast.Expr, own: int) -> str:
    text = expr_text(e)
    return f"({text})" if precedence(e) <= own else text


# ---- the API -------------------------------------------------------------------------------


def format_source(text: str, filename: str = "<string>") -> str:
    """The canonical layout of one pack file's text, with its comments kept.

    Only the file's own syntax matters: imports need not exist and types are not checked.
    Raises :class:`~lexgap.diagnostics.ParseError` for a syntax error and
    :class:`~lexgap.diagnostics.CheckError` for what the builder rejects (an unknown
    severity, a repeated clause, ...): printing the tree would silently drop those.
    A leading byte-order mark is dropped.
    """
    text = text.removeprefix("\ufeff")
    module, diagnostics = parse_module(text, filename)
    if diagnostics:
        raise CheckError(diagnostics, {filename: text})
    try:
        formatted = _format(text, module)
    except RecursionError:
        msg = "an expression is nested too deeply to format"
        where = Span.point(filename, 1, 1)
        raise ParseError([Diagnostic("too-deep", msg, where)], {filename: text}) from None
    _verify(text, formatted, module, filename)
    return formatted


def _format(text: str, module: ast.Module) -> str:
    src = _Source(text)
    root = _build(src, module)
    _attach(src, root)
    printer = _Printer()
    printer.module(root)
    if not printer.lines:
        return ""
    return "\n".join(line.rstrip() for line in printer.lines) + "\n"


def _verify(text: str, formatted: str, module: ast.Module, filename: str) -> None:
    """Refuse to return text whose tree or comments differ from the input's."""
    problem = None
    try:
        again, diagnostics = parse_module(formatted, filename)
    except ParseError as err:
        problem = f"the formatted text does not parse: {err.first.message}"
    else:
        if diagnostics or again != module:
            problem = "the formatted text does not mean the same as the input"
        elif sorted(comment_texts(formatted)) != sorted(comment_texts(text)):
            problem = "the formatted text lost or changed a comment"
    if problem is not None:
        msg = f"lexgap bug: {problem}; the file was not changed"
        raise FormatError([Diagnostic("format-bug", msg, Span.point(filename, 1, 1))])


def check_formatted(text: str, filename: str = "<string>") -> bool:
    """True when ``text`` is already in canonical layout (what ``lexgap fmt --check`` asks)."""
    return format_source(text, filename) == text


def _lines(text: str) -> list[str]:
    lines = re.findall(r"[^\n]*\n|[^\n]+\Z", text)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def diff(text: str, formatted: str, filename: str = "<string>") -> str:
    """A unified diff from ``text`` to ``formatted`` (empty when they are equal)."""
    return "".join(
        difflib.unified_diff(
            _lines(text), _lines(formatted), fromfile=filename, tofile=f"{filename} (formatted)"
        )
    )


__all__ = [
    "CLAUSE_ORDER",
    "MAX_WIDTH",
    "FormatError",
    "check_formatted",
    "comment_texts",
    "diff",
    "format_source",
    "write_atomically",
]
