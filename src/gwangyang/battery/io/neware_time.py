"""Neware's times: clock text to seconds, and the tolerance for a pause on the wall clock.

The test time from clocks that restart with every step (BTSDA 7 CSV, ``.nda``/``.ndax``, BTS 7.6 record tables) is
built by :func:`.neware_steptime.step_test_time`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .textparse import parse_duration

PAUSE_TOLERANCE_S = 2.0
"""A step starting this much later (wall clock) than the previous one ended counts as a pause."""


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
