"""One parameter of a search space: continuous, integer or categorical, with its range or values and its unit.

Read from a ``[parameters.NAME]`` table of a space file (see :mod:`gwangyang.optimize.space`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InputError

KINDS = ("continuous", "integer", "categorical")


@dataclass(frozen=True)
class Parameter:
    """One parameter of a search space."""

    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] = ()
    log: bool = False
    unit: str | None = None

    @property
    def numeric(self) -> bool:
        """True unless a categorical parameter has string values."""
        return self.kind != "categorical" or all(isinstance(v, (int, float)) for v in self.values)

    def size(self) -> float:
        """Number of distinct values (``inf`` for continuous)."""
        if self.kind == "continuous":
            return math.inf
        if self.kind == "integer":
            assert self.low is not None and self.high is not None
            return self.high - self.low + 1
        return len(self.values)

    def grid(self) -> np.ndarray:
        """Every value of a discrete parameter."""
        if self.kind == "integer":
            assert self.low is not None and self.high is not None
            return np.arange(int(self.low), int(self.high) + 1)
        return np.asarray(self.values, dtype=object if not self.numeric else "float64")

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map numbers in [0, 1) onto the parameter's values."""
        if self.kind == "continuous":
            assert self.low is not None and self.high is not None
            if self.log:
                return np.exp(np.log(self.low) + u * (np.log(self.high) - np.log(self.low)))
            return self.low + u * (self.high - self.low)
        grid = self.grid()
        return grid[np.minimum((u * len(grid)).astype(int), len(grid) - 1)]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the TOML table)."""
        out: dict[str, Any] = {"type": self.kind}
        if self.kind == "categorical":
            out["values"] = list(self.values)
        else:
            out["low"], out["high"] = self.low, self.high
            if self.log:
                out["log"] = True
        if self.unit is not None:
            out["unit"] = self.unit
        return out


def parameter_from_spec(name: str, spec: Any, source: str) -> Parameter:
    """A parameter from its ``[parameters.NAME]`` table; ``source`` names the file in errors.

    Raises
    ------
    InputError
        An unknown key or type, bounds that are not finite (or not whole for an integer
        parameter), ``low`` not below ``high``, or categorical values that are empty, repeated or mixed.
    """
    where = f"{source}: parameters.{name}"
    if not isinstance(spec, dict):
        raise InputError(f"{where}: expected a table with 'type'.")
    kind = spec.get("type")
    if kind not in KINDS:
        raise InputError(f"{where}.type: expected one of {', '.join(KINDS)}, got {kind!r}.")
    unknown = set(spec) - {"type", "low", "high", "values", "log", "unit"}
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}.")
    unit = spec.get("unit")
    if unit is not None and not isinstance(unit, str):
        raise InputError(f'{where}.unit: expected text such as "°C" or "µm", got {unit!r}.')
    if kind == "categorical":
        values = spec.get("values")
        if not isinstance(values, list) or not values:
            raise InputError(f"{where}.values: expected a non-empty list.")
        if not all(isinstance(v, (int, float, str)) and not isinstance(v, bool) for v in values):
            raise InputError(f"{where}.values: expected numbers or strings.")
        kinds = {isinstance(v, str) for v in values}
        if len(kinds) > 1:
            raise InputError(f"{where}.values: mix of numbers and strings; use one or the other.")
        if len(set(values)) != len(values):
            raise InputError(f"{where}.values: repeated values.")
        if any(isinstance(v, float) and not math.isfinite(v) for v in values):
            raise InputError(f"{where}.values: expected finite numbers.")
        return Parameter(name, kind, values=tuple(values), unit=unit)
    low, high = spec.get("low"), spec.get("high")
    for key, value in (("low", low), ("high", high)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise InputError(f"{where}.{key}: expected a finite number, got {value!r}.")
    assert isinstance(low, (int, float)) and isinstance(high, (int, float))
    if kind == "integer" and (int(low) != low or int(high) != high):
        raise InputError(f"{where}: integer bounds expected, got low={low!r}, high={high!r}.")
    if not low < high if kind == "continuous" else not low <= high:
        raise InputError(f"{where}: expected low < high, got low={low!r}, high={high!r}.")
    log = bool(spec.get("log", False))
    if log and (kind != "continuous" or low <= 0):
        raise InputError(f"{where}.log: a log scale needs a continuous parameter with low > 0.")
    return Parameter(name, kind, low=float(low), high=float(high), log=log, unit=unit)
