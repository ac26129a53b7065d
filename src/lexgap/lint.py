"""Pack files to lint findings: load errors and warnings, as text or JSON.

The consistency analyses (unused facts, impossible or vacuous requirements, conflicting
criteria) plug in as further checks over a loaded pack.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from lexgap.diagnostics import Diagnostic, LexgapError, Severity
from lexgap.model import Pack

#: Consistency checks over a loaded pack; each returns findings.
CHECKS: list[tuple[str, Callable[[Pack], list[Diagnostic]]]] = []


def lint_pack(pack: Pack, strict: bool = False) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    for _name, check in CHECKS:
        findings.extend(check(pack))
    return findings


def lint_paths(paths: Sequence[str], strict: bool = False) -> list[Diagnostic]:
    from lexgap.load import load_pack

    findings: list[Diagnostic] = []
    for path in paths:
        try:
            pack = load_pack(path)
        except LexgapError as err:
            findings.extend(err.diagnostics)
            continue
        findings.extend(lint_pack(pack, strict))
    return findings


def render_findings(findings: list[Diagnostic], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            {
                "findings": [
                    {
                        "code": f.code,
                        "severity": f.severity.value,
                        "message": f.message,
                        "file": f.span.file,
                        "line": f.span.line,
                        "column": f.span.column,
                        "hint": f.hint,
                    }
                    for f in findings
                ]
            },
            indent=2,
        )
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    lines = [f.render() for f in findings]
    lines.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines)
