"""The rule language's syntax (contract sections 1, 2 and 4): what parses, into which tree,
and which syntax errors are reported where."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

import lexgap
from lexgap import ast
from lexgap.load import parse_module
from lexgap.parser import SYNTAX_EXAMPLES

HEADER = 'pack p { title "t" }\n'


def N(path: str) -> ast.Name:
    return ast.Name(path)


def num(value: int) -> ast.NumberLit:
    return ast.NumberLit(value, str(value))


def module(text: str) -> ast.Module:
    """Parse and build one file (no checking)."""
    mod, diagnostics = parse_module(text, "t.lexgap")
    assert diagnostics == []
    return mod


def expr(source: str) -> ast.Expr:
    """The tree of one expression, parsed as the body of a definition."""
    (decl,) = module(f"define d = {source}\n").decls
    assert isinstance(decl, ast.Define)
    return decl.expr


def parse_error(text: str) -> lexgap.Diagnostic:
    """The first diagnostic of a text that must fail to parse."""
    with pytest.raises(lexgap.ParseError) as info:
        lexgap.parse_pack(text, "t.lexgap")
    return info.value.first


def where(d: lexgap.Diagnostic) -> tuple[str, int, int]:
    return (d.code, d.span.line, d.span.column)


# ---- the contract's example ------------------------------------------------------------


def test_example_pack_loads_with_its_vocabulary(example_pack_path: Path) -> None:
    """The section-2 example pack, with its vocabulary import, loads as a checked pack."""
    pack = lexgap.load_pack(example_pack_path)
    assert pack.name == "example.cta2024"
    assert pack.title == "Example: take-down and treaty pledges"
    assert pack.version == "1.0.0"
    assert pack.source == "https://www.weprotect.org/"
    assert [c.path for c in pack.criteria] == ["cta.ratify_lanzarote", "cta.takedown_period"]
    assert "reporting.mandatory" in pack.facts  # declared only in the vocabulary
    assert set(pack.definitions) == {"lanzarote_like"}


def test_example_pack_clauses_are_kept(example_pack_path: Path) -> None:
    """Every clause of the example's criteria reaches the checked pack."""
    pack = lexgap.load_pack(example_pack_path)
    ratify = pack.criterion("cta.ratify_lanzarote")
    assert ratify.title.startswith("Sign and ratify")
    assert ratify.cites == ("Call to Action 2024, government pledge 1(b)",)
    assert ratify.group == "Strengthen cooperation"
    assert ratify.severity == "high"
    assert ratify.weight == 1
    assert ratify.applies is None
    assert ratify.gap is not None and ratify.gap.refs == ("treaty.lanzarote",)
    assert ratify.remedy is not None and ratify.remedy.startswith("Ratify CETS No. 201")
    takedown = pack.criterion("cta.takedown_period")
    assert takedown.severity == "medium"
    assert takedown.weight == 2
    assert takedown.applies is not None
    assert takedown.remedy is None


def test_example_pack_test_block_is_kept(example_pack_path: Path) -> None:
    """The example's test block keeps its given facts and expected verdicts."""
    (test,) = lexgap.load_pack(example_pack_path).tests
    assert test.name == "a ratifying state meets the treaty pledge"
    assert test.given == (("treaty.lanzarote", "ratified"), ("takedown.mandated", False))
    assert [(c, v) for c, v, _ in test.expects] == [
        ("cta.ratify_lanzarote", "met"),
        ("cta.takedown_period", "not_applicable"),
    ]


def test_example_pack_declarations_have_their_types(example_text: str) -> None:
    """Each fact declaration of the example gets the type it names."""
    from lexgap.types import BOOL, DATE, DURATION, NUMBER, STRING, EnumType, ListType

    text = example_text.replace('import "vocabulary.lexgap"', "")
    facts = lexgap.parse_pack(text, "example.lexgap").facts
    assert facts["treaty.lanzarote"].type == EnumType(("not_signed", "signed", "ratified"))
    assert facts["treaty.lanzarote"].description == "Status of CETS No. 201"
    assert facts["law.csam.ai_generated"].type == BOOL
    assert facts["law.sextortion.financial"].description is None
    assert facts["takedown.notice_period"].type == DURATION
    assert facts["law.age_of_consent"].type == NUMBER
    assert facts["law.csam.enacted"].type == DATE
    assert facts["law.instruments"].type == ListType(STRING)


def test_test_block_may_set_as_of() -> None:
    """A test block may say `as_of DATE`."""
    text = HEADER + (
        'fact b: bool\ncriterion c { title "t" require b }\n'
        'test "x" { as_of 2024-12-05 given { b = true } expect c met }\n'
    )
    (test,) = lexgap.parse_pack(text).tests
    assert test.as_of == datetime.date(2024, 12, 5)


def test_criterion_clauses_may_come_in_any_order() -> None:
    """Criterion clauses may be written in any order; cites may repeat."""
    text = HEADER + (
        "fact b: bool\n"
        'criterion c { remedy "r" cites "one" require b weight 3 applies b '
        'severity low cites "two" gap "g" group "G" title "T" }\n'
    )
    (c,) = lexgap.parse_pack(text).criteria
    assert (c.title, c.cites, c.group, c.severity, c.weight, c.remedy) == (
        "T",
        ("one", "two"),
        "G",
        "low",
        3,
        "r",
    )


# ---- comments and whitespace -------------------------------------------------------------


def test_comments_and_newlines_are_not_significant() -> None:
    """Comments run to the end of the line; layout does not change the tree."""
    spread = module(
        "# heading\n"
        "define d =   # the definition\n"
        "  a\n"
        "  and # a comment between operands\n"
        "  b # trailing comment without newline"
    )
    compact = module("define d = a and b")
    assert spread == compact


def test_hash_inside_a_string_is_not_a_comment() -> None:
    """A `#` inside a string literal is part of the string."""
    pack = lexgap.parse_pack('pack p { title "issue #1 # not a comment" }  # comment\n')
    assert pack.title == "issue #1 # not a comment"


# ---- names, keywords and paths -----------------------------------------------------------


def test_keyword_may_be_a_segment_of_a_dotted_path() -> None:
    """A keyword may be one segment of a dotted path: law.test, law.and.x, test.law."""
    text = HEADER + (
        "fact law.test: bool\nfact law.and.x: bool\nfact test.law: bool\nfact law.in: bool\n"
        'criterion c { title "t" require law.test and law.and.x and test.law and law.in }\n'
    )
    pack = lexgap.parse_pack(text)
    assert {"law.test", "law.and.x", "test.law", "law.in"} <= set(pack.facts)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("fact and: bool\n", 2, 6),
        ("define or = true\n", 2, 8),
        ('criterion not { title "t" require true }\n', 2, 11),
        ("define known = true\n", 2, 8),
        ('fact b: bool\ncriterion c { title "t" require b and and }\n', 3, 39),
        ("fact e: enum(unknown, yes)\n", 2, 14),
        ('fact b: bool\ncriterion c { title "t" require b }\ntest "x" { expect in met }\n', 4, 19),
    ],
)
def test_keyword_alone_is_not_a_name(text: str, line: int, column: int) -> None:
    """A keyword cannot be a whole name, wherever a name is expected."""
    d = parse_error(HEADER + text)
    assert d.code in ("reserved-word", "syntax")
    assert (d.span.line, d.span.column) == (line, column)


def test_reserved_word_as_declared_name_is_reported_as_reserved() -> None:
    """Declaring a fact named `and` gives reserved-word at the name."""
    assert where(parse_error(HEADER + "fact and: bool\n")) == ("reserved-word", 2, 6)


def test_expect_verdict_may_be_unknown() -> None:
    """The verdict `unknown` of an expect line is not a misused keyword."""
    text = HEADER + (
        'fact b: bool\ncriterion c { title "t" require b }\ntest "x" { expect c unknown }\n'
    )
    (test,) = lexgap.parse_pack(text).tests
    assert [v for _, v, _ in test.expects] == ["unknown"]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('fact b: bool\ncriterion c { title "t" requireb }\n', 3, 25),
        ('fact b: bool\ncriterion c { title "t" require b andb }\n', 3, 35),
        ("factb: bool\n", 2, 1),
        ('fact b: bool\ncriterion c { title "t" require b severityhigh }\n', 3, 35),
    ],
)
def test_keyword_must_be_a_whole_word(text: str, line: int, column: int) -> None:
    """A keyword followed by identifier characters is a different word, not the keyword."""
    d = parse_error(HEADER + text)
    assert (d.span.line, d.span.column) == (line, column)


def test_clause_words_are_names_outside_clauses() -> None:
    """Clause words (title, weight, ...) are ordinary names outside a clause position."""
    text = HEADER + (
        "fact title: bool\nfact weight: number\n"
        'criterion c { title "t" require title and weight > 1 }\n'
    )
    assert {"title", "weight"} <= set(lexgap.parse_pack(text).facts)


# ---- literals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "tree"),
    [
        ("true", ast.BoolLit(True)),
        ("false", ast.BoolLit(False)),
        ("18", ast.NumberLit(18, "18")),
        ("0.5", ast.NumberLit(Decimal("0.5"), "0.5")),
        ("2024-12-05", ast.DateLit(datetime.date(2024, 12, 5))),
        ("unknown", ast.UnknownLit()),
        ("ratified", ast.Name("ratified")),
        ("as_of", ast.AsOf()),
        ("known(law.x)", ast.Known(N("law.x"))),
        ("count(law.instruments)", ast.Count(N("law.instruments"))),
        ("[signed, ratified]", ast.ListLit((N("signed"), N("ratified")))),
        ("[]", ast.ListLit(())),
        ("[1, 2,]", ast.ListLit((num(1), num(2)))),
    ],
)
def test_literal_forms(source: str, tree: ast.Expr) -> None:
    """Each literal and atom form of section 4 builds its node."""
    assert expr(source) == tree


@pytest.mark.parametrize(
    ("source", "seconds"),
    [("90min", 90 * 60), ("1h", 3600), ("24h", 24 * 3600), ("7d", 7 * 86400), ("2w", 14 * 86400)],
)
def test_duration_literals(source: str, seconds: int) -> None:
    """Durations are written with a unit: min, h, d, w."""
    node = expr(source)
    assert isinstance(node, ast.DurationLit)
    assert node.seconds == seconds


@pytest.mark.parametrize(
    ("source", "value"),
    [
        (r'"plain"', "plain"),
        (r'"say \"hi\""', 'say "hi"'),
        (r'"back\\slash"', "back\\slash"),
        (r'"end\\"', "end\\"),
        (r'""', ""),
    ],
)
def test_string_literals_and_escapes(source: str, value: str) -> None:
    """Strings are double-quoted, with \\" and \\\\ escapes."""
    assert expr(source) == ast.StringLit(value)


def test_literals_check_against_declared_types() -> None:
    """Every literal form is accepted where its type is expected."""
    text = HEADER + (
        "fact n: number\nfact s: string\nfact d: date\nfact du: duration\n"
        "fact e: enum(signed, ratified)\nfact l: list(string)\nfact b: bool\n"
        'criterion c { title "t" require n >= 18 and n < 0.5 and s == "a\\"b\\\\c" and '
        "d < 2024-12-05 and du <= 24h and du > 90min and du < 2w and du != 7d and du > 1h "
        'and e in [signed, ratified] and l contains "x" and b == true and b != false '
        "and n != unknown and as_of > d }\n"
    )
    lexgap.parse_pack(text)


def test_invalid_calendar_date_is_rejected() -> None:
    """A date literal must be a real date."""
    text = HEADER + 'fact d: date\ncriterion c { title "t" require d < 2024-02-30 }\n'
    with pytest.raises(lexgap.LexgapError) as info:
        lexgap.parse_pack(text)
    assert where(info.value.first) == ("bad-date", 3, 37)


# ---- precedence and associativity --------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "tree"),
    [
        ("a implies b implies c", ast.Implies(N("a"), ast.Implies(N("b"), N("c")))),
        ("a or b implies c", ast.Implies(ast.Or((N("a"), N("b"))), N("c"))),
        ("a implies b or c", ast.Implies(N("a"), ast.Or((N("b"), N("c"))))),
        ("a or b and c", ast.Or((N("a"), ast.And((N("b"), N("c")))))),
        ("a and b or c", ast.Or((ast.And((N("a"), N("b"))), N("c")))),
        ("(a or b) and c", ast.And((ast.Or((N("a"), N("b"))), N("c")))),
        ("not a and b", ast.And((ast.Not(N("a")), N("b")))),
        ("not a or b", ast.Or((ast.Not(N("a")), N("b")))),
        ("not (a and b)", ast.Not(ast.And((N("a"), N("b"))))),
        ("not not a", ast.Not(ast.Not(N("a")))),
        ("not a == b", ast.Not(ast.Compare("==", N("a"), N("b")))),
        ("not a < 1", ast.Not(ast.Compare("<", N("a"), num(1)))),
        ("not x in [a]", ast.Not(ast.In(N("x"), ast.ListLit((N("a"),))))),
        ("x not in [a, b]", ast.In(N("x"), ast.ListLit((N("a"), N("b"))), negated=True)),
        ("l contains x and y", ast.And((ast.Contains(N("l"), N("x")), N("y")))),
        (
            "a == b and c != d",
            ast.And((ast.Compare("==", N("a"), N("b")), ast.Compare("!=", N("c"), N("d")))),
        ),
        ("a + b * c", ast.Arith("+", N("a"), ast.Arith("*", N("b"), N("c")))),
        ("a * b + c", ast.Arith("+", ast.Arith("*", N("a"), N("b")), N("c"))),
        ("a - b / c", ast.Arith("-", N("a"), ast.Arith("/", N("b"), N("c")))),
        ("(a + b) * c", ast.Arith("*", ast.Arith("+", N("a"), N("b")), N("c"))),
        ("a - b - c", ast.Arith("-", ast.Arith("-", N("a"), N("b")), N("c"))),
        ("a - b + c", ast.Arith("+", ast.Arith("-", N("a"), N("b")), N("c"))),
        ("a / b * c", ast.Arith("*", ast.Arith("/", N("a"), N("b")), N("c"))),
        ("-a * b", ast.Arith("*", ast.Neg(N("a")), N("b"))),
        ("a * -b", ast.Arith("*", N("a"), ast.Neg(N("b")))),
        ("- -a", ast.Neg(ast.Neg(N("a")))),
        ("a - -1", ast.Arith("-", N("a"), ast.Neg(num(1)))),
        ("-(a + b)", ast.Neg(ast.Arith("+", N("a"), N("b")))),
        (
            "a + 1 < b * 2",
            ast.Compare("<", ast.Arith("+", N("a"), num(1)), ast.Arith("*", N("b"), num(2))),
        ),
        (
            "a <= 24h implies not b or c and d",
            ast.Implies(
                ast.Compare("<=", N("a"), ast.DurationLit(86400, "24h")),
                ast.Or((ast.Not(N("b")), ast.And((N("c"), N("d"))))),
            ),
        ),
    ],
)
def test_precedence_and_associativity(source: str, tree: ast.Expr) -> None:
    """Operators group by the contract's precedence table; implies is right-associative."""
    assert expr(source) == tree


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">="])
def test_every_comparison_operator_parses(op: str) -> None:
    """All six comparison operators are accepted."""
    assert expr(f"a {op} b") == ast.Compare(op, N("a"), N("b"))


# ---- syntax errors -----------------------------------------------------------------------

_EXAMPLE_ROWS = [
    pytest.param(code, snippet, id=f"{code}:{snippet}")
    for (code, _message, _hint), snippets in SYNTAX_EXAMPLES.items()
    for snippet in snippets
]


@pytest.mark.parametrize(("code", "snippet"), _EXAMPLE_ROWS)
def test_known_bad_snippet_gets_its_code(code: str, snippet: str) -> None:
    """Every row of the parser's table of known-bad snippets is reported with its code."""
    assert parse_error(snippet).code == code
    assert parse_error(HEADER + "\n" + snippet).code == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fact a bool\n", ("missing-colon", 2, 8)),
        (
            'fact b: bool\ncriterion c {\n  title "t"\n  require b = b\n}\n',
            ("assign-in-expr", 5, 13),
        ),
        ("fact n: number\ndefine d = 1 < n < 3\n", ("chained-comparison", 3, 18)),
        ('fact b: bool\ncriterion c {\n  titel "t"\n}\n', ("clause-expected", 4, 3)),
        ("fact b: bool\n\ndefine d = b and or b\n", ("syntax", 4, 18)),
        ("fact b: bool\ndefine d = (b and b\ndefine e = b\n", ("syntax", 4, 1)),
        ("fact b: bool\ndefine d = [b, b\n", ("unexpected-eof", 3, 17)),
    ],
)
def test_syntax_error_position(text: str, expected: tuple[str, int, int]) -> None:
    """A syntax error is reported at the line and column of the offending token."""
    assert where(parse_error(HEADER + text)) == expected


def test_unterminated_string() -> None:
    """A string not closed on its line is reported at its opening quote."""
    text = HEADER + 'fact b: bool\ncriterion c { title "never closed\n require b }\n'
    assert where(parse_error(text)) == ("unterminated-string", 3, 21)


def test_unterminated_string_at_end_of_file() -> None:
    """A string still open at the end of the file is unterminated."""
    assert where(parse_error(HEADER + 'import "x')) == ("unterminated-string", 2, 8)


def test_unknown_escape_is_reported_at_the_backslash() -> None:
    """A string closed on its line but with an unknown escape is bad-escape at the backslash."""
    text = HEADER + 'fact s: string\ndefine d = s == "a\\qb"\n'
    assert where(parse_error(text)) == ("bad-escape", 3, 19)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("fact b: bool @\n", 2, 14),
        ("fact b: bool\ndefine d = b && b\n", 3, 14),
        ("fact b: bool\ndefine d = b § b\n", 3, 14),
        ("fact n: number\ndefine d = n > .5\n", 3, 16),
    ],
)
def test_unexpected_character(text: str, line: int, column: int) -> None:
    """A character the language does not use is reported where it stands."""
    assert where(parse_error(HEADER + text)) == ("unexpected-char", line, column)


@pytest.mark.parametrize(("literal", "column"), [("1e3", 16), ("3months", 16), ("2x", 16)])
def test_a_literal_the_language_lacks_is_named_with_the_forms_it_has(
    literal: str, column: int
) -> None:
    """A token that starts with a digit but is no literal names the whole token and says
    how numbers, durations and dates are written."""
    d = parse_error(HEADER + f"fact n: number\ndefine d = n > {literal}\n")
    assert where(d) == ("unexpected-char", 3, column)
    assert f"'{literal}'" in d.message
    assert (d.span.end_column - d.span.column) == len(literal)
    assert "24h" in (d.hint or "") and "0.5" in (d.hint or "")


@pytest.mark.parametrize(
    "text",
    [
        'pack p { title "t"',
        'pack p { title "t" }\nfact b: bool\ncriterion c { title "t" require b',
        'pack p { title "t" }\nfact b: bool\ndefine d = b and',
        'pack p { title "t" }\nfact b:',
    ],
)
def test_unexpected_end_of_file(text: str) -> None:
    """Input that stops mid-declaration reports unexpected-eof at the end of the text."""
    lines = text.splitlines()
    assert where(parse_error(text)) == ("unexpected-eof", len(lines), len(lines[-1]) + 1)


def test_ten_thousand_parentheses_are_too_deep() -> None:
    """Absurd nesting is a too-deep ParseError, not a RecursionError."""
    text = HEADER + "fact b: bool\ndefine d = " + "(" * 10_000 + "b" + ")" * 10_000 + "\n"
    d = parse_error(text)
    assert d.code == "too-deep"
    assert d.span.line == 3


@pytest.mark.parametrize(
    "body",
    [
        "not " * 10_000 + "b",
        "-" * 10_000 + "n > 1",
        "[" * 10_000,
        "n" + " + n" * 10_000 + " > 1",
        "b" + " implies b" * 10_000,
    ],
    ids=["not", "minus", "brackets", "plus-chain", "implies-chain"],
)
def test_deep_expressions_fail_cleanly(body: str) -> None:
    """Deeply nested or very long operator chains give a LexgapError, never a crash."""
    text = HEADER + "fact b: bool\nfact n: number\ndefine d = " + body + "\n"
    try:
        lexgap.parse_pack(text)
    except lexgap.LexgapError as err:
        assert err.diagnostics


def test_moderate_nesting_is_accepted() -> None:
    """Fifty levels of parentheses are ordinary input."""
    text = HEADER + "fact b: bool\ndefine d = " + "(" * 50 + "b" + ")" * 50 + "\n"
    lexgap.parse_pack(text)


def test_parse_error_is_a_lexgap_error_with_rendered_location() -> None:
    """A ParseError is a LexgapError whose text names file:line:col and the code."""
    with pytest.raises(lexgap.LexgapError) as info:
        lexgap.parse_pack(HEADER + "fact a bool\n", "rules/x.lexgap")
    assert isinstance(info.value, lexgap.ParseError)
    assert "rules/x.lexgap:2:8" in str(info.value)
    assert "missing-colon" in str(info.value)
