"""Rule-language text to Pygments tokens: syntax highlighting for ``*.lexgap`` files.

Registered under the ``pygments.lexers`` entry point, so ``.. code-block:: lexgap`` works in
any Sphinx project (and ``pygmentize -l lexgap``) once lexgap is installed. This is the only
module that imports Pygments; ``import lexgap`` never does.
"""

from __future__ import annotations

from typing import ClassVar

from pygments.lexer import RegexLexer, bygroups, words  # type: ignore[import-untyped,unused-ignore]
from pygments.token import (  # type: ignore[import-untyped,unused-ignore]
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

#: Words that can never be a one-segment name (see ``lexgap.parser.RESERVED``).
RESERVED = (
    "pack", "fact", "define", "criterion", "test", "import", "and", "or", "not", "implies",
    "in", "true", "false", "unknown", "known", "as_of", "contains", "count", "given", "expect",
)  # fmt: skip
#: Words that are keywords only in their position (criterion clauses, pack fields).
CLAUSES = (
    "title", "cites", "group", "severity", "weight", "applies", "require", "gap", "remedy",
    "version", "source", "description", "publisher", "license",
)  # fmt: skip
TYPES = ("bool", "number", "string", "date", "duration", "enum", "list")
SEVERITIES = ("critical", "high", "medium", "low")
VERDICTS = ("met", "gap", "unknown", "not_applicable")

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_PATH = rf"{_IDENT}(?:\.{_IDENT})*"
_END = r"(?![A-Za-z0-9_.])"


class LexgapLexer(RegexLexer):  # type: ignore[misc]
    """Pygments lexer for lexgap rule packs (``*.lexgap``)."""

    name = "lexgap"
    aliases: ClassVar[list[str]] = ["lexgap"]
    filenames: ClassVar[list[str]] = ["*.lexgap"]
    mimetypes: ClassVar[list[str]] = ["text/x-lexgap"]

    tokens: ClassVar[dict[str, list[object]]] = {
        "root": [
            (r"\s+", Whitespace),
            (r"#.*?$", Comment.Single),
            (r'"', String.Double, "string"),
            # Declaration heads: the keyword, then the declared path.
            (
                rf"(pack|criterion|define|fact)(\s+)({_PATH})",
                bygroups(Keyword.Declaration, Whitespace, Name.Entity),
            ),
            (r"(test|import|given)" + _END, Keyword.Declaration),
            (
                rf"(expect)(\s+)({_PATH})(\s+)({'|'.join(VERDICTS)}){_END}",
                bygroups(Keyword, Whitespace, Name.Entity, Whitespace, Name.Constant),
            ),
            (
                rf"(severity)(\s+)({'|'.join(SEVERITIES)}){_END}",
                bygroups(Keyword, Whitespace, Name.Constant),
            ),
            # A dotted path may use any word as a segment (law.test), so paths come first.
            (rf"{_IDENT}(?:\.{_IDENT})+", Name.Variable),
            (r"[0-9]{4}-[0-9]{2}-[0-9]{2}" + _END, Number.Other),
            (r"(?:[0-9]+(?:w|d|h|min|s))+" + _END, Number.Other),
            (r"[0-9]+(?:\.[0-9]+)?" + _END, Number),
            (words(("true", "false", "unknown"), suffix=_END), Keyword.Constant),
            (words(("and", "or", "not", "implies", "in", "contains"), suffix=_END), Operator.Word),
            (words(("known", "count", "as_of"), suffix=_END), Name.Builtin),
            (words(TYPES, suffix=_END), Keyword.Type),
            (words(CLAUSES, suffix=_END), Keyword),
            (_IDENT, Name),
            (r"==|!=|<=|>=|<|>|=|\+|-|\*|/", Operator),
            (r"[{}()\[\],:]", Punctuation),
            (r".", Text),
        ],
        "string": [
            (r'\\["\\nt]', String.Escape),
            (r"\{\{|\}\}", String.Escape),
            (rf"\{{\s*{_PATH}\s*\}}", String.Interpol),
            (r'[^"\\{}\n]+', String.Double),
            (r"[{}]", String.Double),
            (r'"', String.Double, "#pop"),
            (r"\\.", String.Double),
            (r"\n", String.Double, "#pop"),
        ],
    }


__all__ = ["LexgapLexer"]
