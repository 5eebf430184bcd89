"""The values of one cell's Severson features, set by set.

:func:`cell_features` computes one set of :data:`~gwangyang.battery.features_sets.FEATURE_SETS` for one
:class:`~gwangyang.battery.features_curves.CellCurves` from the pieces in the neighbouring modules:
the statistics of ΔQ(V) (:mod:`~gwangyang.battery.features_dq`), the glitch-free capacity and its fade
line (:mod:`~gwangyang.battery.features_capacity`), the per-cycle summary of the ``full`` set
(:mod:`~gwangyang.battery.features_summary`) and the charging policy's average C-rate
(:func:`~gwangyang.battery.policy.average_charge_rate`). Each set's function returns its features in
the set's column order; a cell that lacks what a set needs is refused with an
:class:`~gwangyang.errors.InputError` naming the cell.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..errors import InputError
from .features_capacity import clean_capacity, fade_line
from .features_curves import CellCurves
from .features_dq import (
    PAPER_DQ_WINDOW,
    delta_q,
    log_abs,
    log_abs_min,
    log_abs_skew_kurtosis,
    log_var,
    median_delta_q,
)
from .features_sets import ENSEMBLE_MEMBERS, FEATURE_SETS
from .features_summary import summary_features
from .policy import average_charge_rate

Window = tuple[float, float] | None
"""Voltage window (low, high) of the ΔQ(V) statistics, or None for every row."""

Pair = tuple[int, int]
"""Cycle pair (a, b) of ΔQ(V) = Q_b(V) − Q_a(V)."""


def _capacity_pair(capacity: np.ndarray) -> dict[str, float]:
    """Capacity at the first cycle, and the maximum capacity minus it."""
    q2 = float(capacity[0])
    return {"discharge_capacity_2": q2, "max_minus_discharge_capacity_2": float(capacity.max() - q2)}


def _variance(cell: CellCurves, dq: np.ndarray, cycles: Pair, window: Window) -> dict[str, float]:
    return {"log_var_dq": log_var(dq, cell.cell)}


def _discharge(cell: CellCurves, dq: np.ndarray, cycles: Pair, window: Window) -> dict[str, float]:
    out = {"log_abs_min_dq": log_abs_min(dq, cell.cell), "log_var_dq": log_var(dq, cell.cell)}
    _, capacity = clean_capacity(cell, cycles[1])
    out["log_abs_skew_dq"], out["log_abs_kurtosis_dq"] = log_abs_skew_kurtosis(dq, cell.cell)
    return {**out, **_capacity_pair(capacity)}


def _extended(cell: CellCurves, dq: np.ndarray, cycles: Pair, window: Window) -> dict[str, float]:
    out = _discharge(cell, dq, cycles, window)
    kept, capacity = clean_capacity(cell, cycles[1])
    out["capacity_fade_slope"], out["capacity_fade_intercept"] = fade_line(kept, capacity)
    out["capacity_fade_slope_last_10"], out["capacity_fade_intercept_last_10"] = fade_line(
        kept[-10:], capacity[-10:]
    )
    out["log_abs_mean_dq"] = log_abs(dq.mean(), "mean", cell.cell)
    out["dq_at_lowest_voltage"] = float(dq[-1])
    out["discharge_capacity_last"] = float(capacity[-1])
    return out


def _full(cell: CellCurves, dq: np.ndarray, cycles: Pair, window: Window) -> dict[str, float]:
    out = {"log_abs_min_dq": log_abs_min(dq, cell.cell), "log_var_dq": log_var(dq, cell.cell)}
    kept, capacity = clean_capacity(cell, cycles[1])
    out["capacity_fade_slope"], out["capacity_fade_intercept"] = fade_line(kept, capacity)
    out["discharge_capacity_2"] = float(capacity[0])
    return {**out, **summary_features(cell, cycles[1])}


def _robust(cell: CellCurves, dq: np.ndarray, cycles: Pair, window: Window) -> dict[str, float]:
    log_var(dq, cell.cell)  # not a feature of this set, but refused as in the others (identical cycles a, b)
    median_dq = median_delta_q(cell, cycles, window)
    out = {
        "log_var_dq_median": log_var(median_dq, cell.cell),
        "log_abs_min_dq_median": log_abs_min(median_dq, cell.cell),
    }
    _, capacity = clean_capacity(cell, cycles[1])
    return {**out, **_capacity_pair(capacity)}


MULTIPAIR_STARTS: tuple[int, ...] = (20, 30, 40)
"""Early cycles of the ``multipair`` set's extra ΔQ(V) against cycle b (besides cycle a)."""


def _multipair(cell: CellCurves, dq: np.ndarray, cycles: Pair, window: Window) -> dict[str, float]:
    late = cycles[1]
    out = {"log_var_dq": log_var(dq, cell.cell)}
    for start in MULTIPAIR_STARTS:
        extra = delta_q(cell, (start, late), window)
        out[f"log_var_dq_{start}"] = log_var(extra, cell.cell, f"variance (cycles {start}–{late})")
    _, capacity = clean_capacity(cell, late)
    return {**out, **_capacity_pair(capacity)}


_FROM_DQ: dict[str, Callable[[CellCurves, np.ndarray, Pair, Window], dict[str, float]]] = {
    "variance": _variance,
    "discharge": _discharge,
    "full": _full,
    "extended": _extended,
    "robust": _robust,
    "multipair": _multipair,
}
"""The sets computed from one ΔQ(V) of the cycle pair (the others combine these)."""


def cell_features(
    cell: CellCurves,
    feature_set: str = "variance",
    cycles: tuple[int, int] = (10, 100),
    dq_window: tuple[float, float] | None = PAPER_DQ_WINDOW,
) -> dict[str, float]:
    """Severson features of one cell.

    Parameters
    ----------
    cell
        The cell's Q(V) curves (and summary for the ``full`` set, policy for ``charging``).
    feature_set
        A name of :data:`~gwangyang.battery.features_sets.FEATURE_SETS`: ``variance``, ``discharge``,
        ``full``, ``extended``, ``robust``, ``multipair``, ``charging`` or ``ensemble``.
    cycles
        The cycle pair (a, b) of ΔQ(V) = Q_b(V) − Q_a(V); b also ends the capacity-fade fit.
    dq_window
        Voltage window (low, high) of the ΔQ(V) statistics (see
        :func:`~gwangyang.battery.features_dq.delta_q`).

    Returns
    -------
    dict
        Feature name to value, in :data:`~gwangyang.battery.features_sets.FEATURE_SETS` order.
    """
    if feature_set not in FEATURE_SETS:
        raise InputError(f"feature set: expected one of {', '.join(FEATURE_SETS)}, got {feature_set!r}.")
    if feature_set == "charging":
        if getattr(cell, "policy", None) is None:
            raise InputError(
                f"{cell.cell}: the charging feature set needs the cell's charging policy (cells.csv column "
                "'policy', e.g. 5.4C(40%)-3.6C); give it, or use a model that does not read it (e.g. robust, "
                "multipair)."
            )
        rate = float(np.log10(average_charge_rate(str(cell.policy), cell.cell)))
        return {**cell_features(cell, "multipair", cycles, dq_window), "log_average_charge_rate_80": rate}
    if feature_set == "ensemble":
        return {
            f"{member}:{name}": value
            for member in ENSEMBLE_MEMBERS
            for name, value in cell_features(cell, member, cycles, dq_window).items()
        }
    early, late = cycles
    if not 1 <= early < late:
        raise InputError(f"cycle pair: expected two cycles a < b, got {cycles}.")
    dq = delta_q(cell, (early, late), dq_window)
    return _FROM_DQ[feature_set](cell, dq, (early, late), dq_window)
