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


# ---- cycles from steps ----------------------------------------------------------------------

MAJOR_FRACTION = 0.02
"""A charge or discharge step moving less than this fraction of a typical step's charge is minor
(a top-up, a pulse): it never starts or splits a cycle."""

EDGE_TOLERANCE_V = 0.1
"""The last cycle of a file is complete when its last charge or discharge ends within this of the
voltage where such steps usually end in the file."""

HEAD_EXCESS = 1.2
"""The first cycle of a file discharging more than this times its charge began mid-charge."""

HPPC_MIN_PULSES = 4
"""A cycle with at least this many pulses is an HPPC (hybrid pulse power characterisation) cycle."""

CYCLE_KINDS: tuple[str, ...] = ("aging", "rpt", "hppc", "reset", "other")
"""Cycle kinds: ``aging`` (the test's repeated cycle), ``rpt`` (a reference performance test: a full
cycle at another rate), ``hppc`` (pulses), ``reset`` (a full cycle that prepares an HPPC, as BEEP's
diagnostic protocol names it) and ``other`` (a cycle without both a charge and a discharge)."""


def step_phases(steps: pd.DataFrame) -> np.ndarray:
    """Per step: ``1`` major charge, ``-1`` major discharge, ``0`` anything else (see :data:`MAJOR_FRACTION`)."""
    from .steps import CHARGE_TYPES, DISCHARGE_TYPES

    types = steps["type"].to_numpy()
    charge = np.isin(types, list(CHARGE_TYPES))
    discharge = np.isin(types, list(DISCHARGE_TYPES))
    moved = np.where(
        charge,
        steps["charge_capacity_ah"].to_numpy(dtype="float64"),
        steps["discharge_capacity_ah"].to_numpy(dtype="float64"),
    )
    active = moved[(charge | discharge) & np.isfinite(moved)]
    reference = float(np.percentile(active, 90)) if len(active) else 0.0
    major = ~(moved < MAJOR_FRACTION * reference)  # NaN counts as major
    return np.where(charge & major, 1, np.where(discharge & major, -1, 0)).astype("int8")


def sound(phases: np.ndarray) -> bool:
    """Whether a run of step phases holds at most one charge and one discharge (one cycle)."""
    collapsed = _collapse(np.asarray(phases))
    return bool((collapsed == 1).sum() <= 1 and (collapsed == -1).sum() <= 1)


def _collapse(phases: np.ndarray) -> np.ndarray:
    nonzero = phases[phases != 0]
    if len(nonzero) == 0:
        return nonzero
    return nonzero[np.r_[True, nonzero[1:] != nonzero[:-1]]]


def signal_cycles(steps: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Cycle of each step from the signal, keeping the cycler's counter where it is sound.

    A cycle is a charge followed by its discharge: one starts at each major charge step whose last
    major predecessor was a discharge. The cycler's counter (the steps' ``cycle_index``) is kept
    where each of its cycles holds at most one charge and one discharge (whatever its convention);
    a counter cycle holding several charge/discharge loops is split where the signal starts a
    cycle, and a counter that goes back is renumbered.

    Returns
    -------
    tuple
        The cycle of each step, and one line per disagreement (empty when the counter was kept).
    """
    vendor = steps[s.CYCLE].to_numpy(dtype="int64")
    n = len(vendor)
    if n == 0:
        return vendor, []
    phases = step_phases(steps)
    signal_start = np.zeros(n, dtype=bool)
    last = 0
    for i, phase in enumerate(phases):
        if phase == 1 and last == -1:
            signal_start[i] = True
        if phase != 0:
            last = phase
    vendor_start = np.r_[True, vendor[1:] != vendor[:-1]]
    notes: list[str] = []
    split = np.zeros(n, dtype=bool)
    block_starts = np.flatnonzero(vendor_start)
    for a, b in zip(block_starts, np.r_[block_starts[1:], n], strict=True):
        if not sound(phases[a:b]):
            inside = signal_start[a + 1 : b]
            split[a + 1 : b] = inside
            notes.append(
                f"cycler cycle {vendor[a]} holds {int(inside.sum()) + 1} charge/discharge loops; "
                "split into one cycle each"
            )
    backwards = np.flatnonzero(np.diff(vendor) < 0)
    for i in backwards[:5]:
        notes.append(f"cycler cycle counter goes back from {vendor[i]} to {vendor[i + 1]}; renumbered")
    if len(backwards) > 5:
        notes.append(f"... and {len(backwards) - 5} more counter resets")
    if not notes:
        return vendor, []
    boundary = vendor_start | split
    return int(vendor[0]) + np.cumsum(boundary) - 1, notes


def apply_signal_cycles(ts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Give a time series its cycles from the signal (see :func:`signal_cycles`).

    The cycler's counter is kept as ``vendor_cycle_index``; where a cycle was split the
    within-cycle cumulative capacities and energies restart at the split.

    Returns
    -------
    tuple
        The time series, its steps (:func:`~gwangyang.battery.steps.step_table`) and the
        disagreements found (empty when the cycler's counter was kept).
    """
    from .steps import step_table

    ts = ts.copy()
    if s.VENDOR_CYCLE not in ts.columns:
        ts[s.VENDOR_CYCLE] = ts[s.CYCLE].to_numpy(dtype="int64")
    steps = step_table(ts)
    new, notes = signal_cycles(steps)
    if not notes:
        return ts, steps, notes
    rows = steps["rows"].to_numpy()
    old_rows = ts[s.CYCLE].to_numpy()
    new_rows = np.repeat(new, rows)
    firsts = steps["first_row"].to_numpy()
    starts = firsts[np.r_[True, new[1:] != new[:-1]]]
    split_rows = starts[(starts > 0) & (old_rows[np.maximum(starts - 1, 0)] == old_rows[starts])]
    if len(split_rows):
        bounds = np.r_[0, np.flatnonzero(new_rows[1:] != new_rows[:-1]) + 1]
        lengths = np.diff(np.r_[bounds, len(ts)])
        for column in (s.CHARGE_CAPACITY, s.DISCHARGE_CAPACITY, s.CHARGE_ENERGY, s.DISCHARGE_ENERGY):
            if column not in ts.columns:
                continue
            values = ts[column].to_numpy(dtype="float64")
            base = np.zeros(len(bounds))
            is_split = np.isin(bounds, split_rows)
            base[is_split] = values[bounds[is_split] - 1]
            ts[column] = values - np.repeat(base, lengths)
    ts[s.CYCLE] = new_rows
    steps[s.CYCLE] = new
    return ts, steps, notes


def _typical(values: np.ndarray, exclude: int) -> float:
    others = np.delete(values, exclude)
    others = others[np.isfinite(others)]
    return float(np.median(others)) if len(others) else np.nan


def annotate_cycles(
    steps: pd.DataFrame, heads: set[int] | None = None, tails: set[int] | None = None
) -> pd.DataFrame:
    """Per cycle: its ``kind``, whether it is ``complete`` and its step count.

    A cycle is complete when it has a major charge and a major discharge. The last cycle of a file
    must also end its last major step near the voltage where such steps usually end (else the file
    cut it), and the first must not discharge more than :data:`HEAD_EXCESS` times its charge (else
    the file began in the middle of its charge). Kinds: see :data:`CYCLE_KINDS`.

    Parameters
    ----------
    steps
        The steps table.
    heads, tails
        Positions (0-based, in cycle order) of the cycles a file starts (ends) with; default the
        first (last) cycle.

    Returns
    -------
    pandas.DataFrame
        Columns ``cycle_index``, ``kind``, ``complete``, ``steps``, ``pulses``.
    """
    columns = [s.CYCLE, "kind", "complete", "steps", "pulses"]
    if len(steps) == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    phases = step_phases(steps)
    cycles = steps[s.CYCLE].to_numpy()
    bounds = np.r_[0, np.flatnonzero(cycles[1:] != cycles[:-1]) + 1, len(cycles)]
    ends_v = steps["end_voltage_v"].to_numpy()
    currents, types = steps["mean_current_a"].to_numpy(), steps["type"].to_numpy()
    k = len(bounds) - 1
    last_dir, last_v = np.zeros(k, dtype="int8"), np.full(k, np.nan)
    has_c, has_d = np.zeros(k, dtype=bool), np.zeros(k, dtype=bool)
    pulses = np.zeros(k, dtype="int64")
    signature: list[tuple[int, int]] = []
    for j in range(k):
        a, b = bounds[j], bounds[j + 1]
        major = np.flatnonzero(phases[a:b] != 0) + a
        pulses[j] = int((types[a:b] == "pulse").sum())
        has_c[j] = bool((phases[a:b] == 1).any())
        has_d[j] = bool((phases[a:b] == -1).any())
        if len(major):
            last_dir[j], last_v[j] = phases[major[-1]], ends_v[major[-1]]
        dis = major[phases[major] == -1]
        chg = major[phases[major] == 1]
        signature.append(
            (
                _rate_bin(np.abs(currents[dis]).max()) if len(dis) else 0,
                _rate_bin(np.abs(currents[chg]).max()) if len(chg) else 0,
            )
        )
    complete = has_c & has_d
    heads = {0} if heads is None else heads
    tails = {k - 1} if tails is None else tails
    charged = pd.Series(steps["charge_capacity_ah"].to_numpy()).groupby(cycles).sum().to_numpy()
    discharged = pd.Series(steps["discharge_capacity_ah"].to_numpy()).groupby(cycles).sum().to_numpy()
    for j in sorted(heads):
        # a file begun in the middle of a charge: the discharge takes out more than was put in
        if 0 <= j < k and complete[j] and discharged[j] > HEAD_EXCESS * charged[j]:
            complete[j] = False
    for j in sorted(tails):
        if 0 <= j < k and complete[j]:
            same = np.flatnonzero(last_dir == last_dir[j])
            typical = _typical(last_v[same], int(np.searchsorted(same, j)))
            complete[j] = not (np.isfinite(typical) and abs(last_v[j] - typical) > EDGE_TOLERANCE_V)
    kinds = _kinds(signature, has_c & has_d, pulses)
    return pd.DataFrame(
        {
            s.CYCLE: cycles[bounds[:-1]].astype("int64"),
            "kind": kinds,
            "complete": complete,
            "steps": np.diff(bounds).astype("int64"),
            "pulses": pulses,
        }
    )


def _rate_bin(current: float) -> int:
    """Currents within ~10 % of each other share a bin."""
    return int(np.round(np.log(max(current, 1e-12)) / np.log(1.1)))


def _kinds(signature: list[tuple[int, int]], full: np.ndarray, pulses: np.ndarray) -> list[str]:
    counts: dict[tuple[int, int], int] = {}
    for sig, is_full, p in zip(signature, full, pulses, strict=True):
        if is_full and p < HPPC_MIN_PULSES:
            counts[sig] = counts.get(sig, 0) + 1
    common = max(counts, key=lambda key: counts[key]) if counts else None
    repeated = common is not None and counts[common] > 1
    kinds = []
    for sig, is_full, p in zip(signature, full, pulses, strict=True):
        if p >= HPPC_MIN_PULSES:
            kinds.append("hppc")
        elif not is_full:
            kinds.append("other")
        elif not repeated or _near(sig, common):
            kinds.append("aging")
        else:
            kinds.append("rpt")
    for j in range(len(kinds) - 1):
        if kinds[j] == "rpt" and kinds[j + 1] == "hppc":
            kinds[j] = "reset"
    return kinds


def _near(sig: tuple[int, int], common: tuple[int, int] | None) -> bool:
    return common is not None and all(abs(a - b) <= 1 for a, b in zip(sig, common, strict=True))


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
        A canonical time series with cycles from the signal (:func:`apply_signal_cycles`).
    steps
        Its steps table.
    heads, tails
        Positions of the cycles its files start (end) with (see :func:`annotate_cycles`).
    """
    summary = summarize_cycles(ts)
    notes = annotate_cycles(steps, heads, tails)
    if s.VENDOR_CYCLE in ts.columns and len(ts):
        vendor = ts.groupby(s.CYCLE, sort=True)[s.VENDOR_CYCLE].first()
        summary.insert(1, s.VENDOR_CYCLE, summary[s.CYCLE].map(vendor).to_numpy(dtype="int64"))
    if len(notes) == 0:
        for column, dtype in (("kind", "object"), ("complete", "bool"), ("steps", "int64")):
            summary[column] = pd.Series(dtype=dtype)
        return summary
    notes = notes.set_index(s.CYCLE)
    summary["kind"] = summary[s.CYCLE].map(notes["kind"]).fillna("other").to_numpy()
    summary["complete"] = summary[s.CYCLE].map(notes["complete"]).fillna(False).to_numpy(dtype=bool)
    summary["steps"] = summary[s.CYCLE].map(notes["steps"]).fillna(0).to_numpy(dtype="int64")
    return summary


CAPACITY_KINDS: tuple[str, ...] = ("aging", "rpt", "reset")
"""Cycle kinds whose capacity tracks health (not HPPC pulse cycles, not partial ones)."""


def usable_cycles(cycles: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The complete ageing, RPT and reset cycles of a stored summary, and how many were left out."""
    return complete_cycles(cycles, CAPACITY_KINDS)
