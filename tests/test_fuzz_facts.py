"""Robustness of fact files: whatever the text, bytes or Python data, reading it gives a
Jurisdiction or a FactsError, and evaluating, explaining and rendering what was read
raises nothing but a LexgapError. Set LEXGAP_FUZZ_EXAMPLES for a longer run."""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lexgap
from lexgap import reporters
from lexgap.cli import main

FUZZ = settings(
    max_examples=int(os.environ.get("LEXGAP_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

#: A pack that reads a fact of every type, so values get typed, compared, shown and explained.
PACK_TEXT = """\
pack fuzz.facts { title "Fuzz" }
fact b: bool
fact n: number
fact s: string
fact d: date
fact du: duration
fact e: enum(yes, no, on, off, ratified)
fact l: list(string)
fact ln: list(number)
define total = n + n * 2 - n / 3
criterion c.b { title "b" require b gap "b is {b}" }
criterion c.n { title "n" applies known(n) require n > 18 and total < 100 gap "{n} {total}" }
criterion c.s { title "s" require s == "x" or s != "y" gap "{s}" }
criterion c.d { title "d" require d >= 2000-01-01 and d + 7d > as_of gap "{d}" }
criterion c.du { title "du" require du <= 24h and du - 1h > 0h gap "{du}" }
criterion c.e { title "e" require e == yes or e in [on, off] gap "{e}" }
criterion c.l { title "l" require count(l) > 0 and l contains "a" gap "{l}" }
criterion c.ln { title "ln" require ln contains 1 or not (b implies n < 0) }
"""
PACK = lexgap.parse_pack(PACK_TEXT, "fuzz.lexgap")
AS_OF = datetime.date(2025, 1, 1)
FORMATS = ("json", "html", "markdown", "junit", "csv", "text")

KEYS = ["b", "n", "s", "d", "du", "e", "l", "ln", "x.y", "9bad", "<<", "value", "b"]
#: Scalars that YAML 1.1 or 1.2 would read as something else, and other awkward text.
SCALARS = [
    "true",
    "false",
    "True",
    "FALSE",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "N",
    "~",
    "null",
    "Null",
    "",
    "unknown",
    "'unknown'",
    "1:20",
    "0o17",
    "017",
    "0x1F",
    "1_000",
    ".inf",
    "-.inf",
    ".nan",
    "1e3",
    "1e999999",
    "18",
    "-5",
    "0.5",
    "-0.0",
    "'18'",
    '"x"',
    "a",
    "ratified",
    "2024-01-01",
    "2024-02-30",
    "0000-01-01",
    "9999-12-31",
    "24h",
    "1h30min",
    "PT24H",
    "P1M",
    "90min",
    "1" + "0" * 45,
    "9" * 5000,
    "1" + "0" * 5000 + "h",
    "!!int 3",
    "!!python/object/apply:os.system ['echo']",
    "!!binary aGk=",
    "! x",
    "&a 1",
    "*a",
    '"\\e[2J"',
    '"\\u0000"',
    '"\\ud800"',
    "'it''s'",
    "|\n      block",
    ">-\n      folded",
    "@at",
    "`tick`",
    "%percent",
    "#comment",
    "- dash",
    "? q",
    "[a, b]",
    "[]",
    "{}",
    "[1, 2, 1_000]",
    "[no, yes, ~]",
    "{value: 1}",
    "[[[[1]]]]",
]


#: Values that fit each fact of PACK, so that many generated files get as far as evaluation.
GOOD = {
    "b": ["true", "false", "unknown"],
    "n": ["18", "-5", "0.5", "16", "1" + "0" * 39],
    "s": ["x", "y", '"quoted"', "'single'"],
    "d": ["2024-01-01", "1999-12-31", "'2010-04-01'"],
    "du": ["24h", "1h30min", "PT24H", "P7D", "90min"],
    "e": ["yes", "no", "on", "off", "ratified"],
    "l": ["[a, b]", "[]", '["a", "b c"]'],
    "ln": ["[1, 2.5]", "[]", "[-3]"],
}


@st.composite
def scalar(draw: st.DrawFn, key: str | None = None) -> str:
    if key in GOOD and draw(st.integers(0, 19)) < 17:
        return draw(st.sampled_from(GOOD[key]))
    return draw(st.sampled_from(SCALARS) | st.text(max_size=8).map(lambda t: f'"{t}"'))


@st.composite
def entry(draw: st.DrawFn, key: str, indent: str) -> str:
    """A fact's value: plain, with metadata, or values over time (sometimes malformed)."""
    kind = draw(st.sampled_from(["plain"] * 6 + ["meta", "over_time", "over_time", "nested"]))
    if kind == "plain":
        return " " + draw(scalar(key))
    extra = ["since", "until", "source", "note", "since", "until", "valeu", "value"]

    def mapping(pad: str) -> str:
        fields = ["value", *draw(st.lists(st.sampled_from(extra), max_size=3))]
        values = {
            "since": st.sampled_from(["2020-01-01", "2024-03-17", "2022-06-01", "~", "x"]),
            "until": st.sampled_from(["2021-01-01", "2024-03-17", "2030-01-01", "2024-13-01"]),
            "source": st.sampled_from(['"Act 2003, s. 9"', "https://example.org/?a=1&b=<2>"]),
        }
        lines = []
        for field in fields:
            value = draw(values.get(field, scalar(key if field == "value" else None)))
            lines.append(f"{pad}{field}: {value}")
        return "\n".join(lines)

    if kind == "meta":
        return "\n" + mapping(indent + "  ")
    if kind == "over_time":
        items = draw(st.integers(1, 3))
        out = []
        for _ in range(items):
            block = mapping(indent + "    ")
            out.append(indent + "  - " + block.lstrip())
        return "\n" + "\n".join(out)
    depth = draw(st.integers(1, 120))
    return " " + "[" * depth + draw(scalar(key)) + "]" * depth


@st.composite
def fact_file(draw: st.DrawFn) -> str:
    """YAML shaped like a fact file: the right keys most of the time, and every trap."""
    lines = []
    top = draw(
        st.lists(
            st.sampled_from(["facts"] * 4 + ["reviewed", "note", "extra", "name"]),
            min_size=1,
            max_size=4,
            unique=draw(st.integers(0, 9)) < 8,
        )
    )
    code = st.sampled_from(["XA"] * 8 + ["US-CA", "~", "NO", "x"])
    for key in ["jurisdiction", "name", *top]:
        if key == "jurisdiction":
            lines.append("jurisdiction: " + draw(code))
        elif key == "facts":
            lines.append("facts:")
            facts = st.sampled_from(list(GOOD) * 3 + KEYS)
            for fact in draw(st.lists(facts, max_size=10, unique=draw(st.integers(0, 9)) < 8)):
                lines.append(f"  {fact}:" + draw(entry(fact, "  ")))
        elif key == "reviewed":
            lines.append("reviewed: " + draw(st.sampled_from(["2025-06-01", "~", "June"])))
        else:
            lines.append(f"{key}: " + draw(st.sampled_from(["Examplia", '"X"']) | scalar()))
    return "\n".join(lines) + "\n"


def use(j: lexgap.Jurisdiction) -> None:
    """Evaluate, explain and render a jurisdiction that loaded: only FactsError may escape."""
    try:
        report = lexgap.evaluate(PACK, [j], as_of=AS_OF)
    except lexgap.FactsError as err:
        assert err.diagnostics
        str(err)
        return
    for r in report.results:
        for text in (r.because, r.missing, r.to_close, r.message, r.explain(), r.facts):
            str(text)
    for fmt in FORMATS:
        reporters.render(report, fmt).encode("utf-8")


def read(text: str) -> lexgap.Jurisdiction | None:
    try:
        return lexgap.parse_jurisdiction(text, "fuzz.yaml")
    except lexgap.FactsError as err:
        assert err.diagnostics and all(d.code for d in err.diagnostics)
        str(err).encode("utf-8")
        return None


@FUZZ
@given(fact_file())
def test_generated_fact_files_load_or_fail_cleanly(text: str) -> None:
    """Grammar-aware fact files, traps included: a Jurisdiction that evaluates, or a
    FactsError; nothing else."""
    j = read(text)
    if j is not None:
        use(j)


SEED = """\
jurisdiction: GB
name: United Kingdom
reviewed: 2025-06-01
facts:
  b: true
  n:
    value: 16
    source: "Act 2003, s. 9"
  s: "x"
  d: 2010-04-01
  du:
    - value: 48h
      until: 2024-03-17
    - value: 24h
      since: 2024-03-17
  e: ratified
  l: [a, "b c"]
  ln: [1, 2.5]
"""


def test_seed_is_a_valid_fact_file() -> None:
    """The mutation base loads and evaluates (so mutations start from a real file)."""
    j = lexgap.parse_jurisdiction(SEED)
    verdicts = [r.verdict.value for r in lexgap.evaluate(PACK, [j], as_of=AS_OF).results]
    assert "unknown" not in verdicts


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete", "duplicate", "replace"]),
            st.integers(0, len(SEED.encode())),
            st.binary(max_size=12) | st.sampled_from([b"&a ", b"*a", b"!!", b"\t", b"- ", b"["]),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_byte_mutated_fact_files_load_or_fail_cleanly(edits: list[tuple[str, int, bytes]]) -> None:
    """The seed file after byte-level edits, read from disk (decoding included)."""
    data = SEED.encode()
    for op, at, noise in edits:
        at = min(at, len(data))
        if op == "insert":
            data = data[:at] + noise + data[at:]
        elif op == "delete":
            data = data[:at] + data[at + len(noise) + 1 :]
        elif op == "duplicate":
            data = data[:at] + data[at : at + 20] + data[at:]
        else:
            data = data[:at] + noise + data[at + len(noise) :]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gb.yaml"
        path.write_bytes(data)
        try:
            j = lexgap.load_jurisdiction(path)
        except lexgap.FactsError as err:
            assert err.diagnostics
            str(err)
            return
    use(j)


python_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([40, -40, 5000, -5000]).map(lambda k: 10 ** abs(k) * (1 if k > 0 else -1))
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.decimals(allow_nan=True, allow_infinity=True)
    | st.sampled_from([Decimal("1E+999999"), Decimal("1E-39"), Decimal("-0")])
    | st.dates()
    | st.datetimes()
    | st.text(max_size=10)
    | st.sampled_from(["yes", "24h", "ratified", "2024-01-01", "\ud800", b"bytes"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["value", "since", "until", "source", "note"]), inner)
    ),
    max_leaves=12,
)


@FUZZ
@given(
    st.dictionaries(st.sampled_from(KEYS), python_values, max_size=8),
    st.sampled_from([None, "XA", "xx", 7]),
    st.sampled_from([None, "Name", "", 3.5]),
)
def test_python_data_builds_or_fails_cleanly(facts: dict[str, Any], code: Any, name: Any) -> None:
    """jurisdiction_from_mapping with any Python data: a Jurisdiction or a FactsError."""
    try:
        j = lexgap.jurisdiction_from_mapping({"jurisdiction": code, "name": name, "facts": facts})
    except lexgap.FactsError as err:
        assert err.diagnostics
        str(err)
        return
    use(j)


def run_cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exit_:
            return (exit_.code if isinstance(exit_.code, int) else 1), err.getvalue()
    return 0, err.getvalue()  # pragma: no cover - main always exits


CLI_FUZZ = settings(FUZZ, max_examples=max(10, FUZZ.max_examples // 5))


@CLI_FUZZ
@given(fact_file(), st.sampled_from(FORMATS))
def test_cli_check_never_fails_internally(text: str, fmt: str) -> None:
    """lexgap check on a generated fact file: 0, 1 or 2, never an internal error (3)."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "fuzz.lexgap").write_text(PACK_TEXT, encoding="utf-8")
        (Path(folder) / "xa.yaml").write_text(text, encoding="utf-8")
        code, err = run_cli(
            "check",
            f"{folder}/fuzz.lexgap",
            f"{folder}/xa.yaml",
            "--format",
            fmt,
            "--as-of",
            "2025-01-01",
            "-o",
            f"{folder}/out",
        )
        assert code in (0, 1, 2), err
        assert "internal error" not in err and "Traceback" not in err
        if code == 2:
            assert "error[" in err
        code, err = run_cli("explain", f"{folder}/fuzz.lexgap", f"{folder}/xa.yaml", "c.n")
        assert code in (0, 2), err
        assert "internal error" not in err
