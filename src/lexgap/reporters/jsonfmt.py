"""Report to JSON: the documented, versioned machine format (schema ``lexgap-report/1``)."""

from __future__ import annotations

import json
from typing import Any

from lexgap.results import Report

SCHEMA = "https://lexgap.dev/schema/report-1.json"
SCHEMA_VERSION = 1


def report_data(report: Report, results: list[Any] | None = None) -> dict[str, Any]:
    from lexgap import __version__

    chosen = report.results if results is None else results
    summary = report.summary()
    groups = report.group_summary()
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"lexgap {__version__}",
        "pack": {
            "name": report.pack.name,
            "title": report.pack.title,
            "version": report.pack.version,
            "source": report.pack.source,
        },
        "as_of": report.as_of.isoformat(),
        "backend": report.backend,
        "jurisdictions": [
            {
                "code": j.code,
                "name": j.name,
                "file": j.file,
                "reviewed": j.reviewed.isoformat() if j.reviewed else None,
                "summary": summary[j.code].to_dict() if j.code in summary else None,
                "groups": {g: s.to_dict() for g, s in sorted(groups.get(j.code, {}).items())},
            }
            for j in report.jurisdictions
        ],
        "results": [r.to_dict() for r in chosen],
    }


def render(report: Report, results: list[Any] | None = None, **_: Any) -> str:
    return json.dumps(report_data(report, results), indent=2, ensure_ascii=False) + "\n"
