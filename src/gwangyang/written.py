"""A value as a refusal shows it: as the user wrote it in a TOML or JSON file or a table, not as Python's ``repr``.

``repr`` shows ``np.float64(7.5)`` for a number read from a table, ``True`` and ``None`` for TOML's and JSON's
``true`` and ``null``; :func:`as_written` shows ``7.5``, ``true``,
``null``. Text keeps its quotes (``'광양항'``, as ``repr`` writes it, so a refusal's value stands apart
from its words), Korean as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LIMIT = 60
"""Characters of a value shown at most (a table given as an id can be long); the rest is cut to ``…``."""


def as_written(value: Any, limit: int | None = LIMIT, *, python: bool = False) -> str:
    """``value`` as its user wrote it, cut to ``limit`` characters (None: whole).

    ``python`` shows ``True``, ``False`` and ``None`` as Python writes them, for a table's cell as pandas read it
    (a CSV has no ``true`` or ``null`` of its own); numpy's scalars, numbers and text are shown the same either way.

    Examples
    --------
    >>> import numpy as np
    >>> as_written(True), as_written(None), as_written(np.float64(7.5)), as_written([6, False]), as_written("광양항")
    ('true', 'null', '7.5', '[6, false]', "'광양항'")
    >>> as_written(np.bool_(True), python=True), as_written(None, python=True), as_written(np.float64("nan"), python=True)
    ('True', 'None', 'nan')
    """
    text = _written(value, python)
    if limit is not None and len(text) > limit:
        return text[: limit - 1] + "…"
    return text


def _written(value: Any, python: bool = False) -> str:
    """``value`` written whole (numpy's scalars as the Python values they hold; ``python``: ``True``, ``None``)."""
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()  # np.float64(7.5) -> 7.5, np.int64(3) -> 3, np.bool_(True) -> True
    if value is None:
        return "None" if python else "null"
    if isinstance(value, bool):
        return repr(value) if python else ("true" if value else "false")
    if isinstance(value, int | float | str):
        return repr(value)  # 7, 7.0 (a float written 7.0 is no whole number), 1e+20, nan, '광양항'
    if isinstance(value, Mapping):
        return (
            "{" + ", ".join(f"{_written(k, python)}: {_written(v, python)}" for k, v in value.items()) + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_written(v, python) for v in value) + "]"
    return repr(value)
