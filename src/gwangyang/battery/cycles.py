"""Per-cycle summaries and discharge curves Q(V) on a fixed voltage grid."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from ..errors import InputError
from . import schema as s
from .arrays import frame, run_ends, run_starts
from .checks import EFFICIENCY_RANGE
from .kinds import annotation_columns

SUMMARY_COLUMNS: tuple[str, ...] = (
    s.CYCLE,
    "charge_capacity_ah",
    "discharge_capacity_ah",
    "charge_energy_wh",
    "discharge_energy_wh",
    "coulombic_efficiency",
    "energy_efficiency",
    "mean_charge_voltage_v",
    "mean_discharge_voltage_v",
    "duration_s",
    "start_time_s",
    "min_temperature_c",
    "max_temperature_c",
    "internal_resistance_ohm",
    "rows",
)


@dataclass(frozen=True)
class VoltageGrid:
    """A fixed voltage grid for Q(V) curves.

    Parameters
    ----------
    low_v, high_v
        Grid ends in volts.
    points
        Number of grid points.
    """

    low_v: float
    high_v: float
    points: int = 200

    def __post_init__(self) -> None:
        if not (np.isfinite(self.low_v) and np.isfinite(self.high_v)) or self.low_v >= self.high_v:
            raise InputError(f"voltage grid: low_v must be below high_v, got {self.low_v} and {self.high_v}.")
        if self.points < 2:
            raise InputError(f"voltage grid: points must be at least 2, got {self.points}.")

    def values(self) -> np.ndarray:
        """Grid voltages from high to low (the order a discharge passes them)."""
        return np.linspace(self.high_v, self.low_v, self.points)


CHEMISTRY_GRIDS: dict[str, VoltageGrid] = {
    # Severson et al. 2019 interpolate LFP discharge curves from 3.6 V down to 2.0 V.
    "lfp": VoltageGrid(2.0, 3.6, 1000),
    "nmc": VoltageGrid(2.7, 4.2, 500),
    "lco": VoltageGrid(2.7, 4.2, 500),
    "lmo": VoltageGrid(3.0, 4.2, 500),
    "nca": VoltageGrid(2.5, 4.2, 500),
}
"""Default grids per chemistry; a cell of unknown chemistry gets a grid spanning its own discharge range."""


def _integrate(time: np.ndarray, values: np.ndarray, cycles: np.ndarray) -> np.ndarray:
    """Cumulative trapezoid integral of non-negative ``values`` over ``time`` (hours), restarting each cycle.

    An interval counts only when both its ends are positive, so a step change (charge to rest or
    discharge) adds nothing across the gap between the two logged rows.
    """
    dt = np.diff(time, prepend=time[:1]) / 3600.0
    previous = np.r_[values[:1], values[:-1]]
    mid = np.where((values > 0) & (previous > 0), (values + previous) / 2.0, 0.0)
    increments = dt * mid
    increments[np.r_[True, np.diff(cycles) != 0]] = 0.0
    total = np.cumsum(increments)
    starts = np.r_[0, np.flatnonzero(np.diff(cycles) != 0) + 1]
    lengths = np.diff(np.r_[starts, len(total)])
    return total - np.repeat(total[starts], lengths)


def ensure_capacities(ts: pd.DataFrame) -> pd.DataFrame:
    """Fill in missing capacity and energy columns by integrating current (and power) over time.

    Parameters
    ----------
    ts
        A canonical time series.

    Returns
    -------
    pandas.DataFrame
        The same table with all four capacity / energy columns present.
    """
    if all(
        c in ts.columns
        for c in (s.CHARGE_CAPACITY, s.DISCHARGE_CAPACITY, s.CHARGE_ENERGY, s.DISCHARGE_ENERGY)
    ):
        return ts
    ts = ts.copy()
    time = ts[s.TIME].to_numpy(dtype="float64")
    current = ts[s.CURRENT].to_numpy(dtype="float64")
    voltage = ts[s.VOLTAGE].to_numpy(dtype="float64")
    cycles = ts[s.CYCLE].to_numpy()
    charging = np.where(current > 0, current, 0.0)
    discharging = np.where(current < 0, -current, 0.0)
    if s.CHARGE_CAPACITY not in ts.columns:
        ts[s.CHARGE_CAPACITY] = _integrate(time, charging, cycles)
    if s.DISCHARGE_CAPACITY not in ts.columns:
        ts[s.DISCHARGE_CAPACITY] = _integrate(time, discharging, cycles)
    if s.CHARGE_ENERGY not in ts.columns:
        ts[s.CHARGE_ENERGY] = _integrate(time, charging * voltage, cycles)
    if s.DISCHARGE_ENERGY not in ts.columns:
        ts[s.DISCHARGE_ENERGY] = _integrate(time, discharging * voltage, cycles)
    return ts


def summarize_cycles(ts: pd.DataFrame) -> pd.DataFrame:
    """Per-cycle summary of a canonical time series.

    Capacities and energies are each cycle's maxima of the within-cycle cumulative columns
    (integrated from current where the cycler does not record them); efficiencies are discharge
    over charge; mean voltages are energy over capacity; internal resistance is the cycle's last
    recorded non-zero value.

    Parameters
    ----------
    ts
        A canonical time series (see :mod:`gwangyang.battery.schema`).

    Returns
    -------
    pandas.DataFrame
        One row per cycle with :data:`SUMMARY_COLUMNS`; columns whose input was not recorded are NaN.
    """
    if len(ts) == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in SUMMARY_COLUMNS})
    return pd.DataFrame(_summary_columns(ts))


def _summary_columns(ts: pd.DataFrame) -> dict[str, np.ndarray]:
    """:func:`summarize_cycles`'s columns as arrays (``ts`` not empty)."""
    ts = ensure_capacities(ts)
    cycles = ts[s.CYCLE].to_numpy()
    if np.any(cycles[1:] < cycles[:-1]):
        ts = ts.sort_values([s.CYCLE, s.TIME], kind="stable").reset_index(drop=True)
        cycles = ts[s.CYCLE].to_numpy()
    starts = run_starts(cycles)
    n = len(cycles)

    def column(name: str, reduce: np.ufunc) -> np.ndarray:
        if name not in ts.columns:
            return np.full(len(starts), np.nan)
        return reduce.reduceat(ts[name].to_numpy(dtype="float64"), starts)

    out: dict[str, np.ndarray] = {s.CYCLE: cycles[starts]}
    out["charge_capacity_ah"] = column(s.CHARGE_CAPACITY, np.fmax)
    out["discharge_capacity_ah"] = column(s.DISCHARGE_CAPACITY, np.fmax)
    out["charge_energy_wh"] = column(s.CHARGE_ENERGY, np.fmax)
    out["discharge_energy_wh"] = column(s.DISCHARGE_ENERGY, np.fmax)
    with np.errstate(divide="ignore", invalid="ignore"):
        charge, discharge = out["charge_capacity_ah"], out["discharge_capacity_ah"]
        energy_in, energy_out = out["charge_energy_wh"], out["discharge_energy_wh"]
        out["coulombic_efficiency"] = np.where(charge > 0, discharge / charge, np.nan)
        out["energy_efficiency"] = np.where(energy_in > 0, energy_out / energy_in, np.nan)
        out["mean_charge_voltage_v"] = np.where(charge > 0, energy_in / charge, np.nan)
        out["mean_discharge_voltage_v"] = np.where(discharge > 0, energy_out / discharge, np.nan)
    first = column(s.TIME, np.fmin)
    out["duration_s"] = column(s.TIME, np.fmax) - first
    out["start_time_s"] = first
    out["min_temperature_c"] = column(s.TEMPERATURE, np.fmin)
    out["max_temperature_c"] = column(s.TEMPERATURE, np.fmax)
    if s.RESISTANCE in ts.columns:
        resistance = ts[s.RESISTANCE].to_numpy(dtype="float64")
        position = np.where(resistance > 0, np.arange(n), -1)
        last = np.maximum.reduceat(position, starts)
        out["internal_resistance_ohm"] = np.where(last >= starts, resistance[np.maximum(last, 0)], np.nan)
    else:
        out["internal_resistance_ohm"] = np.full(len(starts), np.nan)
    out["rows"] = run_ends(starts, n) - starts
    return {name: out[name] for name in SUMMARY_COLUMNS}


def default_grid(ts: pd.DataFrame, chemistry: str | None = None, points: int = 200) -> VoltageGrid | None:
    """Choose the Q(V) grid: the chemistry's, else one spanning the cell's discharge voltages.

    Returns None when the cell has no discharge.
    """
    if chemistry is not None:
        key = chemistry.lower()
        if key not in CHEMISTRY_GRIDS:
            raise InputError(f"chemistry: expected one of {', '.join(CHEMISTRY_GRIDS)}, got {chemistry!r}.")
        return CHEMISTRY_GRIDS[key]
    volts = ts.loc[ts[s.CURRENT] < 0, s.VOLTAGE].to_numpy(dtype="float64")
    volts = volts[np.isfinite(volts)]
    if len(volts) < 2:
        return None
    low, high = np.percentile(volts, [1, 99.5])
    low, high = np.floor(low * 20) / 20, np.ceil(high * 20) / 20
    if high - low < 0.05:
        return None
    return VoltageGrid(float(low), float(high), points)


def discharge_curves(ts: pd.DataFrame, grid: VoltageGrid | None) -> pd.DataFrame:
    """Discharge capacity Q(V) of each cycle interpolated on a fixed voltage grid.

    Within each cycle's discharge rows the voltage is made monotone (running minimum), so noise
    does not fold the curve; grid points outside the cycle's voltage range are left out.

    Parameters
    ----------
    ts
        Canonical time series.
    grid
        Voltage grid; None gives an empty table.

    Returns
    -------
    pandas.DataFrame
        Long table with ``cycle_index``, ``voltage_v``, ``discharge_capacity_ah``.
    """
    columns = [s.CYCLE, s.VOLTAGE, s.DISCHARGE_CAPACITY]
    if grid is None or len(ts) == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    ts = ensure_capacities(ts)
    dis = ts.loc[ts[s.CURRENT] < 0, [s.CYCLE, s.VOLTAGE, s.DISCHARGE_CAPACITY]]
    grid_v = grid.values()
    ascending = grid_v[::-1]
    parts = []
    cycles = dis[s.CYCLE].to_numpy()
    volts_all = dis[s.VOLTAGE].to_numpy(dtype="float64")
    caps_all = dis[s.DISCHARGE_CAPACITY].to_numpy(dtype="float64")
    if len(cycles) == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    bounds = np.r_[0, np.flatnonzero(np.diff(cycles) != 0) + 1, len(cycles)]
    for start, end in pairwise(bounds):
        if end - start < 2:
            continue
        volts = np.minimum.accumulate(volts_all[start:end])
        caps = caps_all[start:end]
        order = np.argsort(volts, kind="stable")
        v_sorted, q_sorted = volts[order], caps[order]
        v_unique, index = np.unique(v_sorted, return_index=True)
        if len(v_unique) < 2:
            continue
        q_unique = q_sorted[index]
        inside = (ascending >= v_unique[0]) & (ascending <= v_unique[-1])
        if not inside.any():
            continue
        q = np.interp(ascending[inside], v_unique, q_unique)
        parts.append(
            pd.DataFrame(
                {s.CYCLE: cycles[start], s.VOLTAGE: ascending[inside][::-1], s.DISCHARGE_CAPACITY: q[::-1]}
            )
        )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    return pd.concat(parts, ignore_index=True)


def complete_cycles(cycles: pd.DataFrame, kinds: tuple[str, ...] | None = None) -> tuple[pd.DataFrame, int]:
    """The complete cycles of a per-cycle summary (of the given kinds), and how many were left out.

    Summaries stored before cycles had a ``complete`` flag are all kept.
    """
    keep = np.ones(len(cycles), dtype=bool)
    if "complete" in cycles.columns:
        keep &= cycles["complete"].fillna(True).to_numpy(dtype=bool)
    if kinds is not None and "kind" in cycles.columns:
        keep &= cycles["kind"].isin(kinds).to_numpy()
    return cycles.loc[keep].reset_index(drop=True), int((~keep).sum())


def cycle_summary(
    ts: pd.DataFrame, steps: pd.DataFrame, heads: set[int] | None = None, tails: set[int] | None = None
) -> pd.DataFrame:
    """:func:`summarize_cycles` with each cycle's ``vendor_cycle_index``, ``kind``, ``complete`` and ``steps``.

    Parameters
    ----------
    ts
        A canonical time series with cycles from the signal
        (:func:`~gwangyang.battery.pairing.apply_signal_cycles`).
    steps
        Its steps table.
    heads, tails
        Positions of the cycles its files start (end) with (see
        :func:`~gwangyang.battery.kinds.annotate_cycles`).
    """
    if len(ts) == 0 or len(steps) == 0:
        summary = summarize_cycles(ts)
        summary.insert(1, s.VENDOR_CYCLE, pd.Series(dtype="int64"))
        for column, dtype in (("kind", "object"), ("complete", "bool"), ("steps", "int64")):
            summary[column] = pd.Series(dtype=dtype)
        return summary
    columns = _summary_columns(ts)
    notes = annotation_columns(steps, heads, tails)
    if not np.array_equal(notes[s.CYCLE], columns[s.CYCLE]):
        # steps of another segmentation: match by cycle (a cycle without steps is "other", incomplete)
        found = pd.DataFrame(notes).set_index(s.CYCLE)
        index = pd.Index(columns[s.CYCLE])
        notes = {
            "kind": found["kind"].reindex(index).fillna("other").to_numpy(dtype=object),
            "complete": found["complete"].reindex(index).fillna(False).to_numpy(dtype=bool),
            "steps": found["steps"].reindex(index).fillna(0).to_numpy(dtype="int64"),
        }
    out: dict[str, np.ndarray] = {s.CYCLE: columns[s.CYCLE]}
    if s.VENDOR_CYCLE in ts.columns:
        cycles = ts[s.CYCLE].to_numpy()
        starts = np.r_[0, np.flatnonzero(cycles[1:] != cycles[:-1]) + 1]
        out[s.VENDOR_CYCLE] = ts[s.VENDOR_CYCLE].to_numpy()[starts].astype("int64")
    out.update((name, values) for name, values in columns.items() if name != s.CYCLE)
    out["kind"] = notes["kind"]
    out["complete"] = notes["complete"].astype(bool)
    out["steps"] = notes["steps"]
    return frame(out)


CAPACITY_KINDS: tuple[str, ...] = ("aging", "rpt", "reset")
"""Cycle kinds whose capacity tracks health (not HPPC pulse cycles, not partial ones)."""


INCOMPLETE = "incomplete"
"""Reason a cycle is left out of health figures: it has no charge or no discharge, a file cut it, or
its steps are too thinly logged to integrate its capacity (see :func:`~gwangyang.battery.kinds.undersampled`)."""

NOT_CAPACITY_KIND = "not an ageing, RPT or reset cycle"
"""Reason a cycle is left out of health figures: an HPPC pulse cycle or a partial one (see :data:`CAPACITY_KINDS`)."""

IMPLAUSIBLE_EFFICIENCY = "coulombic efficiency above 1.2 (charge cut short)"
"""Reason a complete cycle is left out of health figures: it discharged more than 1.2 times its charge
(the top of :data:`gwangyang.battery.checks.EFFICIENCY_RANGE`), so its charge stopped early and its
discharge does not measure the cell's capacity (e.g. a test ended on a safety limit, a CV step skipped).
A low efficiency stays in: the discharge still measures capacity, and a lossy cell is what anomaly
detection must see (the ingest warns about both ends)."""

HEALTH_EFFICIENCY_MAX = EFFICIENCY_RANGE[1]
"""Largest coulombic efficiency of a cycle whose discharge feeds health figures."""


def plausible_efficiency(cycles: pd.DataFrame) -> np.ndarray:
    """Per cycle: whether its coulombic efficiency is at most :data:`HEALTH_EFFICIENCY_MAX`.

    A cycle without a coulombic efficiency (no charge, or a summary without the column) counts as plausible:
    the ``complete`` flag and the kind judge it.
    """
    if "coulombic_efficiency" not in cycles.columns:
        return np.ones(len(cycles), dtype=bool)
    efficiency = cycles["coulombic_efficiency"].to_numpy(dtype="float64")
    return ~np.isfinite(efficiency) | (efficiency <= HEALTH_EFFICIENCY_MAX)


def left_out_reasons(cycles: pd.DataFrame) -> dict[str, int]:
    """Why :func:`usable_cycles` leaves cycles out: ``{reason: count}``, each cycle under its first reason.

    Reasons, in order: :data:`INCOMPLETE`, :data:`NOT_CAPACITY_KIND`, :data:`IMPLAUSIBLE_EFFICIENCY`;
    reasons that leave nothing out are not listed.
    """
    n = len(cycles)
    complete = (
        cycles["complete"].fillna(True).to_numpy(dtype=bool)
        if "complete" in cycles.columns
        else np.ones(n, bool)
    )
    capacity_kind = (
        cycles["kind"].isin(CAPACITY_KINDS).to_numpy() if "kind" in cycles.columns else np.ones(n, bool)
    )
    plausible = plausible_efficiency(cycles)
    counts = {
        INCOMPLETE: int((~complete).sum()),
        NOT_CAPACITY_KIND: int((complete & ~capacity_kind).sum()),
        IMPLAUSIBLE_EFFICIENCY: int((complete & capacity_kind & ~plausible).sum()),
    }
    return {reason: count for reason, count in counts.items() if count}


def usable_cycles(cycles: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The cycles whose capacity tracks health, and how many were left out (:func:`left_out_reasons` says why).

    Kept: the complete ageing, RPT and reset cycles whose coulombic efficiency is plausible
    (:func:`plausible_efficiency`). The cycles table itself is unchanged; only health, life, RUL and
    fleet figures use this selection.
    """
    kept, _ = complete_cycles(cycles, CAPACITY_KINDS)
    plausible = plausible_efficiency(kept)
    return kept.loc[plausible].reset_index(drop=True), len(cycles) - int(plausible.sum())
