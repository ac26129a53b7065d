"""evaluate_iter streams: the same results as evaluate, reading fact files one at a time."""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import lexgap

# NOTE: the module, not the function lexgap.evaluate of the same name.
evaluate_module = importlib.import_module("lexgap.evaluate")
AS_OF = datetime.date(2025, 1, 1)
PACK = """pack p { title "p" }
fact a: bool
fact n: number
criterion c.a { title "a" require a }
criterion c.n { title "n" applies a require n >= 3 }
"""


def _write(folder: Path, count: int) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"j{i:03}.yaml"
        a = "true" if i % 2 else "false"
        path.write_text(f"jurisdiction: XX-{i}\nname: J{i}\nfacts:\n  a: {a}\n  n: {i}\n")
        paths.append(path)
    return paths


def _rows(results: Iterator[lexgap.Result] | tuple[lexgap.Result, ...]) -> list[tuple[str, ...]]:
    return [(r.jurisdiction, r.criterion, r.verdict.value, *r.missing) for r in results]


def test_stream_equals_evaluate_for_a_folder(tmp_path: Path) -> None:
    """A folder streams the same results, in the same order, as evaluate gives."""
    _write(tmp_path / "js", 7)
    pack = lexgap.parse_pack(PACK)
    expected = _rows(lexgap.evaluate(pack, [tmp_path / "js"], as_of=AS_OF).results)
    assert _rows(lexgap.evaluate_iter(pack, tmp_path / "js", as_of=AS_OF)) == expected
    assert _rows(lexgap.evaluate_iter(pack, [str(tmp_path / "js")], as_of=AS_OF)) == expected


def test_folder_files_are_read_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taking the first result of a folder of many files has read one file, not all."""
    _write(tmp_path / "js", 20)
    read: list[str] = []
    real = evaluate_module.load_jurisdiction

    def counting(path: object) -> lexgap.Jurisdiction:
        read.append(str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(evaluate_module, "load_jurisdiction", counting)
    stream = lexgap.evaluate_iter(lexgap.parse_pack(PACK), tmp_path / "js", as_of=AS_OF)
    first = next(stream)
    assert first.jurisdiction == "XX-0"
    assert len(read) == 1
    assert len(list(stream)) == 2 * 20 - 1
    assert len(read) == 20


def test_an_iterable_of_paths_is_consumed_lazily(tmp_path: Path) -> None:
    """A generator of paths is not consumed ahead of the results."""
    paths = _write(tmp_path / "js", 5)
    taken: list[Path] = []

    def gen() -> Iterator[Path]:
        for p in paths:
            taken.append(p)
            yield p

    stream = lexgap.evaluate_iter(lexgap.parse_pack(PACK), gen(), as_of=AS_OF)
    next(stream)
    assert len(taken) == 1


def test_a_bad_file_raises_when_reached(tmp_path: Path) -> None:
    """The results before a bad file are streamed; the bad file raises FactsError."""
    _write(tmp_path / "js", 2)
    (tmp_path / "js" / "j001.yaml").write_text("jurisdiction: XX-1\nname: J1\nfacts:\n  n: many\n")
    stream = lexgap.evaluate_iter(lexgap.parse_pack(PACK), tmp_path / "js", as_of=AS_OF)
    assert [r.jurisdiction for r in (next(stream), next(stream))] == ["XX-0", "XX-0"]
    with pytest.raises(lexgap.FactsError):
        next(stream)
