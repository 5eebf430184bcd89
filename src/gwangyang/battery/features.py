"""Severson et al. (2019) early-life features as scikit-learn transformers.

A cell enters as :class:`CellCurves`: its discharge capacity Q(V) on a fixed voltage grid for
consecutive cycles (the paper's ``Qdlin``: rows are voltages from high to low, columns cycles),
plus, for the ``full`` set, a per-cycle summary with charge time, temperature integral and
internal resistance. Feature sets follow Severson et al. 2019, Nature Energy 4:383, Table 1 and
Supplementary Table 1:

* ``variance``: log10 var ΔQ(V), ΔQ = Q_b(V) − Q_a(V) for the cycle pair (a, b), default (10, 100);
* ``discharge``: log10 |min|, log10 var, log10 |skewness|, log10 |kurtosis| of ΔQ(V), discharge
  capacity at cycle 2, and max discharge capacity − capacity at cycle 2;
* ``full``: log10 |min| and log10 var of ΔQ(V), slope and intercept of a line through discharge
  capacity over cycles 2–b, capacity at cycle 2, mean charge time of cycles 2–6, temperature
  integral over cycles 2–b, minimum internal resistance over cycles 2–b, and resistance at cycle b
  minus cycle 2;
* ``extended`` (ours): every candidate feature of the paper's Supplementary Table 1 that Q(V) alone
  gives: the discharge set plus the capacity-fade line over cycles 2–b and over the last ten
  cycles, mean of ΔQ(V), ΔQ at the lowest voltage, and capacity at cycle b;
* ``robust`` (ours): log10 var and log10 |min| of ΔQ(V) between the median Q(V) of the last ten
  cycles up to b and of cycles a..a+10 (a median over cycles ignores one-cycle glitches and chamber
  temperature swings that move a single cycle's curve), plus the two capacity features;
* ``multipair`` (ours): log10 var ΔQ(V) against cycle b from cycles a, 20, 30 and 40, plus the two
  capacity features;
* ``charging`` (ours): the ``multipair`` set plus log10 of the charging policy's average C-rate up to
  80 % state of charge (:func:`~gwangyang.battery.policy.average_charge_rate`, from the policy name, e.g. ``5.4C(40%)-3.6C``;
  Severson et al.'s cells all charge in two constant-current steps to 80 %, then 1C CC-CV). The
  charging rate drives fast-charge degradation (lithium plating), and on the shared cells it
  explains part of what differs between the two 2017 batches, whose policies differ. It needs each
  cell's policy (``cells.csv`` column ``policy``) and is refused without it (store cells carry none);
* ``ensemble`` (ours): the columns of :data:`ENSEMBLE_MEMBERS` side by side, for a regressor that
  fits one model per block and averages them (``CycleLifeRegressor(method="ensemble")``).

The statistics of ΔQ(V) are taken over the paper's voltage window, 3.5 V down to 2.0 V
(:data:`PAPER_DQ_WINDOW`; Severson et al., Methods: "evaluated at 1,000 linearly spaced voltage
points from 3.5 V to 2.0 V") wherever a cell's voltages are known. The shared ``Qdlin`` files run
from 3.6 V: the 62 extra rows above 3.5 V hold ΔQ ≈ 0, which leaves the variance model unchanged
(a constant shift of log variance) but changes the shape statistics (skewness, kurtosis) on which
the discharge model leans; with them the discharge model's primary-test RMSE is 116 cycles, without
them 95 (paper: 91). ``dq_window=None`` takes every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from ..errors import InputError
from .policy import average_charge_rate

FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "variance": ("log_var_dq",),
    "discharge": (
        "log_abs_min_dq",
        "log_var_dq",
        "log_abs_skew_dq",
        "log_abs_kurtosis_dq",
        "discharge_capacity_2",
        "max_minus_discharge_capacity_2",
    ),
    "full": (
        "log_abs_min_dq",
        "log_var_dq",
        "capacity_fade_slope",
        "capacity_fade_intercept",
        "discharge_capacity_2",
        "mean_charge_time_2_6",
        "temperature_integral",
        "min_internal_resistance",
        "internal_resistance_last_minus_2",
    ),
    "extended": (
        "log_abs_min_dq",
        "log_var_dq",
        "log_abs_skew_dq",
        "log_abs_kurtosis_dq",
        "discharge_capacity_2",
        "max_minus_discharge_capacity_2",
        "capacity_fade_slope",
        "capacity_fade_intercept",
        "capacity_fade_slope_last_10",
        "capacity_fade_intercept_last_10",
        "log_abs_mean_dq",
        "dq_at_lowest_voltage",
        "discharge_capacity_last",
    ),
    "robust": (
        "log_var_dq_median",
        "log_abs_min_dq_median",
        "discharge_capacity_2",
        "max_minus_discharge_capacity_2",
    ),
    "multipair": (
        "log_var_dq",
        "log_var_dq_20",
        "log_var_dq_30",
        "log_var_dq_40",
        "discharge_capacity_2",
        "max_minus_discharge_capacity_2",
    ),
}
"""Feature names of each set, in the order of the columns that :class:`SeversonFeatures` returns."""

FEATURE_SETS["charging"] = (*FEATURE_SETS["multipair"], "log_average_charge_rate_80")

ENSEMBLE_MEMBERS: tuple[str, ...] = ("discharge", "multipair", "extended", "robust")
"""Feature sets of the ``ensemble`` set: their columns side by side, one block per set."""

FEATURE_SETS["ensemble"] = tuple(
    f"{member}:{name}" for member in ENSEMBLE_MEMBERS for name in FEATURE_SETS[member]
)

SUMMARY_FOR_FULL: tuple[str, ...] = ("charge_time_s", "temperature_integral_c_s", "internal_resistance_ohm")
"""Per-cycle summary columns that the ``full`` set needs."""

PAPER_DQ_WINDOW: tuple[float, float] = (2.0, 3.5)
"""Voltage window (low, high) of ΔQ(V) in Severson et al. 2019 (Methods: 3.5 V down to 2.0 V)."""

SEVERSON_QDLIN_VOLTAGES = np.linspace(3.6, 2.0, 1000)
"""Voltage of each row of a Severson ``Qdlin`` matrix (as exported by petermattia/revisit-severson-et-al)."""

GLITCH_FRACTION = 0.10
"""A cycle whose capacity is more than this fraction away from the cell's median over the early
cycles is a logging glitch (the Severson batch-1 files hold cycles read as ~31 Ah); it is left out
of the capacity-fade features, never filled in."""


@dataclass
class CellCurves:
    """One cell's early-life data.

    Parameters
    ----------
    cell
        Cell name.
    qdlin
        Discharge capacity Q (Ah) on a voltage grid: shape (voltages, cycles), rows from high to
        low voltage, columns consecutive cycles starting at ``first_cycle``.
    first_cycle
        Cycle number of the first column (2 in Severson's files).
    capacity
        Discharge capacity per column (Ah); default: Q at the lowest voltage of each column.
    summary
        Optional per-cycle table with ``cycle_index`` and any of :data:`SUMMARY_FOR_FULL`.
    voltages
        Voltage (V) of each row of ``qdlin``; None where unknown (then ΔQ(V) takes every row).
    policy
        Charging policy name (e.g. ``5.4C(40%)-3.6C``), for the ``charging`` set; None where unknown.
    """

    cell: str
    qdlin: np.ndarray
    first_cycle: int = 2
    capacity: np.ndarray | None = None
    summary: pd.DataFrame | None = field(default=None, repr=False)
    voltages: np.ndarray | None = field(default=None, repr=False)
    policy: str | None = None

    def __post_init__(self) -> None:
        matrix = np.asarray(self.qdlin, dtype="float64")
        if matrix.ndim != 2 or matrix.shape[0] < 2 or matrix.shape[1] < 1:
            raise InputError(
                f"{self.cell}: Q(V) matrix must be 2-D (voltages × cycles), got shape {matrix.shape}."
            )
        if not np.isfinite(matrix).all():
            raise InputError(
                f"{self.cell}: Q(V) matrix holds {int((~np.isfinite(matrix)).sum())} NaN or infinite values."
            )
        self.qdlin = matrix
        if self.capacity is None:
            self.capacity = matrix[-1].copy()
        else:
            self.capacity = np.asarray(self.capacity, dtype="float64")
            if self.capacity.shape != (matrix.shape[1],):
                raise InputError(
                    f"{self.cell}: capacity must have one value per cycle column ({matrix.shape[1]})."
                )
        if self.voltages is not None:
            volts = np.asarray(self.voltages, dtype="float64").ravel()
            if volts.shape != (matrix.shape[0],) or not np.isfinite(volts).all():
                raise InputError(
                    f"{self.cell}: voltages must be {matrix.shape[0]} finite values, one per Q(V) row."
                )
            self.voltages = volts

    @property
    def last_cycle(self) -> int:
        """Cycle number of the last column."""
        return self.first_cycle + self.qdlin.shape[1] - 1

    def column(self, cycle: int) -> np.ndarray:
        """Q(V) of one cycle."""
        if not self.first_cycle <= cycle <= self.last_cycle:
            raise InputError(
                f"{self.cell}: needs cycle {cycle}, but has cycles {self.first_cycle}–{self.last_cycle} "
                f"(at least {cycle} cycles are needed)."
            )
        return self.qdlin[:, cycle - self.first_cycle]


def _log_abs(value: float, name: str, cell: str) -> float:
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


MEDIAN_SPAN = 10
"""Cycles in each median of the ``robust`` set: a..a+10 and b−9..b."""


def _median_delta_q(
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


def _clean_capacity(cell: CellCurves, last: int) -> tuple[np.ndarray, np.ndarray]:
    """Cycles 2..last (or first..last) and their capacity, glitch cycles removed."""
    cycles = np.arange(cell.first_cycle, last + 1)
    assert cell.capacity is not None
    capacity = cell.capacity[: len(cycles)]
    median = np.median(capacity)
    keep = np.abs(capacity - median) <= GLITCH_FRACTION * abs(median)
    return cycles[keep], capacity[keep]


def _line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares slope and intercept (closed form; np.polyfit is ten times slower here)."""
    xm, ym = x.mean(), y.mean()
    slope = float(np.dot(x - xm, y - ym) / np.dot(x - xm, x - xm))
    return slope, float(ym - slope * xm)


def _summary_column(cell: CellCurves, column: str, low: int, high: int) -> pd.Series:
    summary = cell.summary
    if summary is None or column not in summary.columns or "cycle_index" not in summary.columns:
        raise InputError(
            f"{cell.cell}: the full feature set needs per-cycle {column!r}, which this cell does not have; "
            "use the variance or discharge set."
        )
    rows = summary[(summary["cycle_index"] >= low) & (summary["cycle_index"] <= high)]
    values = pd.to_numeric(rows[column], errors="coerce")
    values.index = rows["cycle_index"].to_numpy()
    if values.notna().sum() == 0:
        raise InputError(
            f"{cell.cell}: the full feature set needs {column!r} over cycles {low}–{high}, but none is recorded; "
            "use the variance or discharge set."
        )
    return values.dropna()


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
        The cell's Q(V) curves (and summary for the ``full`` set).
    feature_set
        ``variance``, ``discharge``, ``full`` or ``extended``.
    cycles
        The cycle pair (a, b) of ΔQ(V) = Q_b(V) − Q_a(V); b also ends the capacity-fade fit.
    dq_window
        Voltage window (low, high) of the ΔQ(V) statistics (see :func:`delta_q`).

    Returns
    -------
    dict
        Feature name to value, in :data:`FEATURE_SETS` order.
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
    out: dict[str, float] = {}
    names = FEATURE_SETS[feature_set]
    if "log_abs_min_dq" in names:
        out["log_abs_min_dq"] = _log_abs(dq.min(), "minimum", cell.cell)
    out["log_var_dq"] = _log_abs(np.var(dq, ddof=1), "variance", cell.cell)
    if feature_set == "variance":
        return out
    if feature_set == "multipair":
        for start in (20, 30, 40):
            extra = delta_q(cell, (start, late), dq_window)
            out[f"log_var_dq_{start}"] = _log_abs(
                np.var(extra, ddof=1), f"variance (cycles {start}–{late})", cell.cell
            )
    if feature_set == "robust":
        del out["log_var_dq"]
        median_dq = _median_delta_q(cell, (early, late), dq_window)
        out["log_var_dq_median"] = _log_abs(np.var(median_dq, ddof=1), "variance", cell.cell)
        out["log_abs_min_dq_median"] = _log_abs(median_dq.min(), "minimum", cell.cell)
    cyc, capacity = _clean_capacity(cell, late)
    if len(capacity) < 2 or cyc[0] != cell.first_cycle:
        raise InputError(
            f"{cell.cell}: discharge capacity at cycle {cell.first_cycle} is missing or a glitch."
        )
    q2 = float(capacity[0])
    if feature_set in ("robust", "multipair"):
        out["discharge_capacity_2"] = q2
        out["max_minus_discharge_capacity_2"] = float(capacity.max() - q2)
        return out
    if feature_set in ("discharge", "extended"):
        centred = dq - dq.mean()
        m2, m3, m4 = (float(np.mean(centred**k)) for k in (2, 3, 4))
        # Biased moment estimators, as MATLAB's skewness and kurtosis (Pearson's, not excess) in Severson's code.
        out["log_abs_skew_dq"] = _log_abs(m3 / m2**1.5 if m2 > 0 else np.nan, "skewness", cell.cell)
        out["log_abs_kurtosis_dq"] = _log_abs(m4 / m2**2 if m2 > 0 else np.nan, "kurtosis", cell.cell)
        out["discharge_capacity_2"] = q2
        out["max_minus_discharge_capacity_2"] = float(capacity.max() - q2)
        if feature_set == "discharge":
            return out
    slope, intercept = _line(cyc, capacity)
    out["capacity_fade_slope"] = float(slope)
    out["capacity_fade_intercept"] = float(intercept)
    if feature_set == "extended":
        slope_10, intercept_10 = _line(cyc[-10:], capacity[-10:])
        out["capacity_fade_slope_last_10"] = float(slope_10)
        out["capacity_fade_intercept_last_10"] = float(intercept_10)
        out["log_abs_mean_dq"] = _log_abs(dq.mean(), "mean", cell.cell)
        out["dq_at_lowest_voltage"] = float(dq[-1])
        out["discharge_capacity_last"] = float(capacity[-1])
        return out
    out["discharge_capacity_2"] = q2
    first = cell.first_cycle
    out["mean_charge_time_2_6"] = float(_summary_column(cell, "charge_time_s", first, first + 4).mean())
    out["temperature_integral"] = float(_summary_column(cell, "temperature_integral_c_s", first, late).sum())
    resistance = _summary_column(cell, "internal_resistance_ohm", first, late)
    out["min_internal_resistance"] = float(resistance.min())
    if first not in resistance.index or late not in resistance.index:
        raise InputError(
            f"{cell.cell}: the full feature set needs internal resistance at cycles {first} and {late}."
        )
    out["internal_resistance_last_minus_2"] = float(resistance.loc[late] - resistance.loc[first])
    return out


class SeversonFeatures(TransformerMixin, BaseEstimator):
    """Transformer from cells (:class:`CellCurves`) to one of Severson's feature sets.

    Parameters
    ----------
    feature_set
        ``variance``, ``discharge``, ``full`` or ``extended`` (see :data:`FEATURE_SETS`).
    cycles
        Cycle pair (a, b) of ΔQ(V) = Q_b(V) − Q_a(V); default (10, 100) as in the paper.
    dq_window
        Voltage window of the ΔQ(V) statistics; default the paper's 2.0–3.5 V; None: every row.

    Notes
    -----
    Input is a sequence of :class:`CellCurves`, or a 3-D array (cells, voltages, cycles) of Q(V)
    matrices whose first column is cycle 2. Output is a float array (cells, features).
    """

    def __init__(
        self,
        feature_set: str = "variance",
        cycles: tuple[int, int] = (10, 100),
        dq_window: tuple[float, float] | None = PAPER_DQ_WINDOW,
    ) -> None:
        self.feature_set = feature_set
        self.cycles = cycles
        self.dq_window = dq_window

    def fit(self, X: Any, y: Any = None) -> SeversonFeatures:
        """Check the parameters; nothing is learned from the data."""
        if self.feature_set not in FEATURE_SETS:
            raise InputError(
                f"feature set: expected one of {', '.join(FEATURE_SETS)}, got {self.feature_set!r}."
            )
        self.n_features_out_ = len(FEATURE_SETS[self.feature_set])
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Features of each cell, shape (cells, features)."""
        cells = as_cells(X)
        window = getattr(self, "dq_window", None)  # models pickled before the window existed
        pair: tuple[int, int] = (int(self.cycles[0]), int(self.cycles[1]))
        rows = [list(cell_features(c, self.feature_set, pair, window).values()) for c in cells]
        return np.asarray(rows, dtype="float64").reshape(len(cells), len(FEATURE_SETS[self.feature_set]))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns."""
        return np.asarray(FEATURE_SETS[self.feature_set], dtype=object)


def as_cells(X: Any) -> list[CellCurves]:
    """Turn a sequence of :class:`CellCurves` or a 3-D Q(V) array into a list of cells."""
    if isinstance(X, CellCurves):
        return [X]
    if isinstance(X, np.ndarray):
        if X.ndim != 3:
            raise InputError(
                f"Q(V) input: expected a 3-D array (cells, voltages, cycles), got shape {X.shape}."
            )
        return [CellCurves(f"cell{i}", X[i]) for i in range(X.shape[0])]
    if isinstance(X, Sequence) and all(isinstance(c, CellCurves) for c in X):
        return list(X)
    raise InputError("Q(V) input: expected a list of CellCurves or a 3-D array of Q(V) matrices.")
