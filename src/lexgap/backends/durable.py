"""The durable-rules backend: a pack compiled into a Rete network that decides verdicts.

Why a second engine at all: it is an independent implementation of the contract's
three-valued logic, so running both and comparing catches bugs in either, and it gives
users who want forward-chaining inference the pack as a real rule base.

How a pack becomes rules. Every boolean node of every criterion gets a number; its truth
is a fact ``{"t": "b", "n": number, "b": "T" | "F" | "U"}`` that only rule firings
assert. Leaves are *value terms*: facts in force at ``as_of``, constants, definitions of
non-boolean type and arithmetic over them; their values (computed by lexgap's shared
typing code, the same values the explanations show) are asserted as
``{"t": "v", "n": number, "v": value}`` with ``v`` absent when the value is unknown, a
list's items as ``{"t": "i", "n": number, "x": item}`` and an ``unknown`` item of a list
literal as ``{"t": "u", "n": number}``. Then:

* comparisons, ``in``/``contains`` and ``known`` are rules whose conditions test those
  facts (``$lt``, ``$eq``, ``$ex``/``$nex``, joins between two terms, ``none`` for a
  missing list item), so the engine itself tells true, false and unknown apart;
* ``not``, ``and``, ``or`` and ``implies`` are rules over the truth facts of their
  operands (``and``/``or`` fold pairwise, which Kleene logic allows); each rule set of a
  node partitions the nine (or three) combinations, so exactly one fires;
* the verdict of a criterion is a rule over its ``applies`` and ``require`` truths.

The only Python in the loop is the action of each rule, which asserts one fact (or records
a verdict). durable-rules keeps rulesets in process-global C state: every compiled pack
gets a unique ruleset name, every evaluation its own session id whose state is deleted
afterwards, and the ruleset is deleted when the compiled pack is garbage collected.
Evaluations of one compiled pack are serialised by a lock, so the backend may be used from
several threads (they just do not run in parallel).
"""

from __future__ import annotations

import datetime
import itertools
import json
import threading
import weakref
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lexgap import ir
from lexgap.diagnostics import BackendUnavailable, EvaluationError
from lexgap.model import Pack
from lexgap.native import Program
from lexgap.results import Context, Verdict, verdict_of
from lexgap.types import BoolType, ListType

INSTALL_HINT = "pip install 'lexgap[durable]'"

#: Rule names are unique per process; the process id keeps forked workers apart too.
_names = itertools.count(1)

Pattern = dict[str, Any]
Action = Callable[[Any], None]

#: Ordering operator of the contract -> durable-rules operator; and with sides swapped.
_OPS = {"==": "$eq", "!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
_SWAP = {"$eq": "$eq", "$neq": "$neq", "$lt": "$gt", "$lte": "$gte", "$gt": "$lt", "$gte": "$lte"}
_NEGATE = {"$eq": "$neq", "$neq": "$eq", "$lt": "$gte", "$lte": "$gt", "$gt": "$lte", "$gte": "$lt"}


def _engine() -> Any:
    """durable-rules' engine module, or a clear message on how to get it."""
    try:
        from durable import engine  # type: ignore[import-untyped,unused-ignore]
    except ImportError as err:
        msg = f"the durable backend needs durable-rules, which is not installed: {INSTALL_HINT}"
        raise BackendUnavailable(msg) from err
    return engine


def _test(op: str, field: str, value: Any) -> Pattern:
    """A condition ``field op value`` in durable-rules' JSON rule language."""
    if op == "$eq":
        return {field: value}
    return {op: {field: value}}


def _fact(kind: str, number: int, *conditions: Pattern) -> Pattern:
    return {"$and": [{"t": kind}, {"n": number}, *conditions]}


_KNOWN: Pattern = {"$ex": {"v": 1}}
_UNKNOWN: Pattern = {"$nex": {"v": 1}}


class _NoHost:
    """durable-rules' Ruleset wants a host only for cross-ruleset posts, which we never make."""

    def get_action(self, name: str) -> Any:  # pragma: no cover - only for named actions
        msg = f"no action {name}"
        raise LookupError(msg)


def encode(value: Any) -> Any:
    """A lexgap value as the JSON value durable-rules compares (None stays None).

    Numbers, durations (seconds) and dates (day numbers) become strings whose
    lexicographic order is their numeric order (see :func:`number_key`): durable-rules
    compares JSON numbers as doubles, which would round what the user wrote, but it
    compares strings exactly. Lists become one canonical string, for ``==``.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | Decimal):
        return number_key(value)
    if isinstance(value, datetime.date):
        return number_key(value.toordinal())
    if isinstance(value, tuple | list):
        return json.dumps([encode(item) for item in value])
    msg = f"the durable backend cannot represent the value {value!r}"  # pragma: no cover
    raise EvaluationError(msg)  # pragma: no cover


_EXPONENT_OFFSET = 10**9
_EXPONENT_WIDTH = 10


def number_key(number: int | Decimal) -> str:
    """An exact, order-preserving string for a number: ``a < b`` iff ``key(a) < key(b)``.

    Zero is ``"1"``; a positive number is ``"2"``, its decimal exponent (offset, fixed
    width) and its significant digits; a negative one is ``"0"`` and the nines' complement
    of both, closed by ``"~"`` (which sorts after every digit) so that a longer magnitude
    sorts first. Equal numbers written differently (``1``, ``1.0``) get one key.
    """
    d = Decimal(number)
    if not d.is_finite():  # pragma: no cover - the fact loader refuses these
        msg = f"the durable backend cannot represent the number {number}"
        raise EvaluationError(msg)
    if d == 0:
        return "1"
    d = d.normalize()
    _sign, digits, _exp = d.as_tuple()
    exponent = d.adjusted() + _EXPONENT_OFFSET
    mantissa = "".join(map(str, digits))
    if d > 0:
        return f"2{exponent:0{_EXPONENT_WIDTH}d}{mantissa}"
    flipped = 10**_EXPONENT_WIDTH - 1 - exponent
    complement = mantissa.translate(_NINES)
    return f"0{flipped:0{_EXPONENT_WIDTH}d}{complement}~"


_NINES = str.maketrans("0123456789", "9876543210")


class DurableProgram:
    """One pack as one durable-rules ruleset; :meth:`decide` evaluates one context."""

    def __init__(self, pack: Pack, program: Program) -> None:
        engine = _engine()
        self.pack = pack
        self.program = program
        self._numbers: dict[int, int] = {}
        self._counter = itertools.count(1)
        self._truths: dict[int, int] = {}
        #: Value terms to assert per context: (number, node, is a list).
        self.terms: list[tuple[int, ir.Expr, bool]] = []
        self._term_numbers: dict[int, int] = {}
        self.rules: dict[str, dict[str, Any]] = {}
        self._verdicts: dict[str, list[str | None]] = {}
        for index, criterion in enumerate(pack.criteria):
            self._criterion(index, criterion.applies, criterion.require)
        # Every fact must reach some node of the network or durable-rules refuses the whole
        # batch; this rule waits for a fact that never exists, so it sees all and fires never.
        self._add(
            [{"t": "never"}, {"$or": [{"t": "v"}, {"t": "i"}, {"t": "u"}, {"t": "b"}]}], _never
        )
        self.name = f"lexgap_{next(_names)}_{abs(hash(pack.name)) % 10**8}"
        self._ruleset = engine.Ruleset(self.name, _NoHost(), self.rules)
        self._sessions = itertools.count(1)
        self._lock = threading.Lock()
        self.finalizer = weakref.finalize(self, _delete_ruleset, self._ruleset._handle)

    # -- running --

    def decide(self, context: Context) -> list[Verdict]:
        facts: list[dict[str, Any]] = []
        items: list[dict[str, Any]] = []
        for number, node, is_list in self.terms:
            value = self.program.value(node, context.env)
            fact: dict[str, Any] = {"t": "v", "n": number}
            if value is not None:
                fact["v"] = encode(value)
                if is_list:
                    seen = {
                        json.dumps(encode(x)): encode(x)
                        for x in value  # type: ignore[union-attr]
                        if x is not None
                    }
                    items.extend({"t": "i", "n": number, "x": x} for x in seen.values())
                    if None in value:  # type: ignore[operator]
                        # NOTE: an `unknown` list item (`x in [a, unknown]`) is a fact of
                        # its own kind, so the network can tell "not found" from "might be"
                        items.append({"t": "u", "n": number})
            facts.append(fact)
        with self._lock:
            sid = str(next(self._sessions))
            verdicts: list[str | None] = [None] * len(self.pack.criteria)
            self._verdicts[sid] = verdicts
            batch = items + facts  # items first, so `none` conditions see every item
            for fact in batch:
                fact["sid"] = sid
            try:
                self._run(batch)
            finally:
                del self._verdicts[sid]
                self._ruleset.delete_state(sid)
        missing = [i for i, v in enumerate(verdicts) if v is None]
        if missing:  # pragma: no cover - the network decides every criterion by construction
            msg = f"durable-rules decided no verdict for criterion #{missing[0]}"
            raise EvaluationError(msg)
        return [verdict_of(v) for v in verdicts if v is not None]

    def _run(self, batch: list[dict[str, Any]]) -> None:
        if not batch:
            return
        error: list[BaseException | None] = [None]

        def done(err: BaseException | None, _state: Any) -> None:
            error[0] = err

        state = self._ruleset.assert_facts(batch)
        self._ruleset.do_actions(state, done)
        if error[0] is not None:  # pragma: no cover - an action failing is a lexgap bug
            msg = f"durable-rules failed: {error[0]}"
            raise EvaluationError(msg) from error[0]

    # -- compiling --

    def _number(self) -> int:
        return next(self._counter)

    def _add(self, patterns: list[Pattern], action: Action) -> None:
        name = f"r{len(self.rules)}"
        conditions: list[dict[str, Any]] = []
        for i, pattern in enumerate(patterns):
            if "$none" in pattern:
                conditions.append({f"x{i}$not": pattern["$none"]})
            else:
                conditions.append({f"f{i}": pattern})
        self.rules[name] = {"all": conditions, "run": action}

    def _emit(self, number: int, truth: str) -> Action:
        def action(c: Any) -> None:
            c.assert_fact({"t": "b", "n": number, "b": truth})

        return action

    def _record(self, index: int, verdict: str) -> Action:
        verdicts = self._verdicts

        def action(c: Any) -> None:
            verdicts[c.s.sid][index] = verdict

        return action

    def _criterion(self, index: int, applies: ir.Expr | None, require: ir.Expr) -> None:
        r = self._truth(require)
        outcomes = (("T", "met"), ("F", "gap"), ("U", "unknown"))
        if applies is None:
            for truth, verdict in outcomes:
                self._add([_fact("b", r, {"b": truth})], self._record(index, verdict))
            return
        a = self._truth(applies)
        self._add([_fact("b", a, {"b": "F"})], self._record(index, "not_applicable"))
        self._add([_fact("b", a, {"b": "U"})], self._record(index, "unknown"))
        if a == r:  # `applies x require x`: durable-rules would not join a fact with itself
            self._add([_fact("b", a, {"b": "T"})], self._record(index, "met"))
            return
        for truth, verdict in outcomes:
            self._add(
                [_fact("b", a, {"b": "T"}), _fact("b", r, {"b": truth})],
                self._record(index, verdict),
            )

    def _truth(self, node: ir.Expr) -> int:
        """The number of the node whose truth fact says what ``node`` is (rules added once)."""
        while isinstance(node, ir.DefRef) and isinstance(node.type, BoolType):
            node = self.pack.definitions[node.path].expr
        known = self._truths.get(id(node))
        if known is not None:
            return known
        number = self._compile_truth(node)
        self._truths[id(node)] = number
        return number

    def _compile_truth(self, node: ir.Expr) -> int:
        if isinstance(node, ir.And | ir.Or):
            numbers = [self._truth(o) for o in node.operands]
            combine = self._and2 if isinstance(node, ir.And) else self._or2
            acc = numbers[0]
            for n in numbers[1:]:
                acc = combine(acc, n)
            return acc
        if isinstance(node, ir.Not):
            return self._not(self._truth(node.operand))
        if isinstance(node, ir.Implies):
            return self._or2(self._not(self._truth(node.left)), self._truth(node.right))
        if isinstance(node, ir.Known):
            term = self._term(node.target)
            out = self._number()
            self._add([_fact("v", term, _KNOWN)], self._emit(out, "T"))
            self._add([_fact("v", term, _UNKNOWN)], self._emit(out, "F"))
            return out
        if isinstance(node, ir.Binary) and node.op in _OPS:
            return self._compare(_OPS[node.op], node.left, node.right)
        if isinstance(node, ir.Binary) and node.op in ("in", "notin"):
            return self._member(node.left, node.right, negate=node.op == "notin")
        if isinstance(node, ir.Binary) and node.op == "contains":
            return self._member(node.right, node.left, negate=False)
        # A boolean leaf: a fact, a constant, a definition computed from values.
        term = self._term(node)
        out = self._number()
        self._add([_fact("v", term, {"v": True})], self._emit(out, "T"))
        self._add([_fact("v", term, {"v": False})], self._emit(out, "F"))
        self._add([_fact("v", term, _UNKNOWN)], self._emit(out, "U"))
        return out

    def _term(self, node: ir.Expr) -> int:
        known = self._term_numbers.get(id(node))
        if known is not None:
            return known
        number = self._number()
        self._term_numbers[id(node)] = number
        self.terms.append((number, node, isinstance(node.type, ListType)))
        return number

    @staticmethod
    def _constant(node: ir.Expr) -> tuple[bool, Any]:
        """Whether ``node`` is a known scalar constant the engine can test against, and it."""
        value = node.value if isinstance(node, ir.Const) else None
        if value is not None and not isinstance(value, tuple | list):
            return True, encode(value)
        return False, None

    def _compare(self, op: str, left: ir.Expr, right: ir.Expr) -> int:
        out = self._number()
        left_const, _ = self._constant(left)
        right_const, value = self._constant(right)
        if left_const and not right_const:
            left, right, op = right, left, _SWAP[op]
            right_const, value = self._constant(right)
        if right_const:
            a = self._term(left)
            self._add([_fact("v", a, _KNOWN, _test(op, "v", value))], self._emit(out, "T"))
            self._add([_fact("v", a, _KNOWN, _test(_NEGATE[op], "v", value))], self._emit(out, "F"))
            self._add([_fact("v", a, _UNKNOWN)], self._emit(out, "U"))
            return out
        a, b = self._term(left), self._term(right)
        # The test sits on the right-hand fact and refers to the left one: `a < b` is `b > a`.
        ref = {"f0": "v"}
        on_b = _SWAP[op]
        self._add([_fact("v", a, _UNKNOWN), _fact("v", b)], self._emit(out, "U"))
        self._add([_fact("v", a, _KNOWN), _fact("v", b, _UNKNOWN)], self._emit(out, "U"))
        self._add(
            [_fact("v", a, _KNOWN), _fact("v", b, _KNOWN, _test(on_b, "v", ref))],
            self._emit(out, "T"),
        )
        self._add(
            [_fact("v", a, _KNOWN), _fact("v", b, _KNOWN, _test(_NEGATE[on_b], "v", ref))],
            self._emit(out, "F"),
        )
        return out

    def _member(self, element: ir.Expr, items: ir.Expr, *, negate: bool) -> int:
        """``element in items`` (negated for ``notin``): unknown if either side is."""
        out = self._number()
        yes, no = ("F", "T") if negate else ("T", "F")
        lst = self._term(items)
        is_const, value = self._constant(element)
        if is_const:
            self._add([_fact("v", lst, _UNKNOWN)], self._emit(out, "U"))
            self._add(
                [_fact("v", lst, _KNOWN), _fact("i", lst, {"x": value})], self._emit(out, yes)
            )
            for unknown_item, truth in ((False, no), (True, "U")):
                self._add(
                    [
                        _fact("v", lst, _KNOWN),
                        {"$none": _fact("i", lst, {"x": value})},
                        _unknown_item(lst, present=unknown_item),
                    ],
                    self._emit(out, truth),
                )
            return out
        e = self._term(element)
        self._add([_fact("v", e, _UNKNOWN), _fact("v", lst)], self._emit(out, "U"))
        self._add([_fact("v", e, _KNOWN), _fact("v", lst, _UNKNOWN)], self._emit(out, "U"))
        element_value = {"f0": "v"}
        self._add(
            [
                _fact("v", e, _KNOWN),
                _fact("v", lst, _KNOWN),
                _fact("i", lst, {"x": element_value}),
            ],
            self._emit(out, yes),
        )
        for unknown_item, truth in ((False, no), (True, "U")):
            self._add(
                [
                    _fact("v", e, _KNOWN),
                    _fact("v", lst, _KNOWN),
                    {"$none": _fact("i", lst, {"x": element_value})},
                    _unknown_item(lst, present=unknown_item),
                ],
                self._emit(out, truth),
            )
        return out

    def _not(self, operand: int) -> int:
        out = self._number()
        for truth, result in (("T", "F"), ("F", "T"), ("U", "U")):
            self._add([_fact("b", operand, {"b": truth})], self._emit(out, result))
        return out

    def _and2(self, left: int, right: int) -> int:
        return self._combine(left, right, dominant="F")

    def _or2(self, left: int, right: int) -> int:
        return self._combine(left, right, dominant="T")

    def _combine(self, left: int, right: int, *, dominant: str) -> int:
        """Kleene ``and`` (dominant F) or ``or`` (dominant T): five rules, one per case.

        The dominant value on either side decides; both sides the other known value gives
        that value; every remaining case is unknown.
        """
        if left == right:  # `x and x` is x; durable-rules would not join a fact with itself
            return left
        out = self._number()
        other = "T" if dominant == "F" else "F"
        not_dominant = {"$neq": {"b": dominant}}
        b = "b"
        self._add([_fact(b, left, {b: dominant}), _fact(b, right)], self._emit(out, dominant))
        self._add(
            [_fact(b, left, not_dominant), _fact(b, right, {b: dominant})],
            self._emit(out, dominant),
        )
        self._add([_fact(b, left, {b: other}), _fact(b, right, {b: other})], self._emit(out, other))
        self._add([_fact(b, left, {b: other}), _fact(b, right, {b: "U"})], self._emit(out, "U"))
        self._add([_fact(b, left, {b: "U"}), _fact(b, right, not_dominant)], self._emit(out, "U"))
        return out


def _unknown_item(lst: int, *, present: bool) -> Pattern:
    """The list term ``lst`` has (or has no) ``unknown`` item."""
    pattern = _fact("u", lst)
    return pattern if present else {"$none": pattern}


def _never(_c: Any) -> None:  # pragma: no cover - the sink rule cannot fire
    return None


def _delete_ruleset(handle: Any) -> None:
    try:
        import durable_rules_engine  # type: ignore[import-not-found,unused-ignore]

        durable_rules_engine.delete_ruleset(handle)
    except Exception:  # pragma: no cover - best effort at interpreter exit
        pass


def durable_decider(pack: Pack) -> Callable[[Context], list[Verdict]]:
    """The function the evaluator calls per jurisdiction (compiled once per pack)."""
    compiled = pack.cache.get("durable")
    if not isinstance(compiled, DurableProgram):
        from lexgap.evaluate import program_for

        compiled = DurableProgram(pack, program_for(pack))
        pack.cache["durable"] = compiled
    return compiled.decide


__all__ = ["INSTALL_HINT", "DurableProgram", "durable_decider", "encode"]
