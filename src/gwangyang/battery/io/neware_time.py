"""Test time from Neware's clocks that restart with every step (``.nda``/``.ndax``, BTSDA 7 CSV)."""

from __future__ import annotations

import numpy as np

PAUSE_TOLERANCE_S = 2.0
"""A step starting this much later (wall clock) than the previous one ended counts as a pause."""


def elapsed_time(step: np.ndarray, step_time: np.ndarray, stamps: np.ndarray | None) -> np.ndarray:
    """Test time from per-step times: each step starts where the previous ended, or later after a pause.

    Parameters
    ----------
    step
        Running step number of each record (changes when a new step starts).
    step_time
        Seconds since the start of the record's step.
    stamps
        Wall-clock time of each record (datetime64), used to notice pauses between steps.

    Returns
    -------
    numpy.ndarray
        Seconds since the first record.
    """
    n = len(step)
    if n == 0:
        return np.zeros(0)
    starts = np.r_[0, np.flatnonzero(np.diff(step) != 0) + 1]
    ends = np.r_[starts[1:], n] - 1
    durations = step_time[ends] - step_time[starts]
    offsets = np.r_[0.0, np.cumsum(durations)[:-1]] - step_time[starts]
    if stamps is not None:
        wall = (stamps - stamps[0]).astype("timedelta64[ms]").astype("float64") / 1000.0
        wall_offsets = wall[starts] - step_time[starts]
        # a pause shows as a wall-clock start later than the running sum by more than the clock's resolution
        gap = wall_offsets - offsets
        offsets = offsets + np.maximum.accumulate(np.where(gap > PAUSE_TOLERANCE_S, gap, 0.0))
    lengths = ends - starts + 1
    return step_time + np.repeat(offsets, lengths)
