"""Loading pack files (contract sections 1 and 7): imports, reading each file once,
import cycles, pack order of criteria, tests, and files that cannot be read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import lexgap


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path | str) -> lexgap.LexgapError:
    with pytest.raises(lexgap.LexgapError) as info:
        lexgap.load_pack(path)
    return info.value


def test_import_is_resolved_relative_to_the_importing_file(tmp_path: Path) -> None:
    """An import inside lib/b.lexgap of "c.lexgap" reads lib/c.lexgap, not ./c.lexgap."""
    write(tmp_path, "c.lexgap", "fact shared: number\n")  # decoy beside the root
    write(tmp_path, "lib/c.lexgap", "fact shared: bool\n")
    write(tmp_path, "lib/b.lexgap", 'import "c.lexgap"\n')
    root = write(
        tmp_path,
        "a.lexgap",
        'pack a { title "A" }\nimport "lib/b.lexgap"\n'
        'criterion a.one { title "t" require shared }\n',
    )
    pack = lexgap.load_pack(root)
    assert str(pack.facts["shared"].type) == "bool"


def test_import_may_climb_to_a_parent_folder(tmp_path: Path) -> None:
    """A relative import may use `..` to reach a shared vocabulary."""
    write(tmp_path, "vocabulary.lexgap", "fact v: bool\n")
    root = write(
        tmp_path,
        "packs/p.lexgap",
        'pack p { title "P" }\nimport "../vocabulary.lexgap"\n'
        'criterion p.one { title "t" require v }\n',
    )
    assert "v" in lexgap.load_pack(root).facts


def test_load_pack_accepts_a_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """load_pack takes a path relative to the working directory; imports follow the file."""
    write(tmp_path, "rules/vocabulary.lexgap", "fact v: bool\n")
    write(
        tmp_path,
        "rules/p.lexgap",
        'pack p { title "P" }\nimport "vocabulary.lexgap"\ncriterion c { title "t" require v }\n',
    )
    monkeypatch.chdir(tmp_path)
    assert [c.path for c in lexgap.load_pack(os.path.join("rules", "p.lexgap")).criteria] == ["c"]


def test_diamond_imports_read_each_file_once(tmp_path: Path) -> None:
    """A file imported along two paths is read once: its declarations are not duplicated."""
    write(tmp_path, "d.lexgap", 'fact f: bool\ncriterion d.one { title "t" require f }\n')
    write(tmp_path, "b.lexgap", 'import "d.lexgap"\n')
    write(tmp_path, "sub/c.lexgap", 'import "../d.lexgap"\n')
    root = write(
        tmp_path,
        "a.lexgap",
        'pack a { title "A" }\nimport "b.lexgap"\nimport "sub/c.lexgap"\nimport "./d.lexgap"\n',
    )
    pack = lexgap.load_pack(root)
    assert [c.path for c in pack.criteria] == ["d.one"]
    assert len(pack.files) == len(set(pack.files)) == 4


def test_same_fact_in_vocabulary_and_pack_with_the_same_type(tmp_path: Path) -> None:
    """A pack may repeat a vocabulary's fact declaration with the same type."""
    write(tmp_path, "vocabulary.lexgap", "fact e: enum(a, b)\n")
    root = write(
        tmp_path,
        "p.lexgap",
        'pack p { title "P" }\nimport "vocabulary.lexgap"\nfact e: enum(a, b) "again"\n'
        'criterion c { title "t" require e == a }\n',
    )
    assert lexgap.load_pack(root).facts["e"].description == "again"


def test_same_fact_in_vocabulary_and_pack_with_another_type(tmp_path: Path) -> None:
    """Redeclaring a vocabulary's fact with another type is conflicting-fact in the pack."""
    write(tmp_path, "vocabulary.lexgap", "fact e: enum(a, b)\n")
    root = write(
        tmp_path, "p.lexgap", 'pack p { title "P" }\nimport "vocabulary.lexgap"\nfact e: bool\n'
    )
    d = load_error(root).first
    assert (d.code, Path(d.span.file).name, d.span.line, d.span.column) == (
        "conflicting-fact",
        "p.lexgap",
        3,
        9,
    )


def test_imported_file_may_omit_or_have_a_pack_declaration(tmp_path: Path) -> None:
    """Only the loaded file's pack declaration counts; imported ones may have their own."""
    write(tmp_path, "other.lexgap", 'pack other { title "Other" }\nfact o: bool\n')
    root = write(tmp_path, "p.lexgap", 'pack p { title "P" }\nimport "other.lexgap"\n')
    pack = lexgap.load_pack(root)
    assert (pack.name, pack.title) == ("p", "P")


# ---- cycles and missing files ------------------------------------------------------------


def test_import_cycle_names_the_chain_of_files(tmp_path: Path) -> None:
    """a -> b -> c -> a is one import-cycle error naming the files in order."""
    write(tmp_path, "b.lexgap", 'import "c.lexgap"\n')
    write(tmp_path, "c.lexgap", 'fact x: bool\n\nimport "a.lexgap"\n')
    root = write(tmp_path, "a.lexgap", 'pack a { title "A" }\nimport "b.lexgap"\n')
    err = load_error(root)
    assert isinstance(err, lexgap.CheckError)
    (d,) = err.diagnostics
    assert (d.code, Path(d.span.file).name, d.span.line, d.span.column) == (
        "import-cycle",
        "c.lexgap",
        3,
        1,
    )
    positions = [d.message.find(name) for name in ("a.lexgap", "b.lexgap", "c.lexgap")]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_self_import_is_a_cycle(tmp_path: Path) -> None:
    """A file importing itself is an import cycle."""
    root = write(tmp_path, "a.lexgap", 'pack a { title "A" }\nimport "a.lexgap"\n')
    d = load_error(root).first
    assert (d.code, d.span.line, d.span.column) == ("import-cycle", 2, 1)


def test_cycle_below_the_root_is_reported(tmp_path: Path) -> None:
    """A cycle among imported files (not through the root) is reported too."""
    write(tmp_path, "b.lexgap", 'import "c.lexgap"\n')
    write(tmp_path, "c.lexgap", 'import "b.lexgap"\n')
    root = write(tmp_path, "a.lexgap", 'pack a { title "A" }\nimport "b.lexgap"\n')
    d = load_error(root).first
    assert (d.code, Path(d.span.file).name, d.span.line, d.span.column) == (
        "import-cycle",
        "c.lexgap",
        1,
        1,
    )
    assert "b.lexgap" in d.message and "c.lexgap" in d.message
    assert "a.lexgap" not in d.message


def test_missing_import_is_reported_at_the_import(tmp_path: Path) -> None:
    """Importing a file that does not exist is import-not-found at the import line."""
    root = write(tmp_path, "a.lexgap", 'pack a { title "A" }\n\n  import "nothere.lexgap"\n')
    err = load_error(root)
    assert isinstance(err, lexgap.CheckError)
    d = err.first
    assert (d.code, d.span.line, d.span.column) == ("import-not-found", 3, 3)
    assert "nothere.lexgap" in d.message


def test_missing_pack_file_is_a_check_error(tmp_path: Path) -> None:
    """Loading a file that does not exist raises CheckError, not OSError."""
    err = load_error(tmp_path / "absent.lexgap")
    assert isinstance(err, lexgap.CheckError)
    assert err.first.code == "unreadable"


def test_folder_instead_of_pack_file_is_a_check_error(tmp_path: Path) -> None:
    """Loading a folder raises CheckError, not IsADirectoryError."""
    err = load_error(tmp_path)
    assert isinstance(err, lexgap.CheckError)
    assert err.first.code == "unreadable"


def test_non_utf8_pack_is_a_check_error(tmp_path: Path) -> None:
    """A pack file that is not UTF-8 raises CheckError naming the file."""
    root = tmp_path / "latin1.lexgap"
    root.write_bytes('pack p { title "Gebühr" }\n'.encode("latin-1"))
    err = load_error(root)
    assert isinstance(err, lexgap.CheckError)
    assert err.first.code == "unreadable"
    assert "latin1.lexgap" in str(err)
    # the byte is shown where an editor shows it: line 1, column 20 (after "Geb")
    assert (err.first.span.line, err.first.span.column) == (1, 20)
    assert "0xFC" in err.first.message


def test_non_utf8_byte_position_counts_characters_before_it(tmp_path: Path) -> None:
    """The column of a bad byte counts the (multi-byte) characters before it on its line."""
    root = tmp_path / "mixed.lexgap"
    root.write_bytes('pack p { title "t" }\n# é€😀 '.encode() + b"\xff\n")
    err = load_error(root)
    assert (err.first.code, err.first.span.line, err.first.span.column) == ("unreadable", 2, 7)


def test_non_utf8_import_is_reported_at_the_import(tmp_path: Path) -> None:
    """An imported file that is not UTF-8 is a CheckError pointing at the import."""
    (tmp_path / "bad.lexgap").write_bytes(b"fact \xff: bool\n")
    root = write(tmp_path, "a.lexgap", 'pack a { title "A" }\nimport "bad.lexgap"\n')
    err = load_error(root)
    assert isinstance(err, lexgap.CheckError)
    assert (err.first.code, err.first.span.line) == ("unreadable", 2)
    assert "at line 1, column 6" in err.first.message


@pytest.mark.skipif(
    os.name == "nt" or (hasattr(os, "geteuid") and os.geteuid() == 0),
    reason="needs POSIX permissions",
)
def test_unreadable_pack_is_a_check_error(tmp_path: Path) -> None:
    """A pack file without read permission raises CheckError."""
    root = write(tmp_path, "a.lexgap", 'pack a { title "A" }\n')
    root.chmod(0)
    try:
        err = load_error(root)
    finally:
        root.chmod(0o644)
    assert isinstance(err, lexgap.CheckError)
    assert err.first.code == "unreadable"


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """A UTF-8 file that starts with a byte order mark loads."""
    root = tmp_path / "bom.lexgap"
    root.write_bytes('pack p { title "Gebühr" }\n'.encode("utf-8-sig"))
    assert lexgap.load_pack(root).title == "Gebühr"


def test_syntax_error_in_an_imported_file_names_that_file(tmp_path: Path) -> None:
    """A syntax error in an imported file is a ParseError at that file's line and column."""
    write(tmp_path, "vocab/v.lexgap", "fact ok: bool\nfact broken bool\n")
    root = write(tmp_path, "a.lexgap", 'pack a { title "A" }\nimport "vocab/v.lexgap"\n')
    err = load_error(root)
    assert isinstance(err, lexgap.ParseError)
    d = err.first
    assert (Path(d.span.file).name, d.span.line, d.span.column) == ("v.lexgap", 2, 13)


def test_type_error_in_an_imported_file_names_that_file(tmp_path: Path) -> None:
    """A check error in an imported file is located in that file."""
    write(tmp_path, "v.lexgap", "fact n: number\n\ndefine bad = n and n\n")
    root = write(tmp_path, "a.lexgap", 'pack a { title "A" }\nimport "v.lexgap"\n')
    d = load_error(root).first
    assert (d.code, Path(d.span.file).name, d.span.line, d.span.column) == (
        "not-boolean",
        "v.lexgap",
        3,
        14,
    )


# ---- order and tests ---------------------------------------------------------------------


def test_criteria_come_in_pack_order(tmp_path: Path) -> None:
    """Criteria are ordered imports first (depth first), then the file's own, in source order."""
    write(tmp_path, "d.lexgap", 'fact f: bool\ncriterion d1 { title "t" require f }\n')
    write(
        tmp_path,
        "b.lexgap",
        'criterion b1 { title "t" require f }\nimport "d.lexgap"\n'
        'criterion b2 { title "t" require f }\n',
    )
    write(tmp_path, "c.lexgap", 'criterion c1 { title "t" require f }\nimport "d.lexgap"\n')
    root = write(
        tmp_path,
        "a.lexgap",
        'criterion a2 { title "t" require f }\n'
        'pack a { title "A" }\nimport "b.lexgap"\n'
        'criterion a1 { title "t" require f }\n'
        'import "c.lexgap"\n'
        'criterion a0 { title "t" require f }\n',
    )
    order = [c.path for c in lexgap.load_pack(root).criteria]
    assert order == ["d1", "b1", "b2", "c1", "a2", "a1", "a0"]


def test_pack_tests_are_loaded(example_pack_path: Path) -> None:
    """The test blocks of the loaded pack are part of the checked pack, in source order."""
    text = example_pack_path.read_text(encoding="utf-8") + (
        'test "second" { as_of 2025-01-01 expect cta.ratify_lanzarote unknown }\n'
    )
    example_pack_path.write_text(text, encoding="utf-8")
    tests = lexgap.load_pack(example_pack_path).tests
    assert [t.name for t in tests] == ["a ratifying state meets the treaty pledge", "second"]
    assert tests[1].given == ()
    assert [(c, v) for c, v, _ in tests[1].expects] == [("cta.ratify_lanzarote", "unknown")]


def test_parse_pack_resolves_imports_beside_the_given_filename(tmp_path: Path) -> None:
    """parse_pack(text, filename) resolves imports as if the text were that file."""
    write(tmp_path, "vocabulary.lexgap", "fact v: bool\n")
    text = 'pack p { title "P" }\nimport "vocabulary.lexgap"\ncriterion c { title "t" require v }\n'
    pack = lexgap.parse_pack(text, str(tmp_path / "p.lexgap"))
    assert "v" in pack.facts


def test_load_pack_returns_equal_packs_for_the_same_file(example_pack_path: Path) -> None:
    """Loading the same file twice gives equal packs (no state leaks between loads)."""
    assert lexgap.load_pack(example_pack_path) == lexgap.load_pack(example_pack_path)


def test_nul_byte_in_an_import_is_a_check_error(tmp_path: Path) -> None:
    """An import naming an impossible file (a NUL byte) is import-not-found, not ValueError."""
    root = write(tmp_path, "a.lexgap", 'pack a { title "A" }\nimport "v\x00.lexgap"\n')
    err = load_error(root)
    assert isinstance(err, lexgap.CheckError)
    assert (err.first.code, err.first.span.line, err.first.span.column) == (
        "import-not-found",
        2,
        1,
    )


def test_nul_byte_in_the_pack_path_is_a_check_error(tmp_path: Path) -> None:
    """load_pack of a path with a NUL byte raises CheckError, not ValueError."""
    err = load_error(str(tmp_path / "a\x00.lexgap"))
    assert isinstance(err, lexgap.CheckError)
    assert err.first.code == "unreadable"


def test_overlong_import_name_is_a_check_error(tmp_path: Path) -> None:
    """An import whose name the OS refuses as too long is import-not-found, not OSError."""
    name = "x" * 5000 + ".lexgap"
    root = write(tmp_path, "a.lexgap", 'pack a { title "A" }\nimport "' + name + '"\n')
    err = load_error(root)
    assert isinstance(err, lexgap.CheckError)
    assert (err.first.code, err.first.span.line) == ("import-not-found", 2)
