"""The durable-rules backend: agreement with native, isolation, packaging, encoding."""

from __future__ import annotations

import datetime
import gc
import json
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import lexgap
from lexgap.backends import durable
from lexgap.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PACKS = sorted(p for p in (ROOT / "rules").glob("*.lexgap") if p.stem != "vocabulary")
DATES = [datetime.date(2005, 1, 1), datetime.date(2018, 6, 30), datetime.date(2026, 1, 1)]


def _rows(report: lexgap.Report) -> list[tuple[object, ...]]:
    return [
        (r.jurisdiction, r.criterion, r.verdict, r.missing, r.because, r.message, r.to_close)
        for r in report.results
    ]


@pytest.fixture(scope="module")
def jurisdictions() -> list[lexgap.Jurisdiction]:
    return lexgap.load_jurisdictions(ROOT / "jurisdictions")


@pytest.mark.parametrize("pack_path", PACKS, ids=lambda p: p.stem)
def test_shipped_packs_agree_at_several_dates(
    pack_path: Path, jurisdictions: list[lexgap.Jurisdiction]
) -> None:
    pack = lexgap.load_pack(pack_path)
    for date in DATES:
        native = lexgap.evaluate(pack, jurisdictions, as_of=date)
        rete = lexgap.evaluate(pack, jurisdictions, as_of=date, backend="durable")
        assert rete.backend == "durable"
        assert _rows(rete) == _rows(native)
    # Not a vacuous agreement: the shipped data gives more than one verdict.
    assert len({r.verdict for r in native.results}) >= 3


def test_example_pack_verdicts_come_from_the_network(example_pack_path: Path) -> None:
    """Every verdict kind, decided by durable-rules, for the contract's example pack."""
    pack = lexgap.load_pack(example_pack_path)
    facts: dict[str, object] = {}
    j = lexgap.jurisdiction_from_mapping({"jurisdiction": "XX", "name": "X", "facts": facts})
    native = lexgap.evaluate(pack, [j], as_of=datetime.date(2025, 1, 1))
    rete = lexgap.evaluate(pack, [j], as_of=datetime.date(2025, 1, 1), backend="durable")
    assert [r.verdict for r in rete.results] == [r.verdict for r in native.results]
    program = pack.cache["durable"]
    assert isinstance(program, durable.DurableProgram)
    assert program.rules, "the pack compiled into durable-rules rules"


def test_interleaved_evaluations_are_isolated_and_memory_stays_flat(
    jurisdictions: list[lexgap.Jurisdiction],
) -> None:
    one, two = (lexgap.load_pack(p) for p in PACKS[:2])
    gb = next(j for j in jurisdictions if j.code == "GB")
    de = next(j for j in jurisdictions if j.code == "DE")
    expected = [
        [r.verdict for r in lexgap.evaluate(pack, [j]).results]
        for pack, j in ((one, gb), (two, de))
    ]
    for _ in range(100):  # warm up allocator pools
        lexgap.evaluate(one, [gb], backend="durable")
    gc.collect()
    before = _rss_kib()
    for _ in range(1000):
        got = [
            [r.verdict for r in lexgap.evaluate(pack, [j], backend="durable").results]
            for pack, j in ((one, gb), (two, de))
        ]
        assert got == expected
    gc.collect()
    # 2,000 evaluations leaking even one small fact each would grow by megabytes.
    assert _rss_kib() - before < 4096


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    pytest.skip("no /proc/self/status on this platform")


def test_threads_share_a_compiled_pack_safely(jurisdictions: list[lexgap.Jurisdiction]) -> None:
    pack = lexgap.load_pack(PACKS[0])
    sample = jurisdictions[:20]
    expected = _rows(lexgap.evaluate(pack, sample))
    got: list[list[tuple[object, ...]]] = []

    def work() -> None:
        got.append(_rows(lexgap.evaluate(pack, sample, backend="durable")))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [expected] * 4


def test_each_compiled_pack_has_its_own_ruleset_which_is_freed(example_pack_path: Path) -> None:
    a, b = lexgap.load_pack(example_pack_path), lexgap.load_pack(example_pack_path)
    lexgap.evaluate(a, [], backend="durable")
    lexgap.evaluate(b, [], backend="durable")
    pa, pb = a.cache["durable"], b.cache["durable"]
    assert isinstance(pa, durable.DurableProgram) and isinstance(pb, durable.DurableProgram)
    assert pa.name != pb.name
    finalizer = pa.finalizer
    assert finalizer.alive
    del a, pa
    gc.collect()
    assert not finalizer.alive


def test_missing_durable_rules_gives_an_install_hint(
    example_pack_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "durable", None)  # import durable -> ImportError
    pack = lexgap.load_pack(example_pack_path)
    with pytest.raises(lexgap.BackendUnavailable) as err:
        lexgap.evaluate(pack, [], backend="durable")
    assert "pip install 'lexgap[durable]'" in str(err.value)


def test_cli_without_durable_rules_exits_2_with_the_hint(example_pack_path: Path) -> None:
    code = (
        "import sys; sys.modules['durable'] = None; from lexgap.cli import main; "
        f"main(['check', {str(example_pack_path)!r}, {str(ROOT / 'jurisdictions' / 'gb.yaml')!r},"
        " '--backend', 'durable'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 2
    assert "pip install 'lexgap[durable]'" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


def test_import_lexgap_does_not_import_durable_rules() -> None:
    code = "import lexgap, sys; print(sorted(m for m in sys.modules if m.startswith('durable')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().replace("'", '"')) == []


def test_cli_check_backend_durable_matches_native() -> None:
    runner = CliRunner()
    args = ["check", str(PACKS[0]), str(ROOT / "jurisdictions"), "--as-of", "2025-01-01"]
    args += ["--format", "json"]
    native = json.loads(runner.invoke(cli, args).stdout)
    rete = json.loads(runner.invoke(cli, [*args, "--backend", "durable"]).stdout)
    assert rete.pop("backend") == "durable"
    assert native.pop("backend") == "native"
    assert rete == native


numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=False, allow_infinity=False, places=None),
)


@given(numbers, numbers)
def test_number_keys_order_exactly_like_the_numbers(a: int | Decimal, b: int | Decimal) -> None:
    ka, kb = durable.number_key(a), durable.number_key(b)
    assert (ka < kb) == (Decimal(a) < Decimal(b))
    assert (ka == kb) == (Decimal(a) == Decimal(b))


def test_number_keys_keep_what_doubles_would_round() -> None:
    big = 2**53
    assert durable.number_key(big) != durable.number_key(big + 1)
    third = Decimal(1) / Decimal(3)
    assert durable.number_key(third * 3) < durable.number_key(1)
    assert durable.number_key(Decimal("1.0")) == durable.number_key(1)


def test_encode_dates_and_lists() -> None:
    early, late = datetime.date(1999, 12, 31), datetime.date(2000, 1, 1)
    assert durable.encode(early) < durable.encode(late)
    assert durable.encode((1, "a")) == durable.encode([Decimal("1.0"), "a"])
    assert durable.encode(None) is None
