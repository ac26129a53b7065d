"""Sphinx configuration for the lexgap documentation.

Local extensions live in ``_ext/``: ``clidoc`` documents the click command group,
``catalogue`` writes ``_generated/*.rst`` (the shipped packs and the coverage of the shipped
jurisdictions) before the build reads its sources, ``reportpicture`` draws the landing
page's picture of a report (``_generated/report.svg``). The ``lexgap`` Pygments lexer is added
directly, so the build needs no reinstall after the lexer changes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

import lexgap  # noqa: E402

project = "lexgap"
author = "The lexgap developers"
copyright = "2026, the lexgap developers"
version = release = lexgap.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "clidoc",
    "catalogue",
    "reportpicture",
]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
nitpicky = False
html_theme = "alabaster"
html_title = f"lexgap {release}"
exclude_patterns = ["_build", "_generated/*.rst"]
# The generated pages are included from catalogue.rst and coverage.rst, not read alone.
highlight_language = "none"
pygments_style = "sphinx"


def setup(app: Any) -> None:
    from lexgap.pygments_lexer import LexgapLexer

    app.add_lexer("lexgap", LexgapLexer)
