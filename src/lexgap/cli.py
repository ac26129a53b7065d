"""The ``lexgap`` command line: thin commands over the API.

Every error a user can cause (a pack, a fact file, an argument) is printed as one clear
message with file, line and column where there is one, and exits with status 2; no Python
traceback ever reaches the user. Exit 1 means the command worked and found what
``--fail-on`` asks about (gaps by default) or failing pack tests.
"""

from __future__ import annotations

import datetime
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from lexgap.diagnostics import Diagnostic, LexgapError, Severity, UsageError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FOUND, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3


def _fail(err: LexgapError) -> NoReturn:
    _read_missing_sources(err)
    click.echo(err.render(), err=True)
    sys.exit(EXIT_ERROR)


#: Larger files are not re-read just to show a source line.
_MAX_REREAD = 10 * 1024 * 1024


def _read_missing_sources(err: LexgapError) -> None:
    """Give every error its source line and caret, also those raised where the text was
    no longer at hand (a fact value that does not fit the pack's type is found when the
    pack is evaluated, long after the file was read)."""
    for diagnostic in err.diagnostics:
        name = diagnostic.span.file
        if name in err.sources or diagnostic.span.line < 1:
            continue
        try:
            path = Path(name)
            if not path.is_file() or path.stat().st_size > _MAX_REREAD:
                continue
            err.sources[name] = path.read_bytes().decode("utf-8", errors="replace")
        except (OSError, ValueError):
            continue


def _usage(message: str) -> NoReturn:
    _fail(UsageError([Diagnostic("usage", message)]))


def parse_date_option(value: str | None, option: str = "--as-of") -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        _usage(f"{option} must be a date like 2025-01-31, not '{value}'")


def resolve_pack_path(name: str) -> str:
    """A pack file path, or the name of a built-in pack (``weprotect-cta-2024``)."""
    if os.path.exists(name):
        return name
    from lexgap.resources import packs_dir

    folder = packs_dir()
    if folder is not None:
        candidate = folder / (name if name.endswith(".lexgap") else name + ".lexgap")
        if candidate.is_file():
            return str(candidate)
    return name


def _load_pack(name: str) -> Any:
    from lexgap.load import load_pack

    path = resolve_pack_path(name)
    bare = os.sep not in name and "/" not in name and not name.endswith(".lexgap")
    if path == name and bare and not os.path.exists(name):
        # NOTE: a bare word that is neither a file nor a built-in pack is most likely a
        # mistyped pack name: say which names there are.
        from lexgap.build import suggest

        names = [Path(p).stem for p in _builtin_pack_files()]
        hint = suggest(name, set(names))
        _usage(
            f"no pack file or built-in pack '{name}'"
            + (f"; {hint}" if hint else "")
            + (f" (built-in packs: {', '.join(names)})" if names else "")
        )
    return load_pack(path)


def _write_output(text: str, output: str | None) -> None:
    if output is None or output == "-":
        # NOTE: as fileio does for files: a non-UTF-8 file name (lone surrogates) is
        # shown escaped, whatever error handler the locale gave stdout. color=True: click
        # would otherwise strip what looks like an ANSI sequence when piped, so stdout
        # would not be the bytes `-o FILE` writes (reporters keep control characters out).
        click.echo(
            text.encode("utf-8", "backslashreplace").decode("utf-8"), nl=False, color=True
        )
        return
    from lexgap.fileio import write_atomically

    write_atomically(Path(output), text)


def _not_an_input(output: str | os.PathLike[str] | None, inputs: Sequence[str]) -> None:
    """Refuse to write output over one of the files it is made from (``-o gb.yaml``)."""
    if output is None or output == "-":
        return
    try:
        target = os.stat(output)
    except (OSError, ValueError):
        return  # NOTE: a file that does not exist yet is no input
    for path in inputs:
        try:
            same = os.path.samestat(target, os.stat(path))
        except (OSError, ValueError):
            continue
        if same:
            _usage(f"refusing to write over '{os.fspath(output)}': it is one of the inputs")


def _input_files(pack: Any, jurisdictions: Sequence[Any]) -> list[str]:
    return [*pack.files, *(j.file for j in jurisdictions)]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lexgap", prog_name="lexgap")
def cli() -> None:
    """Legislation gap analysis: check jurisdictions' fact files against rule packs."""


# ---- check ---------------------------------------------------------------------------------


@cli.command()
@click.argument("pack")
@click.argument("paths", nargs=-1, required=True)
@click.option("--as-of", "as_of", metavar="DATE", help="Evaluation date (default: today).")
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    metavar="FORMAT",
    help="Output format: text, json, markdown, html, junit, csv.",
)
@click.option(
    "--only",
    metavar="VERDICTS",
    help="Show only these verdicts, e.g. gap,unknown (summaries and the exit status still "
    "count every result).",
)
@click.option(
    "--criterion",
    "criteria",
    multiple=True,
    metavar="ID",
    help="Only this criterion (repeatable): only its results are shown and decide the exit "
    "status; summaries still count the whole pack.",
)
@click.option(
    "--fail-on",
    default="gap",
    show_default=True,
    type=click.Choice(["gap", "unknown", "never"]),
    help="Exit 1 when a result is a gap (or a gap or unknown); 'never' always exits 0.",
)
@click.option(
    "--backend", default="native", show_default=True, type=click.Choice(["native", "durable"])
)
@click.option("-o", "--output", metavar="FILE", help="Write the report to FILE (atomically).")
@click.option(
    "-j",
    "--jobs",
    default=1,
    show_default=True,
    type=click.IntRange(min=0),
    metavar="N",
    help="Read fact files with N processes (0: one per CPU); the output is the same.",
)
def check(
    pack: str,
    paths: Sequence[str],
    as_of: str | None,
    fmt: str,
    only: str | None,
    criteria: Sequence[str],
    fail_on: str,
    backend: str,
    output: str | None,
    jobs: int,
) -> None:
    """Evaluate PACK (a file or built-in pack name) for fact files or folders PATHS."""
    from lexgap.evaluate import evaluate
    from lexgap.reporters import FORMATS, render

    if fmt not in FORMATS:
        _usage(f"unknown format '{fmt}': choose one of {', '.join(sorted(FORMATS))}")
    date = parse_date_option(as_of)
    verdicts = _parse_only(only)
    loaded = _load_pack(pack)
    known_ids = {c.path for c in loaded.criteria}
    for cid in criteria:
        if cid not in known_ids:
            from lexgap.build import suggest

            hint = suggest(cid, known_ids)
            _usage(f"no criterion '{cid}' in pack {loaded.name}" + (f"; {hint}" if hint else ""))
    if jobs == 0:
        from lexgap.batch import default_jobs

        jobs = default_jobs()
    jurisdictions = _load_paths(paths, jobs)
    _not_an_input(output, _input_files(loaded, jurisdictions))
    report = evaluate(loaded, jurisdictions, as_of=date, backend=backend)
    chosen = [
        r
        for r in report.results
        if (not criteria or r.criterion in criteria)
        and (verdicts is None or r.verdict.value in verdicts)
    ]
    filtered = chosen if (criteria or verdicts is not None) else None
    text = render(report, fmt, results=filtered)
    if fmt == "text" and (output is None or output == "-"):
        _echo_text(text)
    else:
        _write_output(text, output)
    considered = chosen if criteria else report.results
    found = {"gap": {"gap"}, "unknown": {"gap", "unknown"}, "never": set()}[fail_on]
    if any(r.verdict.value in found for r in considered):
        sys.exit(EXIT_FOUND)


def _parse_only(only: str | None) -> set[str] | None:
    if only is None:
        return None
    allowed = {"met", "gap", "unknown", "not_applicable"}
    chosen = {v.strip() for v in only.split(",") if v.strip()}
    bad = chosen - allowed
    if bad:
        _usage(f"--only takes {', '.join(sorted(allowed))}; not {', '.join(sorted(bad))}")
    return chosen


#: Fewer fact files than this are read without a progress line.
PROGRESS_MIN_FILES = 20


class _Progress:
    """``reading fact files 37/200`` on stderr, rewritten in place; on a terminal only.

    Nothing is written when stderr is not a terminal (a log or a pipe gets no stray
    carriage returns) or for short batches; the line is erased once reading is done, so
    what stays on the screen is the report.
    """

    def __init__(self) -> None:
        self.enabled = _stderr_is_terminal()
        self.shown = False
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < PROGRESS_MIN_FILES:
            return
        percent = done * 100 // total
        if percent == self.last and done != total:
            return  # NOTE: at most ~100 updates, however many files
        self.last = percent
        sys.stderr.write(f"\rreading fact files {done}/{total} ({percent}%)")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = False


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _load_paths(paths: Sequence[str], jobs: int = 1) -> list[Any]:
    from lexgap.batch import read_paths

    progress = _Progress()
    try:
        return read_paths(paths, jobs, progress)
    finally:
        progress.clear()


def _echo_text(text: str) -> None:
    """Plain text when piped or NO_COLOR is set; verdict words coloured on a terminal."""
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        click.echo(text, nl=False)
        return
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)
    for line in styled_lines(text):
        console.print(line)


_VERDICT_STYLES = {
    "MET": "green",
    "GAP": "bold red",
    "UNKNOWN": "yellow",
    "NOT APPLICABLE": "dim",
}


def styled_lines(text: str) -> list[Any]:
    """A text report's lines as ``rich.text.Text``, verdict words coloured (as on a terminal).

    Also used by the docs build to draw the landing page's picture of a report.
    """
    from rich.text import Text

    lines = []
    for line in text.splitlines():
        rich_line = Text(line)
        # NOTE: only a result's heading is coloured; codes and criterion ids cannot hold
        # spaces or colons, so a title or note that says ": GAP (as of" is left plain.
        heading = _HEADING.match(line)
        if heading:
            style = _VERDICT_STYLES[heading.group(1)]
            rich_line.stylize(style, heading.start(1), heading.end(1))
        lines.append(rich_line)
    return lines


_HEADING = re.compile(
    r"[A-Z0-9-]+ / [A-Za-z0-9_.]+: (MET|GAP|UNKNOWN|NOT APPLICABLE) \(as of [0-9-]+\)$"
)


# ---- explain ---------------------------------------------------------------------------------


@cli.command()
@click.argument("pack")
@click.argument("factfile")
@click.argument("criterion")
@click.option("--as-of", "as_of", metavar="DATE", help="Evaluation date (default: today).")
@click.option(
    "--backend", default="native", show_default=True, type=click.Choice(["native", "durable"])
)
def explain(pack: str, factfile: str, criterion: str, as_of: str | None, backend: str) -> None:
    """Explain one CRITERION of PACK for the jurisdiction in FACTFILE."""
    from lexgap.evaluate import evaluate

    date = parse_date_option(as_of)
    loaded = _load_pack(pack)
    ids = [c.path for c in loaded.criteria]
    if criterion not in ids:
        from lexgap.build import suggest

        hint = suggest(criterion, ids)
        _usage(f"no criterion '{criterion}' in pack {loaded.name}" + (f"; {hint}" if hint else ""))
    jurisdictions = _load_paths([factfile])
    report = evaluate(loaded, jurisdictions, as_of=date, backend=backend)
    from lexgap.diagnostics import printable

    for r in report.results:
        if r.criterion == criterion:
            click.echo("\n".join(printable(line) for line in r.explain().split("\n")))


# ---- test ------------------------------------------------------------------------------------


@cli.command(name="test")
@click.argument("packs", nargs=-1, required=True)
@click.option(
    "--coverage",
    is_flag=True,
    help="Also report which criteria, verdicts and and/or branches the tests reached.",
)
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "json"]))
def test_cmd(packs: Sequence[str], coverage: bool, fmt: str) -> None:
    """Run the test blocks of each PACK."""
    import json

    from lexgap.diagnostics import printable
    from lexgap.packtests import coverage_json, coverage_text, run_tests

    passed = failed = 0
    out: list[dict[str, object]] = []
    for name in packs:
        try:
            loaded = _load_pack(name)
        except LexgapError as err:
            # NOTE: as lint and the pytest plugin do: a shared vocabulary (no pack
            # declaration, imported by packs) has no tests, so `lexgap test rules/*.lexgap`
            # skips it instead of failing. Any other load error still fails.
            if len(packs) > 1 and {d.code for d in err.diagnostics} == {"missing-pack"}:
                click.echo(f"{name}: no pack declaration (a shared vocabulary); skipped", err=True)
                continue
            raise
        outcome = run_tests(loaded)
        passed += outcome.passed
        failed += outcome.failed
        if fmt == "json":
            entry: dict[str, object] = {
                "pack": loaded.name,
                "passed": outcome.passed,
                "failed": outcome.failed,
                "failures": [line for t in outcome.tests for line in t.failures],
            }
            if coverage:
                entry["coverage"] = coverage_json(loaded, outcome)["criteria"]
            out.append(entry)
            continue
        for t in outcome.tests:
            for line in t.failures:
                click.echo(printable(line))
        if coverage:
            click.echo(coverage_text(loaded, outcome))
    if fmt == "json":
        click.echo(json.dumps({"packs": out, "passed": passed, "failed": failed}, indent=2))
    else:
        click.echo(f"{passed} passed, {failed} failed")
    if failed:
        sys.exit(EXIT_FOUND)


# ---- lint / fmt / packs ----------------------------------------------------------------------


@cli.command()
@click.argument("packs", nargs=-1, required=True)
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "json"]))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def lint(packs: Sequence[str], fmt: str, strict: bool) -> None:
    """Check PACKS for errors and consistency problems."""
    from lexgap.lint import lint_paths, render_findings

    findings = lint_paths([resolve_pack_path(p) for p in packs], strict=strict)
    text = render_findings(findings, fmt)
    if text:
        click.echo(text, nl=not text.endswith("\n"))
    if findings.load_failed:
        sys.exit(EXIT_ERROR)
    if any(f.severity is Severity.ERROR or strict for f in findings):
        sys.exit(EXIT_FOUND)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if a file is not formatted.")
@click.option("--diff", "show_diff", is_flag=True, help="Print what would change.")
@click.option("--write", is_flag=True, help="Rewrite files in place (atomically).")
def fmt(paths: Sequence[str], check_only: bool, show_diff: bool, write: bool) -> None:
    """Format rule-pack files in the one canonical layout."""
    from lexgap.fileio import write_atomically
    from lexgap.format import format_source
    from lexgap.load import read_source

    files: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files.extend(sorted(path.rglob("*.lexgap")))
        elif path.exists():
            files.append(path)
        else:
            _usage(f"no such file or folder: '{p}'")
    changed = 0
    for path in files:
        text = read_source(path, str(path))
        formatted = format_source(text, str(path))
        if not (check_only or show_diff or write):
            # NOTE: plain ``fmt`` prints every file, formatted already or not, so
            # ``lexgap fmt a.lexgap > b.lexgap`` never gives an empty b.
            click.echo(formatted, nl=False)
            continue
        if formatted == text:
            continue
        changed += 1
        if show_diff:
            import difflib

            click.echo(
                "".join(
                    difflib.unified_diff(
                        text.splitlines(keepends=True),
                        formatted.splitlines(keepends=True),
                        fromfile=str(path),
                        tofile=str(path) + " (formatted)",
                    )
                ),
                nl=False,
            )
        if write:
            write_atomically(path, formatted)
            click.echo(f"formatted {path}", err=True)
        elif check_only and not show_diff:
            click.echo(f"would reformat {path}")
    if (check_only or show_diff) and changed and not write:
        sys.exit(EXIT_FOUND)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--pack",
    "pack_names",
    multiple=True,
    metavar="PACK",
    help="Only these packs (default: every built-in pack).",
)
@click.option("--as-of", "as_of", metavar="DATE", help="Evaluation date (default: today).")
@click.option("--format", "fmt", default="html", show_default=True, metavar="FORMAT")
@click.option(
    "-o",
    "--output",
    "output",
    default="gap-report",
    show_default=True,
    metavar="DIR",
    help="Folder to write one report per pack into.",
)
def report(
    paths: Sequence[str], pack_names: Sequence[str], as_of: str | None, fmt: str, output: str
) -> None:
    """Run every built-in pack (or --pack) against PATHS and write one report per pack."""
    from lexgap.evaluate import evaluate
    from lexgap.fileio import write_atomically
    from lexgap.reporters import FORMATS, render

    if fmt not in FORMATS:
        _usage(f"unknown format '{fmt}': choose one of {', '.join(sorted(FORMATS))}")
    date = parse_date_option(as_of)
    names = list(pack_names)
    if not names:
        names = _builtin_pack_files()
    if not names:
        _usage("no packs to run")
    jurisdictions = _load_paths(paths)
    out_dir = Path(output)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        _usage(f"cannot make the folder '{output}': {err.strerror or type(err).__name__}")
    suffix = {"html": "html", "markdown": "md", "json": "json", "junit": "xml", "csv": "csv"}.get(
        fmt, "txt"
    )
    written: list[tuple[str, Any]] = []
    inputs: list[str] = []
    for name in names:
        loaded = _load_pack(name)
        result = evaluate(loaded, jurisdictions, as_of=date)
        target = out_dir / f"{Path(name).stem}.{suffix}"
        inputs.extend(_input_files(loaded, jurisdictions))
        _not_an_input(target, inputs)
        write_atomically(target, render(result, fmt))
        written.append((target.name, result))
        overall = result.overall()
        score = "n/a" if overall.score is None else f"{overall.score * 100:.0f}%"
        click.echo(
            f"{target}: {len(result.jurisdictions)} jurisdictions x "
            f"{len(loaded.criteria)} criteria, "
            f"{overall.met} met, {overall.gap} gaps, {overall.unknown} unknown, score {score}"
        )
    if fmt == "html":
        from lexgap.reporters.index import render_index

        # NOTE: one page that links every pack's matrix, so the folder has a start page.
        index = out_dir / "index.html"
        _not_an_input(index, inputs)
        write_atomically(index, render_index(written))
        click.echo(f"{index}: an index of the {len(written)} reports")


def _builtin_pack_files() -> list[str]:
    """The built-in packs' files, sorted; a shared vocabulary (no pack block) is not one."""
    from lexgap.resources import packs_dir

    folder = packs_dir()
    files = [str(p) for p in sorted(folder.glob("*.lexgap"))] if folder else []
    return [f for f in files if _has_pack_header(f)]


def _has_pack_header(path: str) -> bool:
    from lexgap.load import declares_pack

    try:
        return declares_pack(path)
    except LexgapError:
        return True  # NOTE: let loading report the error rather than hiding the file.


@cli.command()
def packs() -> None:
    """List the built-in packs with title, version and criterion count."""
    from lexgap.load import load_pack
    from lexgap.resources import packs_dir

    folder = packs_dir()
    if folder is None:
        return
    for path in sorted(folder.glob("*.lexgap")):
        try:
            pack = load_pack(path)
        except LexgapError:
            continue
        click.echo(
            f"{path.stem:<32} {pack.version or '-':<8} "
            f"{len(pack.criteria):>3} criteria  {pack.title}"
        )


# ---- schema ----------------------------------------------------------------------------------


@cli.command()
@click.argument("pack", required=False)
@click.option("--report", "for_report", is_flag=True, help="The JSON report's schema instead.")
@click.option("-o", "--output", metavar="FILE", help="Write the schema to FILE (atomically).")
def schema(pack: str | None, for_report: bool, output: str | None) -> None:
    """Print a JSON Schema for fact files of PACK, so editors can check them.

    With --report, print the schema of `lexgap check --format json` output instead.
    """
    if for_report:
        from lexgap.reporters.schema import report_schema_text

        _write_output(report_schema_text(), output)
        return
    if pack is None:
        _usage("give a PACK (or --report for the report schema)")
    from lexgap.scaffold import fact_file_schema_text

    loaded = _load_pack(pack)
    _not_an_input(output, loaded.files)
    _write_output(fact_file_schema_text(loaded), output)


# ---- init ------------------------------------------------------------------------------------


@cli.command()
@click.argument("pack")
@click.option(
    "--jurisdiction", "code", required=True, metavar="CODE", help="ISO 3166 code, e.g. GB or US-CA."
)
@click.option("--name", required=True, metavar="NAME", help="The jurisdiction's name.")
@click.option(
    "-o", "--output", metavar="FILE", help="Where to write (default: CODE.yaml; - for stdout)."
)
def init(pack: str, code: str, name: str, output: str | None) -> None:
    """Write a fact-file skeleton for PACK: every fact it uses, unknown, with comments.

    Never overwrites an existing file.
    """
    from lexgap.fileio import write_atomically
    from lexgap.scaffold import CODE_PATTERN, skeleton

    code = code.upper()
    if not re.fullmatch(CODE_PATTERN.strip("^$"), code):
        _usage(f"--jurisdiction must be an ISO 3166 code such as GB or US-CA, not '{code}'")
    if not name.strip():
        _usage("--name must not be empty")
    text = skeleton(_load_pack(pack), code, name)
    if output == "-":
        click.echo(text, nl=False)
        return
    target = Path(output) if output else Path(f"{code.lower()}.yaml")
    write_atomically(target, text, overwrite=False)
    click.echo(f"wrote {target}", err=True)


# ---- diff ------------------------------------------------------------------------------------


@cli.command()
@click.argument("pack")
@click.argument("paths", nargs=-1, required=True)
@click.option("--from", "date_from", metavar="DATE", help="Compare the PATHS at this date...")
@click.option("--to", "date_to", metavar="DATE", help="...with the same PATHS at this date.")
@click.option("--as-of", "as_of", metavar="DATE", help="With OLD NEW: evaluation date.")
@click.option(
    "--format", "fmt", default="text", show_default=True, type=click.Choice(["text", "json"])
)
@click.option("--exit-code", is_flag=True, help="Exit 1 when a verdict changed.")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (atomically).")
def diff(
    pack: str,
    paths: Sequence[str],
    date_from: str | None,
    date_to: str | None,
    as_of: str | None,
    fmt: str,
    exit_code: bool,
    output: str | None,
) -> None:
    """The verdicts that changed, and the facts whose change caused it.

    Either `lexgap diff PACK --from DATE --to DATE PATH...` (the same fact files at two
    dates) or `lexgap diff PACK OLD NEW` (two versions of a fact file or folder, at one date).
    """
    import json

    from lexgap.evaluate import evaluate

    loaded = _load_pack(pack)
    if (date_from is None) != (date_to is None):
        _usage("give both --from and --to, or neither (then: OLD NEW)")
    if date_from is not None:
        if as_of is not None:
            _usage("--as-of goes with OLD NEW, not with --from/--to")
        d_from, d_to = parse_date_option(date_from, "--from"), parse_date_option(date_to, "--to")
        jurisdictions = _load_paths(paths)
        old = evaluate(loaded, jurisdictions, as_of=d_from)
        new = evaluate(loaded, jurisdictions, as_of=d_to)
        old_label, new_label = str(old.as_of), str(new.as_of)
    else:
        if len(paths) != 2:
            _usage("give OLD and NEW fact files or folders, or --from DATE --to DATE PATH...")
        date = parse_date_option(as_of)
        old = evaluate(loaded, _load_paths([paths[0]]), as_of=date)
        new = evaluate(loaded, _load_paths([paths[1]]), as_of=date)
        old_label, new_label = paths[0], paths[1]
    old_by = {(r.jurisdiction, r.criterion): r for r in old.results}
    changes: list[dict[str, Any]] = []
    for r in new.results:
        before = old_by.get((r.jurisdiction, r.criterion))
        if before is None or before.verdict == r.verdict:
            continue
        was = {f.path: f for f in before.facts}
        now = {f.path: f for f in r.facts}
        facts = []
        for path in [*now, *(p for p in was if p not in now)]:
            a, b = was.get(path), now.get(path)
            a_value = a.value if a is not None else "unknown"
            b_value = b.value if b is not None else "unknown"
            if a_value != b_value:
                source = (b.source if b is not None else None) or (a.source if a else None)
                facts.append({"path": path, "from": a_value, "to": b_value, "source": source})
        changes.append(
            {
                "jurisdiction": r.jurisdiction,
                "jurisdiction_name": r.jurisdiction_name,
                "criterion": r.criterion,
                "title": r.title,
                "from": before.verdict.value,
                "to": r.verdict.value,
                "facts": facts,
            }
        )
    old_codes = [j.code for j in old.jurisdictions]
    new_codes = [j.code for j in new.jurisdictions]
    only_old = [c for c in old_codes if c not in new_codes]
    only_new = [c for c in new_codes if c not in old_codes]
    if fmt == "json":
        data = {
            "pack": {"name": loaded.name, "title": loaded.title, "version": loaded.version},
            "from": {"label": old_label, "as_of": old.as_of.isoformat()},
            "to": {"label": new_label, "as_of": new.as_of.isoformat()},
            "changes": changes,
            "only_in_from": only_old,
            "only_in_to": only_new,
        }
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = _diff_text(loaded.name, old_label, new_label, changes, only_old, only_new)
    _not_an_input(output, _input_files(loaded, [*old.jurisdictions, *new.jurisdictions]))
    _write_output(text, output)
    if exit_code and (changes or only_old or only_new):
        sys.exit(EXIT_FOUND)


def _diff_text(
    pack: str,
    old: str,
    new: str,
    changes: list[dict[str, Any]],
    only_old: list[str],
    only_new: list[str],
) -> str:
    def clean(s: object) -> str:
        return "".join(c if c.isprintable() else "?" for c in str(s))

    lines = [f"Verdicts of {clean(pack)} that changed from {clean(old)} to {clean(new)}:", ""]
    for c in changes:
        head = f"{clean(c['jurisdiction'])} / {clean(c['criterion'])}"
        lines.append(f"{head}: {c['from']} -> {c['to']}")
        lines.append(f"  {clean(c['title'])}")
        for f in c["facts"]:
            src = f" (source: {clean(f['source'])})" if f["source"] else ""
            lines.append(f"  {clean(f['path'])}: {clean(f['from'])} -> {clean(f['to'])}{src}")
        if not c["facts"]:
            lines.append("  no fact it reads changed value (the rule depends on the date)")
        lines.append("")
    for code in only_old:
        lines.append(f"{clean(code)}: only in {clean(old)}")
    for code in only_new:
        lines.append(f"{clean(code)}: only in {clean(new)}")
    n = len(changes)
    lines.append(f"{n} verdict{'s' if n != 1 else ''} changed.")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI; turn every error into a message and an exit status."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None, prog_name="lexgap", standalone_mode=False
        )
    except LexgapError as err:
        _fail(err)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
    except click.exceptions.Abort as err:
        # NOTE: click turns Ctrl-C into Abort; say so, with the conventional status.
        if isinstance(err.__cause__ or err.__context__, KeyboardInterrupt):
            click.echo("interrupted", err=True)
            sys.exit(130)
        click.echo("aborted", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as err:
        click.echo(f"error: {err.format_message()}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_OK)
    except SystemExit:
        raise
    except Exception as err:
        click.echo(
            f"internal error: {type(err).__name__}: {err}\n"
            "This is a bug in lexgap; please report it with the input that caused it.",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(EXIT_OK)
