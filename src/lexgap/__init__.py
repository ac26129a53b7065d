"""lexgap: legislation gap analysis for child online protection.

Load a rule pack and jurisdiction fact files, evaluate, and read explained results::

    import lexgap
    pack = lexgap.load_pack("rules/weprotect-cta-2024.lexgap")
"""

from __future__ import annotations

from lexgap.diagnostics import BackendUnavailable as BackendUnavailable
from lexgap.diagnostics import CheckError as CheckError
from lexgap.diagnostics import Diagnostic as Diagnostic
from lexgap.diagnostics import EvaluationError as EvaluationError
from lexgap.diagnostics import FactsError as FactsError
from lexgap.diagnostics import LexgapError as LexgapError
from lexgap.diagnostics import ParseError as ParseError
from lexgap.diagnostics import UsageError as UsageError
from lexgap.load import load_pack as load_pack
from lexgap.load import parse_pack as parse_pack
from lexgap.model import Pack as Pack

__version__ = "0.1.0"

__all__ = [
    "BackendUnavailable",
    "CheckError",
    "Diagnostic",
    "EvaluationError",
    "FactsError",
    "LexgapError",
    "Pack",
    "ParseError",
    "UsageError",
    "__version__",
    "load_pack",
    "parse_pack",
]
