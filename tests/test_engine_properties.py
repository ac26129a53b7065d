"""Properties of evaluation over generated expressions and fact files (hypothesis)."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lexgap

D = datetime.date(2025, 1, 1)
HEADER = """pack p { title "p" }
fact a: bool
fact b: bool
fact c: bool
fact n: number
fact e: enum(x, y, z)
fact d: duration
"""
DOMAINS: dict[str, list[Any]] = {
    "a": [True, False],
    "b": [True, False],
    "c": [True, False],
    "n": [0, 18, 30],
    "e": ["x", "y", "z"],
    "d": ["1h", "24h", "48h"],
}

MONOTONE_ATOMS = [
    "a",
    "b",
    "c",
    "n >= 18",
    "n < 30",
    "e == x",
    "e in [y, z]",
    "d <= 24h",
    "n + 1 > 18",
    "e != z",
    "d + 1h > 24h",
]


def _compound(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, children).map(lambda t: f"({t[0]} and {t[1]})"),
        st.tuples(children, children).map(lambda t: f"({t[0]} or {t[1]})"),
        st.tuples(children, children).map(lambda t: f"({t[0]} implies {t[1]})"),
        children.map(lambda x: f"not ({x})"),
    )


# NOTE: known() is deliberately not monotone (stating a fact changes it), so soundness is
# a property of expressions without it; the other properties include it.
monotone_exprs = st.recursive(st.sampled_from(MONOTONE_ATOMS), _compound, max_leaves=8)
exprs = st.recursive(st.sampled_from([*MONOTONE_ATOMS, "known(n)"]), _compound, max_leaves=8)
facts = st.fixed_dictionaries(
    {}, optional={k: st.sampled_from([*v, None]) for k, v in DOMAINS.items()}
)


def _pack(require: str, applies: str | None) -> lexgap.Pack:
    clause = f"applies {applies}\n" if applies else ""
    return lexgap.parse_pack(
        HEADER
        + f'define dd = {require}\ncriterion k {{ title "k" {clause}require {require} }}\n'
        + 'criterion k2 { title "k2" require dd or a }\n'
    )


def _eval(pack: lexgap.Pack, values: dict[str, Any]) -> list[lexgap.Result]:
    j = lexgap.jurisdiction_from_mapping({"jurisdiction": "XX", "name": "X", "facts": values})
    return list(lexgap.evaluate(pack, [j], as_of=D).results)


SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(require=monotone_exprs, applies=st.one_of(st.none(), monotone_exprs), values=facts)
def test_known_verdicts_are_sound(
    require: str, applies: str | None, values: dict[str, Any]
) -> None:
    """A met, gap or not_applicable verdict holds for every completion of the unknown facts."""
    pack = _pack(require, applies)
    results = _eval(pack, values)
    unknown = [k for k in DOMAINS if values.get(k) is None]
    for completion in itertools.product(*(DOMAINS[k] for k in unknown)):
        full = {**values, **dict(zip(unknown, completion, strict=True))}
        for before, after in zip(results, _eval(pack, full), strict=True):
            if before.verdict is not lexgap.Verdict.UNKNOWN:
                assert after.verdict == before.verdict, (require, applies, values, full)


@SETTINGS
@given(require=exprs, applies=st.one_of(st.none(), exprs), values=facts)
def test_missing_empty_exactly_when_known(
    require: str, applies: str | None, values: dict[str, Any]
) -> None:
    """`missing` is empty exactly when the verdict is not unknown, and names unknown facts."""
    for r in _eval(_pack(require, applies), values):
        assert (r.missing == []) == (r.verdict is not lexgap.Verdict.UNKNOWN)
        assert all(values.get(m) is None for m in r.missing)
        assert r.missing == sorted(set(r.missing))
        if r.verdict is lexgap.Verdict.GAP:
            assert r.because


@SETTINGS
@given(require=exprs, values=facts, data=st.data())
def test_fact_order_does_not_matter(
    require: str, values: dict[str, Any], data: st.DataObject
) -> None:
    """Results do not depend on the order of keys in a fact file."""
    pack = _pack(require, None)
    keys = data.draw(st.permutations(list(values)))
    shuffled = {k: values[k] for k in keys}
    a, b = _eval(pack, values), _eval(pack, shuffled)
    assert [(r.verdict, r.missing, r.because, r.message) for r in a] == [
        (r.verdict, r.missing, r.because, r.message) for r in b
    ]


@SETTINGS
@given(require=exprs, values=facts)
def test_explanations_same_however_reached(require: str, values: dict[str, Any]) -> None:
    """Lazy explanations are the same whether read first through explain() or attributes."""
    pack = _pack(require, None)
    first, second = _eval(pack, values), _eval(pack, values)
    for r in first:
        r.explain()
    assert [(r.missing, r.because, r.message) for r in first] == [
        (r.missing, r.because, r.message) for r in second
    ]
