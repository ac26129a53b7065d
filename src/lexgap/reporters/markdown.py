"""Report to Markdown: a brief a policy team can paste into a document.

A summary table (one row per jurisdiction: counts per verdict and the weighted score),
then, per jurisdiction, its gaps and unknowns with cites, explanation, the facts used and
their sources, and the remedy. Every string that comes from a pack or a fact file goes
through :func:`text` (or :func:`code`), so a pipe cannot split a table cell, a ``*`` or
``_`` cannot start emphasis, ``<script>`` stays text and a newline cannot start a new
block. Output is CommonMark with GFM tables; no timestamps, so it is deterministic.
"""

from __future__ import annotations

import re
from typing import Any

from lexgap.results import FactUse, Report, Result, Summary

# NOTE: every ASCII punctuation character may be backslash-escaped in CommonMark; these
# are the ones that mean something inline (emphasis, code, links, HTML, table cells,
# entities, GFM strikethrough, math, attribute lists). Line-start syntax (lists, quotes,
# headings, rules) cannot arise: newlines are folded and every string follows a prefix.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&$])")
_SPACE = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029 ]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_URL = re.compile(r"https?://[^\s<>|`\\\"'\x00-\x1f\x7f]+")
_IDENT = re.compile(r"[A-Za-z0-9_.\-]+")

_LABEL = {"met": "Met", "gap": "Gap", "unknown": "Unknown", "not_applicable": "Not applicable"}


def clean(value: object) -> str:
    """One line of text: control characters shown as U+FFFD, runs of whitespace one space."""
    s = _CONTROL.sub("\ufffd", str(value))
    return _SPACE.sub(" ", s).strip()


def text(value: object) -> str:
    """Inline Markdown showing ``value`` literally (safe in a paragraph, list or table cell)."""
    return _SPECIAL.sub(r"\\\1", clean(value))


def code(value: object) -> str:
    """An inline code span showing ``value`` literally (fact paths, expressions).

    The fence is one backtick longer than the longest run inside. Not for table cells
    (GFM splits cells on ``|`` before it reads code spans).
    """
    s = clean(value)
    if not s:
        return ""
    longest = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def ident(value: str) -> str:
    """A code span for identifiers (criterion ids, fact paths), else escaped text."""
    return f"`{value}`" if _IDENT.fullmatch(value) else text(value)


def link(value: str) -> str:
    """A source: an autolink when it is a plain http(s) URL, else escaped text."""
    s = clean(value)
    if _URL.fullmatch(s):
        return f"<{s}>"
    return text(s)


def score(s: Summary | None) -> str:
    if s is None or s.score is None:
        return "n/a"
    return f"{s.score * 100:.0f}%"


def _fact_line(f: FactUse) -> str:
    line = f"  - {code(f.path)} = {code(f.value)}"
    if f.since or f.until:
        since = f.since.isoformat() if f.since else "…"
        until = f.until.isoformat() if f.until else "…"
        line += f" (in force {since} to {until})"
    if f.source:
        line += f"; source: {link(f.source)}"
    if f.note:
        line += f"; note: {text(f.note)}"
    return line


def _finding(r: Result) -> list[str]:
    out = [f"#### {_LABEL[r.verdict.value]}: {text(r.title)}", ""]
    meta = (
        f"- **Criterion:** {ident(r.criterion)}, severity {text(r.severity)}, "
        f"weight {text(r.weight)}"
    )
    if r.group:
        meta += f", group {text(r.group)}"
    out.append(meta)
    for c in r.cites:
        out.append(f"- **Cites:** {text(c)}")
    if r.message:
        out.append(f"- **Finding:** {text(r.message)}")
    if r.because:
        out.append("- **Because:**")
        out.extend(f"  - {code(b)}" for b in r.because)
    if r.missing:
        out.append("- **Unknown facts it depends on:** " + ", ".join(code(m) for m in r.missing))
    if r.facts:
        out.append("- **Facts used:**")
        out.extend(_fact_line(f) for f in r.facts)
    if r.to_close:
        out.append("- **To close:**")
        out.extend(f"  - {text(t)}" for t in r.to_close)
    if r.remedy:
        out.append(f"- **Remedy:** {text(r.remedy)}")
    out.append("")
    return out


def render(report: Report, results: list[Result] | None = None, **_: Any) -> str:
    """The brief. With ``results``, the details list exactly those; else gaps and unknowns."""
    pack = report.pack
    lines = [f"# {text(pack.title)}", ""]
    about = f"Pack {ident(pack.name)}"
    if pack.version:
        about += f" version {text(pack.version)}"
    about += f", evaluated as of {report.as_of.isoformat()}."
    lines.append(about)
    if pack.source:
        lines.append("")
        lines.append(f"Source: {link(pack.source)}")
    lines.append("")
    overall = report.overall()
    lines.append(
        f"Overall: {overall.met} met, {overall.gap} gap, {overall.unknown} unknown, "
        f"{overall.not_applicable} not applicable; weighted score {score(overall)}."
    )
    lines.append("")
    lines.append("## Summary")
    lines.append("")
    lines.append("| Jurisdiction | Met | Gap | Unknown | N/A | Weighted score |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    summary = report.summary()
    for j in report.jurisdictions:
        s = summary.get(j.code)
        if s is None:
            continue
        lines.append(
            f"| {text(j.name)} ({text(j.code)}) | {s.met} | {s.gap} | {s.unknown} "
            f"| {s.not_applicable} | {score(s)} |"
        )
    lines.append("")
    lines.append(
        "The weighted score is the weight of criteria met over the weight of criteria met "
        "or gap; unknown and not applicable criteria are left out of it."
    )
    lines.append("")
    if results is None:
        shown = [r for r in report.results if r.verdict.value in ("gap", "unknown")]
    else:
        shown = list(results)
    lines.append("## Findings" if results is not None else "## Gaps and unknowns")
    lines.append("")
    if not shown:
        lines.append("None.")
        lines.append("")
    by_code: dict[str, list[Result]] = {}
    for r in shown:
        by_code.setdefault(r.jurisdiction, []).append(r)
    for j in report.jurisdictions:
        rs = by_code.get(j.code)
        if not rs:
            continue
        s = summary.get(j.code)
        lines.append(f"### {text(j.name)} ({text(j.code)})")
        lines.append("")
        counts = (
            f"{s.met} met, {s.gap} gap, {s.unknown} unknown, {s.not_applicable} not applicable; "
            f"weighted score {score(s)}."
            if s is not None
            else ""
        )
        if j.reviewed:
            counts += f" Facts last reviewed {j.reviewed.isoformat()}."
        lines.append(counts.strip())
        lines.append("")
        for r in rs:
            lines.extend(_finding(r))
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"
