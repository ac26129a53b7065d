"""JSON Schemas as data: the report format (``--format json``), and a small validator.

:data:`REPORT_SCHEMA` describes the output of :mod:`lexgap.reporters.jsonfmt` (schema
version 1); ``schemas/report-1.schema.json`` in the repository is this dict, written by
:func:`report_schema_text` (a test keeps the two equal). New keys may be added to the
format in version 1, so objects allow additional properties; removing or retyping a key
needs a new schema version.

:func:`validate` checks an instance against the subset of JSON Schema (draft 2020-12)
that lexgap's own schemas use, so the test suite needs no extra dependency. It refuses
keywords outside that subset rather than silently ignoring them.
"""

from __future__ import annotations

import json
import re
from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"
REPORT_SCHEMA_ID = "https://lexgap.dev/schema/report-1.json"

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


_STRING = {"type": "string"}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_DATE = {"type": "string", "pattern": DATE_PATTERN}
_COUNT = {"type": "integer", "minimum": 0}

REPORT_SCHEMA: dict[str, Any] = {
    "$schema": DRAFT,
    "$id": REPORT_SCHEMA_ID,
    "title": "lexgap report, schema version 1",
    "description": (
        "The output of `lexgap check --format json`: one pack evaluated for some "
        "jurisdictions at one date, with every result and its explanation."
    ),
    "type": "object",
    "required": [
        "schema_version", "generator", "pack", "as_of", "backend", "jurisdictions", "results"
    ],
    "properties": {
        "schema_version": {"const": 1},
        "generator": {"type": "string", "description": "lexgap and its version"},
        "pack": {
            "type": "object",
            "required": ["name", "title", "version", "source"],
            "properties": {
                "name": _STRING,
                "title": _STRING,
                "version": _nullable(_STRING),
                "source": _nullable(_STRING),
            },
        },
        "as_of": {**_DATE, "description": "The evaluation date (ISO 8601)"},
        "backend": {"type": "string", "description": "native or durable"},
        "jurisdictions": {
            "type": "array",
            "description": "In the order given",
            "items": {"$ref": "#/$defs/jurisdiction"},
        },
        "results": {
            "type": "array",
            "description": "Jurisdictions in the order given; within each, criteria in pack order",
            "items": {"$ref": "#/$defs/result"},
        },
    },
    "$defs": {
        "summary": {
            "type": "object",
            "required": ["met", "gap", "unknown", "not_applicable", "score", "unknown_weight"],
            "properties": {
                "met": _COUNT,
                "gap": _COUNT,
                "unknown": _COUNT,
                "not_applicable": _COUNT,
                "score": {
                    "anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "null"}],
                    "description": (
                        "Weight met / weight met or gap; null when nothing met or gap"
                    ),
                },
                "unknown_weight": {"type": "number", "minimum": 0},
            },
        },
        "jurisdiction": {
            "type": "object",
            "required": ["code", "name", "file", "reviewed", "summary", "groups"],
            "properties": {
                "code": {"type": "string", "pattern": r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"},
                "name": _STRING,
                "file": _STRING,
                "reviewed": _nullable(_DATE),
                "summary": _nullable({"$ref": "#/$defs/summary"}),
                "groups": {
                    "type": "object",
                    "description": 'Per criterion group ("" for criteria without a group)',
                    "additionalProperties": {"$ref": "#/$defs/summary"},
                },
            },
        },
        "fact": {
            "type": "object",
            "required": ["path", "value", "since", "until", "source", "note"],
            "properties": {
                "path": _STRING,
                "value": {"type": "string", "description": "As shown (\"unknown\" when unknown)"},
                "since": _nullable(_DATE),
                "until": _nullable(_DATE),
                "source": _nullable(_STRING),
                "note": _nullable(_STRING),
            },
        },
        "result": {
            "type": "object",
            "required": [
                "jurisdiction", "criterion", "verdict", "missing", "because", "message",
                "title", "cites", "group", "severity", "weight", "remedy", "to_close", "facts",
            ],
            "properties": {
                "jurisdiction": _STRING,
                "criterion": _STRING,
                "verdict": {"enum": ["met", "gap", "unknown", "not_applicable"]},
                "missing": {**_STRINGS, "description": "Unknown facts the verdict depends on"},
                "because": {**_STRINGS, "description": "The conditions that made a gap"},
                "message": _nullable(_STRING),
                "title": _STRING,
                "cites": _STRINGS,
                "group": _nullable(_STRING),
                "severity": {"enum": ["critical", "high", "medium", "low"]},
                "weight": {"type": "number", "exclusiveMinimum": 0},
                "remedy": _nullable(_STRING),
                "to_close": _STRINGS,
                "facts": {"type": "array", "items": {"$ref": "#/$defs/fact"}},
            },
        },
    },
}


def report_schema_text() -> str:
    """The report schema as written to ``schemas/report-1.schema.json``."""
    return json.dumps(REPORT_SCHEMA, indent=2, ensure_ascii=False) + "\n"


# ---- a validator for the subset used -------------------------------------------------------

_IGNORED = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "format", "default", "examples",
     "markdownDescription", "$defs"}
)
_TYPES: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}


def validate(
    instance: Any, schema: dict[str, Any], root: dict[str, Any] | None = None
) -> list[str]:
    """Every way ``instance`` fails ``schema``, as ``"path: problem"`` strings ([] if valid)."""
    errors: list[str] = []
    _check(instance, schema, root if root is not None else schema, "$", errors)
    return errors


def _check(v: Any, s: dict[str, Any], root: dict[str, Any], at: str, errors: list[str]) -> None:
    for key, arg in s.items():
        if key in _IGNORED or key in ("additionalProperties",):
            continue
        if key == "$ref":
            if not isinstance(arg, str) or not arg.startswith("#/"):
                msg = f"only local $ref is supported, not {arg!r}"
                raise ValueError(msg)
            target: Any = root
            for part in arg[2:].split("/"):
                target = target[part]
            _check(v, target, root, at, errors)
        elif key == "type":
            names = arg if isinstance(arg, list) else [arg]
            if not any(_TYPES[n](v) for n in names):
                errors.append(f"{at}: expected {' or '.join(names)}, got {_kind(v)}")
                return
        elif key == "const":
            if not _same(v, arg):
                errors.append(f"{at}: must be {arg!r}")
        elif key == "enum":
            if not any(_same(v, a) for a in arg):
                errors.append(f"{at}: {v!r} is not one of {arg!r}")
        elif key == "pattern":
            if isinstance(v, str) and not re.search(arg, v):
                errors.append(f"{at}: {v!r} does not match {arg!r}")
        elif key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if _TYPES["number"](v):
                bad = {
                    "minimum": v < arg,
                    "maximum": v > arg,
                    "exclusiveMinimum": v <= arg,
                    "exclusiveMaximum": v >= arg,
                }[key]
                if bad:
                    errors.append(f"{at}: {v!r} fails {key} {arg!r}")
        elif key == "minItems":
            if isinstance(v, list) and len(v) < arg:
                errors.append(f"{at}: needs at least {arg} items")
        elif key == "items":
            if isinstance(v, list):
                for i, item in enumerate(v):
                    _check(item, arg, root, f"{at}[{i}]", errors)
        elif key == "required":
            if isinstance(v, dict):
                errors.extend(f"{at}: missing {name!r}" for name in arg if name not in v)
        elif key == "properties":
            if isinstance(v, dict):
                for name, sub in arg.items():
                    if name in v:
                        _check(v[name], sub, root, f"{at}.{name}", errors)
                extra = s.get("additionalProperties", True)
                for name in v:
                    if name in arg:
                        continue
                    if extra is False:
                        errors.append(f"{at}: unexpected key {name!r}")
                    elif isinstance(extra, dict):
                        _check(v[name], extra, root, f"{at}.{name}", errors)
        elif key == "propertyNames":
            if isinstance(v, dict):
                for name in v:
                    _check(name, arg, root, f"{at} key {name!r}", errors)
        elif key == "not":
            if not validate(v, arg, root):
                errors.append(f"{at}: must not match {arg!r}")
        elif key in ("anyOf", "oneOf"):
            outcomes = [validate(v, sub, root) for sub in arg]
            passed = sum(1 for o in outcomes if not o)
            if passed == 0:
                best = min(outcomes, key=len)
                errors.append(f"{at}: matches none of the allowed forms ({best[0]})")
            elif key == "oneOf" and passed > 1:
                errors.append(f"{at}: matches more than one form")
        else:
            msg = f"the schema uses {key!r}, which this validator does not support"
            raise ValueError(msg)
    if "additionalProperties" in s and "properties" not in s and isinstance(v, dict):
        extra = s["additionalProperties"]
        for name in v:
            if extra is False:
                errors.append(f"{at}: unexpected key {name!r}")
            elif isinstance(extra, dict):
                _check(v[name], extra, root, f"{at}.{name}", errors)


def _same(a: Any, b: Any) -> bool:
    if type(a) is type(b):
        return bool(a == b)
    return bool(_TYPES["number"](a) and _TYPES["number"](b) and a == b)


def _kind(v: Any) -> str:
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _TYPES[name](v):
            return name
    return type(v).__name__
