"""Pack files to lint findings (load errors and consistency findings), as text or JSON.

The consistency analyses themselves (unused declarations, criteria that can never be met
or never be a gap, criteria that can never all be met, duplicates, missing citations) live
in :mod:`lexgap.consistency` as a named, ordered list of checks; this module runs them
over each pack and renders what they find.

Severity: a finding that is *proven* (or read off the pack's text, like a missing
``cites`` under ``--strict``) is an error; a finding that is only "no example found in N
tries", an unused declaration, a duplicate or a missing ``cites`` is a warning. The
command line exits 1 when any finding is an error, or any finding at all with ``--strict``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from lexgap.diagnostics import Diagnostic, LexgapError, Severity
from lexgap.model import Pack


class Findings(list[Diagnostic]):
    """Findings, and the source text of the files they point into (for rendering)."""

    def __init__(self, items: Iterable[Diagnostic] = (), sources: dict[str, str] | None = None):
        super().__init__(items)
        self.sources: dict[str, str] = dict(sources or {})
        #: Some file could not be loaded: an error in the input (exit 2), not a finding.
        self.load_failed = False


def lint_pack(pack: Pack, strict: bool = False) -> Findings:
    """Every consistency finding for a loaded pack, sorted by position."""
    from lexgap.consistency import analyse

    return Findings(analyse(pack, strict=strict), pack.sources)


def lint_paths(paths: Sequence[str], strict: bool = False) -> Findings:
    """Load each pack and lint it; a pack that fails to load contributes its errors."""
    from lexgap.load import declares_pack, load_pack

    findings = Findings()
    for path in paths:
        try:
            if not declares_pack(path):
                _check_library(path)
                continue
            pack = load_pack(path)
        except LexgapError as err:
            findings.extend(err.diagnostics)
            findings.sources.update(err.sources)
            findings.load_failed = True
            continue
        found = lint_pack(pack, strict)
        findings.extend(found)
        findings.sources.update(found.sources)
    return findings


def _check_library(path: str) -> None:
    """Check an import-only file as its importers see it: through a pack that imports it.

    Raises the file's own errors; a library has no criteria to lint for consistency.
    """
    import os
    import posixpath

    from lexgap.load import parse_pack

    folder = os.path.dirname(path)
    target = os.path.basename(path).replace("\\", "\\\\").replace('"', '\\"')
    root = posixpath.join(folder, "<library check>.lexgap") if folder else "<library check>.lexgap"
    parse_pack(f'pack library.check {{ title "library check" }}\nimport "{target}"\n', root)


def finding_json(f: Diagnostic) -> dict[str, Any]:
    """One finding as a JSON object (the ``findings`` items of ``lint --format json``)."""
    from lexgap.consistency import Finding

    criteria = f.criteria if isinstance(f, Finding) else ()
    return {
        "code": f.code,
        "severity": f.severity.value,
        "message": f.message,
        "file": f.span.file,
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "hint": f.hint,
        "criteria": [
            {"criterion": path, "file": span.file, "line": span.line, "column": span.column}
            for path, span in criteria
        ],
        "related": [
            {"label": label, "file": span.file, "line": span.line, "column": span.column}
            for label, span in f.related
        ],
        "proven": f.proven if isinstance(f, Finding) else None,
        "tries": f.tries if isinstance(f, Finding) and f.proven is not None else None,
    }


def render_findings(findings: Sequence[Diagnostic], fmt: str) -> str:
    """Findings as compiler-style text with a summary line, or as one JSON object."""
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    if fmt == "json":
        return json.dumps(
            {
                "findings": [finding_json(f) for f in findings],
                "errors": errors,
                "warnings": warnings,
            },
            indent=2,
        )
    sources = findings.sources if isinstance(findings, Findings) else None
    lines = [f.render(sources) for f in findings]
    lines.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines)
