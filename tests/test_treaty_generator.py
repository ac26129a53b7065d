"""Tests for scripts/update_treaty_facts.py (the treaty-fact generator)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "update_treaty_facts.py"
SHARED_DATA = REPO.parent / "shared" / "data"

SRC = "github:example/dataset (fixture)"
OPSC_CSV = f"""iso2,state,opsc_status,opsc_year_ratification_or_accession,crc_status,crc_year_ratification_or_accession,status_as_of,notes,source
GB,United Kingdom,state party,2009,state party,1991,2022-06 (dataset),,"{SRC}"
NA,Namibia,state party,2002,state party,1990,2022-06 (dataset),,"{SRC}"
AF,Afghanistan,state party,2002,state party,1994,2022-06 (dataset),"verdragen.nl: accession 19-09-2002, EIF 19-10-2002.","{SRC}"
AD,Andorra,state party,2001,state party,1996,2022-06 (dataset),"verdragen.nl: signature 07-09-2000, ratification 30-04-2001, EIF 18-01-2002.","{SRC}"
IE,Ireland,signatory state,,state party,1992,2022-06 (dataset),"Signed OPSC 2000; still not ratified.","{SRC}"
TO,Tonga,no action,,state party,1995,2022-06 (dataset),,"{SRC}"
US,United States,state party,2002,signatory state,,2022-06 (dataset),"OPSC instruments deposited 23 Dec 2002 (x).","{SRC}"
RU,Russia,state party,2013,state party,1990,2022-06 (dataset),,"{SRC}"
TP,East Timor,state party,2003,state party,2003,2022-06 (dataset),,"{SRC}"
"""

LZ_CSV = """state,coe_member,signature_date,ratification_or_accession_date,entry_into_force,notes,source
United Kingdom,yes,2008 (year only),"2018-06 (20 Jun per A; 21 Jun per B)",2018-10-01,,https://example.org/uk "quoted" \\ path
Ireland,yes,unsourced,late 2020,unsourced,,https://example.org/ie
Russian Federation,no,2012-10-01,2013-08-09,2013-12-01,,https://example.org/ru
"""


def run(data: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--data", str(data), "--out", str(out), *extra],
        capture_output=True, text=True,
    )


@pytest.fixture()
def env(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "opsc_crc_status.csv").write_text(OPSC_CSV, encoding="utf-8")
    (data / "lanzarote_parties.csv").write_text(LZ_CSV, encoding="utf-8")
    out = tmp_path / "jurisdictions"
    return data, out


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_creates_one_file_per_row(env):
    data, out = env
    res = run(data, out)
    assert res.returncode == 0, res.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["gb.yaml", "na.yaml", "af.yaml", "ad.yaml", "ie.yaml",
                            "to.yaml", "us.yaml", "ru.yaml", "tl.yaml"])
    for p in out.iterdir():
        doc = load(p)
        assert doc["jurisdiction"] == p.stem.upper()
        assert isinstance(doc["name"], str) and doc["name"]
        assert doc["reviewed"] == dt.date(2022, 6, 30)  # dataset as-of, not today
        assert "treaty.crc" in doc["facts"] and "treaty.opsc" in doc["facts"]


def test_namibia_code_is_a_string(env):
    data, out = env
    run(data, out)
    text = (out / "na.yaml").read_text(encoding="utf-8")
    assert 'jurisdiction: "NA"' in text
    assert load(out / "na.yaml")["jurisdiction"] == "NA"  # not None / NaN


def test_obsolete_code_is_fixed(env):
    data, out = env
    run(data, out)
    assert not (out / "tp.yaml").exists()
    assert load(out / "tl.yaml")["jurisdiction"] == "TL"


def test_fact_values(env):
    data, out = env
    run(data, out)
    gb = load(out / "gb.yaml")["facts"]
    assert gb["treaty.crc"]["value"] == "ratified"
    assert "since" not in gb["treaty.crc"]  # only a year is sourced
    assert gb["treaty.opsc"]["source"] == SRC
    lz = gb["treaty.lanzarote"]
    assert lz["value"] == "ratified"
    # ratification date is ambiguous -> no since; the entry into force is only in the note
    # (it is not the date of ratification, which since means for a "ratified" value)
    assert "since" not in lz
    assert "entry into force for this party: 2018-10-01" in lz["note"]
    assert lz["source"] == 'https://example.org/uk "quoted" \\ path'  # escaping round-trips

    af = load(out / "af.yaml")["facts"]["treaty.opsc"]
    assert af["value"] == "ratified" and af["since"] == dt.date(2002, 9, 19)

    ad = load(out / "ad.yaml")["facts"]["treaty.opsc"]
    assert [e["value"] for e in ad] == ["signed", "ratified"]
    assert ad[0]["since"] == dt.date(2000, 9, 7) and ad[0]["until"] == dt.date(2001, 4, 30)
    assert ad[1]["since"] == dt.date(2001, 4, 30)  # ratification, not entry into force

    ie = load(out / "ie.yaml")["facts"]
    assert ie["treaty.opsc"]["value"] == "signed" and "since" not in ie["treaty.opsc"]
    assert ie["treaty.lanzarote"]["value"] == "ratified"
    assert "since" not in ie["treaty.lanzarote"]

    assert load(out / "to.yaml")["facts"]["treaty.opsc"]["value"] == "not_signed"
    us = load(out / "us.yaml")["facts"]
    assert us["treaty.crc"]["value"] == "signed"
    assert us["treaty.opsc"]["since"] == dt.date(2002, 12, 23)

    ru = load(out / "ru.yaml")["facts"]["treaty.lanzarote"]
    assert [(e["value"], e.get("since"), e.get("until")) for e in ru] == [
        ("signed", dt.date(2012, 10, 1), dt.date(2013, 8, 9)),
        ("ratified", dt.date(2013, 8, 9), None),
    ]
    # Not in the party list and the list is not a complete chart: unknown, not not_signed.
    assert "treaty.lanzarote" not in load(out / "to.yaml")["facts"]


def test_replaces_only_the_block(env):
    data, out = env
    out.mkdir()
    before = (
        "# hand-written header comment\n"
        "jurisdiction: \"GB\"\n"
        "name: United Kingdom (hand-edited)\n"
        "reviewed: 2026-01-01\n"
        "facts:\n"
        "  law.csam.production:\n"
        "    value: true\n"
        "    source: \"Protection of Children Act 1978 s1\"\n"
        "  # BEGIN generated treaty facts: scripts/update_treaty_facts.py rewrites this block\n"
        "  treaty.crc: not_signed\n"
        "  stale.key: 1\n"
        "  # END generated treaty facts\n"
        "  law.csam.simple_possession:\n"
        "    value: true\n"
        "    source: \"Criminal Justice Act 1988 s160\"\n"
    )
    path = out / "gb.yaml"
    path.write_text(before, encoding="utf-8")
    assert run(data, out).returncode == 0
    after = path.read_text(encoding="utf-8")
    head, rest = before.split("  # BEGIN", 1)
    tail = rest.split("  # END generated treaty facts\n", 1)[1]
    assert after.startswith(head)
    assert after.endswith(tail)
    assert "stale.key" not in after
    doc = load(path)
    assert doc["name"] == "United Kingdom (hand-edited)"
    assert doc["reviewed"] == dt.date(2026, 1, 1)
    assert doc["facts"]["treaty.crc"]["value"] == "ratified"
    assert doc["facts"]["law.csam.production"]["value"] is True
    assert doc["facts"]["law.csam.simple_possession"]["value"] is True


def test_inserts_block_after_facts_line(env):
    data, out = env
    out.mkdir()
    before = (
        "jurisdiction: \"NA\"\n"
        "name: Namibia\n"
        "facts:\n"
        "    law.csam.production:\n"
        "        value: true\n"
        "        source: \"Example Act s1\"\n"
        "extra_top_level: kept\n"
    )
    path = out / "na.yaml"
    path.write_text(before, encoding="utf-8")
    assert run(data, out).returncode == 0
    after = path.read_text(encoding="utf-8")
    lines = after.splitlines(keepends=True)
    assert "".join(lines[:3]) == before.split("    law.csam", 1)[0]
    assert lines[3] == ("    # BEGIN generated treaty facts: "
                        "scripts/update_treaty_facts.py rewrites this block\n")
    assert after.endswith(before.split("facts:\n", 1)[1])
    doc = load(path)  # indentation follows the file's own (4 spaces), so it still parses
    assert doc["facts"]["law.csam.production"]["value"] is True
    assert doc["facts"]["treaty.opsc"]["value"] == "ratified"
    assert doc["extra_top_level"] == "kept"


def test_idempotent_and_check(env):
    data, out = env
    assert run(data, out, "--check").returncode == 1  # nothing written yet
    assert not out.exists() or not any(out.iterdir())
    assert run(data, out).returncode == 0
    snapshot = {p.name: p.read_bytes() for p in out.iterdir()}
    res = run(data, out)
    assert res.returncode == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == snapshot
    assert run(data, out, "--check").returncode == 0

    # A hand edit inside the block is detected by --check and not written.
    path = out / "gb.yaml"
    edited = path.read_text(encoding="utf-8").replace("value: ratified", "value: signed", 1)
    path.write_text(edited, encoding="utf-8")
    res = run(data, out, "--check")
    assert res.returncode == 1 and "gb.yaml" in res.stdout
    assert path.read_text(encoding="utf-8") == edited
    assert run(data, out).returncode == 0
    assert path.read_bytes() == snapshot["gb.yaml"]


def test_unmatched_lanzarote_party_is_an_error(env):
    data, out = env
    with open(data / "lanzarote_parties.csv", "a", encoding="utf-8") as fh:
        fh.write("Atlantis,no,unsourced,unsourced,unsourced,,https://example.org/x\n")
    res = run(data, out)
    assert res.returncode == 2 and "Atlantis" in res.stderr


def test_copied_script_defaults(tmp_path, env):
    """The script works from a copy of the repo layout with default paths."""
    data, _ = env
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(SCRIPT, repo / "scripts" / SCRIPT.name)
    shared = tmp_path / "shared"
    shutil.copytree(data, shared / "data")
    res = subprocess.run([sys.executable, str(repo / "scripts" / SCRIPT.name)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert load(repo / "jurisdictions" / "gb.yaml")["jurisdiction"] == "GB"


@pytest.mark.skipif(not (SHARED_DATA / "opsc_crc_status.csv").exists(),
                    reason="shared data folder not available")
def test_shipped_jurisdictions_are_up_to_date():
    res = run(SHARED_DATA, REPO / "jurisdictions", "--check")
    assert res.returncode == 0, res.stdout + res.stderr
    for path in sorted((REPO / "jurisdictions").glob("*.yaml")):
        doc = load(path)
        assert isinstance(doc["jurisdiction"], str), path
