"""The command line: check/explain/test output, exit statuses, and errors without tracebacks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_engine import EXAMPLE_FACTS


def lexgap(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lexgap", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture
def gb(tmp_path: Path) -> Path:
    path = tmp_path / "gb.yaml"
    path.write_text(EXAMPLE_FACTS, encoding="utf-8")
    return path


class TestCheck:
    def test_json_results(self, example_pack_path: Path, gb: Path) -> None:
        """--format json prints one object whose results carry the contract's keys."""
        out = lexgap(
            "check", str(example_pack_path), str(gb), "--as-of", "2024-01-01", "--format", "json"
        )
        assert out.returncode == 1, out.stderr  # a gap, and --fail-on defaults to gap
        data = json.loads(out.stdout)
        first, second = data["results"]
        assert set(first) >= {
            "jurisdiction",
            "criterion",
            "verdict",
            "missing",
            "because",
            "message",
        }
        assert (second["jurisdiction"], second["criterion"], second["verdict"]) == (
            "GB",
            "cta.takedown_period",
            "gap",
        )
        assert second["because"] == ["takedown.notice_period <= 24h (takedown.notice_period = 48h)"]
        assert second["message"] == "Providers have 48h to remove notified material."
        assert first["message"] is None

    def test_exit_statuses(self, example_pack_path: Path, gb: Path) -> None:
        """Exit 0 when clean, 1 when --fail-on matches, never when told never."""
        pack = str(example_pack_path)
        assert lexgap("check", pack, str(gb), "--as-of", "2025-01-01").returncode == 0
        assert lexgap("check", pack, str(gb), "--as-of", "2024-01-01").returncode == 1
        never = lexgap("check", pack, str(gb), "--as-of", "2024-01-01", "--fail-on", "never")
        assert never.returncode == 0

    def test_only_and_criterion_filters(self, example_pack_path: Path, gb: Path) -> None:
        """--only and --criterion restrict what is shown."""
        out = lexgap(
            "check",
            str(example_pack_path),
            str(gb),
            "--as-of",
            "2024-01-01",
            "--format",
            "json",
            "--only",
            "met",
        )
        assert [r["verdict"] for r in json.loads(out.stdout)["results"]] == ["met"]
        out = lexgap(
            "check",
            str(example_pack_path),
            str(gb),
            "--format",
            "json",
            "--criterion",
            "cta.ratify_lanzarote",
        )
        assert [r["criterion"] for r in json.loads(out.stdout)["results"]] == [
            "cta.ratify_lanzarote"
        ]

    def test_folder_of_fact_files(self, example_pack_path: Path, gb: Path) -> None:
        """A folder argument evaluates every fact file in it."""
        out = lexgap("check", str(example_pack_path), str(gb.parent), "--format", "json")
        assert {r["jurisdiction"] for r in json.loads(out.stdout)["results"]} == {"GB"}

    def test_text_output_summarises(self, example_pack_path: Path, gb: Path) -> None:
        """Text output has a summary table and explains gaps."""
        out = lexgap("check", str(example_pack_path), str(gb), "--as-of", "2024-01-01")
        assert "GB" in out.stdout and "GAP" in out.stdout and "\x1b[" not in out.stdout


class TestErrors:
    @pytest.mark.parametrize(
        ("pack_text", "line", "name"),
        [
            ('pack p { title "t" }\ncriterion c { title "t" require x = 1 }', 2, "="),
            (
                'pack p { title "t" }\nfact x: number\ncriterion c { title "t" require x == "a" }',
                3,
                'x == "a"',
            ),
            ('pack p { title "t" }\ncriterion c { title "t" require undeclared }', 2, "undeclared"),
            ('pack p { title "t" }\ndefine a = b\ndefine b = a', 2, "a -> b -> a"),
        ],
    )
    def test_broken_pack(
        self, tmp_path: Path, gb: Path, pack_text: str, line: int, name: str
    ) -> None:
        """A broken pack gives file:line:col, the offending name, exit 2, no traceback."""
        pack = tmp_path / "bad.lexgap"
        pack.write_text(pack_text, encoding="utf-8")
        out = lexgap("check", str(pack), str(gb))
        assert out.returncode == 2
        assert f"{pack}:{line}:" in out.stderr
        assert name in out.stderr
        assert "Traceback" not in out.stderr + out.stdout

    def test_import_cycle(self, tmp_path: Path, gb: Path) -> None:
        """An import cycle names the chain of files."""
        (tmp_path / "a.lexgap").write_text('pack a { title "a" }\nimport "b.lexgap"\n')
        (tmp_path / "b.lexgap").write_text('import "a.lexgap"\n')
        out = lexgap("check", str(tmp_path / "a.lexgap"), str(gb))
        assert out.returncode == 2 and "import-cycle" in out.stderr and "b.lexgap" in out.stderr

    def test_broken_fact_file(self, example_pack_path: Path, tmp_path: Path) -> None:
        """A broken fact file is one clear message with file and line."""
        bad = tmp_path / "bad.yaml"
        bad.write_text("jurisdiction: GB\nname: X\nfacts:\n  takedown.mandated: maybe\n")
        out = lexgap("check", str(example_pack_path), str(bad))
        assert out.returncode == 2
        assert f"{bad}:4:" in out.stderr and "takedown.mandated" in out.stderr
        assert "Traceback" not in out.stderr

    @pytest.mark.parametrize(
        "args",
        [
            ["check", "nonexistent.lexgap", "x.yaml"],
            ["check", "--as-of", "yesterday", "p", "x"],
            ["check", "p"],
            ["explain"],
            ["nosuchcommand"],
        ],
    )
    def test_bad_command_lines(self, args: list[str], tmp_path: Path) -> None:
        """Bad command lines exit 2 with a message and no traceback."""
        out = lexgap(*args, cwd=tmp_path)
        assert out.returncode == 2
        assert out.stderr.strip() and "Traceback" not in out.stderr


class TestExplainAndTest:
    def test_explain(self, example_pack_path: Path, gb: Path) -> None:
        """explain prints the verdict, because, sources and what would close the gap."""
        out = lexgap(
            "explain",
            str(example_pack_path),
            str(gb),
            "cta.takedown_period",
            "--as-of",
            "2024-01-01",
        )
        assert out.returncode == 0
        assert "GAP" in out.stdout and "must be at most 24h (is 48h)" in out.stdout

    def test_pack_tests_pass_and_fail(self, example_pack_path: Path, tmp_path: Path) -> None:
        """lexgap test reports failures with test, criterion, expected and got."""
        ok = lexgap("test", str(example_pack_path))
        assert ok.returncode == 0 and "1 passed, 0 failed" in ok.stdout
        text = example_pack_path.read_text().replace(
            "expect cta.takedown_period not_applicable", "expect cta.takedown_period met"
        )
        broken = tmp_path / "broken.lexgap"
        broken.write_text(text)
        (tmp_path / "vocabulary.lexgap").write_text(
            (example_pack_path.parent / "vocabulary.lexgap").read_text()
        )
        out = lexgap("test", str(broken))
        assert out.returncode == 1
        assert "0 passed, 1 failed" in out.stdout
        assert "cta.takedown_period expected met, got not_applicable" in out.stdout

    def test_shipped_rules_glob_skips_the_vocabulary(self) -> None:
        """`lexgap test rules/*.lexgap` runs every pack and skips the shared vocabulary."""
        rules = Path(__file__).resolve().parent.parent / "rules"
        files = sorted(str(p) for p in rules.glob("*.lexgap"))
        assert any(f.endswith("vocabulary.lexgap") for f in files)
        out = lexgap("test", *files)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "vocabulary.lexgap: no pack declaration" in out.stderr
        assert " 0 failed" in out.stdout
        # On its own the vocabulary is still reported as not a pack.
        alone = lexgap("test", str(rules / "vocabulary.lexgap"))
        assert alone.returncode != 0 and "missing-pack" in alone.stdout + alone.stderr


class TestReportIndex:
    def test_report_writes_an_escaped_index_linking_every_pack(self, tmp_path: Path) -> None:
        """lexgap report writes index.html beside the HTML reports: one row per pack with a
        link to its page and its counts, pack strings escaped, no scripts."""
        hostile = tmp_path / "a.lexgap"
        hostile.write_text(
            'pack x.a { title "<script>alert(1)</script> & co" version "1" }\n'
            'fact f: bool\ncriterion x.c { title "c" require f }\n',
            encoding="utf-8",
        )
        plain = tmp_path / "b c.lexgap"
        plain.write_text(
            'pack x.b { title "Second" }\nfact f: bool\ncriterion x.d { title "d" require f }\n',
            encoding="utf-8",
        )
        facts = tmp_path / "xa.yaml"
        facts.write_text("jurisdiction: XA\nname: X\nfacts:\n  f: false\n", encoding="utf-8")
        out = tmp_path / "out"
        done = lexgap(
            "report", str(facts), "--pack", str(hostile), "--pack", str(plain), "-o", str(out)
        )
        assert done.returncode == 0, done.stderr
        assert sorted(p.name for p in out.iterdir()) == ["a.html", "b c.html", "index.html"]
        index = (out / "index.html").read_text(encoding="utf-8")
        assert "<script" not in index
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in index
        assert 'href="a.html"' in index and 'href="b%20c.html"' in index
        rows = re.findall(r"<tr><td>.*?</tr>", index)
        cells = [re.findall(r'<td class="n">([^<]*)</td>', row) for row in rows]
        # criteria, jurisdictions, met, gap, unknown, not applicable, score
        assert cells == [["1", "1", "0", "1", "0", "0", "0%"]] * 2

    def test_no_index_for_other_formats(self, tmp_path: Path) -> None:
        """Only the HTML reports get an index page."""
        pack = tmp_path / "a.lexgap"
        pack.write_text(
            'pack x.a { title "A" }\nfact f: bool\ncriterion x.c { title "c" require f }\n',
            encoding="utf-8",
        )
        facts = tmp_path / "xa.yaml"
        facts.write_text("jurisdiction: XA\nname: X\nfacts:\n  f: true\n", encoding="utf-8")
        out = tmp_path / "out"
        done = lexgap("report", str(facts), "--pack", str(pack), "--format", "json", "-o", str(out))
        assert done.returncode == 0, done.stderr
        assert sorted(p.name for p in out.iterdir()) == ["a.json"]


def test_a_fact_that_does_not_fit_is_shown_with_its_line_and_caret(
    example_pack_path: Path, tmp_path: Path
) -> None:
    """A type error found at evaluation names file, line and column and shows the line
    with a caret under the value, like every other error."""
    bad = tmp_path / "gb.yaml"
    bad.write_text(
        "jurisdiction: GB\nname: UK\nfacts:\n  takedown.notice_period: 2 days\n", encoding="utf-8"
    )
    out = lexgap("check", str(example_pack_path), str(bad))
    assert out.returncode == 2
    lines = out.stderr.splitlines()
    assert lines[0].startswith(f"{bad}:4:27: error[fact-type]: fact 'takedown.notice_period'")
    assert lines[1] == "4 |   takedown.notice_period: 2 days"
    assert lines[2].endswith("^^^^^^") and lines[2].index("^") == lines[1].index("2 days")
    assert "Traceback" not in out.stderr



MESSY = (
    "# the vocabulary\n"
    'pack   p {title "t"}\n'
    "fact a:bool   # kept\n"
    "fact n:number\n"
    'criterion c {require a and(n>1)   title "T"}\n'
)


class TestFmt:
    def test_plain_fmt_prints_every_file_formatted_or_not(self, tmp_path: Path) -> None:
        """`fmt FILE` prints the canonical text, also for a file already in it (it printed
        nothing then, so `fmt a > b` emptied b); printing it again changes nothing."""
        messy = tmp_path / "messy.lexgap"
        messy.write_text(MESSY, encoding="utf-8")
        once = lexgap("fmt", str(messy))
        assert once.returncode == 0, once.stderr
        assert "# the vocabulary" in once.stdout and "# kept" in once.stdout
        assert once.stdout != MESSY
        assert messy.read_text(encoding="utf-8") == MESSY  # printing rewrites nothing
        tidy = tmp_path / "tidy.lexgap"
        tidy.write_text(once.stdout, encoding="utf-8")
        twice = lexgap("fmt", str(tidy))
        assert (twice.returncode, twice.stdout) == (0, once.stdout)

    def test_check_and_diff_report_without_writing(self, tmp_path: Path) -> None:
        """--check and --diff exit 1 for an unformatted file and leave it as it was; for a
        formatted one they exit 0 and print nothing."""
        messy = tmp_path / "messy.lexgap"
        messy.write_text(MESSY, encoding="utf-8")
        check = lexgap("fmt", "--check", str(messy))
        assert check.returncode == 1 and str(messy) in check.stdout
        diff = lexgap("fmt", "--diff", str(messy))
        assert diff.returncode == 1
        assert diff.stdout.startswith(f"--- {messy}\n+++ {messy} (formatted)\n")
        assert "-fact a:bool   # kept" in diff.stdout.splitlines()
        assert messy.read_text(encoding="utf-8") == MESSY
        tidy = tmp_path / "tidy.lexgap"
        tidy.write_text(lexgap("fmt", str(messy)).stdout, encoding="utf-8")
        for flag in ("--check", "--diff"):
            out = lexgap("fmt", flag, str(tidy))
            assert (out.returncode, out.stdout) == (0, ""), flag

    def test_write_rewrites_in_place_keeping_meaning(self, tmp_path: Path) -> None:
        """--write leaves the canonical text (what plain fmt prints), the same pack, and a
        file that --check then accepts."""
        import lexgap as api

        messy = tmp_path / "messy.lexgap"
        messy.write_text(MESSY, encoding="utf-8")
        printed = lexgap("fmt", str(messy)).stdout
        out = lexgap("fmt", "--write", str(messy))
        assert out.returncode == 0, out.stderr
        assert messy.read_text(encoding="utf-8") == printed
        assert api.parse_pack(printed, filename="x") == api.parse_pack(MESSY, filename="x")
        assert lexgap("fmt", "--check", str(messy)).returncode == 0

    @pytest.mark.parametrize("flag", [None, "--check", "--diff", "--write"])
    def test_a_broken_file_is_one_error_and_untouched(
        self, tmp_path: Path, flag: str | None
    ) -> None:
        """fmt of a file with a syntax error: exit 2, file:line:col, no traceback, no write."""
        broken = tmp_path / "broken.lexgap"
        text = 'pack p { title "t" }\nfact a: bool\ncriterion c { require a and }\n'
        broken.write_text(text, encoding="utf-8")
        out = lexgap("fmt", *([flag] if flag else []), str(broken))
        assert out.returncode == 2
        assert f"{broken}:3:29: error[syntax]" in out.stderr
        assert "Traceback" not in out.stderr + out.stdout
        assert broken.read_text(encoding="utf-8") == text
        assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.lexgap"]


def test_a_mistyped_built_in_pack_name_is_named_with_the_ones_there_are(tmp_path: Path) -> None:
    """A bare word that is neither a file nor a built-in pack: one usage error that suggests
    the closest built-in pack and lists them all."""
    facts = tmp_path / "xa.yaml"
    facts.write_text("jurisdiction: XA\nname: X\nfacts: {}\n", encoding="utf-8")
    out = lexgap("check", "lanzarot", str(facts), cwd=tmp_path)
    assert out.returncode == 2
    assert "error[usage]: no pack file or built-in pack 'lanzarot'" in out.stderr
    assert "did you mean 'lanzarote'?" in out.stderr
    assert "weprotect-cta-2024" in out.stderr and "vocabulary" not in out.stderr
    missing = lexgap("check", "missing.lexgap", str(facts), cwd=tmp_path)
    assert missing.returncode == 2 and "error[unreadable]" in missing.stderr


def test_a_jurisdiction_given_twice_names_the_file_it_came_from_first(tmp_path: Path) -> None:
    """Two files with one code: one error at the second, naming the first; the same file
    named twice says so."""
    pack = tmp_path / "p.lexgap"
    pack.write_text('pack p { title "p" }\nfact f: bool\ncriterion c { title "c" require f }\n')
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for path in (first, second):
        path.write_text("jurisdiction: XA\nname: X\nfacts:\n  f: true\n", encoding="utf-8")
    out = lexgap("check", str(pack), str(first), str(second))
    assert out.returncode == 2
    assert f"{second}:1:1: error[duplicate-jurisdiction]" in out.stderr
    assert f"given twice (first in {first})" in out.stderr
    twice = lexgap("check", str(pack), str(first), str(first))
    assert "given twice (the same file named twice)" in twice.stderr
