"""Locate files lexgap ships as package data: the grammar and the built-in packs.

A wheel carries them inside the package (``lexgap/grammars``, ``lexgap/packs``); a source
checkout keeps one copy at the repository root (``grammars/``, ``rules/``), which the
package reaches through symlinks. Both layouts resolve here, so nothing else cares.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPO = _PACKAGE.parent.parent


def grammar_path() -> Path:
    for candidate in (_PACKAGE / "grammars" / "lexgap.lark", _REPO / "grammars" / "lexgap.lark"):
        if candidate.is_file():
            return candidate
    msg = "lexgap's grammar file is missing from the installation"
    raise FileNotFoundError(msg)


def packs_dir() -> Path | None:
    """The folder of built-in packs, or None in an installation without them."""
    for candidate in (_PACKAGE / "packs", _REPO / "rules"):
        if candidate.is_dir():
            return candidate
    return None
