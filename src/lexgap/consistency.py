"""A checked pack to consistency findings: unused declarations, criteria that can never be
met, vacuous criteria, criteria that cannot all be met at once, duplicates, missing cites.

The checks are a named, ordered list (:data:`CHECKS`) over one shared :class:`Analysis`.

Whether a formula can be true is decided by :mod:`lexgap.search`, which says how and
when an answer is proven.

Unused facts are reported only for facts declared in the pack's root file: a shared
vocabulary file imported by the pack legitimately declares facts the pack does not use.
The same holds for definitions.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from lexgap import ast, ir
from lexgap.diagnostics import Diagnostic, Severity
from lexgap.model import Criterion, Pack
from lexgap.native import kleene_and, kleene_implies, kleene_not, kleene_or
from lexgap.search import Analysis, Fn, Outcome
from lexgap.span import Span

#: Largest set of criteria examined for a joint conflict.
MAX_CONFLICT_SET = 3
#: Candidate sets examined for conflicts, at most, per pack.
MAX_CONFLICT_CHECKS = 2_000


@attrs.frozen
class Finding(Diagnostic):
    """A lint finding: a diagnostic that also names the criteria involved and says whether
    the claim was proven (``None`` for findings that are read off the text, not searched)."""

    criteria: tuple[tuple[str, Span], ...] = ()
    proven: bool | None = None
    tries: int = 0


# ---- Kleene combinators over compiled closures --------------------------------------------


def _compliant(analysis: Analysis, c: Criterion) -> Fn:
    """True when ``c`` is met or not applicable."""
    applies, require = analysis.fns(c)
    return require if applies is None else kleene_implies(applies, require)


# ---- the checks ----------------------------------------------------------------------------


def _criterion_ref(c: Criterion) -> tuple[str, Span]:
    return (c.path, c.span)


def _severity(outcome: Outcome) -> Severity:
    """Every problem the search finds is an error, proven or not (the finding says which):
    ``lint`` exits 1 on it. Only a missing ``cites`` is a mere warning."""
    del outcome
    return Severity.ERROR


def check_unused(analysis: Analysis) -> list[Diagnostic]:
    """Facts and definitions declared in the root file that nothing uses."""
    pack, root = analysis.pack, analysis.root
    if root is None:
        return []
    used_facts: set[str] = set()
    used_defs: set[str] = set()
    exprs: list[ir.Expr] = []
    refs: list[str] = []
    for c in pack.criteria:
        exprs.append(c.require)
        if c.applies is not None:
            exprs.append(c.applies)
        if c.gap is not None:
            refs.extend(c.gap.refs)
    for d in pack.definitions.values():
        for node in ir.walk(d.expr):
            if isinstance(node, ir.FactRef):
                used_facts.add(node.path)
    for e in exprs:
        used_defs |= analysis.defs_of(e)
        for node in ir.walk(e):
            if isinstance(node, ir.FactRef):
                used_facts.add(node.path)
    for ref in refs:
        if ref in pack.definitions:
            used_defs.add(ref)
            used_defs |= analysis.defs_of(ir.DefRef(pack.definitions[ref].type, ref, text=ref))
        else:
            used_facts.add(ref)
    findings: list[Diagnostic] = []
    for decl in root.decls:
        if isinstance(decl, ast.FactDecl) and decl.path not in used_facts:
            findings.append(
                Finding(
                    "unused-fact",
                    f"fact '{decl.path}' is declared but no criterion, definition or gap "
                    "message uses it",
                    decl.span,
                    hint="remove it, or move it to a shared vocabulary file",
                    severity=Severity.ERROR,
                )
            )
        elif isinstance(decl, ast.Define) and decl.path not in used_defs:
            findings.append(
                Finding(
                    "unused-definition",
                    f"definition '{decl.path}' is never used by a criterion or gap message",
                    decl.span,
                    hint="remove it, or use it in a criterion",
                    severity=Severity.ERROR,
                )
            )
    return findings


def check_cites(analysis: Analysis) -> list[Diagnostic]:
    """Criteria that cite no source (a warning; an error with ``--strict``)."""
    return [
        Finding(
            "missing-cites",
            f"criterion '{c.path}' cites no source",
            c.span,
            hint='add cites "..." naming the article or pledge it checks',
            severity=Severity.ERROR if analysis.strict else Severity.WARNING,
            criteria=(_criterion_ref(c),),
        )
        for c in analysis.pack.criteria
        if not c.cites
    ]


#: Random assignments that sort criteria over the same facts into candidate duplicates.
FINGERPRINT_TRIES = 24
#: Pairs of criteria compared by search for a difference, at most, per pack.
MAX_DUPLICATE_CHECKS = 500


def _canonical(node: ir.Expr) -> str:
    """A key equal for expressions that differ only in the order of ``and``/``or`` operands
    (or their nesting): such expressions have the same value in every jurisdiction."""
    if isinstance(node, ir.And | ir.Or):
        kind = type(node)
        flat: list[str] = []
        stack = list(node.operands)
        while stack:
            operand = stack.pop()
            if type(operand) is kind:
                stack.extend(operand.children())
            else:
                flat.append(_canonical(operand))
        return f"{kind.__name__}(" + "\x00".join(sorted(flat)) + ")"
    children = node.children()
    if not children:
        return f"{type(node).__name__}:{node.text}"
    op = getattr(node, "op", "")
    return f"{type(node).__name__}{op}(" + "\x01".join(_canonical(c) for c in children) + ")"


def _xor(f: Fn, g: Fn) -> Fn:
    return kleene_or([kleene_and([f, kleene_not(g)]), kleene_and([kleene_not(f), g])])


def _verdict_fns(analysis: Analysis, c: Criterion) -> tuple[Fn, Fn]:
    """``applies`` (true when absent) and ``met``: together they fix the verdict."""
    applies, require = analysis.fns(c)
    if applies is None:
        return (lambda env: True), require
    return applies, kleene_and([applies, require])


def _fingerprints(analysis: Analysis, group: list[Criterion]) -> dict[str, tuple[Any, ...]]:
    """Each criterion's verdicts on the same few random assignments of the facts it reads.

    NOTE: criteria with different fingerprints differ somewhere, so only criteria with the
    same fingerprint need the (costlier) search for a difference; this keeps thousands of
    criteria over one fact cheap.
    """
    names = analysis.criterion_vars(group[0])
    variables = [analysis.vars[n] for n in sorted(names)]
    def_names = frozenset().union(*(analysis.criterion_defs(c) for c in group))
    slots = {analysis.program.def_slots[d] for d in def_names}
    defs = [(slot, fn) for slot, fn in analysis.program.def_fns if slot in slots]
    fns = {c.path: _verdict_fns(analysis, c) for c in group}
    prints: dict[str, list[Any]] = {c.path: [] for c in group}
    rng = random.Random(analysis.seed)
    env: list[Any] = [None] * analysis.program.size
    for _ in range(FINGERPRINT_TRIES):
        for var in variables:
            env[var.slot] = var.random(rng)
        for slot, fn in defs:
            env[slot] = fn(env)
        for path, (applies, met) in fns.items():
            prints[path].append((applies(env), met(env)))
    return {path: tuple(values) for path, values in prints.items()}


def check_duplicates(analysis: Analysis) -> list[Diagnostic]:
    """Two criteria with the same requirement and applicability: the same verdict in every
    jurisdiction, however they are written (operands reordered, ``implies`` spelled out,
    bounds restated), proven over representative values where the fragment allows.

    Criteria whose canonical forms agree are duplicates outright; others over the same
    facts whose verdicts agree on a few random jurisdictions are compared by search, up to
    MAX_DUPLICATE_CHECKS pairs per pack.
    """
    found: dict[str, tuple[Criterion, Outcome | None]] = {}
    groups: dict[frozenset[str], list[Criterion]] = {}
    keys: dict[tuple[str, str], Criterion] = {}
    for c in analysis.pack.criteria:
        # NOTE: criteria that can never be met or never apply already have a finding; two of
        # them over one fact are "duplicates" only in that both are always gaps.
        if c.path in analysis.excluded:
            continue
        key = (_canonical(c.applies) if c.applies is not None else "", _canonical(c.require))
        original = keys.setdefault(key, c)
        if original is not c:
            found[c.path] = (original, None)
            continue
        groups.setdefault(analysis.criterion_vars(c), []).append(c)
    checks = 0
    incomplete = False
    for group in groups.values():
        if len(group) < 2 or incomplete:
            continue
        prints = _fingerprints(analysis, group)
        buckets: dict[tuple[Any, ...], list[Criterion]] = {}
        for c in group:
            buckets.setdefault(prints[c.path], []).append(c)
        for bucket in buckets.values():
            for i, later in enumerate(bucket):
                for original in bucket[:i]:
                    if original.path in found:
                        continue
                    checks += 1
                    if checks > MAX_DUPLICATE_CHECKS:
                        incomplete = True
                        break
                    same, outcome = _same_verdicts(analysis, original, later)
                    if same:
                        found[later.path] = (original, outcome)
                        break
                if incomplete:
                    break
            if incomplete:
                break
    findings: list[Diagnostic] = []
    if incomplete:
        root_span = (
            Span.point(analysis.root.file, 1, 1)
            if analysis.root
            else analysis.pack.criteria[0].span
        )
        findings.append(
            Finding(
                "duplicate-search-incomplete",
                f"stopped comparing criteria over the same facts after "
                f"{MAX_DUPLICATE_CHECKS} pairs; only criteria written alike (up to the order "
                "of and/or operands) were checked for the rest",
                root_span,
                severity=Severity.WARNING,
                proven=False,
            )
        )
    for c in analysis.pack.criteria:
        if c.path not in found:
            continue
        original, searched = found[c.path]
        when = f" when {c.applies.text}" if c.applies is not None else ""
        label = "written alike" if searched is None else searched.label()
        findings.append(
            Finding(
                "duplicate-requirement",
                f"criterion '{c.path}' requires the same as '{original.path}' "
                f"({c.require.text}{when}): the same verdict in every jurisdiction ({label})",
                c.span,
                hint="merge them, or cite both sources on one criterion",
                severity=Severity.ERROR,
                related=((f"criterion '{original.path}'", original.span),),
                criteria=(_criterion_ref(original), _criterion_ref(c)),
                proven=True if searched is None else searched.proven,
                tries=0 if searched is None else searched.tries,
            )
        )
    return findings


def _same_verdicts(analysis: Analysis, a: Criterion, b: Criterion) -> tuple[bool, Outcome]:
    """Whether no jurisdiction tells the two apart, and the search's outcome."""
    (aa, am), (ba, bm) = _verdict_fns(analysis, a), _verdict_fns(analysis, b)
    differs = kleene_or([_xor(aa, ba), _xor(am, bm)])
    outcome = analysis.satisfiable(
        differs,
        analysis.criterion_vars(a) | analysis.criterion_vars(b),
        analysis.criterion_defs(a) | analysis.criterion_defs(b),
        analysis.criterion_inexact(a) | analysis.criterion_inexact(b),
    )
    return not outcome.found, outcome


def check_criteria(analysis: Analysis) -> list[Diagnostic]:
    """Per criterion: ``applies`` never true; ``require`` never true or never false."""
    findings: list[Diagnostic] = []
    for c in analysis.pack.criteria:
        applies, require = analysis.fns(c)
        var_names = analysis.criterion_vars(c)
        def_names = analysis.criterion_defs(c)
        inexact = analysis.criterion_inexact(c)
        ref = (_criterion_ref(c),)
        if applies is not None:
            assert c.applies is not None
            outcome = analysis.satisfiable(applies, var_names, def_names, inexact)
            if not outcome.found:
                analysis.excluded.add(c.path)
                findings.append(
                    Finding(
                        "applies-never-true",
                        f"criterion '{c.path}' never applies: '{c.applies.text}' can never be "
                        f"true ({outcome.label()})",
                        c.applies.span,
                        severity=_severity(outcome),
                        criteria=ref,
                        proven=outcome.proven,
                        tries=outcome.tries,
                    )
                )
                continue
        met = require if applies is None else kleene_and([applies, require])
        outcome = analysis.satisfiable(met, var_names, def_names, inexact)
        if not outcome.found:
            analysis.excluded.add(c.path)
            when = " when it applies" if applies is not None else ""
            findings.append(
                Finding(
                    "require-never-true",
                    f"criterion '{c.path}' can never be met: '{c.require.text}' can never be "
                    f"true{when}, so it is always a gap ({outcome.label()})",
                    c.require.span,
                    severity=_severity(outcome),
                    criteria=ref,
                    proven=outcome.proven,
                    tries=outcome.tries,
                )
            )
            continue
        gap = kleene_not(require) if applies is None else kleene_and([applies, kleene_not(require)])
        outcome = analysis.satisfiable(gap, var_names, def_names, inexact)
        if not outcome.found:
            when = " when it applies" if applies is not None else ""
            findings.append(
                Finding(
                    "require-never-false",
                    f"criterion '{c.path}' is vacuous: '{c.require.text}' can never be "
                    f"false{when}, so it never finds a gap ({outcome.label()})",
                    c.require.span,
                    severity=_severity(outcome),
                    criteria=ref,
                    proven=outcome.proven,
                    tries=outcome.tries,
                )
            )
    return findings


def _describe(c: Criterion) -> str:
    if c.applies is None:
        return f"'{c.path}' requires {c.require.text}"
    return f"'{c.path}' requires {c.require.text} when {c.applies.text}"


def _connected_sets(
    candidates: list[Criterion], neighbours: Callable[[int], list[int]], size: int
) -> Iterator[tuple[Criterion, ...]]:
    """Sets of ``size`` criteria connected by shared facts, each in pack order, smaller
    sets first, in the order of their pack positions. Grown from each criterion one
    neighbour at a time (neighbours after it only), so a pack with many criteria that share
    little costs little.

    NOTE: generated lazily, first criterion by first criterion: the caller stops after
    MAX_CONFLICT_CHECKS sets, and 5,000 criteria that all read one fact have 12.5 million
    pairs, which must not all be built first.
    """
    for first in range(len(candidates)):
        layer: set[frozenset[int]] = {frozenset([first])}
        for _ in range(size - 1):
            layer = {
                group | {m}
                for group in layer
                for k in group
                for m in neighbours(k)
                if m > first and m not in group
            }
        for group in sorted(layer, key=sorted):
            yield tuple(candidates[k] for k in sorted(group))


def check_conflicts(analysis: Analysis) -> list[Diagnostic]:
    """Smallest sets of criteria (pairs, then triples) that can never all be met or
    not applicable at once: no jurisdiction can comply with all of them."""
    pack = analysis.pack
    candidates = [c for c in pack.criteria if c.path not in analysis.excluded]
    var_sets = {c.path: analysis.criterion_vars(c) for c in candidates}
    def_sets = {c.path: analysis.criterion_defs(c) for c in candidates}
    inexact_sets = {c.path: analysis.criterion_inexact(c) for c in candidates}
    readers: dict[str, list[int]] = {}
    for k, c in enumerate(candidates):
        for name in var_sets[c.path]:
            readers.setdefault(name, []).append(k)
    near: dict[int, list[int]] = {}

    def neighbours(k: int) -> list[int]:
        """Positions of the other criteria that read a fact criterion ``k`` reads."""
        if k not in near:
            found = {m for name in var_sets[candidates[k].path] for m in readers[name]}
            near[k] = sorted(found - {k})
        return near[k]

    conflicts: list[frozenset[str]] = []
    findings: list[Diagnostic] = []
    checked = 0
    for size in range(2, MAX_CONFLICT_SET + 1):
        for combo in _connected_sets(candidates, neighbours, size):
            paths = frozenset(c.path for c in combo)
            if any(k <= paths for k in conflicts):
                continue  # NOTE: report minimal sets only.
            checked += 1
            if checked > MAX_CONFLICT_CHECKS:
                root_span = Span.point(analysis.root.file, 1, 1) if analysis.root else combo[0].span
                findings.append(
                    Finding(
                        "conflict-search-incomplete",
                        f"stopped looking for conflicting criteria after {MAX_CONFLICT_CHECKS} "
                        f"sets of up to {size} criteria; larger or later sets were not checked",
                        root_span,
                        severity=Severity.WARNING,
                        proven=False,
                    )
                )
                return findings
            var_names = frozenset().union(*(var_sets[p] for p in paths))
            def_names = frozenset().union(*(def_sets[p] for p in paths))
            inexact = frozenset().union(*(inexact_sets[p] for p in paths))
            formula = kleene_and([_compliant(analysis, c) for c in combo])
            outcome = analysis.satisfiable(formula, var_names, def_names, inexact)
            when_all_apply = False
            if outcome.found:
                applying = _conflict_when_all_apply(analysis, combo, var_names, def_names, inexact)
                if applying is None:
                    continue
                outcome, when_all_apply = applying, True
            conflicts.append(paths)
            shared = sorted(n for n in var_names if sum(n in var_sets[p] for p in paths) >= 2)
            names = ", ".join(f"'{c.path}'" for c in combo)
            reasons = "; ".join(_describe(c) for c in combo)
            over = f" over {', '.join(shared)}" if shared else ""
            when = " when they all apply" if when_all_apply else ""
            findings.append(
                Finding(
                    "criteria-conflict",
                    f"criteria {names} can never all be met at once{over}{when}: {reasons} "
                    f"({outcome.label()})",
                    combo[0].span,
                    hint="no jurisdiction can comply with all of them; check the constants "
                    "and conditions",
                    severity=_severity(outcome),
                    related=tuple((f"conflicting criterion '{c.path}'", c.span) for c in combo[1:]),
                    criteria=tuple(_criterion_ref(c) for c in combo),
                    proven=outcome.proven,
                    tries=outcome.tries,
                )
            )
    return findings


def _conflict_when_all_apply(
    analysis: Analysis,
    combo: tuple[Criterion, ...],
    var_names: frozenset[str],
    def_names: frozenset[str],
    inexact: frozenset[str],
) -> Outcome | None:
    """The outcome showing that criteria which can all apply at once are then never all
    met, although each alone can be met there; None when that is not so.

    A jurisdiction where none of them applies complies with all, so such criteria are not
    a conflict in the strict sense; but wherever they all apply one of them is a gap: their
    requirements contradict each other (``applies mandated require period <= 24h`` beside
    ``require period > 48h``). NOTE: "each alone can be met where all apply" keeps out a
    criterion whose own requirement rules out another's ``applies`` (``require not m``
    beside ``applies m``): that is a design, not a contradiction.
    """
    applies = [a for a in (analysis.fns(c)[0] for c in combo) if a is not None]
    if not applies:
        return None  # NOTE: without applies the strict check above already decided.
    all_met = kleene_and([*applies, *(analysis.fns(c)[1] for c in combo)])
    outcome = analysis.satisfiable(all_met, var_names, def_names, inexact)
    if outcome.found:
        return None
    for c in combo:
        alone = kleene_and([*applies, analysis.fns(c)[1]])
        if not analysis.satisfiable(alone, var_names, def_names, inexact).found:
            return None
    return outcome


#: The checks, in order.
#: NOTE: check_criteria must run before check_duplicates and check_conflicts: it fills
#: ``analysis.excluded`` with criteria that can never be met (any set containing one
#: conflicts trivially) or never apply (they never stand in the way of compliance).
CHECKS: list[tuple[str, Callable[[Analysis], list[Diagnostic]]]] = [
    ("unused", check_unused),
    ("cites", check_cites),
    ("criteria", check_criteria),
    ("duplicates", check_duplicates),
    ("conflicts", check_conflicts),
]


def analyse(pack: Pack, *, strict: bool = False) -> list[Diagnostic]:
    """Every consistency finding for a loaded pack, sorted by position."""
    analysis = Analysis(pack, strict=strict)
    findings: list[Diagnostic] = []
    for _name, check in CHECKS:
        findings.extend(check(analysis))
    return sorted(findings, key=lambda f: (*f.span.sort_key(), f.code))


__all__ = ["CHECKS", "Analysis", "Finding", "Outcome", "analyse"]
