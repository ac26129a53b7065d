"""The wheel: built from the repository, it carries the grammar and the built-in packs, and
the package it holds works away from the repository (no path back into the checkout)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [built] = out.glob("lexgap-*.whl")
    return built


def test_wheel_carries_the_grammar_packs_and_type_marker(wheel: Path) -> None:
    """One grammar, every shipped pack and py.typed are in the wheel, beside the modules."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "lexgap/grammars/lexgap.lark" in names
    assert "lexgap/py.typed" in names
    shipped = {f"lexgap/packs/{p.name}" for p in (ROOT / "rules").glob("*.lexgap")}
    assert shipped and shipped <= names
    grammar = zipfile.ZipFile(wheel).read("lexgap/grammars/lexgap.lark")
    assert grammar == (ROOT / "grammars" / "lexgap.lark").read_bytes()


def test_the_wheel_works_away_from_the_repository(wheel: Path, tmp_path: Path) -> None:
    """Unpacked elsewhere, the package loads a built-in pack by name and checks a fact file."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "work"
    work.mkdir()
    (work / "gb.yaml").write_bytes((ROOT / "jurisdictions" / "gb.yaml").read_bytes())
    code = (
        "import lexgap, lexgap.resources as r, sys\n"
        "assert r.grammar_path().is_relative_to(sys.argv[1]), r.grammar_path()\n"
        "from lexgap.cli import main\n"
        "main(['check', 'weprotect-cta-2024', 'gb.yaml', '--format', 'json',\n"
        "      '--fail-on', 'never'])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(site)],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"criterion": "cta.p1b.lanzarote"' in done.stdout
    assert str(ROOT) not in done.stdout + done.stderr
