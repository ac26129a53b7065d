"""Reports to text: one module per format, one registry to find them.

Every renderer takes a :class:`~lexgap.results.Report` and returns ``str``; output is
deterministic (same inputs, same bytes) and every string from a pack or fact file is
escaped for the format it lands in.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from lexgap.results import Report

#: format name -> (module, function)
FORMATS: dict[str, tuple[str, str]] = {
    "text": ("lexgap.reporters.text", "render"),
    "json": ("lexgap.reporters.jsonfmt", "render"),
    "markdown": ("lexgap.reporters.markdown", "render"),
    "html": ("lexgap.reporters.html", "render"),
    "junit": ("lexgap.reporters.junit", "render"),
    "csv": ("lexgap.reporters.csvfmt", "render"),
}


def register(name: str, module: str, function: str = "render") -> None:
    FORMATS[name] = (module, function)


def renderer(name: str) -> Callable[..., str]:
    module, function = FORMATS[name]
    fn: Callable[..., str] = getattr(import_module(module), function)
    return fn


def render(report: Report, fmt: str, **options: Any) -> str:
    """Render ``report`` in format ``fmt`` (see :data:`FORMATS`)."""
    return renderer(fmt)(report, **options)
