"""lexgap's benchmarks: import, loading, evaluation at scale, peers, memory, reports, --jobs.

One command, not part of the test suite::

    python benchmarks/run.py                # full sizes: criteria 10 to 1,000, jurisdictions
                                            # 10 to 10,000 (about fifteen minutes)
    python benchmarks/run.py --quick        # smaller sizes, for a fast look (about two minutes)
    python benchmarks/run.py --write-docs   # also write docs/guides/performance-figures.inc
    python benchmarks/run.py --profile      # also print where native evaluate spends its time

The peers (durable-rules used directly, CLIPS through clipspy, OPA's Rego through regopy)
come with ``pip install -e '.[bench]'``; a peer that is not installed is skipped with a
note, and so is lexgap's own durable backend when ``lexgap.backends.durable`` is missing.
Peers run in child processes with a time limit, so an engine that hangs is reported as
such instead of stopping the run. Every engine's verdicts are checked against the
hand-written Python's. The workload is described in ``benchmarks/workload.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import hashlib
import importlib.metadata
import importlib.util
import io
import json
import os
import platform
import pstats
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import workload as w

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
DOCS_FIGURES = ROOT / "docs" / "guides" / "performance-figures.inc"
AS_OF = datetime.date(2025, 1, 1)
FORMATS = ("text", "json", "markdown", "html", "junit", "csv")
ESCAPED_DASHES = "-\\-"


@dataclass(frozen=True)
class Sizes:
    pack_criteria: tuple[int, ...]
    folder_criteria: int
    folder_jurisdictions: tuple[int, ...]
    grid_criteria: tuple[int, ...]
    grid_jurisdictions: tuple[int, ...]
    grid_max: int  # largest criteria x jurisdictions in the scaling grid
    durable_max: int  # largest criteria x jurisdictions for lexgap's durable backend
    peers: tuple[int, int]  # criteria, jurisdictions
    render: tuple[int, tuple[int, ...]]  # criteria, jurisdictions
    memory: tuple[int, int]  # two folder sizes for evaluate_iter
    jobs_folder: int
    timeout: float  # seconds allowed to one peer run in a child process


FULL = Sizes(
    pack_criteria=(10, 100, 1000),
    folder_criteria=10,
    folder_jurisdictions=(10, 100, 1000, 10000),
    grid_criteria=(10, 100, 1000),
    grid_jurisdictions=(10, 100, 1000, 10000),
    grid_max=1_000_000,
    durable_max=10_000,
    peers=(100, 300),
    render=(100, (100, 1000)),
    memory=(1000, 10000),
    jobs_folder=10000,
    timeout=300,
)
QUICK = Sizes(
    pack_criteria=(10, 100, 1000),
    folder_criteria=10,
    folder_jurisdictions=(10, 100, 1000),
    grid_criteria=(10, 100, 1000),
    grid_jurisdictions=(10, 100, 1000),
    grid_max=100_000,
    durable_max=2_000,
    peers=(60, 50),
    render=(100, (20, 100)),
    memory=(100, 1000),
    jobs_folder=1000,
    timeout=60,
)


# ---- measuring ---------------------------------------------------------------------------


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by other processes)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def digest(verdicts: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(verdicts).encode()).hexdigest()[:16]


def child(args: Sequence[str], timeout: float) -> dict[str, Any]:
    """Run this script in worker mode; its last output line is JSON. Never raises."""
    try:
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish in {timeout:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"failed: {last[:120]}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        self.rows.append([str(c) for c in cells])

    def rst(self) -> str:
        """An RST simple table, which also reads well as plain text."""
        cols = list(zip(self.header, *self.rows, strict=True))
        widths = [max(len(c) for c in col) for col in cols]
        rule = "  ".join("=" * n for n in widths)

        def line(cells: list[str]) -> str:
            out = []
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
                out.append(cell.ljust(width) if i == 0 else cell.rjust(width))
            return "  ".join(out).rstrip()

        body = [rule, line(self.header), rule, *(line(r) for r in self.rows), rule]
        return "\n".join(body)


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    if seconds < 0.001:
        return f"{seconds * 1000:.2f}"
    return f"{seconds * 1000:,.1f}" if seconds < 10 else f"{seconds * 1000:,.0f}"


def ratio(seconds: float | None, base: float) -> str:
    return "n/a" if seconds is None else f"{seconds / base:.2f}x"


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


# ---- the machine --------------------------------------------------------------------------


def machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    versions = []
    for dist in ("lexgap", "durable-rules", "clipspy", "regopy"):
        try:
            versions.append(f"{dist} {importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{dist} not installed")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [
        ("Date", datetime.date.today().isoformat()),
        ("CPU", f"{cpu}, {usable} usable"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("System", platform.platform()),
        ("Packages", "; ".join(versions) + (f" (commit {commit})" if commit else "")),
        ("Load average at start", load),
    ]


# ---- sections -----------------------------------------------------------------------------


def section_import(repeat: int = 7) -> Table:
    table = Table("import lexgap", ["what", "ms (best of 7)", "heavy modules imported"])
    heavy = ("durable_rules", "durable", "hypothesis", "lark", "yaml", "rich", "click")
    probes = {
        "import lexgap": "import lexgap",
        "import lexgap; lexgap.load_pack; lexgap.evaluate": (
            "import lexgap\nlexgap.load_pack\nlexgap.evaluate"
        ),
    }
    for label, code in probes.items():
        script = (
            "import time, sys, json\n"
            "t = time.perf_counter()\n"
            f"{code}\n"
            "t = time.perf_counter() - t\n"
            "print(json.dumps([t, sorted({m.split('.')[0] for m in sys.modules})]))"
        )
        times, loaded = [], set()
        for _ in range(repeat):
            out = subprocess.run(
                [sys.executable, "-c", script], capture_output=True, text=True, check=True
            )
            t, mods = json.loads(out.stdout)
            times.append(t)
            loaded = set(mods)
        found = sorted(loaded & set(heavy))
        table.add(label, ms(min(times)), ", ".join(found) or "none")
    table.notes.append(
        "Wall time of the statements in a fresh interpreter (its start-up not included); "
        "heavy modules: which of durable_rules, hypothesis, lark, yaml, rich and click "
        "were imported."
    )
    return table


def section_load_pack(sizes: Sizes, tmp: Path) -> Table:
    import lexgap

    table = Table(
        "lexgap.load_pack",
        ["criteria", "lines", "cold ms", "warm ms", "warm us/criterion"],
    )
    for n in sizes.pack_criteria:
        path = tmp / f"bench{n}.lexgap"
        path.write_text(w.pack_text(w.specs(n)), encoding="utf-8")
        script = (
            "import time, json, lexgap\n"
            "t = time.perf_counter()\n"
            f"lexgap.load_pack({str(path)!r})\n"
            "print(json.dumps(time.perf_counter() - t))"
        )
        cold = min(
            json.loads(
                subprocess.run(
                    [sys.executable, "-c", script], capture_output=True, text=True, check=True
                ).stdout
            )
            for _ in range(3)
        )
        lexgap.load_pack(path)
        warm = best_of(lambda p=path: lexgap.load_pack(p))
        lines = path.read_text(encoding="utf-8").count("\n")
        table.add(f"{n:,}", f"{lines:,}", ms(cold), ms(warm), f"{warm / n * 1e6:,.0f}")
    table.notes.append(
        "Cold: the first load_pack in a fresh interpreter, which imports the parser and builds "
        "the grammar (about 0.3 s of it). Warm: best of 3 in a process that has loaded a pack."
    )
    return table


def write_folder(folder: Path, criteria: list[w.Spec], n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, mapping in enumerate(w.jurisdictions(criteria, n)):
        (folder / f"j{i:05d}.yaml").write_text(w.yaml_text(mapping), encoding="utf-8")


def section_load_jurisdictions(sizes: Sizes, folders: dict[int, Path]) -> Table:
    import lexgap

    table = Table(
        "lexgap.load_jurisdictions",
        ["files", "facts per file", "ms", "us/file", "us/fact"],
    )
    for n, folder in sorted(folders.items()):
        if n not in sizes.folder_jurisdictions:
            continue
        loaded = lexgap.load_jurisdictions(folder)
        facts = sum(len(j.facts) for j in loaded) / len(loaded)
        del loaded
        t = best_of(lambda f=folder: lexgap.load_jurisdictions(f), 3 if n <= 1000 else 1)
        table.add(
            f"{n:,}", f"{facts:.0f}", ms(t), f"{t / n * 1e6:,.0f}", f"{t / n / facts * 1e6:.1f}"
        )
    table.notes.append(
        f"Folders of generated fact files for the {sizes.folder_criteria}-criterion pack "
        "(YAML, one value per fact); best of 3, or 1 run for 10,000 files."
    )
    return table


def _workload(n_c: int, n_j: int) -> tuple[Any, list[Any], list[w.Spec], list[dict[str, Any]]]:
    import lexgap

    criteria = w.specs(n_c)
    pack = lexgap.parse_pack(w.pack_text(criteria))
    maps = list(w.jurisdictions(criteria, n_j))
    js = [lexgap.jurisdiction_from_mapping(m) for m in maps]
    parsed = [w.parsed(m) for m in maps]
    return pack, js, criteria, parsed


def section_scaling(sizes: Sizes) -> Table:
    import lexgap

    durable = installed("lexgap.backends.durable") and installed("durable")
    table = Table(
        "lexgap.evaluate: time linear in criteria x jurisdictions",
        [
            "criteria",
            "jurisdictions",
            "results",
            "hand-written ms",
            "native ms",
            "native / hand",
            "native us/result",
            "native cold ms",
            "durable ms",
            "durable / native",
        ],
    )
    for n_c in sizes.grid_criteria:
        for n_j in sizes.grid_jurisdictions:
            n = n_c * n_j
            if n > sizes.grid_max:
                continue
            pack, js, criteria, parsed = _workload(n_c, n_j)
            expected = w.hand_written(criteria, parsed)
            t_hand = best_of(lambda c=criteria, p=parsed: w.hand_written(c, p))
            lexgap.evaluate(pack, [], as_of=AS_OF)  # NOTE: compiles the program
            start = time.perf_counter()
            report = lexgap.evaluate(pack, js, as_of=AS_OF)
            t_cold = time.perf_counter() - start
            got = [r.verdict.value for r in report.results]
            assert got == expected, f"native verdicts differ at {n_c} x {n_j}"
            del report, got
            t_native = best_of(lambda p=pack, j=js: lexgap.evaluate(p, j, as_of=AS_OF))
            versus_native = "-"
            if not durable:
                t_durable = "not installed"
            elif n > sizes.durable_max:
                t_durable = "-"
            else:
                out = child(
                    ["--worker", "lexgap-durable", str(n_c), str(n_j)], min(sizes.timeout, 120)
                )
                if "error" in out:
                    t_durable = out["error"]
                elif out["digest"] != digest(expected):
                    t_durable = "WRONG VERDICTS"
                else:
                    t_durable = ms(out["seconds"])
                    versus_native = ratio(out["seconds"], t_native)
            table.add(
                f"{n_c:,}",
                f"{n_j:,}",
                f"{n:,}",
                ms(t_hand),
                ms(t_native),
                ratio(t_native, t_hand),
                f"{t_native / n * 1e6:.2f}",
                ms(t_cold),
                t_durable,
                versus_native,
            )
            del pack, js, parsed, expected
            gc.collect()
    table.notes.append(
        "Native: best of 3 with the pack compiled and each jurisdiction's fact values already "
        "typed (a warm run, as the hand-written Python gets its values parsed); cold: the first "
        "evaluation of those jurisdictions, which types every value. Durable: lexgap's "
        "durable-rules backend, warm, in a child process allowed 120 s, up to "
        f"{sizes.durable_max:,} results (- : not run at this size)."
    )
    if not durable:
        table.notes.append(
            "The durable column is empty: lexgap.backends.durable or durable-rules is not "
            "installed."
        )
    return table


def section_peers(sizes: Sizes) -> Table:
    import lexgap

    n_c, n_j = sizes.peers
    pack, js, criteria, parsed = _workload(n_c, n_j)
    expected = w.hand_written(criteria, parsed)
    check = digest(expected)
    t_hand = best_of(lambda: w.hand_written(criteria, parsed))
    table = Table(
        f"Peers: {n_c} criteria x {n_j} jurisdictions ({n_c * n_j:,} results)",
        ["engine", "ms", "ratio to hand-written", "us/result", "verdicts"],
    )
    table.add("hand-written Python", ms(t_hand), "1.00x", f"{t_hand / (n_c * n_j) * 1e6:.2f}", "-")
    lexgap.evaluate(pack, [], as_of=AS_OF)
    start = time.perf_counter()
    report = lexgap.evaluate(pack, js, as_of=AS_OF)
    t_cold = time.perf_counter() - start
    same = [r.verdict.value for r in report.results] == expected
    del report
    t_native = best_of(lambda: lexgap.evaluate(pack, js, as_of=AS_OF))
    n = n_c * n_j
    ok = "agree" if same else "DIFFER"
    table.add(
        "lexgap native", ms(t_native), ratio(t_native, t_hand), f"{t_native / n * 1e6:.2f}", ok
    )
    table.add(
        "lexgap native, cold", ms(t_cold), ratio(t_cold, t_hand), f"{t_cold / n * 1e6:.2f}", ok
    )
    engines = [
        ("lexgap durable backend", "lexgap-durable", ("lexgap.backends.durable", "durable")),
        ("durable-rules, directly", "durable-rules", ("durable",)),
        ("CLIPS (clipspy)", "CLIPS", ("clips",)),
        ("OPA Rego (regopy)", "Rego", ("regopy",)),
    ]
    for label, worker, modules in engines:
        missing = [m for m in modules if not installed(m)]
        if missing:
            table.add(label, "n/a", "n/a", "n/a", f"not installed ({', '.join(missing)})")
            continue
        out = child(["--worker", worker, str(n_c), str(n_j)], sizes.timeout)
        if "error" in out:
            table.add(label, "n/a", "n/a", "n/a", out["error"])
            continue
        t = float(out["seconds"])
        verdict = "agree" if out["digest"] == check else "DIFFER"
        table.add(label, ms(t), ratio(t, t_hand), f"{t / n * 1e6:.2f}", verdict)
    table.notes.append(
        "Every engine computes the same verdicts (checked against the hand-written Python). "
        "Peers are given parsed values; their rule bases are built before the clock starts; "
        "putting the facts in, running and reading every verdict back out is timed, once, in "
        "a child process. lexgap native is best of 3; durable backend: a second run after one "
        "that compiled the ruleset and typed the values."
    )
    return table


def section_memory(sizes: Sizes, folders: dict[int, Path], pack_path: Path) -> Table:
    import lexgap

    pack = lexgap.load_pack(pack_path)
    table = Table(
        "evaluate_iter streams in flat memory",
        ["files", "evaluate_iter peak MB", "evaluate peak MB", "results"],
    )
    # NOTE: a first file before measuring, so imports (yaml) and compiling the pack are
    # not counted as the memory of streaming.
    first = min(folders[sizes.memory[0]].iterdir())
    for _result in lexgap.evaluate_iter(pack, [first], as_of=AS_OF):
        pass
    for n in sizes.memory:
        folder = folders[n]
        gc.collect()
        tracemalloc.start()
        count = 0
        for _result in lexgap.evaluate_iter(pack, folder, as_of=AS_OF):
            count += 1
        _, peak_iter = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        gc.collect()
        tracemalloc.start()
        report = lexgap.evaluate(pack, folder, as_of=AS_OF)
        _, peak_all = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert len(report.results) == count
        del report
        table.add(f"{n:,}", f"{peak_iter / 1e6:.1f}", f"{peak_all / 1e6:.1f}", f"{count:,}")
    table.notes.append(
        "Peak memory allocated while going through every result of a folder of fact files "
        f"({sizes.folder_criteria}-criterion pack), measured with tracemalloc after a first "
        "file (imports, compiling the pack). ``evaluate_iter`` holds one file and its results "
        "at a time; what grows with the folder is its sorted list of file names. The floor of "
        "about 10 MB is one transient buffer: ``load_jurisdiction`` reads up to the 10 MB "
        "file-size limit in one call, which allocates that much (but touches little of it) "
        "for every file. ``evaluate`` keeps the whole report."
    )
    return table


def section_render(sizes: Sizes) -> Table:
    import lexgap
    from lexgap.reporters import render

    n_c, n_js = sizes.render
    table = Table(
        f"Reports (lexgap.reporters.render), {n_c} criteria",
        ["format", *(f"{n:,} jurisdictions ms" for n in n_js), "us/result", "MB"],
    )
    timings: dict[str, list[float]] = {f: [] for f in FORMATS}
    size_mb: dict[str, float] = {}
    for n_j in n_js:
        pack, js, _, _ = _workload(n_c, n_j)
        for fmt in FORMATS:
            report = lexgap.evaluate(pack, js, as_of=AS_OF)  # NOTE: fresh: nothing explained
            gc.collect()
            start = time.perf_counter()
            text = render(report, fmt)
            timings[fmt].append(time.perf_counter() - start)
            size_mb[fmt] = len(text.encode()) / 1e6
            del report, text
    largest = n_c * n_js[-1]
    for fmt in FORMATS:
        table.add(
            fmt,
            *(ms(t) for t in timings[fmt]),
            f"{timings[fmt][-1] / largest * 1e6:.1f}",
            f"{size_mb[fmt]:.1f}",
        )
    table.notes.append(
        "One render of a fresh report, so the time includes computing every result's "
        "explanation (missing facts, because, message, facts used) that the format shows. "
        "us/result and MB are for the largest report."
    )
    return table


def section_jobs(sizes: Sizes, folder: Path, pack_path: Path) -> Table:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    n = sizes.jobs_folder
    table = Table(
        f"lexgap check --jobs: {n:,} fact files, --format csv",
        ["jobs", "wall s", "output"],
    )
    outputs: dict[int, bytes] = {}
    for jobs in sorted({1, 2, usable or 1}):
        out_file = folder.parent / f"jobs{jobs}.csv"
        args = [
            sys.executable, "-m", "lexgap", "check", str(pack_path), str(folder),
            "--as-of", AS_OF.isoformat(), "--format", "csv", "--fail-on", "never",
            "-o", str(out_file), "--jobs", str(jobs),
        ]  # fmt: skip
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        wall = time.perf_counter() - start
        outputs[jobs] = out_file.read_bytes()
        same = "identical to 1 job" if outputs[jobs] == outputs[1] else "DIFFERENT"
        table.add(jobs, f"{wall:.2f}", "-" if jobs == 1 else same)
    table.notes.append(
        "The whole command in a fresh process (start-up, pack, reading the files, evaluating, "
        f"writing the report), on {usable} usable CPUs. --jobs reads the fact files in worker "
        "processes, but the main process still rebuilds every jurisdiction it receives "
        "(unpickling costs about half as much as reading the file) and then evaluates and "
        "renders alone, so the gain is bounded; it is larger for long fact files."
    )
    return table


def profile(n_c: int = 100, n_j: int = 1000) -> str:
    import lexgap

    pack, js, _, _ = _workload(n_c, n_j)
    lexgap.evaluate(pack, js, as_of=AS_OF)
    profiler = cProfile.Profile()
    profiler.enable()
    lexgap.evaluate(pack, js, as_of=AS_OF)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    return f"cProfile of a warm evaluate, {n_c} criteria x {n_j} jurisdictions:\n{out.getvalue()}"


# ---- worker mode (peers in a child process) -----------------------------------------------


def worker(name: str, n_c: int, n_j: int) -> None:
    criteria = w.specs(n_c)
    maps = list(w.jurisdictions(criteria, n_j))
    if name == "lexgap-durable":
        import lexgap

        pack = lexgap.parse_pack(w.pack_text(criteria))
        js = [lexgap.jurisdiction_from_mapping(m) for m in maps]
        lexgap.evaluate(pack, js, as_of=AS_OF, backend="durable")
        start = time.perf_counter()
        report = lexgap.evaluate(pack, js, as_of=AS_OF, backend="durable")
        seconds = time.perf_counter() - start
        verdicts = [r.verdict.value for r in report.results]
    else:
        import peers

        seconds, verdicts = peers.PEERS[name](criteria, [w.parsed(m) for m in maps])
    print(json.dumps({"seconds": seconds, "digest": digest(verdicts)}))


# ---- main ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description="lexgap benchmarks (see the module docstring)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a fast look")
    parser.add_argument(
        "--write-docs",
        nargs="?",
        const=str(DOCS_FIGURES),
        metavar="FILE",
        help=f"write the tables as RST (default {DOCS_FIGURES.relative_to(ROOT)})",
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of evaluate")
    parser.add_argument("--only", metavar="SECTIONS", help="comma-separated section names")
    parser.add_argument("--worker", nargs=3, metavar=("ENGINE", "CRITERIA", "JURISDICTIONS"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.worker:
        name, n_c, n_j = args.worker
        worker(name, int(n_c), int(n_j))
        return
    sizes = QUICK if args.quick else FULL
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    info = machine()
    for key, value in info:
        print(f"{key}: {value}")
    print(flush=True)
    chosen = set(args.only.split(",")) if args.only else None
    tables: list[Table] = []

    def emit(name: str, make: Callable[[], Table]) -> None:
        if chosen is not None and name not in chosen:
            return
        start = time.perf_counter()
        table = make()
        tables.append(table)
        print(f"{table.title}  [{name}, {time.perf_counter() - start:.0f} s]")
        print(table.rst())
        for note in table.notes:
            print(f"  {note}")
        print(flush=True)

    with tempfile.TemporaryDirectory(prefix="lexgap-bench-") as tmp_name:
        tmp = Path(tmp_name)
        folder_specs = w.specs(sizes.folder_criteria)
        pack_path = tmp / "folders.lexgap"
        pack_path.write_text(w.pack_text(folder_specs), encoding="utf-8")
        folders: dict[int, Path] = {}
        for n in sorted({*sizes.folder_jurisdictions, *sizes.memory, sizes.jobs_folder}):
            folders[n] = tmp / f"js{n}" / "facts"
            write_folder(folders[n], folder_specs, n)

        emit("import", section_import)
        emit("load_pack", lambda: section_load_pack(sizes, tmp))
        emit("load_jurisdictions", lambda: section_load_jurisdictions(sizes, folders))
        emit("scaling", lambda: section_scaling(sizes))
        emit("peers", lambda: section_peers(sizes))
        emit("memory", lambda: section_memory(sizes, folders, pack_path))
        emit("render", lambda: section_render(sizes))
        emit("jobs", lambda: section_jobs(sizes, folders[sizes.jobs_folder], pack_path))
    if args.profile:
        print(profile())
    if args.write_docs:
        write_docs(Path(args.write_docs), info, tables, quick=args.quick)
        print(f"wrote {args.write_docs}")


def write_docs(path: Path, info: list[tuple[str, str]], tables: list[Table], quick: bool) -> None:
    command = "python benchmarks/run.py" + (" --quick" if quick else "") + " --write-docs"
    lines = [
        f".. This file is written by ``{command}``; do not edit it by hand.",
        "",
        f"Measured with ``{command}``:",
        "",
    ]
    lines += [f":{key}: {value}" for key, value in info]
    for table in tables:
        # NOTE: an escaped hyphen keeps Sphinx from typesetting "--jobs" with a dash.
        title = table.title.replace("--", ESCAPED_DASHES)
        lines += ["", f".. rubric:: {title}", "", table.rst()]
        for note in table.notes:
            lines += ["", note.replace("--", ESCAPED_DASHES)]
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
