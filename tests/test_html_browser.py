"""The HTML report in a real headless browser (Chromium, driven over the DevTools protocol).

Python's standard library only: Chromium is started with ``--remote-debugging-pipe`` and
reads NUL-terminated JSON commands on fd 3 and answers on fd 4. Skipped when no Chromium
is installed (Debian: ``apt-get install -y chromium``).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import lexgap
from lexgap.reporters import render

GOLDEN = Path(__file__).resolve().parent / "golden" / "reports"
AS_OF = datetime.date(2025, 1, 1)
TIMEOUT = 30.0


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


CHROMIUM = _chromium()
BASH = shutil.which("bash") or "/bin/bash"
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium installed (Debian: apt-get install -y chromium)"
)


class Browser:
    """A headless Chromium with one page, spoken to over the DevTools pipe."""

    def __init__(self, profile: Path) -> None:
        assert CHROMIUM is not None
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        # NOTE: Chromium expects commands on fd 3 and writes replies to fd 4; the shell
        # moves the pipe ends there just before it becomes Chromium.
        r, w = to_child_r, from_child_w
        move = f'exec 100<&{r} 101>&{w} {r}<&- {w}>&-; exec "$@" 3<&100 4>&101 100<&- 101>&-'
        self.proc = subprocess.Popen(
            [
                BASH, "-c", move, "bash",
                CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--remote-debugging-pipe",
                f"--user-data-dir={profile}", "--window-size=1400,1000", "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(r, w),
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buf = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None

    def send(self, method: str, params: dict[str, Any] | None = None, session: bool = True) -> Any:
        self._next += 1
        msg: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next:
                if "error" in reply:
                    msg = f"{method}: {reply['error']}"
                    raise AssertionError(msg)
                return reply.get("result", {})
            self.events.append(reply)

    def _read(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_child], [], [], left)[0]:
                msg = "Chromium did not answer in time"
                raise AssertionError(msg)
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                msg = "Chromium closed the DevTools pipe"
                raise AssertionError(msg)
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def wait_event(self, method: str) -> dict[str, Any]:
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        while True:
            e = self._read()
            if e.get("method") == method:
                return e
            self.events.append(e)

    def open(self, url: str) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        params = {"targetId": target["targetId"], "flatten": True}
        attached = self.send("Target.attachToTarget", params, session=False)
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired")

    def js(self, expression: str) -> Any:
        params = {"expression": expression, "returnByValue": True, "awaitPromise": True}
        reply = self.send("Runtime.evaluate", params)
        if "exceptionDetails" in reply:
            msg = f"{expression}: {reply['exceptionDetails']}"
            raise AssertionError(msg)
        return reply["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element."""
        box = self.js(
            f"(function(){{var e=document.querySelector({json.dumps(selector)});"
            "e.scrollIntoView({block:'center'});var r=e.getBoundingClientRect();"
            "return [r.left + r.width / 2, r.top + r.height / 2];}())"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1},
            )

    def errors(self) -> list[str]:
        """JS exceptions, console errors and browser log errors (CSP refusals among them)."""
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append(json.dumps(p["exceptionDetails"])[:500])
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(json.dumps(p["args"])[:500])
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                out.append(p["entry"].get("text", "")[:500])
            elif m == "Page.javascriptDialogOpening":
                out.append("dialog: " + p.get("message", ""))
        return out

    def close(self) -> None:
        with contextlib.suppress(AssertionError, OSError):
            self.send("Browser.close", session=False)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_child)
        os.close(self._from_child)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    b = Browser(tmp_path / "profile")
    try:
        yield b
    finally:
        b.close()


def _page(tmp_path: Path, report: lexgap.Report) -> str:
    path = tmp_path / "report.html"
    path.write_text(render(report, "html"), encoding="utf-8")
    return path.as_uri()


@pytest.fixture
def example_report(example_pack_path: Path) -> lexgap.Report:
    pack = lexgap.load_pack(example_pack_path)
    return lexgap.evaluate(pack, [GOLDEN / "gb.yaml", GOLDEN / "fr.yaml"], as_of=AS_OF)


def test_page_loads_without_errors_and_has_the_matrix(
    browser: Browser, tmp_path: Path, example_report: lexgap.Report
) -> None:
    """The script runs (CSP allows it), nothing errors, and every result has its cell."""
    browser.open(_page(tmp_path, example_report))
    assert browser.js("document.documentElement.getAttribute('data-ready')") == "1"
    cells = browser.js(
        "Array.from(document.querySelectorAll('#matrix tbody tr')).map(function (tr) {"
        " return [tr.getAttribute('data-j'), Array.from(tr.querySelectorAll('td.cell'))"
        ".map(function (td) { return td.getAttribute('data-v'); })]; })"
    )
    assert cells == [["GB", ["met", "unknown"]], ["FR", ["gap", "gap"]]]
    assert browser.errors() == []


def test_click_on_a_cell_shows_its_explanation(
    browser: Browser, tmp_path: Path, example_report: lexgap.Report
) -> None:
    """A click on FR's take-down cell opens the panel with title, finding, because, facts."""
    browser.open(_page(tmp_path, example_report))
    assert browser.js("document.getElementById('detail').hidden") is True
    col = [c.path for c in example_report.pack.criteria].index("cta.takedown_period")
    browser.click(f"tr[data-j='FR'] td.cell[data-col='{col}']")
    assert browser.js("document.getElementById('detail').hidden") is False
    text = browser.js("document.getElementById('detail-body').innerText")
    assert "Take-down notice periods are short" in text
    assert "Providers have 48h to remove notified material." in text
    assert "takedown.notice_period <= 24h (takedown.notice_period = 48h)" in text
    assert "Example Decree, article 6-1" in text
    assert browser.js("document.getElementById('detail-verdict').textContent") == "gap"
    browser.js("document.getElementById('detail-close').click()")
    assert browser.js("document.getElementById('detail').hidden") is True
    assert browser.errors() == []


def test_filters_hide_cells_columns_and_rows(
    browser: Browser, tmp_path: Path, example_report: lexgap.Report
) -> None:
    """Unticking 'gap' hides FR (it has nothing else); unticking a severity hides columns."""
    browser.open(_page(tmp_path, example_report))
    browser.click("input[name='verdict'][value='gap']")
    assert browser.js("document.querySelector(\"tr[data-j='FR']\").hidden") is True
    assert browser.js("document.querySelector(\"tr[data-j='GB']\").hidden") is False
    browser.click("input[name='verdict'][value='gap']")
    browser.click("input[name='severity'][value='high']")
    hidden = browser.js(
        "Array.from(document.querySelectorAll('#matrix th.crit')).filter(function (t) {"
        " return t.hidden; }).map(function (t) { return t.textContent; })"
    )
    assert hidden == ["cta.ratify_lanzarote"]
    assert browser.errors() == []


def test_hostile_strings_do_not_run(browser: Browser, tmp_path: Path) -> None:
    """Markup in packs and facts shows as text in the page and the panel; no script runs."""
    pack = lexgap.load_pack(GOLDEN / "hostile.lexgap")
    report = lexgap.evaluate(pack, [GOLDEN / "hostile.yaml"], as_of=AS_OF)
    browser.open(_page(tmp_path, report))
    assert browser.js("document.documentElement.getAttribute('data-ready')") == "1"
    assert browser.js("document.querySelectorAll('img').length") == 0
    assert browser.js("document.scripts.length") == 2
    assert "<script>alert(1)</script>" in browser.js("document.querySelector('h1').textContent")
    browser.click("tr[data-j='XH'] td.cell[data-col='0']")
    text = browser.js("document.getElementById('detail-body').textContent")
    assert "</script><script>alert(2)</script>" in text
    assert "<script>alert(4)</script>" in text
    assert browser.js("document.querySelectorAll('#detail-body img, #detail-body b').length") == 0
    assert browser.errors() == []


def test_group_filter_hides_the_group_and_its_findings(
    browser: Browser, tmp_path: Path, example_report: lexgap.Report
) -> None:
    """Unticking a group hides its header, its columns and its findings; ticking restores."""
    browser.open(_page(tmp_path, example_report))
    visible = (
        "Array.from(document.querySelectorAll(%s)).filter(function (e) {"
        " return e.offsetParent !== null; }).map(function (e) { return e.getAttribute(%s); })"
    )
    assert browser.js(visible % ("'#matrix th.group'", "'data-group'")) == ["0", "1"]
    # header, two jurisdictions and the footer: one score cell each per group
    assert browser.js(visible % ("'#matrix .gscore'", "'data-group'")) == ["0", "1"] * 4
    browser.click("input[name='group'][value='0']")  # "Strengthen cooperation"
    assert browser.js(visible % ("'#matrix th.group'", "'data-group'")) == ["1"]
    assert browser.js(visible % ("'#matrix th.crit'", "'data-col'")) == ["1"]
    assert browser.js(visible % ("'#matrix .gscore'", "'data-group'")) == ["1"] * 4
    assert browser.js(_SPAN % "1") == 2  # its criterion and its score column
    assert browser.js(_ROW_WIDTHS) == [4, 4, 4, 4]  # header, rows and footer still line up
    findings = browser.js(visible % ("'.finding'", "'data-col'"))
    assert findings and set(findings) == {"1"}
    browser.click("input[name='group'][value='0']")
    assert browser.js(visible % ("'#matrix th.crit'", "'data-col'")) == ["0", "1"]
    assert browser.js(visible % ("'#matrix .gscore'", "'data-group'")) == ["0", "1"] * 4
    assert browser.js(_ROW_WIDTHS) == [6, 6, 6, 6]
    assert browser.errors() == []


# NOTE: visible cells of the header's criteria row (plus Jurisdiction and Score, which span
# both header rows), of each jurisdiction row and of the footer row.
_ROW_WIDTHS = (
    "(function () { var m = document.getElementById('matrix');"
    " function n(tr) { return Array.from(tr.cells).filter(function (c) {"
    " return c.offsetParent !== null; }).length; }"
    " return [n(m.tHead.rows[1]) + 2].concat(Array.from(m.tBodies[0].rows).map(n),"
    " [n(m.tFoot.rows[0])]); }())"
)
_SPAN = "document.querySelector(\"#matrix th.group[data-group='%s']\").colSpan"


def test_severity_filter_hides_a_group_score_with_the_groups_last_criterion(
    browser: Browser, tmp_path: Path, example_report: lexgap.Report
) -> None:
    """Unticking 'high' empties "Strengthen cooperation": its score column goes with it."""
    browser.open(_page(tmp_path, example_report))
    browser.click("input[name='severity'][value='high']")
    hidden = browser.js(
        "Array.from(document.querySelectorAll('#matrix .gscore')).map(function (e) {"
        " return [e.getAttribute('data-group'), e.hidden]; })"
    )
    assert hidden == [["0", True], ["1", False]] * 4
    assert browser.js(_ROW_WIDTHS) == [4, 4, 4, 4]
    assert browser.errors() == []


def test_verdict_filters_leave_score_cells_alone(
    browser: Browser, tmp_path: Path, example_report: lexgap.Report
) -> None:
    """Score cells are not verdict cells: a verdict filter neither hides, dims nor recolours
    them, and with every verdict unticked the footer still shows the scores."""
    browser.open(_page(tmp_path, example_report))
    look = (
        "Array.from(document.querySelectorAll('#matrix td.gscore, #matrix td.score'))"
        ".map(function (td) { var s = getComputedStyle(td); return [td.hidden,"
        " td.className, s.backgroundColor, s.color, td.textContent]; })"
    )
    before = browser.js(look)
    assert len(before) == 9
    for hidden, classes, background, ink, _ in before:
        assert not hidden
        assert classes in ("num score", "num gscore"), classes  # never off, never v-*
        assert ink != "rgb(204, 204, 204)"  # the dimmed colour of td.off
        assert background in ("rgba(0, 0, 0, 0)", "rgb(246, 248, 250)"), background
    browser.click("input[name='verdict'][value='unknown']")
    browser.click("input[name='verdict'][value='met']")  # GB has nothing left to show
    assert browser.js("document.querySelector(\"tr[data-j='GB']\").hidden") is True
    assert browser.js(look) == before  # the row is hidden, its cells untouched
    assert browser.js("document.querySelector(\"tr[data-j='FR'] td.cell.off\")") is None
    browser.click("input[name='verdict'][value='gap']")
    browser.click("input[name='verdict'][value='not_applicable']")
    assert browser.js("document.querySelectorAll('#matrix td.cell.off').length") == 4
    assert browser.js(look) == before
    footer = browser.js(
        "Array.from(document.querySelectorAll('#matrix tfoot td.gscore, #matrix tfoot td.score'))"
        ".filter(function (td) { return td.offsetParent !== null; })"
        ".map(function (td) { return td.textContent; })"
    )
    assert footer == ["25%", "50%", "0%"]
    assert browser.errors() == []


def test_click_on_a_score_cell_opens_nothing(
    browser: Browser, tmp_path: Path, example_report: lexgap.Report
) -> None:
    """Score cells (rows, footer, headers) are not buttons: a click leaves the panel shut,
    and with the panel open on a verdict cell, it stays on that cell."""
    browser.open(_page(tmp_path, example_report))
    for selector in (
        "tr[data-j='GB'] td.gscore[data-group='0']",
        "tr[data-j='FR'] td.gscore[data-group='1']",
        "#matrix tfoot td.gscore[data-group='0']",
        "#matrix-overall",
        "#matrix th.gscore[data-group='1']",
    ):
        browser.click(selector)
        assert browser.js("document.getElementById('detail').hidden") is True, selector
    assert browser.js("document.querySelectorAll('#matrix .selected').length") == 0
    browser.click("tr[data-j='FR'] td.cell[data-col='0']")
    assert browser.js("document.getElementById('detail').getAttribute('data-result')") == "2"
    browser.click("tr[data-j='GB'] td.gscore[data-group='0']")
    assert browser.js("document.getElementById('detail').getAttribute('data-result')") == "2"
    assert browser.js("document.querySelector('#matrix .selected').getAttribute('data-i')") == "2"
    assert browser.js("document.querySelectorAll('#matrix .gscore[tabindex]').length") == 0
    assert browser.errors() == []


def test_scores_per_jurisdiction_group_and_overall(
    browser: Browser, tmp_path: Path, example_report: lexgap.Report
) -> None:
    """The matrix shows each jurisdiction's overall and per-group scores; so does the table."""
    browser.open(_page(tmp_path, example_report))

    def pct(score: float | None) -> str:
        return "n/a" if score is None else f"{score * 100:.0f}%"

    summary = example_report.summary()
    shown = browser.js(
        "Array.from(document.querySelectorAll('#matrix tbody tr')).map(function (tr) {"
        " return [tr.getAttribute('data-j'), tr.querySelector('td.score').textContent]; })"
    )
    assert shown == [[code, pct(s.score)] for code, s in summary.items()]
    groups = example_report.group_summary()
    in_matrix = browser.js(
        "Array.from(document.querySelectorAll('#matrix tbody tr')).map(function (tr) {"
        " return Array.from(tr.querySelectorAll('td.gscore')).map(function (td) {"
        " return td.textContent; }); })"
    )
    assert in_matrix == [
        [pct(groups[code]["Strengthen cooperation"].score), pct(groups[code][""].score)]
        for code in summary
    ]
    assert browser.js("document.getElementById('matrix-overall').textContent") == pct(
        example_report.overall().score
    )
    table = browser.js(
        "Array.from(document.querySelectorAll('#group-scores tbody tr')).map(function (tr) {"
        " return Array.from(tr.querySelectorAll('td')).map(function (td) {"
        " return td.textContent; }); })"
    )
    for row, code in zip(table, summary, strict=False):
        assert row == [
            pct(groups[code]["Strengthen cooperation"].score),
            pct(groups[code][""].score),
            pct(summary[code].score),
        ]
    assert table[-1][-1] == pct(example_report.overall().score)
    assert browser.js("document.getElementById('overall-score').textContent") == pct(
        example_report.overall().score
    )


def test_panel_shows_facts_sources_and_remedy(
    browser: Browser, tmp_path: Path, example_report: lexgap.Report
) -> None:
    """FR's treaty gap: the panel lists the fact, its source as a link, its note, the remedy."""
    browser.open(_page(tmp_path, example_report))
    col = [c.path for c in example_report.pack.criteria].index("cta.ratify_lanzarote")
    browser.click(f"tr[data-j='FR'] td.cell[data-col='{col}']")
    text = browser.js("document.getElementById('detail-body').innerText")
    assert "treaty.lanzarote = signed" in text
    assert "Illustrative value for the tests, not a legal finding." in text
    assert "Ratify CETS No. 201, or enact offences equivalent to its Articles 18-23." in text
    assert "Call to Action 2024, government pledge 1(b)" in text
    links = browser.js(
        "Array.from(document.querySelectorAll('#detail-body a')).map(function (a) {"
        " return a.getAttribute('href'); })"
    )
    assert links == [
        "https://www.coe.int/en/web/conventions/full-list?module=signatures-by-treaty&treatynum=201"
    ]
    assert browser.errors() == []


def test_print_layout_hides_controls_and_keeps_the_report(
    browser: Browser, tmp_path: Path, example_report: lexgap.Report
) -> None:
    """Printed, the filters and panel are gone; matrix, scores and findings remain."""
    browser.open(_page(tmp_path, example_report))
    browser.send("Emulation.setEmulatedMedia", {"media": "print"})
    display = (
        "Array.from(document.querySelectorAll(%s)).map(function (e) {"
        " return getComputedStyle(e).display; })"
    )
    assert browser.js(display % "'#filters, #detail'") == ["none", "none"]
    for selector in ("'#matrix'", "'#group-scores'", "'#criteria'"):
        assert browser.js(display % selector) == ["table"]
    assert "none" not in browser.js(display % "'#matrix .gscore'")
    assert browser.js(display % "'#matrix tfoot'") == ["table-row-group"]  # printed once
    assert "none" not in browser.js(display % "'.finding'")
    colour = browser.js(
        "getComputedStyle(document.querySelector('#matrix td.v-gap')).printColorAdjust"
    )
    assert colour == "exact"
    assert browser.errors() == []
