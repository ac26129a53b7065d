"""Shared fixtures: the contract's example pack (section 2) and its vocabulary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

PACKS = Path(__file__).resolve().parent / "data" / "packs"


@pytest.fixture
def example_text() -> str:
    """The example pack of the language contract, section 2, verbatim."""
    return (PACKS / "example.lexgap").read_text(encoding="utf-8")


@pytest.fixture
def example_pack_path(tmp_path: Path) -> Path:
    """The contract's example pack and a vocabulary.lexgap it imports, written to tmp_path."""
    for name in ("example.lexgap", "vocabulary.lexgap"):
        shutil.copyfile(PACKS / name, tmp_path / name)
    return tmp_path / "example.lexgap"
