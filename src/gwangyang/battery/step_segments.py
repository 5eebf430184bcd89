"""Step detection: segment a canonical time series into steps.

A step is a run of rows with one control mode: a rest, a charge or a discharge, at constant current
(CC), at constant voltage (CV), or otherwise. Boundaries come from

* the cycler's own step counter (``step_index``) and cycle counter, where the file has them;
* the sign of the current (rest / charge / discharge), a lone row of another sign inside a step
  being noise (the first row a cycler logs of a new step often still shows the old current);
* inside a charge or discharge, the point where the voltage settles at its final value while the
  current starts to fall: a CC step followed by its CV hold (cyclers that log CC-CV as one step).

The steps' types are :mod:`~gwangyang.battery.step_types`; the table of steps is :mod:`~gwangyang.battery.steps`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import schema as s
from .arrays import run_ends, run_starts, shifted

REST_FRACTION = 5e-4
"""Currents below this fraction of the file's 99th-percentile current magnitude are rests."""

CV_TOLERANCE_V = 0.005
"""A CV hold keeps the voltage within this of its final value."""

CV_CURRENT_DROP = 0.8
"""A CV hold ends below this fraction of the current it started at."""

CC_SPREAD = 0.05
"""A CC step's current stays within this relative spread (10th to 90th percentile over the median)."""

REST, CHARGE, DISCHARGE = 0, 1, -1


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


def signal_arrays(ts: pd.DataFrame) -> dict[str, np.ndarray]:
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


def cv_starts(volts: np.ndarray, amps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
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


def spreads(amps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
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
    arrays = signal_arrays(ts)
    return segment_arrays(arrays, rest_tolerance(arrays[s.CURRENT]))


def segment_arrays(arrays: dict[str, np.ndarray], tolerance: float) -> np.ndarray:
    """:func:`segment` of columns already taken (:func:`signal_arrays`), with the rest ``tolerance`` (:func:`rest_tolerance`)."""
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
    cv = cv_starts(volts, amps, active, ends[mode[starts] != REST])
    # a CC part before the hold only when its current was steady
    before = cv >= active + 2
    if before.any():
        steady = spreads(amps, active[before], cv[before]) <= CC_SPREAD
        boundary[cv[before][steady]] = True
    return np.cumsum(boundary) - 1
