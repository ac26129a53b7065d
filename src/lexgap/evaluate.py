"""A checked pack and jurisdictions to a :class:`~lexgap.results.Report`.

The pack is compiled once per backend and cached on the pack; each jurisdiction's facts
in force at ``as_of`` are typed against the pack's declarations and bound into an
environment that all of that jurisdiction's results share.
"""

from __future__ import annotations

import datetime
import itertools
import os
import sys
from collections import ChainMap
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from lexgap.diagnostics import Diagnostic, FactsError, UsageError
from lexgap.facts import (
    MEMO_TEXT,
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


_Memo = dict[str | None, Value]
#: Facts of one type: its fast converter, the memo of what that converter made of a text,
#: and the paths and slots of the pack's facts of that type (neighbouring slots, see
#: Program).
_Group = tuple[Callable[[Raw], Value] | None, _Memo, tuple[str, ...], tuple[int, ...]]

#: Most fact values are a few short texts (true, false, small numbers, 24h, enum members),
#: so each type's converter remembers what it made of a text: binding a new jurisdiction
#: is then one C-level map per type over dictionary lookups, not a parse per fact. The memo
#: holds only values that fit; a text not in it (new, or one that needs the full
#: conversion) sends that type's facts through the per-fact path. Bounded per type.
_MEMO_SIZE = 4096


def _plan(program: Program) -> list[_Group]:
    """The pack's facts grouped by type, in slot order, with converters and memos (made
    once per program)."""
    cached = program.pack.cache.get("native-plan")
    if isinstance(cached, tuple) and cached[0] is program:
        plan: list[_Group] = cached[1]
        return plan
    facts = program.pack.facts
    by_type: dict[Any, tuple[list[str], list[int]]] = {}
    for path, slot in sorted(program.fact_slots.items(), key=lambda item: item[1]):
        paths, slots = by_type.setdefault(facts[path].type, ([], []))
        paths.append(path)
        slots.append(slot)
    groups: list[_Group] = []
    for type_, (paths, slots) in by_type.items():
        # NOTE: a path with no timeless value has no key: looked up as None, unknown here
        # (values over time are bound after, from the jurisdiction's timed facts).
        memo: _Memo = {None: None}
        # NOTE: interned, as the jurisdiction's keys are: lookups meet identical strings.
        interned = tuple(sys.intern(path) for path in paths)
        groups.append((fast_converter(type_), memo, interned, tuple(slots)))
    if [slot for group in groups for slot in group[3]] != list(range(len(facts))):
        msg = "the program's fact slots are not one block per type"
        raise AssertionError(msg)
    program.pack.cache["native-plan"] = (program, groups)
    return groups


def _group_values(
    group: _Group, jurisdiction: Jurisdiction, slow: list[tuple[str, int]]
) -> list[Value]:
    """One type's values for a jurisdiction: the memo for texts seen before, the fast
    converter for new ones; values that need the full conversion go to ``slow``."""
    fast, memo, paths, slots = group
    keys = jurisdiction.static_keys
    if fast is None:
        slow.extend((path, slot) for path, slot in zip(paths, slots, strict=True) if path in keys)
        return [None] * len(paths)
    try:
        return list(map(memo.__getitem__, map(keys.get, paths)))
    except KeyError:
        pass
    static = jurisdiction.static
    out: list[Value] = []
    for path, slot in zip(paths, slots, strict=True):
        key = keys.get(path)
        value = memo.get(key, NOT_FAST)
        if value is NOT_FAST:
            raw = static[path].raw
            value = fast(raw)
            if value is NOT_FAST:
                slow.append((path, slot))
                value = None
            elif len(memo) < _MEMO_SIZE and len(raw.text) <= MEMO_TEXT:
                memo[key] = value
        out.append(value)
    return out


def _prepare(program: Program, jurisdiction: Jurisdiction) -> Any:
    """Type a jurisdiction's facts for a program once; split timeless from timed facts.

    NOTE: cached on the jurisdiction and keyed by the program object, so evaluating the
    same files at many dates, or many times, types each value once. Values over time,
    lists, dates and values that do not fit take the full conversion, so errors keep
    their messages.
    """
    cached = jurisdiction.cache.get(program)
    if cached is not None:
        return cached
    groups = _plan(program)
    slow: list[tuple[str, int]] = []
    parts = [_group_values(group, jurisdiction, slow) for group in groups]
    # NOTE: each type's facts are one block of slots from 0 on (Program numbers them so):
    # the environment is the blocks one after another, then definitions and as_of.
    base: list[Any] = list(itertools.chain.from_iterable(parts))
    base.extend([None] * (program.size - len(base)))
    fact_slots = program.fact_slots
    for path in jurisdiction.timed:
        timed_slot = fact_slots.get(path)
        if timed_slot is not None:
            slow.append((path, timed_slot))
    timed: list[tuple[int, str, tuple[FactValue, ...], tuple[Any, ...]]] = []
    problems: list[Diagnostic] = []
    pack_facts = program.pack.facts
    static = jurisdiction.static
    for path, slot in slow:
        try:
            typed = jurisdiction.typed_values(path, pack_facts[path].type)
        except FactsError as err:
            problems.extend(err.diagnostics)
            continue
        if path in static:
            base[slot] = typed[0]
        else:
            timed.append((slot, path, jurisdiction.facts[path], typed))
    if problems:
        # NOTE: in file order, as a full conversion of the file would report them.
        problems.sort(key=lambda d: (d.span.line, d.span.column))
        raise FactsError(problems)
    cached = (program, base, timed)
    jurisdiction.cache[program] = cached
    return cached


def bind(program: Program, jurisdiction: Jurisdiction, as_of: datetime.date) -> Context:
    """Type the jurisdiction's facts in force at ``as_of`` into an environment."""
    _, base, timed = _prepare(program, jurisdiction)
    env = base.copy()
    entries: Mapping[str, FactValue] = jurisdiction.static
    if timed:
        in_force: dict[str, FactValue] = {}
        for slot, path, fact_entries, values in timed:
            for entry, value in zip(fact_entries, values, strict=True):
                if entry.in_force(as_of):
                    env[slot] = value
                    in_force[path] = entry
                    break
        # NOTE: a timed fact is never in ``static``, so the two never disagree.
        entries = ChainMap(in_force, jurisdiction.static)
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
