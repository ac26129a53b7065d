"""Several reports to one HTML index page: what ``lexgap report`` writes beside them.

One row per pack (title, version, criteria, jurisdictions, counts per verdict, weighted
score) linking to that pack's own page, so a reader opening the folder starts from one
page. Like the reports themselves the page is self-contained (inline CSS allowed by hash,
no scripts) and every string from a pack goes through :func:`~lexgap.reporters.html.esc`.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence

from lexgap.reporters.html import _score, esc, page_head
from lexgap.results import Report

CSS = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#111}"
    "table{border-collapse:collapse}th,td{border:1px solid #999;padding:.3rem .6rem}"
    "th{background:#eee;text-align:left}td.n{text-align:right}"
    ".meta{color:#444}"
)


def render_index(reports: Sequence[tuple[str, Report]]) -> str:
    """The index page for ``(file name, report)`` pairs, in the order given."""
    as_of = sorted({r.as_of.isoformat() for _, r in reports})
    p = [
        *page_head("lexgap gap reports", CSS),
        "<body>",
        "<h1>Gap reports</h1>",
        f'<p class="meta">Evaluated as of {esc(", ".join(as_of))}. Each pack links to its '
        "matrix of jurisdictions x criteria. The weighted score is the weight of criteria "
        "met over the weight of criteria met or gap; unknown is counted apart.</p>",
        "<table>",
        "<thead><tr><th>pack</th><th>version</th><th>criteria</th><th>jurisdictions</th>"
        "<th>met</th><th>gap</th><th>unknown</th><th>not applicable</th><th>score</th>"
        "</tr></thead>",
        "<tbody>",
    ]
    for file_name, report in reports:
        pack = report.pack
        overall = report.overall()
        href = esc(urllib.parse.quote(file_name))
        p.append(
            f'<tr><td><a href="{href}">{esc(pack.title)}</a> '
            f"<code>{esc(pack.name)}</code></td>"
            f"<td>{esc(pack.version or '')}</td>"
            f'<td class="n">{len(pack.criteria)}</td>'
            f'<td class="n">{len(report.jurisdictions)}</td>'
            f'<td class="n">{overall.met}</td><td class="n">{overall.gap}</td>'
            f'<td class="n">{overall.unknown}</td><td class="n">{overall.not_applicable}</td>'
            f'<td class="n">{_score(overall)}</td></tr>'
        )
    p += ["</tbody>", "</table>", "</body>", "</html>", ""]
    return "\n".join(p)
