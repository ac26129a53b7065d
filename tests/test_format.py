"""The formatter: golden files, the contract's example, properties over random packs."""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lexgap
from lexgap import ast
from lexgap.format import (
    check_formatted,
    comment_texts,
    diff,
    format_source,
    write_atomically,
)
from lexgap.load import parse_module
from lexgap.testing import pack_sources, packs

GOLDEN = Path(__file__).parent / "golden" / "format"
GOLDEN_INPUTS = sorted(GOLDEN.glob("*.lexgap"))

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CONTRACT_EXAMPLE = '''\
# rules/example.lexgap
pack example.cta2024 {
  title   "Example: take-down and treaty pledges"
  version "1.0.0"
  source  "https://www.weprotect.org/"
}

import "vocabulary.lexgap"          # optional; may declare shared facts

fact treaty.lanzarote: enum(not_signed, signed, ratified) "Status of CETS No. 201"
fact law.csam.ai_generated: bool "Computer- or AI-generated CSAM is a criminal offence"
fact law.sextortion.financial: bool
fact takedown.mandated: bool "Providers must remove notified CSAM by law"
fact takedown.notice_period: duration "Longest time allowed to remove notified CSAM"
fact law.age_of_consent: number "Age of sexual consent, in years"
fact law.csam.enacted: date
fact law.instruments: list(string)

define lanzarote_like = law.csam.ai_generated and law.sextortion.financial

criterion cta.ratify_lanzarote {
  title    "Sign and ratify the Lanzarote Convention or implement similar legislation"
  cites    "Call to Action 2024, government pledge 1(b)"
  group    "Strengthen cooperation"
  severity high
  require  treaty.lanzarote == ratified or lanzarote_like
  gap      "The Lanzarote Convention is {treaty.lanzarote} and equivalent offences are incomplete."
  remedy   "Ratify CETS No. 201, or enact offences equivalent to its Articles 18-23."
}

criterion cta.takedown_period {
  title    "Take-down notice periods are short"
  cites    "Call to Action 2024, government pledge 3(e)"
  severity medium
  weight   2
  applies  takedown.mandated
  require  takedown.notice_period <= 24h
  gap      "Providers have {takedown.notice_period} to remove notified material."
}

test "a ratifying state meets the treaty pledge" {
  given {
    treaty.lanzarote = ratified
    takedown.mandated = false
  }
  expect cta.ratify_lanzarote met
  expect cta.takedown_period not_applicable
}
'''


def module_of(text: str) -> ast.Module:
    module, diagnostics = parse_module(text, "<string>")
    assert diagnostics == []
    return module


def parser_comments(text: str) -> list[str]:
    """Comment texts as the parser finds them (independent of the formatter's scanner)."""
    return [c.text for c in module_of(text).comments]


# ---- random layouts: extra whitespace and comments between tokens --------------------------

_TOKEN = re.compile(
    r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|[0-9]{4}-[0-9]{2}-[0-9]{2}(?![A-Za-z0-9_])'
    r"|[A-Za-z0-9_.]+|==|!=|<=|>=|\S"
)
_comment_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Zs")) | st.just(" "),
    max_size=20,
).map(lambda s: "#" + s.rstrip())
_spaces = st.sampled_from([" ", "  ", "\t", "\n", "\n\n", " \n    ", "\n\n\n"])
_comments = st.one_of(
    _comment_text.map(lambda c: f"  {c}\n"),
    _comment_text.map(lambda c: f"\n{c}\n"),
    _comment_text.map(lambda c: f"\n\n{c}\n\n"),
)


@st.composite
def relaid(draw: st.DrawFn, text: str, comments: bool = True) -> str:
    """The same tokens as ``text``, with random whitespace (and comments) between them."""
    separator = _spaces | _comments if comments else _spaces
    out = [draw(st.just("") | separator)]
    for token in _TOKEN.findall(text):
        out.append(token)
        out.append(draw(separator) if draw(st.integers(0, 3)) else " ")
    return "".join(out)


noisy_sources = pack_sources(max_facts=6, max_criteria=4, arbitrary_expects=True).flatmap(relaid)


# ---- golden files ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", GOLDEN_INPUTS, ids=lambda p: p.stem)
def test_golden_file(path: Path) -> None:
    """Each golden input formats to exactly its .expected file."""
    expected = path.with_suffix(".expected").read_text(encoding="utf-8")
    assert format_source(path.read_text(encoding="utf-8"), path.name) == expected


@pytest.mark.parametrize("path", GOLDEN_INPUTS, ids=lambda p: p.stem)
def test_golden_expected_is_canonical(path: Path) -> None:
    """Each .expected golden file is already formatted and means what its input means."""
    expected = path.with_suffix(".expected").read_text(encoding="utf-8")
    assert check_formatted(expected, path.name)
    assert module_of(expected) == module_of(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", GOLDEN_INPUTS, ids=lambda p: p.stem)
def test_golden_keeps_every_comment(path: Path) -> None:
    """Every comment of a golden input is in its formatted output."""
    text = path.read_text(encoding="utf-8")
    assert sorted(parser_comments(format_source(text))) == sorted(parser_comments(text))


# ---- the contract's example ------------------------------------------------------------------


def test_contract_example_round_trips() -> None:
    """The section-2 example formats to text that parses to an equal module."""
    formatted = format_source(CONTRACT_EXAMPLE, "example.lexgap")
    assert module_of(formatted) == module_of(CONTRACT_EXAMPLE)
    assert format_source(formatted, "example.lexgap") == formatted


def test_contract_example_layout_is_kept() -> None:
    """The example is canonical already, except that a trailing comment sits two spaces out."""
    formatted = format_source(CONTRACT_EXAMPLE, "example.lexgap")
    expected = CONTRACT_EXAMPLE.replace(
        '"vocabulary.lexgap"          #', '"vocabulary.lexgap"  #'
    )
    assert formatted == expected


def test_shipped_packs_are_formatted() -> None:
    """Every pack shipped under rules/ is in canonical layout."""
    rules = Path(__file__).parent.parent / "rules"
    for path in sorted(rules.glob("*.lexgap")):
        text = path.read_text(encoding="utf-8")
        assert format_source(text, str(path)) == text, diff(text, format_source(text), path.name)


# ---- layout rules ------------------------------------------------------------------------------


def test_clauses_are_reordered_with_their_comments() -> None:
    """Clauses come out in canonical order and an own-line comment moves with its clause."""
    text = 'criterion c {\n  # why\n  require a\n  title "T"\n}\n'
    assert format_source(text) == 'criterion c {\n  title   "T"\n  # why\n  require a\n}\n'


def test_keywords_pad_to_a_common_column() -> None:
    """Clause values line up one space after the longest keyword present."""
    text = 'criterion c { title "T" severity low require a }'
    expected = 'criterion c {\n  title    "T"\n  severity low\n  require  a\n}\n'
    assert format_source(text) == expected


def test_trailing_comment_stays_on_its_line() -> None:
    """A comment after code stays at the end of that declaration's line."""
    text = "fact a: bool   # first\nfact b:\n  bool\n"
    assert format_source(text) == "fact a: bool  # first\nfact b: bool\n"


def test_comment_on_continuation_line_moves_before_the_item() -> None:
    """A comment after a continuation line goes before the item, which becomes one line."""
    text = "define d = a\n  and b  # about b\n"
    assert format_source(text) == "# about b\ndefine d = a and b\n"


def test_comments_at_end_of_block_and_file_stay() -> None:
    """Comments before a closing brace and at the end of the file stay where they are."""
    text = 'pack p { title "T"\n# end of pack\n}\nfact a: bool\n# end of file\n'
    expected = 'pack p {\n  title "T"\n  # end of pack\n}\n\nfact a: bool\n\n# end of file\n'
    assert format_source(text) == expected


def test_declarations_are_separated_by_one_blank_line() -> None:
    """Facts and imports group without blank lines; other declarations get one."""
    text = 'import "a.lexgap" import "b.lexgap" fact a: bool fact b: bool define d = a\n\n\n'
    expected = (
        'import "a.lexgap"\nimport "b.lexgap"\n\nfact a: bool\nfact b: bool\n\ndefine d = a\n'
    )
    assert format_source(text) == expected


def test_long_chain_wraps_one_operand_a_line() -> None:
    """A require longer than the width limit puts each and-operand on its own line."""
    names = [f"law.some_rather_long_fact_name_{i}" for i in range(4)]
    text = f'criterion c {{ title "T" require {" and ".join(names)} }}'
    formatted = format_source(text)
    assert formatted.splitlines()[2:6] == [
        f"  require {names[0]}",
        *(f"          and {n}" for n in names[1:]),
    ]
    assert format_source(formatted) == formatted
    assert module_of(formatted) == module_of(text)


def test_strings_are_requoted() -> None:
    """Strings come out with canonical escapes."""
    text = 'fact a: bool "tab\there \\"q\\" back\\\\slash"'
    assert format_source(text) == 'fact a: bool "tab\\there \\"q\\" back\\\\slash"\n'


def test_empty_text_formats_to_empty_text() -> None:
    """A file with nothing in it stays empty; one with only comments keeps them."""
    assert format_source("") == ""
    assert format_source("\n\n  \n") == ""
    assert format_source("# only\n\n\n# comments") == "# only\n\n# comments\n"


def test_output_ends_with_one_newline() -> None:
    """The output always ends in exactly one newline."""
    assert format_source("fact a: bool\n\n\n\n").endswith("bool\n")


# ---- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "fact a bool",
        "criterion c { require a = b }",
        'pack p { title "unclosed }',
        "define d = (a",
        "criterion c { titel }",
        "fact a: bool }",
        "@",
    ],
)
def test_syntax_error_raises_parse_error(text: str) -> None:
    """Text with a syntax error raises ParseError."""
    with pytest.raises(lexgap.ParseError):
        format_source(text)


def test_builder_rejection_raises_check_error() -> None:
    """Text the builder rejects (here an unknown severity) is not formatted: it would be lost."""
    with pytest.raises(lexgap.CheckError) as err:
        format_source('criterion c { title "T" severity hgih require a }')
    assert err.value.first.code == "unknown-severity"


def test_imports_need_not_exist_and_types_are_not_checked() -> None:
    """Formatting is about syntax only: a missing import or a type error is fine."""
    text = 'import "nowhere.lexgap"\n\ndefine d = 1 + true\n'
    assert format_source(text) == text


@PROPERTY
@given(text=st.text(st.sampled_from('abc(){}[]"#=<>.,:-+*/ \n0123456789'), max_size=40))
def test_garbage_raises_only_lexgap_errors(text: str) -> None:
    """Arbitrary text either formats or raises ParseError or CheckError (never a FormatError)."""
    with contextlib.suppress(lexgap.ParseError, lexgap.CheckError):
        format_source(text)


@PROPERTY
@given(
    text=pack_sources(max_criteria=2, arbitrary_expects=True),
    data=st.data(),
)
def test_damaged_packs_raise_only_input_errors(text: str, data: st.DataObject) -> None:
    """A generated pack cut short or missing a character raises only ParseError or CheckError."""
    cut = data.draw(st.integers(0, len(text)))
    damaged = data.draw(st.sampled_from([text[:cut], text[:cut] + text[cut + 1 :]]))
    with contextlib.suppress(lexgap.ParseError, lexgap.CheckError):
        format_source(damaged)


# ---- properties over random packs ---------------------------------------------------------------


@PROPERTY
@given(packs(max_facts=6, max_criteria=4))
def test_generated_packs_load(pack: lexgap.Pack) -> None:
    """Every text pack_sources() draws loads with parse_pack (the strategy's promise)."""
    assert pack.criteria


@PROPERTY
@given(pack_sources(arbitrary_expects=True))
def test_format_is_idempotent_and_preserves_meaning(text: str) -> None:
    """Formatting a generated pack twice changes nothing, and the tree stays equal."""
    once = format_source(text)
    assert format_source(once) == once
    assert module_of(once) == module_of(text)
    lexgap.parse_pack(once)


@PROPERTY
@given(noisy_sources)
def test_noisy_layouts_format_stably_and_keep_comments(text: str) -> None:
    """With random whitespace and comments between tokens: idempotent, same tree, all comments."""
    once = format_source(text)
    assert format_source(once) == once
    assert module_of(once) == module_of(text)
    assert sorted(parser_comments(once)) == sorted(parser_comments(text))
    assert comment_texts(once) == parser_comments(once)


@PROPERTY
@given(text=pack_sources(arbitrary_expects=True), data=st.data())
def test_layout_does_not_change_the_result(text: str, data: st.DataObject) -> None:
    """Two layouts of one pack (without comments) format to the same text."""
    other = data.draw(relaid(text, comments=False))
    assert format_source(other) == format_source(text)


# ---- check, diff and write ---------------------------------------------------------------------


def test_check_formatted() -> None:
    """check_formatted is true exactly for canonical text."""
    assert check_formatted("fact a: bool\n")
    assert not check_formatted("fact  a: bool\n")
    assert not check_formatted("fact a: bool")


def test_diff_is_unified_and_empty_when_equal() -> None:
    """diff gives a unified diff naming the file, and nothing for equal texts."""
    text = "fact  a: bool"
    out = diff(text, format_source(text), "p.lexgap")
    assert out.startswith("--- p.lexgap\n+++ p.lexgap (formatted)\n")
    assert "-fact  a: bool\n\\ No newline at end of file\n" in out
    assert "+fact a: bool\n" in out
    assert diff("x\n", "x\n", "p.lexgap") == ""


def test_write_atomically_replaces_content_and_keeps_permissions(tmp_path: Path) -> None:
    """The file gets the new text, keeps its permission bits, and no temporary file remains."""
    target = tmp_path / "p.lexgap"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomically(target, "new ünïcode\n")
    assert target.read_text(encoding="utf-8") == "new ünïcode\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["p.lexgap"]


def test_write_atomically_follows_symlinks(tmp_path: Path) -> None:
    """Writing through a symbolic link replaces the file it points to, not the link."""
    real = tmp_path / "real.lexgap"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.lexgap"
    link.symlink_to(real)
    write_atomically(link, "new\n")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new\n"


def test_write_atomically_failure_leaves_the_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the rename fails, the original is untouched and the temporary file is removed."""
    target = tmp_path / "p.lexgap"
    target.write_text("old", encoding="utf-8")

    def fail(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(lexgap.UsageError):
        write_atomically(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["p.lexgap"]


def test_testing_module_is_not_imported_by_lexgap() -> None:
    """`import lexgap` does not import hypothesis or lexgap.testing."""
    import subprocess
    import sys

    code = "import sys, lexgap, lexgap.format; print('hypothesis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
