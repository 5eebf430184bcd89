"""Steps from the signal: segment a canonical time series into steps and tabulate them.

A step is a run of rows with one control mode: a rest, a charge or a discharge, at constant current
(CC), at constant voltage (CV), as a short pulse, or otherwise. Boundaries come from

* the cycler's own step counter (``step_index``) and cycle counter, where the file has them;
* the sign of the current (rest / charge / discharge), a lone row of another sign inside a step
  being noise (the first row a cycler logs of a new step often still shows the old current);
* inside a charge or discharge, the point where the voltage settles at its final value while the
  current starts to fall: a CC step followed by its CV hold (cyclers that log CC-CV as one step).

Types: ``rest``; ``ocv`` (a rest long and settled enough to read the open-circuit voltage: see
:data:`OCV_MIN_REST_S` and :data:`OCV_MAX_DVDT`); ``cc_charge``, ``cv_charge``, ``charge`` (neither, e.g. constant power);
``cc_discharge``, ``cv_discharge``, ``discharge``; ``pulse`` (any current for at most
:data:`PULSE_MAX_S`, e.g. the HPPC pulses of a diagnostic test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.arrays import NumpyExtensionArray

from . import schema as s

PULSE_MAX_S = 60.0
"""A charge or discharge step lasting at most this long is a pulse (HPPC pulses last 10-30 s)."""

OCV_MIN_REST_S = 1800.0
"""A rest shorter than this is no open-circuit voltage reading. Texas Instruments' Impedance Track
fuel gauges take OCV readings only after 30 min in relaxation (e.g. bq27z746, bq40z50 technical
reference manuals, "RELAXATION mode")."""

OCV_MAX_DVDT = 4e-6
"""An OCV rest ends with its voltage changing by less than this (V/s): the gauges' dV/dt < 4 uV/s
qualification of an OCV reading (bq34z100-G1, bq27xxx; some parts use 1 uV/s)."""

OCV_SLOPE_WINDOW_S = 600.0
"""The end slope of a rest is the least-squares dV/dt of its rows in this last stretch (at least
its last two rows)."""

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

REST_TYPES = frozenset({"rest", "ocv"})
CHARGE_TYPES = frozenset({"cc_charge", "cv_charge", "charge"})
DISCHARGE_TYPES = frozenset({"cc_discharge", "cv_discharge", "discharge"})


def rest_tolerance(current: np.ndarray) -> float:
    """Largest current magnitude still counted as a rest (see :data:`REST_FRACTION`)."""
    magnitude = np.abs(current[np.isfinite(current)])
    if len(magnitude) == 0:
        return 0.0
    k = int(0.99 * (len(magnitude) - 1))  # the 99th percentile, nearest rank
    return float(REST_FRACTION * np.partition(magnitude, k)[k])


def row_modes(current: np.ndarray, tolerance: float | None = None) -> np.ndarray:
    """Mode of each row: ``0`` rest, ``1`` charge, ``-1`` discharge."""
    current = np.asarray(current, dtype="float64")
    tol = rest_tolerance(current) if tolerance is None else tolerance
    return (np.sign(current) * (np.abs(current) > tol)).astype("int8")


def changes(values: np.ndarray) -> np.ndarray:
    """Per row: whether it differs from the row before (the first row does)."""
    out = np.empty(len(values), dtype=bool)
    out[:1] = True
    np.not_equal(values[1:], values[:-1], out=out[1:])
    return out


def run_starts(values: np.ndarray) -> np.ndarray:
    """First row of each run of equal values (``[0, ...]``; empty for no rows)."""
    return np.flatnonzero(changes(values))


def run_ends(starts: np.ndarray, n: int) -> np.ndarray:
    """One past the last row of each run, for runs starting at ``starts`` over ``n`` rows."""
    out = np.empty(len(starts), dtype="int64")
    out[:-1] = starts[1:]
    out[-1:] = n
    return out


def shifted(values: np.ndarray, fill: float) -> np.ndarray:
    """``values`` moved one place later, ``fill`` first."""
    out = np.empty_like(values)
    out[:1] = fill
    out[1:] = values[:-1]
    return out


def _keys_change(arrays: dict[str, np.ndarray]) -> np.ndarray:
    n = len(arrays[s.CURRENT])
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
    for column in (s.CYCLE, s.STEP):
        if column in arrays:
            values = arrays[column]
            change[1:] |= values[1:] != values[:-1]
    return change


_USED = (
    s.TIME,
    s.CYCLE,
    s.STEP,
    s.CURRENT,
    s.VOLTAGE,
    s.CHARGE_CAPACITY,
    s.DISCHARGE_CAPACITY,
    s.CHARGE_ENERGY,
    s.DISCHARGE_ENERGY,
)


def _arrays(ts: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns steps are built from, as NumPy arrays (taken from the frame once)."""
    out = {}
    for column in _USED:
        if column in ts.columns:
            values = ts[column].to_numpy()
            out[column] = values if column in (s.CYCLE, s.STEP) else values.astype("float64", copy=False)
    return out


def _smooth(mode: np.ndarray, block_start: np.ndarray) -> np.ndarray:
    """Give a lone row whose mode differs from both neighbours in its block the mode of its block."""
    n = len(mode)
    if n < 2:
        return mode
    out = mode.copy()
    starts = run_starts(mode)
    lengths = run_ends(starts, n) - starts
    for r in starts[lengths == 1]:
        if not block_start[r]:
            out[r] = out[r - 1]
        elif r + 1 < n and not block_start[r + 1]:
            out[r] = mode[r + 1]
    return out


def _segment_rows(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of segments ``[starts, ends)`` laid end to end, and each segment's offset in them."""
    lengths = ends - starts
    offsets = shifted(np.cumsum(lengths), 0)
    rows = np.arange(int(lengths.sum())) + np.repeat(starts - offsets, lengths)
    return rows, offsets


def _cv_starts(volts: np.ndarray, amps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Row where each segment ``[starts, ends)`` settles into a CV hold, or -1 (``amps`` are magnitudes).

    The hold starts after the last row farther than :data:`CV_TOLERANCE_V` from the segment's final
    voltage; it must last at least 3 rows and its current must fall below :data:`CV_CURRENT_DROP`
    of the largest of its first three. Segments under 4 rows have none.
    """
    out = np.full(len(starts), -1, dtype="int64")
    keep = (ends - starts) >= 4
    if not keep.any():
        return out
    a, b = starts[keep], ends[keep]
    rows, offsets = _segment_rows(a, b)
    lengths = b - a
    near = np.abs(volts[rows] - np.repeat(volts[b - 1], lengths)) <= CV_TOLERANCE_V
    last_far = np.maximum.reduceat(np.where(near, -1, rows), offsets)
    k = np.where(last_far >= a, last_far + 1, a)
    room = (b - k) >= 3
    n = len(amps)
    held = np.maximum(
        np.maximum(amps[np.minimum(k, n - 1)], amps[np.minimum(k + 1, n - 1)]), amps[np.minimum(k + 2, n - 1)]
    )
    with np.errstate(invalid="ignore"):
        hold = room & (held > 0) & ~(amps[b - 1] >= CV_CURRENT_DROP * held)
    out[np.flatnonzero(keep)[hold]] = k[hold]
    return out


def _spreads(amps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Per segment ``[starts, ends)``: (90th - 10th percentile) over the median, nearest ranks (inf for a zero or undefined median)."""
    out = np.full(len(starts), np.inf)
    keep = ends > starts
    if not keep.any():
        return out
    a, b = starts[keep], ends[keep]
    rows, offsets = _segment_rows(a, b)
    lengths = b - a
    owner = np.repeat(np.arange(len(a)), lengths)
    ordered = amps[rows][np.lexsort((amps[rows], owner))]
    median = ordered[offsets + lengths // 2]
    high = ordered[offsets + (0.9 * (lengths - 1)).astype("int64")]
    low = ordered[offsets + (0.1 * (lengths - 1)).astype("int64")]
    with np.errstate(divide="ignore", invalid="ignore"):
        out[keep] = np.where(median > 0, (high - low) / median, np.inf)
    return out


def segment(ts: pd.DataFrame) -> np.ndarray:
    """Step number (0, 1, ...) of each row of a canonical time series (see the module docstring)."""
    arrays = _arrays(ts)
    return _segment(arrays, rest_tolerance(arrays[s.CURRENT]))


def _segment(arrays: dict[str, np.ndarray], tolerance: float) -> np.ndarray:
    current = arrays[s.CURRENT]
    n = len(current)
    if n == 0:
        return np.zeros(0, dtype="int64")
    block = _keys_change(arrays)
    mode = _smooth(row_modes(current, tolerance), block)
    boundary = block.copy()
    boundary[1:] |= mode[1:] != mode[:-1]
    starts = np.flatnonzero(boundary)
    ends = run_ends(starts, n)
    volts = arrays[s.VOLTAGE]
    amps = np.abs(current)
    active = starts[mode[starts] != REST]
    cv = _cv_starts(volts, amps, active, ends[mode[starts] != REST])
    # a CC part before the hold only when its current was steady
    before = cv >= active + 2
    if before.any():
        steady = _spreads(amps, active[before], cv[before]) <= CC_SPREAD
        boundary[cv[before][steady]] = True
    return np.cumsum(boundary) - 1


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
    return _increments(_arrays(ts))


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
        Step number of each row; default: :func:`segment`.

    Returns
    -------
    pandas.DataFrame
        The steps, in time order. A step ends where the next one starts (the cycler moves on at
        once; a sparse log would otherwise shorten it), the last one at its last row.
    """
    if len(ts) == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in STEP_COLUMNS})
    return frame(step_columns(ts, step))


def frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A table from columns of one length, without copying them.

    Object columns are taken as they are (pandas would otherwise scan them for dates and numbers),
    wrapped as NumPy-backed arrays, which costs less than a Series each.
    """
    return pd.DataFrame(
        {
            name: NumpyExtensionArray(values) if values.dtype == object else values
            for name, values in columns.items()
        },
        copy=False,
    )


def step_columns(ts: pd.DataFrame, step: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """:func:`step_table`'s columns as NumPy arrays, in :data:`STEP_COLUMNS` order (``ts`` not empty)."""
    arrays = _arrays(ts)
    time, current, voltage = arrays[s.TIME], arrays[s.CURRENT], arrays[s.VOLTAGE]
    tolerance = rest_tolerance(current)
    step = _segment(arrays, tolerance) if step is None else np.asarray(step)
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
    columns["type"] = _classify(columns, current, voltage, tolerance, time)
    return {name: columns[name] for name in STEP_COLUMNS}


_TYPE_NAMES = np.array(
    ["rest", "cc_charge", "cv_charge", "charge", "cc_discharge", "cv_discharge", "discharge", "pulse", "ocv"],
    dtype=object,
)


def classify(
    steps: pd.DataFrame | dict[str, np.ndarray],
    current: np.ndarray,
    voltage: np.ndarray,
    tolerance: float,
    time: np.ndarray | None = None,
) -> list[str]:
    """Type of each step (see the module docstring) from its rows.

    A pulse is a short step (:data:`PULSE_MAX_S`) that is not a CV hold and whose neighbours do
    not run in its direction (the short CC part of a CC-CV charge is no pulse). A rest is an
    ``ocv`` step when it lasts :data:`OCV_MIN_REST_S` and its voltage has settled
    (:func:`settled`); without ``time`` (the rows' seconds) no rest is.
    """
    return list(_classify(steps, current, voltage, tolerance, time))


def settled(time: np.ndarray, voltage: np.ndarray) -> bool:
    """Whether a rest's rows end with ``|dV/dt|`` under :data:`OCV_MAX_DVDT`.

    The slope is the least-squares fit over the rows of the last :data:`OCV_SLOPE_WINDOW_S` (at
    least the last two rows); a rest of one row, or of rows at one time, has no slope and is not.
    """
    keep = np.isfinite(time) & np.isfinite(voltage)
    time, voltage = time[keep], voltage[keep]
    if len(time) < 2:
        return False
    window = time >= time[-1] - OCV_SLOPE_WINDOW_S
    window[-2:] = True
    t, v = time[window] - time[-1], voltage[window]
    spread = t - t.mean()
    denominator = float((spread * spread).sum())
    if denominator <= 0:
        return False
    slope = float((spread * (v - v.mean())).sum()) / denominator
    return abs(slope) < OCV_MAX_DVDT


def _classify(
    steps: pd.DataFrame | dict[str, np.ndarray],
    current: np.ndarray,
    voltage: np.ndarray,
    tolerance: float,
    time: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`classify` as an object array, for all steps at once."""
    means = np.asarray(steps["mean_current_a"], dtype="float64")
    firsts = np.asarray(steps["first_row"], dtype="int64")
    rows = np.asarray(steps["rows"], dtype="int64")
    duration = np.asarray(steps["duration_s"], dtype="float64")
    direction = np.where(np.abs(means) <= tolerance, 0, np.sign(means)).astype("int8")
    before = shifted(direction, 0)
    after = shifted(direction[::-1], 0)[::-1]
    amps = np.abs(np.asarray(current, dtype="float64"))
    active = direction != 0
    cv = np.zeros(len(means), dtype=bool)
    cv[active] = _cv_starts(voltage, amps, firsts[active], firsts[active] + rows[active]) == firsts[active]
    with np.errstate(invalid="ignore"):
        pulse = active & ~cv & (duration <= PULSE_MAX_S) & (before != direction) & (after != direction)
    rest_of = active & ~cv & ~pulse
    cc = rest_of & (rows < 3)
    spread = rest_of & ~cc
    cc[spread] = _spreads(amps, firsts[spread], firsts[spread] + rows[spread]) <= CC_SPREAD
    # codes into _TYPE_NAMES: charge 1-3, discharge 4-6 (cc, cv, other), pulse 7, rest 0, ocv 8
    code = np.where(cc, 1, np.where(cv, 2, 3)) + np.where(direction < 0, 3, 0)
    code = np.where(pulse, 7, np.where(active, code, 0))
    if time is not None:
        with np.errstate(invalid="ignore"):
            long_rests = np.flatnonzero(~active & (duration >= OCV_MIN_REST_S))
        for j in long_rests:
            a, b = firsts[j], firsts[j] + rows[j]
            if settled(np.asarray(time[a:b], dtype="float64"), np.asarray(voltage[a:b], dtype="float64")):
                code[j] = 8
    out: np.ndarray = _TYPE_NAMES[code]
    return out


def steps_for_rows(steps: pd.DataFrame, n: int) -> np.ndarray:
    """Step number of each of ``n`` rows from a steps table's ``first_row`` column."""
    mark = np.zeros(n, dtype="int64")
    firsts = steps["first_row"].to_numpy(dtype="int64")
    mark[firsts[1:]] = 1
    return np.cumsum(mark)
