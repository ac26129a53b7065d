"""Report to one self-contained HTML file: a verdict matrix with filters and explanations.

The page has no external resources: CSS and JS are inline and a Content-Security-Policy
allows only those two blocks (by hash), so nothing is fetched and nothing injected can
run. Jurisdictions are rows and criteria columns, grouped by ``group``; each cell is
coloured and marked by verdict (readable in black and white). Scores sit in the matrix
itself: an overall column per jurisdiction, a "group score" column closing each group's
block, and a footer row with each group's score over all jurisdictions and the overall
score, so a reader sees where a country falls short without a second table (the "Scores
by group" table repeats them for print). Filters by verdict, severity and group; a click
on a cell opens its explanation. Gaps and unknowns are also written out below the
matrix, so the page reads and prints without JavaScript.

Safety: every pack or fact string goes through :func:`esc` (``html.escape`` after
replacing control characters); the data for the explanation panel is JSON in a
``<script type="application/json">`` with ``<``, ``>`` and ``&`` written as ``\\u003c``
etc., so ``</script>`` in a fact cannot end the block; the script reads it with
``JSON.parse`` and writes text only with ``textContent``. Links are made only from
``http(s)`` URLs.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from typing import Any

from lexgap.results import FactUse, Report, Result, Summary

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_URL = re.compile(r"https?://[^\s<>\"'`\\\x00-\x1f\x7f]+", re.IGNORECASE)

VERDICTS = ("met", "gap", "unknown", "not_applicable")
SEVERITIES = ("critical", "high", "medium", "low")
_LABEL = {"met": "met", "gap": "gap", "unknown": "unknown", "not_applicable": "not applicable"}
_MARK = {"met": "\u2713", "gap": "\u2717", "unknown": "?", "not_applicable": "\u2013"}


def esc(value: object) -> str:
    """Text for HTML content or a double-quoted attribute."""
    return html.escape(_CONTROL.sub("\ufffd", str(value)), quote=True)


def bdi(value: object) -> str:
    """A name in its own bidirectional run: an Arabic or Hebrew name, or a stray U+202E in
    one, cannot reorder the text after it (the jurisdiction code that follows)."""
    return f"<bdi>{esc(value)}</bdi>"


def script_json(data: object) -> str:
    """JSON that is safe inside ``<script type="application/json">``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return _CONTROL.sub("\ufffd", text)


def _link(value: str) -> str:
    if _URL.fullmatch(value):
        return f'<a href="{esc(value)}" rel="noopener noreferrer">{esc(value)}</a>'
    return esc(value)


def _score(s: Summary | None) -> str:
    if s is None or s.score is None:
        return "n/a"
    return f"{s.score * 100:.0f}%"


def _counts(s: Summary) -> str:
    return (
        f"{s.met} met, {s.gap} gap, {s.unknown} unknown, {s.not_applicable} not applicable"
    )


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def page_head(title: str, css: str, js: str | None = None) -> list[str]:
    """A page's opening up to ``</head>``: a Content-Security-Policy that allows only this
    style block and this script (by hash), so the page fetches nothing and nothing injected
    into it runs. ``title`` is already escaped."""
    from lexgap import __version__

    script = f"script-src 'sha256-{_sha256(js)}'; img-src data:; " if js is not None else ""
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        f"style-src 'sha256-{_sha256(css)}'; {script}base-uri 'none'; form-action 'none'\">",
        f'<meta name="generator" content="lexgap {esc(__version__)}">',
        f"<title>{title}</title>",
        f"<style>{css}</style>",
        "</head>",
    ]


CSS = """
:root { --met:#d3f0da; --met-ink:#0f5323; --gap:#f9d0d3; --gap-ink:#8a1020;
  --unknown:#fff0c2; --unknown-ink:#6b4a00; --na:#e8eaed; --na-ink:#555; --line:#c8ccd0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  margin: 0 auto; padding: 1rem 1.5rem 4rem; max-width: 100rem; color: #1b1f23; }
h1 { font-size: 1.5rem; margin: .2rem 0; } h2 { font-size: 1.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.meta, .note { color: #555; }
code, .code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: .92em; }
a { color: #0b57d0; overflow-wrap: anywhere; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: .25rem .45rem; vertical-align: top; }
thead th { background: #f6f8fa; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.wrap { overflow-x: auto; max-width: 100%; }
#matrix th.crit { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
  font-weight: 500; font-size: .8rem; padding: .4rem .15rem; max-height: 16rem; }
#matrix th.group { font-size: .8rem; text-align: left; }
#matrix tbody th { text-align: left; font-weight: 500; white-space: nowrap; }
#matrix td.cell { text-align: center; min-width: 1.8rem; cursor: pointer; font-weight: 700; }
#matrix td.cell:focus { outline: 3px solid #0b57d0; outline-offset: -3px; }
#matrix td.selected { outline: 3px solid #1b1f23; outline-offset: -3px; }
.v-met { background: var(--met); color: var(--met-ink); }
.v-gap { background: var(--gap); color: var(--gap-ink); }
.v-unknown { background: var(--unknown); color: var(--unknown-ink); }
.v-not_applicable { background: var(--na); color: var(--na-ink); }
#matrix td.off { background: #fff; color: #ccc; }
#matrix th.gscore { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
  font-size: .75rem; font-style: italic; padding: .4rem .15rem; }
#matrix .gscore { background: #f6f8fa; border-right: 2px solid #8c959f; width: 3.2rem; }
#matrix td.gscore, #matrix td.score { font-size: .85rem; font-weight: 600; }
#matrix tfoot th, #matrix tfoot td { background: #f6f8fa; border-top: 2px solid #8c959f;
  font-weight: 600; text-align: left; }
#matrix tfoot td.num { text-align: right; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
  white-space: nowrap; }
.badge { display: inline-block; padding: 0 .4rem; border-radius: .6rem; font-size: .85em; }
.controls { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }
.controls fieldset { border: 1px solid var(--line); border-radius: .3rem; padding: .3rem .6rem; }
.controls label { margin-right: .6rem; white-space: nowrap; }
.finding { border-left: 4px solid var(--line); padding: .2rem .8rem; margin: .6rem 0;
  overflow-wrap: anywhere; }
.finding.v-gap { border-left-color: var(--gap-ink); background: none; color: inherit; }
.finding.v-unknown { border-left-color: #c99a00; background: none; color: inherit; }
.finding h4 { margin: .2rem 0; font-size: 1rem; }
.finding ul, #detail ul { margin: .2rem 0; padding-left: 1.3rem; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem; margin: .3rem 0; }
dl.kv dt { font-weight: 600; } dl.kv dd { margin: 0; overflow-wrap: anywhere; }
#detail { position: fixed; top: 0; right: 0; bottom: 0; width: min(34rem, 100%);
  overflow-y: auto; background: #fff; border-left: 1px solid var(--line);
  box-shadow: -4px 0 16px rgba(0,0,0,.15); padding: 1rem 1.2rem; overflow-wrap: anywhere; }
#detail[hidden] { display: none; }
#detail-close { float: right; font-size: 1rem; }
[hidden] { display: none !important; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  .controls, #detail, .screen-only { display: none !important; }
  .v-met, .v-gap, .v-unknown, .v-not_applicable, #matrix td.off {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  thead { display: table-header-group; }
  tfoot { display: table-row-group; }
  tr, .finding { break-inside: avoid; }
  a { color: inherit; }
  .wrap { overflow: visible; }
}
"""

JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("lexgap-data").textContent);
  var results = data.results;
  var criteria = data.criteria;
  var LABEL = {met: "met", gap: "gap", unknown: "unknown", not_applicable: "not applicable"};
  var panel = document.getElementById("detail");
  var body = document.getElementById("detail-body");
  var matrix = document.getElementById("matrix");
  var selected = null;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function list(title, items) {
    if (!items || !items.length) { return; }
    body.appendChild(el("h4", title));
    var ul = el("ul");
    items.forEach(function (t) { ul.appendChild(el("li", t)); });
    body.appendChild(ul);
  }
  function factItem(f) {
    var li = el("li");
    li.appendChild(el("code", f.path));
    li.appendChild(document.createTextNode(" = "));
    li.appendChild(el("code", f.value));
    if (f.since || f.until) {
      li.appendChild(document.createTextNode(
        " (in force " + (f.since || "\u2026") + " to " + (f.until || "\u2026") + ")"));
    }
    if (f.source) {
      li.appendChild(document.createTextNode("; source: "));
      if (/^https?:\/\/[^\s<>"'`\\]+$/i.test(f.source)) {
        var a = el("a", f.source);
        a.href = f.source;
        a.rel = "noopener noreferrer";
        li.appendChild(a);
      } else {
        li.appendChild(document.createTextNode(f.source));
      }
    }
    if (f.note) { li.appendChild(document.createTextNode("; note: " + f.note)); }
    return li;
  }
  function show(i, cell) {
    var r = results[i];
    if (!r) { return; }
    while (body.firstChild) { body.removeChild(body.firstChild); }
    body.appendChild(el("h2", r.title, "detail-title"));
    var badge = el("span", LABEL[r.verdict], "badge v-" + r.verdict);
    badge.id = "detail-verdict";
    var p = el("p");
    p.appendChild(badge);
    p.appendChild(document.createTextNode(" "));
    p.appendChild(el("bdi", r.jurisdiction_name));
    p.appendChild(document.createTextNode(" (" + r.jurisdiction + "), as of " + data.as_of));
    body.appendChild(p);
    var kv = el("dl", null, "kv");
    [["Criterion", r.criterion], ["Group", r.group], ["Severity", r.severity],
     ["Weight", r.weight]].forEach(function (pair) {
      if (pair[1] === null || pair[1] === undefined) { return; }
      kv.appendChild(el("dt", pair[0]));
      kv.appendChild(el("dd", pair[1]));
    });
    body.appendChild(kv);
    list("Cites", r.cites);
    if (r.message) { body.appendChild(el("p", r.message, "detail-message")); }
    list("Because", r.because);
    list("Unknown facts it depends on", r.missing);
    if (r.facts && r.facts.length) {
      body.appendChild(el("h4", "Facts used"));
      var ul = el("ul", null, "detail-facts");
      r.facts.forEach(function (f) { ul.appendChild(factItem(f)); });
      body.appendChild(ul);
    }
    list("To close", r.to_close);
    if (r.remedy) {
      body.appendChild(el("h4", "Remedy"));
      body.appendChild(el("p", r.remedy));
    }
    if (selected) { selected.classList.remove("selected"); }
    selected = cell || null;
    if (selected) { selected.classList.add("selected"); }
    panel.hidden = false;
    panel.setAttribute("data-result", String(i));
    document.getElementById("detail-close").focus();
  }
  function hide() {
    panel.hidden = true;
    if (selected) { selected.classList.remove("selected"); selected.focus(); }
  }
  matrix.addEventListener("click", function (ev) {
    var cell = ev.target.closest("td.cell[data-i]");
    if (cell) { show(Number(cell.getAttribute("data-i")), cell); }
  });
  matrix.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" && ev.key !== " ") { return; }
    var cell = ev.target.closest("td.cell[data-i]");
    if (cell) { ev.preventDefault(); show(Number(cell.getAttribute("data-i")), cell); }
  });
  document.getElementById("detail-close").addEventListener("click", hide);
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && !panel.hidden) { hide(); }
  });

  function checked(name) {
    var out = {};
    document.querySelectorAll("input[name='" + name + "']").forEach(function (b) {
      if (b.checked) { out[b.value] = true; }
    });
    return out;
  }
  function apply() {
    var verdicts = checked("verdict"), severities = checked("severity"), groups = checked("group");
    var colOn = criteria.map(function (c) {
      return !!severities[c.severity] && !!groups[String(c.group_index)];
    });
    var shown = {};
    criteria.forEach(function (c, k) {
      var g = String(c.group_index);
      shown[g] = (shown[g] || 0) + (colOn[k] ? 1 : 0);
    });
    // NOTE: every column-bound element carries data-col (criterion) or data-group (a
    // group's score column); a score column goes with its group's last visible criterion,
    // and the group header spans the visible criteria plus that score column.
    document.querySelectorAll("#matrix [data-col]").forEach(function (e) {
      e.hidden = !colOn[Number(e.getAttribute("data-col"))];
    });
    document.querySelectorAll("#matrix .gscore").forEach(function (e) {
      e.hidden = !shown[e.getAttribute("data-group")];
    });
    document.querySelectorAll("#matrix th.group").forEach(function (th) {
      var n = shown[th.getAttribute("data-group")] || 0;
      th.hidden = n === 0;
      if (n > 0) { th.colSpan = n + 1; }
    });
    // NOTE: only verdict cells answer the verdict filter; score cells are never dimmed
    // and do not keep a row visible.
    document.querySelectorAll("#matrix tbody tr").forEach(function (tr) {
      var any = false;
      tr.querySelectorAll("td.cell").forEach(function (td) {
        var on = colOn[Number(td.getAttribute("data-col"))];
        var match = !!verdicts[td.getAttribute("data-v")];
        td.classList.toggle("off", !match);
        if (on && match) { any = true; }
      });
      tr.hidden = !any;
    });
    document.querySelectorAll(".finding").forEach(function (f) {
      var c = criteria[Number(f.getAttribute("data-col"))];
      f.hidden = !(verdicts[f.getAttribute("data-v")] && severities[c.severity] &&
                   groups[String(c.group_index)]);
    });
  }
  document.getElementById("filters").addEventListener("change", apply);
  apply();
  document.documentElement.setAttribute("data-ready", "1");
}());
"""


def _groups(report: Report) -> list[str]:
    """Criterion groups in pack order of first appearance ("" for criteria without one)."""
    return list(dict.fromkeys(c.group or "" for c in report.pack.criteria))


def _group_name(group: str) -> str:
    """A group as named in a score's title or label, escaped; criteria without a group are
    named as such (an empty name would leave "weighted score of group" dangling)."""
    return f"group {esc(group)}" if group else "criteria without a group"


def _fact(f: FactUse) -> str:
    s = f"<li><code>{esc(f.path)}</code> = <code>{esc(f.value)}</code>"
    if f.since or f.until:
        since = f.since.isoformat() if f.since else "\u2026"
        until = f.until.isoformat() if f.until else "\u2026"
        s += f" (in force {since} to {until})"
    if f.source:
        s += f"; source: {_link(f.source)}"
    if f.note:
        s += f"; note: {esc(f.note)}"
    return s + "</li>"


def _items(title: str, items: list[str] | tuple[str, ...], code: bool = False) -> list[str]:
    if not items:
        return []
    wrap = ("<code>", "</code>") if code else ("", "")
    lis = "".join(f"<li>{wrap[0]}{esc(i)}{wrap[1]}</li>" for i in items)
    return [f"<dt>{esc(title)}</dt><dd><ul>{lis}</ul></dd>"]


def _finding(r: Result, i: int, col: int) -> str:
    v = r.verdict.value
    out = [
        f'<article class="finding v-{v}" data-i="{i}" data-col="{col}" data-v="{v}">',
        f"<h4>{_LABEL[v].capitalize()}: {esc(r.title)}</h4>",
        '<dl class="kv">',
        f"<dt>Criterion</dt><dd><code>{esc(r.criterion)}</code>, severity {esc(r.severity)}, "
        f"weight {esc(r.weight)}</dd>",
    ]
    out += _items("Cites", r.cites)
    if r.message:
        out.append(f"<dt>Finding</dt><dd>{esc(r.message)}</dd>")
    out += _items("Because", r.because, code=True)
    out += _items("Unknown facts", r.missing, code=True)
    if r.facts:
        facts = "".join(_fact(f) for f in r.facts)
        out.append(f"<dt>Facts used</dt><dd><ul>{facts}</ul></dd>")
    out += _items("To close", r.to_close)
    if r.remedy:
        out.append(f"<dt>Remedy</dt><dd>{esc(r.remedy)}</dd>")
    out.append("</dl></article>")
    return "\n".join(out)


def render(report: Report, results: list[Result] | None = None, **_: Any) -> str:
    """The page. With ``results``, only those cells are filled (scores stay whole-report)."""

    pack = report.pack
    chosen = list(report.results if results is None else results)
    criteria = list(pack.criteria)
    col_of = {c.path: k for k, c in enumerate(criteria)}
    groups = _groups(report)
    group_index = {g: n for n, g in enumerate(groups)}
    ordered_cols = sorted(
        range(len(criteria)), key=lambda k: (group_index[criteria[k].group or ""], k)
    )
    index_of = {(r.jurisdiction, r.criterion): i for i, r in enumerate(chosen)}
    summary = report.summary()
    group_summary = report.group_summary()
    overall = report.overall()
    # NOTE: results grouped once; filtering all results per group or per criterion was
    # quadratic (5,000 criteria x 200 jurisdictions would not finish).
    by_group: dict[str, list[Result]] = {}
    by_criterion: dict[str, list[Result]] = {}
    for r in report.results:
        by_group.setdefault(r.group or "", []).append(r)
        by_criterion.setdefault(r.criterion, []).append(r)
    group_total = {g: Summary.of(by_group.get(g, [])) for g in groups}
    cols_of: dict[str, list[int]] = {}
    for k in ordered_cols:
        cols_of.setdefault(criteria[k].group or "", []).append(k)

    data = {
        "pack": {
            "name": pack.name,
            "title": pack.title,
            "version": pack.version,
            "source": pack.source,
        },
        "as_of": report.as_of.isoformat(),
        "criteria": [
            {
                "id": c.path,
                "title": c.title,
                "group": c.group,
                "group_index": group_index[c.group or ""],
                "severity": c.severity,
            }
            for c in criteria
        ],
        "results": [{**r.to_dict(), "jurisdiction_name": r.jurisdiction_name} for r in chosen],
    }

    title = esc(pack.title)
    p: list[str] = [
        *page_head(f"{title} \u2013 lexgap report", CSS, JS),
        "<body>",
        "<header>",
        f"<h1>{title}</h1>",
        f'<p class="meta">Pack <code>{esc(pack.name)}</code>'
        + (f" version {esc(pack.version)}" if pack.version else "")
        + f", evaluated as of {report.as_of.isoformat()} ({esc(report.backend)} backend)."
        + (f" Source: {_link(pack.source)}" if pack.source else "")
        + "</p>",
        f'<p id="overall">Overall: {_counts(overall)}; weighted score '
        f'<strong id="overall-score">{_score(overall)}</strong>.</p>',
        '<p class="note">The weighted score is the weight of criteria met over the weight of '
        "criteria met or gap; unknown and not applicable criteria are left out of it.</p>",
        "</header>",
    ]

    # filters
    p.append('<form id="filters" class="controls screen-only" aria-label="Filters">')
    p.append("<fieldset><legend>Verdict</legend>")
    for v in VERDICTS:
        p.append(
            f'<label><input type="checkbox" name="verdict" value="{v}" checked> '
            f'<span class="badge v-{v}">{_MARK[v]} {_LABEL[v]}</span></label>'
        )
    p.append("</fieldset><fieldset><legend>Severity</legend>")
    for sev in SEVERITIES:
        p.append(
            f'<label><input type="checkbox" name="severity" value="{sev}" checked> {sev}</label>'
        )
    p.append("</fieldset><fieldset><legend>Group</legend>")
    for g in groups:
        label = esc(g) if g else "<em>no group</em>"
        p.append(
            f'<label><input type="checkbox" name="group" value="{group_index[g]}" checked> '
            f"{label}</label>"
        )
    p.append("</fieldset></form>")

    # matrix
    # NOTE: each group's block of columns is its criteria then one "group score" column
    # (class gscore, data-group, no data-col/data-i/data-v), so the script's column
    # filters find it by group and its verdict filter and click handler never see it.
    p.append("<h2>Matrix</h2>")
    p.append('<div class="wrap"><table id="matrix">')
    p.append("<thead><tr><th rowspan=\"2\">Jurisdiction</th><th rowspan=\"2\">Overall score</th>")
    for g in groups:
        label = esc(g) if g else "(no group)"
        p.append(
            f'<th class="group" colspan="{len(cols_of[g]) + 1}" '
            f'data-group="{group_index[g]}">{label}</th>'
        )
    p.append("</tr><tr>")
    for g in groups:
        for k in cols_of[g]:
            c = criteria[k]
            p.append(
                f'<th class="crit sev-{esc(c.severity)}" data-col="{k}" scope="col" '
                f'title="{esc(c.title)}">{esc(c.path)}</th>'
            )
        p.append(
            f'<th class="gscore" data-group="{group_index[g]}" scope="col" '
            f'title="Weighted score of {_group_name(g)}">group score'
            f'<span class="sr">: {_group_name(g)}</span></th>'
        )
    p.append("</tr></thead><tbody>")
    for j in report.jurisdictions:
        s = summary.get(j.code)
        gs = group_summary.get(j.code, {})
        p.append(
            f'<tr data-j="{esc(j.code)}"><th scope="row">{bdi(j.name)} '
            f'<span class="code">({esc(j.code)})</span></th>'
            f'<td class="num score">{_score(s)}</td>'
        )
        for g in groups:
            for k in cols_of[g]:
                c = criteria[k]
                i = index_of.get((j.code, c.path))
                if i is None:
                    p.append(f'<td class="empty" data-col="{k}"></td>')
                    continue
                v = chosen[i].verdict.value
                p.append(
                    f'<td class="cell v-{v}" data-i="{i}" data-col="{k}" data-v="{v}" '
                    f'tabindex="0" role="button" title="{esc(c.path)}: {_LABEL[v]}" '
                    f'aria-label="{esc(j.code)} {esc(c.path)}: {_LABEL[v]}">{_MARK[v]}</td>'
                )
            p.append(
                f'<td class="num gscore" data-group="{group_index[g]}" '
                f'title="{esc(j.code)}: weighted score of {_group_name(g)}">'
                f"{_score(gs.get(g))}</td>"
            )
        p.append("</tr>")
    p.append('</tbody><tfoot><tr><th scope="row">All jurisdictions</th>')
    p.append(f'<td class="num score" id="matrix-overall">{_score(overall)}</td>')
    for g in groups:
        p.extend(f'<td class="empty" data-col="{k}"></td>' for k in cols_of[g])
        p.append(
            f'<td class="num gscore" data-group="{group_index[g]}" '
            f'title="All jurisdictions: weighted score of {_group_name(g)}">'
            f"{_score(group_total[g])}</td>"
        )
    p.append("</tr></tfoot></table></div>")
    p.append(
        '<p class="note">'
        + " ".join(f'<span class="badge v-{v}">{_MARK[v]} {_LABEL[v]}</span>' for v in VERDICTS)
        + " The <em>group score</em> column closing each group is that group's weighted "
        "score; the last row gives it over all jurisdictions."
        + ' <span class="screen-only">Click a cell for its explanation.</span></p>'
    )

    # scores by group
    p.append("<h2>Scores by group</h2>")
    p.append('<div class="wrap"><table id="group-scores"><thead><tr><th>Jurisdiction</th>')
    for g in groups:
        p.append(f"<th>{esc(g) if g else '(no group)'}</th>")
    p.append("<th>Overall</th></tr></thead><tbody>")
    for j in report.jurisdictions:
        gs = group_summary.get(j.code, {})
        p.append(f"<tr><th scope=\"row\">{bdi(j.name)} ({esc(j.code)})</th>")
        for g in groups:
            p.append(f'<td class="num">{_score(gs.get(g))}</td>')
        p.append(f'<td class="num">{_score(summary.get(j.code))}</td></tr>')
    p.append("<tr><th scope=\"row\">All jurisdictions</th>")
    for g in groups:
        p.append(f'<td class="num">{_score(group_total[g])}</td>')
    p.append(f'<td class="num">{_score(overall)}</td></tr></tbody></table></div>')

    # criteria legend
    p.append("<h2>Criteria</h2>")
    p.append(
        '<div class="wrap"><table id="criteria"><thead><tr><th>Criterion</th><th>Title</th>'
        "<th>Group</th><th>Severity</th><th>Weight</th><th>Cites</th>"
        "<th>Met</th><th>Gap</th><th>Unknown</th><th>N/A</th><th>Score</th></tr></thead><tbody>"
    )
    for k in ordered_cols:
        c = criteria[k]
        s = Summary.of(by_criterion.get(c.path, []))
        cites = "<br>".join(esc(x) for x in c.cites)
        p.append(
            f"<tr><td><code>{esc(c.path)}</code></td><td>{esc(c.title)}</td>"
            f"<td>{esc(c.group or '')}</td><td>{esc(c.severity)}</td>"
            f'<td class="num">{esc(c.weight)}</td><td>{cites}</td>'
            f'<td class="num">{s.met}</td><td class="num">{s.gap}</td>'
            f'<td class="num">{s.unknown}</td><td class="num">{s.not_applicable}</td>'
            f'<td class="num">{_score(s)}</td></tr>'
        )
    p.append("</tbody></table></div>")

    # findings
    if results is None:
        shown = [i for i, r in enumerate(chosen) if r.verdict.value in ("gap", "unknown")]
        p.append("<h2>Gaps and unknowns</h2>")
    else:
        shown = list(range(len(chosen)))
        p.append("<h2>Findings</h2>")
    p.append('<section id="findings">')
    if not shown:
        p.append("<p>None.</p>")
    by_code: dict[str, list[int]] = {}
    for i in shown:
        by_code.setdefault(chosen[i].jurisdiction, []).append(i)
    for j in report.jurisdictions:
        idx = by_code.get(j.code)
        if not idx:
            continue
        s = summary.get(j.code)
        p.append(f'<section class="jurisdiction" data-j="{esc(j.code)}">')
        p.append(f"<h3>{bdi(j.name)} ({esc(j.code)})</h3>")
        line = f"{_counts(s)}; weighted score {_score(s)}." if s is not None else ""
        if j.reviewed:
            line += f" Facts last reviewed {j.reviewed.isoformat()}."
        p.append(f'<p class="meta">{line}</p>')
        for i in idx:
            p.append(_finding(chosen[i], i, col_of[chosen[i].criterion]))
        p.append("</section>")
    p.append("</section>")

    # explanation panel and data
    p.append(
        '<aside id="detail" hidden aria-live="polite" aria-label="Explanation">'
        '<button type="button" id="detail-close" aria-label="Close">\u00d7</button>'
        '<div id="detail-body"></div></aside>'
    )
    p.append(f'<script type="application/json" id="lexgap-data">{script_json(data)}</script>')
    p.append(f"<script>{JS}</script>")
    p.append("</body>")
    p.append("</html>")
    return _CONTROL.sub("\ufffd", "\n".join(p)) + "\n"
