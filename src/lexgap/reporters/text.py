"""Report to terminal text: a summary table per jurisdiction, then gaps and unknowns.

Colour is applied by the CLI (rich) only when writing to a terminal without NO_COLOR;
this module returns plain text so files and pipes get clean output.
"""

from __future__ import annotations

from typing import Any

from lexgap.results import Report, Result, Summary

_ORDER = ("met", "gap", "unknown", "not_applicable")


def _score(s: Summary) -> str:
    return "n/a" if s.score is None else f"{s.score * 100:.0f}%"


def _clean(text: str) -> str:
    """Keep control characters from a fact file out of the terminal."""
    return "".join(c if c.isprintable() or c in "\n" else "?" for c in text)


def render(report: Report, results: list[Result] | None = None, **_: Any) -> str:
    chosen = list(report.results if results is None else results)
    lines = [
        _clean(
            f"{report.pack.title} ({report.pack.name}"
            + (f" {report.pack.version}" if report.pack.version else "")
            + f"), as of {report.as_of.isoformat()}"
        ),
        "",
    ]
    summary = report.summary()
    header = f"{'jurisdiction':<14}{'met':>6}{'gap':>6}{'unknown':>9}{'n/a':>6}{'score':>8}"
    lines.append(header)
    lines.append("-" * len(header))
    for j in report.jurisdictions:
        s = summary.get(j.code)
        if s is None:
            continue
        lines.append(
            f"{_clean(j.code):<14}{s.met:>6}{s.gap:>6}{s.unknown:>9}{s.not_applicable:>6}"
            f"{_score(s):>8}"
        )
    shown = [r for r in chosen if r.verdict.value in ("gap", "unknown")]
    if results is not None:
        shown = chosen
    for r in shown:
        lines.append("")
        lines.append(_clean(r.explain()))
    return "\n".join(lines) + "\n"
