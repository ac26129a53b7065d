"""The pytest plugin: `test` blocks of *.lexgap packs as pytest items, only when asked."""

from __future__ import annotations

import importlib
import pkgutil
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import lexgap

pytest_plugins = ["pytester"]

# NOTE: pytester's in-process runs forget the modules first imported inside them, and
# lexgap imports its modules lazily: a later test would then get second copies of lexgap's
# classes (a Jurisdiction that is not a Jurisdiction). Import them all up front.
for _module in pkgutil.walk_packages(lexgap.__path__, "lexgap."):
    if _module.name != "lexgap.__main__":
        importlib.import_module(_module.name)

DATA = Path(__file__).resolve().parent / "data" / "lint"

PACK = """\
pack demo.p {
  title "Demo"
}

import "vocabulary.lexgap"

fact law.child.age: number

criterion demo.age {
  title   "Children are protected up to 18"
  cites   "Art 1"
  require law.child.age >= 18
}

test "an adult threshold is met" {
  given { law.child.age = 18 }
  expect demo.age met
}

test "a low threshold is a gap" {
  given { law.child.age = 16 }
  expect demo.age met
}
"""


def _installed() -> bool:
    return any(e.value == "lexgap.pytest_plugin" for e in entry_points(group="pytest11"))


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # NOTE: with the package installed the entry point registers the plugin; loading it
    # again with -p would register one module under two names.
    plugin = () if _installed() else ("-p", "lexgap.pytest_plugin")
    quiet = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--assert=plain")
    return pytester.runpytest(*plugin, *quiet, *args)


@pytest.fixture
def packs(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".lexgap", demo=PACK)
    (pytester.path / "vocabulary.lexgap").write_text(
        (DATA / "vocabulary.lexgap").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return pytester


def test_off_unless_asked(packs: pytest.Pytester) -> None:
    """Without --lexgap or lexgap_packs, pack files are not collected."""
    result = _run(packs)
    result.assert_outcomes()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_one_item_per_test_block(packs: pytest.Pytester) -> None:
    """--lexgap collects each test block as one item, named after the test."""
    result = _run(packs, "--lexgap", "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        ["demo.lexgap::an adult threshold is met", "demo.lexgap::a low threshold is a gap"]
    )
    assert "vocabulary.lexgap" not in result.stdout.str()


def test_failure_shows_expected_and_got(packs: pytest.Pytester) -> None:
    """A failing block fails its item with the expected and the actual verdict."""
    result = _run(packs, "--lexgap")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ['*test "a low threshold is a gap": demo.age expected met, got gap; because*']
    )


def test_ini_option_enables_and_selects(packs: pytest.Pytester) -> None:
    """lexgap_packs turns the plugin on for the packs its patterns match."""
    packs.mkdir("other")
    (packs.path / "other" / "x.lexgap").write_text(
        'pack x { title "x" }\nfact a: bool\n'
        'criterion x.a { title "a" require a }\n'
        'test "t" { given { a = true } expect x.a met }\n',
        encoding="utf-8",
    )
    packs.makeini("[pytest]\nlexgap_packs = other/*.lexgap\n")
    result = _run(packs, "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*other/x.lexgap::t PASSED*"])


def test_pack_that_does_not_load_is_one_failure(pytester: pytest.Pytester) -> None:
    """A pack with an error is one failing item showing the diagnostic, not a crash."""
    pytester.makefile(
        ".lexgap", bad='pack b { title "b" }\ncriterion b.x { title "x" require nope }\n'
    )
    result = _run(pytester, "--lexgap")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*bad.lexgap:2:*error[[]*"])


def test_entry_point_is_declared() -> None:
    """pyproject.toml registers the plugin under the pytest11 entry point group."""
    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    assert '[project.entry-points.pytest11]\nlexgap = "lexgap.pytest_plugin"' in text
