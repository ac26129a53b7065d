"""Report to JUnit XML: one testcase per jurisdiction and criterion, for CI dashboards.

``classname`` is the jurisdiction code and ``name`` the criterion id. A gap is a
``<failure>`` (message, then the conditions that made it false); an unknown is a
``<skipped>`` naming the facts it waits for; not applicable is ``<skipped>`` too, since
nothing was tested. Built with ElementTree, which escapes markup; characters XML 1.0
forbids are replaced with U+FFFD first, so a fact file cannot make the output unparsable.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from lexgap.results import Report, Result

# NOTE: XML 1.0 allows only #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-...].
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    """``value`` as text XML 1.0 can hold."""
    return _ILLEGAL.sub("\ufffd", str(value))


def _testcase(r: Result) -> ET.Element:
    attrib = {"classname": xml_text(r.jurisdiction), "name": xml_text(r.criterion), "time": "0"}
    case = ET.Element("testcase", attrib)
    verdict = r.verdict.value
    if verdict == "gap":
        message = r.message or f"gap: {r.title}"
        body = [r.title, *r.cites]
        if r.because:
            body.append("because:")
            body.extend(f"  - {b}" for b in r.because)
        if r.to_close:
            body.append("to close:")
            body.extend(f"  - {t}" for t in r.to_close)
        for f in r.facts:
            line = f"fact {f.path} = {f.value}"
            if f.source:
                line += f" (source: {f.source})"
            body.append(line)
        if r.remedy:
            body.append(f"remedy: {r.remedy}")
        failure = ET.SubElement(case, "failure", {"message": xml_text(message), "type": "gap"})
        failure.text = xml_text("\n".join(body))
    elif verdict == "unknown":
        message = "unknown: depends on " + ", ".join(r.missing) if r.missing else "unknown"
        ET.SubElement(case, "skipped", {"message": xml_text(message)})
    elif verdict == "not_applicable":
        ET.SubElement(case, "skipped", {"message": "not applicable"})
    return case


def render(report: Report, results: list[Result] | None = None, **_: Any) -> str:
    chosen = list(report.results if results is None else results)
    by_code: dict[str, list[Result]] = {}
    for r in chosen:
        by_code.setdefault(r.jurisdiction, []).append(r)

    def counts(rs: list[Result]) -> dict[str, str]:
        return {
            "tests": str(len(rs)),
            "failures": str(sum(r.verdict.value == "gap" for r in rs)),
            "errors": "0",
            "skipped": str(sum(r.verdict.value in ("unknown", "not_applicable") for r in rs)),
            "time": "0",
        }

    root = ET.Element("testsuites", {"name": xml_text(report.pack.title), **counts(chosen)})
    for j in report.jurisdictions:
        rs = by_code.get(j.code)
        if not rs:
            continue
        name = xml_text(f"{j.code} {j.name}")
        suite = ET.SubElement(root, "testsuite", {"name": name, **counts(rs)})
        props = ET.SubElement(suite, "properties")
        for name, value in (
            ("pack", report.pack.name),
            ("pack_version", report.pack.version or ""),
            ("as_of", report.as_of.isoformat()),
            ("file", j.file),
        ):
            ET.SubElement(props, "property", {"name": name, "value": xml_text(value)})
        for r in rs:
            suite.append(_testcase(r))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
