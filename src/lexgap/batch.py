"""Fact-file and folder paths to jurisdictions, read in order by one process or a pool.

``lexgap check --jobs N`` reads large folders with N processes: the files are listed in
the serial order (arguments in order, each folder's files by name), split into chunks,
read by a process pool, and the chunks' outcomes are put back in that order before
anything is decided from them. So jurisdictions, duplicate checks and error messages are
exactly those of a serial run, and so is every report made from them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence

from lexgap.diagnostics import Diagnostic, FactsError
from lexgap.facts import Jurisdiction, fact_files_in, load_jurisdiction
from lexgap.span import Span

#: What reading one file gave: the jurisdiction, or the problems and their source texts.
Outcome = Jurisdiction | tuple[tuple[Diagnostic, ...], dict[str, str]]

#: Files per task sent to a worker: large enough that pickling and scheduling are small
#: next to reading YAML, small enough that N workers finish close together.
CHUNK = 64


def read_file(path: str | os.PathLike[str]) -> Outcome:
    """Read one fact file; its problems are returned, not raised (they travel by pickle)."""
    try:
        return load_jurisdiction(path)
    except FactsError as err:
        return (tuple(err.diagnostics), dict(err.sources))


def read_chunk(paths: Sequence[str]) -> list[Outcome]:
    """A worker's task: read these files in order."""
    return [read_file(p) for p in paths]


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


#: Told (files read so far, files in all) as reading goes on; see :func:`read_paths`.
Progress = Callable[[int, int], None]


def read_paths(
    paths: Sequence[str], jobs: int = 1, progress: Progress | None = None
) -> list[Jurisdiction]:
    """Jurisdictions of fact files and folders ``paths``, sorted by code.

    Raises FactsError with every problem: files that cannot be read or do not fit the
    fact-file format, paths that do not exist, and a jurisdiction given twice. A folder
    with a bad file contributes problems only, as :func:`lexgap.load_jurisdictions` does.
    ``jobs`` greater than 1 reads the files with that many processes; the result, and the
    error, are the same as with 1. ``progress``, if given, is called after each file (each
    chunk with a pool) with the number read so far and the total.
    """
    # NOTE: one entry per argument, in order: the files it names, or the problem it is.
    groups: list[list[str] | FactsError] = []
    for p in paths:
        if os.path.isdir(p):
            try:
                groups.append([os.fspath(f) for f in fact_files_in(p)])
            except FactsError as err:
                groups.append(err)
        elif os.path.exists(p):
            groups.append([p])
        else:
            usage = Diagnostic("usage", f"no such file or folder: '{p}'", Span.point(p, 0, 0))
            groups.append(FactsError([usage]))
    files = [f for g in groups if isinstance(g, list) for f in g]
    outcomes = iter(_read_all(files, jobs, progress))

    out: list[Jurisdiction] = []
    problems: list[Diagnostic] = []
    sources: dict[str, str] = {}
    seen: dict[str, str] = {}  # code -> the file it came from first
    for group in groups:
        if isinstance(group, FactsError):
            problems.extend(group.diagnostics)
            sources.update(group.sources)
            continue
        loaded: list[Jurisdiction] = []
        failed = False
        for _ in group:
            outcome = next(outcomes)
            if isinstance(outcome, Jurisdiction):
                loaded.append(outcome)
            else:
                failed = True
                problems.extend(outcome[0])
                sources.update(outcome[1])
        if failed:
            continue
        for j in loaded:
            first = seen.get(j.code)
            if first is not None:
                where = "the same file named twice" if first == j.file else f"first in {first}"
                problems.append(
                    Diagnostic(
                        "duplicate-jurisdiction",
                        f"jurisdiction {j.code} is given twice ({where})",
                        Span.point(j.file, 1, 1),
                        hint="name each fact file once; one jurisdiction per code",
                    )
                )
                continue
            seen[j.code] = j.file
            out.append(j)
    if problems:
        raise FactsError(problems, sources)
    # NOTE: by code, so reports are byte-identical whatever order the files are given in.
    return sorted(out, key=lambda j: j.code)


def _read_all(files: list[str], jobs: int, progress: Progress | None = None) -> Iterable[Outcome]:
    """Every file's outcome, in the order of ``files``."""
    total = len(files)
    out: list[Outcome] = []
    if jobs <= 1 or total < 2:
        for f in files:
            out.append(read_file(f))
            if progress is not None:
                progress(len(out), total)
        return out
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, min(CHUNK, -(-total // jobs)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # NOTE: map yields each chunk's outcomes in submission order, whichever ends first.
        for chunk in pool.map(read_chunk, _chunks(files, size)):
            out.extend(chunk)
            if progress is not None:
                progress(len(out), total)
    return out


def default_jobs() -> int:
    """The number of processes ``--jobs 0`` means: the CPUs this process may use."""
    sched: Callable[[int], set[int]] | None = getattr(os, "sched_getaffinity", None)
    if sched is not None:
        return max(1, len(sched(0)))
    return max(1, os.cpu_count() or 1)


__all__ = ["CHUNK", "Progress", "default_jobs", "read_chunk", "read_file", "read_paths"]

