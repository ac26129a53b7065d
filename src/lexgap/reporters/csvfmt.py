"""Report to CSV: the columns of :meth:`Report.to_records`, one row per result.

Written with the csv module (RFC 4180 quoting, CRLF line ends). A text cell that starts
with ``= + - @`` (or a tab or carriage return) gets a leading ``'`` so a spreadsheet shows
it instead of running it as a formula. Control characters other than tab and line breaks
(NUL, which the csv module cannot write, ESC, which a terminal obeys, ...) become U+FFFD,
as in the XML and HTML reports, so the file is the same bytes whether it is written with
``-o`` or shown on a terminal.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from lexgap.results import Report, Result

#: The header, in order (the keys of ``Report.to_records()``).
COLUMNS = (
    "jurisdiction",
    "jurisdiction_name",
    "criterion",
    "title",
    "group",
    "severity",
    "weight",
    "verdict",
    "message",
    "missing",
    "because",
    "cites",
    "remedy",
    "as_of",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def cell(value: object) -> str | int | float:
    """A record value as a safe CSV cell (None is empty; numbers stay numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    s = _CONTROL.sub("\ufffd", str(value))
    if s.startswith(_FORMULA_START):
        s = "'" + s
    return s


def render(report: Report, results: list[Result] | None = None, **_: Any) -> str:
    records = report.to_records()
    if results is not None:
        wanted = {id(r) for r in results}
        records = [rec for r, rec in zip(report.results, records, strict=True) if id(r) in wanted]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for rec in records:
        writer.writerow([cell(rec.get(c)) for c in COLUMNS])
    return out.getvalue()
