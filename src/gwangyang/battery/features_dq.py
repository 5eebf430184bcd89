"""ΔQ(V), the difference of two cycles' discharge curves, and the statistics Severson's features take of it.

ΔQ(V) = Q_b(V) − Q_a(V) for a cycle pair (a, b), default (10, 100) (Severson et al. 2019, Nature
Energy 4:383). Its statistics are taken over the paper's voltage window, 3.5 V down to 2.0 V
(:data:`PAPER_DQ_WINDOW`; Severson et al., Methods: "evaluated at 1,000 linearly spaced voltage
points from 3.5 V to 2.0 V") wherever a cell's voltages are known. The shared ``Qdlin`` files run
from 3.6 V: the 62 extra rows above 3.5 V hold ΔQ ≈ 0, which leaves the variance model unchanged
(a constant shift of log variance) but changes the shape statistics (skewness, kurtosis) on which
the discharge model leans; with them the discharge model's primary-test RMSE is 116 cycles, without
them 95 (paper: 91). A window of None takes every row.

Features take log10 of a statistic's magnitude (:func:`log_abs`), which is refused, with the cell
named, where the statistic is zero or not finite. The ``robust`` set's ΔQ(V) is taken between
medians over :data:`MEDIAN_SPAN` cycles (:func:`median_delta_q`).
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from .features_curves import CellCurves

PAPER_DQ_WINDOW: tuple[float, float] = (2.0, 3.5)
"""Voltage window (low, high) of ΔQ(V) in Severson et al. 2019 (Methods: 3.5 V down to 2.0 V)."""

MEDIAN_SPAN = 10
"""Cycles in each median of the ``robust`` set: a..a+10 and b−9..b."""


def log_abs(value: float, name: str, cell: str) -> float:
    """log10 |value| of the statistic ``name`` of ΔQ(V); InputError where it is zero or not finite."""
    magnitude = abs(float(value))
    if not np.isfinite(magnitude) or magnitude == 0.0:
        raise InputError(
            f"{cell}: {name} of ΔQ(V) is {value}; its logarithm is undefined (identical curves?)."
        )
    return float(np.log10(magnitude))


def delta_q(
    cell: CellCurves, cycles: tuple[int, int], window: tuple[float, float] | None = PAPER_DQ_WINDOW
) -> np.ndarray:
    """ΔQ(V) = Q_b(V) − Q_a(V) over the voltage ``window`` (every row where the voltages are unknown)."""
    early, late = cycles
    dq = cell.column(late) - cell.column(early)
    if window is None or cell.voltages is None:
        return dq
    low, high = window
    inside = (cell.voltages >= low - 1e-9) & (cell.voltages <= high + 1e-9)
    if inside.sum() < 10:
        raise InputError(
            f"{cell.cell}: fewer than 10 Q(V) points between {low} V and {high} V "
            f"(the curves span {cell.voltages.min():.3g}–{cell.voltages.max():.3g} V)."
        )
    return dq[inside]


def median_delta_q(
    cell: CellCurves, cycles: tuple[int, int], window: tuple[float, float] | None
) -> np.ndarray:
    """ΔQ(V) between the median Q(V) of cycles b−9..b and of cycles a..a+10 (over ``window``)."""
    early, late = cycles
    first = max(cell.first_cycle, late - MEDIAN_SPAN + 1)
    if early + MEDIAN_SPAN >= first:
        raise InputError(
            f"{cell.cell}: the robust set needs cycles {early}–{early + MEDIAN_SPAN} before {first}–{late}."
        )
    cell.column(late)  # range checks with a clear message
    cell.column(early + MEDIAN_SPAN)
    start = early - cell.first_cycle
    begin = np.median(cell.qdlin[:, start : start + MEDIAN_SPAN + 1], axis=1)
    end = np.median(cell.qdlin[:, first - cell.first_cycle : late - cell.first_cycle + 1], axis=1)
    shifted = CellCurves(cell.cell, np.column_stack([begin, end]), first_cycle=1, voltages=cell.voltages)
    return delta_q(shifted, (1, 2), window)


def log_var(dq: np.ndarray, cell: str, name: str = "variance") -> float:
    """log10 of the sample variance (ddof 1) of ΔQ(V)."""
    return log_abs(np.var(dq, ddof=1), name, cell)


def log_abs_min(dq: np.ndarray, cell: str) -> float:
    """log10 |min ΔQ(V)|."""
    return log_abs(dq.min(), "minimum", cell)


def log_abs_skew_kurtosis(dq: np.ndarray, cell: str) -> tuple[float, float]:
    """log10 |skewness| and log10 |kurtosis| of ΔQ(V).

    Biased moment estimators, as MATLAB's ``skewness`` and ``kurtosis`` (Pearson's, not excess) in
    Severson's code.
    """
    centred = dq - dq.mean()
    m2, m3, m4 = (float(np.mean(centred**k)) for k in (2, 3, 4))
    skew = log_abs(m3 / m2**1.5 if m2 > 0 else np.nan, "skewness", cell)
    kurtosis = log_abs(m4 / m2**2 if m2 > 0 else np.nan, "kurtosis", cell)
    return skew, kurtosis
