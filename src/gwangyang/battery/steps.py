"""The steps table: one row per step of a canonical time series, with what each step moved.

Steps are found by :mod:`~gwangyang.battery.step_segments` and typed by :mod:`~gwangyang.battery.step_types`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import schema as s
from .arrays import changes, frame, run_ends, run_starts, shifted
from .step_segments import rest_tolerance, segment_arrays, signal_arrays
from .step_types import classify_array

STEP_COLUMNS: tuple[str, ...] = (
    "step_number",
    s.CYCLE,
    "vendor_step_index",
    "type",
    "start_time_s",
    "end_time_s",
    "duration_s",
    "charge_capacity_ah",
    "discharge_capacity_ah",
    "charge_energy_wh",
    "discharge_energy_wh",
    "mean_current_a",
    "mean_voltage_v",
    "start_voltage_v",
    "end_voltage_v",
    "first_row",
    "rows",
)
"""Columns of the steps table, one row per step."""


def running_max_within(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Running maximum of ``values`` restarting where ``groups`` changes (NaN counts as -inf)."""
    if len(values) == 0:
        return values
    step = np.diff(values)
    if not np.any((step < 0) & (groups[1:] == groups[:-1])) and not np.isnan(values).any():
        return values  # already non-decreasing within each group (the usual case): nothing to carry
    values = np.where(np.isnan(values), -np.inf, values)
    rank = np.cumsum(changes(groups)) - 1
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return np.full(len(values), np.nan)
    span = float(finite.max() - finite.min()) + 1.0
    lifted = np.where(np.isfinite(values), values + rank * span, rank * span + finite.min() - 1.0)
    out = np.maximum.accumulate(lifted) - rank * span
    return np.where(out < finite.min() - 0.5, np.nan, out)


def increments(ts: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per-row charge / discharge capacity and energy added since the previous row.

    From the cumulative-within-cycle columns where the cycler recorded them (their running maximum
    within the cycle, as :func:`~gwangyang.battery.cycles.summarize_cycles` takes the maximum; the
    first row of a cycle adds its own value), else by integrating current (and power) over time.
    """
    return _increments(signal_arrays(ts))


def _increments(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    cycles = arrays[s.CYCLE]
    first = changes(cycles)
    time, current, voltage = arrays[s.TIME], arrays[s.CURRENT], arrays[s.VOLTAGE]
    out: dict[str, np.ndarray] = {}
    for column, sign, power in (
        (s.CHARGE_CAPACITY, 1.0, False),
        (s.DISCHARGE_CAPACITY, -1.0, False),
        (s.CHARGE_ENERGY, 1.0, True),
        (s.DISCHARGE_ENERGY, -1.0, True),
    ):
        if column in arrays:
            # running maximum within the cycle: a glitch row (a cycler's "stopped" row logging
            # zero) must not take back what the cycle had already moved
            values = running_max_within(arrays[column], cycles)
            values = np.nan_to_num(values)
            inc = np.diff(values, prepend=0.0)
            inc[first] = values[first]
        else:
            flow = np.where(sign * current > 0, sign * current, 0.0)
            if power:
                flow = flow * voltage
            previous = shifted(flow, flow[0] if len(flow) else 0.0)
            mid = np.where((flow > 0) & (previous > 0), (flow + previous) / 2.0, 0.0)
            inc = np.diff(time, prepend=time[:1]) / 3600.0 * mid
            inc[first] = 0.0
        out[column] = inc
    return out


def step_table(ts: pd.DataFrame, step: np.ndarray | None = None) -> pd.DataFrame:
    """One row per step of a canonical time series (see :data:`STEP_COLUMNS`).

    Parameters
    ----------
    ts
        A canonical time series.
    step
        Step number of each row; default: :func:`~gwangyang.battery.step_segments.segment`.

    Returns
    -------
    pandas.DataFrame
        The steps, in time order. A step ends where the next one starts (the cycler moves on at
        once; a sparse log would otherwise shorten it), the last one at its last row.
    """
    if len(ts) == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in STEP_COLUMNS})
    return frame(step_columns(ts, step))


def step_columns(ts: pd.DataFrame, step: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """:func:`step_table`'s columns as NumPy arrays, in :data:`STEP_COLUMNS` order (``ts`` not empty)."""
    arrays = signal_arrays(ts)
    time, current, voltage = arrays[s.TIME], arrays[s.CURRENT], arrays[s.VOLTAGE]
    tolerance = rest_tolerance(current)
    step = segment_arrays(arrays, tolerance) if step is None else np.asarray(step)
    n = len(ts)
    starts = run_starts(step)
    ends = run_ends(starts, n)
    counts = ends - starts
    start_time = time[starts]
    end_time = time[ends - 1].copy()
    end_time[:-1] = time[starts[1:]]
    columns: dict[str, np.ndarray] = {
        "step_number": np.arange(len(starts), dtype="int64"),
        s.CYCLE: arrays[s.CYCLE][starts].astype("int64"),
        "vendor_step_index": (
            arrays[s.STEP][starts].astype("int64")
            if s.STEP in arrays
            else np.full(len(starts), -1, dtype="int64")
        ),
        "start_time_s": start_time,
        "end_time_s": end_time,
        "duration_s": end_time - start_time,
    }
    for column, inc in _increments(arrays).items():
        columns[column] = np.add.reduceat(inc, starts)
    columns["mean_current_a"] = np.add.reduceat(current, starts) / counts
    columns["mean_voltage_v"] = np.add.reduceat(voltage, starts) / counts
    columns["start_voltage_v"] = voltage[starts]
    columns["end_voltage_v"] = voltage[ends - 1]
    columns["first_row"] = starts.astype("int64")
    columns["rows"] = counts.astype("int64")
    columns["type"] = classify_array(columns, current, voltage, tolerance, time)
    return {name: columns[name] for name in STEP_COLUMNS}


def steps_for_rows(steps: pd.DataFrame, n: int) -> np.ndarray:
    """Step number of each of ``n`` rows from a steps table's ``first_row`` column."""
    mark = np.zeros(n, dtype="int64")
    firsts = steps["first_row"].to_numpy(dtype="int64")
    mark[firsts[1:]] = 1
    return np.cumsum(mark)
