"""Why a result is what it is: ``missing``, ``because``, gap messages, "to close" hints.

Explanations are computed on demand from the same compiled closures that decided the
verdict (``Program.value``), so there is one semantics: an explanation cannot disagree
with its verdict. The rules are the contract's section 5.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from lexgap import ir
from lexgap.model import Criterion, Pack
from lexgap.native import Program
from lexgap.types import BoolType, Type, Value, show

#: The longest alternative "to close" spells out before it falls back to source text.
MAX_STEP_CHARS = 1_000

#: How a value is shown: (path, value, type, quote) -> text.
Shower = Callable[[str, Value, Type, bool], str]


class Explainer:
    """Explanations for one environment (one jurisdiction at one date)."""

    def __init__(self, program: Program, env: list[Any], shower: Shower) -> None:
        self.program = program
        self.pack: Pack = program.pack
        self.env = env
        self.shower = shower

    def value(self, node: ir.Expr) -> Value:
        return self.program.value(node, self.env)

    def _body(self, node: ir.DefRef) -> ir.Expr:
        return self.pack.definitions[node.path].expr

    # -- missing --

    def missing(self, criterion: Criterion, verdict: str) -> list[str]:
        """Unknown facts the verdict depends on (empty unless the verdict is unknown)."""
        if verdict != "unknown":
            return []
        decisive = criterion.require
        if criterion.applies is not None and self.value(criterion.applies) is None:
            decisive = criterion.applies
        found: set[str] = set()
        self._collect(decisive, found, set())
        return sorted(found)

    def _collect(self, node: ir.Expr, found: set[str], seen_defs: set[str]) -> None:
        if self.value(node) is not None:
            return
        if isinstance(node, ir.FactRef):
            found.add(node.path)
            return
        if isinstance(node, ir.DefRef):
            if node.path not in seen_defs:
                seen_defs.add(node.path)
                self._collect(self._body(node), found, seen_defs)
            return
        unknown_children = [c for c in node.children() if self.value(c) is None]
        if unknown_children:
            for child in unknown_children:
                self._collect(child, found, seen_defs)
            return
        # NOTE: unknown with every operand known (division by zero): it depends on them all.
        for child in ir.walk(node):
            if isinstance(child, ir.FactRef):
                found.add(child.path)

    # -- because --

    def because(self, criterion: Criterion, verdict: str) -> list[str]:
        """The atomic conditions that made ``require`` false (empty unless a gap)."""
        if verdict != "gap":
            return []
        atoms: list[ir.Expr] = []
        self._explain(criterion.require, False, atoms, set())
        out: list[str] = []
        for atom in atoms:
            line = self.describe_atom(atom)
            if line not in out:
                out.append(line)
        return out

    def _explain(
        self, node: ir.Expr, want: bool, atoms: list[ir.Expr], done: set[tuple[str, bool]]
    ) -> None:
        """Collect the atoms that give ``node`` the (known) value ``want``."""
        if isinstance(node, ir.DefRef) and isinstance(node.type, BoolType):
            # NOTE: a definition explained once for a value gives the same atoms again, and
            # repeats are dropped: skipping them keeps shared definitions from going
            # exponential (d2 = d1 or d1, d3 = d2 or d2, ...).
            if (node.path, want) in done:
                return
            done.add((node.path, want))
            self._explain(self._body(node), want, atoms, done)
            return
        if isinstance(node, ir.Not):
            self._explain(node.operand, not want, atoms, done)
            return
        if isinstance(node, ir.And | ir.Or):
            # false and: its false operands; true or: its true operands; else all operands.
            pick_all = (isinstance(node, ir.And) and want) or (isinstance(node, ir.Or) and not want)
            for operand in node.operands:
                if pick_all or self.value(operand) is want:
                    self._explain(operand, want, atoms, done)
            return
        if isinstance(node, ir.Implies):
            # a implies b == (not a) or b
            if not want:
                self._explain(node.left, True, atoms, done)
                self._explain(node.right, False, atoms, done)
            else:
                if self.value(node.left) is False:
                    self._explain(node.left, False, atoms, done)
                if self.value(node.right) is True:
                    self._explain(node.right, True, atoms, done)
            return
        atoms.append(node)

    def names_in(self, node: ir.Expr) -> list[ir.Expr]:
        """Facts, definitions and ``as_of`` an atom mentions, first occurrence, in order."""
        out: list[ir.Expr] = []
        keys: set[str] = set()
        for n in ir.walk(node):
            if isinstance(n, ir.FactRef | ir.DefRef | ir.AsOf):
                key = n.path if isinstance(n, ir.FactRef | ir.DefRef) else "as_of"
                if key not in keys:
                    keys.add(key)
                    out.append(n)
        return out

    def describe_atom(self, atom: ir.Expr) -> str:
        parts = [f"{self.name_of(n)} = {self.show(n)}" for n in self.names_in(atom)]
        return f"{atom.text} ({', '.join(parts)})" if parts else atom.text

    @staticmethod
    def name_of(node: ir.Expr) -> str:
        return node.path if isinstance(node, ir.FactRef | ir.DefRef) else "as_of"

    def show(self, node: ir.Expr, *, quote: bool = True) -> str:
        value = self.value(node)
        if isinstance(node, ir.FactRef):
            return self.shower(node.path, value, node.type, quote)
        return show(value, node.type, quote=quote)

    # -- messages --

    def message(self, criterion: Criterion, verdict: str) -> str | None:
        """The gap template with its placeholders filled (only for gaps)."""
        if verdict != "gap" or criterion.gap is None:
            return None
        out: list[str] = []
        for kind, text in criterion.gap.parts:
            if kind == "text":
                out.append(text)
            elif text in self.pack.facts:
                fact = self.pack.facts[text]
                value = self.env[self.program.fact_slots[text]]
                out.append(self.shower(text, value, fact.type, False))
            else:
                definition = self.pack.definitions[text]
                value = self.env[self.program.def_slots[text]]
                out.append(show(value, definition.type, quote=False))
        return "".join(out)

    # -- what would close a gap --

    def to_close(self, criterion: Criterion, verdict: str) -> list[str]:
        """Plain-language steps that would turn the gap into met, where derivable."""
        if verdict != "gap":
            return []
        return self._steps(criterion.require, True, {})

    def _steps(
        self, node: ir.Expr, make_true: bool, done: dict[tuple[str, bool], list[str]]
    ) -> list[str]:
        """Steps that would make ``node`` true (``make_true``) or false: one walk for both
        polarities, so ``not`` is just the other polarity of its operand."""
        if isinstance(node, ir.DefRef) and isinstance(node.type, BoolType):
            # NOTE: memoised, and steps and options are de-duplicated and bounded, so that
            # definitions used many times cannot make the advice exponentially long.
            key = (node.path, make_true)
            if key not in done:
                done[key] = []  # NOTE: placeholder; checked packs have no cycles
                done[key] = self._steps(self._body(node), make_true, done)
            return done[key]
        if isinstance(node, ir.Not):
            return self._steps(node.operand, not make_true, done)
        if isinstance(node, ir.And | ir.Or):
            # NOTE: a false `and` (or a true `or`) changes when every operand holding it
            # there changes; the other way round, any one operand is enough.
            if isinstance(node, ir.And) == make_true:
                return self._all_of(node.operands, make_true, done)
            return self._any_of([(o, make_true) for o in node.operands], done)
        if isinstance(node, ir.Implies) and make_true:
            # NOTE: false means left true and right false; either change closes it.
            return self._any_of([(node.left, False), (node.right, True)], done)
        if isinstance(node, ir.FactRef):
            return [f"{node.path} must become {'true' if make_true else 'false'}"]
        if isinstance(node, ir.Known) and make_true:
            return [f"{node.target.path} must be stated (it is unknown)"]
        if isinstance(node, ir.Binary) and isinstance(node.left, ir.FactRef | ir.DefRef):
            bound = _BOUND.get(node.op if make_true else _NEGATED.get(node.op, ""))
            if bound is not None:
                return [
                    f"{node.left.path} must {bound} {node.right.text} (is {self.show(node.left)})"
                ]
        return [f"`{node.text}` must {'hold' if make_true else 'not hold'}"]

    def _all_of(
        self,
        operands: Sequence[ir.Expr],
        make_true: bool,
        done: dict[tuple[str, bool], list[str]],
    ) -> list[str]:
        """Every step of the operands that do not yet have the wanted value, once each."""
        steps: list[str] = []
        for operand in operands:
            if self.value(operand) is (not make_true):
                steps.extend(s for s in self._steps(operand, make_true, done) if s not in steps)
        return steps

    def _any_of(
        self, choices: list[tuple[ir.Expr, bool]], done: dict[tuple[str, bool], list[str]]
    ) -> list[str]:
        """One step offering alternatives: each makes ``expr`` true (True) or false (False)."""
        options: list[str] = []
        for operand, make_true in choices:
            fallback = operand.text if make_true else f"not {operand.text}"
            option = " and ".join(self._steps(operand, make_true, done)) or fallback
            if len(option) > MAX_STEP_CHARS:
                option = fallback  # NOTE: no longer than the pack's own source
            if option not in options:
                options.append(option)
        if len(options) == 1:
            return [options[0]]
        return ["any one of: " + "; or ".join(options)]


_BOUND = {
    "<=": "be at most",
    "<": "be less than",
    ">=": "be at least",
    ">": "be more than",
    "==": "be",
    "!=": "not be",
    "in": "be one of",
    "notin": "not be one of",
    "contains": "include",
}

#: The comparison that holds exactly when ``op`` does not (for what closes a ``not``).
_NEGATED = {
    "<=": ">",
    "<": ">=",
    ">=": "<",
    ">": "<=",
    "==": "!=",
    "!=": "==",
    "in": "notin",
    "notin": "in",
}
