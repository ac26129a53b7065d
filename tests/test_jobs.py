"""`lexgap check --jobs N` prints exactly what a serial run prints, in every format."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lexgap.batch import read_paths

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "rules" / "weprotect-cta-2024.lexgap"
SHIPPED = sorted((ROOT / "jurisdictions").glob("*.yaml"))
FORMATS = ("text", "json", "markdown", "html", "junit", "csv")


def lexgap(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "lexgap", *args],
        capture_output=True,
        check=False,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """A folder of seven shipped fact files and two more files given on their own."""
    folder = tmp_path_factory.mktemp("jobs") / "js"
    folder.mkdir()
    for path in SHIPPED[:7]:
        shutil.copyfile(path, folder / path.name)
    return [str(folder), str(SHIPPED[-1]), str(SHIPPED[-2])]


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_is_byte_identical(inputs: list[str], fmt: str) -> None:
    """--jobs 2 and --jobs 1 give the same bytes and exit status for each --format."""
    args = ["check", str(PACK), *inputs, "--as-of", "2025-01-01", "--format", fmt]
    serial, parallel = lexgap(*args, "--jobs", "1"), lexgap(*args, "--jobs", "2")
    assert serial.returncode in (0, 1), serial.stderr
    assert serial.stdout
    assert (parallel.returncode, parallel.stdout, parallel.stderr) == (
        serial.returncode,
        serial.stdout,
        serial.stderr,
    )


def test_errors_are_identical(tmp_path: Path) -> None:
    """Bad files, a missing path and a duplicate give the same messages with --jobs 2."""
    folder = tmp_path / "js"
    folder.mkdir()
    for path in SHIPPED[:5]:
        shutil.copyfile(path, folder / path.name)
    (folder / "zz-bad.yaml").write_text("jurisdiction: ZZ\nname: Bad\nfacts: [1, 2]\n")
    (folder / "ab-bad.yaml").write_text("jurisdiction: ab\n")
    args = [
        "check",
        str(PACK),
        str(folder),
        str(tmp_path / "missing.yaml"),
        str(SHIPPED[0]),  # NOTE: also in the folder, but the folder fails, so not a duplicate
        str(SHIPPED[6]),
        str(SHIPPED[6]),
    ]
    serial, parallel = lexgap(*args, "--jobs", "1"), lexgap(*args, "--jobs", "2")
    assert serial.returncode == 2
    assert b"error[" in serial.stderr
    assert b"given twice" in serial.stderr
    assert (parallel.returncode, parallel.stdout, parallel.stderr) == (
        serial.returncode,
        serial.stdout,
        serial.stderr,
    )


def test_read_paths_parallel_equals_serial() -> None:
    """read_paths with 3 processes returns the same jurisdictions, in the same order."""
    paths = [str(p) for p in SHIPPED[:9]]
    serial, parallel = read_paths(paths, 1), read_paths(paths, 3)
    assert [j.code for j in parallel] == [j.code for j in serial]
    assert parallel == serial


def test_jobs_zero_means_one_per_cpu(inputs: list[str]) -> None:
    """--jobs 0 runs (one process per CPU); a negative count is a usage error."""
    ok = lexgap("check", str(PACK), *inputs, "--as-of", "2025-01-01", "--jobs", "0")
    assert ok.returncode in (0, 1), ok.stderr
    bad = lexgap("check", str(PACK), *inputs, "--jobs", "-1")
    assert bad.returncode == 2
    assert b"Traceback" not in bad.stderr
