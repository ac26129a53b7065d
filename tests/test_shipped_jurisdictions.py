"""The shipped jurisdictions/ folder: every stated fact carries a source, every UN member
has a file with its treaty status, and ``reviewed`` dates are honest.

The source check reads each file with lexgap's own loader, so it sees every form a fact can
take: the mapping form, the list of values over time (each entry needs its own source) and
the shorthand form (``law.child.age: 18``), which cannot carry a source and so always fails.
"""

from __future__ import annotations

import csv
import datetime
import re
from pathlib import Path

import pytest

import lexgap

ROOT = Path(__file__).resolve().parent.parent
JURISDICTIONS = ROOT / "jurisdictions"
VOCABULARY = ROOT / "rules" / "vocabulary.lexgap"
SHARED_DATA = ROOT.parent / "shared" / "data"

# Placeholders that are not a source.
NOT_A_SOURCE = re.compile(r"^\s*(unsourced|unknown|todo|tbd|n/?a|none|-|\?)\s*\.?\s*$", re.I)


def source_problem(source: str | None) -> str | None:
    """Why ``source`` is not a usable source (URL or statute citation), or None."""
    if source is None or not source.strip():
        return "no source"
    text = source.strip()
    if NOT_A_SOURCE.match(text):
        return f"placeholder source {text!r}"
    if re.search(r"https?://|github:", text):
        return None
    # A statute citation names an instrument and a number (section, article, year ...).
    if len(text) >= 8 and re.search(r"\d", text) and re.search(r"[A-Za-z]{2}", text):
        return None
    return f"source {text!r} is neither a URL nor a statute citation"


def unsourced_facts(folder: Path) -> list[str]:
    """Every stated (not explicitly unknown) fact value in ``folder`` lacking a source."""
    problems = []
    for j in lexgap.load_jurisdictions(folder):
        for path, values in j.facts.items():
            for i, fv in enumerate(values):
                if fv.raw.is_unknown:
                    continue
                why = source_problem(fv.source)
                if why:
                    where = f"[{i}]" if len(values) > 1 else ""
                    problems.append(f"{Path(j.file).name}: {path}{where}: {why}")
    return problems


def test_every_shipped_fact_has_a_source() -> None:
    assert unsourced_facts(JURISDICTIONS) == []


HEAD = 'jurisdiction: "XX"\nname: "Testland"\nreviewed: 2024-01-01\nfacts:\n'


@pytest.mark.parametrize(
    "body",
    [
        "  law.child.age: 18\n",  # shorthand: cannot carry a source
        "  law.child.age:\n    value: 18\n",  # mapping without source
        '  law.child.age:\n    value: 18\n    source: ""\n',  # empty source
        '  law.child.age:\n    value: 18\n    source: "unsourced"\n',  # placeholder
        # value over time: the second entry has no source
        '  takedown.notice_period:\n    - value: 48h\n      until: 2024-03-17\n'
        '      source: "https://example.org/a"\n'
        "    - value: 24h\n      since: 2024-03-17\n",
        # list-valued fact without source
        '  law.instruments: ["Act 1"]\n',
    ],
)
def test_source_check_fails_on_an_unsourced_fact(tmp_path: Path, body: str) -> None:
    (tmp_path / "xx.yaml").write_text(HEAD + body, encoding="utf-8")
    assert len(unsourced_facts(tmp_path)) == 1


def test_source_check_accepts_url_citation_and_explicit_unknown(tmp_path: Path) -> None:
    (tmp_path / "xx.yaml").write_text(
        HEAD
        + '  law.child.age:\n    value: 18\n    source: "https://example.org/act"\n'
        + '  law.csam.specific:\n    value: true\n    source: "Criminal Code s. 163.1"\n'
        + "  law.csam.defined: unknown\n",
        encoding="utf-8",
    )
    assert unsourced_facts(tmp_path) == []


def declared_facts() -> set[str]:
    return set(re.findall(r"^fact\s+([A-Za-z_][\w.]*)\s*:", VOCABULARY.read_text("utf-8"), re.M))


def test_every_shipped_fact_is_in_the_vocabulary() -> None:
    vocabulary = declared_facts()
    stray = sorted(
        f"{Path(j.file).name}: {path}"
        for j in lexgap.load_jurisdictions(JURISDICTIONS)
        for path in j.facts
        if path not in vocabulary
    )
    assert stray == []


def test_reviewed_dates_are_present_and_not_in_the_future() -> None:
    today = datetime.date.today()
    for j in lexgap.load_jurisdictions(JURISDICTIONS):
        assert j.reviewed is not None, j.file
        assert j.reviewed <= today, j.file


@pytest.mark.skipif(not (SHARED_DATA / "opsc_crc_status.csv").exists(), reason="no shared data")
def test_every_un_member_has_a_file_with_treaty_status() -> None:
    with open(SHARED_DATA / "opsc_crc_status.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 193
    fixes = {"TP": "TL"}
    by_code = {j.code: j for j in lexgap.load_jurisdictions(JURISDICTIONS)}
    for row in rows:
        code = fixes.get(row["iso2"].strip(), row["iso2"].strip())
        assert code in by_code, f"no jurisdictions file for {row['state']} ({code})"
        facts = by_code[code].facts
        assert "treaty.crc" in facts and "treaty.opsc" in facts, code
