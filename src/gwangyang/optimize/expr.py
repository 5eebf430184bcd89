"""Safe arithmetic expressions over table columns, for derived parameters and constraints.

Only numbers, parameter names, ``+ - * / ** %``, comparisons (chained too), ``and or not`` and the
functions in :data:`FUNCTIONS` are allowed; anything else (attributes, calls of other names,
subscripts) is refused, so a space file cannot run code. Expressions evaluate on whole columns.

Python reads identifiers in NFKC form (``두께_µm`` with a micro sign is read as ``두께_μm`` with a Greek
mu), so names are matched to columns through :func:`normal_name`. A name that is not a Python
identifier (``온도 (°C)``, ``rate[C]``) is written in backquotes, as in pandas' ``query``:
```온도 (°C)` < 40``.
"""

from __future__ import annotations

import ast
import contextlib
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..errors import InputError

FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": np.abs,
    "sqrt": np.sqrt,
    "log": np.log,
    "log10": np.log10,
    "exp": np.exp,
    "min": lambda *a: np.minimum.reduce(np.broadcast_arrays(*a)),
    "max": lambda *a: np.maximum.reduce(np.broadcast_arrays(*a)),
}
_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
    ast.Mod: np.mod,
}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}


_QUOTED = re.compile(r"`([^`]+)`")
_QUOTED_PREFIX = "_quoted_"


def _quoted_identifier(match: re.Match[str]) -> str:
    return _QUOTED_PREFIX + match.group(1).encode("utf-8").hex()


def normal_name(name: str) -> str:
    """A name as an expression reads it (NFKC, as Python's parser does; backquoted names undone)."""
    if name.startswith(_QUOTED_PREFIX):
        with contextlib.suppress(ValueError):  # a user's own name that merely starts so
            name = bytes.fromhex(name[len(_QUOTED_PREFIX) :]).decode("utf-8")
    return unicodedata.normalize("NFKC", name)


def parse(text: str, where: str) -> ast.Expression:
    """Parse and check an expression; ``where`` names it in errors (e.g. ``constraints[2]``).

    Raises
    ------
    InputError
        Not an expression, or one using something outside the allowed set.
    """
    try:
        tree = ast.parse(_QUOTED.sub(_quoted_identifier, str(text)), mode="eval")
    except SyntaxError as exc:
        hint = (
            "; write a name that is not an identifier in backquotes, `온도 (°C)`"
            if "character" in exc.msg
            else ""
        )
        raise InputError(f"{where}: {text!r} is not an expression ({exc.msg}{hint}).") from exc
    for node in ast.walk(tree):
        allowed = (
            ast.Expression,
            ast.BinOp,
            ast.UnaryOp,
            ast.BoolOp,
            ast.Compare,
            ast.Name,
            ast.Load,
            ast.Constant,
            ast.Call,
            ast.And,
            ast.Or,
            ast.Not,
            ast.USub,
            ast.UAdd,
            *_BINARY,
            *_COMPARE,
        )
        if not isinstance(node, allowed):
            raise InputError(f"{where}: {text!r} uses {type(node).__name__}, which is not allowed.")
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
            raise InputError(f"{where}: {text!r} calls something other than {', '.join(FUNCTIONS)}.")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, str)):
            raise InputError(f"{where}: {text!r} has a constant of type {type(node.value).__name__}.")
    return tree


def names(tree: ast.Expression) -> set[str]:
    """Variable names an expression reads (function names excluded)."""
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return {normal_name(n.id) for n in ast.walk(tree) if isinstance(n, ast.Name)} - called


def evaluate(tree: ast.Expression, columns: Mapping[str, Any], where: str) -> Any:
    """Evaluate on columns (numpy arrays or scalars); division by zero gives inf/nan, not an error.

    Raises
    ------
    InputError
        An unknown name, or an operation the values do not support (a number compared with a string,
        a function called with the wrong number of arguments); ``where`` is named.
    """
    columns = {normal_name(k): v for k, v in columns.items()}

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            name = normal_name(node.id)
            if name not in columns:
                raise InputError(f"{where}: unknown name {name!r}; known: {', '.join(sorted(columns))}.")
            return columns[name]
        if isinstance(node, ast.BinOp):
            return _BINARY[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp):
            value = ev(node.operand)
            if isinstance(node.op, ast.Not):
                return np.logical_not(value)
            return np.negative(value) if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BoolOp):
            values = [ev(v) for v in node.values]
            combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
            out = values[0]
            for value in values[1:]:
                out = combine(out, value)
            return out
        if isinstance(node, ast.Compare):
            left = ev(node.left)
            result: Any = True
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = ev(right_node)
                result = np.logical_and(result, _COMPARE[type(op)](left, right))
                left = right
            return result
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            return FUNCTIONS[node.func.id](*[ev(a) for a in node.args])
        raise InputError(f"{where}: cannot evaluate {type(node).__name__}.")  # pragma: no cover

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        try:
            return ev(tree)
        except (TypeError, ValueError) as exc:
            raise InputError(f"{where}: cannot be evaluated ({exc}).") from exc
