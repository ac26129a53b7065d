"""A checked pack to what helps people write fact files for it.

:func:`fact_file_schema` gives a JSON Schema (draft 2020-12) for fact files of a pack, so
an editor (for example with the YAML language server) can validate and complete them:
each declared fact's allowed value forms by type, the metadata mapping form and the
values-over-time list form. :func:`skeleton` gives a fact file listing every fact the
pack uses, each ``unknown``, with its type and description as YAML comments.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lexgap import ir
from lexgap.model import Criterion, FactInfo, Pack
from lexgap.reporters.schema import DATE_PATTERN, DRAFT
from lexgap.types import (
    BoolType,
    DateType,
    DurationType,
    EnumType,
    ListType,
    NumberType,
    StringType,
    Type,
)

CODE_PATTERN = r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"
PATH_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"
DURATION_PATTERN = (
    r"^(?:(?:[0-9]+(?:w|d|h|min|s))+"
    r"|P(?=[0-9T])(?:[0-9]+W)?(?:[0-9]+D)?(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+S)?)?)$"
)


# ---- which facts a pack uses ---------------------------------------------------------------


def facts_read(pack: Pack, criterion: Criterion) -> list[str]:
    """The facts a criterion reads, through definitions, in first-use order."""
    paths: list[str] = []
    seen_defs: set[str] = set()
    queue = [e for e in (criterion.applies, criterion.require) if e is not None]
    while queue:
        node = queue.pop(0)
        for n in ir.walk(node):
            if isinstance(n, ir.FactRef) and n.path not in paths:
                paths.append(n.path)
            elif isinstance(n, ir.DefRef) and n.path not in seen_defs:
                seen_defs.add(n.path)
                queue.append(pack.definitions[n.path].expr)
    if criterion.gap is not None:
        for ref in criterion.gap.refs:
            if ref in pack.facts and ref not in paths:
                paths.append(ref)
    return paths


def facts_by_criterion(pack: Pack) -> tuple[list[tuple[Criterion, list[str]]], list[str]]:
    """Each criterion with the facts it is the first to read; then the facts none reads."""
    taken: set[str] = set()
    out: list[tuple[Criterion, list[str]]] = []
    for c in pack.criteria:
        fresh = [p for p in facts_read(pack, c) if p not in taken and p in pack.facts]
        taken.update(fresh)
        out.append((c, fresh))
    unused = [p for p in pack.facts if p not in taken]
    return out, unused


# ---- the fact-file schema ------------------------------------------------------------------


#: A value a YAML loader has already turned into a date: no JSON type at all. PyYAML
#: (YAML 1.1) reads ``2024-03-17`` as a ``datetime.date``, as lexgap itself does, so a
#: script that validates ``yaml.safe_load(file)`` sees one; editors (YAML 1.2, JSON) see
#: the string, which the other branch checks. Nothing a JSON document holds matches this.
YAML_DATE: dict[str, Any] = {
    "not": {"type": ["string", "number", "boolean", "null", "array", "object"]},
    "description": "A date as a YAML 1.1 loader reads it (not a JSON value)",
}

#: A date: ISO text, or what a YAML 1.1 loader made of it.
DATE_SCHEMA: dict[str, Any] = {
    "anyOf": [{"type": "string", "pattern": DATE_PATTERN, "format": "date"}, YAML_DATE]
}


def value_schema(type_: Type) -> dict[str, Any]:
    """The JSON Schema of a known value of ``type_`` as YAML or JSON data."""
    if isinstance(type_, BoolType):
        return {"type": "boolean"}
    if isinstance(type_, NumberType):
        return {"type": "number"}
    if isinstance(type_, StringType):
        # NOTE: lexgap reads any scalar's text as a string, so 18, true and an unquoted
        # 2024-01-01 are strings too.
        return {"anyOf": [{"type": ["string", "number", "boolean"]}, YAML_DATE]}
    if isinstance(type_, DateType):
        return DATE_SCHEMA
    if isinstance(type_, DurationType):
        return {
            "type": "string",
            "pattern": DURATION_PATTERN,
            "description": "A duration such as 24h, 90min, 7d, 2w or ISO 8601 PT24H",
        }
    if isinstance(type_, EnumType):
        return {"enum": list(type_.members)}
    if isinstance(type_, ListType):
        return {"type": "array", "items": value_schema(type_.element)}
    return {}


def fact_schema(info: FactInfo) -> dict[str, Any]:
    """A fact's three forms: a value, a mapping with metadata, a list of those over time."""
    value = {"anyOf": [{"const": "unknown"}, value_schema(info.type)]}
    entry = {
        "type": "object",
        "required": ["value"],
        "additionalProperties": False,
        "properties": {
            "value": value,
            "since": {"$ref": "#/$defs/date", "description": "In force from this date"},
            "until": {"$ref": "#/$defs/date", "description": "In force until (excluding)"},
            "source": {"type": "string", "description": "Where the value comes from"},
            "note": {"type": "string"},
        },
    }
    description = f"{info.type}" + (f": {info.description}" if info.description else "")
    return {
        "description": description,
        "anyOf": [
            value,
            entry,
            {"type": "array", "minItems": 1, "items": entry, "description": "Values over time"},
        ],
    }


def fact_file_schema(pack: Pack) -> dict[str, Any]:
    """A JSON Schema for fact files of ``pack`` (facts it does not declare are allowed)."""
    return {
        "$schema": DRAFT,
        "$id": f"https://lexgap.dev/schema/facts/{pack.name}.json",
        "title": f"lexgap fact file for {pack.title}",
        "description": (
            f"Facts of one jurisdiction for the pack {pack.name}"
            + (f" {pack.version}" if pack.version else "")
            + ". Facts the pack does not declare are allowed and ignored."
        ),
        "type": "object",
        "required": ["jurisdiction", "name"],
        "additionalProperties": False,
        "properties": {
            "jurisdiction": {
                "type": "string",
                "pattern": CODE_PATTERN,
                "description": "ISO 3166 code (GB) or a sub-national code (US-CA)",
            },
            "name": {"type": "string"},
            "reviewed": {"$ref": "#/$defs/date", "description": "When the facts were last checked"},
            "note": {"type": "string"},
            "facts": {
                "type": "object",
                "propertyNames": {"pattern": PATH_PATTERN},
                "properties": {path: fact_schema(info) for path, info in pack.facts.items()},
            },
        },
        "$defs": {"date": DATE_SCHEMA},
    }


def fact_file_schema_text(pack: Pack) -> str:
    return json.dumps(fact_file_schema(pack), indent=2, ensure_ascii=False) + "\n"


# ---- the skeleton --------------------------------------------------------------------------

_UNSAFE_COMMENT = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]+")


def comment(text: str) -> str:
    """Text that stays inside one YAML comment line (no line breaks or controls)."""
    return _UNSAFE_COMMENT.sub(" ", text).strip()


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax, which YAML 1.2 reads the same)."""
    return json.dumps(text, ensure_ascii=False)


def skeleton(pack: Pack, code: str, name: str) -> str:
    """A fact file for ``pack``: every fact the criteria read, ``unknown``, commented."""
    version = f" {comment(pack.version)}" if pack.version else ""
    lines = [
        f"# Fact file for {comment(pack.title)} ({comment(pack.name)}{version}).",
        "# Written by `lexgap init`. Replace each `unknown` with what the law says, and say",
        "# where it comes from:",
        "#   path: value",
        '#   path: {value: ..., since: YYYY-MM-DD, until: YYYY-MM-DD, source: "...", note: "..."}',
        "#   path: [{value: ..., until: 2024-03-17}, {value: ..., since: 2024-03-17}]  (over time)",
        f"jurisdiction: {yaml_string(code)}",
        f"name: {yaml_string(name)}",
        "facts:",
    ]
    groups, unused = facts_by_criterion(pack)

    def fact_lines(path: str) -> list[str]:
        info = pack.facts[path]
        about = f"{info.type}" + (f": {comment(info.description)}" if info.description else "")
        return [f"  # {about}", f"  {path}: unknown"]

    for criterion, paths in groups:
        if not paths:
            continue
        lines.append("")
        lines.append(f"  # -- {criterion.path}: {comment(criterion.title)}")
        for path in paths:
            lines.extend(fact_lines(path))
    if unused:
        lines.append("")
        lines.append("  # -- declared by the pack but read by no criterion")
        for path in unused:
            lines.extend(fact_lines(path))
    return "\n".join(lines) + "\n"
