"""The checker (contract sections 3 and 4): declarations, names, types, definitions,
criteria, templates and tests, each rule accepted and rejected at the right position."""

from __future__ import annotations

import re

import pytest

import lexgap
from lexgap.types import BOOL, DURATION, NUMBER, EnumType, ListType

HEADER = 'pack p { title "t" }\n'
FACTS = (
    "fact b: bool\n"
    "fact b2: bool\n"
    "fact n: number\n"
    "fact s: string\n"
    "fact d: date\n"
    "fact du: duration\n"
    "fact e: enum(x, y, z)\n"
    "fact f: enum(p, q)\n"
    "fact l: list(string)\n"
    "fact le: list(enum(x, y))\n"
    "fact ln: list(number)\n"
    "fact law.csam.ai_generated: bool\n"
)
PRELUDE = HEADER + FACTS
#: The line of the criterion that :func:`require` writes, and where its expression starts.
LINE = PRELUDE.count("\n") + 1
PREFIX = 'criterion c { title "t" require '
COLUMN = len(PREFIX) + 1

Found = tuple[str, int, int]


def require(expression: str) -> str:
    """A pack whose one criterion requires ``expression``."""
    return PRELUDE + PREFIX + expression + " }\n"


def at(expression: str, fragment: str) -> tuple[int, int]:
    """Line and column of ``fragment`` (starting a word) in the require expression."""
    match = re.search(r"(?<![\w.])" + re.escape(fragment), expression)
    assert match is not None
    return (LINE, COLUMN + match.start())


def check_errors(text: str) -> list[lexgap.Diagnostic]:
    """The diagnostics of a pack text that must be rejected by the checker."""
    with pytest.raises(lexgap.CheckError) as info:
        lexgap.parse_pack(text, "t.lexgap")
    return list(info.value.diagnostics)


def found(text: str) -> list[Found]:
    return [(d.code, d.span.line, d.span.column) for d in check_errors(text)]


def only(text: str) -> lexgap.Diagnostic:
    """The single diagnostic of a rejected pack."""
    (d,) = check_errors(text)
    return d


# ---- type rules: accepted ----------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "b",
        "b and b2 or not b implies b2",
        "not not b",
        "b == true and b != b2",
        "n == 1 and n != 0.5 and n < 2 and n <= 2 and n > 0 and n >= 0",
        's == "a" and s != "b"',
        "d == 2024-01-01 and d < 2024-12-05 and d >= 2000-01-01",
        "du == 24h and du < 7d and du <= 2w and du > 90min and du >= 1h",
        "e == x and e != y and z == e",
        "e == unknown",
        "n + 1 > 2 and n - 1 < 2 and -n < 0",
        "n * 2 > 2 and n / 2 < 2 and (n + 1) * 2 >= n",
        "du + 1h < 2d and du - 1h > 0h and -du < 0h",
        "du + du > 1h",
        "n in [1, 2] and n not in [3]",
        's in ["a", "b"]',
        "e in [x, y] and e not in [z]",
        "x in le and y not in le",
        'l contains "a" and ln contains 1 and le contains x',
        "[x, y] contains e",
        "count(l) > 1 and count(le) == 0",
        "known(n) and not known(e) and known(l)",
        "l == [] or ln == [1, 2] or le == [x]",
        "as_of > d and as_of >= 2024-01-01",
        "law.csam.ai_generated",
    ],
)
def test_well_typed_expression_is_accepted(expression: str) -> None:
    """Expressions that follow every type rule of section 4 load."""
    lexgap.parse_pack(require(expression))


def test_applies_takes_a_boolean() -> None:
    """`applies` accepts a boolean condition."""
    text = PRELUDE + 'criterion c { title "t" applies b and n > 1 require b2 }\n'
    (criterion,) = lexgap.parse_pack(text).criteria
    assert criterion.applies is not None
    assert criterion.applies.type == BOOL


# ---- type rules: rejected ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "code", "fragment"),
    [
        # booleans: and/or/not/implies/require
        ("n", "not-boolean", "n"),
        ("s", "not-boolean", "s"),
        ("b and n", "not-boolean", "n"),
        ("n or b", "not-boolean", "n"),
        ("not s", "not-boolean", "s"),
        ("n implies b", "not-boolean", "n"),
        ("b implies du", "not-boolean", "du"),
        ("b and (n + 1)", "not-boolean", "n + 1"),
        # comparisons need one type
        ("n == s", "type-mismatch", "n == s"),
        ("du == 1", "type-mismatch", "du == 1"),
        ("du <= 24", "type-mismatch", "du <= 24"),
        ("d < du", "type-mismatch", "d < du"),
        ("b == 1", "type-mismatch", "b == 1"),
        ('e == "x"', "type-mismatch", 'e == "x"'),
        ("e == f", "type-mismatch", "e == f"),
        ("d == 2024", "type-mismatch", "d == 2024"),
        ("l == ln", "type-mismatch", "l == ln"),
        # ordering is not defined on bool, string, enum
        ("b < b2", "not-ordered", "b < b2"),
        ("b >= true", "not-ordered", "b >= true"),
        ('s < "a"', "not-ordered", 's < "a"'),
        ('s >= "a"', "not-ordered", 's >= "a"'),
        ("e > x", "not-ordered", "e > x"),
        ("e <= e", "not-ordered", "e <= e"),
        # + - on numbers and durations; * / on numbers
        ("s + s == s", "bad-operand", "s + s"),
        ("n + b > 1", "bad-operand", "n + b"),
        ("n + du > 1", "bad-operand", "n + du"),
        ("e - e == x", "bad-operand", "e - e"),
        ("du * 2 > 1h", "bad-operand", "du * 2"),
        ("du / 2 > 1h", "bad-operand", "du / 2"),
        ("2 * du > 1h", "bad-operand", "2 * du"),
        ("du / du > 1", "bad-operand", "du / du"),
        ('-s == "a"', "bad-operand", "-s"),
        ("-b", "bad-operand", "-b"),
        # in / not in / contains / count need lists
        ("n in du", "not-a-list", "du"),
        ("n not in 3", "not-a-list", "3"),
        ('s contains "a"', "not-a-list", "s"),
        ("count(n) > 1", "not-a-list", "n)"),
        ('n in ["a"]', "type-mismatch", "n in"),
        ("l contains 1", "type-mismatch", "l contains 1"),
        ("ln contains x", "undefined-name", "x"),
        ("[1, s] == l", "type-mismatch", "s]"),
        # enum members resolve against the other operand
        ("e == w", "unknown-enum-member", "w"),
        ("w == e", "unknown-enum-member", "w"),
        ("e != p", "unknown-enum-member", "p"),
        ("e in [x, w]", "unknown-enum-member", "w"),
        ("e not in [w, x]", "unknown-enum-member", "w"),
        ("le contains z", "unknown-enum-member", "z"),
        ("z in le", "unknown-enum-member", "z"),
        ("[x, w] contains e", "unknown-enum-member", "w"),
        ("le == [x, z]", "unknown-enum-member", "z"),
        # undeclared names
        ("zz", "undefined-name", "zz"),
        ("x", "undefined-name", "x"),
        ("known(zz)", "undefined-name", "zz"),
        ("count(zz) > 1", "undefined-name", "zz"),
        ("nn > 1", "undefined-name", "nn"),
    ],
)
def test_ill_typed_expression_is_rejected(expression: str, code: str, fragment: str) -> None:
    """Each type rule of section 4 rejects its violation with one error at the culprit."""
    d = only(require(expression))
    assert (d.code, d.span.line, d.span.column) == (code, *at(expression, fragment))


def test_applies_must_be_boolean() -> None:
    """A non-boolean `applies` is rejected at its expression."""
    text = PRELUDE + 'criterion c { title "t" applies n require b }\n'
    assert found(text) == [("not-boolean", LINE, 33)]


def test_enum_error_names_the_member_and_the_enum() -> None:
    """An enum member not in the other operand's enum is named, with that enum's members."""
    d = only(require("e == w"))
    assert "w" in d.message
    assert all(member in d.message for member in ("x", "y", "z"))


def test_undeclared_name_gets_a_did_you_mean_hint() -> None:
    """A misspelt fact name is reported with the closest declared name as a hint."""
    d = only(require("law.csam.ai_generatd"))
    assert (d.code, d.span.line, d.span.column) == ("undefined-name", LINE, COLUMN)
    assert d.hint is not None and "law.csam.ai_generated" in d.hint


def test_misspelt_enum_member_gets_a_did_you_mean_hint() -> None:
    """A misspelt enum member is reported with the closest member as a hint."""
    text = PRELUDE + (
        "fact treaty: enum(not_signed, signed, ratified)\n"
        'criterion c { title "t" require treaty == ratifed }\n'
    )
    d = only(text)
    assert (d.code, d.span.line, d.span.column) == ("unknown-enum-member", LINE + 1, 43)
    assert d.hint is not None and "ratified" in d.hint


def test_member_in_the_wrong_case_gets_a_did_you_mean_hint() -> None:
    """A one-letter member in the wrong case (`X` for `x`) is suggested too: difflib alone
    finds nothing close to a one-letter name."""
    d = only(require("e != X"))
    assert (d.code, d.span.column) == ("unknown-enum-member", COLUMN + len("e != "))
    assert "'X'" in d.message and "enum(x, y, z)" in d.message
    assert d.hint == "did you mean 'x'?"
    assert only(require("le contains Y")).hint == "did you mean 'y'?"


def test_misspelt_name_in_known_gets_a_hint() -> None:
    """known() of a misspelt fact suggests the declared one."""
    d = only(require("known(law.csam.ai_generate)"))
    assert (d.code, d.span.line, d.span.column) == ("undefined-name", LINE, COLUMN + 6)
    assert d.hint is not None and "law.csam.ai_generated" in d.hint


def test_type_error_names_file_position_and_source_text() -> None:
    """A type error renders as file:line:col with the offending source text."""
    with pytest.raises(lexgap.CheckError) as info:
        lexgap.parse_pack(require("b and e < x"), "rules/t.lexgap")
    rendered = str(info.value)
    assert f"rules/t.lexgap:{LINE}:{COLUMN + 6}" in rendered
    assert "not-ordered" in rendered
    assert "e < x" in info.value.first.message


# ---- one mistake, one message --------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "nn + n * 2 > 3 and b",
        "not (nn == 1) or b",
        "nn == x",
        "x == nn",
        "nn in [x, y]",
        "count(nn) + 1 > n and b",
        "(nn + 1) * 2 > 3",
        "e == w and b",
        "n < 2 and (zz + 1) * (n - 3) > 4 implies b",
    ],
)
def test_one_undeclared_name_gives_one_error(expression: str) -> None:
    """An undeclared name inside a larger expression yields one error, not a cascade."""
    assert len(check_errors(require(expression))) == 1


def test_definition_with_an_error_does_not_cascade_into_users() -> None:
    """A definition that fails to check is reported once, not again where it is used."""
    text = PRELUDE + (
        "define broken = zz > 1\n"
        "define user = broken and b\n"
        'criterion c { title "t" require user or broken }\n'
    )
    assert found(text) == [("undefined-name", LINE, 17)]


def test_independent_errors_are_all_reported_in_position_order() -> None:
    """Several independent mistakes in one file are all reported, sorted by position."""
    text = PRELUDE + (
        'criterion c1 { title "t" require n }\n'  # LINE
        "define q = s + 1\n"  # LINE + 1
        'criterion c2 { title "t" require e == w }\n'  # LINE + 2
        "criterion c3 { require b }\n"  # LINE + 3
        'criterion c4 { title "t" require zz severity urgent }\n'  # LINE + 4
        "fact n: string\n"  # LINE + 5
    )
    assert found(text) == [
        ("not-boolean", LINE, 34),
        ("bad-operand", LINE + 1, 12),
        ("unknown-enum-member", LINE + 2, 39),
        ("missing-title", LINE + 3, 1),
        ("undefined-name", LINE + 4, 34),
        ("unknown-severity", LINE + 4, 46),
        ("conflicting-fact", LINE + 5, 9),
    ]


def test_definitions_are_checked_wherever_they_are_declared() -> None:
    """An error in a definition is reported even if the definition is declared last."""
    text = PRELUDE + 'criterion c { title "t" require q }\ndefine q = b and n\n'
    assert found(text) == [("not-boolean", LINE + 1, 18)]


# ---- definitions -------------------------------------------------------------------------


def test_definition_types_are_inferred() -> None:
    """A definition's type is inferred from its body, through other definitions."""
    text = PRELUDE + (
        "define older = n + 1\n"
        "define adult = older >= 18\n"
        "define longer = du + 1h\n"
        "define status = e\n"
        "define items = le\n"
        "define either = adult or status == x\n"
        'criterion c { title "t" require either and longer < 2d and items contains x }\n'
    )
    defs = lexgap.parse_pack(text).definitions
    assert defs["older"].type == NUMBER
    assert defs["adult"].type == BOOL
    assert defs["longer"].type == DURATION
    assert defs["status"].type == EnumType(("x", "y", "z"))
    assert defs["items"].type == ListType(EnumType(("x", "y")))
    assert defs["either"].type == BOOL


def test_definition_may_be_used_before_it_is_declared() -> None:
    """Definitions may use definitions declared later in the file."""
    text = PRELUDE + (
        'criterion c { title "t" require first }\ndefine first = second\ndefine second = b\n'
    )
    assert lexgap.parse_pack(text).definitions["first"].type == BOOL


def test_definition_is_usable_wherever_a_fact_is() -> None:
    """A definition works in known(), count(), comparisons and enum resolution."""
    text = PRELUDE + (
        "define status = e\ndefine items = l\n"
        'criterion c { title "t" require known(status) and count(items) > 1 '
        "and status in [x, y] }\n"
    )
    lexgap.parse_pack(text)


def test_non_boolean_definition_cannot_be_required() -> None:
    """A number-valued definition used as a condition is not-boolean at the use."""
    text = PRELUDE + 'define older = n + 1\ncriterion c { title "t" require older }\n'
    assert found(text) == [("not-boolean", LINE + 1, 33)]


def test_enum_member_resolves_against_a_definition() -> None:
    """A bare name compared with an enum-typed definition must be a member of its enum."""
    text = PRELUDE + 'define status = e\ncriterion c { title "t" require status == w }\n'
    assert found(text) == [("unknown-enum-member", LINE + 1, 43)]


def test_definition_cycle_is_named() -> None:
    """A cycle among definitions is one error naming the cycle, not one per member."""
    text = PRELUDE + (
        'define a = b and c_\ndefine c_ = d_\ndefine d_ = a\ncriterion c { title "t" require a }\n'
    )
    d = only(text)
    assert (d.code, d.span.line, d.span.column) == ("define-cycle", LINE, 1)
    assert all(name in d.message for name in ("a", "c_", "d_"))


def test_self_referencing_definition_is_a_cycle() -> None:
    """A definition that uses itself is a cycle."""
    text = PRELUDE + 'define a = a or b\ncriterion c { title "t" require a }\n'
    assert found(text) == [("define-cycle", LINE, 1)]


def test_cycle_does_not_hide_other_errors() -> None:
    """A cycle and an unrelated type error are both reported."""
    text = PRELUDE + 'define a = a\ncriterion c { title "t" require n }\n'
    assert found(text) == [("define-cycle", LINE, 1), ("not-boolean", LINE + 1, 33)]


def test_definition_of_unknown_alone_has_no_type() -> None:
    """A definition whose type cannot be inferred (just `unknown`) is rejected."""
    text = PRELUDE + "define u = unknown\n"
    assert found(text) == [("untyped-define", LINE, 1)]


# ---- declarations ------------------------------------------------------------------------


def test_same_fact_declared_twice_with_the_same_type_is_allowed() -> None:
    """Declaring one fact twice with the same type is allowed (shared vocabulary)."""
    text = PRELUDE + 'fact e: enum(x, y, z) "described the second time"\n'
    pack = lexgap.parse_pack(text + PREFIX + "e == x }\n")
    assert pack.facts["e"].type == EnumType(("x", "y", "z"))
    assert pack.facts["e"].description == "described the second time"


def test_same_fact_declared_with_different_types_is_an_error() -> None:
    """Declaring one fact with two different types is conflicting-fact at the second type."""
    text = PRELUDE + "fact n: duration\n"
    assert found(text) == [("conflicting-fact", LINE, 9)]


def test_list_element_types_must_agree_too() -> None:
    """list(string) and list(number) are different types for the same fact."""
    text = PRELUDE + "fact l: list(number)\n"
    assert found(text) == [("conflicting-fact", LINE, 9)]


def test_duplicate_criterion_is_an_error() -> None:
    """Two criteria with one path: duplicate-criterion at the second."""
    text = PRELUDE + 'criterion c { title "t" require b }\ncriterion c { title "u" require b }\n'
    assert found(text) == [("duplicate-criterion", LINE + 1, 1)]


def test_duplicate_definition_is_an_error() -> None:
    """Two definitions with one path: duplicate-define at the second."""
    text = PRELUDE + "define q = b\ndefine q = b2\n"
    assert found(text) == [("duplicate-define", LINE + 1, 1)]


def test_definition_may_not_share_a_fact_name() -> None:
    """A name declared both as fact and definition is a name-conflict."""
    text = PRELUDE + "define b = b2\n"
    assert found(text) == [("name-conflict", LINE, 1)]


def test_second_pack_declaration_is_an_error() -> None:
    """A pack has exactly one pack declaration."""
    text = PRELUDE + 'pack other { title "o" }\n'
    assert found(text) == [("duplicate-pack", LINE, 1)]


def test_pack_declaration_is_required() -> None:
    """A pack file without a pack declaration is rejected."""
    assert found(FACTS) == [("missing-pack", 1, 1)]


def test_pack_title_is_required() -> None:
    """The pack declaration needs a title; version and source are optional."""
    assert found('pack p { version "1" }\n') == [("missing-title", 1, 1)]
    pack = lexgap.parse_pack('pack p { title "t" }\n')
    assert (pack.version, pack.source) == (None, None)


def test_unknown_pack_field_is_an_error() -> None:
    """An unrecognised pack field is rejected at its key."""
    assert found('pack p { title "t" colour "red" }\n') == [("unknown-pack-field", 1, 20)]


@pytest.mark.parametrize(
    ("declaration", "code", "column"),
    [
        ("fact q: numbr", "unknown-type", 9),
        ("fact q: enum", "bad-type-args", 9),
        ("fact q: list(bool, bool)", "bad-type-args", 9),
        ("fact q: bool(x)", "bad-type-args", 9),
        ("fact q: enum(a, a)", "bad-type-args", 17),
        ("fact q: list(thing)", "unknown-type", 14),
    ],
)
def test_bad_type_is_rejected(declaration: str, code: str, column: int) -> None:
    """Types are bool, number, string, date, duration, enum(...), list(...)."""
    assert found(HEADER + declaration + "\n") == [(code, 2, column)]


def test_fact_of_unknown_type_does_not_cascade() -> None:
    """A fact with a misspelt type is reported once, not again at each use."""
    text = HEADER + 'fact q: numbr\ncriterion c { title "t" require q > 1 and q + 1 == 2 }\n'
    assert found(text) == [("unknown-type", 2, 9)]


# ---- criteria ----------------------------------------------------------------------------


def test_criterion_title_is_required() -> None:
    """A criterion without a title is missing-title at the criterion."""
    assert found(PRELUDE + "criterion c { require b }\n") == [("missing-title", LINE, 1)]


def test_criterion_require_is_required() -> None:
    """A criterion without require is missing-require at the criterion."""
    text = PRELUDE + 'criterion c { title "t" applies b }\n'
    assert found(text) == [("missing-require", LINE, 1)]


def test_severity_defaults_to_medium_and_weight_to_one() -> None:
    """Without severity and weight clauses, a criterion is medium with weight 1."""
    (c,) = lexgap.parse_pack(require("b")).criteria
    assert (c.severity, c.weight) == ("medium", 1)
    assert c.cites == () and c.group is None and c.gap is None and c.remedy is None


@pytest.mark.parametrize("severity", ["critical", "high", "medium", "low"])
def test_every_severity_is_accepted(severity: str) -> None:
    """The four severities of section 3 are accepted."""
    (c,) = lexgap.parse_pack(require(f"b severity {severity}")).criteria
    assert c.severity == severity


def test_unknown_severity_is_rejected() -> None:
    """A severity outside critical/high/medium/low is rejected at the word."""
    assert found(require("b severity urgent")) == [("unknown-severity", LINE, COLUMN + 11)]


@pytest.mark.parametrize("weight", ["0", "-1", "0.0"])
def test_weight_must_be_positive(weight: str) -> None:
    """A weight of zero or less is bad-weight at the number."""
    assert found(require(f"b weight {weight}")) == [("bad-weight", LINE, COLUMN + 9)]


def test_fractional_weight_is_accepted() -> None:
    """A weight may be a decimal greater than zero."""
    (c,) = lexgap.parse_pack(require("b weight 0.5")).criteria
    assert str(c.weight) == "0.5"


def test_repeated_clause_is_rejected() -> None:
    """Clauses other than cites may appear once."""
    assert found(require('b title "again"')) == [("duplicate-clause", LINE, COLUMN + 2)]


# ---- templates ---------------------------------------------------------------------------


def test_template_placeholders_name_facts_or_definitions() -> None:
    """`{path}` in gap may name a declared fact or definition; `{{`/`}}` are braces."""
    text = PRELUDE + (
        "define older = n + 1\n"
        'criterion c { title "t" require b gap "{e} and {older} in {{braces}}" }\n'
    )
    (c,) = lexgap.parse_pack(text).criteria
    assert c.gap is not None and c.gap.refs == ("e", "older")


@pytest.mark.parametrize(
    "template",
    ["{zz}", "{law.csam.ai_generatd}", "{n + 1}", "{}", "unbalanced {", "{x}"],
)
def test_bad_placeholder_is_rejected(template: str) -> None:
    """A placeholder that is not the path of a declared fact or definition is rejected, at
    the placeholder itself (the string starts at column 39)."""
    text = PRELUDE + f'criterion c {{ title "t" require b gap "{template}" }}\n'
    assert found(text) == [("bad-placeholder", LINE, 40 + template.index("{"))]


def test_bad_placeholder_position_counts_escapes() -> None:
    """The span of a bad placeholder is where it is in the source, after escapes (each two
    characters for one), and covers just the placeholder."""
    text = PRELUDE + 'criterion c { title "t" require b gap "\\"x\\" \\\\ {zz.top} {e}" }\n'
    (d,) = check_errors(text)
    source_line = text.splitlines()[LINE - 1]
    start = source_line.index("{zz.top}") + 1
    assert (d.code, d.span.line, d.span.column) == ("bad-placeholder", LINE, start)
    assert (d.span.end_line, d.span.end_column) == (LINE, start + len("{zz.top}"))
    assert "zz.top" in d.message


def test_remedy_is_not_a_template() -> None:
    """Braces in remedy, title and cites are plain text."""
    text = PRELUDE + 'criterion c { title "{t}" cites "{c}" require b remedy "{r}" }\n'
    (c,) = lexgap.parse_pack(text).criteria
    assert (c.title, c.remedy) == ("{t}", "{r}")


# ---- tests -------------------------------------------------------------------------------


def _test_block(body: str) -> str:
    return PRELUDE + 'criterion c { title "t" require b }\n' + f'test "x" {{ {body} }}\n'


def test_test_block_values_are_typed() -> None:
    """Given values of every type are accepted and kept."""
    text = _test_block(
        'given { b = true n = -2 s = "a" d = 2024-01-01 du = 24h e = x l = ["a"] '
        "le = [x] ln = [] f = unknown } expect c met expect c gap"
    )
    (test,) = lexgap.parse_pack(text).tests
    given = dict(test.given)
    assert given["n"] == -2
    assert given["e"] == "x"
    assert given["du"] == 86400
    assert given["f"] is None


@pytest.mark.parametrize(
    ("body", "code", "column"),
    [
        ("given { zz = true }", "given-unknown-fact", 20),
        ("given { b = 3 }", "given-type", 24),
        ("given { du = 24 }", "given-type", 25),
        ("given { e = w }", "unknown-enum-member", 24),
        ("given { b = true b = false }", "duplicate-given", 29),
        ("given { ln = [1 + 2] }", "given-not-literal", 25),
        ("expect nope met", "unknown-criterion", 12),
        ("expect c passes", "unknown-verdict", 21),
    ],
)
def test_bad_test_block_is_rejected(body: str, code: str, column: int) -> None:
    """A test must give declared facts values of their type and expect real verdicts."""
    assert found(_test_block(body)) == [(code, LINE + 1, column)]
