"""lexgap: legislation gap analysis for child online protection.

Load a rule pack and jurisdiction fact files, evaluate, and read explained results::

    import lexgap
    pack = lexgap.load_pack("rules/weprotect-cta-2024.lexgap")

``import lexgap`` itself is cheap: each public name is imported from its module on first
use (``lexgap.evaluate``, ``from lexgap import load_pack``), so a command that only needs
the fact-file reader never loads the pack parser, and nothing loads durable-rules unless
``backend="durable"`` asks for it.
"""

from __future__ import annotations

import importlib as _importlib
import sys as _sys
import types as _types

# NOTE: not ``from typing import TYPE_CHECKING``: importing typing costs more than the rest
# of this module (mypy knows this name). Module names here have underscores because a
# submodule import binds the submodule on the package: ``lexgap.types`` would replace
# ``types``.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lexgap.diagnostics import BackendUnavailable as BackendUnavailable
    from lexgap.diagnostics import CheckError as CheckError
    from lexgap.diagnostics import Diagnostic as Diagnostic
    from lexgap.diagnostics import EvaluationError as EvaluationError
    from lexgap.diagnostics import FactsError as FactsError
    from lexgap.diagnostics import LexgapError as LexgapError
    from lexgap.diagnostics import ParseError as ParseError
    from lexgap.diagnostics import UsageError as UsageError
    from lexgap.evaluate import evaluate as evaluate
    from lexgap.evaluate import evaluate_iter as evaluate_iter
    from lexgap.facts import Jurisdiction as Jurisdiction
    from lexgap.facts import jurisdiction_from_mapping as jurisdiction_from_mapping
    from lexgap.facts import load_jurisdiction as load_jurisdiction
    from lexgap.facts import load_jurisdictions as load_jurisdictions
    from lexgap.facts import parse_jurisdiction as parse_jurisdiction
    from lexgap.load import load_pack as load_pack
    from lexgap.load import parse_pack as parse_pack
    from lexgap.model import Pack as Pack
    from lexgap.results import Report as Report
    from lexgap.results import Result as Result
    from lexgap.results import Verdict as Verdict

__version__ = "0.1.0"

#: public name -> the module that defines it (imported on first access).
_LAZY: dict[str, str] = {
    "BackendUnavailable": "lexgap.diagnostics",
    "CheckError": "lexgap.diagnostics",
    "Diagnostic": "lexgap.diagnostics",
    "EvaluationError": "lexgap.diagnostics",
    "FactsError": "lexgap.diagnostics",
    "LexgapError": "lexgap.diagnostics",
    "ParseError": "lexgap.diagnostics",
    "UsageError": "lexgap.diagnostics",
    "evaluate": "lexgap.evaluate",
    "evaluate_iter": "lexgap.evaluate",
    "Jurisdiction": "lexgap.facts",
    "jurisdiction_from_mapping": "lexgap.facts",
    "load_jurisdiction": "lexgap.facts",
    "load_jurisdictions": "lexgap.facts",
    "parse_jurisdiction": "lexgap.facts",
    "load_pack": "lexgap.load",
    "parse_pack": "lexgap.load",
    "Pack": "lexgap.model",
    "Report": "lexgap.results",
    "Result": "lexgap.results",
    "Verdict": "lexgap.results",
}


def _lazy_attribute(name: str) -> Any:
    """Import a public name's module on first access, then keep the name here."""
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'lexgap' has no attribute '{name}'"
        raise AttributeError(msg)
    value = getattr(_importlib.import_module(module), name)
    # NOTE: importing lexgap.evaluate may itself have bound the submodule to this name
    # (see _Package); either way the function wins.
    setattr(_sys.modules[__name__], name, value)
    return value


def _dir() -> list[str]:
    return sorted({*globals(), *_LAZY})


# NOTE: hidden from type checkers, which would otherwise accept any ``lexgap.<typo>``;
# they see the names through the imports above instead.
if not TYPE_CHECKING:
    __getattr__ = _lazy_attribute
    __dir__ = _dir


class _Package(_types.ModuleType):
    """This package's module type: submodule imports never hide a public function.

    NOTE: after importing a submodule, Python binds it on its package under its own
    name. The function ``lexgap.evaluate`` shares its name with the module
    ``lexgap.evaluate``; with the eager imports this package used to do, the function was
    bound last. Lazily, ``from lexgap.evaluate import bind`` may run first, so binding the
    submodule here binds the function of the same name from it instead.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if (
            isinstance(value, _types.ModuleType)
            and _LAZY.get(name) == value.__name__ == f"{__name__}.{name}"
            and hasattr(value, name)
        ):
            value = getattr(value, name)
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package

__all__ = [
    "BackendUnavailable",
    "CheckError",
    "Diagnostic",
    "EvaluationError",
    "FactsError",
    "Jurisdiction",
    "LexgapError",
    "Pack",
    "ParseError",
    "Report",
    "Result",
    "UsageError",
    "Verdict",
    "__version__",
    "evaluate",
    "evaluate_iter",
    "jurisdiction_from_mapping",
    "load_jurisdiction",
    "load_jurisdictions",
    "load_pack",
    "parse_jurisdiction",
    "parse_pack",
]
