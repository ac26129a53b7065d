#!/usr/bin/env python3
"""Generate the treaty facts of every UN member's jurisdiction file.

Reads ``opsc_crc_status.csv`` (CRC and OPSC status of the 193 UN members, dataset as of
June 2022) and ``lanzarote_parties.csv`` (the 48 parties to the Lanzarote Convention) from
the shared data folder and writes ``jurisdictions/<iso2>.yaml``:

* a missing file is created with ``jurisdiction``, ``name``, ``reviewed`` (the as-of date
  of the dataset, not today) and ``facts:`` holding only the generated block;
* in an existing file only the block between the marker lines is rewritten; a file with no
  block gets it right after its ``facts:`` line. Nothing outside the block is touched.

The script is idempotent; ``--check`` writes nothing and exits 1 if any file would change.

House rule: never guess a legal fact. A fact is written only with the dataset row as its
``source``; ``since`` only where a full date is sourced (for ``ratified`` always the date
of ratification or accession, never the later date of entry into force); ``treaty.lanzarote`` only for the
listed parties, because the data README says the complete chart of signatures and
ratifications was not found (so a state missing from the list is unknown, not
``not_signed``).

Standard library only.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
DEFAULT_OUT = REPO_ROOT / "jurisdictions"

BEGIN = "# BEGIN generated treaty facts: scripts/update_treaty_facts.py rewrites this block"
END = "# END generated treaty facts"

OPSC_CSV = "opsc_crc_status.csv"
LANZAROTE_CSV = "lanzarote_parties.csv"

# Dataset status -> vocabulary enum (accession counts as ratified).
STATUS = {
    "state party": "ratified",
    "signatory state": "signed",
    "no action": "not_signed",
}

# The data README (section 2) says the Council of Europe chart of signatures and
# ratifications for CETS 201 was NOT found; only the list of the 48 parties is complete.
# A state missing from that list is therefore left unknown rather than ``not_signed``.
LANZAROTE_LIST_IS_COMPLETE_CHART = False

# Codes in the dataset that are not (or no longer) ISO 3166-1 alpha-2.
ISO_FIXES = {
    "TP": "TL",  # East Timor: "TP" was withdrawn in 2002; Timor-Leste is "TL".
}

# Display names where the dataset's name is dated or oddly cased (not a legal fact).
NAME_FIXES = {
    "TL": "Timor-Leste",
    "SZ": "Eswatini",
    "CI": "Côte d'Ivoire",
    "CD": "Democratic Republic of the Congo",
    "FM": "Micronesia (Federated States of)",
    "GW": "Guinea-Bissau",
    "KN": "Saint Kitts and Nevis",
    "LC": "Saint Lucia",
    "VC": "Saint Vincent and the Grenadines",
    "ST": "São Tomé and Príncipe",
    "CV": "Cabo Verde",
    "MD": "Republic of Moldova",
    "RU": "Russian Federation",
    "TR": "Türkiye",
    "CZ": "Czechia",
}

# Lanzarote party names that differ from the OPSC dataset's names.
LANZAROTE_ALIASES = {
    "bosnia and herzegovina": "BA",
    "republic of moldova": "MD",
    "russian federation": "RU",
    "slovak republic": "SK",
    "türkiye": "TR",
}

ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class DataError(Exception):
    """The input data cannot be turned into facts without guessing."""


# --------------------------------------------------------------------------- YAML output


def q(text: str) -> str:
    """Quote a string for YAML: always double quotes, escaping what must be escaped."""
    out = []
    for ch in str(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@dataclass
class Entry:
    value: str  # a bare enum member name
    source: str
    since: str | None = None
    until: str | None = None
    note: str | None = None


@dataclass
class Fact:
    key: str
    entries: list[Entry] = field(default_factory=list)


def render_entry(entry: Entry, indent: str, first_prefix: str | None = None) -> list[str]:
    lines = []
    pairs: list[tuple[str, str]] = [("value", entry.value)]
    if entry.since:
        pairs.append(("since", entry.since))
    if entry.until:
        pairs.append(("until", entry.until))
    pairs.append(("source", q(entry.source)))
    if entry.note:
        pairs.append(("note", q(entry.note)))
    for i, (k, v) in enumerate(pairs):
        prefix = first_prefix if (i == 0 and first_prefix is not None) else indent
        lines.append(f"{prefix}{k}: {v}")
    return lines


def render_block(facts: list[Fact], indent: str) -> list[str]:
    """The block's lines (without line endings), markers included."""
    lines = [indent + BEGIN]
    for fact in facts:
        lines.append(f"{indent}{fact.key}:")
        inner = indent + "  "
        if len(fact.entries) == 1:
            lines.extend(render_entry(fact.entries[0], inner))
        else:
            for entry in fact.entries:
                lines.extend(render_entry(entry, inner + "  ", first_prefix=inner + "- "))
    lines.append(indent + END)
    return lines


# --------------------------------------------------------------------------- data parsing


def check_date(text: str) -> str:
    m = ISO_DATE.match(text)
    if not m:
        raise DataError(f"not an ISO date: {text!r}")
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1]):
        raise DataError(f"impossible date: {text!r}")
    return text


def dmy(text: str) -> str:
    """'19-09-2002' -> '2002-09-19'."""
    d, m, y = text.split("-")
    return check_date(f"{y}-{m}-{d}")


MONTHS = {name: i for i, name in enumerate(calendar.month_abbr) if name}


def dmonthy(day: str, month: str, year: str) -> str:
    """('23', 'Dec', '2002') -> '2002-12-23'."""
    return check_date(f"{int(year):04d}-{MONTHS[month[:3].title()]:02d}-{int(day):02d}")


def leading_full_date(text: str) -> str | None:
    """The full ISO date a cell starts with, unless the cell offers alternatives."""
    text = text.strip()
    m = re.match(r"^(\d{4}-\d{2}-\d{2})(?!\d)", text)
    if not m or " or " in text or "differ" in text:
        return None
    return check_date(m.group(1))


def dataset_as_of(rows: list[dict[str, str]]) -> str:
    """Last day of the dataset's as-of month ('2022-06 (dataset)' -> '2022-06-30')."""
    found = set()
    for row in rows:
        m = re.match(r"^(\d{4})-(\d{2})\b", row["status_as_of"].strip())
        if not m:
            raise DataError(f"{row['state']}: unreadable status_as_of {row['status_as_of']!r}")
        found.add((int(m.group(1)), int(m.group(2))))
    y, mo = min(found)  # the oldest data in the set decides how old the file is
    return f"{y:04d}-{mo:02d}-{calendar.monthrange(y, mo)[1]:02d}"


@dataclass
class Verdragen:
    signature: str | None = None
    ratification: str | None = None  # ratification or accession date
    kind: str | None = None  # "ratification" / "accession" / "signature and ratification"
    eif: str | None = None
    reservation: bool = False


def parse_verdragen(notes: str) -> Verdragen | None:
    """Parse 'verdragen.nl: signature 07-09-2000, ratification 30-04-2001, EIF 18-01-2002.'"""
    m = re.search(r"verdragen\.nl:\s*(.*)", notes)
    if not m:
        return None
    v = Verdragen()
    for part in m.group(1).rstrip(". ").split(","):
        part = part.strip()
        pm = re.fullmatch(
            r"(signature and ratification|signature|ratification|accession|EIF)\s+"
            r"(\d{2}-\d{2}-\d{4})(\s*\(R\))?",
            part,
        )
        if not pm:
            raise DataError(f"unreadable verdragen.nl note part {part!r} in {notes!r}")
        what, date, res = pm.group(1), dmy(pm.group(2)), bool(pm.group(3))
        v.reservation = v.reservation or res
        if what == "signature":
            v.signature = date
        elif what == "EIF":
            v.eif = date
        else:
            v.ratification = date
            v.kind = what
            if what == "signature and ratification":
                v.signature = date
    return v


def opsc_fact(row: dict[str, str], as_of_label: str) -> Fact:
    status = row["opsc_status"].strip()
    if status not in STATUS:
        raise DataError(f"{row['state']}: unknown OPSC status {status!r}")
    value = STATUS[status]
    source = row["source"].strip()
    year = row["opsc_year_ratification_or_accession"].strip()
    notes = row["notes"].strip()
    base = f"Dataset (UN Treaty Collection data as of {as_of_label}): {status}"
    if year:
        base += f", ratification/accession year {year}"
    base += "."
    fact = Fact("treaty.opsc")

    verd = parse_verdragen(notes)
    if verd is not None:
        if value != "ratified" or verd.ratification is None:
            raise DataError(f"{row['state']}: verdragen.nl note does not match status {status!r}")
        if year and verd.ratification[:4] != year:
            # Conflicting sources: keep the status, drop the date.
            fact.entries.append(Entry(value, source, note=(
                f"{base} {notes} The verdragen.nl year differs from the dataset year, "
                "so no date is given.")))
            return fact
        kind = verd.kind or "ratification"
        since_note = (
            f"since = date of {kind} per verdragen.nl"
            + (f" (entry into force {verd.eif})" if verd.eif else "")
            + "."
        )
        extra = " Ratified with a reservation or declaration (R)." if verd.reservation else ""
        if verd.signature and verd.signature < verd.ratification:
            fact.entries.append(Entry("signed", source, since=verd.signature,
                                      until=verd.ratification,
                                      note=f"{base} {notes} since = date of signature."))
            fact.entries.append(Entry(value, source, since=verd.ratification,
                                      note=f"{base} {notes} {since_note}{extra}"))
        else:
            fact.entries.append(Entry(value, source, since=verd.ratification,
                                      note=f"{base} {notes} {since_note}{extra}"))
        return fact

    # "instruments deposited 23 Dec 2002" (United States)
    dm = re.search(r"deposited (\d{1,2}) ([A-Z][a-z]{2,8}) (\d{4})", notes)
    if dm and value == "ratified":
        since = dmonthy(*dm.groups())
        if year and since[:4] != year:
            raise DataError(f"{row['state']}: deposit year differs from dataset year")
        fact.entries.append(Entry(value, source, since=since, note=(
            f"{base} {notes} since = date the instrument of ratification was deposited.")))
        return fact

    # "Signed OPSC 25-11-2025 per verdragen.nl/..." after a 'no action' dataset status
    sm = re.search(r"Signed OPSC (\d{2}-\d{2}-\d{4}) per (\S+)", notes)
    if sm and value == "not_signed":
        signed = dmy(sm.group(1))
        url = sm.group(2).rstrip(".;,)")
        if not url.startswith("http"):
            url = "https://" + url
        fact.entries.append(Entry(value, source, until=signed, note=(
            f"{base} {notes} Not signed until the signature on {signed}.")))
        fact.entries.append(Entry("signed", url, since=signed, note=(
            f"Signed on {signed} per verdragen.nl (after the dataset's as-of date); "
            "no ratification recorded.")))
        return fact

    note = base
    if notes:
        note += f" {notes}"
    if value == "ratified":
        note += " Exact date not in the dataset, so no since."
    fact.entries.append(Entry(value, source, note=note))
    return fact


def crc_fact(row: dict[str, str], as_of_label: str) -> Fact:
    status = row["crc_status"].strip()
    if status not in STATUS:
        raise DataError(f"{row['state']}: unknown CRC status {status!r}")
    value = STATUS[status]
    year = row["crc_year_ratification_or_accession"].strip()
    note = f"Dataset (UN Treaty Collection data as of {as_of_label}): {status}"
    if year:
        note += f", ratification/accession year {year}"
    note += "."
    if value == "ratified":
        note += " Exact date not in the dataset, so no since."
    return Fact("treaty.crc", [Entry(value, row["source"].strip(), note=note)])


def lanzarote_fact(row: dict[str, str]) -> Fact:
    source = row["source"].strip()
    sig_raw = row["signature_date"].strip()
    rat_raw = row["ratification_or_accession_date"].strip()
    eif_raw = row["entry_into_force"].strip()
    extra = row["notes"].strip()
    sig = leading_full_date(sig_raw)
    rat = leading_full_date(rat_raw)
    eif = leading_full_date(eif_raw)
    known = (f"Party per the Council of Europe list of 48 parties. Signature: {sig_raw or 'unsourced'}; "
             f"ratification/accession: {rat_raw or 'unsourced'}; "
             f"entry into force: {eif_raw or 'unsourced'}.")
    if extra:
        known += f" {extra}."
    fact = Fact("treaty.lanzarote")
    if rat:
        since, why = rat, "since = date of ratification/accession"
        if eif:
            why += f" (entry into force {eif})"
        why += "."
    elif eif:
        # NOTE: the date of entry into force is not the date of ratification (it follows
        # it by months), and ``since`` of a "ratified" value means the date of
        # ratification/accession everywhere else (OPSC via verdragen.nl, and the data's
        # own ratification_or_accession_date column). So it stays in the note only.
        since, why = None, (f"Full ratification date not sourced, so no since (entry into "
                            f"force for this party: {eif}).")
    else:
        since, why = None, "No full date sourced, so no since."
    if sig and rat and sig < rat:
        fact.entries.append(Entry("signed", source, since=sig, until=rat,
                                  note=f"{known} since = date of signature."))
        fact.entries.append(Entry("ratified", source, since=rat, note=f"{known} {why}"))
    else:
        fact.entries.append(Entry("ratified", source, since=since, note=f"{known} {why}"))
    return fact


def norm_name(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower())


def display_name(iso: str, state: str) -> str:
    if iso in NAME_FIXES:
        return NAME_FIXES[iso]
    return re.sub(r"\b(And|Of|The)\b", lambda m: m.group(1).lower(), state.strip())


@dataclass
class Jurisdiction:
    iso: str
    name: str
    facts: list[Fact]


def load(data_dir: Path) -> tuple[list[Jurisdiction], str]:
    with open(data_dir / OPSC_CSV, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(data_dir / LANZAROTE_CSV, newline="", encoding="utf-8") as fh:
        lz_rows = list(csv.DictReader(fh))
    as_of = dataset_as_of(rows)
    as_of_label = calendar.month_abbr[int(as_of[5:7])] + " " + as_of[:4]

    by_name: dict[str, str] = {}
    seen: set[str] = set()
    entries = []
    for row in rows:
        # csv never turns "NA" (Namibia) into a missing value; an empty cell is an error.
        iso = (row.get("iso2") or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", iso):
            raise DataError(f"{row.get('state')!r}: missing or malformed iso2 {iso!r}")
        iso = ISO_FIXES.get(iso, iso)
        if iso in seen:
            raise DataError(f"duplicate iso2 {iso}")
        seen.add(iso)
        by_name[norm_name(row["state"])] = iso
        entries.append((iso, row))

    lanzarote: dict[str, dict[str, str]] = {}
    for lz in lz_rows:
        key = norm_name(lz["state"])
        iso = LANZAROTE_ALIASES.get(key) or by_name.get(key)
        if iso is None:
            raise DataError(f"Lanzarote party {lz['state']!r} matches no UN member row")
        if iso in lanzarote:
            raise DataError(f"Lanzarote party {lz['state']!r} listed twice")
        lanzarote[iso] = lz

    out = []
    for iso, row in entries:
        facts = [crc_fact(row, as_of_label), opsc_fact(row, as_of_label)]
        if iso in lanzarote:
            facts.append(lanzarote_fact(lanzarote[iso]))
        elif LANZAROTE_LIST_IS_COMPLETE_CHART:  # pragma: no cover - see constant
            facts.append(Fact("treaty.lanzarote", [Entry("not_signed", "")]))
        out.append(Jurisdiction(iso, display_name(iso, row["state"]), facts))
    return out, as_of


# --------------------------------------------------------------------------- file update

FACTS_LINE = re.compile(r"^facts:[ \t]*(#.*)?$")
TOP_KEY = re.compile(r"^[^\s#-][^:]*:")
MARKER_BEGIN = re.compile(r"^([ \t]*)# BEGIN generated treaty facts\b")
MARKER_END = re.compile(r"^[ \t]*# END generated treaty facts\b")


def new_file(j: Jurisdiction, reviewed: str) -> str:
    lines = [
        f"jurisdiction: {q(j.iso)}",
        f"name: {q(j.name)}",
        f"reviewed: {reviewed}",
        "facts:",
        *render_block(j.facts, "  "),
    ]
    return "\n".join(lines) + "\n"


def update_text(text: str, j: Jurisdiction, path: Path) -> str:
    """Replace (or insert) the generated block; everything else stays byte for byte."""
    nl = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    begins = [i for i, ln in enumerate(lines) if MARKER_BEGIN.match(ln)]
    ends = [i for i, ln in enumerate(lines) if MARKER_END.match(ln)]
    if len(begins) > 1 or len(ends) > 1 or len(begins) != len(ends):
        raise DataError(f"{path}: expected one BEGIN and one END marker line")
    if begins:
        b, e = begins[0], ends[0]
        if e < b:
            raise DataError(f"{path}: END marker before BEGIN marker")
        indent = MARKER_BEGIN.match(lines[b]).group(1)
        block = [ln + nl for ln in render_block(j.facts, indent)]
        return "".join(lines[:b] + block + lines[e + 1:])

    facts_at = [i for i, ln in enumerate(lines) if FACTS_LINE.match(ln.rstrip("\r\n"))]
    if len(facts_at) > 1:
        raise DataError(f"{path}: more than one top-level facts: line")
    if not facts_at:
        if re.search(r"^facts:", text, re.M):
            raise DataError(f"{path}: facts: holds an inline value; cannot insert the block")
        tail = "" if (not text or text.endswith("\n")) else nl
        block = [ln + nl for ln in render_block(j.facts, "  ")]
        return text + tail + "facts:" + nl + "".join(block)
    f = facts_at[0]
    indent = "  "
    for ln in lines[f + 1:]:
        stripped = ln.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if TOP_KEY.match(ln):
            break
        indent = ln[: len(ln) - len(ln.lstrip(" \t"))]
        break
    block = [ln + nl for ln in render_block(j.facts, indent)]
    head = lines[: f + 1]
    if head and not head[-1].endswith("\n"):
        head[-1] += nl
    return "".join(head + block + lines[f + 1:])


def clashes(text: str, j: Jurisdiction) -> list[str]:
    """Generated keys that the file also states outside the block."""
    outside = []
    inside = False
    for ln in text.splitlines():
        if MARKER_BEGIN.match(ln):
            inside = True
        elif MARKER_END.match(ln):
            inside = False
        elif not inside:
            outside.append(ln)
    body = "\n".join(outside)
    return [f.key for f in j.facts
            if re.search(rf"^[ \t]+{re.escape(f.key)}[ \t]*:", body, re.M)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA,
                    help=f"folder holding {OPSC_CSV} and {LANZAROTE_CSV} (default: %(default)s)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help="jurisdictions folder to write (default: %(default)s)")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 if any file would change")
    args = ap.parse_args(argv)

    try:
        jurisdictions, as_of = load(args.data)
    except (OSError, KeyError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    changed: list[Path] = []
    errors = 0
    if not args.check:
        args.out.mkdir(parents=True, exist_ok=True)
    for j in jurisdictions:
        path = args.out / f"{j.iso.lower()}.yaml"
        if path.exists():
            with open(path, encoding="utf-8", newline="") as fh:
                old = fh.read()
            try:
                new = update_text(old, j, path)
            except DataError as exc:
                print(f"error: {exc}", file=sys.stderr)
                errors += 1
                continue
            for key in clashes(new, j):
                print(f"warning: {path}: {key} is also stated outside the generated block",
                      file=sys.stderr)
        else:
            old, new = None, new_file(j, as_of)
        if new != old:
            changed.append(path)
            if not args.check:
                with open(path, "w", encoding="utf-8", newline="") as fh:
                    fh.write(new)

    verb = "would change" if args.check else "changed"
    for path in changed:
        print(f"{verb}: {path}")
    print(f"{len(jurisdictions)} jurisdictions, {len(changed)} file(s) {verb}", file=sys.stderr)
    if errors:
        return 2
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
