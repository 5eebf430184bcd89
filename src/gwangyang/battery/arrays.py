"""Array helpers the step and cycle tables share: runs of equal values, shifts, and tables built from columns.

Vectorised building blocks of :mod:`~gwangyang.battery.step_segments`, :mod:`~gwangyang.battery.steps`,
:mod:`~gwangyang.battery.pairing` and :mod:`~gwangyang.battery.cycles`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.arrays import NumpyExtensionArray


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
