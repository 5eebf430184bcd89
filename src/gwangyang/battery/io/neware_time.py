"""Neware's times: clock text to seconds; test time from clocks that restart with every step.

The per-step clocks are those of the BTSDA 7 CSV (:mod:`.neware_bts`); ``.nda``/``.ndax`` files and BTS 7.6 record
tables build theirs with :func:`.neware_steptime.step_test_time`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .textparse import parse_duration

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


def clock_seconds(values: pd.Series) -> np.ndarray:
    """``H:MM:SS[.f]`` (hours unbounded), days apart (``1.02:03:04``) or plain seconds -> seconds (NaN where none)."""
    if pd.api.types.is_numeric_dtype(values):
        return values.to_numpy(dtype="float64")
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(
        pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    )
    clock = pc.fill_null(pc.match_substring_regex(text, r"^\d+:\d+:\d+(\.\d*)?$"), False)
    if not pc.all(
        pc.or_(clock, pc.fill_null(pc.match_substring_regex(text, r"^\d+(\.\d*)?$"), False))
    ).as_py():
        # days written apart (``1.02:03:04``, ``1-02:03:04``, ``1 day, 02:03:04``): the general parser
        return parse_duration(values.astype(str))
    plain = pc.fill_null(pc.match_substring_regex(text, r"^\d+(\.\d*)?$"), False)
    parts = pc.list_flatten(pc.split_pattern(pc.if_else(clock, text, pa.scalar("0:0:0")), ":"))
    seconds = pc.cast(parts, pa.float64()).to_numpy().reshape(-1, 3) @ np.array([3600.0, 60.0, 1.0])
    numbers = pc.cast(pc.if_else(plain, text, pa.scalar("0")), pa.float64()).to_numpy()
    clock_mask = clock.to_numpy(zero_copy_only=False)
    plain_mask = plain.to_numpy(zero_copy_only=False)
    return np.where(clock_mask, seconds, np.where(plain_mask, numbers, np.nan))
