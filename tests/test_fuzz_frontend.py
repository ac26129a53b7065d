"""Robustness of the front end: whatever the text, parse_pack either returns a pack or
raises a lexgap.LexgapError subclass (never another exception, never a lark error)."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lexgap

PACKS = Path(__file__).resolve().parent / "data" / "packs"
#: Parsed as if it were the example file, so its vocabulary import resolves.
EXAMPLE_FILE = str(PACKS / "example.lexgap")
EXAMPLE = (PACKS / "example.lexgap").read_text(encoding="utf-8")

#: LEXGAP_FUZZ_EXAMPLES runs every fuzz property longer (tests/test_hardening.py and
#: tests/test_fuzz_facts.py read it too); see docs/security.rst.
FUZZ = settings(
    max_examples=int(os.environ.get("LEXGAP_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

#: Characters and words that matter to the grammar, so mutations reach deep states.
SIGNIFICANT = [
    *'{}()[]",.:=<>!-+*/#\\ \n\t_',
    "==",
    "<=",
    "not in",
    " and ",
    " or ",
    " implies ",
    " contains ",
    "known(",
    "count(",
    "as_of",
    "unknown",
    "true",
    "24h",
    "90min",
    "2024-02-30",
    "2024-12-05",
    "0.5",
    "-1",
    "enum(",
    "list(",
    "define ",
    "criterion ",
    "fact ",
    "test ",
    "given ",
    "expect ",
    "import ",
    "pack ",
    "{x}",
    "\x00",
    "\u00e9",
    "\U0001f600",
]

insertion = st.one_of(
    st.sampled_from(SIGNIFICANT),
    st.text(min_size=1, max_size=5),
)


def attempt(text: str, filename: str = EXAMPLE_FILE) -> None:
    """Parse; any failure must be a LexgapError with positioned, renderable diagnostics."""
    try:
        lexgap.parse_pack(text, filename)
    except lexgap.LexgapError as err:
        assert err.diagnostics
        for d in err.diagnostics:
            assert d.code
        str(err)  # rendering must not fail either


@st.composite
def mutated_example(draw: st.DrawFn) -> str:
    """The contract's example pack after a few random edits."""
    text = EXAMPLE
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "replace"]))
        size = len(text)
        if size == 0:
            op = "insert"
        i = draw(st.integers(min_value=0, max_value=max(size - 1, 0)))
        if op == "delete":
            j = draw(st.integers(min_value=i, max_value=min(size, i + 40)))
            text = text[:i] + text[j:]
        elif op == "duplicate":
            j = draw(st.integers(min_value=i, max_value=min(size, i + 80)))
            text = text[:j] + text[i:j] + text[j:]
        elif op == "swap":
            j = draw(st.integers(min_value=0, max_value=size - 1))
            a, b = sorted((i, j))
            if a != b:
                text = text[:a] + text[b] + text[a + 1 : b] + text[a] + text[b + 1 :]
        elif op == "insert":
            text = text[:i] + draw(insertion) + text[i:]
        else:
            j = draw(st.integers(min_value=i, max_value=min(size, i + 10)))
            text = text[:i] + draw(insertion) + text[j:]
    return text


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_text_raises_only_lexgap_errors(text: str) -> None:
    """Arbitrary text is a pack or a LexgapError."""
    attempt(text, "fuzz.lexgap")


@FUZZ
@given(st.lists(st.sampled_from(SIGNIFICANT), max_size=60).map("".join))
def test_grammar_soup_raises_only_lexgap_errors(text: str) -> None:
    """Random sequences of the language's own symbols and words are a pack or a LexgapError."""
    attempt('pack p { title "t" }\n' + text, "fuzz.lexgap")


@FUZZ
@given(mutated_example())
def test_mutated_example_raises_only_lexgap_errors(text: str) -> None:
    """The example pack after random deletions, duplications, swaps and insertions."""
    attempt(text)


@FUZZ
@given(st.binary(max_size=40), st.integers(min_value=0, max_value=len(EXAMPLE.encode())))
def test_byte_mutations_raise_only_lexgap_errors(noise: bytes, where: int) -> None:
    """Random bytes spliced into the example, decoded leniently, still fail cleanly."""
    data = EXAMPLE.encode()
    text = (data[:where] + noise + data[where:]).decode("utf-8", errors="replace")
    attempt(text)


def test_unmutated_example_parses() -> None:
    """The fuzzing base is itself a valid pack (so mutations start from a real program)."""
    assert lexgap.parse_pack(EXAMPLE, EXAMPLE_FILE).name == "example.cta2024"
