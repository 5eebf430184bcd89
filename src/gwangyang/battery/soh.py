"""State of health per cycle, and the cycle where it falls below an end-of-life threshold.

SOH is discharge capacity over the cell's initial capacity (the median of its first cycles). End
of life is the first cycle whose SOH (a running median, :func:`smooth_soh`) falls below ``threshold``
(default 0.8).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import InputError


def capacity_curve(cycles: Any, capacity: Any, name: str = "capacity") -> tuple[np.ndarray, np.ndarray]:
    """Cycles and positive capacities of a history, finite and in cycle order (at least 3; ``name`` names it in errors)."""
    x = np.asarray(cycles, dtype="float64").ravel()
    y = np.asarray(capacity, dtype="float64").ravel()
    if x.shape != y.shape:
        raise InputError(f"{name}: cycles and capacity differ in length ({len(x)} and {len(y)}).")
    keep = np.isfinite(x) & np.isfinite(y) & (y > 0)
    x, y = x[keep], y[keep]
    if len(x) < 3:
        raise InputError(f"{name}: needs at least 3 cycles with a positive capacity, got {len(x)}.")
    order = np.argsort(x, kind="stable")
    return x[order], y[order]


def state_of_health(capacity: Any, initial: float | None = None, n_initial: int = 5) -> np.ndarray:
    """SOH per cycle: capacity / initial capacity (default: median of the first ``n_initial`` cycles)."""
    values = np.asarray(capacity, dtype="float64")
    reference = float(np.nanmedian(values[:n_initial])) if initial is None else float(initial)
    if not math.isfinite(reference) or reference <= 0:
        raise InputError(f"initial capacity: expected a positive number, got {reference}.")
    return values / reference


def smooth_soh(soh: Any, window: int = 5) -> np.ndarray:
    """Centred running median: removes one-cycle logging dips and recovery spikes."""
    import pandas as pd

    series = pd.Series(np.asarray(soh, dtype="float64"))
    return np.asarray(series.rolling(window, center=True, min_periods=1).median(), dtype="float64")


def eol_cycle(cycles: Any, soh: Any, threshold: float = 0.8) -> float | None:
    """First cycle whose SOH (running median of 5) is below ``threshold`` (None if never)."""
    x = np.asarray(cycles, dtype="float64")
    below = np.flatnonzero(smooth_soh(soh) < threshold)
    return float(x[below[0]]) if len(below) else None
