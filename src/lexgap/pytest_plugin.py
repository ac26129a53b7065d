"""Rule-pack files to pytest items: each ``test`` block of a ``*.lexgap`` file is one test.

The plugin is registered through the ``pytest11`` entry point but does nothing unless
asked: pass ``--lexgap`` on the command line, or set the ini option ``lexgap_packs`` to
glob patterns (relative to the rootdir) naming the packs to collect::

    [tool.pytest.ini_options]
    lexgap_packs = ["rules/*.lexgap"]

With ``--lexgap`` alone every ``*.lexgap`` file pytest visits is collected. Files without
a ``pack`` declaration (shared vocabularies) are skipped; a pack that fails to load is
one failing item showing the errors. A failing test block shows, per expectation, the
expected and the actual verdict, with ``because`` or ``missing`` as ``lexgap test`` does.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from lexgap.diagnostics import LexgapError

if TYPE_CHECKING:  # NOTE: keep the plugin cheap to import in every pytest session.
    from lexgap.model import Pack
    from lexgap.packtests import RunOutcome


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lexgap", "lexgap rule-pack tests")
    group.addoption(
        "--lexgap",
        action="store_true",
        default=False,
        help="collect the test blocks of *.lexgap rule packs as tests",
    )
    parser.addini(
        "lexgap_packs",
        type="args",
        default=[],
        help="glob patterns of rule packs whose test blocks to collect (enables the plugin)",
    )


def _patterns(config: pytest.Config) -> list[str] | None:
    """None when the plugin is off; else the patterns to match (empty: every pack)."""
    patterns = [str(p) for p in config.getini("lexgap_packs")]
    if patterns:
        return patterns
    if config.getoption("lexgap", default=False):
        return []
    return None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix != ".lexgap":
        return None
    patterns = _patterns(parent.config)
    if patterns is None:
        return None
    if patterns:
        root = parent.config.rootpath
        try:
            rel = file_path.relative_to(root).as_posix()
        except ValueError:
            rel = file_path.as_posix()
        if not any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(file_path.name, p) for p in patterns):
            return None
    return LexgapFile.from_parent(parent, path=file_path)


class LexgapFile(pytest.File):
    """A rule pack; its items are its test blocks."""

    _outcome: RunOutcome | None = None

    def outcome(self, pack: Pack) -> RunOutcome:
        """Run the pack's tests once; its items share the outcome."""
        if self._outcome is None:
            from lexgap.packtests import run_tests

            self._outcome = run_tests(pack)
        return self._outcome

    def collect(self) -> Any:
        from lexgap.load import load_pack

        try:
            pack = load_pack(self.path)
        except LexgapError as err:
            if {d.code for d in err.diagnostics} == {"missing-pack"}:
                return  # NOTE: a shared vocabulary file, imported by packs; nothing to run.
            yield LoadErrorItem.from_parent(self, name="load", error=err)
            return
        for index, test in enumerate(pack.tests):
            yield LexgapTestItem.from_parent(self, name=test.name, pack=pack, index=index)


class LexgapTestFailure(Exception):
    """A test block's expectations that did not hold, one line each."""


class LexgapTestItem(pytest.Item):
    """One ``test "..." { given ... expect ... }`` block."""

    def __init__(self, *, pack: Pack, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pack = pack
        self.index = index

    def runtest(self) -> None:
        assert isinstance(self.parent, LexgapFile)
        outcome = self.parent.outcome(self.pack).tests[self.index]
        if not outcome.ok:
            raise LexgapTestFailure("\n".join(outcome.failures))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, LexgapTestFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        test = self.pack.tests[self.index]
        line = test.span.line - 1 if test.span.line > 0 else 0
        return self.path, line, f"lexgap test: {test.name}"


class LoadErrorItem(pytest.Item):
    """A pack that does not load: one failing item with every diagnostic."""

    def __init__(self, *, error: LexgapError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise self.error

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        return str(self.error)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"lexgap pack: {self.path.name}"
