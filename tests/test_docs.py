"""Every example in docs/ runs: packs load, fragments parse, errors give their code, fact
files read, Python and pycon examples run, and ``$ lexgap ...`` commands print what the
page shows.

Conventions (see docs/index.rst, "About these pages"), per ``.. code-block::`` directive:

- ``lexgap``: a complete pack, loaded with ``lexgap.parse_pack`` (beside ``rules/`` so
  ``import "vocabulary.lexgap"`` resolves). ``:class: fragment`` only parses (syntax and
  the builder's checks). ``:class: error`` must fail to load with the code its first line
  names (``# error[code]``); ``:class: lint`` loads, and ``lexgap lint`` must report the
  code of ``# lint[code]``. With ``:caption: NAME.lexgap`` the block is also written to the
  page's working folder (``:class: append`` appends to it) and loaded from there.
- ``yaml``: a fact file read with ``lexgap.parse_jurisdiction`` (written to the working
  folder when it has a caption); ``:class: error`` as for packs, where a value that only
  fails once typed is typed against the shipped vocabulary; ``:class: fragment`` is only
  read as YAML.
- ``json``: a fact file, read as the ``yaml`` blocks are (JSON is accepted too).
- ``toml``: parsed; its ``[tool.pytest.ini_options]`` keys must be options pytest knows
  with lexgap's plugin loaded.
- ``bash``: each ``&&``-separated command that runs ``lexgap`` (or ``.venv/bin/lexgap``)
  runs in-process like a console command (output not compared); in the others, every
  repository path (``tests/...``, ``benchmarks/...``, ``.ci/...``) must exist.
- ``text`` blocks are not run; each is listed in ``TEXT_BLOCKS`` with the test that checks
  it, or why it is not an example. Literal blocks (a paragraph ending in ``::``) are not
  allowed: every example is a ``code-block`` that the suite knows.
- ``python`` blocks are executed (and any ``test_*`` function they define is called);
  ``pycon`` blocks are doctests.
- ``console``: each ``$ lexgap ...`` command runs in-process, in the page's working folder
  (which has ``rules/`` and ``jurisdictions/`` from the repository), and its output must
  match the shown output (doctest rules: ``...`` matches anything, whitespace runs are
  equal). A ``$`` command other than ``lexgap`` is an error: a page's console examples are
  ones the suite can run. ``:class: illustrative`` output (over the shipped, changing fact
  files) is not compared; the command must still run without an internal error.
- ``:class: needs-durable`` blocks are skipped while ``lexgap.backends.durable`` does not
  exist.

Blocks run in page order, so a page can build up files and then run commands on them.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib.util
import io
import re
import shlex
import tomllib
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
import yaml

import lexgap
from lexgap.cli import main
from lexgap.diagnostics import LexgapError

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(
    p
    for pattern in ("*.rst", "*.inc")
    for p in DOCS.rglob(pattern)
    if not p.relative_to(DOCS).parts[0].startswith("_")
)
_DIRECTIVE = re.compile(r"^(?P<indent>[ ]*)\.\. code-block::[ ]*(?P<lang>\S+)[ ]*$")
_OPTION = re.compile(r"^[ ]*:(?P<name>[a-z-]+):[ ]*(?P<value>.*)$")
_LITERAL = re.compile(r"^(?![ ]*\.\. )[^\n]*\S::$")
_REPO_PATH = re.compile(r"^(?:tests|benchmarks|scripts|src|docs|rules|jurisdictions|\.ci)/\S*$")
_LEXGAP = re.compile(r"^(?:\.venv/bin/)?lexgap$")

# ``text`` blocks are not examples the suite runs; each says why, or which test checks it.
TEXT_BLOCKS = {
    ("docs/errors.rst", "FILE:LINE:COLUMN: error[CODE]: message"): "the shape of a message",
    ("docs/tutorial.rst", "FAIL pledge.lexgap:67:3: test "): "test_tutorial_failing_test",
}
_ERROR_CODE = re.compile(r"#\s*(?:error|lint)\[(?P<code>[a-z0-9-]+)\]")


@attrs.frozen
class Block:
    page: str
    line: int
    lang: str
    text: str
    caption: str | None
    classes: frozenset[str]

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def blocks_of(page: Path) -> Iterator[Block]:
    lines = page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if not m:
            i += 1
            continue
        start = i + 1
        base = len(m.group("indent"))
        options: dict[str, str] = {}
        i += 1
        while i < len(lines) and (o := _OPTION.match(lines[i])):
            options[o.group("name")] = o.group("value").strip()
            i += 1
        body: list[str] = []
        while i < len(lines) and (
            not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > base
        ):
            body.append(lines[i])
            i += 1
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        width = min((len(b) - len(b.lstrip()) for b in body if b.strip()), default=0)
        text = "\n".join(b[width:] for b in body) + "\n"
        yield Block(
            str(page.relative_to(ROOT)),
            start,
            m.group("lang"),
            text,
            options.get("caption"),
            frozenset(options.get("class", "").split()),
        )


def run_cli(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            main(argv)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return code, out.getvalue()


_CHECKER = doctest.OutputChecker()
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def vocabulary_types() -> dict[str, lexgap.types.Type]:
    pack = lexgap.load_pack(ROOT / "rules" / "weprotect-cta-2024.lexgap")
    return {path: info.type for path, info in pack.facts.items()}


def _has_durable_backend() -> bool:
    try:
        return importlib.util.find_spec("lexgap.backends.durable") is not None
    except ModuleNotFoundError:
        return False


class Page:
    """Runs one page's blocks in order, in a working folder of its own."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        for name in ("rules", "jurisdictions"):
            (workdir / name).symlink_to(ROOT / name, target_is_directory=True)

    def write(self, block: Block) -> Path | None:
        if block.caption is None or "/" in block.caption:
            return None
        target = self.workdir / block.caption
        if "append" in block.classes and target.exists():
            target.write_text(target.read_text(encoding="utf-8") + "\n" + block.text)
        else:
            target.write_text(block.text, encoding="utf-8")
        return target

    skipped: list[str]
    config: pytest.Config

    def run(self, block: Block) -> None:
        if "needs-durable" in block.classes and not _has_durable_backend():
            self.skipped.append(block.where)
            return
        handler = getattr(self, "run_" + block.lang, None)
        if handler is not None:
            handler(block)

    # -- lexgap --

    def run_lexgap(self, block: Block) -> None:
        target = self.write(block)
        if "fragment" in block.classes:
            from lexgap.load import parse_module

            _, problems = parse_module(block.text, block.where)
            assert not problems, f"{block.where}: {[p.render() for p in problems]}"
            return
        if "lint" in block.classes:
            from lexgap.lint import lint_pack

            expected = self.expected_code(block)
            codes = [f.code for f in lint_pack(self.load_pack(block, target))]
            assert expected in codes, f"{block.where}: expected {expected}, got {codes}"
            return
        if "error" in block.classes:
            expected = self.expected_code(block)
            with pytest.raises(LexgapError) as info:
                self.load_pack(block, target)
            codes = [d.code for d in info.value.diagnostics]
            assert expected in codes, f"{block.where}: expected {expected}, got {codes}"
            return
        self.load_pack(block, target)

    def load_pack(self, block: Block, target: Path | None) -> lexgap.Pack:
        if target is not None:
            return lexgap.load_pack(target)
        return lexgap.parse_pack(block.text, str(ROOT / "rules" / "doc-example.lexgap"))

    @staticmethod
    def expected_code(block: Block) -> str:
        m = _ERROR_CODE.search(block.text.splitlines()[0])
        assert m, f"{block.where}: an error example starts with '# error[code]'"
        return m.group("code")

    # -- yaml --

    def run_yaml(self, block: Block) -> None:
        self.write(block)
        if "fragment" in block.classes:
            yaml.safe_load(block.text)
            return
        if "error" in block.classes:
            expected = self.expected_code(block)
            try:
                j = lexgap.parse_jurisdiction(block.text, block.where)
            except LexgapError as err:
                codes = [d.code for d in err.diagnostics]
            else:
                codes = [d.code for d in j.check_types(vocabulary_types())]
            assert expected in codes, f"{block.where}: expected {expected}, got {codes}"
            return
        j = lexgap.parse_jurisdiction(block.text, block.where)
        assert not j.check_types(vocabulary_types()), block.where

    def run_json(self, block: Block) -> None:
        self.run_yaml(block)

    # -- toml, bash --

    def run_toml(self, block: Block) -> None:
        data = tomllib.loads(block.text)
        options = data.get("tool", {}).get("pytest", {}).get("ini_options", {})
        for name in options:
            try:
                self.config.getini(name)
            except ValueError:
                pytest.fail(f"{block.where}: pytest does not know the ini option {name!r}")

    def run_bash(self, block: Block) -> None:
        for line in block.text.replace("\\\n", " ").splitlines():
            for command in line.split("&&"):
                argv = shlex.split(command, comments=True)
                while argv and re.match(r"^[A-Z_]+=", argv[0]):
                    argv.pop(0)  # NOTE: environment assignments before the command.
                if not argv:
                    continue
                if _LEXGAP.match(argv[0]):
                    code, output = run_cli(argv[1:])
                    assert code != 3, f"{block.where}: internal error in `{command}`:\n{output}"
                    assert code in (0, 1), f"{block.where}: `{command}` failed:\n{output}"
                    continue
                for arg in argv[1:]:
                    if _REPO_PATH.match(arg):
                        assert (ROOT / arg).exists(), f"{block.where}: no such file {arg}"

    # -- python --

    def run_python(self, block: Block) -> None:
        namespace: dict[str, object] = {"__name__": "docs_example"}
        exec(compile(block.text, block.where, "exec"), namespace)
        for name, value in list(namespace.items()):
            if name.startswith("test_") and callable(value):
                value()

    def run_pycon(self, block: Block) -> None:
        parser = doctest.DocTestParser()
        test = parser.get_doctest(block.text, self.globs, block.where, block.page, block.line)
        runner = doctest.DocTestRunner(optionflags=_FLAGS)
        out = io.StringIO()
        runner.run(test, out=out.write, clear_globs=False)
        self.globs.update(test.globs)  # NOTE: later blocks of a page use earlier names.
        assert runner.failures == 0, out.getvalue()

    globs: dict[str, object]

    # -- console --

    def run_console(self, block: Block) -> None:
        commands: list[tuple[str, list[str]]] = []
        for line in block.text.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif commands:
                commands[-1][1].append(line)
        for command, shown in commands:
            argv = shlex.split(command)
            assert argv[0] == "lexgap", f"{block.where}: `{command}` is not a lexgap command"
            code, output = run_cli(argv[1:])
            assert code != 3, f"{block.where}: internal error in `{command}`:\n{output}"
            if "illustrative" in block.classes:
                continue
            want = "\n".join(shown).rstrip() + "\n"
            got = output.rstrip() + "\n"
            assert _CHECKER.check_output(want, got, _FLAGS), (
                f"{block.where}: `{command}` printed:\n{got}\nbut the page shows:\n{want}"
            )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_page_examples_run(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pytestconfig: pytest.Config
) -> None:
    """Every code block of the page runs and shows what lexgap really does."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    runner = Page(tmp_path)
    runner.globs = {}
    runner.skipped = []
    runner.config = pytestconfig
    for block in blocks_of(page):
        runner.run(block)
    if runner.skipped:
        pytest.skip(f"the other blocks ran; {runner.skipped} need lexgap.backends.durable")


def test_every_page_is_checked() -> None:
    """The docs have pages, and their blocks use only languages the tests know."""
    assert len(PAGES) >= 8
    known = {"lexgap", "yaml", "json", "toml", "python", "pycon", "console", "bash", "text"}
    texts = set()
    for page in PAGES:
        for block in blocks_of(page):
            assert block.lang in known, f"{block.where}: unknown language {block.lang}"
            if block.lang == "text":
                key = next(
                    (k for k in TEXT_BLOCKS if k[0] == block.page and block.text.startswith(k[1])),
                    None,
                )
                assert key is not None, f"{block.where}: a text block not in TEXT_BLOCKS"
                texts.add(key)
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            assert not _LITERAL.match(line), (
                f"{page.relative_to(ROOT)}:{number}: a literal block (::), which no test runs;"
                " use a code-block"
            )
    assert texts == set(TEXT_BLOCKS), f"TEXT_BLOCKS not in the docs: {set(TEXT_BLOCKS) - texts}"


def test_tutorial_failing_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tutorial's failing ``lexgap test`` output is what a changed expectation prints."""
    page = DOCS / "tutorial.rst"
    blocks = list(blocks_of(page))
    pack = "".join(
        ("\n" if "append" in b.classes else "") + b.text
        for b in blocks
        if b.lang == "lexgap" and b.caption == "pledge.lexgap"
    )
    last = "expect pledge.sextortion gap"
    assert pack.count(last) == 1
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    (tmp_path / "pledge.lexgap").write_text(pack.replace(last, "expect pledge.sextortion met"))
    [shown] = [b for b in blocks if b.lang == "text" and b.text.startswith("FAIL ")]
    code, output = run_cli(["test", "pledge.lexgap"])
    assert code == 1
    assert output == shown.text


def test_lexer_tokenises_shipped_packs_without_errors() -> None:
    """The Pygments lexer reads every shipped pack (and the generated catalogue's rule text)
    without an error token, and gives reserved words inside paths no keyword colour."""
    from pygments.token import Error, Keyword, Name

    from lexgap.pygments_lexer import LexgapLexer

    lexer = LexgapLexer()
    for path in sorted((ROOT / "rules").glob("*.lexgap")):
        tokens = list(lexer.get_tokens(path.read_text(encoding="utf-8")))
        errors = [t for t in tokens if t[0] in Error]
        assert not errors, f"{path.name}: {errors[:5]}"
    tokens = list(lexer.get_tokens("define count.test = law.in and not known(x)\n"))
    by_text = {v: t for t, v in tokens}
    assert by_text["count.test"] in Name
    assert by_text["law.in"] in Name
    assert by_text["define"] in Keyword
    assert by_text["not"] not in Name


def test_lexer_is_registered_with_pygments() -> None:
    """``.. code-block:: lexgap`` works wherever lexgap is installed (entry point)."""
    from importlib.metadata import entry_points

    from pygments.lexers import get_lexer_by_name

    names = {e.name for e in entry_points(group="pygments.lexers")}
    if "lexgap" not in names:
        pytest.skip("lexgap was installed before the entry point existed; reinstall it")
    assert get_lexer_by_name("lexgap").name == "lexgap"


def test_cli_reference_lists_every_command() -> None:
    """The generated CLI reference covers every command of the click group."""
    import click

    from lexgap.cli import cli

    ctx = click.Context(cli, info_name="lexgap")
    assert isinstance(cli, click.Group)
    assert "clidoc:: lexgap.cli:cli" in (DOCS / "cli.rst").read_text(encoding="utf-8")
    assert set(cli.list_commands(ctx)) >= {"check", "explain", "test", "lint", "fmt"}


def test_every_diagnostic_code_is_documented() -> None:
    """docs/errors.rst has an entry for every code the sources can emit."""
    text = (DOCS / "errors.rst").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\.\. _error-([a-z0-9-]+):$", text, re.MULTILINE))
    emitted: set[str] = set()
    pattern = re.compile(r"""(?:Diagnostic|\.error|\.warn|Finding)\(\s*"([a-z][a-z0-9-]*)\"""")
    for path in (ROOT / "src" / "lexgap").rglob("*.py"):
        emitted |= set(pattern.findall(path.read_text(encoding="utf-8")))
    from lexgap.parser import SYNTAX_EXAMPLES

    emitted |= {code for code, _, _ in SYNTAX_EXAMPLES}
    missing = sorted(emitted - documented)
    assert not missing, f"codes without an entry in docs/errors.rst: {missing}"


def test_generated_pages_build_from_a_fresh_tree() -> None:
    """The catalogue and coverage pages are generated from rules/ and jurisdictions/."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("catalogue", DOCS / "_ext" / "catalogue.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    packs = module.packs_rst(ROOT / "rules")
    for path in (ROOT / "rules").glob("*.lexgap"):
        if path.stem != "vocabulary":
            pack = lexgap.load_pack(path)
            for c in pack.criteria:
                if c.span.file == str(path):
                    assert c.path in packs
    coverage = module.coverage_rst(ROOT / "jurisdictions", ROOT / "rules")
    assert "* - GB" in coverage


def test_landing_page_has_a_picture_of_a_report() -> None:
    """docs/index.rst shows an image of a report, drawn at build time from a real run."""
    import importlib.util

    text = (DOCS / "index.rst").read_text(encoding="utf-8")
    assert ".. image:: _generated/report.svg" in text
    path = DOCS / "_ext" / "reportpicture.py"
    spec = importlib.util.spec_from_file_location("reportpicture", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    svg = module.report_svg()
    assert svg.startswith("<svg") and "</svg>" in svg
    assert "GAP" in svg and "AU" in svg
