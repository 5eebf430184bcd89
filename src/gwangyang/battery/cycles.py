"""Per-cycle summaries and discharge curves Q(V) on a fixed voltage grid."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from ..errors import InputError
from . import schema as s

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
    ts = ensure_capacities(ts)
    grouped = ts.groupby(s.CYCLE, sort=True)
    out = pd.DataFrame(index=grouped.size().index)
    out["charge_capacity_ah"] = grouped[s.CHARGE_CAPACITY].max()
    out["discharge_capacity_ah"] = grouped[s.DISCHARGE_CAPACITY].max()
    out["charge_energy_wh"] = grouped[s.CHARGE_ENERGY].max()
    out["discharge_energy_wh"] = grouped[s.DISCHARGE_ENERGY].max()
    with np.errstate(divide="ignore", invalid="ignore"):
        charge = out["charge_capacity_ah"].to_numpy()
        energy_in = out["charge_energy_wh"].to_numpy()
        out["coulombic_efficiency"] = np.where(charge > 0, out["discharge_capacity_ah"] / charge, np.nan)
        out["energy_efficiency"] = np.where(energy_in > 0, out["discharge_energy_wh"] / energy_in, np.nan)
        out["mean_charge_voltage_v"] = np.where(charge > 0, energy_in / charge, np.nan)
        discharge = out["discharge_capacity_ah"].to_numpy()
        out["mean_discharge_voltage_v"] = np.where(
            discharge > 0, out["discharge_energy_wh"].to_numpy() / discharge, np.nan
        )
    first = grouped[s.TIME].min()
    out["duration_s"] = grouped[s.TIME].max() - first
    out["start_time_s"] = first
    if s.TEMPERATURE in ts.columns:
        out["min_temperature_c"] = grouped[s.TEMPERATURE].min()
        out["max_temperature_c"] = grouped[s.TEMPERATURE].max()
    else:
        out["min_temperature_c"] = np.nan
        out["max_temperature_c"] = np.nan
    if s.RESISTANCE in ts.columns:
        resistance = ts[s.RESISTANCE].where(ts[s.RESISTANCE] > 0)
        out["internal_resistance_ohm"] = resistance.groupby(ts[s.CYCLE]).last()
    else:
        out["internal_resistance_ohm"] = np.nan
    out["rows"] = grouped.size()
    out = out.reset_index()
    return out[list(SUMMARY_COLUMNS)]


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
