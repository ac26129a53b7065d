"""The native evaluator: three-valued logic, verdicts, missing, because, messages."""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path
from typing import Any

import pytest

import lexgap

D = datetime.date(2025, 1, 1)

VOCAB = """
pack t { title "t" }
fact a: bool
fact b: bool
fact c: bool
fact n: number
fact m: number
fact d: duration
fact day: date
fact s: string
fact e: enum(x, y, z)
fact l: list(string)
fact ln: list(number)
"""


def run(body: str, facts: dict[str, Any], as_of: datetime.date = D) -> lexgap.Result:
    """Evaluate a one-criterion pack (criterion `k`) against the given facts."""
    pack = lexgap.parse_pack(VOCAB + body)
    j = lexgap.jurisdiction_from_mapping({"jurisdiction": "XX", "name": "X", "facts": facts})
    report = lexgap.evaluate(pack, [j], as_of=as_of)
    (result,) = [r for r in report.results if r.criterion == "k"]
    return result


def verdict(require: str, facts: dict[str, Any], applies: str | None = None) -> str:
    clause = f"applies {applies}\n" if applies else ""
    return run(f'criterion k {{ title "k" {clause} require {require} }}', facts).verdict.value


TV = {True: True, False: False, None: None}
VALUES = [True, False, None]


def kleene_and(x: bool | None, y: bool | None) -> bool | None:
    if x is False or y is False:
        return False
    if x is None or y is None:
        return None
    return True


def kleene_or(x: bool | None, y: bool | None) -> bool | None:
    if x is True or y is True:
        return True
    if x is None or y is None:
        return None
    return False


def as_verdict(v: bool | None) -> str:
    return {True: "met", False: "gap", None: "unknown"}[v]


class TestTruthTables:
    @pytest.mark.parametrize(("x", "y"), list(itertools.product(VALUES, VALUES)))
    def test_and(self, x: bool | None, y: bool | None) -> None:
        """`and` is false if any operand is false, else unknown if any is unknown."""
        assert verdict("a and b", {"a": x, "b": y}) == as_verdict(kleene_and(x, y))

    @pytest.mark.parametrize(("x", "y"), list(itertools.product(VALUES, VALUES)))
    def test_or(self, x: bool | None, y: bool | None) -> None:
        """`or` is true if any operand is true, else unknown if any is unknown."""
        assert verdict("a or b", {"a": x, "b": y}) == as_verdict(kleene_or(x, y))

    @pytest.mark.parametrize("x", VALUES)
    def test_not(self, x: bool | None) -> None:
        """`not unknown` is unknown."""
        expected = None if x is None else not x
        assert verdict("not a", {"a": x}) == as_verdict(expected)

    @pytest.mark.parametrize(("x", "y"), list(itertools.product(VALUES, VALUES)))
    def test_implies(self, x: bool | None, y: bool | None) -> None:
        """`a implies b` is `(not a) or b`."""
        not_x = None if x is None else not x
        assert verdict("a implies b", {"a": x, "b": y}) == as_verdict(kleene_or(not_x, y))

    def test_implies_is_right_associative(self) -> None:
        """`a implies b implies c` is `a implies (b implies c)`."""
        facts = {"a": False, "b": True, "c": False}
        # (a implies b) implies c would be true implies false = gap
        assert verdict("a implies b implies c", facts) == "met"

    def test_and_of_many_short_circuits_false_over_unknown(self) -> None:
        """A false operand decides `and` even when a later one is unknown."""
        assert verdict("a and b and c", {"a": True, "b": False}) == "gap"


class TestComparisons:
    @pytest.mark.parametrize(
        ("require", "facts", "expected"),
        [
            ("n >= 18", {"n": 18}, "met"),
            ("n >= 18", {"n": 16}, "gap"),
            ("n >= 18", {}, "unknown"),
            ("n + m > 3", {"n": 1}, "unknown"),
            ("n + m > 3", {"n": 1, "m": 3}, "met"),
            ("n * 2 == m", {"n": 2, "m": 4}, "met"),
            ("n / 2 == 0.5", {"n": 1}, "met"),
            ("n / m > 0", {"n": 1, "m": 0}, "unknown"),
            ("-n < 0", {"n": 1}, "met"),
            ("d <= 24h", {"d": "48h"}, "gap"),
            ("d <= 24h", {"d": "PT24H"}, "met"),
            ("d <= 1d", {"d": "90min"}, "met"),
            ("d + 1h <= 2h", {"d": "1h"}, "met"),
            ("d == 2w", {"d": "14d"}, "met"),
            ("day < 2024-12-05", {"day": "2020-01-01"}, "met"),
            ("day >= 2024-12-05", {"day": datetime.date(2024, 12, 5)}, "met"),
            ("e == x", {"e": "x"}, "met"),
            ("e != x", {"e": "y"}, "met"),
            ("e in [x, y]", {"e": "z"}, "gap"),
            ("e not in [x, y]", {"e": "z"}, "met"),
            ("e in [x, y]", {}, "unknown"),
            ('s == "abc"', {"s": "abc"}, "met"),
            ('l contains "Act"', {"l": ["Act", "Code"]}, "met"),
            ('l contains "Act"', {"l": []}, "gap"),
            ('l contains "Act"', {}, "unknown"),
            ("count(l) >= 2", {"l": ["a", "b"]}, "met"),
            ("count(l) >= 2", {}, "unknown"),
            ("known(n)", {}, "gap"),
            ("known(n)", {"n": 3}, "met"),
            ("not known(n)", {"n": None}, "met"),
            ("n == unknown", {"n": 1}, "unknown"),
            ("as_of >= 2024-12-05", {}, "met"),
            ("ln contains 2", {"ln": [1, 2]}, "met"),
        ],
    )
    def test_comparison(self, require: str, facts: dict[str, Any], expected: str) -> None:
        """Comparisons, arithmetic, in, contains, count and known follow section 5."""
        assert verdict(require, facts) == expected

    def test_decimal_arithmetic_is_exact(self) -> None:
        """0.1 + 0.2 equals 0.3: numbers are decimals, not binary floats."""
        assert verdict("n + 0.2 == 0.3", {"n": __import__("decimal").Decimal("0.1")}) == "met"


class TestVerdicts:
    @pytest.mark.parametrize(
        ("applies", "require", "expected"),
        [
            (False, True, "not_applicable"),
            (False, None, "not_applicable"),
            (None, True, "unknown"),
            (None, False, "unknown"),
            (True, True, "met"),
            (True, False, "gap"),
            (True, None, "unknown"),
        ],
    )
    def test_applies_then_require(
        self, applies: bool | None, require: bool | None, expected: str
    ) -> None:
        """applies false -> not_applicable; unknown -> unknown; else require decides."""
        assert verdict("b", {"a": applies, "b": require}, applies="a") == expected

    def test_not_applicable_has_no_missing_or_because(self) -> None:
        """Only unknown results have `missing`; only gaps have `because`."""
        r = run('criterion k { title "k" applies a require b }', {"a": False})
        assert (r.missing, r.because, r.message) == ([], [], None)


class TestMissing:
    def test_and_with_true_and_unknown(self) -> None:
        """For `a and b` with a true and b unknown, missing is [b]."""
        r = run('criterion k { title "k" require a and b }', {"a": True})
        assert r.missing == ["b"]

    def test_or_both_unknown(self) -> None:
        """For `a or b` both unknown, missing is [a, b]."""
        r = run('criterion k { title "k" require b or a }', {})
        assert r.missing == ["a", "b"]

    def test_applies_unknown_is_decisive(self) -> None:
        """When applies is unknown, missing comes from applies, not require."""
        r = run('criterion k { title "k" applies a require n > 1 }', {})
        assert r.missing == ["a"]

    def test_through_definitions_sorted_no_duplicates(self) -> None:
        """missing descends into definitions and is sorted without duplicates."""
        body = 'define both = c and b\ncriterion k { title "k" require both or (c and n > 1) }'
        r = run(body, {})
        assert r.missing == ["b", "c", "n"]

    def test_known_operands_are_not_missing(self) -> None:
        """Facts whose values are known never appear in missing."""
        r = run('criterion k { title "k" require n > 1 and m > 1 and a }', {"n": 5, "a": True})
        assert r.missing == ["m"]

    def test_false_operand_hides_unknown(self) -> None:
        """A false `and` is a gap, with nothing missing."""
        r = run('criterion k { title "k" require a and b }', {"a": False})
        assert (r.verdict.value, r.missing) == ("gap", [])


class TestBecause:
    def test_failed_comparison_names_values(self) -> None:
        """A failed comparison is quoted with the values it saw."""
        r = run(
            'criterion k { title "k" require d <= 24h }', {"d": {"value": "48h", "source": "x"}}
        )
        assert r.because == ["d <= 24h (d = 48h)"]

    def test_false_and_lists_its_false_operands(self) -> None:
        """Explaining a false `and`: its false operands, in source order."""
        r = run(
            'criterion k { title "k" require a and n >= 18 and b }',
            {"a": False, "n": 16, "b": True},
        )
        assert r.because == ["a (a = false)", "n >= 18 (n = 16)"]

    def test_false_or_lists_all_operands(self) -> None:
        """Explaining a false `or`: all operands."""
        r = run('criterion k { title "k" require e == x or a }', {"e": "y", "a": False})
        assert r.because == ["e == x (e = y)", "a (a = false)"]

    def test_not_explains_the_opposite(self) -> None:
        """`not (a and b)` false: a true `and` explained by all its operands."""
        r = run('criterion k { title "k" require not (a and b) }', {"a": True, "b": True})
        assert r.because == ["a (a = true)", "b (b = true)"]

    def test_not_of_or_explains_true_operands(self) -> None:
        """A true `or` under `not` is explained by its true operands."""
        r = run('criterion k { title "k" require not (a or b) }', {"a": False, "b": True})
        assert r.because == ["b (b = true)"]

    def test_definitions_explained_through_bodies(self) -> None:
        """Definitions are explained through their bodies."""
        body = 'define ok = n >= 18 and a\ncriterion k { title "k" require ok }'
        r = run(body, {"n": 12, "a": True})
        assert r.because == ["n >= 18 (n = 12)"]

    def test_known_call_atom(self) -> None:
        """A `known` call is an atom showing the value as unknown."""
        r = run('criterion k { title "k" require known(n) }', {})
        assert r.because == ["known(n) (n = unknown)"]

    def test_met_has_no_because(self) -> None:
        """Results that are not gaps have no `because`."""
        assert run('criterion k { title "k" require a }', {"a": True}).because == []


class TestMessages:
    def test_template_substitutes_values(self) -> None:
        """Placeholders show values; strings appear bare; nothing else is interpolated."""
        body = 'criterion k { title "k" require n > 1 gap "n={n} s={s} e={e} a={a}" }'
        r = run(body, {"n": 0, "s": "{0.__class__}", "e": "y"})
        assert r.message == "n=0 s={0.__class__} e=y a=unknown"

    def test_braces_escape(self) -> None:
        """`{{` and `}}` are literal braces in a template."""
        r = run('criterion k { title "k" require a gap "{{n}} is {n}" }', {"a": False, "n": 3})
        assert r.message == "{n} is 3"

    def test_no_message_unless_gap(self) -> None:
        """A met result has no message."""
        assert run('criterion k { title "k" require a gap "x" }', {"a": True}).message is None


EXAMPLE_FACTS = """\
jurisdiction: GB
name: United Kingdom
reviewed: 2025-06-01
facts:
  treaty.lanzarote:
    value: ratified
    since: 2018-06-20
    source: "https://www.coe.int/"
  law.csam.ai_generated: true
  takedown.mandated: true
  takedown.notice_period:
    - value: 48h
      until: 2024-03-17
    - value: 24h
      since: 2024-03-17
      source: "Example Act 2023, section 10"
  law.sextortion.financial: unknown
"""


class TestContractExample:
    def test_values_over_time_and_order(self, example_pack_path: Path, tmp_path: Path) -> None:
        """The contract's example: results in pack order; as_of picks the interval."""
        pack = lexgap.load_pack(example_pack_path)
        (tmp_path / "gb.yaml").write_text(EXAMPLE_FACTS, encoding="utf-8")
        gb = lexgap.load_jurisdiction(tmp_path / "gb.yaml")
        before = lexgap.evaluate(pack, [gb], as_of=datetime.date(2024, 1, 1))
        after = lexgap.evaluate(pack, [gb], as_of=datetime.date(2025, 1, 1))
        assert [r.criterion for r in after.results] == [
            "cta.ratify_lanzarote",
            "cta.takedown_period",
        ]
        assert [r.verdict.value for r in before.results] == ["met", "gap"]
        assert [r.verdict.value for r in after.results] == ["met", "met"]
        gap = before.results[1]
        assert gap.because == ["takedown.notice_period <= 24h (takedown.notice_period = 48h)"]
        assert gap.message == "Providers have 48h to remove notified material."
        assert gap.to_close == ["takedown.notice_period must be at most 24h (is 48h)"]

    def test_before_ratification_is_not_in_force(
        self, example_pack_path: Path, tmp_path: Path
    ) -> None:
        """A value before its `since` is not in force, so the fact is unknown then."""
        pack = lexgap.load_pack(example_pack_path)
        (tmp_path / "gb.yaml").write_text(EXAMPLE_FACTS, encoding="utf-8")
        report = lexgap.evaluate(pack, [tmp_path / "gb.yaml"], as_of=datetime.date(2010, 1, 1))
        first = report.results[0]
        assert first.verdict.value == "unknown"
        assert first.missing == ["law.sextortion.financial", "treaty.lanzarote"]

    def test_jurisdictions_in_given_order(self, example_pack_path: Path) -> None:
        """Results list jurisdictions in the order given."""
        pack = lexgap.load_pack(example_pack_path)
        js = [
            lexgap.jurisdiction_from_mapping({"jurisdiction": c, "name": c, "facts": {}})
            for c in ("ZA", "AT", "MX")
        ]
        report = lexgap.evaluate(pack, js, as_of=D)
        assert [r.jurisdiction for r in report.results] == ["ZA", "ZA", "AT", "AT", "MX", "MX"]

    def test_summary_scores(self, example_pack_path: Path) -> None:
        """Weighted score = weight met / weight of met and gap; unknown counted apart."""
        pack = lexgap.load_pack(example_pack_path)
        j = lexgap.jurisdiction_from_mapping(
            {
                "jurisdiction": "FR",
                "name": "F",
                "facts": {
                    "treaty.lanzarote": "ratified",
                    "takedown.mandated": True,
                    "takedown.notice_period": "48h",
                },
            }
        )
        s = lexgap.evaluate(pack, [j], as_of=D).summary()["FR"]
        assert (s.met, s.gap, s.unknown, s.not_applicable) == (1, 1, 0, 0)
        assert s.score == pytest.approx(1 / 3)  # weights 1 met, 2 gap

    def test_explain_mentions_sources_and_remedy(self, example_pack_path: Path) -> None:
        """explain() gives verdict, title, cites, because with sources, to-close, remedy."""
        pack = lexgap.load_pack(example_pack_path)
        j = lexgap.jurisdiction_from_mapping(
            {
                "jurisdiction": "FR",
                "name": "F",
                "facts": {
                    "treaty.lanzarote": {"value": "signed", "source": "CoE chart"},
                    "law.csam.ai_generated": False,
                },
            }
        )
        r = lexgap.evaluate(pack, [j], as_of=D).results[0]
        text = r.explain()
        for needle in ("GAP", r.title, "pledge 1(b)", "CoE chart", "Ratify CETS", "any one of"):
            assert needle in text

    def test_wrong_value_type_is_an_error_naming_the_fact(
        self, example_pack_path: Path, tmp_path: Path
    ) -> None:
        """A value of the wrong type names file, line, fact, expected type and value."""
        pack = lexgap.load_pack(example_pack_path)
        path = tmp_path / "x.yaml"
        path.write_text("jurisdiction: FR\nname: F\nfacts:\n  takedown.mandated: yes\n")
        with pytest.raises(lexgap.FactsError) as info:
            lexgap.evaluate(pack, [lexgap.load_jurisdiction(path)], as_of=D)
        d = info.value.first
        assert (d.code, d.span.file, d.span.line) == ("fact-type", str(path), 4)
        assert "takedown.mandated" in d.message and "bool" in d.message and "yes" in d.message

    def test_undeclared_facts_are_ignored(self, example_pack_path: Path) -> None:
        """Facts the pack does not declare are ignored by evaluation."""
        pack = lexgap.load_pack(example_pack_path)
        j = lexgap.jurisdiction_from_mapping(
            {"jurisdiction": "FR", "name": "F", "facts": {"other.fact": "anything at all"}}
        )
        assert len(lexgap.evaluate(pack, [j], as_of=D).results) == 2

    def test_default_as_of_is_today(self, example_pack_path: Path) -> None:
        """Without as_of, evaluation uses today's date."""
        pack = lexgap.load_pack(example_pack_path)
        j = lexgap.jurisdiction_from_mapping({"jurisdiction": "FR", "name": "F", "facts": {}})
        assert lexgap.evaluate(pack, [j]).as_of == datetime.date.today()


# ---- the conversion memo on the hot path ----------------------------------------------------


def test_remembered_conversions_keep_quoting_and_type_apart() -> None:
    """The evaluator remembers what each short text meant for a type; a quoted text, or the
    same text for another type, is still converted (or refused) on its own."""
    pack = lexgap.parse_pack(
        'pack m { title "m" }\nfact b: bool\nfact n: number\nfact s: string\n'
        'criterion m.b { title "b" require b }\n'
        'criterion m.n { title "n" require n >= 15 }\n'
        'criterion m.s { title "s" require s == "15" }\n'
    )
    head = "jurisdiction: X{}\nname: J\nfacts:\n"
    plain = lexgap.parse_jurisdiction(head.replace("{}", "A") + "  b: true\n  n: 15\n  s: 15\n")
    again = lexgap.parse_jurisdiction(head.replace("{}", "B") + "  b: false\n  n: 15\n  s: '15'\n")
    report = lexgap.evaluate(pack, [plain, again], as_of=D)
    assert [r.verdict.value for r in report.results] == ["met", "met", "met", "gap", "met", "met"]
    quoted = lexgap.parse_jurisdiction("jurisdiction: XC\nname: C\nfacts:\n  b: 'true'\n")
    with pytest.raises(lexgap.FactsError) as info:
        lexgap.evaluate(pack, [quoted], as_of=D)
    assert info.value.first.code == "fact-type"
    zero = lexgap.parse_jurisdiction("jurisdiction: XD\nname: D\nfacts:\n  n: 015\n")
    with pytest.raises(lexgap.FactsError):
        lexgap.evaluate(pack, [zero], as_of=D)


def test_binding_interleaved_types_static_and_timed_values() -> None:
    """Facts of several types declared interleaved, stated timelessly and over time, bind
    to the right values and entries on a first and a later (remembered) binding."""
    pack = lexgap.parse_pack(
        'pack i { title "i" }\n'
        "fact a: bool\nfact n: number\nfact b: bool\nfact d: date\n"
        "fact l: list(string)\nfact t: duration\nfact e: enum(x, y)\n"
        'criterion i.all { title "all" require a and not b and n >= 2 and d < 2020-01-01 '
        'and l contains "k" and t <= 24h and e == y }\n'
    )
    text = (
        "jurisdiction: X{code}\nname: J\nfacts:\n  a: true\n  n: 3\n  b: false\n"
        "  d: 2019-05-01\n  l: [k, m]\n  e: y\n"
        "  t:\n    - value: 48h\n      until: 2024-01-01\n      source: old act\n"
        "    - value: 24h\n      since: 2024-01-01\n      source: new act\n"
    )
    first = lexgap.parse_jurisdiction(text.replace("{code}", "A"))
    second = lexgap.parse_jurisdiction(text.replace("{code}", "B").replace("n: 3", "n: 1"))
    for as_of, verdicts in (
        (datetime.date(2023, 6, 1), ["gap", "gap"]),
        (datetime.date(2025, 6, 1), ["met", "gap"]),
    ):
        report = lexgap.evaluate(pack, [first, second], as_of=as_of)
        assert [r.verdict.value for r in report.results] == verdicts
        used = {f.path: f for f in report.results[0].facts}
        assert used["t"].source == ("new act" if as_of.year == 2025 else "old act")
        assert used["n"].value == "3" and used["e"].value == "y"
    assert lexgap.evaluate(pack, [second], as_of=datetime.date(2025, 6, 1)).results[0].because


@pytest.mark.parametrize("backend", ["native", "durable"])
def test_a_list_literal_with_an_unknown_fact_item_is_unknown_as_a_whole(backend: str) -> None:
    """As the language reference says: ``n in [m, 3]`` is unknown while m is unknown, even
    when n is 3; only the literal ``unknown`` is a member that may be anything."""
    pack = lexgap.parse_pack(
        VOCAB
        + 'criterion k1 { title "k" require n in [m, 3] }\n'
        + 'criterion k2 { title "k" require n in [unknown, 3] }\n'
        + 'criterion k3 { title "k" require n == m or n == 3 }\n'
    )
    j = lexgap.jurisdiction_from_mapping({"jurisdiction": "XX", "name": "X", "facts": {"n": 3}})
    results = lexgap.evaluate(pack, [j], as_of=D, backend=backend).results
    assert [(r.criterion, r.verdict.value) for r in results] == [
        ("k1", "unknown"),
        ("k2", "met"),
        ("k3", "met"),
    ]
    assert results[0].missing == ["m"]


@pytest.mark.parametrize(
    ("require", "facts", "steps"),
    [
        ("not a", {"a": True}, ["a must become false"]),
        ("not (n > 3)", {"n": 5}, ["n must be at most 3 (is 5)"]),
        ("not (e in [x, y])", {"e": "x"}, ["e must not be one of [x, y] (is x)"]),
        (
            "not (a and n >= 2)",
            {"a": True, "n": 3},
            ["any one of: a must become false; or n must be less than 2 (is 3)"],
        ),
        ("not (a or b)", {"a": True, "b": False}, ["a must become false"]),
        ("not not a", {"a": False}, ["a must become true"]),
        (
            "a implies b",
            {"a": True, "b": False},
            ["any one of: a must become false; or b must become true"],
        ),
        ('not (s == "x")', {"s": "x"}, ['s must not be "x" (is "x")']),
    ],
)
def test_to_close_goes_through_not_and_implies(
    require: str, facts: dict[str, Any], steps: list[str]
) -> None:
    """What would close a gap is derived through `not` (the negated comparison, De Morgan
    for and/or) and `implies` (its condition false, or its consequence true)."""
    result = run(f'criterion k {{ title "k" require {require} }}', facts)
    assert result.verdict.value == "gap"
    assert result.to_close == steps
