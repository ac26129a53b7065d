"""Reporters: every format renders, is deterministic, and escapes what packs and facts say.

Hostile strings (markup, ``</script>``, Markdown pipes and emphasis, format braces, very
long values, non-Latin scripts, control characters) live in tests/golden/reports/hostile.*
and reach every place a pack or fact file can put text. Each format's output is parsed
with a real parser for that format, never just searched. Set LEXGAP_UPDATE_GOLDEN=1 to
rewrite the golden files after a deliberate change.
"""

from __future__ import annotations

import base64
import csv
import datetime
import hashlib
import html.parser
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

import lexgap
from lexgap.cli import main
from lexgap.reporters import FORMATS, render
from lexgap.reporters.csvfmt import COLUMNS, cell
from lexgap.reporters.schema import REPORT_SCHEMA, report_schema_text, validate
from lexgap.scaffold import fact_file_schema, skeleton

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "reports"
AS_OF = datetime.date(2025, 1, 1)
HOSTILE_STRINGS = (
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    "<img src=x onerror=alert(3)>",
    "{0.__class__}",
    "Привет 中文 العربية",
    "Ελλάδα",
    "日本語",
    "L" * 5000,
)


def _example_report(example_pack_path: Path) -> lexgap.Report:
    pack = lexgap.load_pack(example_pack_path)
    return lexgap.evaluate(pack, [GOLDEN / "gb.yaml", GOLDEN / "fr.yaml"], as_of=AS_OF)


@pytest.fixture
def example_report(example_pack_path: Path) -> lexgap.Report:
    """The contract's example pack for GB (the contract's fact file) and FR, on 2025-01-01."""
    return _example_report(example_pack_path)


@pytest.fixture
def hostile_report() -> lexgap.Report:
    """A pack and a fact file full of hostile strings."""
    pack = lexgap.load_pack(GOLDEN / "hostile.lexgap")
    return lexgap.evaluate(pack, [GOLDEN / "hostile.yaml"], as_of=AS_OF)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("LEXGAP_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8", newline="")
    assert path.read_text(encoding="utf-8") == text


def _yaml_data(path: Path) -> Any:
    """A fact file as an editor's YAML 1.2 reading gives it to a JSON Schema (dates as text)."""

    def norm(x: Any) -> Any:
        if isinstance(x, dict):
            return {str(k): norm(v) for k, v in x.items()}
        if isinstance(x, list):
            return [norm(v) for v in x]
        if isinstance(x, datetime.date):
            return x.isoformat()
        return x

    return norm(yaml.safe_load(path.read_text(encoding="utf-8")))


# ---- every format --------------------------------------------------------------------------


def test_formats_are_registered() -> None:
    """markdown, html, junit and csv are available beside text and json."""
    assert {"text", "json", "markdown", "html", "junit", "csv"} <= set(FORMATS)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_renders_the_contract_example(example_report: lexgap.Report, fmt: str) -> None:
    """Each format renders the example and names every criterion in it."""
    out = render(example_report, fmt)
    assert out.endswith("\n")
    for r in example_report.results:
        assert r.criterion in out


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_output_is_deterministic(example_pack_path: Path, fmt: str) -> None:
    """Same inputs, byte-identical output, even from a fresh load and evaluation."""
    a = render(_example_report(example_pack_path), fmt)
    b = render(_example_report(example_pack_path), fmt)
    assert a == b


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_filtered_results_render(example_report: lexgap.Report, fmt: str) -> None:
    """A renderer given a subset of results (--only, --criterion) shows that subset."""
    gaps = [r for r in example_report.results if r.verdict.value == "gap"]
    out = render(example_report, fmt, results=gaps)
    assert "cta.takedown_period" in out


# ---- markdown ------------------------------------------------------------------------------


def test_markdown_golden(example_report: lexgap.Report) -> None:
    """The Markdown brief of the example is exactly the golden file."""
    _golden("example.md", render(example_report, "markdown"))


def test_markdown_escapes_hostile_strings(hostile_report: lexgap.Report) -> None:
    """Rendered by a CommonMark parser: no HTML from the files, no extra cells, no new blocks."""
    markdown_it = pytest.importorskip("markdown_it")
    out = render(hostile_report, "markdown")
    for line in out.splitlines():
        # a string from the files never starts a line of its own
        assert line == "" or re.match(r"(#{1,4} |- |  - |\| |[A-Z0-9])", line), line[:80]
    assert "\x00" not in out and "\x1b" not in out and "\x07" not in out
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(out)
    p = _parse_html(rendered)
    allowed = {"h1", "h2", "h3", "h4", "p", "ul", "li", "strong", "code", "a", "table",
               "thead", "tbody", "tr", "th", "td"}
    assert {t for t, _ in p.tags} <= allowed
    for t, attrs in p.tags:
        if t == "a":
            assert (attrs.get("href") or "").startswith(("https://", "http://")), attrs
    rows = rendered.split("<tr>")[1:]
    assert rows and all(r.count("<td") + r.count("<th") == 6 for r in rows)
    text = "".join(p.text)
    for s in HOSTILE_STRINGS:
        assert s in text, s[:40]
    assert "javascript:alert(1)" in text  # shown, never a link
    assert "+note with newline and separator" in text


def test_markdown_code_spans_survive_backticks() -> None:
    """A code span holding backticks gets a longer fence."""
    from lexgap.reporters.markdown import code, text

    assert code("a`b") == "``a`b``"
    assert code("`x`") == "`` `x` ``"
    assert text("a|b*c_d[e]<f>") == "a\\|b\\*c\\_d\\[e\\]\\<f\\>"


# ---- html ----------------------------------------------------------------------------------


class _Collect(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = tag
            if tag == "script":
                self.scripts.append((dict(attrs), ""))
            else:
                self.styles.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        elif self._in == "style":
            self.styles[-1] += data
        else:
            self.text.append(data)


def _parse_html(out: str) -> _Collect:
    p = _Collect()
    p.feed(out)
    p.close()
    return p


def _sha(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def test_html_is_self_contained(example_report: lexgap.Report) -> None:
    """No external script, style, font or image; the CSP allows exactly the inline blocks."""
    out = render(example_report, "html")
    p = _parse_html(out)
    for tag, attrs in p.tags:
        assert tag not in ("link", "iframe", "img", "object", "embed"), tag
        assert "src" not in attrs, (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("https://", "http://")), href
    assert "@import" not in "".join(p.styles) and "url(" not in "".join(p.styles)
    csp = next(a["content"] for t, a in p.tags if a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp
    code = [body for attrs, body in p.scripts if "type" not in attrs]
    assert len(code) == 1 and f"'sha256-{_sha(code[0])}'" in csp
    assert f"'sha256-{_sha(p.styles[0])}'" in csp


def test_html_matrix_has_a_cell_per_result(example_report: lexgap.Report) -> None:
    """One coloured cell per jurisdiction and criterion, with the verdict as a class."""
    p = _parse_html(render(example_report, "html"))
    cells = [a for t, a in p.tags if t == "td" and "cell" in (a.get("class") or "").split()]
    assert len(cells) == len(example_report.results)
    data = json.loads(next(b for a, b in p.scripts if a.get("type") == "application/json"))
    for attrs in cells:
        r = data["results"][int(attrs["data-i"] or "")]
        assert f"v-{r['verdict']}" in (attrs["class"] or "")
        assert attrs["data-v"] == r["verdict"]


class _Matrix(html.parser.HTMLParser):
    """The rows of ``#matrix`` by section: each cell as (tag, attrs, text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, list[list[tuple[str, dict[str, str | None], str]]]] = {
            "thead": [], "tbody": [], "tfoot": []
        }
        self._in_matrix = False
        self._section = ""
        self._cell: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._in_matrix = a.get("id") == "matrix"
        elif self._in_matrix and tag in self.rows:
            self._section = tag
        elif self._in_matrix and tag == "tr":
            self.rows[self._section].append([])
        elif self._in_matrix and tag in ("td", "th"):
            self._cell = [tag, a, ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_matrix = False
        elif self._in_matrix and tag in ("td", "th") and self._cell is not None:
            self.rows[self._section][-1].append((self._cell[0], self._cell[1], self._cell[2]))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[2] += data


def _classes(attrs: dict[str, str | None]) -> list[str]:
    return (attrs.get("class") or "").split()


def _pct(summary: Any) -> str:
    """The page's rendering of a score, from the report's own numbers."""
    score = None if summary is None else summary.score
    return "n/a" if score is None else f"{score * 100:.0f}%"


@pytest.mark.parametrize("case", ["example", "example-gaps-only", "hostile"])
def test_html_matrix_has_a_score_column_per_group(
    example_report: lexgap.Report, hostile_report: lexgap.Report, case: str
) -> None:
    """Each group's block ends in a "group score" column: one cell per jurisdiction with its
    group_summary() score (n/a where nothing is met or gap), and one in the footer row with
    the group's score over all jurisdictions beside the overall score. Score cells are not
    verdict cells (no data-i, data-v or data-col, no verdict colour, not clickable)."""
    report = hostile_report if case == "hostile" else example_report
    subset = [r for r in report.results if r.verdict.value == "gap"]
    out = render(report, "html", **({"results": subset} if case.endswith("gaps-only") else {}))
    m = _Matrix()
    m.feed(out)
    m.close()
    groups = list(dict.fromkeys(c.group or "" for c in report.pack.criteria))
    width = {g: sum(1 for c in report.pack.criteria if (c.group or "") == g) for g in groups}

    top, second = m.rows["thead"]
    group_heads = [a for t, a, _ in top if "group" in _classes(a)]
    assert [int(a["colspan"] or "") for a in group_heads] == [width[g] + 1 for g in groups]
    # the second header row: each group's criteria, then its score column, named for it
    expected_heads: list[str] = []
    for n, g in enumerate(groups):
        expected_heads += ["crit"] * width[g] + [f"gscore:{n}"]
    kinds = [
        f"gscore:{a['data-group']}" if "gscore" in _classes(a) else "crit" for _, a, _ in second
    ]
    assert kinds == expected_heads
    for n, g in enumerate(groups):
        head = next(text for _, a, text in second if a.get("data-group") == str(n))
        assert "group score" in head and (g or "without a group") in head

    summary = report.summary()
    per_group = report.group_summary()
    assert [a["data-j"] for a in _row_attrs(out)] == [j.code for j in report.jurisdictions]
    body = m.rows["tbody"]
    assert len(body) == len(report.jurisdictions)
    for row, j in zip(body, report.jurisdictions, strict=True):
        scores = [(a, text) for _, a, text in row if "gscore" in _classes(a)]
        assert [a["data-group"] for a, _ in scores] == [str(n) for n in range(len(groups))]
        assert [text for _, text in scores] == [_pct(per_group[j.code].get(g)) for g in groups]
        for a, _ in scores:
            assert not {"cell", "empty", "off"} & set(_classes(a))
            assert not any(c.startswith("v-") for c in _classes(a))
            assert not {"data-i", "data-v", "data-col", "tabindex", "role"} & set(a)
        # a group's score column comes right after its last criterion
        before = [_classes(row[k - 1][1]) for k, c in enumerate(row) if "gscore" in _classes(c[1])]
        assert all("cell" in c or "empty" in c for c in before)
        assert "score" in _classes(row[1][1]) and row[1][2] == _pct(summary[j.code])

    (foot,) = m.rows["tfoot"]
    assert foot[0][0] == "th" and foot[0][2] == "All jurisdictions"
    assert foot[1][2] == _pct(report.overall())
    totals = [text for _, a, text in foot if "gscore" in _classes(a)]
    assert totals == [_pct(_summary_of(report, g)) for g in groups]
    # every matrix row has as many cells as the header has columns
    columns = 2 + sum(width[g] + 1 for g in groups)
    assert {len(r) for r in [*body, foot]} == {columns}
    assert len(second) == columns - 2


def _summary_of(report: lexgap.Report, group: str) -> Any:
    from lexgap.results import Summary

    return Summary.of([r for r in report.results if (r.group or "") == group])


def _row_attrs(out: str) -> list[dict[str, str | None]]:
    p = _parse_html(out)
    return [a for t, a in p.tags if t == "tr" and "data-j" in a]


def test_html_matrix_scores_of_the_example(example_report: lexgap.Report) -> None:
    """The example's figures as a reader checks them by hand: GB met the one criterion of
    "Strengthen cooperation" (100%) and is unknown on the other (n/a); FR has two gaps (0%);
    over both, the group is half met (50%), the rest 0%, overall 25%."""
    m = _Matrix()
    m.feed(render(example_report, "html"))
    m.close()

    def scores(row: list[tuple[str, dict[str, str | None], str]]) -> list[str]:
        return [text for _, a, text in row if {"score", "gscore"} & set(_classes(a))]

    assert [scores(r) for r in m.rows["tbody"]] == [["100%", "100%", "n/a"], ["0%", "0%", "0%"]]
    assert scores(m.rows["tfoot"][0]) == ["25%", "50%", "0%"]


def test_html_escapes_hostile_strings(hostile_report: lexgap.Report) -> None:
    """Markup from packs and facts is text; the JSON block cannot be broken out of."""
    out = render(hostile_report, "html")
    p = _parse_html(out)
    tags = {t for t, _ in p.tags}
    assert not tags & {"img", "b", "i"}
    for _, attrs in p.tags:
        assert not any(k.startswith("on") for k in attrs), attrs
        href = attrs.get("href")
        assert href is None or href.startswith(("https://", "http://")), href
    assert len(p.scripts) == 2  # the data block and the page's own code
    text = "".join(p.text)
    for s in HOSTILE_STRINGS[:-1]:
        assert s in text, s
    assert "L" * 5000 in text
    assert "\x00" not in out and "\x1b" not in out and "\x07" not in out
    block = next(b for a, b in p.scripts if a.get("type") == "application/json")
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["pack"]["title"].startswith("<script>alert(1)</script>")
    assert any("</script>" in (r["message"] or "") for r in data["results"])
    code = next(b for a, b in p.scripts if "type" not in a)
    assert "innerHTML" not in code and "insertAdjacentHTML" not in code
    assert "document.write" not in code and "eval(" not in code


# ---- junit ---------------------------------------------------------------------------------


def test_junit_structure(example_report: lexgap.Report) -> None:
    """A testcase per result: classname jurisdiction, name criterion; gap fails, unknown skips."""
    root = ET.fromstring(render(example_report, "junit"))
    cases = root.findall(".//testcase")
    assert len(cases) == len(example_report.results)
    for case, r in zip(cases, example_report.results, strict=True):
        assert case.get("classname") == r.jurisdiction and case.get("name") == r.criterion
        failure, skipped = case.find("failure"), case.find("skipped")
        if r.verdict.value == "gap":
            assert failure is not None and failure.get("message") == r.message
            assert all(b in (failure.text or "") for b in r.because)
        elif r.verdict.value == "unknown":
            assert skipped is not None and failure is None
        else:
            assert failure is None
    gaps = sum(r.verdict.value == "gap" for r in example_report.results)
    assert root.get("failures") == str(gaps)


def test_junit_escapes_hostile_strings(hostile_report: lexgap.Report) -> None:
    """The XML parses; markup is text; characters XML forbids are replaced."""
    out = render(hostile_report, "junit")
    root = ET.fromstring(out)
    assert root.get("name", "").startswith("<script>alert(1)</script>")
    failure = root.find(".//testcase[@name='h.one']/failure")
    assert failure is not None
    assert "</script><img src=x onerror=alert(7)>" in (failure.get("message") or "")
    assert "{0.__class__}" in (failure.get("message") or "")
    assert "\ufffd" in (failure.get("message") or "")
    assert "L" * 5000 in (failure.get("message") or "")
    assert "<script>alert(4)</script>" in (failure.text or "")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", out)
    assert len(list(root.iter("script"))) == 0


# ---- csv -----------------------------------------------------------------------------------


def test_csv_has_the_record_columns(example_report: lexgap.Report) -> None:
    """The header is Report.to_records()'s columns; one row per result."""
    rows = list(csv.reader(io.StringIO(render(example_report, "csv"))))
    assert tuple(rows[0]) == COLUMNS == tuple(example_report.to_records()[0])
    assert len(rows) == len(example_report.results) + 1
    assert [r[2] for r in rows[1:]] == [r.criterion for r in example_report.results]


def test_csv_defuses_formulas() -> None:
    """Cells starting with = + - @ are prefixed with a quote; numbers are left alone."""
    assert cell("=1+2") == "'=1+2"
    assert cell("+x") == "'+x" and cell("-x") == "'-x" and cell("@SUM(1)") == "'@SUM(1)"
    assert cell("\tx") == "'\tx"
    assert cell(2) == 2 and cell(None) == "" and cell("plain") == "plain"


def test_csv_escapes_hostile_strings(hostile_report: lexgap.Report) -> None:
    """Quoting keeps commas, quotes and newlines in their cell; no cell is a formula."""
    rows = list(csv.reader(io.StringIO(render(hostile_report, "csv"))))
    assert len(rows) == len(hostile_report.results) + 1
    assert all(len(r) == len(COLUMNS) for r in rows)
    for row in rows[1:]:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@")), value[:40]
    one = dict(zip(COLUMNS, rows[1], strict=True))
    assert one["remedy"].startswith("'=cmd|")
    assert one["title"].startswith("</script><script>alert(2)</script>")
    assert "L" * 5000 in one["message"] and "{0.__class__}" in one["message"]
    assert one["cites"].startswith("Art. 1 <img")


# ---- json and its schema -------------------------------------------------------------------


def test_report_schema_file_is_current() -> None:
    """schemas/report-1.schema.json is what lexgap.reporters.schema says."""
    path = ROOT / "schemas" / "report-1.schema.json"
    assert path.read_text(encoding="utf-8") == report_schema_text()


def _declared_keys(data: Any, schema: dict[str, Any], at: str = "$") -> list[str]:
    """Keys in ``data`` that the schema does not name (the schema must document them all)."""
    out: list[str] = []
    if "$ref" in schema:
        return _declared_keys(data, REPORT_SCHEMA["$defs"][schema["$ref"].split("/")[-1]], at)
    for sub in schema.get("anyOf", []):
        if not validate(data, sub, REPORT_SCHEMA):
            return _declared_keys(data, sub, at)
    if isinstance(data, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for k, v in data.items():
            if k in props:
                out += _declared_keys(v, props[k], f"{at}.{k}")
            elif isinstance(extra, dict):
                out += _declared_keys(v, extra, f"{at}.{k}")
            else:
                out.append(f"{at}.{k}")
    if isinstance(data, list) and "items" in schema:
        for i, v in enumerate(data):
            out += _declared_keys(v, schema["items"], f"{at}[{i}]")
    return out


@pytest.mark.parametrize("which", ["example", "hostile"])
def test_json_output_validates_against_the_schema(
    which: str, example_report: lexgap.Report, hostile_report: lexgap.Report
) -> None:
    """Real --format json output is valid, and every key in it is documented."""
    report = example_report if which == "example" else hostile_report
    data = json.loads(render(report, "json"))
    assert validate(data, REPORT_SCHEMA) == []
    assert _declared_keys(data, REPORT_SCHEMA) == []
    assert data["pack"]["title"] == report.pack.title


def test_schema_validator_reports_problems() -> None:
    """The validator finds a wrong verdict, a missing key and a wrong type."""
    errors = validate({"schema_version": 1, "results": [{"verdict": "maybe"}]}, REPORT_SCHEMA)
    assert any("'generator'" in e for e in errors)
    assert any("maybe" in e for e in errors)
    assert validate("x", {"type": "integer"}) and validate(True, {"type": "number"})


# ---- fact-file schema, init ----------------------------------------------------------------


def test_pack_schema_validates_real_fact_files(example_pack_path: Path) -> None:
    """The fact-file schema of the example pack accepts the contract's and FR's fact files."""
    schema = fact_file_schema(lexgap.load_pack(example_pack_path))
    for name in ("gb.yaml", "fr.yaml"):
        assert validate(_yaml_data(GOLDEN / name), schema) == [], name


def test_pack_schema_rejects_wrong_values(example_pack_path: Path) -> None:
    """A bad enum member, duration, date or key is caught by the schema."""
    schema = fact_file_schema(lexgap.load_pack(example_pack_path))
    data = _yaml_data(GOLDEN / "gb.yaml")
    data["facts"]["treaty.lanzarote"] = "ratifed"
    data["facts"]["takedown.notice_period"] = [{"value": "two days"}]
    data["facts"]["law.csam.enacted"] = {"value": "2020-13", "source": "x"}
    data["facts"]["law.age_of_consent"] = {"value": 16, "sorce": "x"}
    data["extra"] = 1
    errors = validate(data, schema)
    for part in ("treaty.lanzarote", "notice_period", "enacted", "age_of_consent", "extra"):
        assert any(part in e for e in errors), part
    ok = {"jurisdiction": "US-CA", "name": "California", "facts": {
        "takedown.notice_period": "PT24H", "law.instruments": ["A", "B"],
        "law.csam.enacted": "unknown", "takedown.mandated": True, "other.fact": {"anything": 1},
    }}
    assert validate(ok, schema) == []


def test_skeleton_loads_and_lists_every_fact(example_pack_path: Path) -> None:
    """The skeleton is a valid fact file with every declared fact unknown."""
    pack = lexgap.load_pack(example_pack_path)
    text = skeleton(pack, "GB", "United Kingdom")
    j = lexgap.parse_jurisdiction(text, "skeleton.yaml")
    assert set(j.facts) == set(pack.facts)
    report = lexgap.evaluate(pack, [j], as_of=AS_OF)
    assert {r.verdict.value for r in report.results} == {"unknown"}
    assert "# duration: Longest time allowed to remove notified CSAM" in text
    assert validate(_yaml_data_text(text), fact_file_schema(pack)) == []


def _yaml_data_text(text: str) -> Any:
    return yaml.safe_load(text)


def test_skeleton_comments_cannot_break_out() -> None:
    """Newlines and hostile text in pack titles and descriptions stay inside comments."""
    pack = lexgap.load_pack(GOLDEN / "hostile.lexgap")
    text = skeleton(pack, "XH", 'Name "quoted"\nnext: line # not a comment')
    j = lexgap.parse_jurisdiction(text, "skeleton.yaml")
    assert j.name == 'Name "quoted"\nnext: line # not a comment'
    assert set(j.facts) == {"law.ok", "name.text"}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def test_init_writes_and_never_overwrites(
    example_pack_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """init writes a loadable skeleton, and refuses to replace an existing file."""
    target = tmp_path / "gb.yaml"
    code, _, _ = _run(["init", str(example_pack_path), "--jurisdiction", "gb", "--name", "UK",
                       "-o", str(target)], capsys)
    assert code == 0
    assert lexgap.load_jurisdiction(target).code == "GB"
    target.write_text("mine\n", encoding="utf-8")
    code, _, err = _run(["init", str(example_pack_path), "--jurisdiction", "GB", "--name", "UK",
                         "-o", str(target)], capsys)
    assert code == 2 and "already exists" in err
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_schema_command_prints_the_pack_schema(
    example_pack_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """lexgap schema PACK prints JSON Schema naming every declared fact."""
    code, out, _ = _run(["schema", str(example_pack_path)], capsys)
    assert code == 0
    data = json.loads(out)
    assert set(data["properties"]["facts"]["properties"]) == set(
        lexgap.load_pack(example_pack_path).facts
    )
    code, out, _ = _run(["schema", "--report"], capsys)
    assert code == 0 and out == report_schema_text()


# ---- diff ----------------------------------------------------------------------------------


def test_diff_between_dates_names_the_fact(
    example_pack_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A value that changes over time flips a verdict, and diff names the fact and values."""
    fr = tmp_path / "fr.yaml"
    fr.write_text(
        (GOLDEN / "fr.yaml").read_text(encoding="utf-8").replace(
            "  takedown.notice_period:\n    value: 48h\n",
            "  takedown.notice_period:\n    - value: 48h\n      until: 2024-06-01\n"
            "    - value: 24h\n      since: 2024-06-01\n",
        ).replace('    source: "Example Decree, article 6-1"\n', ""),
        encoding="utf-8",
    )
    code, out, _ = _run(["diff", str(example_pack_path), "--from", "2024-01-01", "--to",
                         "2025-01-01", str(fr), "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert [(c["criterion"], c["from"], c["to"]) for c in data["changes"]] == [
        ("cta.takedown_period", "gap", "met")
    ]
    assert data["changes"][0]["facts"] == [
        {"path": "takedown.notice_period", "from": "48h", "to": "24h", "source": None}
    ]


def test_diff_between_files(
    example_pack_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two versions of a fact file: the changed verdicts and the facts behind them."""
    new = tmp_path / "gb.yaml"
    new.write_text(
        (GOLDEN / "gb.yaml").read_text(encoding="utf-8")
        + "  takedown.mandated: true\n",
        encoding="utf-8",
    )
    code, out, _ = _run(["diff", str(example_pack_path), str(GOLDEN / "gb.yaml"), str(new),
                         "--as-of", "2025-01-01", "--exit-code"], capsys)
    assert code == 1
    assert "GB / cta.takedown_period: unknown -> met" in out
    assert "takedown.mandated: unknown -> true" in out
    assert out.rstrip().endswith("1 verdict changed.")


def _validators(schema: dict[str, Any]) -> list[Any]:
    """lexgap's own validator, and the jsonschema library's when it is installed."""
    out: list[Any] = [lambda data: validate(data, schema)]
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - jsonschema is in the dev extra
        return out
    jsonschema.Draft202012Validator.check_schema(schema)
    checker = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    out.append(lambda data: [e.message for e in checker.iter_errors(data)])
    return out


@pytest.mark.parametrize("pack_name", ["weprotect-cta-2024", "lanzarote"])
def test_pack_schema_accepts_shipped_files_as_pyyaml_reads_them(pack_name: str) -> None:
    """yaml.safe_load turns dates into date objects; the schema still accepts the file."""
    schema = fact_file_schema(lexgap.load_pack(ROOT / "rules" / f"{pack_name}.lexgap"))
    files = [ROOT / "jurisdictions" / n for n in ("gb.yaml", "fr.yaml", "us-ca.yaml")]
    for check in _validators(schema):
        for f in files:
            data = yaml.safe_load(f.read_text(encoding="utf-8"))
            assert isinstance(data.get("reviewed"), datetime.date)
            assert check(data) == [], f.name


def test_pack_schema_rejects_wrong_types_as_pyyaml_reads_them(example_pack_path: Path) -> None:
    """A wrong-typed value is refused by both validators, dates as objects or as text."""
    schema = fact_file_schema(lexgap.load_pack(example_pack_path))
    base = yaml.safe_load((GOLDEN / "gb.yaml").read_text(encoding="utf-8"))
    wrong = {
        "law.csam.ai_generated": "yes",
        "law.age_of_consent": "sixteen",
        "law.csam.enacted": 2020,
        "takedown.notice_period": 24,
        "treaty.lanzarote": True,
        "law.instruments": "Criminal Code",
    }
    for check in _validators(schema):
        assert check(base) == []
        for path, value in wrong.items():
            data = json.loads(json.dumps(base, default=str))
            data["facts"][path] = value
            assert check(data) != [], (path, value)
        data = json.loads(json.dumps(base, default=str))
        data["facts"]["law.csam.enacted"] = datetime.date(2020, 1, 1)
        data["reviewed"] = datetime.date(2025, 6, 1)
        assert check(data) == []
        data["reviewed"] = 20250601
        assert check(data) != []


def test_json_report_passes_the_reference_validator(hostile_report: lexgap.Report) -> None:
    """schemas/report-1.schema.json is a valid schema, and hostile output conforms to it."""
    schema = json.loads((ROOT / "schemas" / "report-1.schema.json").read_text(encoding="utf-8"))
    data = json.loads(render(hostile_report, "json"))
    for check in _validators(schema):
        assert check(data) == []


def test_html_isolates_jurisdiction_names(example_report: lexgap.Report) -> None:
    """Names sit in <bdi> (matrix row, group scores, findings), so RTL text stays in its run."""
    page = render(example_report, "html")
    for j in example_report.jurisdictions:
        assert page.count(f"<bdi>{j.name}</bdi> (") >= 2, j.code
    assert 'el("bdi", r.jurisdiction_name)' in page
