"""Differential test: on random well-typed packs and fact files both backends agree."""

from __future__ import annotations

import datetime
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lexgap
from lexgap.backends import durable
from lexgap.testing import assert_backends_agree, fact_files, packs

EXAMPLES = int(os.environ.get("LEXGAP_DIFFERENTIAL_EXAMPLES", "60"))
dates = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2040, 12, 31))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(pack=packs(tests=False), data=st.data())
def test_backends_agree_on_generated_packs_and_facts(
    pack: lexgap.Pack, data: st.DataObject
) -> None:
    jurisdictions = data.draw(st.lists(fact_files(pack), min_size=1, max_size=3))
    for as_of in data.draw(st.lists(dates, min_size=1, max_size=3)):
        assert_backends_agree(pack, jurisdictions, as_of)


def test_a_disagreement_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """The assertion can fail: make durable answer gap everywhere and it must say so."""
    pack = lexgap.parse_pack(
        'pack p { title "p" }\nfact a: bool\ncriterion c { title "c" require a }\n'
    )
    j = lexgap.jurisdiction_from_mapping({"jurisdiction": "XA", "name": "A", "facts": {"a": True}})
    original = durable.DurableProgram.decide

    def wrong(self: durable.DurableProgram, context: object) -> list[lexgap.Verdict]:
        return [lexgap.Verdict.GAP for _ in original(self, context)]  # type: ignore[arg-type]

    monkeypatch.setattr(durable.DurableProgram, "decide", wrong)
    with pytest.raises(AssertionError, match="backends disagree"):
        assert_backends_agree(pack, [j], datetime.date(2025, 1, 1))


@pytest.mark.parametrize("backend", ["native", "durable"])
def test_an_unknown_list_item_makes_not_found_unknown(backend: str) -> None:
    """`x in [a, unknown]`, `x not in [...]` and `[a, unknown] contains x`: true (or false
    for `not in`) when x is a known item, unknown when it is not (the unknown item might be
    x), on both backends; without an unknown item, not found is false."""
    pack = lexgap.parse_pack(
        'pack p { title "p" }\nfact e: enum(x, y)\nfact s: string\n'
        'criterion c.in { title "in" require e in [x, unknown] }\n'
        'criterion c.notin { title "not in" require e not in [x, unknown] }\n'
        'criterion c.contains { title "contains" require [x, unknown] contains e }\n'
        'criterion c.string { title "string" require s in ["a", unknown] }\n'
        'criterion c.plain { title "plain" require [x] contains e }\n'
    )

    def verdicts(e: str, s: str) -> list[str]:
        j = lexgap.jurisdiction_from_mapping(
            {"jurisdiction": "XA", "name": "A", "facts": {"e": e, "s": s}}
        )
        report = lexgap.evaluate(pack, [j], as_of=datetime.date(2025, 1, 1), backend=backend)
        return [r.verdict.value for r in report.results]

    assert verdicts("x", "a") == ["met", "gap", "met", "met", "met"]
    assert verdicts("y", "b") == ["unknown", "unknown", "unknown", "unknown", "gap"]
