"""Draw the landing page's picture of a report: docs/_generated/report.svg.

At every build, one ``lexgap check`` over the shipped pack and fact file runs in-process
and its text report is drawn as a terminal would show it (verdicts coloured as
``lexgap.cli`` colours them), with rich's SVG export. The picture is generated, never
committed, so it cannot drift from what lexgap prints.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

#: The command the picture shows, run from the repository root.
COMMAND = [
    "check",
    "weprotect-cta-2024",
    "jurisdictions/au.yaml",
    "--as-of",
    "2025-06-01",
    "--only",
    "gap",
]


def report_text() -> str:
    """What ``lexgap COMMAND`` prints, run from the repository root."""
    from lexgap.cli import main

    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            main(COMMAND)
    finally:
        os.chdir(cwd)
    text = out.getvalue()
    if " error[" in text:
        message = f"the report picture's command failed: {text}"
        raise RuntimeError(message)
    return text


def report_svg() -> str:
    from rich.console import Console

    from lexgap.cli import styled_lines

    console = Console(record=True, file=io.StringIO(), width=104, highlight=False)
    console.print("$ lexgap " + " ".join(COMMAND), style="bold")
    for line in styled_lines(report_text()):
        console.print(line)
    return console.export_svg(title="lexgap check")


def generate(app: Any = None) -> None:
    target = Path(__file__).resolve().parents[1] / "_generated" / "report.svg"
    target.parent.mkdir(exist_ok=True)
    svg = report_svg()
    if not target.exists() or target.read_text(encoding="utf-8") != svg:
        target.write_text(svg, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
