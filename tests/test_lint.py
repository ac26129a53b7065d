"""`lexgap lint`: consistency findings, their codes, criteria, positions and proof labels."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lexgap
from lexgap.cli import cli
from lexgap.consistency import Finding
from lexgap.diagnostics import Diagnostic, Severity
from lexgap.lint import lint_pack, lint_paths, render_findings
from lexgap.testing import assert_consistent, assert_tests_pass, fact_files, packs

DATA = Path(__file__).resolve().parent / "data" / "lint"
PLANTED = DATA / "planted.lexgap"
CLEAN = DATA / "clean.lexgap"
RULES = Path(__file__).resolve().parent.parent / "rules"


def _pack(tmp_path: Path, body: str, name: str = "p.lexgap") -> lexgap.Pack:
    path = tmp_path / name
    path.write_text('pack t.p { title "t" }\n' + body, encoding="utf-8")
    return lexgap.load_pack(path)


def _by_code(findings: list[Diagnostic], code: str) -> list[Finding]:
    out = [f for f in findings if f.code == code]
    assert all(isinstance(f, Finding) for f in out)
    return out  # type: ignore[return-value]


def _criteria(f: Finding) -> list[str]:
    return [path for path, _ in f.criteria]


@pytest.fixture(scope="module")
def planted() -> list[Diagnostic]:
    return list(lint_paths([str(PLANTED)]))


# ---- the planted pack --------------------------------------------------------------------


def test_requirement_that_can_never_hold(planted: list[Diagnostic]) -> None:
    """A requirement that is never true is reported, proven, as an error on its require."""
    [f] = _by_code(planted, "require-never-true")
    assert _criteria(f) == ["planted.impossible"]
    assert (f.span.line, f.span.column) == (20, 11)
    assert f.proven is True and f.severity is Severity.ERROR


def test_vacuous_requirement(planted: list[Diagnostic]) -> None:
    """A requirement that can never be false is reported as vacuous."""
    [f] = _by_code(planted, "require-never-false")
    assert _criteria(f) == ["planted.vacuous"]
    assert f.span.line == 26
    assert f.proven is True


def test_contradicting_pair(planted: list[Diagnostic]) -> None:
    """Two criteria that can never both be met are reported together, with the shared fact."""
    [f] = _by_code(planted, "criteria-conflict")
    assert _criteria(f) == ["planted.high_age", "planted.low_age"]
    assert [s.line for _, s in f.criteria] == [29, 35]
    assert "law.child.age" in f.message
    assert [s.line for _, s in f.related] == [35]
    assert f.proven is True and f.severity is Severity.ERROR


def test_conflict_search_leaves_out_criteria_already_impossible(
    planted: list[Diagnostic],
) -> None:
    """A criterion that can never be met is not also reported in every pair it is in."""
    for f in _by_code(planted, "criteria-conflict"):
        assert "planted.impossible" not in _criteria(f)


def test_unused_fact_only_from_the_root_file(planted: list[Diagnostic]) -> None:
    """An unused fact of the pack's own file is an error; the vocabulary's are not reported."""
    facts = _by_code(planted, "unused-fact")
    assert [f.message.split("'")[1] for f in facts] == ["law.never.used"]
    assert facts[0].span.line == 13 and facts[0].severity is Severity.ERROR
    [d] = _by_code(planted, "unused-definition")
    assert "never_used_def" in d.message


def test_duplicate_requirement(planted: list[Diagnostic]) -> None:
    """Two criteria with the same applies and require are duplicates, naming both."""
    [f] = _by_code(planted, "duplicate-requirement")
    assert _criteria(f) == ["planted.takedown", "planted.takedown_again"]
    assert f.span.line == 48


def test_missing_cites_is_a_warning_unless_strict(planted: list[Diagnostic]) -> None:
    """A criterion without cites is a warning, and an error with strict."""
    [f] = _by_code(planted, "missing-cites")
    assert _criteria(f) == ["planted.no_cites"] and f.severity is Severity.WARNING
    [g] = _by_code(list(lint_paths([str(PLANTED)], strict=True)), "missing-cites")
    assert g.severity is Severity.ERROR


def test_applies_that_can_never_be_true(planted: list[Diagnostic]) -> None:
    """An applies that is never true is reported, and the criterion's require is not."""
    [f] = _by_code(planted, "applies-never-true")
    assert _criteria(f) == ["planted.never_applies"]
    assert (f.span.line, f.span.column) == (63, 11)
    assert not [g for g in planted if _criteria_of(g) == ["planted.never_applies"] and g is not f]


def _criteria_of(f: Diagnostic) -> list[str]:
    return _criteria(f) if isinstance(f, Finding) else []


def test_clean_pack_lints_clean() -> None:
    """A consistent pack with cites and no unused declarations has no findings."""
    assert list(lint_paths([str(CLEAN)], strict=True)) == []


# ---- command line and output ---------------------------------------------------------------


def test_cli_exit_status() -> None:
    """lint exits 1 on errors, 0 on a clean pack, and 1 on warnings only with --strict."""
    runner = CliRunner()
    assert runner.invoke(cli, ["lint", str(PLANTED)]).exit_code == 1
    assert runner.invoke(cli, ["lint", str(CLEAN)]).exit_code == 0


def test_cli_strict_fails_on_warnings(tmp_path: Path) -> None:
    """A pack with only a warning passes, and fails with --strict."""
    path = tmp_path / "w.lexgap"
    path.write_text(
        'pack w { title "w" }\nfact a: bool\ncriterion w.a { title "a" require a }\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["lint", str(path)])
    assert result.exit_code == 0, result.output
    assert "warning[missing-cites]" in result.output
    assert runner.invoke(cli, ["lint", "--strict", str(path)]).exit_code == 1


def test_cli_text_output_is_compiler_style() -> None:
    """Text findings read file:line:col: severity[code]: message, then a summary line."""
    result = CliRunner().invoke(cli, ["lint", str(PLANTED)])
    assert f"{PLANTED}:20:11: error[require-never-true]:" in result.output
    assert result.output.rstrip().endswith("7 error(s), 1 warning(s)")


def test_json_output_shape() -> None:
    """JSON output: findings with code, severity, position, criteria, proven and tries."""
    result = CliRunner().invoke(cli, ["lint", "--format", "json", str(PLANTED)])
    data = json.loads(result.output)
    assert set(data) == {"findings", "errors", "warnings"}
    assert (data["errors"], data["warnings"]) == (7, 1)
    conflict = next(f for f in data["findings"] if f["code"] == "criteria-conflict")
    assert set(conflict) >= {
        "code",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "hint",
        "criteria",
        "related",
        "proven",
        "tries",
    }
    assert [c["criterion"] for c in conflict["criteria"]] == [
        "planted.high_age",
        "planted.low_age",
    ]
    assert conflict["criteria"][1]["line"] == 35
    assert conflict["proven"] is True and conflict["tries"] > 0
    unused = next(f for f in data["findings"] if f["code"] == "unused-fact")
    assert unused["proven"] is None and unused["criteria"] == []


def test_load_errors_are_findings(tmp_path: Path) -> None:
    """A pack that does not load gives its load errors as findings."""
    path = tmp_path / "bad.lexgap"
    path.write_text('pack b { title "b" }\ncriterion b.x { title "x" require nope }\n')
    findings = lint_paths([str(path)])
    assert findings and all(f.severity is Severity.ERROR for f in findings)
    assert "error[" in render_findings(findings, "text")


def test_cli_exits_2_on_a_pack_that_does_not_load(tmp_path: Path) -> None:
    """A broken pack is an input error (exit 2, as for check and test), and other packs
    given with it are still linted."""
    bad = tmp_path / "bad.lexgap"
    bad.write_text('pack b { title "b" }\ncriterion b.x { title "x" require nope }\n')
    good = tmp_path / "good.lexgap"
    good.write_text(
        'pack g { title "g" }\nfact a: bool\nfact u: bool\n'
        'criterion g.x { title "x" cites "c" require a }\n'
    )
    result = CliRunner().invoke(cli, ["lint", str(bad), str(good)])
    assert result.exit_code == 2
    assert "bad.lexgap:2:" in result.output and "nope" in result.output
    assert "unused-fact" in result.output
    assert "Traceback" not in result.output


# ---- the method: proven versus heuristic -----------------------------------------------------


def test_comparing_two_facts_is_only_heuristic(tmp_path: Path) -> None:
    """Outside the exact fragment a finding says 'no example found in N tries'; still an
    error (a problem found), marked not proven."""
    pack = _pack(
        tmp_path,
        "fact a: number\nfact b: number\n"
        'criterion t.cyc { title "c" cites "x" require a > b and b > a }\n',
    )
    [f] = _by_code(lint_pack(pack), "require-never-true")
    assert f.proven is False and f.severity is Severity.ERROR
    assert "no example found in" in f.message and f.tries > 0


def test_arithmetic_is_heuristic_and_finds_examples(tmp_path: Path) -> None:
    """Random search finds examples for satisfiable arithmetic, so nothing is reported."""
    pack = _pack(
        tmp_path,
        "fact a: number\nfact b: number\n"
        'criterion t.sum { title "c" cites "x" require a + b > 100 and a - b < 3 }\n',
    )
    assert lint_pack(pack) == []


def test_exact_fragment_is_proven_for_every_type(tmp_path: Path) -> None:
    """Dates, durations, as_of, strings, enums and list membership are decided exactly."""
    pack = _pack(
        tmp_path,
        "fact d: date\nfact p: duration\nfact s: string\nfact l: list(string)\n"
        "fact e: enum(x, y, z)\n"
        'criterion t.d { title "d" cites "c" require d > 2020-01-01 and d < 2020-01-02 }\n'
        'criterion t.p { title "p" cites "c" require p > 1h and p <= 60min }\n'
        'criterion t.s { title "s" cites "c" require s == "a" and s != "a" }\n'
        'criterion t.l { title "l" cites "c" require l contains "a" and not (l contains "a") }\n'
        'criterion t.e { title "e" cites "c" require e in [x, y] and e not in [x, y] }\n'
        'criterion t.o { title "o" cites "c" require as_of < 2000-01-01 and as_of > 2001-01-01 }\n',
    )
    found = _by_code(lint_pack(pack), "require-never-true")
    assert sorted(_criteria(f)[0] for f in found) == ["t.d", "t.e", "t.l", "t.o", "t.p", "t.s"]
    assert all(f.proven for f in found)


def test_values_between_constants_are_considered(tmp_path: Path) -> None:
    """A number strictly between two constants (17.5) is found, so no false finding."""
    pack = _pack(
        tmp_path,
        'fact n: number\ncriterion t.n { title "n" cites "c" require n > 17 and n < 18 }\n',
    )
    assert lint_pack(pack) == []


def test_only_unknown_or_false_is_never_true(tmp_path: Path) -> None:
    """A require that can only be unknown or false still can never be true."""
    pack = _pack(
        tmp_path,
        "fact a: bool\n"
        'criterion t.u { title "u" cites "c" require a and unknown }\n'
        'criterion t.k { title "k" cites "c" require not known(a) }\n',
    )
    findings = lint_pack(pack)
    assert [_criteria(f) for f in _by_code(findings, "require-never-true")] == [["t.u"]]
    # not known(a) can be true (a unknown) and false (a known): nothing to report for t.k.
    assert not [f for f in findings if _criteria_of(f) == ["t.k"]]


def test_known_contradiction_is_proven(tmp_path: Path) -> None:
    """known() is decided with the fact unknown as one of its values."""
    pack = _pack(
        tmp_path,
        'fact a: bool\ncriterion t.k { title "k" cites "c" require known(a) and not known(a) }\n',
    )
    [f] = _by_code(lint_pack(pack), "require-never-true")
    assert f.proven is True


def test_known_of_a_definition_of_as_of_can_be_true(tmp_path: Path) -> None:
    """known() of a definition that reads only as_of is always true, never 'never true'.

    Regression: the search read an unset as_of as unknown and pruned before setting it.
    """
    pack = _pack(
        tmp_path,
        "fact f: bool\ndefine d = as_of\n"
        'criterion t.k { title "k" cites "c" applies known(d) require f }\n',
    )
    assert _by_code(lint_pack(pack), "applies-never-true") == []
    j = lexgap.jurisdiction_from_mapping({"jurisdiction": "XA", "name": "X", "facts": {"f": True}})
    [r] = lexgap.evaluate(pack, [j]).results
    assert r.verdict.value == "met"


def test_applies_is_taken_into_account(tmp_path: Path) -> None:
    """A require that contradicts its own applies is never met when it applies."""
    pack = _pack(
        tmp_path,
        "fact n: number\n"
        'criterion t.a { title "a" cites "c" applies n >= 18 require n < 16 }\n'
        'criterion t.b { title "b" cites "c" applies n >= 18 require n >= 16 }\n',
    )
    findings = lint_pack(pack)
    assert [_criteria(f) for f in _by_code(findings, "require-never-true")] == [["t.a"]]
    assert [_criteria(f) for f in _by_code(findings, "require-never-false")] == [["t.b"]]


def test_not_applicable_criteria_do_not_conflict(tmp_path: Path) -> None:
    """A jurisdiction where one criterion does not apply complies with both."""
    pack = _pack(
        tmp_path,
        "fact m: bool\nfact p: duration\n"
        'criterion t.m { title "m" cites "c" require not m }\n'
        'criterion t.p { title "p" cites "c" applies m require p <= 24h }\n',
    )
    assert lint_pack(pack) == []


def test_minimal_conflicting_triple(tmp_path: Path) -> None:
    """Three criteria that conflict only together are reported as one set of three."""
    pack = _pack(
        tmp_path,
        "fact n: number\nfact y: bool\n"
        'criterion t.a { title "a" cites "c" require n >= 18 or y }\n'
        'criterion t.b { title "b" cites "c" require not y }\n'
        'criterion t.c { title "c" cites "c" require n < 16 }\n',
    )
    [f] = _by_code(lint_pack(pack), "criteria-conflict")
    assert _criteria(f) == ["t.a", "t.b", "t.c"]
    assert f.proven is True


def test_definitions_are_seen_through(tmp_path: Path) -> None:
    """Conditions inside definitions, and aliases of facts, are reasoned about exactly."""
    pack = _pack(
        tmp_path,
        "fact n: number\ndefine age = n\ndefine adult = age >= 18\n"
        'criterion t.a { title "a" cites "c" require adult and age < 10 }\n',
    )
    [f] = _by_code(lint_pack(pack), "require-never-true")
    assert f.proven is True


def test_fact_used_only_in_a_gap_message_is_used(tmp_path: Path) -> None:
    """A fact shown by a gap message counts as used."""
    pack = _pack(
        tmp_path,
        "fact a: bool\nfact b: string\n"
        'criterion t.a { title "a" cites "c" require a gap "b is {b}" }\n',
    )
    assert lint_pack(pack) == []


# ---- helpers in lexgap.testing, pack tests, shipped packs -------------------------------------


def test_assert_consistent_lists_errors() -> None:
    """assert_consistent raises listing the lint errors; a clean pack passes."""
    assert_consistent(CLEAN)
    with pytest.raises(AssertionError, match=r"require-never-true[\s\S]*criteria-conflict"):
        assert_consistent(PLANTED)


def test_assert_tests_pass(tmp_path: Path) -> None:
    """assert_tests_pass passes for passing tests and lists expected versus got."""
    assert_tests_pass(CLEAN)
    bad = tmp_path / "clean.lexgap"
    text = CLEAN.read_text().replace("expect clean.age met", "expect clean.age gap")
    bad.write_text(text)
    (tmp_path / "vocabulary.lexgap").write_text((DATA / "vocabulary.lexgap").read_text())
    with pytest.raises(AssertionError, match=r"clean\.age expected gap, got met"):
        assert_tests_pass(bad)


def test_test_coverage_command() -> None:
    """lexgap test --coverage reports criteria tested, verdicts reached and branches."""
    result = CliRunner().invoke(cli, ["test", "--coverage", str(CLEAN)])
    assert result.exit_code == 0, result.output
    assert "clean.mandated: not tested (no expect); verdicts reached met" in result.output
    assert "3/4 criteria tested" in result.output
    assert "1 passed, 0 failed" in result.output


_COVERED = """pack cov { title "c" }
fact a: bool
fact b: bool
fact n: number
define both = a and b
criterion cov.x {
  title "x"
  cites "c"
  require n >= 18 or both
}
criterion cov.y {
  title "y"
  cites "c"
  applies a
  require n < 30
}
test "adult" {
  given { n = 20 a = true b = false }
  expect cov.x met
}
test "child" {
  given { n = 10 a = true b = true }
  expect cov.x met
}
"""


def test_coverage_names_branches_and_verdicts(tmp_path: Path) -> None:
    """Coverage lists each and/or operand (also inside definitions) with the values the
    tests gave it, and per criterion the verdicts reached and the verdicts expected."""
    from lexgap.packtests import coverage, run_tests

    path = tmp_path / "cov.lexgap"
    path.write_text(_COVERED, encoding="utf-8")
    pack = lexgap.load_pack(path)
    x, y = coverage(pack, run_tests(pack))
    assert (x.criterion, x.tests, x.reached, x.expected) == ("cov.x", 2, ("met",), ("met",))
    seen = {b.text: (b.seen_true, b.seen_false, b.span.line) for b in x.branches}
    assert seen == {
        "n >= 18": (True, True, 9),
        "both": (True, True, 9),
        "a": (True, False, 5),
        "b": (True, True, 5),
    }
    assert (y.tests, y.reached, y.expected, y.branches) == (0, ("met",), (), ())
    text = CliRunner().invoke(cli, ["test", "--coverage", str(path)]).output
    assert f"branch a at {path}:5:15: seen true only" in text
    assert "cov.y: not tested (no expect)" in text
    assert "1/2 criteria tested; 3/4 and/or operands seen both true and false" in text


def test_coverage_json(tmp_path: Path) -> None:
    """``test --coverage --format json`` gives the same coverage as data, and the counts."""
    path = tmp_path / "cov.lexgap"
    path.write_text(_COVERED, encoding="utf-8")
    result = CliRunner().invoke(cli, ["test", "--coverage", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["passed"], data["failed"]) == (2, 0)
    [entry] = data["packs"]
    x = entry["coverage"][0]
    assert x["criterion"] == "cov.x" and x["verdicts_reached"] == ["met"]
    a = next(b for b in x["branches"] if b["text"] == "a")
    assert (a["seen_true"], a["seen_false"], a["line"], a["column"]) == (True, False, 5, 15)
    failing = tmp_path / "bad.lexgap"
    failing.write_text(
        _COVERED.replace("n = 10 a = true b = true", "n = 10 a = false"), encoding="utf-8"
    )
    bad = CliRunner().invoke(cli, ["test", "--format", "json", str(failing)])
    assert bad.exit_code == 1
    assert json.loads(bad.output)["failed"] == 1


@pytest.mark.parametrize(
    "name", sorted(p.name for p in RULES.glob("*.lexgap") if p.name != "vocabulary.lexgap")
)
def test_shipped_packs_have_no_lint_errors(name: str) -> None:
    """Every shipped rule pack is consistent (no lint errors)."""
    assert_consistent(RULES / name)


# ---- properties ------------------------------------------------------------------------------


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), pack=packs(max_facts=5, max_criteria=4))
def test_proven_findings_hold_on_random_jurisdictions(
    data: st.DataObject, pack: lexgap.Pack
) -> None:
    """Lint never raises, and a proven never-met / never-gap / never-applies claim is never
    contradicted by evaluating random jurisdictions."""
    findings = lint_pack(pack)
    never = {"require-never-true": "met", "require-never-false": "gap"}
    forbidden: dict[str, set[str]] = {}
    for f in findings:
        if isinstance(f, Finding) and f.proven and f.code in never:
            forbidden.setdefault(f.criteria[0][0], set()).add(never[f.code])
        if isinstance(f, Finding) and f.proven and f.code == "applies-never-true":
            forbidden.setdefault(f.criteria[0][0], set()).update({"met", "gap"})
    # NOTE: a conflict "when they all apply" only says they are never all met; the others
    # say they are never all met or not applicable.
    conflicts = [
        (
            {path for path, _ in f.criteria},
            ("met",) if "when they all apply" in f.message else ("met", "not_applicable"),
        )
        for f in findings
        if isinstance(f, Finding) and f.proven and f.code == "criteria-conflict"
    ]
    if not forbidden and not conflicts:
        return
    jurisdictions = data.draw(
        st.lists(fact_files(pack), min_size=1, max_size=4, unique_by=lambda j: j.code)
    )
    as_of = data.draw(st.dates(datetime.date(1990, 1, 1), datetime.date(2040, 12, 31)))
    report = lexgap.evaluate(pack, jurisdictions, as_of=as_of)
    for r in report.results:
        assert r.verdict.value not in forbidden.get(r.criterion, set()), (r.criterion, r.verdict)
    for j in jurisdictions:
        for conflict, good in conflicts:
            complying = {
                r.criterion
                for r in report.results
                if r.jurisdiction == j.code and r.verdict.value in good
            }
            assert not conflict <= complying, (j.code, conflict)


# ---- planted problems in varied spellings (each named, with codes and positions) -------------

_FACTS = (
    "fact x: number\nfact b: bool\nfact e: enum(a1, b1, c1)\nfact d: duration\n"
    "fact w: date\nfact k: bool\n"
)


@pytest.mark.parametrize(
    ("require", "code"),
    [
        ("x > 10 and x < 5", "require-never-true"),
        ("b and not b", "require-never-true"),
        ("e == a1 and e == b1", "require-never-true"),
        ("d < 1h and d > 2d", "require-never-true"),
        ("w < 2020-01-01 and w > 2021-01-01", "require-never-true"),
        ("known(k) and not known(k)", "require-never-true"),
        ("b or not b", "require-never-false"),
        ("x >= 0 or x < 0", "require-never-false"),
        ("known(k) or not known(k)", "require-never-false"),
        ("e in [a1, b1, c1]", "require-never-false"),
        ("b implies b", "require-never-false"),
    ],
)
def test_planted_requirement_is_reported_on_its_criterion(
    tmp_path: Path, require: str, code: str
) -> None:
    """A requirement that can never hold, or never fail, is one proven error on its require."""
    pack = _pack(
        tmp_path,
        _FACTS + 'criterion t.ok { title "o" cites "c" require x > 1 and b and e == a1 and d < 1h '
        "and w < 2020-01-01 and known(k) }\n"
        f'criterion t.bad {{ title "t" cites "c" require {require} }}\n',
    )
    findings = lint_pack(pack)
    [f] = [g for g in findings if g.code == code]
    assert isinstance(f, Finding) and _criteria(f) == ["t.bad"]
    line = f'criterion t.bad {{ title "t" cites "c" require {require} }}'
    assert (f.span.line, f.span.column) == (9, line.index(require) + 1)
    assert f.proven is True and f.severity is Severity.ERROR
    assert [g.code for g in findings] == [code]


def test_contradiction_through_a_definition(tmp_path: Path) -> None:
    """A contradiction hidden in a definition is found on the criterion that uses it."""
    pack = _pack(
        tmp_path,
        "fact x: number\ndefine odd = x > 10 and x < 5\n"
        'criterion t.d { title "t" cites "c" require odd }\n',
    )
    [f] = lint_pack(pack)
    assert f.code == "require-never-true" and _criteria(f) == ["t.d"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("require d <= 24h", "require d > 48h"),
        ("require e == c1", "require e == a1"),
        ("require b", "require not b"),
        ("applies k require d <= 24h", "require d > 48h"),
        ("applies k require b", "applies k require not b"),
        ("applies k require x >= 18", "applies not b require x < 16"),
    ],
)
def test_contradicting_pair_is_named(tmp_path: Path, first: str, second: str) -> None:
    """Two contradicting criteria, with or without applies, are one conflict naming both."""
    pack = _pack(
        tmp_path,
        _FACTS.replace("fact w: date\n", "")
        + f'criterion t.one {{ title "1" cites "c" {first} }}\n'
        f'criterion t.two {{ title "2" cites "c" {second} }}\n',
    )
    findings = lint_pack(pack)
    [f] = _by_code(findings, "criteria-conflict")
    assert _criteria(f) == ["t.one", "t.two"] and f.proven is True
    assert [s.line for _, s in f.criteria] == [7, 8]
    assert [g.code for g in findings if g.code not in ("unused-fact",)] == ["criteria-conflict"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("applies x > 3 require b and k", "applies (x > 3) require k and b"),
        ("require b implies k", "require not b or k"),
        ("require e == a1 or e == b1", "require e in [b1, a1]"),
        ("require x >= 18 and (b or k)", "require (k or b) and 18 <= x"),
    ],
)
def test_duplicates_written_differently(tmp_path: Path, first: str, second: str) -> None:
    """Criteria with the same verdict everywhere are duplicates however they are written."""
    pack = _pack(
        tmp_path,
        "fact x: number\nfact b: bool\nfact k: bool\nfact e: enum(a1, b1, c1)\n"
        f'criterion t.one {{ title "1" cites "c" {first} }}\n'
        f'criterion t.two {{ title "2" cites "c" {second} }}\n',
    )
    findings = [f for f in lint_pack(pack) if f.code != "unused-fact"]
    [f] = _by_code(findings, "duplicate-requirement")
    assert _criteria(f) == ["t.one", "t.two"] and f.span.line == 7
    assert f.proven is True and f.severity is Severity.ERROR
    assert len(findings) == 1


def test_consistent_pack_has_no_false_positives(tmp_path: Path) -> None:
    """Different facts, overlapping ranges, enums under or and disjoint applies: no finding."""
    pack = _pack(
        tmp_path,
        "fact a: bool\nfact n: number\nfact e: enum(x1, y1, z1)\nfact f: enum(x1, y1, z1)\n"
        "fact d: duration\n"
        'criterion t.a { title "t" cites "c" require a }\n'
        'criterion t.n { title "t" cites "c" require n >= 18 }\n'
        'criterion t.m { title "t" cites "c" require n < 21 }\n'
        'criterion t.e { title "t" cites "c" require e == x1 or e == y1 }\n'
        'criterion t.f { title "t" cites "c" require f == z1 or e == z1 }\n'
        'criterion t.d { title "t" cites "c" applies a require d <= 24h }\n'
        'criterion t.g { title "t" cites "c" applies not a require d > 48h }\n'
        'criterion t.h { title "t" cites "c" require not a or n > 3 }\n'
        'criterion t.i { title "t" cites "c" applies a require n < 30 }\n',
    )
    assert lint_pack(pack, strict=True) == []


def test_cli_exit_1_on_an_unused_fact_alone(tmp_path: Path) -> None:
    """An unused fact is a problem: exit 1 in text and JSON; the fact's position is given."""
    path = tmp_path / "u.lexgap"
    path.write_text(
        'pack u { title "u" }\nfact a: bool\nfact spare: number\n'
        'criterion u.a { title "a" cites "c" require a }\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    text = runner.invoke(cli, ["lint", str(path)])
    assert text.exit_code == 1 and f"{path}:3:1: error[unused-fact]" in text.output
    result = runner.invoke(cli, ["lint", "--format", "json", str(path)])
    assert result.exit_code == 1
    [f] = json.loads(result.output)["findings"]
    assert (f["code"], f["line"], f["column"], f["severity"]) == ("unused-fact", 3, 1, "error")


def test_fact_files_accepts_a_path_and_with_facts_restates() -> None:
    """fact_files takes a pack's path as documented; with_facts restates only what it is
    given, typed like a fact file, keeping the jurisdiction's other facts."""
    from hypothesis import find

    from lexgap.testing import with_facts

    path = RULES / "weprotect-cta-2024.lexgap"
    pack = lexgap.load_pack(path)
    j = find(fact_files(str(path)), lambda j: "treaty.lanzarote" in j.facts)
    k = with_facts(j, {"takedown.notice_period": "12h"})
    assert {p: v for p, v in k.facts.items() if p != "takedown.notice_period"} == dict(j.facts)
    period = pack.facts["takedown.notice_period"].type
    assert k.value_at("takedown.notice_period", period, datetime.date(2025, 1, 1))[0] == 12 * 3600
    unknown = with_facts(k, {"takedown.notice_period": None})
    assert unknown.value_at("takedown.notice_period", period, datetime.date(2025, 1, 1))[0] is None


def test_duplicates_by_canonical_form_and_not_otherwise(tmp_path: Path) -> None:
    """Regrouped and reordered and/or operands are duplicates outright ("written alike");
    criteria over the same facts with different verdicts somewhere are not duplicates."""
    pack = _pack(
        tmp_path,
        "fact p: bool\nfact q: bool\nfact r: bool\n"
        'criterion t.one { title "1" cites "c" require (p and q) and r }\n'
        'criterion t.two { title "2" cites "c" require r and (q and p) }\n'
        'criterion t.three { title "3" cites "c" require p or q or r }\n'
        'criterion t.four { title "4" cites "c" applies p require q or r }\n',
    )
    [f] = _by_code(lint_pack(pack), "duplicate-requirement")
    assert _criteria(f) == ["t.one", "t.two"] and f.proven is True
    assert "written alike" in f.message
