"""``import lexgap`` is cheap: public names are imported on first use (no timing here)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import lexgap

HEAVY = ("durable_rules", "hypothesis", "lark", "yaml", "rich", "click")


def _modules_after(code: str) -> set[str]:
    """The top-level modules loaded in a fresh interpreter after running ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return {m.split(".")[0] for m in json.loads(done.stdout.splitlines()[-1])}


def test_import_loads_no_heavy_dependency() -> None:
    """`import lexgap` loads neither durable_rules, hypothesis, lark, yaml, rich nor click."""
    loaded = _modules_after("import lexgap")
    assert not loaded & set(HEAVY)


def test_first_use_loads_what_it_needs_only() -> None:
    """Reading fact files and evaluating load yaml but not durable_rules or hypothesis."""
    loaded = _modules_after(
        "import lexgap\n"
        "pack = lexgap.parse_pack('pack p { title \"p\" }\\n"
        "fact a: bool\\ncriterion c { title \"c\" require a }')\n"
        "j = lexgap.parse_jurisdiction('jurisdiction: GB\\nname: UK\\nfacts:\\n  a: true\\n')\n"
        "assert lexgap.evaluate(pack, [j]).results[0].verdict.value == 'met'"
    )
    assert "yaml" in loaded
    assert not loaded & {"durable_rules", "hypothesis", "rich"}


@pytest.mark.parametrize("name", sorted(set(lexgap.__all__) - {"__version__"}))
def test_every_public_name_resolves(name: str) -> None:
    """Every name in `__all__` is reachable as `lexgap.NAME` and by `from lexgap import`."""
    value = getattr(lexgap, name)
    namespace: dict[str, object] = {}
    exec(f"from lexgap import {name}", namespace)
    assert namespace[name] is value


def test_evaluate_stays_the_function_after_its_module_is_imported() -> None:
    """Importing the module `lexgap.evaluate` first does not hide the function `evaluate`."""
    code = (
        "from lexgap.evaluate import bind\n"
        "import lexgap.evaluate\n"
        "import lexgap\n"
        "assert callable(lexgap.evaluate), lexgap.evaluate\n"
        "assert lexgap.evaluate.__module__ == 'lexgap.evaluate'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_unknown_attribute_is_an_attribute_error() -> None:
    """A name lexgap does not have raises AttributeError (so hasattr works)."""
    assert not hasattr(lexgap, "no_such_name")
    assert "evaluate" in dir(lexgap)
