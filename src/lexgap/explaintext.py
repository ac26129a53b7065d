"""A result to the multi-line plain-text explanation a policy analyst reads.

Each piece of text from a pack or a fact file is folded onto its line (:func:`one_line`):
a line break in a note or a value must not start a line of its own, where it could pass
for a result's heading (``GB / x: MET (as of ...)``) or for one of its entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lexgap.results import Result

def one_line(text: object) -> str:
    """``text`` with every line break (``\\n``, ``\\r``, U+2028, ...) made a space."""
    s = str(text)
    lines = s.splitlines()
    return s if lines == [s] else " ".join(lines)


_LABEL = {"met": "MET", "gap": "GAP", "unknown": "UNKNOWN", "not_applicable": "NOT APPLICABLE"}


def explain_result(result: Result) -> str:
    lines = [
        f"{result.jurisdiction} / {result.criterion}: {_LABEL[result.verdict.value]}"
        f" (as of {result.as_of.isoformat()})",
        f"  {one_line(result.title)}",
    ]
    for cite in result.cites:
        lines.append(f"  cites: {one_line(cite)}")
    lines.append(f"  severity: {result.severity}, weight: {result.weight}")
    if result.message:
        lines.append(f"  {one_line(result.message)}")
    if result.because:
        lines.append("  because:")
        lines.extend(f"    - {one_line(b)}" for b in result.because)
    if result.missing:
        lines.append("  unknown facts this depends on:")
        lines.extend(f"    - {m}" for m in result.missing)
    facts = [f for f in result.facts if f.source or f.since or f.until or f.note]
    if facts:
        lines.append("  facts and sources:")
        for f in facts:
            when = ""
            if f.since or f.until:
                since = f.since.isoformat() if f.since else "..."
                until = f.until.isoformat() if f.until else "..."
                when = f" [{since} .. {until})"
            lines.append(f"    - {f.path} = {one_line(f.value)}{when}")
            if f.source:
                lines.append(f"      source: {one_line(f.source)}")
            if f.note:
                lines.append(f"      note: {one_line(f.note)}")
    if result.to_close:
        lines.append("  to close:")
        lines.extend(f"    - {one_line(step)}" for step in result.to_close)
    if result.remedy and result.verdict.value in ("gap", "unknown"):
        lines.append(f"  remedy: {one_line(result.remedy)}")
    return "\n".join(lines)
