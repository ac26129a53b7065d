"""Results and reports: verdicts with their explanations, and summaries over them.

A :class:`Result` is cheap to create; its explanation (``missing``, ``because``,
``message``, the facts it used) is computed on first access from the jurisdiction's
:class:`Context` and then kept, so it is the same however it is reached.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from lexgap import ir
from lexgap.explain import Explainer
from lexgap.facts import FactValue, Jurisdiction, display
from lexgap.model import Criterion, Pack
from lexgap.native import Program
from lexgap.types import Type, Value, show


class Verdict(enum.Enum):
    """The outcome of one criterion for one jurisdiction."""

    MET = "met"
    GAP = "gap"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"

    def __str__(self) -> str:
        return self.value


_VERDICTS = {v.value: v for v in Verdict}


@attrs.frozen
class FactUse:
    """A fact a result looked at: its value and where that value came from."""

    path: str
    value: str
    since: datetime.date | None = None
    until: datetime.date | None = None
    source: str | None = None
    note: str | None = None
    file: str | None = None
    line: int | None = None


class Context:
    """One jurisdiction evaluated at one date: the environment all its results share."""

    # NOTE: slots, as for Result: one Context per jurisdiction is made on the hot path.
    __slots__ = ("_explainer", "as_of", "entries", "env", "jurisdiction", "program")
    _explainer: Explainer

    def __init__(
        self,
        program: Program,
        jurisdiction: Jurisdiction,
        as_of: datetime.date,
        env: list[Any],
        entries: Mapping[str, FactValue],
    ) -> None:
        self.program = program
        self.jurisdiction = jurisdiction
        self.as_of = as_of
        self.env = env
        self.entries = entries

    @property
    def explainer(self) -> Explainer:
        """The explanations of this environment's results (made on first use, then kept)."""
        try:
            return self._explainer
        except AttributeError:
            self._explainer = Explainer(self.program, self.env, self.show_fact)
            return self._explainer

    def show_fact(self, path: str, value: Value, type_: Type, quote: bool) -> str:
        entry = self.entries.get(path)
        if entry is None or value is None:
            return show(value, type_, quote=quote)
        return display(entry.raw, value, type_, quote=quote)


class Result:
    """The verdict of one criterion for one jurisdiction, and why."""

    # NOTE: no __dict__: a report holds one Result per criterion and jurisdiction, and
    # creating them is half the time of evaluating; an instance with a __dict__ costs a
    # third more to create than one with slots only. The explanation is kept in
    # ``_explained``, a dict made on first use.
    __slots__ = ("_context", "_explained", "_index", "verdict")

    _explained: dict[str, Any]

    def __init__(self, context: Context, index: int, verdict: Verdict) -> None:
        self._context = context
        self._index = index
        self.verdict = verdict

    # -- identity --

    @property
    def jurisdiction(self) -> str:
        return self._context.jurisdiction.code

    @property
    def jurisdiction_name(self) -> str:
        return self._context.jurisdiction.name

    @property
    def as_of(self) -> datetime.date:
        return self._context.as_of

    @property
    def definition(self) -> Criterion:
        return self._context.program.pack.criteria[self._index]

    @property
    def criterion(self) -> str:
        return self.definition.path

    @property
    def title(self) -> str:
        return self.definition.title

    @property
    def cites(self) -> tuple[str, ...]:
        return self.definition.cites

    @property
    def group(self) -> str | None:
        return self.definition.group

    @property
    def severity(self) -> str:
        return self.definition.severity

    @property
    def weight(self) -> int | Decimal:
        return self.definition.weight

    @property
    def remedy(self) -> str | None:
        return self.definition.remedy

    # -- explanation (lazy: computed on first access, then kept) --

    def _explanation(self, name: str, compute: Callable[[], Any]) -> Any:
        try:
            explained = self._explained
        except AttributeError:
            explained = self._explained = {}
        if name not in explained:
            explained[name] = compute()
        return explained[name]

    @property
    def missing(self) -> list[str]:
        """The unknown facts the verdict depends on, sorted (contract section 5)."""
        return self._explanation(  # type: ignore[no-any-return]
            "missing",
            lambda: self._context.explainer.missing(self.definition, self.verdict.value),
        )

    @property
    def because(self) -> list[str]:
        """For a gap, the atomic conditions that made ``require`` false, in source order."""
        return self._explanation(  # type: ignore[no-any-return]
            "because",
            lambda: self._context.explainer.because(self.definition, self.verdict.value),
        )

    @property
    def message(self) -> str | None:
        """For a gap, the criterion's ``gap`` template with its placeholders filled; else None."""
        return self._explanation(  # type: ignore[no-any-return]
            "message",
            lambda: self._context.explainer.message(self.definition, self.verdict.value),
        )

    @property
    def to_close(self) -> list[str]:
        """For a gap, plain-language steps that would turn it into met, where derivable."""
        return self._explanation(  # type: ignore[no-any-return]
            "to_close",
            lambda: self._context.explainer.to_close(self.definition, self.verdict.value),
        )

    @property
    def facts(self) -> list[FactUse]:
        """Every fact the criterion reads (through definitions), with value and source."""
        return self._explanation("facts", self._facts)  # type: ignore[no-any-return]

    def _facts(self) -> list[FactUse]:
        ctx = self._context
        paths: list[str] = []
        roots = [self.definition.applies, self.definition.require]
        seen_defs: set[str] = set()
        stack = [r for r in roots if r is not None]
        while stack:
            node = stack.pop(0)
            for n in ir.walk(node):
                if isinstance(n, ir.FactRef) and n.path not in paths:
                    paths.append(n.path)
                elif isinstance(n, ir.DefRef) and n.path not in seen_defs:
                    seen_defs.add(n.path)
                    stack.append(ctx.program.pack.definitions[n.path].expr)
        out: list[FactUse] = []
        for path in paths:
            fact = ctx.program.pack.facts[path]
            value = ctx.env[ctx.program.fact_slots[path]]
            entry = ctx.entries.get(path)
            shown = ctx.show_fact(path, value, fact.type, True)
            if entry is None:
                out.append(FactUse(path, shown))
            else:
                out.append(
                    FactUse(
                        path,
                        shown,
                        entry.since,
                        entry.until,
                        entry.source,
                        entry.note,
                        ctx.jurisdiction.file,
                        entry.span.line or None,
                    )
                )
        return out

    def explain(self) -> str:
        """A readable, multi-line account of this result."""
        from lexgap.explaintext import explain_result

        return explain_result(self)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (the ``results`` items of ``--format json``)."""
        return {
            "jurisdiction": self.jurisdiction,
            "criterion": self.criterion,
            "verdict": self.verdict.value,
            "missing": list(self.missing),
            "because": list(self.because),
            "message": self.message,
            "title": self.title,
            "cites": list(self.cites),
            "group": self.group,
            "severity": self.severity,
            "weight": _number(self.weight),
            "remedy": self.remedy,
            "to_close": list(self.to_close),
            "facts": [
                {
                    "path": f.path,
                    "value": f.value,
                    "since": f.since.isoformat() if f.since else None,
                    "until": f.until.isoformat() if f.until else None,
                    "source": f.source,
                    "note": f.note,
                }
                for f in self.facts
            ],
        }

    def __repr__(self) -> str:
        return f"Result({self.jurisdiction!r}, {self.criterion!r}, {self.verdict.value!r})"


def _number(value: int | Decimal) -> int | float:
    return int(value) if value == int(value) else float(value)


@attrs.frozen
class Summary:
    """Counts per verdict and a weighted score for a set of results.

    ``score`` is weight met / weight applicable, where applicable means met or gap;
    unknown results are left out of the score and counted apart (``unknown_weight``), so
    missing facts never look like compliance or like a gap. None when nothing applies.
    """

    met: int
    gap: int
    unknown: int
    not_applicable: int
    met_weight: Decimal
    gap_weight: Decimal
    unknown_weight: Decimal

    @property
    def total(self) -> int:
        return self.met + self.gap + self.unknown + self.not_applicable

    @property
    def score(self) -> float | None:
        applicable = self.met_weight + self.gap_weight
        if applicable == 0:
            return None
        return float(self.met_weight / applicable)

    @classmethod
    def of(cls, results: Sequence[Result]) -> Summary:
        counts = dict.fromkeys(Verdict, 0)
        weights = dict.fromkeys(Verdict, Decimal(0))
        for r in results:
            counts[r.verdict] += 1
            weights[r.verdict] += Decimal(r.weight)
        return cls(
            counts[Verdict.MET],
            counts[Verdict.GAP],
            counts[Verdict.UNKNOWN],
            counts[Verdict.NOT_APPLICABLE],
            weights[Verdict.MET],
            weights[Verdict.GAP],
            weights[Verdict.UNKNOWN],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "met": self.met,
            "gap": self.gap,
            "unknown": self.unknown,
            "not_applicable": self.not_applicable,
            "score": None if self.score is None else round(self.score, 4),
            "unknown_weight": _number(self.unknown_weight),
        }


@attrs.frozen
class Report:
    """Every result of one pack over some jurisdictions at one date.

    ``results`` lists jurisdictions in the order given and, within each, criteria in pack
    order.
    """

    pack: Pack
    jurisdictions: tuple[Jurisdiction, ...]
    as_of: datetime.date
    results: tuple[Result, ...]
    backend: str = "native"

    def __iter__(self) -> Iterator[Result]:
        return iter(self.results)

    def for_jurisdiction(self, code: str) -> list[Result]:
        return [r for r in self.results if r.jurisdiction == code]

    def summary(self) -> dict[str, Summary]:
        """Per jurisdiction code, in report order."""
        out: dict[str, list[Result]] = {}
        for r in self.results:
            out.setdefault(r.jurisdiction, []).append(r)
        return {code: Summary.of(rs) for code, rs in out.items()}

    def group_summary(self) -> dict[str, dict[str, Summary]]:
        """Per jurisdiction, per criterion group (criteria without a group under "")."""
        out: dict[str, dict[str, list[Result]]] = {}
        for r in self.results:
            out.setdefault(r.jurisdiction, {}).setdefault(r.group or "", []).append(r)
        return {
            code: {g: Summary.of(rs) for g, rs in groups.items()} for code, groups in out.items()
        }

    def overall(self) -> Summary:
        return Summary.of(self.results)

    def to_records(self) -> list[dict[str, Any]]:
        """Flat dicts, one per result, for pandas, spreadsheets and databases."""
        records = []
        for r in self.results:
            records.append(
                {
                    "jurisdiction": r.jurisdiction,
                    "jurisdiction_name": r.jurisdiction_name,
                    "criterion": r.criterion,
                    "title": r.title,
                    "group": r.group,
                    "severity": r.severity,
                    "weight": _number(r.weight),
                    "verdict": r.verdict.value,
                    "message": r.message,
                    "missing": "; ".join(r.missing),
                    "because": "; ".join(r.because),
                    "cites": "; ".join(r.cites),
                    "remedy": r.remedy,
                    "as_of": self.as_of.isoformat(),
                }
            )
        return records


def verdict_of(text: str) -> Verdict:
    return _VERDICTS[text]
