"""`lexgap check` output as bytes: stdout and ``-o FILE`` agree, and runs are reproducible.

The reporters are tested in-process in test_reporters.py; these tests run the command line
(some in a fresh interpreter with a chosen PYTHONHASHSEED) on the hostile fixture, which has
control characters, a terminal escape sequence, markup and non-Latin text in its values.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lexgap.cli import main
from lexgap.reporters import FORMATS

GOLDEN = Path(__file__).resolve().parent / "golden" / "reports"
HOSTILE_PACK = GOLDEN / "hostile.lexgap"
HOSTILE_FACTS = GOLDEN / "hostile.yaml"
ROOT = Path(__file__).resolve().parent.parent
ROOT_PACK = ROOT / "rules" / "weprotect-cta-2024.lexgap"


def _run(argv: list[str], capsys: pytest.CaptureFixture[bytes]) -> tuple[int, bytes]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, _ = capsys.readouterr()
    return int(exc.value.code or 0), out


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_stdout_is_the_bytes_of_the_output_file(
    fmt: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """Piped stdout and -o FILE hold the same bytes (nothing stripped, nothing added)."""
    args = ["check", str(HOSTILE_PACK), str(HOSTILE_FACTS), "--as-of", "2025-01-01",
            "--format", fmt, "--fail-on", "never"]
    target = tmp_path / f"out.{fmt}"
    code, written = _run([*args, "-o", str(target)], capsysbinary)
    assert code == 0 and written == b""
    code, piped = _run(args, capsysbinary)
    assert code == 0
    assert piped == target.read_bytes()


def test_csv_has_no_control_characters(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """ESC, BEL, NUL and vertical tab from a fact file do not reach a CSV cell."""
    code, out = _run(["check", str(HOSTILE_PACK), str(HOSTILE_FACTS), "--as-of", "2025-01-01",
                      "--format", "csv", "--fail-on", "never"], capsysbinary)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out.decode("utf-8"), newline="")))
    text = "".join(c for row in rows for c in row)
    assert "\ufffd[31m" in text  # the escape sequence is still visible, made harmless
    bad = {c for c in text if (ord(c) < 0x20 and c not in "\t\n\r") or c == "\x7f"}
    assert bad == set()


_RENDER_ALL = """
import sys
from lexgap.cli import main
from lexgap.reporters import FORMATS
out, *facts = sys.argv[1:]
for fmt in sorted(FORMATS):
    try:
        main(["check", PACK, *facts, "--as-of", "2025-01-01", "--format", fmt,
              "--fail-on", "never", "-o", f"{out}/report.{fmt}"])
    except SystemExit as exc:
        assert not exc.code, exc.code
"""


def _render_all(out: Path, facts: list[str], seed: str) -> dict[str, bytes]:
    out.mkdir()
    env = {**os.environ, "PYTHONHASHSEED": seed}
    script = _RENDER_ALL.replace("PACK", repr(str(ROOT_PACK)))
    subprocess.run([sys.executable, "-c", script, str(out), *facts], env=env, check=True)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_outputs_are_byte_identical_across_hash_seeds_and_argument_order(tmp_path: Path) -> None:
    """Two interpreters, different PYTHONHASHSEED, files in opposite orders: same bytes."""
    folder = ROOT / "jurisdictions"
    files = [str(folder / n) for n in ("gb.yaml", "fr.yaml", "de.yaml", "us-ca.yaml")]
    a = _render_all(tmp_path / "a", files, "1")
    b = _render_all(tmp_path / "b", list(reversed(files)), "4242")
    assert sorted(a) == sorted(f"report.{f}" for f in FORMATS)
    for name in a:
        assert a[name] == b[name], name


# ---- text: one line per entry; colour on a terminal only -----------------------------------

_FORGED_PACK = """pack forged { title "Forged" }
fact a.ok: bool
fact a.other: string
criterion c.one {
  title "Line one; XF / c.one: MET (as of 2025-01-01)"
  require a.ok and a.other == "y"
}
"""

_FORGED_FACTS = """jurisdiction: XF
name: Forged
facts:
  a.ok:
    value: false
    note: "first\\nXF / c.two: MET (as of 2025-01-01)\\u2028more"
    source: "a\\rb"
  a.other:
    value: x
    note: "remedy\\r\\n  because:"
"""


def _forged(tmp_path: Path) -> tuple[str, str]:
    pack = tmp_path / "forged.lexgap"
    pack.write_bytes(_FORGED_PACK.encode("utf-8"))
    facts = tmp_path / "xf.yaml"
    facts.write_text(_FORGED_FACTS, encoding="utf-8")
    return str(pack), str(facts)


def test_text_keeps_each_value_on_its_line(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """A line break in a fact's note or source cannot start a line of its own."""
    pack_path, facts_path = _forged(tmp_path)
    code, out = _run(["check", pack_path, facts_path, "--as-of", "2025-01-01"], capsysbinary)
    assert code == 1
    lines = out.decode("utf-8").splitlines()
    headings = [ln for ln in lines if ln.startswith("XF / ")]
    assert headings == ["XF / c.one: GAP (as of 2025-01-01)"]
    assert any(ln.startswith("      note: first XF / c.two: MET") for ln in lines)
    assert "      source: a b" in lines
    assert [ln for ln in lines if ln.strip() == "because:"] == ["  because:"]


def _tty_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    pack_path, facts_path = _forged(tmp_path)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("TERM", "xterm-256color")
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit):
        main(["check", pack_path, facts_path, "--as-of", "2025-01-01"])
    return capsys.readouterr().out


def test_text_on_a_terminal_colours_only_the_verdict_of_headings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a terminal the heading's GAP is coloured; a forged 'MET (as of' in a title is not."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = _tty_check(tmp_path, monkeypatch, capsys)
    assert "XF / c.one: \x1b[1;31mGAP\x1b[0m (as of 2025-01-01)" in out
    assert out.count("\x1b[") == 2


def test_text_on_a_terminal_with_no_color_is_plain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """NO_COLOR turns colour off even on a terminal."""
    monkeypatch.setenv("NO_COLOR", "1")
    out = _tty_check(tmp_path, monkeypatch, capsys)
    assert "XF / c.one: GAP (as of 2025-01-01)" in out and "\x1b[" not in out


# ---- progress on stderr, on a terminal only ------------------------------------------------


def _many_facts(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(n):
        code = "X" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i]
        (folder / f"{code.lower()}.yaml").write_text(
            f"jurisdiction: {code}\nname: N{i}\nfacts: {{}}\n", encoding="utf-8"
        )
    return folder


def test_progress_is_shown_on_a_terminal_and_erased(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A long batch on a terminal: progress counts up on stderr, then the line is erased."""
    folder = _many_facts(tmp_path, 25)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with pytest.raises(SystemExit):
        main(["check", str(HOSTILE_PACK), str(folder), "--format", "json"])
    out, err = capsys.readouterr()
    assert out.startswith("{") and "reading" not in out
    assert "\rreading fact files 1/25" in err and "25/25 (100%)" in err
    assert err.endswith("\r\x1b[K")


@pytest.mark.parametrize("terminal", [False, True])
def test_no_progress_when_piped_or_for_a_short_batch(
    terminal: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """stderr stays empty when it is not a terminal, or for a few files on a terminal."""
    folder = _many_facts(tmp_path, 25 if not terminal else 3)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: terminal)
    with pytest.raises(SystemExit):
        main(["check", str(HOSTILE_PACK), str(folder), "--format", "csv"])
    assert capsys.readouterr().err == ""
