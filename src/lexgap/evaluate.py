"""A checked pack and jurisdictions to a :class:`~lexgap.results.Report`.

The pack is compiled once per backend and cached on the pack; each jurisdiction's facts
in force at ``as_of`` are typed against the pack's declarations and bound into an
environment that all of that jurisdiction's results share.
"""

from __future__ import annotations

import datetime
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from lexgap.diagnostics import Diagnostic, FactsError, UsageError
from lexgap.facts import (
    NOT_FAST,
    FactValue,
    Jurisdiction,
    Raw,
    fact_files_in,
    fast_converter,
    is_folder,
    load_jurisdiction,
    load_jurisdictions,
)
from lexgap.model import Pack
from lexgap.native import Program
from lexgap.results import Context, Report, Result, Verdict
from lexgap.types import Value

BACKENDS = ("native", "durable")

#: The native program's verdicts as Verdict members (see Program.verdicts).
_VERDICT_LABELS = (Verdict.MET, Verdict.GAP, Verdict.UNKNOWN, Verdict.NOT_APPLICABLE)

JurisdictionLike = Jurisdiction | str | os.PathLike[str]


def program_for(pack: Pack) -> Program:
    """The pack's compiled native program (compiled on first use)."""
    program = pack.cache.get("native")
    if not isinstance(program, Program):
        program = Program(pack)
        pack.cache["native"] = program
    return program


_Memo = dict[tuple[str, str, bool], Value]
_Plan = list[tuple[str, int, Callable[[Raw], Value] | None, _Memo]]

#: Most fact values are a few short texts (true, false, small numbers, 24h, enum members),
#: so each converter remembers what it made of a text: the first evaluation of a new
#: jurisdiction then costs a dictionary lookup per fact, not a parse. Bounded per fact type.
_MEMO_SIZE = 4096
_MEMO_TEXT = 64
_MISS = object()


def _plan(program: Program) -> _Plan:
    """Each fact's path, slot, fast converter and its memo (made once per program)."""
    cached = program.pack.cache.get("native-plan")
    if isinstance(cached, tuple) and cached[0] is program:
        plan: _Plan = cached[1]
        return plan
    facts = program.pack.facts
    memos: dict[Any, _Memo] = {}
    plan = []
    for path, slot in program.fact_slots.items():
        type_ = facts[path].type
        # NOTE: one memo per distinct type (types are frozen attrs, equal when equal).
        memo = memos.setdefault(type_, {})
        plan.append((path, slot, fast_converter(type_), memo))
    program.pack.cache["native-plan"] = (program, plan)
    return plan


def _prepare(program: Program, jurisdiction: Jurisdiction) -> Any:
    """Type a jurisdiction's facts for a program once; split timeless from timed facts.

    NOTE: cached on the jurisdiction and keyed by the program object, so evaluating the
    same files at many dates, or many times, types each value once (the hot path).
    """
    cached = jurisdiction.cache.get(program)
    if cached is not None:
        return cached
    base: list[Any] = [None] * program.size
    static_entries: dict[str, FactValue] = {}
    timed: list[tuple[int, str, tuple[FactValue, ...], tuple[Any, ...]]] = []
    problems: list[Diagnostic] = []
    pack_facts = program.pack.facts
    facts = jurisdiction.facts
    for path, slot, fast, memo in _plan(program):
        entries = facts.get(path)
        if not entries:
            continue
        if fast is not None and len(entries) == 1:
            entry = entries[0]
            if entry.since is None and entry.until is None:
                raw = entry.raw
                # NOTE: a fast converter's result depends on kind, text and plain only.
                key = (raw.kind, raw.text, raw.plain)
                value = memo.get(key, _MISS)
                if value is _MISS:
                    value = fast(raw)
                    if len(memo) < _MEMO_SIZE and len(raw.text) <= _MEMO_TEXT:
                        memo[key] = value
                if value is not NOT_FAST:
                    base[slot] = value
                    static_entries[path] = entry
                    continue
        try:
            values = jurisdiction.typed_values(path, pack_facts[path].type)
        except FactsError as err:
            problems.extend(err.diagnostics)
            continue
        if len(entries) == 1 and entries[0].since is None and entries[0].until is None:
            base[slot] = values[0]
            static_entries[path] = entries[0]
        else:
            timed.append((slot, path, entries, values))
    if problems:
        raise FactsError(problems)
    cached = (program, base, static_entries, timed)
    jurisdiction.cache[program] = cached
    return cached


def bind(program: Program, jurisdiction: Jurisdiction, as_of: datetime.date) -> Context:
    """Type the jurisdiction's facts in force at ``as_of`` into an environment."""
    _, base, entries, timed = _prepare(program, jurisdiction)
    env = base.copy()
    if timed:
        entries = dict(entries)
        for slot, path, fact_entries, values in timed:
            for entry, value in zip(fact_entries, values, strict=True):
                if entry.in_force(as_of):
                    env[slot] = value
                    entries[path] = entry
                    break
    env[program.as_of_slot] = as_of
    if program.def_fns:
        program.fill_definitions(env)
    return Context(program, jurisdiction, as_of, env, entries)


def bind_values(
    program: Program, values: dict[str, Value], as_of: datetime.date, code: str = "TEST"
) -> Context:
    """An environment from already-typed values (pack tests, property tests)."""
    env: list[Any] = [None] * program.size
    for path, value in values.items():
        env[program.fact_slots[path]] = value
    env[program.as_of_slot] = as_of
    program.fill_definitions(env)
    jurisdiction = Jurisdiction(code, code, {}, file="<test>")
    return Context(program, jurisdiction, as_of, env, {})


def _resolve(items: Iterable[JurisdictionLike]) -> list[Jurisdiction]:
    out: list[Jurisdiction] = []
    if isinstance(items, Jurisdiction | str | os.PathLike):
        items = [items]
    for item in items:
        if isinstance(item, Jurisdiction):
            out.append(item)
        elif is_folder(item):
            out.extend(load_jurisdictions(item))
        else:
            out.append(load_jurisdiction(item))
    return out


def _results(context: Context, verdicts: list[Verdict]) -> Iterator[Result]:
    """One Result per verdict, in order (``map`` over the class: the hot path)."""
    return map(Result, itertools.repeat(context), range(len(verdicts)), verdicts)


def iter_jurisdictions(
    items: Iterable[JurisdictionLike] | JurisdictionLike,
) -> Iterator[Jurisdiction]:
    """Jurisdictions one at a time, each file read only when the previous one is done.

    A folder is listed once (its file names) and its files are read one by one, so a
    folder of 10,000 files never holds more than one of them in memory; a file that
    cannot be read raises when it is reached.
    """
    if isinstance(items, Jurisdiction | str | os.PathLike):
        items = [items]
    for item in items:
        if isinstance(item, Jurisdiction):
            yield item
        elif is_folder(item):
            for path in fact_files_in(item):
                yield load_jurisdiction(path)
        else:
            yield load_jurisdiction(item)


def evaluate_iter(
    pack: Pack,
    jurisdictions: Iterable[JurisdictionLike] | JurisdictionLike,
    as_of: datetime.date | None = None,
    backend: str = "native",
) -> Iterator[Result]:
    """Stream results jurisdiction by jurisdiction, in flat memory for large batches.

    Fact files (given one by one, as any iterable of paths, or as folders) are read
    lazily, one at a time, and nothing is kept once its results are yielded: memory
    stays that of one jurisdiction however many there are, as long as the caller does
    not keep the results. Unlike :func:`evaluate`, a bad file raises
    :class:`~lexgap.FactsError` when it is reached, after the results before it.
    """
    date = _as_of(as_of)
    decide = _backend(pack, backend)
    program = program_for(pack)
    for jurisdiction in iter_jurisdictions(jurisdictions):
        context = bind(program, jurisdiction, date)
        yield from _results(context, decide(context))


def evaluate(
    pack: Pack,
    jurisdictions: Iterable[JurisdictionLike] | JurisdictionLike,
    as_of: datetime.date | None = None,
    backend: str = "native",
) -> Report:
    """Evaluate every criterion of ``pack`` for every jurisdiction, at ``as_of`` (today).

    ``jurisdictions`` are :class:`Jurisdiction` values or paths of fact files or folders.
    Raises FactsError when a fact's value does not fit the type the pack declares.
    """
    date = _as_of(as_of)
    resolved = _resolve(jurisdictions)  # type: ignore[arg-type]
    decide = _backend(pack, backend)
    program = program_for(pack)
    results: list[Result] = []
    problems: list[Diagnostic] = []
    for jurisdiction in resolved:
        try:
            context = bind(program, jurisdiction, date)
        except FactsError as err:
            problems.extend(err.diagnostics)
            continue
        results.extend(_results(context, decide(context)))
    if problems:
        raise FactsError(problems)
    return Report(pack, tuple(resolved), date, tuple(results), backend)


def _as_of(as_of: datetime.date | None) -> datetime.date:
    if as_of is None:
        return datetime.date.today()
    if isinstance(as_of, datetime.datetime):
        return as_of.date()
    if not isinstance(as_of, datetime.date):
        msg = f"as_of must be a date, not {type(as_of).__name__}"
        raise UsageError(msg)
    return as_of


def _backend(pack: Pack, backend: str) -> Any:
    """A function from a bound context to the list of verdicts."""
    if backend == "native":
        program = program_for(pack)
        return lambda ctx: program.verdicts(ctx.env, _VERDICT_LABELS)
    if backend == "durable":
        from lexgap.backends.durable import durable_decider

        return durable_decider(pack)
    msg = f"unknown backend '{backend}': choose one of {', '.join(BACKENDS)}"
    raise UsageError(msg)


__all__ = [
    "Verdict",
    "bind",
    "bind_values",
    "evaluate",
    "evaluate_iter",
    "iter_jurisdictions",
    "program_for",
]
