"""Steps from the signal: segment a canonical time series into steps and tabulate them.

A step is a run of rows with one control mode: a rest, a charge or a discharge, at constant current
(CC), at constant voltage (CV), as a short pulse, or otherwise. Boundaries come from

* the cycler's own step counter (``step_index``) and cycle counter, where the file has them;
* the sign of the current (rest / charge / discharge), a lone row of another sign inside a step
  being noise (the first row a cycler logs of a new step often still shows the old current);
* inside a charge or discharge, the point where the voltage settles at its final value while the
  current starts to fall: a CC step followed by its CV hold (cyclers that log CC-CV as one step).

Types: ``rest``; ``cc_charge``, ``cv_charge``, ``charge`` (neither, e.g. constant power);
``cc_discharge``, ``cv_discharge``, ``discharge``; ``pulse`` (any current for at most
:data:`PULSE_MAX_S`, e.g. the HPPC pulses of a diagnostic test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import schema as s

PULSE_MAX_S = 60.0
"""A charge or discharge step lasting at most this long is a pulse (HPPC pulses last 10-30 s)."""

REST_FRACTION = 5e-4
"""Currents below this fraction of the file's 99th-percentile current magnitude are rests."""

CV_TOLERANCE_V = 0.005
"""A CV hold keeps the voltage within this of its final value."""

CV_CURRENT_DROP = 0.8
"""A CV hold ends below this fraction of the current it started at."""

CC_SPREAD = 0.05
"""A CC step's current stays within this relative spread (10th to 90th percentile over the median)."""

REST, CHARGE, DISCHARGE = 0, 1, -1

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

CHARGE_TYPES = frozenset({"cc_charge", "cv_charge", "charge"})
DISCHARGE_TYPES = frozenset({"cc_discharge", "cv_discharge", "discharge"})


def rest_tolerance(current: np.ndarray) -> float:
    """Largest current magnitude still counted as a rest (see :data:`REST_FRACTION`)."""
    magnitude = np.abs(current[np.isfinite(current)])
    if len(magnitude) == 0:
        return 0.0
    return float(REST_FRACTION * np.percentile(magnitude, 99))


def row_modes(current: np.ndarray, tolerance: float | None = None) -> np.ndarray:
    """Mode of each row: ``0`` rest, ``1`` charge, ``-1`` discharge."""
    current = np.asarray(current, dtype="float64")
    tol = rest_tolerance(current) if tolerance is None else tolerance
    return (np.sign(current) * (np.abs(current) > tol)).astype("int8")


def _keys_change(ts: pd.DataFrame) -> np.ndarray:
    n = len(ts)
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
    for column in (s.CYCLE, s.STEP):
        if column in ts.columns:
            values = ts[column].to_numpy()
            change[1:] |= values[1:] != values[:-1]
    return change


def _smooth(mode: np.ndarray, block_start: np.ndarray) -> np.ndarray:
    """Give a lone row whose mode differs from both neighbours in its block the mode of its block."""
    n = len(mode)
    if n < 2:
        return mode
    out = mode.copy()
    change = np.r_[True, mode[1:] != mode[:-1]]
    starts = np.flatnonzero(change)
    lengths = np.diff(np.r_[starts, n])
    for r in starts[lengths == 1]:
        if not block_start[r]:
            out[r] = out[r - 1]
        elif r + 1 < n and not block_start[r + 1]:
            out[r] = mode[r + 1]
    return out


def _cv_start(volts: np.ndarray, amps: np.ndarray) -> int | None:
    """Index where a charge or discharge settles into a CV hold, or None (``amps`` are magnitudes)."""
    n = len(volts)
    if n < 4:
        return None
    near = np.abs(volts - volts[-1]) <= CV_TOLERANCE_V
    far = np.flatnonzero(~near)
    k = 0 if len(far) == 0 else int(far[-1]) + 1
    if n - k < 3:
        return None
    held = amps[k : min(k + 3, n)].max()
    if not held > 0 or amps[-1] >= CV_CURRENT_DROP * held:
        return None
    return k


def segment(ts: pd.DataFrame) -> np.ndarray:
    """Step number (0, 1, ...) of each row of a canonical time series (see the module docstring)."""
    n = len(ts)
    if n == 0:
        return np.zeros(0, dtype="int64")
    current = ts[s.CURRENT].to_numpy(dtype="float64")
    block = _keys_change(ts)
    mode = _smooth(row_modes(current), block)
    boundary = block.copy()
    boundary[1:] |= mode[1:] != mode[:-1]
    starts = np.flatnonzero(boundary)
    ends = np.r_[starts[1:], n]
    volts = ts[s.VOLTAGE].to_numpy(dtype="float64")
    extra = []
    for a, b in zip(starts, ends, strict=True):
        if b - a >= 4 and mode[a] != REST:
            k = _cv_start(volts[a:b], np.abs(current[a:b]))
            if k is not None and k > 0:
                # a CC part before the hold only when its current was steady
                cc = np.abs(current[a : a + k])
                if len(cc) >= 2 and _spread(cc) <= CC_SPREAD:
                    extra.append(a + k)
    if extra:
        boundary[np.asarray(extra)] = True
    return np.cumsum(boundary) - 1


def _spread(amps: np.ndarray) -> float:
    median = float(np.median(amps))
    if median <= 0:
        return np.inf
    low, high = np.percentile(amps, [10, 90])
    return float((high - low) / median)


def increments(ts: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per-row charge / discharge capacity and energy added since the previous row.

    From the cumulative-within-cycle columns where the cycler recorded them (their running maximum
    within the cycle, as :func:`~gwangyang.battery.cycles.summarize_cycles` takes the maximum; the
    first row of a cycle adds its own value), else by integrating current (and power) over time.
    """
    n = len(ts)
    cycles = ts[s.CYCLE].to_numpy()
    first = np.r_[True, cycles[1:] != cycles[:-1]] if n else np.zeros(0, dtype=bool)
    time = ts[s.TIME].to_numpy(dtype="float64")
    current = ts[s.CURRENT].to_numpy(dtype="float64")
    voltage = ts[s.VOLTAGE].to_numpy(dtype="float64")
    out: dict[str, np.ndarray] = {}
    for column, sign, power in (
        (s.CHARGE_CAPACITY, 1.0, False),
        (s.DISCHARGE_CAPACITY, -1.0, False),
        (s.CHARGE_ENERGY, 1.0, True),
        (s.DISCHARGE_ENERGY, -1.0, True),
    ):
        if column in ts.columns:
            # running maximum within the cycle: a glitch row (a cycler's "stopped" row logging
            # zero) must not take back what the cycle had already moved
            values = ts[column].groupby(cycles).cummax().to_numpy(dtype="float64")
            values = np.nan_to_num(values)
            inc = np.diff(values, prepend=0.0)
            inc[first] = values[first]
        else:
            flow = np.where(sign * current > 0, sign * current, 0.0)
            if power:
                flow = flow * voltage
            previous = np.r_[flow[:1], flow[:-1]]
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
        Step number of each row; default: :func:`segment`.

    Returns
    -------
    pandas.DataFrame
        The steps, in time order. A step ends where the next one starts (the cycler moves on at
        once; a sparse log would otherwise shorten it), the last one at its last row.
    """
    if len(ts) == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in STEP_COLUMNS})
    step = segment(ts) if step is None else np.asarray(step)
    n = len(ts)
    starts = np.r_[0, np.flatnonzero(step[1:] != step[:-1]) + 1]
    ends = np.r_[starts[1:], n]
    counts = ends - starts
    time = ts[s.TIME].to_numpy(dtype="float64")
    current = ts[s.CURRENT].to_numpy(dtype="float64")
    voltage = ts[s.VOLTAGE].to_numpy(dtype="float64")
    start_time = time[starts]
    end_time = np.r_[time[starts[1:]], time[-1]]
    out = pd.DataFrame(
        {
            "step_number": np.arange(len(starts), dtype="int64"),
            s.CYCLE: ts[s.CYCLE].to_numpy()[starts].astype("int64"),
            "vendor_step_index": (
                ts[s.STEP].to_numpy()[starts].astype("int64")
                if s.STEP in ts.columns
                else np.full(len(starts), -1, dtype="int64")
            ),
        }
    )
    out["start_time_s"] = start_time
    out["end_time_s"] = end_time
    out["duration_s"] = end_time - start_time
    for column, inc in increments(ts).items():
        out[column] = np.add.reduceat(inc, starts)
    out["mean_current_a"] = np.add.reduceat(current, starts) / counts
    out["mean_voltage_v"] = np.add.reduceat(voltage, starts) / counts
    out["start_voltage_v"] = voltage[starts]
    out["end_voltage_v"] = voltage[ends - 1]
    out["first_row"] = starts.astype("int64")
    out["rows"] = counts.astype("int64")
    out.insert(3, "type", classify(out, current, voltage, rest_tolerance(current)))
    return out[list(STEP_COLUMNS)]


def classify(steps: pd.DataFrame, current: np.ndarray, voltage: np.ndarray, tolerance: float) -> list[str]:
    """Type of each step (see the module docstring) from its rows.

    A pulse is a short step (:data:`PULSE_MAX_S`) that is not a CV hold and whose neighbours do
    not run in its direction (the short CC part of a CC-CV charge is no pulse).
    """
    means = steps["mean_current_a"].to_numpy()
    direction = np.where(np.abs(means) <= tolerance, 0, np.sign(means)).astype("int8")
    before = np.r_[0, direction[:-1]]
    after = np.r_[direction[1:], 0]
    types = []
    for j, (first, rows, duration) in enumerate(
        zip(
            steps["first_row"].to_numpy(),
            steps["rows"].to_numpy(),
            steps["duration_s"].to_numpy(),
            strict=True,
        )
    ):
        if direction[j] == 0:
            types.append("rest")
            continue
        name = "charge" if direction[j] > 0 else "discharge"
        amps = np.abs(current[first : first + rows])
        if rows >= 4 and _cv_start(voltage[first : first + rows], amps) == 0:
            types.append(f"cv_{name}")
        elif duration <= PULSE_MAX_S and before[j] != direction[j] and after[j] != direction[j]:
            types.append("pulse")
        elif rows < 3 or _spread(amps) <= CC_SPREAD:
            types.append(f"cc_{name}")
        else:
            types.append(name)
    return types


def steps_for_rows(steps: pd.DataFrame, n: int) -> np.ndarray:
    """Step number of each of ``n`` rows from a steps table's ``first_row`` column."""
    mark = np.zeros(n, dtype="int64")
    firsts = steps["first_row"].to_numpy(dtype="int64")
    mark[firsts[1:]] = 1
    return np.cumsum(mark)
