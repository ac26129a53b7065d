"""A pack written from the contract alone loads, is inspectable, and survives fmt.

``tests/data/contract/`` was written from ``language.md`` sections 1-4 only, not from the
grammar: imports relative to the importing file through nested folders, every type
(``list(enum(...))`` too), every operator and function, ``as_of``, arithmetic on numbers and
durations, every duration unit, escapes, repeated ``cites``, definitions of definitions,
reserved words as segments of dotted paths, and tests with ``as_of``.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import lexgap
from lexgap.format import format_source
from lexgap.types import BoolType, DurationType, EnumType, ListType

FOLDER = Path(__file__).resolve().parent / "data" / "contract"
PACK = FOLDER / "pack.lexgap"


def test_loads_from_a_path_and_from_text_alike() -> None:
    """load_pack and parse_pack(text, filename=...) give the same checked pack, with the
    imported files read once each, imports first."""
    loaded = lexgap.load_pack(PACK)
    parsed = lexgap.parse_pack(PACK.read_text(encoding="utf-8"), filename=str(PACK))
    assert loaded == parsed
    assert [Path(f).name for f in loaded.files] == ["base.lexgap", "common.lexgap", "pack.lexgap"]


def test_declarations_definitions_criteria_and_tests_are_inspectable() -> None:
    """Every declaration of the pack is there with its checked type and clauses."""
    pack = lexgap.load_pack(PACK)
    assert (pack.name, pack.version) == ("hidden.full", "1.0.0")
    assert pack.title == 'Hidden "full" pack \\ with escapes'
    # a fact declared twice with the same type (vocabulary and its importer) is one fact
    assert pack.facts["treaty.lanzarote"].type == EnumType(("not_signed", "signed", "ratified"))
    assert pack.facts["reporting.channels"].type == ListType(
        EnumType(("hotline", "police", "portal"))
    )
    assert pack.facts["law.test.in.force"].description is None
    assert pack.facts["takedown.mandated"].description == "Providers must remove notified CSAM"
    assert pack.definitions["total_time"].type == DurationType()
    assert pack.definitions["older"].type == BoolType()
    assert list(pack.definitions)[:2] == ["vocab_ok", "lanzarote_like"]
    ratify = pack.criterion("cta.ratify")
    assert ratify.cites == ("CTA 2024 1(b)", "Lanzarote Art. 18")
    assert (ratify.severity, ratify.group, ratify.weight) == ("high", "Cooperation", 1)
    assert ratify.gap is not None and ratify.gap.refs == ("treaty.lanzarote", "lanzarote_like")
    takedown = pack.criterion("cta.takedown")
    assert (takedown.severity, takedown.weight) == ("medium", Decimal("2.5"))
    assert takedown.applies is not None and takedown.remedy is None
    assert pack.criterion("cta.instruments").severity == "medium"  # the default
    assert [c.path for c in pack.criteria] == [
        "cta.ratify",
        "cta.takedown",
        "cta.channels",
        "cta.enacted",
        "cta.instruments",
    ]
    first, second = pack.tests
    assert (first.name, first.as_of, second.as_of) == (
        "ratifying state",
        datetime.date(2025, 1, 1),
        None,
    )
    given = dict(first.given)
    assert given["takedown.notice_period"] == 48 * 3600
    assert given["reporting.channels"] == ("hotline", "police")
    assert given["law.instruments"] == ("Online Safety Act", 'x "y"')
    assert given["law.count.total"] == Decimal("0.5")


def test_it_evaluates_as_its_tests_say() -> None:
    """`lexgap test` runs the pack's tests (given facts, as_of) and they pass; with nothing
    known, `known(d) implies b implies c` is met only because implies groups to the right."""
    out = subprocess.run(
        [sys.executable, "-m", "lexgap", "test", str(PACK)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (out.returncode, out.stdout.strip()) == (0, "2 passed, 0 failed"), out.stderr


def test_durations_numbers_and_dates_mean_what_they_say() -> None:
    """Every duration unit, decimals, unary minus and date comparison, on facts given."""
    pack = lexgap.load_pack(PACK)
    facts = {
        "takedown.mandated": True,
        "takedown.notice_period": "23h",
        "takedown.grace": "151min",  # 23h + 151min is one minute more than 24h + 90min
        "law.csam.enacted": "2019-12-31",
        "law.instruments": ["Online Safety Act"],
        "law.test.in.force": True,
        "law.count.total": 0.5,
        "law.min_age": 1,
        "law.age_of_consent": 16,
    }
    j = lexgap.jurisdiction_from_mapping({"jurisdiction": "XA", "name": "X", "facts": facts})
    report = lexgap.evaluate(pack, [j], as_of=datetime.date(2025, 1, 1))
    verdicts = {r.criterion: r.verdict.value for r in report.results}
    assert verdicts["cta.takedown"] == "gap"
    # known implies (>= 2020-01-01 implies < as_of): before 2020 it holds vacuously
    assert verdicts["cta.enacted"] == "met"
    assert verdicts["cta.instruments"] == "met"
    facts["law.csam.enacted"] = "2030-01-01"
    j = lexgap.jurisdiction_from_mapping({"jurisdiction": "XA", "name": "X", "facts": facts})
    [r] = [
        r
        for r in lexgap.evaluate(pack, [j], as_of=datetime.date(2025, 1, 1)).results
        if r.criterion == "cta.enacted"
    ]
    assert r.verdict.value == "gap"
    assert r.because[-1] == (
        "law.csam.enacted < as_of (law.csam.enacted = 2030-01-01, as_of = 2025-01-01)"
    )
    facts["takedown.grace"] = "150min"  # exactly 24h + 90min: <= holds
    j = lexgap.jurisdiction_from_mapping({"jurisdiction": "XA", "name": "X", "facts": facts})
    [r] = [
        r
        for r in lexgap.evaluate(pack, [j], as_of=datetime.date(2025, 1, 1)).results
        if r.criterion == "cta.takedown"
    ]
    assert r.verdict.value == "met"


def test_fmt_is_idempotent_and_keeps_meaning_and_comments() -> None:
    """Each file of the pack formats to a fixed point that parses to the same pack."""
    for path in sorted(FOLDER.rglob("*.lexgap")):
        text = path.read_text(encoding="utf-8")
        once = format_source(text, str(path))
        assert format_source(once, str(path)) == once, path
        comments = [line.split("#", 1)[1].strip() for line in text.splitlines() if "#" in line]
        assert all(c in once for c in comments), path
    pack = lexgap.load_pack(PACK)
    text = PACK.read_text(encoding="utf-8")
    formatted = lexgap.parse_pack(format_source(text, str(PACK)), filename=str(PACK))
    assert formatted == pack
    assert [repr(c.require) for c in formatted.criteria] == [repr(c.require) for c in pack.criteria]
