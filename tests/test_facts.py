"""Jurisdiction fact files: format, values over time, and every error (contract s6)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import lexgap
import lexgap.types
from lexgap.types import DURATION, BoolType, EnumType, ListType, StringType

HEAD = "jurisdiction: GB\nname: United Kingdom\n"


def load(text: str, tmp_path: Path, name: str = "j.yaml") -> lexgap.Jurisdiction:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return lexgap.load_jurisdiction(path)


def lexgap_list_of_strings() -> ListType:
    return ListType(StringType())


def error(text: str, tmp_path: Path) -> lexgap.Diagnostic:
    with pytest.raises(lexgap.FactsError) as info:
        load(text, tmp_path)
    return info.value.first


class TestFormat:
    def test_shorthand_metadata_and_over_time(self, tmp_path: Path) -> None:
        """Bare values, mappings with metadata and lists of values over time all load."""
        j = load(
            HEAD
            + "reviewed: 2025-06-01\nfacts:\n  a.b: true\n  c.d:\n    value: 48h\n"
            + "    source: S\n    note: N\n  e.f:\n    - value: 48h\n      until: 2024-03-17\n"
            + "    - value: 24h\n      since: 2024-03-17\n",
            tmp_path,
        )
        assert (j.code, j.name, j.reviewed) == ("GB", "United Kingdom", datetime.date(2025, 6, 1))
        assert j.facts["c.d"][0].source == "S" and j.facts["c.d"][0].note == "N"
        assert j.value_at("e.f", DURATION, datetime.date(2024, 3, 16))[0] == 48 * 3600
        assert j.value_at("e.f", DURATION, datetime.date(2024, 3, 17))[0] == 24 * 3600

    def test_json_is_accepted(self, tmp_path: Path) -> None:
        """JSON fact files load like YAML."""
        j = load(
            '{"jurisdiction": "FR", "name": "France", "facts": {"a.b": false}}', tmp_path, "f.json"
        )
        assert j.value_at("a.b", BoolType(), datetime.date.today())[0] is False

    def test_json_states_unknown_as_a_string(self, tmp_path: Path) -> None:
        """In JSON (which has no unquoted text) "unknown" states a fact as not known, as a
        bare value or a metadata value, for every type; in YAML quoted "unknown" is text."""
        j = load(
            '{"jurisdiction": "FR", "name": "France", "facts": {"a.b": "unknown",'
            ' "c.d": {"value": "unknown", "since": "2020-01-01"}, "e.f": "unknown"}}',
            tmp_path,
            "f.json",
        )
        day = datetime.date(2025, 1, 1)
        assert j.value_at("a.b", BoolType(), day)[0] is None
        assert j.value_at("c.d", lexgap_list_of_strings(), day)[0] is None
        assert j.value_at("e.f", StringType(), day)[0] is None
        y = load(HEAD + 'facts:\n  e.f: "unknown"\n', tmp_path)
        assert y.value_at("e.f", StringType(), day)[0] == "unknown"

    def test_unknown_and_missing_are_unknown(self, tmp_path: Path) -> None:
        """A fact stated as unknown, or not stated, has no value."""
        j = load(HEAD + "facts:\n  a.b: unknown\n", tmp_path)
        assert j.value_at("a.b", BoolType(), datetime.date.today())[0] is None
        assert j.value_at("x.y", BoolType(), datetime.date.today())[0] is None

    def test_iso_durations(self, tmp_path: Path) -> None:
        """Durations accept lexgap literals and ISO 8601."""
        j = load(HEAD + "facts:\n  a: PT24H\n  b: P1DT2H\n  c: 1h30min\n", tmp_path)
        day = datetime.date.today()
        assert [j.value_at(p, DURATION, day)[0] for p in "abc"] == [86400, 93600, 5400]

    def test_yaml_11_traps_keep_their_text(self, tmp_path: Path) -> None:
        """`no` stays the enum member/string it was written as; YAML 1.1 does not apply."""
        j = load('jurisdiction: "NO"\nname: Norway\nfacts:\n  a: no\n  b: 1:20\n', tmp_path)
        assert j.code == "NO"
        assert j.value_at("a", EnumType(("yes", "no")), datetime.date.today())[0] == "no"
        assert j.facts["b"][0].raw.text == "1:20"

    def test_folder_sorted_by_file_name(self, tmp_path: Path) -> None:
        """load_jurisdictions reads .yaml, .yml and .json sorted by file name."""
        (tmp_path / "b.yml").write_text("jurisdiction: BE\nname: B\n")
        (tmp_path / "a.json").write_text('{"jurisdiction": "AT", "name": "A"}')
        (tmp_path / "c.yaml").write_text("jurisdiction: CZ\nname: C\n")
        (tmp_path / "notes.txt").write_text("ignored")
        assert [j.code for j in lexgap.load_jurisdictions(tmp_path)] == ["AT", "BE", "CZ"]

    def test_from_mapping_validates_like_a_file(self) -> None:
        """A mapping gets the same validation as a file."""
        with pytest.raises(lexgap.FactsError) as info:
            lexgap.jurisdiction_from_mapping({"jurisdiction": "FR", "facts": {}})
        assert info.value.first.code == "fact-file"


class TestErrors:
    @pytest.mark.parametrize(
        ("text", "code", "line"),
        [
            (HEAD + "facts:\n  a.b: 1\n  a.b: 2\n", "duplicate-key", 5),
            (HEAD + "colour: red\n", "fact-file", 3),
            ("name: X\n", "fact-file", 1),
            (HEAD + "facts:\n  a.b:\n    value: 1\n    sinse: 2020-01-01\n", "fact-key", 6),
            (HEAD + "facts:\n  a.b:\n    source: x\n", "fact-value", 5),
            (HEAD + "facts:\n  a.b:\n    value: 1\n    since: 2020-13-01\n", "fact-date", 6),
            (
                HEAD
                + "facts:\n  a:\n    - value: 1\n      since: 2020-01-01\n"
                + "    - value: 2\n      since: 2019-01-01\n      until: 2021-01-01\n",
                "fact-overlap",
                5,
            ),
            (HEAD + "facts:\n  a.b:\n", "fact-value", 4),
            ("jurisdiction: [\n", "yaml-syntax", 2),
            (HEAD + "facts:\n  a: &x [1]\n  b: *x\n", "yaml-alias", 5),  # at the alias
            ("", "fact-file", 1),
            ("jurisdiction: Britain\nname: B\n", "fact-file", 1),
            (HEAD + "facts:\n  9bad: 1\n", "fact-key", 4),
        ],
    )
    def test_error_codes_and_lines(self, tmp_path: Path, text: str, code: str, line: int) -> None:
        """Each malformed file gives its code at the offending line."""
        d = error(text, tmp_path)
        assert (d.code, d.span.line) == (code, line)
        assert d.span.file.endswith("j.yaml")

    def test_binary_and_unreadable(self, tmp_path: Path) -> None:
        """Binary or missing files are one clear error, not an exception."""
        (tmp_path / "bin.yaml").write_bytes(b"\x00\xff\xfe garbage")
        with pytest.raises(lexgap.FactsError) as info:
            lexgap.load_jurisdiction(tmp_path / "bin.yaml")
        assert (info.value.first.code, info.value.first.span.line) == ("unreadable", 1)
        assert info.value.first.span.column == 2 and "0xFF" in info.value.first.message
        (tmp_path / "latin1.yaml").write_bytes(b"jurisdiction: GB\nname: Caf\xe9\n")
        with pytest.raises(lexgap.FactsError) as info:
            lexgap.load_jurisdiction(tmp_path / "latin1.yaml")
        span = info.value.first.span
        assert (info.value.first.code, span.line, span.column) == ("unreadable", 2, 10)
        with pytest.raises(lexgap.FactsError) as info:
            lexgap.load_jurisdiction(tmp_path / "missing.yaml")
        assert info.value.first.code == "unreadable"

    def test_alias_bomb_is_refused_quickly(self, tmp_path: Path) -> None:
        """A billion-laughs file is refused, not expanded."""
        lines = [HEAD + "facts:", '  a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
        for i in range(1, 9):
            prev = f"*a{i - 1}"
            lines.append(f"  a{i}: &a{i} [{', '.join([prev] * 9)}]")
        d = error("\n".join(lines) + "\n", tmp_path)
        assert d.code == "yaml-alias"

    @pytest.mark.parametrize(
        ("type_decl", "value", "hint_word"),
        [
            ("bool", "yes", "true or false"),
            ("number", '"18"', "write the number without quotes"),
            ("number", '"sixteen"', "decimal number such as 18"),
            ("number", "1e3", "decimal"),
            ("date", "2024-02-30", "ISO"),
            ("duration", "24", "duration"),
            ("duration", "P1M", "duration"),
            ("enum(a, b)", "c", "members"),
            ("list(number)", "3", "list"),
        ],
    )
    def test_wrong_types_at_evaluation(
        self, tmp_path: Path, type_decl: str, value: str, hint_word: str
    ) -> None:
        """A value that does not fit the declared type is an error with a hint."""
        pack = lexgap.parse_pack(
            f'pack p {{ title "p" }}\nfact f.v: {type_decl}\n'
            'criterion k { title "k" require known(f.v) }'
        )
        j = load(HEAD + f"facts:\n  f.v: {value}\n", tmp_path)
        with pytest.raises(lexgap.FactsError) as info:
            lexgap.evaluate(pack, [j])
        d = info.value.first
        assert (d.code, d.span.line) == ("fact-type", 4)
        assert hint_word in (d.hint or "") + d.message


_FAST_TYPES = [
    lexgap.types.BoolType(),
    lexgap.types.NumberType(),
    lexgap.types.DurationType(),
    lexgap.types.StringType(),
    lexgap.types.EnumType(("a", "b", "signed")),
]
_FAST_TEXTS = [
    "true",
    "True",
    "FALSE",
    "yes",
    "on",
    "unknown",
    "18",
    "-3",
    "0.5",
    "017",
    "00",
    "1e3",
    "+4",
    "1_000",
    "24h",
    "1h30min",
    "PT24H",
    "90min",
    "7d",
    "2w",
    "0s",
    "a",
    "signed",
    "c",
    "",
    " ",
    "2024-12-05",
    "9" * 60,
    "1" * 40 + "h",
]


@pytest.mark.parametrize("type_", _FAST_TYPES, ids=str)
def test_fast_converter_agrees_with_convert(type_: lexgap.types.Type) -> None:
    """The evaluator's fast conversion gives convert's value, or defers (NOT_FAST) to it."""
    from lexgap.facts import NOT_FAST, Raw, convert, fast_converter

    fast = fast_converter(type_)
    assert fast is not None
    raws = [Raw("null")] + [
        Raw("scalar", text, plain) for text in _FAST_TEXTS for plain in (True, False)
    ]
    raws.append(Raw("seq", items=(Raw("scalar", "a"),)))
    for raw in raws:
        problems: list[lexgap.Diagnostic] = []
        want = convert(raw, type_, "x", problems)
        got = fast(raw)
        if got is NOT_FAST:
            continue
        assert not problems, f"{raw}: fast accepted what convert refuses"
        assert got == want and type(got) is type(want), f"{raw}: {got!r} != {want!r}"
