"""lexgap against an independent reference evaluator (tests/oracle.py) on tricky cases.

The cases (tests/data/oracle) mix nested not/and/or, implies, definitions inside not,
enums, lists, count of an unknown list, as_of, values over time at interval boundaries,
out-of-force values, the ``unknown`` literal and templates with definitions. The facts in
force at each date are written out here by hand from the fact files, so the fact reader
is checked too. Both backends and ``lexgap check --format json`` must agree with it.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import lexgap
from lexgap.cli import main
from tests.oracle import Oracle, plain_shower

DATA = Path(__file__).parent / "data" / "oracle"
PACK = DATA / "cases.lexgap"
H = 3600
D = datetime.date


def xa(as_of: datetime.date) -> tuple[dict[str, Any], dict[str, str]]:
    """XA's facts in force at ``as_of`` (from xa.yaml), and how the file spells them."""
    env: dict[str, Any] = {
        "law.csam.ai_generated": True,
        "takedown.mandated": True,
        "law.age_of_consent": 14,
        "law.csam.enacted": D(2012, 5, 1),
        "law.fine": Decimal("400.50"),
    }
    spelled = {"law.fine": "400.50", "law.age_of_consent": "14"}
    if D(2015, 1, 1) <= as_of < D(2020, 6, 30):
        env["treaty.lanzarote"] = "signed"
    elif as_of >= D(2020, 6, 30):
        env["treaty.lanzarote"] = "ratified"
    if as_of < D(2019, 1, 1):
        env["law.sextortion.financial"] = False
    elif as_of >= D(2023, 1, 1):
        env["law.sextortion.financial"] = True
    if as_of < D(2024, 3, 17):
        env["takedown.notice_period"], spelled["takedown.notice_period"] = 48 * H, "48h"
    else:
        env["takedown.notice_period"], spelled["takedown.notice_period"] = 24 * H, "24h"
    if as_of >= D(2010, 1, 1):
        env["law.instruments"] = ("Criminal Code", "Children Act")
    if as_of >= D(2030, 1, 1):
        env["hotline.exists"] = True
    return env, spelled


def xb(as_of: datetime.date) -> tuple[dict[str, Any], dict[str, str]]:
    """XB's facts in force at ``as_of`` (from xb.json)."""
    env: dict[str, Any] = {
        "treaty.lanzarote": "not_signed",
        "law.csam.ai_generated": False,
        "law.sextortion.financial": False,
        "takedown.mandated": False,
        "takedown.notice_period": 72 * H,
        "law.age_of_consent": Decimal("16.0"),
        "law.fine": 2000,
        "law.name": "Children Act 2004",
        "hotline.exists": False,
    }
    if D(2000, 1, 1) <= as_of < D(2010, 1, 1):
        env["law.csam.enacted"] = D(2030, 1, 1)
    return env, {"law.age_of_consent": "16.0", "law.fine": "2000"}


FILES = {"XA": (DATA / "xa.yaml", xa), "XB": (DATA / "xb.json", xb)}
DATES = [
    D(2009, 12, 31),
    D(2010, 1, 1),
    D(2019, 1, 1),
    D(2020, 6, 29),
    D(2020, 6, 30),
    D(2023, 1, 1),
    D(2024, 3, 16),
    D(2024, 3, 17),
    D(2025, 1, 1),
    D(2030, 1, 1),
]


def expected(as_of: datetime.date) -> list[tuple[str, str, str, list[str], list[str], str | None]]:
    oracle = Oracle(PACK.read_text())
    out = []
    for code, (_, facts) in FILES.items():
        env, spelled = facts(as_of)
        shown = plain_shower(oracle.facts, spelled)
        for c in oracle.criteria:
            out.append((code, c.path, *oracle.result(c.path, env, as_of, shown)))
    return out


def got(report: lexgap.Report) -> list[tuple[str, str, str, list[str], list[str], str | None]]:
    return [
        (r.jurisdiction, r.criterion, r.verdict.value, list(r.missing), list(r.because), r.message)
        for r in report.results
    ]


@pytest.fixture(scope="module")
def pack() -> lexgap.Pack:
    return lexgap.load_pack(PACK)


@pytest.fixture(scope="module")
def jurisdictions() -> list[lexgap.Jurisdiction]:
    return [lexgap.load_jurisdiction(path) for path, _ in FILES.values()]


@pytest.mark.parametrize("backend", ["native", "durable"])
@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_api_agrees_with_the_reference(
    pack: lexgap.Pack, jurisdictions: list[lexgap.Jurisdiction], as_of: datetime.date, backend: str
) -> None:
    """verdict, missing, because and message equal the reference evaluator's, per backend."""
    report = lexgap.evaluate(pack, jurisdictions, as_of=as_of, backend=backend)
    assert got(report) == expected(as_of)


@pytest.mark.parametrize("as_of", [D(2010, 1, 1), D(2020, 6, 30), D(2024, 3, 17)], ids=str)
def test_check_json_agrees_with_the_reference(
    as_of: datetime.date, capsys: pytest.CaptureFixture[str]
) -> None:
    """``lexgap check --format json`` gives the reference's results at each date."""
    args = [str(PACK), str(DATA / "xa.yaml"), str(DATA / "xb.json")]
    with pytest.raises(SystemExit) as exit_:
        main(["check", *args, "--as-of", as_of.isoformat(), "--format", "json"])
    assert exit_.value.code == 1  # there are gaps
    results = json.loads(capsys.readouterr().out)["results"]
    rows = [
        (r["jurisdiction"], r["criterion"], r["verdict"], r["missing"], r["because"], r["message"])
        for r in results
    ]
    assert rows == expected(as_of)


def test_the_cases_cover_every_verdict_and_atom_kind() -> None:
    """The reference cases are not vacuous: every verdict occurs, and gaps are explained
    through comparisons, boolean facts, known(), in, contains, count and as_of."""
    rows = [row for d in DATES for row in expected(d)]
    assert {row[2] for row in rows} == {"met", "gap", "unknown", "not_applicable"}
    because = " | ".join(line for row in rows for line in row[4])
    for needle in (
        "takedown.notice_period <= 24h (takedown.notice_period = 48h)",
        "known(law.csam.enacted) (law.csam.enacted = unknown)",
        "treaty.lanzarote in [signed, ratified] (treaty.lanzarote = not_signed)",
        'law.instruments contains "Online Safety Act"',
        "as_of = 2009-12-31",
        "law.csam.ai_generated (law.csam.ai_generated = true)",
    ):
        assert needle in because


@pytest.mark.parametrize(
    ("written", "shown"), [("48h", "48h"), ("2d", "2d"), ("PT48H", "2d"), ("PT36H", "36h")]
)
def test_durations_are_shown_as_written_or_iso_in_the_largest_unit(
    written: str, shown: str
) -> None:
    """because and message keep a duration literal's spelling; ISO 8601 is shown in the
    rule language's form, in the largest whole unit (docs/facts.rst, Units)."""
    pack = lexgap.parse_pack(
        'pack p { title "p" }\nfact d: duration\n'
        'criterion c { title "c" require d <= 24h gap "It is {d}." }\n'
    )
    j = lexgap.parse_jurisdiction(f"jurisdiction: XA\nname: A\nfacts:\n  d: {written}\n")
    (r,) = lexgap.evaluate(pack, [j], as_of=D(2025, 1, 1)).results
    assert (r.because, r.message) == ([f"d <= 24h (d = {shown})"], f"It is {shown}.")
