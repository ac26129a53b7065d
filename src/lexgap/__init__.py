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
