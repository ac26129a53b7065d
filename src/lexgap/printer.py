"""Syntax tree to canonical rule-language text, with only the parentheses it needs.

Used by the formatter and to name conditions in explanations, so an explanation quotes a
condition exactly as the formatted pack shows it.
"""

from __future__ import annotations

from lexgap import ast
from lexgap.types import quote_string

# Binding strength; higher binds tighter.
_IMPLIES, _OR, _AND, _NOT, _CMP, _SUM, _PRODUCT, _UNARY, _ATOM = range(1, 10)


def precedence(e: ast.Expr) -> int:
    if isinstance(e, ast.Implies):
        return _IMPLIES
    if isinstance(e, ast.Or):
        return _OR
    if isinstance(e, ast.And):
        return _AND
    if isinstance(e, ast.Not):
        return _NOT
    if isinstance(e, ast.Compare | ast.In | ast.Contains):
        return _CMP
    if isinstance(e, ast.Arith):
        return _SUM if e.op in "+-" else _PRODUCT
    if isinstance(e, ast.Neg):
        return _UNARY
    if isinstance(e, ast.NumberLit) and e.text.startswith("-"):
        return _UNARY
    return _ATOM


def expr_text(e: ast.Expr) -> str:
    """The canonical text of an expression."""
    if isinstance(e, ast.Name):
        return e.path
    if isinstance(e, ast.BoolLit):
        return "true" if e.value else "false"
    if isinstance(e, ast.NumberLit):
        return e.text
    if isinstance(e, ast.StringLit):
        return quote_string(e.value)
    if isinstance(e, ast.DateLit):
        return e.value.isoformat()
    if isinstance(e, ast.DurationLit):
        return e.text
    if isinstance(e, ast.UnknownLit):
        return "unknown"
    if isinstance(e, ast.ListLit):
        return "[" + ", ".join(expr_text(i) for i in e.items) + "]"
    if isinstance(e, ast.AsOf):
        return "as_of"
    if isinstance(e, ast.Known):
        return f"known({e.path.path})"
    if isinstance(e, ast.Count):
        return f"count({e.path.path})"
    if isinstance(e, ast.Not):
        return "not " + _wrap(e.operand, precedence(e.operand) < _NOT)
    if isinstance(e, ast.Neg):
        return "-" + _wrap(e.operand, precedence(e.operand) < _UNARY)
    if isinstance(e, ast.And | ast.Or):
        own = precedence(e)
        word = " and " if isinstance(e, ast.And) else " or "
        return word.join(_wrap(o, precedence(o) <= own) for o in e.operands)
    if isinstance(e, ast.Implies):
        left = _wrap(e.left, precedence(e.left) <= _IMPLIES)
        right = _wrap(e.right, precedence(e.right) < _IMPLIES)
        return f"{left} implies {right}"
    if isinstance(e, ast.Compare | ast.In | ast.Contains):
        if isinstance(e, ast.Compare):
            op = e.op
        elif isinstance(e, ast.In):
            op = "not in" if e.negated else "in"
        else:
            op = "contains"
        left = _wrap(e.left, precedence(e.left) <= _CMP)
        right = _wrap(e.right, precedence(e.right) <= _CMP)
        return f"{left} {op} {right}"
    if isinstance(e, ast.Arith):
        own = precedence(e)
        left = _wrap(e.left, precedence(e.left) < own)
        right = _wrap(e.right, precedence(e.right) <= own)
        return f"{left} {e.op} {right}"
    msg = f"cannot print {type(e).__name__}"
    raise TypeError(msg)


def _wrap(e: ast.Expr, parens: bool) -> str:
    text = expr_text(e)
    return f"({text})" if parens else text
