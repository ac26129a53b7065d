"""Hostile and broken input (issue 9): limits with positioned errors instead of crashes or
hangs, YAML 1.1 traps, atomic and non-clobbering writes, deterministic reports, and a
command line that never prints a traceback. See docs/security.rst."""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lexgap
from lexgap import fileio, reporters
from lexgap.cli import main
from lexgap.format import format_source
from lexgap.lint import lint_pack
from lexgap.packtests import run_tests
from lexgap.parser import MAX_SOURCE_BYTES
from tests.test_engine import EXAMPLE_FACTS
from tests.test_fuzz_frontend import EXAMPLE, EXAMPLE_FILE, mutated_example

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "lexgap"
AS_OF = datetime.date(2025, 1, 1)
FORMATS = ("json", "html", "markdown", "junit", "csv", "text")

#: Four lines: facts of several types, so line 5 is the first line a test adds.
HEAD = 'pack p { title "t" }\nfact a: bool\nfact n: number\nfact d: duration\n'
REQUIRE = 'criterion c { title "t" require '
N = 10_000

FUZZ = settings(
    max_examples=int(os.environ.get("LEXGAP_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs longer than ``seconds``."""

    def expire(*_: object) -> None:
        msg = f"took longer than {seconds} s: a hang, or exponential work"
        raise AssertionError(msg)

    if not hasattr(signal, "setitimer"):  # pragma: no cover - Windows: no timer signals
        yield
        return
    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def pack_error(text: str) -> lexgap.Diagnostic:
    """The first diagnostic of a pack that must not load (only a LexgapError may escape)."""
    with deadline(30), pytest.raises(lexgap.LexgapError) as info:
        lexgap.parse_pack(text)
    str(info.value)  # rendering must work too
    return info.value.first


def where(d: lexgap.Diagnostic) -> tuple[str, int, int]:
    return (d.code, d.span.line, d.span.column)


def everything(pack: lexgap.Pack, facts: list[lexgap.Jurisdiction]) -> lexgap.Report:
    """Evaluate, explain every result and render every format: nothing may raise."""
    report = lexgap.evaluate(pack, facts, as_of=AS_OF)
    for r in report.results:
        for text in (r.because, r.missing, r.to_close, r.message, r.explain()):
            str(text)
    for fmt in FORMATS:
        reporters.render(report, fmt)
    return report


def jurisdiction(**facts: Any) -> lexgap.Jurisdiction:
    return lexgap.jurisdiction_from_mapping({"jurisdiction": "XA", "name": "X", "facts": facts})


# ---- limits in packs ------------------------------------------------------------------------


class TestPackLimits:
    @pytest.mark.parametrize(
        ("expr", "column"),
        [
            ("(" * N + "a" + ")" * N, len(REQUIRE) + 101),
            ("[" * N + "a" + "]" * N, len(REQUIRE) + 101),
            ("not " * N + "a", len(REQUIRE) + 100 * len("not ") + 1),
            # NOTE: names count as a level: the `a` left of the 100th implies is the 101st.
            (" implies ".join(["a"] * N), len(REQUIRE) + 99 * len("a implies ") + 1),
            (" + ".join(["n"] * N) + " > 1", len(REQUIRE) + 1),
            ("-" * N + "n > 1", len(REQUIRE) + 100),
            ("- " * N + "n > 1", len(REQUIRE) + 2 * 99 + 1),
        ],
        ids=["parens", "brackets", "not", "implies", "plus", "minus", "spaced-minus"],
    )
    def test_deep_nesting_is_too_deep_at_its_position(self, expr: str, column: int) -> None:
        """10,000 levels of any nesting: a positioned too-deep error, not RecursionError."""
        d = pack_error(HEAD + REQUIRE + expr + " }\n")
        assert where(d) == ("too-deep", 5, column)

    def test_nesting_at_the_limit_loads(self) -> None:
        """100 levels are fine; 101 are refused."""
        lexgap.parse_pack(HEAD + REQUIRE + "not " * 99 + "a }\n")
        assert pack_error(HEAD + REQUIRE + "not " * 100 + "a }\n").code == "too-deep"

    @pytest.mark.parametrize("op", ["and", "or"])
    def test_long_and_or_chains_are_flat(self, op: str) -> None:
        """10,000 operands joined by and (or or) load, evaluate, explain and format."""
        facts = "".join(f"fact f{i}: bool\n" for i in range(100))
        chain = f" {op} ".join(f"f{i % 100}" for i in range(N))
        text = HEAD + facts + REQUIRE + chain + ' gap "g" }\n'
        with deadline(60):
            pack = lexgap.parse_pack(text)
            (expr,) = [c.require for c in pack.criteria]
            assert len(expr.operands) == N  # type: ignore[attr-defined]
            report = everything(pack, [jurisdiction(**{f"f{i}": False for i in range(100)})])
            assert report.results[0].verdict.value == "gap"
            assert lexgap.parse_pack(format_source(text)).criteria[0].path == "c"

    @pytest.mark.parametrize("reverse", [False, True])
    def test_long_chains_of_definitions_are_too_deep_once(self, reverse: bool) -> None:
        """3,000 definitions each using the last: one error, at the first one too deep."""
        lines = ["define d0 = a"] + [f"define d{i} = not d{i - 1}" for i in range(1, 3000)]
        if reverse:
            lines.reverse()
        with deadline(30), pytest.raises(lexgap.CheckError) as info:
            lexgap.parse_pack(HEAD + "\n".join(lines) + "\n" + REQUIRE + "d2999 }\n")
        # NOTE: d_i nests 2i + 1 levels (a `not` and a name per step): d100 passes 200.
        assert [d.code for d in info.value.diagnostics] == ["too-deep"]
        assert "'d100'" in info.value.first.message
        line = 5 + (100 if not reverse else 2999 - 100)
        assert (info.value.first.span.line, info.value.first.span.column) == (line, 1)

    def test_everything_works_at_the_limits_under_a_deep_stack(self) -> None:
        """Packs at every nesting limit load, evaluate, explain, render, format and lint with
        300 frames of caller already on the stack: the limits leave recursion headroom."""
        nots = "not " * 99
        implies = "a implies " * 99
        cases = [
            HEAD + REQUIRE + nots + "a }",
            HEAD + REQUIRE + implies + "a }",
            HEAD + REQUIRE + " + ".join(["n"] * 99) + ' > 1 gap "{n}" }',
            HEAD + REQUIRE + "a and (a or " * 49 + "a" + ")" * 49 + " }",
            HEAD + f"define d0 = {nots}a\ndefine d1 = {nots}d0\n" + REQUIRE + "d1 }",
            HEAD + f"define d0 = {implies}a\ndefine d1 = {implies}d0\n" + REQUIRE + "not d1 }",
            HEAD
            + "define d0 = a\n"
            + "".join(f"define d{i} = not d{i - 1}\n" for i in range(1, 100))
            + REQUIRE
            + "d99 }",
        ]
        facts = [jurisdiction(a=False, n=1, d="24h"), jurisdiction(a=True), jurisdiction()]

        def pipeline(text: str) -> None:
            pack = lexgap.parse_pack(text)
            format_source(text)
            lint_pack(pack)
            run_tests(pack)
            everything(pack, facts)

        def under(frames: int, fn: Callable[[], None]) -> None:
            if frames:
                under(frames - 1, fn)
            else:
                fn()

        for text in cases:
            under(300, lambda text=text: pipeline(text))  # type: ignore[misc]

    def test_shared_definitions_are_not_exponential(self) -> None:
        """d1 = d0 or d0, d2 = d1 or d1, ... 60 levels: explained at once, briefly."""
        for body in ("d{p} or d{p}", "d{p} and d{p}", "(d{p} and a) or (d{p} and not a)"):
            lines = ["define d0 = a"] + [
                f"define d{i} = " + body.format(p=i - 1) for i in range(1, 60)
            ]
            text = HEAD + "\n".join(lines) + "\n" + REQUIRE + 'd59 gap "x" }\n'
            with deadline(20):
                pack = lexgap.parse_pack(text)
                for facts in (jurisdiction(a=False), jurisdiction()):
                    report = everything(pack, [facts])
                    r = report.results[0]
                    assert len(str(r.because)) + len(str(r.to_close)) < 5_000
                    assert len(reporters.render(report, "json")) < 20_000

    @pytest.mark.parametrize(
        ("literal", "what"),
        [
            ("1" + "0" * 100_000, "number"),
            ("1" + "0" * 4_300, "number"),
            ("9" * 41, "number"),
            ("0." + "0" * 39 + "1", "number"),
            ("1" + "0" * 5_000 + "h", "duration"),
        ],
        ids=["1e100000", "int-str-limit", "41-digits", "41-chars", "long-duration"],
    )
    def test_huge_literals_are_too_large(self, literal: str, what: str) -> None:
        """Numbers past 40 characters are too-large at their position (never Python's
        int-to-str ValueError)."""
        fact = "d" if what == "duration" else "n"
        d = pack_error(HEAD + REQUIRE + f"{fact} > {literal} }}\n")
        assert where(d) == ("too-large", 5, len(REQUIRE) + 5)
        assert what in d.message

    def test_forty_characters_are_fine(self) -> None:
        """The limit is generous: 40 digits load, with or without a sign."""
        lexgap.parse_pack(HEAD + REQUIRE + f"n > -{'9' * 40} and n < {'9' * 40} }}\n")

    def test_exponent_notation_is_a_syntax_error(self) -> None:
        """1e999999 is not a lexgap number: a positioned syntax error."""
        d = pack_error(HEAD + REQUIRE + "n > 1e999999 }\n")
        assert (d.span.line, d.span.column) == (5, len(REQUIRE) + 5)

    @pytest.mark.parametrize(
        "body",
        [
            "d{p} * d{p} * d{p} * d{p}",
            "d{p} * d{p} * 0.5 * d{p}",
            "d{p} / 0.0000000000000000000000000000000000001",
            "d{p} * 0.0000000000000000000000000000000000001 * d{p}",
        ],
    )
    def test_runaway_arithmetic_is_unknown(self, body: str) -> None:
        """Definitions that multiply definitions: unknown past 10**1000, at once."""
        lines = ["define d0 = n + 0.5"]
        lines += [f"define d{i} = " + body.format(p=i - 1) for i in range(1, 40)]
        text = HEAD + "\n".join(lines) + "\n" + REQUIRE + 'd39 > 1 gap "{d39} {d3}" }\n'
        with deadline(20):
            report = everything(lexgap.parse_pack(text), [jurisdiction(n=10**39)])
        assert report.results[0].verdict.value == "unknown"

    def test_arithmetic_just_inside_the_bound_is_exact(self) -> None:
        """Large but bounded results are computed exactly and shown in full."""
        text = HEAD + "define big = " + " * ".join(["n"] * 20) + "\n"
        text += REQUIRE + 'big < 0 gap "{big}" }\n'
        report = everything(lexgap.parse_pack(text), [jurisdiction(n=-(10**39))])
        assert report.results[0].message == str(10**780)

    def test_many_criteria(self) -> None:
        """5,000 criteria, each in its own group, load, evaluate, render and lint in linear
        time (the HTML report's summaries were quadratic, and lint built every pair of
        criteria that share a fact before its capped search)."""
        text = HEAD + "".join(
            f'criterion c{i} {{ title "t" group "g{i}" require a or n > {i} }}\n'
            for i in range(5000)
        )
        with deadline(60):
            pack = lexgap.parse_pack(text)
            report = lexgap.evaluate(pack, [jurisdiction(a=False, n=10)], as_of=AS_OF)
            for fmt in ("html", "csv"):
                reporters.render(report, fmt)
            findings = lint_pack(pack)
        assert len(report.results) == 5000
        assert "conflict-search-incomplete" in {f.code for f in findings}
        assert [r.verdict.value for r in report.results[9:12]] == ["met", "gap", "gap"]

    def test_lint_looks_criteria_up_without_comparing_them(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Lint finds each criterion's compiled form directly: comparing criteria by value
        (``tuple.index``) made it quadratic, minutes for 20,000 criteria."""
        from lexgap.model import Criterion

        n = 400
        text = HEAD + "".join(
            f'criterion c{i} {{ title "t" group "g{i}" require a or n > {i} }}\n'
            for i in range(n)
        )
        pack = lexgap.parse_pack(text)
        calls = 0
        original = Criterion.__eq__

        def counting(self: Criterion, other: object) -> bool:
            nonlocal calls
            calls += 1
            return bool(original(self, other))

        monkeypatch.setattr(Criterion, "__eq__", counting)
        findings = lint_pack(pack)
        assert "missing-cites" in {f.code for f in findings}
        assert calls < n

    def test_many_diagnostics_split_their_source_once(self) -> None:
        """Rendering thousands of diagnostics on one large pack splits its lines once, not
        once per diagnostic (which was quadratic in the size of the pack)."""
        from lexgap import diagnostics

        n = 2000
        text = HEAD + "".join(
            f'criterion c{i} {{ title "t" require a or n > {i} }}\n' for i in range(n)
        )
        findings = lint_pack(lexgap.parse_pack(text))
        diagnostics.source_lines.cache_clear()
        rendered = [f.render(findings.sources) for f in findings]
        assert sum("missing-cites" in r for r in rendered) == n
        assert diagnostics.source_lines.cache_info().misses == 1

    @pytest.mark.parametrize(
        ("body", "code"),
        [
            ('criterion c { title "' + "x" * 1_000_000 + '" require a }', None),
            ('criterion c { title "' + "\\\\" * 500_000 + '" require a }', None),
            ("define e = " + "a." * 500_000 + "b", "undefined-name"),
            ("define e = d < " + "1h" * 500_000, "too-large"),
        ],
        ids=["string", "escapes", "path", "duration"],
    )
    def test_long_tokens_lex_in_memory_proportional_to_them(
        self, body: str, code: str | None
    ) -> None:
        """A megabyte-long string, path or duration is lexed without a backtracking entry
        per character: Python's re kept one per repetition of ``(a|b)*``, half a gigabyte
        for a 2 MB string literal."""
        import tracemalloc

        tracemalloc.start()
        try:
            try:
                lexgap.parse_pack(HEAD + body + "\n")
                found = None
            except lexgap.LexgapError as err:
                found = err.first.code
                assert len(str(err)) < 5_000  # the name is quoted, but not in full
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert found == code
        assert peak < 80 * 2**20

    def test_ten_megabyte_files(self, tmp_path: Path) -> None:
        """A 10 MB line loads; one byte more is too-large, even from a file larger still
        (which is not read whole)."""
        text = HEAD + "# " + "x" * (MAX_SOURCE_BYTES - len(HEAD) - 3) + "\n"
        assert len(text) == MAX_SOURCE_BYTES
        with deadline(30):
            lexgap.parse_pack(text)
            assert where(pack_error(text + " ")) == ("too-large", 1, 1)
        big = tmp_path / "big.lexgap"
        with big.open("wb") as handle:
            handle.truncate(1 << 40)  # a sparse terabyte: reading it whole would never end
        with deadline(10), pytest.raises(lexgap.CheckError) as info:
            lexgap.load_pack(big)
        assert info.value.first.code == "too-large"

    def test_lone_surrogates_in_pack_text(self) -> None:
        """A str that is not valid Unicode is an error at the character, not at output."""
        d = pack_error(HEAD + 'criterion c { title "\ud800" require a }\n')
        assert where(d) == ("unexpected-char", 5, 22)

    def test_imports_are_only_packs(self, tmp_path: Path) -> None:
        """A pack cannot read (and quote) a file that is not a pack."""
        secret = tmp_path / "secret.txt"
        secret.write_text("password=hunter2\n", encoding="utf-8")
        root = tmp_path / "p.lexgap"
        root.write_text(f'pack p {{ title "t" }}\nimport "{secret}"\n', encoding="utf-8")
        with pytest.raises(lexgap.CheckError) as info:
            lexgap.load_pack(root)
        assert where(info.value.first) == ("import-not-lexgap", 2, 1)
        assert "hunter2" not in str(info.value)


# ---- limits in fact files -------------------------------------------------------------------

FACTS_HEAD = "jurisdiction: XA\nname: Examplia\nfacts:\n"


def facts_error(text: str) -> lexgap.Diagnostic:
    with deadline(30), pytest.raises(lexgap.FactsError) as info:
        lexgap.parse_jurisdiction(text, "j.yaml")
    str(info.value)
    return info.value.first


class TestFactLimits:
    @pytest.mark.parametrize(
        ("value", "line"),
        [
            (" " + "[" * N + "1" + "]" * N, 4),
            (" " + "{a: " * N + "1" + "}" * N, 4),
            ("\n    " + "- " * N + "1", 5),
        ],
        ids=["flow-lists", "flow-mappings", "block-lists"],
    )
    def test_deep_nesting_is_too_deep(self, value: str, line: int) -> None:
        """Deeply nested values are refused before anything recursive sees them."""
        d = facts_error(FACTS_HEAD + "  a:" + value + "\n")
        assert (d.code, d.span.line) == ("too-deep", line)

    def test_hundred_thousand_brackets_do_not_crash_the_process(self) -> None:
        """libyaml's own composer recursed in C and crashed here (SIGSEGV); lexgap's does not.
        Run in a child process, so a regression fails this test instead of the suite."""
        code = (
            "import lexgap\n"
            "text = 'jurisdiction: XA\\nname: X\\nfacts:\\n  a: ' + '[' * 100000 + ']' * 100000\n"
            "try:\n    lexgap.parse_jurisdiction(text)\n"
            "except lexgap.FactsError as err:\n    print(err.first.code)\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert (out.returncode, out.stdout.strip()) == (0, "too-deep")

    def test_billion_laughs(self) -> None:
        """An alias bomb is refused at its first alias, at once."""
        lines = ['  a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
        lines += [f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
        d = facts_error(FACTS_HEAD + "\n".join(lines) + "\n")
        assert where(d) == ("yaml-alias", 5, 12)

    def test_too_many_values(self) -> None:
        """More than 200,000 values: too-large, at the value past the limit."""
        text = FACTS_HEAD + "".join(f"  f{i}: [1, 2, 3]\n" for i in range(50_001))
        d = facts_error(text)
        assert d.code == "too-large" and d.span.line > 4

    def test_ten_megabytes(self, tmp_path: Path) -> None:
        """A 10 MB line loads; a larger file is too-large and not read whole."""
        text = FACTS_HEAD + "  s: " + "x" * 9_000_000 + "\n"
        j = lexgap.parse_jurisdiction(text)
        assert len(j.facts["s"][0].raw.text) == 9_000_000
        big = tmp_path / "big.yaml"
        with big.open("wb") as handle:
            handle.truncate(1 << 40)
        with deadline(10), pytest.raises(lexgap.FactsError) as info:
            lexgap.load_jurisdiction(big)
        assert info.value.first.code == "too-large"

    @pytest.mark.parametrize(
        ("fact", "text", "hint"),
        [
            ("n", "1" + "0" * 100_000, "40 characters"),
            ("n", "1" + "0" * 4_300, "40 characters"),
            ("d", "1" + "0" * 5_000 + "h", "40 characters"),
            ("d", "PT" + "9" * 5_000 + "H", "40 characters"),
            ("n", "1e999999", "decimal number"),
            ("n", ".inf", "decimal number"),
        ],
        ids=["1e100000", "int-str-limit", "duration", "iso-duration", "exponent", "inf"],
    )
    def test_huge_numbers_are_type_errors(self, fact: str, text: str, hint: str) -> None:
        """Huge numbers and durations fail when typed, with file:line:col, not ValueError."""
        j = lexgap.parse_jurisdiction(FACTS_HEAD + f"  {fact}: {text}\n", "j.yaml")
        pack = lexgap.parse_pack(HEAD + REQUIRE + "n > 1 or d > 1h }\n")
        with pytest.raises(lexgap.FactsError) as info:
            lexgap.evaluate(pack, [j], as_of=AS_OF)
        d = info.value.first
        assert (d.code, str(d.span)) == ("fact-type", "j.yaml:4:6")
        assert d.hint is not None and hint in d.hint

    def test_hostile_python_data(self) -> None:
        """jurisdiction_from_mapping refuses what a file could not hold, as FactsErrors."""
        loop: list[Any] = []
        loop.append(loop)
        deep: list[Any] = []
        for _ in range(N):
            deep = [deep]
        for value in (10**5000, loop, deep, "\ud800", b"bytes", object()):
            with pytest.raises(lexgap.FactsError):
                jurisdiction(a=value)
        with pytest.raises(lexgap.FactsError):
            lexgap.jurisdiction_from_mapping({"jurisdiction": "XA", "name": None})

    def test_python_numbers_in_plain_notation(self) -> None:
        """Decimals and floats from Python read as the numbers they are (not as 1E-39)."""
        tiny = Decimal("0." + "0" * 37 + "1")
        j = jurisdiction(a=tiny, b=Decimal(100) / 10, c=1e-5, d=None)
        pack = lexgap.parse_pack(
            'pack p { title "t" }\nfact a: number\nfact b: number\nfact c: number\n'
            'fact d: number\ncriterion c { title "t" require a > 0 and b == 10 and c > 0 }\n'
        )
        assert lexgap.evaluate(pack, [j], as_of=AS_OF).results[0].verdict.value == "met"

    @pytest.mark.parametrize("path", ["a\x00b.yaml", "x" * 5000 + ".yaml"])
    def test_impossible_file_names(self, path: str) -> None:
        """A NUL byte or an overlong name is unreadable, through every entry point."""
        pack = lexgap.parse_pack(HEAD + REQUIRE + "a }\n")
        for call in (
            lambda: lexgap.load_jurisdiction(path),
            lambda: lexgap.load_jurisdictions(path),
            lambda: lexgap.evaluate(pack, [path]),
            lambda: lexgap.load_pack(path.replace(".yaml", ".lexgap")),
        ):
            with pytest.raises(lexgap.LexgapError) as info:
                call()
            assert info.value.first.code == "unreadable"


# ---- YAML 1.1 traps --------------------------------------------------------------------------

TRAP_PACK = """\
pack traps { title "YAML traps" }
fact b: bool
fact n: number
fact s: string
fact d: date
fact e: enum(yes, no, on, off)
fact l: list(string)
criterion c {
  title "t"
  require b or n > 1 or s == "x" or d > 2000-01-01 or e == yes or count(l) > 0
}
"""


@pytest.fixture(scope="module")
def trap_pack() -> lexgap.Pack:
    return lexgap.parse_pack(TRAP_PACK)


def typed(pack: lexgap.Pack, fact: str, text: str) -> Any:
    """The value a fact file's ``fact: text`` means to the trap pack, or the first error as
    (code, line, column, hint)."""
    try:
        j = lexgap.parse_jurisdiction(FACTS_HEAD + f"  {fact}: {text}\n", "j.yaml")
        problems = j.check_types({p: f.type for p, f in pack.facts.items()})
        if not problems:
            return j.value_at(fact, pack.facts[fact].type, AS_OF)[0]
    except lexgap.FactsError as err:
        problems = list(err.diagnostics)
    d = problems[0]
    return (d.code, d.span.line, d.span.column, d.hint or "")


class TestYamlTraps:
    @pytest.mark.parametrize(
        ("fact", "text", "expected"),
        [
            ("b", "true", True),
            ("b", "False", False),
            ("e", "no", "no"),
            ("e", "'yes'", "yes"),
            ("s", "no", "no"),
            ("s", "NO", "NO"),
            ("s", "1:20", "1:20"),
            ("s", "0o17", "0o17"),
            ("s", "017", "017"),
            ("s", "1_000", "1_000"),
            ("s", ".inf", ".inf"),
            ("s", "2024-01-01", "2024-01-01"),
            ("s", "2024-01-01 10:00:00", "2024-01-01 10:00:00"),
            ("s", "'unknown'", "unknown"),
            ("s", "unknown", None),
            ("d", "2024-01-01", datetime.date(2024, 1, 1)),
            ("n", "17", 17),
            ("n", "0", 0),
            ("n", "0.50", Decimal("0.50")),
            ("n", "-0.5", Decimal("-0.5")),
            ("l", "[no, yes, 2024-01-01, '~']", ("no", "yes", "2024-01-01", "~")),
        ],
    )
    def test_values_mean_what_was_written(
        self, trap_pack: lexgap.Pack, fact: str, text: str, expected: Any
    ) -> None:
        """Plain YAML scalars keep their text until the pack's type reads it."""
        assert typed(trap_pack, fact, text) == expected

    @pytest.mark.parametrize(
        ("fact", "text", "code", "hint"),
        [
            *(("b", w, "fact-type", "yes/no/on/off") for w in ("no", "yes", "on", "off", "y", "N")),
            ("b", "1", "fact-type", "true or false"),
            ("b", "'true'", "fact-type", "true or false"),
            ("n", "1:20", "fact-type", "decimal number"),
            ("n", "0o17", "fact-type", "decimal number"),
            ("n", "0x1F", "fact-type", "decimal number"),
            ("n", "017", "fact-type", "leading zeros"),
            ("n", "-007", "fact-type", "leading zeros"),
            ("n", "1_000", "fact-type", "decimal number"),
            ("n", ".inf", "fact-type", "decimal number"),
            ("n", "-.inf", "fact-type", "decimal number"),
            ("n", ".nan", "fact-type", "decimal number"),
            ("n", "1e3", "fact-type", "decimal number"),
            ("n", "'18'", "fact-type", "without quotes"),
            ("d", "2024-02-30", "fact-type", "ISO date"),
            ("d", "2024-01-01T00:00:00", "fact-type", "ISO date"),
            *(("b", w, "fact-value", "unknown") for w in ("~", "null", "Null", "NULL", "")),
            ("s", "~", "fact-value", "unknown"),
            ("s", "!!str 3", "yaml-tag", "plainly"),
            ("n", "!!int 3", "yaml-tag", "plainly"),
            ("b", "!!bool yes", "yaml-tag", "plainly"),
            ("s", "!!binary aGVsbG8=", "yaml-tag", "plainly"),
            ("s", "!!python/object/apply:os.system ['echo pwned']", "yaml-tag", "plainly"),
            ("s", "!!python/name:os.system", "yaml-tag", "plainly"),
            ("s", "! 3", "yaml-tag", "plainly"),
        ],
    )
    def test_traps_are_errors_at_the_value(
        self, trap_pack: lexgap.Pack, fact: str, text: str, code: str, hint: str
    ) -> None:
        """What YAML 1.1 would silently reinterpret is an error at file:4:col of the value."""
        got = typed(trap_pack, fact, text)
        assert isinstance(got, tuple), got
        assert got[:3] == (code, 4, 6 if text else 5)
        assert hint in got[3]

    @pytest.mark.parametrize(
        ("text", "code", "line", "column"),
        [
            ("jurisdiction: XA\nname: ~\nfacts: {}\n", "fact-value", 2, 7),
            ("jurisdiction: XA\nname:\nfacts: {}\n", "fact-value", 2, 6),
            ("jurisdiction: ~\nname: X\n", "fact-value", 1, 15),
            ("jurisdiction: XA\nname: X\nreviewed: null\n", "fact-value", 3, 11),
            (FACTS_HEAD + "  a:\n    value: true\n    source: ~\n", "fact-value", 6, 13),
            (FACTS_HEAD + "  a:\n    value: true\n    since: Null\n", "fact-value", 6, 12),
            (FACTS_HEAD + "  a:\n    value: ~\n", "fact-value", 5, 12),
            (FACTS_HEAD + "  a: true\n  a: false\n", "duplicate-key", 5, 3),
            (FACTS_HEAD + "  a:\n    value: 1\n    value: 2\n", "duplicate-key", 6, 5),
            ("jurisdiction: XA\njurisdiction: XB\nname: X\n", "duplicate-key", 2, 1),
            (FACTS_HEAD + "  a: 1\n---\njurisdiction: XB\n", "yaml-syntax", 5, 1),
            ("jurisdiction: !!str XA\nname: X\n", "yaml-tag", 1, 15),
            (FACTS_HEAD + "  a: !!set {x}\n", "yaml-tag", 4, 6),
            (FACTS_HEAD + "  a: &x 1\n  b: *x\n", "yaml-alias", 5, 6),
            (FACTS_HEAD + "  <<: {a: 1}\n", "fact-key", 4, 3),
        ],
    )
    def test_structure_traps(self, text: str, code: str, line: int, column: int) -> None:
        """Null metadata, duplicate keys, extra documents, tags, aliases and merge keys are
        errors at their position."""
        d = facts_error(text)
        assert where(d) == (code, line, column)

    def test_evaluation_names_the_file_line_and_column(
        self, trap_pack: lexgap.Pack, tmp_path: Path
    ) -> None:
        """A trap met at evaluation is an error with file:line:col, through the API and CLI."""
        path = tmp_path / "xa.yaml"
        path.write_text(FACTS_HEAD + "  b: no\n", encoding="utf-8")
        with pytest.raises(lexgap.FactsError) as info:
            lexgap.evaluate(trap_pack, [path], as_of=AS_OF)
        assert str(info.value.first.span) == f"{path}:4:6"
        pack_file = tmp_path / "traps.lexgap"
        pack_file.write_text(TRAP_PACK, encoding="utf-8")
        code, _out, err = run_cli("check", str(pack_file), str(path))
        assert code == 2
        assert f"{path}:4:6: error[fact-type]" in err


# ---- the command line never shows a traceback ------------------------------------------------


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run ``lexgap ARGS`` in this process; return (status, stdout, stderr)."""
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        else:  # pragma: no cover - main always exits
            code = 0
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def hostile(tmp_path: Path) -> dict[str, Path]:
    """Broken and hostile inputs, and a good pack and fact file, in tmp_path."""
    files = {
        "pack": EXAMPLE,
        "vocabulary": (Path(EXAMPLE_FILE).parent / "vocabulary.lexgap").read_text("utf-8"),
        "gb": EXAMPLE_FACTS,
        "deep_pack": HEAD + REQUIRE + "not " * N + "a }\n",
        "huge_number_pack": HEAD + REQUIRE + "n > 1" + "0" * 5000 + " }\n",
        "defs_pack": HEAD
        + "".join(f"define d{i} = not d{i - 1}\n" for i in range(1, 500))
        + "define d0 = a\n",
        "etc_pack": 'pack p { title "t" }\nimport "/etc/passwd"\n',
        "escape_pack": HEAD + 'criterion c { title "\x1b[2J\x1b]0;pwned\x07" require zz }\n',
        "bomb": FACTS_HEAD + "  a: &a [1, 1, 1]\n  b: &b [*a, *a, *a]\n",
        "deep_facts": FACTS_HEAD + "  a: " + "[" * N + "]" * N + "\n",
        "tagged": FACTS_HEAD + "  a: !!python/object/apply:os.system ['echo pwned']\n",
        "huge_fact": FACTS_HEAD + "  takedown.notice_period: " + "9" * 5000 + "h\n",
        "trap": FACTS_HEAD + "  takedown.mandated: no\n",
        "escape_facts": FACTS_HEAD + '  "\\e[2J\\e]0;pwned\\a": 1\n',
    }
    out: dict[str, Path] = {}
    for name, text in files.items():
        suffix = ".lexgap" if name.endswith("pack") or name == "vocabulary" else ".yaml"
        path = tmp_path / (("vocabulary" if name == "vocabulary" else name) + suffix)
        path.write_text(text, encoding="utf-8")
        out[name] = path
    (tmp_path / "binary.lexgap").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "binary.yaml").write_bytes(b"\xff\xfe" + bytes(range(256)))
    out["binary_pack"], out["binary_facts"] = tmp_path / "binary.lexgap", tmp_path / "binary.yaml"
    return out


BAD_PACKS = ["deep_pack", "huge_number_pack", "defs_pack", "etc_pack", "escape_pack", "binary_pack"]
BAD_FACTS = ["bomb", "deep_facts", "tagged", "huge_fact", "trap", "escape_facts", "binary_facts"]


class TestCommandLine:
    @pytest.mark.parametrize("bad", BAD_PACKS)
    def test_bad_packs_exit_2_for_every_command(self, hostile: dict[str, Path], bad: str) -> None:
        """check, explain, report, test, schema (and fmt, for syntax errors): status 2 and
        one clear message, without terminal escapes."""
        pack, gb = str(hostile[bad]), str(hostile["gb"])
        out_dir = str(hostile["gb"].parent / "reports")
        commands = [
            ["check", pack, gb],
            ["explain", pack, gb, "c"],
            ["report", gb, "--pack", pack, "-o", out_dir],
            ["test", pack],
            ["schema", pack],
        ]
        if bad in ("deep_pack", "binary_pack"):
            commands.append(["fmt", pack])
        for args in commands:
            code, _out, err = run_cli(*args)
            assert code == 2, (args, err)
            assert "internal error" not in err and "Traceback" not in err
            assert re.search(r"error\[[a-z-]+\]", err), err
            assert "\x1b" not in err and "\x07" not in err

    def test_lint_reports_bad_packs_as_findings(self, hostile: dict[str, Path]) -> None:
        """lint lists a pack that does not load as an error finding (status 2, an input
        error, as documented), with no traceback or terminal escapes."""
        for bad in BAD_PACKS:
            code, out, err = run_cli("lint", str(hostile[bad]))
            assert code == 2, (bad, out, err)
            assert re.search(r"error\[[a-z-]+\]", out), out
            assert "internal error" not in err and "Traceback" not in out + err
            assert "\x1b" not in out and "\x07" not in out

    @pytest.mark.parametrize("bad", BAD_FACTS)
    def test_bad_fact_files_exit_2(self, hostile: dict[str, Path], bad: str) -> None:
        """check, explain and report: status 2, a positioned message, no escapes."""
        pack, facts = str(hostile["pack"]), str(hostile[bad])
        out_dir = str(hostile["gb"].parent / "reports")
        for args in (
            ["check", pack, facts],
            ["explain", pack, facts, "cta.takedown_period"],
            ["report", facts, "--pack", pack, "-o", out_dir],
        ):
            code, _out, err = run_cli(*args)
            assert code == 2, (args, err)
            assert "internal error" not in err
            assert re.search(r"error\[[a-z-]+\]", err), err
            assert "\x1b" not in err and "\x07" not in err

    def test_no_traceback_in_a_real_process(self, hostile: dict[str, Path]) -> None:
        """The installed entry point, run as a user would, prints no traceback."""
        env = {**os.environ, "NO_COLOR": "1"}
        for args in (
            ["check", str(hostile["deep_pack"]), str(hostile["gb"])],
            ["check", str(hostile["pack"]), str(hostile["deep_facts"])],
            ["fmt", str(hostile["binary_pack"])],
            ["check", str(hostile["pack"]), "no\x00such"],
        ):
            args = [a.replace("\x00", "") for a in args]  # argv cannot hold NUL
            done = subprocess.run(
                [sys.executable, "-m", "lexgap", *args], capture_output=True, text=True, env=env
            )
            assert done.returncode == 2, done.stderr
            assert "Traceback" not in done.stderr + done.stdout

    def test_file_names_that_are_not_utf8(self, hostile: dict[str, Path]) -> None:
        """A fact file whose name is not UTF-8 (so Python holds it with lone surrogates)
        is reported with the name escaped, to a file or to a strict stdout, not an
        internal error."""
        folder = hostile["gb"].parent
        raw = os.fsencode(folder) + b"/bad\xffname.yaml"
        try:
            with open(raw, "wb") as handle:  # NOTE: a bytes path, on purpose
                handle.write(hostile["gb"].read_bytes())
        except OSError:
            pytest.skip("this file system refuses names that are not UTF-8")
        name, pack = os.fsdecode(raw), str(hostile["pack"])
        for fmt in FORMATS:
            out = folder / f"out.{fmt}"
            code, _out, err = run_cli("check", pack, name, "--format", fmt, "-o", str(out))
            assert code in (0, 1), err
            out.read_text("utf-8")  # NOTE: strict: the report is valid UTF-8
        env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
        done = subprocess.run(
            [sys.executable, "-m", "lexgap", "check", pack, name, "--format", "json"],
            capture_output=True,
            env=env,
        )
        assert done.returncode in (0, 1), done.stderr
        assert b'"file": "' + os.fsencode(folder) + b'/bad\\udcffname.yaml"' in done.stdout

    def test_escapes_from_explained_facts_do_not_reach_the_terminal(
        self, hostile: dict[str, Path]
    ) -> None:
        """explain and the text report show control characters from files as U+FFFD."""
        pack = hostile["pack"].parent / "esc.lexgap"
        pack.write_text(
            'pack p { title "\x1b[31mred" }\nfact a: bool "\x1b]0;t\x07"\n'
            'criterion c { title "\x1b[2J" require a remedy "\x07" }\n',
            encoding="utf-8",
        )
        facts = hostile["pack"].parent / "esc.yaml"
        facts.write_text(
            FACTS_HEAD + '  a:\n    value: false\n    source: "\\e[2J"\n', encoding="utf-8"
        )
        for args in (["explain", str(pack), str(facts), "c"], ["check", str(pack), str(facts)]):
            code, out, _err = run_cli(*args)
            assert code in (0, 1)
            assert "\x1b" not in out and "\x07" not in out
            assert "2J" in out


# ---- writes ----------------------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    """Temporary files lexgap left behind."""
    return sorted(p.name for p in folder.rglob("*.tmp"))


class _HalfWriter:
    """A file object that writes half the text and is then interrupted."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def __enter__(self) -> _HalfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def write(self, text: str) -> int:
        self.handle.write(text[: len(text) // 2])
        self.handle.flush()
        raise KeyboardInterrupt

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)


def interrupt_halfway(monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: _HalfWriter(real(*a, **k)))


def interrupt_rename(monkeypatch: pytest.MonkeyPatch) -> None:
    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", stop)
    monkeypatch.setattr(os, "link", stop)


def interrupt_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", stop)


INTERRUPTIONS = {
    "halfway": interrupt_halfway,
    "fsync": interrupt_fsync,
    "rename": interrupt_rename,
}


class TestWrites:
    @pytest.mark.parametrize("when", sorted(INTERRUPTIONS))
    @pytest.mark.parametrize("overwrite", [True, False])
    def test_interrupted_write_keeps_the_original(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str, overwrite: bool
    ) -> None:
        """Ctrl-C halfway through a write, before the flush or at the rename: the original
        file is intact (or still absent), no temporary file remains, and the interrupt
        reaches the caller."""
        target = tmp_path / "out.txt"
        if overwrite:
            target.write_text("original\n", encoding="utf-8")
        INTERRUPTIONS[when](monkeypatch)
        with pytest.raises(KeyboardInterrupt):
            fileio.write_atomically(target, "new text " * 10_000, overwrite=overwrite)
        monkeypatch.undo()
        if overwrite:
            assert target.read_text(encoding="utf-8") == "original\n"
        else:
            assert not target.exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == (["out.txt"] if overwrite else [])

    @pytest.mark.parametrize("when", sorted(INTERRUPTIONS))
    @pytest.mark.parametrize("command", ["fmt", "check", "report", "init", "schema", "diff"])
    def test_interrupted_commands_lose_nothing(
        self,
        hostile: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch,
        command: str,
        when: str,
    ) -> None:
        """Every writing command, interrupted: status 130, files as they were, no temps."""
        folder = hostile["pack"].parent
        pack, gb = str(hostile["pack"]), str(hostile["gb"])
        messy = folder / "messy.lexgap"
        messy.write_text('pack   p {title "t"}\nfact a:bool\n', encoding="utf-8")
        out = folder / "out.txt"
        out.write_text("previous report\n", encoding="utf-8")
        reports = folder / "reports"
        reports.mkdir()
        (reports / "pack.html").write_text("previous\n", encoding="utf-8")
        args = {
            "fmt": ["fmt", "--write", str(messy)],
            "check": ["check", pack, gb, "-o", str(out), "--fail-on", "never"],
            "report": ["report", gb, "--pack", pack, "-o", str(reports)],
            "init": [
                "init",
                pack,
                "--jurisdiction",
                "XA",
                "--name",
                "X",
                "-o",
                str(folder / "xa.yaml"),
            ],
            "schema": ["schema", pack, "-o", str(out)],
            "diff": ["diff", pack, gb, gb, "-o", str(out)],
        }[command]
        before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        INTERRUPTIONS[when](monkeypatch)
        code, _out, err = run_cli(*args)
        monkeypatch.undo()
        assert code == 130, err
        after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        assert after == before
        assert leftovers(folder) == []

    def test_failed_writes_are_errors_that_lose_nothing(
        self, hostile: dict[str, Path], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A full disk (OSError at the write): status 2, message, original intact."""
        folder = hostile["pack"].parent
        out = folder / "out.txt"
        out.write_text("previous report\n", encoding="utf-8")

        def full(*_: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", full)
        code, _o, err = run_cli("check", str(hostile["pack"]), str(hostile["gb"]), "-o", str(out))
        monkeypatch.undo()
        assert code == 2 and "No space left on device" in err
        assert out.read_text(encoding="utf-8") == "previous report\n"
        assert leftovers(folder) == []

    def test_outputs_never_replace_inputs(self, hostile: dict[str, Path]) -> None:
        """-o naming the pack, an import or a fact file (directly, or through a link) is a
        usage error, and the file is untouched."""
        folder = hostile["pack"].parent
        pack, gb, vocab = hostile["pack"], hostile["gb"], hostile["vocabulary"]
        (folder / "link.yaml").symlink_to(gb)
        (folder / "rep").mkdir()
        in_report_dir = folder / "rep" / "pack.json"  # NOTE: where report writes pack.lexgap
        in_report_dir.write_text(gb.read_text("utf-8"), encoding="utf-8")
        before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        for args in (
            ["check", str(pack), str(gb), "-o", str(gb)],
            ["check", str(pack), str(gb), "-o", str(folder / "link.yaml")],
            ["check", str(pack), str(gb), "-o", str(vocab), "--format", "json"],
            ["check", str(pack), str(gb), "-o", str(pack)],
            ["diff", str(pack), str(gb), str(gb), "-o", str(gb)],
            ["schema", str(pack), "-o", str(vocab)],
            [
                "report",
                str(in_report_dir),
                "--pack",
                str(pack),
                "-o",
                str(folder / "rep"),
                "--format",
                "json",
            ],
        ):
            code, _out, err = run_cli(*args)
            assert code == 2, (args, err)
            assert "one of the inputs" in err
        assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before

    def test_init_never_overwrites(self, hostile: dict[str, Path]) -> None:
        """init refuses an existing file and leaves it as it was."""
        gb = hostile["gb"]
        before = gb.read_bytes()
        code, _out, err = run_cli(
            "init", str(hostile["pack"]), "--jurisdiction", "GB", "--name", "X", "-o", str(gb)
        )
        assert code == 2 and "error[exists]" in err
        assert gb.read_bytes() == before

    def test_bad_output_places_are_usage_errors(self, hostile: dict[str, Path]) -> None:
        """A missing folder, a folder as -o FILE, a file as report's -o DIR: status 2."""
        folder = hostile["pack"].parent
        pack, gb = str(hostile["pack"]), str(hostile["gb"])
        for args in (
            ["check", pack, gb, "-o", str(folder / "missing" / "out.json")],
            ["check", pack, gb, "-o", str(folder)],
            ["report", gb, "--pack", pack, "-o", str(hostile["deep_facts"])],
            ["report", gb, "--pack", pack, "-o", str(hostile["deep_facts"] / "sub")],
        ):
            code, _out, err = run_cli(*args)
            assert code == 2, (args, err)
            assert "internal error" not in err
        assert leftovers(folder) == []

    def test_every_write_goes_through_fileio(self) -> None:
        """No source file but fileio.py opens a file for writing (so every write is atomic)."""
        pattern = re.compile(
            r"""\.write_(text|bytes)\(|open\([^)]*["'][rbt]*[wax+][rwaxbt+]*["']|os\.open\(|"""
            r"""shutil\.(copy|move)|tempfile\.|NamedTemporaryFile"""
        )
        offenders = []
        for path in sorted(SRC.rglob("*.py")):
            if path.name == "fileio.py":
                continue
            for lineno, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()}")
        assert offenders == []


# ---- deterministic output --------------------------------------------------------------------

_RUNNER = """\
import sys
from lexgap.cli import main
out, *args = sys.argv[1:]
for fmt in ("json", "html", "markdown", "junit", "csv", "text"):
    try:
        main(["check", *args, "--as-of", "2025-06-01", "--format", fmt,
              "-o", f"{out}/check.{fmt}", "--fail-on", "never"])
    except SystemExit as exit_:
        assert exit_.code == 0, exit_.code
try:
    main(["report", *args[1:], "--pack", args[0], "-o", out, "--as-of", "2025-06-01"])
except SystemExit as exit_:
    assert exit_.code == 0, exit_.code
"""


def test_reports_are_byte_identical_across_orders_and_hash_seeds(tmp_path: Path) -> None:
    """The same inputs give byte-identical reports in every format, whatever order the
    fact files are named in and whatever PYTHONHASHSEED, in fresh processes."""
    pack = str(ROOT / "rules" / "weprotect-cta-2024.lexgap")
    names = ["gb", "us", "us-ca", "fr", "au", "br"]
    folder = tmp_path / "facts"
    folder.mkdir()
    for n in reversed(names):
        (folder / f"{n}.yaml").write_bytes((ROOT / "jurisdictions" / f"{n}.yaml").read_bytes())
    files = [str(folder / f"{n}.yaml") for n in names]
    runs = [
        ("0", files),
        ("1", files[::-1]),
        ("12345", [files[2], files[0], files[5], files[1], files[4], files[3]]),
        ("random", [str(folder)]),
    ]
    outputs = []
    for seed, order in runs:
        out = tmp_path / f"out-{seed}"
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
        done = subprocess.run(
            [sys.executable, "-c", _RUNNER, str(out), pack, *order],
            capture_output=True,
            text=True,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert len(outputs[0]) == len(FORMATS) + 2  # and the report's HTML page and index
    for other in outputs[1:]:
        assert other == outputs[0]
    today = str(datetime.date.today()).encode()
    if not any(today in Path(f).read_bytes() for f in files):
        assert not any(today in text for text in outputs[0].values()), "a time stamp"


# ---- fuzzing the whole pipeline --------------------------------------------------------------

FUZZ_FACTS = [
    lexgap.parse_jurisdiction(EXAMPLE_FACTS, "gb.yaml"),
    jurisdiction(),
]


@FUZZ
@given(mutated_example())
def test_mutated_packs_that_load_evaluate_without_exceptions(text: str) -> None:
    """Whatever a mutated pack loads as evaluates, explains and renders without raising
    anything but a LexgapError."""
    try:
        pack = lexgap.parse_pack(text, EXAMPLE_FILE)
    except lexgap.LexgapError:
        return
    with contextlib.suppress(lexgap.FactsError):
        everything(pack, FUZZ_FACTS)


@FUZZ
@given(st.binary(max_size=60), st.integers(min_value=0, max_value=len(EXAMPLE.encode())))
def test_byte_mutated_pack_files_load_or_fail_cleanly(noise: bytes, where_: int) -> None:
    """Random bytes in a pack file on disk: load_pack returns or raises a LexgapError."""
    import tempfile

    data = EXAMPLE.encode()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.lexgap"
        path.write_bytes(data[:where_] + noise + data[where_:])
        (Path(folder) / "vocabulary.lexgap").write_bytes(
            (Path(EXAMPLE_FILE).parent / "vocabulary.lexgap").read_bytes()
        )
        try:
            pack = lexgap.load_pack(path)
        except lexgap.LexgapError as err:
            assert err.diagnostics
            str(err)
            return
        with contextlib.suppress(lexgap.FactsError):
            everything(pack, FUZZ_FACTS)


CLI_FUZZ = settings(FUZZ, max_examples=max(10, FUZZ.max_examples // 3))


@CLI_FUZZ
@given(mutated_example())
def test_cli_on_mutated_packs_never_fails_internally(text: str) -> None:
    """check, explain, report, lint and fmt on a mutated pack: a result or a clear error
    (status 0, 1 or 2), never an internal error (3) or a traceback."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        pack = base / "example.lexgap"
        pack.write_text(text, encoding="utf-8")
        (base / "vocabulary.lexgap").write_bytes(
            (Path(EXAMPLE_FILE).parent / "vocabulary.lexgap").read_bytes()
        )
        gb = base / "gb.yaml"
        gb.write_text(EXAMPLE_FACTS, encoding="utf-8")
        for args in (
            ["check", str(pack), str(gb), "--format", "json", "--as-of", "2025-01-01"],
            ["explain", str(pack), str(gb), "cta.takedown_period"],
            ["report", str(gb), "--pack", str(pack), "-o", str(base / "out")],
            ["lint", str(pack)],
            ["fmt", str(pack)],
            ["test", str(pack)],
        ):
            code, out, err = run_cli(*args)
            assert code in (0, 1, 2), (args, err)
            assert "internal error" not in err and "Traceback" not in err
            if code == 2:
                # lint's findings, load errors among them, are its report (stdout)
                shown = out if args[0] == "lint" else err
                assert re.search(r"error\[[a-z-]+\]", shown), (args, out, err)


@pytest.mark.parametrize("loader", ["libyaml", "pure-python"])
@pytest.mark.parametrize(
    ("text", "where_"),
    [
        ('jurisdiction: XA\nname: "\x1f"\nfacts:\n', (2, 8)),
        ('jurisdiction: XA\nname: "éé\U0001f600\x07"\nfacts:\n', (2, 11)),
        ("\x00", (1, 1)),
    ],
)
def test_control_characters_in_fact_files_are_one_positioned_error(
    monkeypatch: pytest.MonkeyPatch, loader: str, text: str, where_: tuple[int, int]
) -> None:
    """A character YAML forbids is a yaml-syntax error at its line and column, with or
    without libyaml (PyYAML's own reader raised its ReaderError out of lexgap, and
    libyaml's was reported at 1:1 with its byte offset)."""
    import yaml

    if loader == "pure-python":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML without libyaml")
    with pytest.raises(lexgap.FactsError) as info:
        lexgap.parse_jurisdiction(text, "f.yaml")
    d = info.value.first
    assert (d.code, d.span.file, d.span.line, d.span.column) == ("yaml-syntax", "f.yaml", *where_)
