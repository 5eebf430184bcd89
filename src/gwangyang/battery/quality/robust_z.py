"""Robust univariate scores: the modified z-score ``0.6745 (x - median) / MAD`` of Iglewicz & Hoaglin (1993).

Computed column by column, NaN-aware; a column whose MAD is zero falls back to the mean absolute deviation.
"""

from __future__ import annotations

import numpy as np

MAD_SCALE = 0.6745
"""Modified z-score constant (Iglewicz & Hoaglin 1993): 0.6745 = Φ⁻¹(0.75), so MAD/0.6745 estimates σ."""


def column_median(values: np.ndarray) -> np.ndarray:
    """Column medians; NaN-aware only when there is a NaN (``np.median`` partitions, ``np.nanmedian`` loops).

    The columns are partitioned as contiguous rows of the transposed array (a strided partition is slow).
    """
    columns = np.ascontiguousarray(values.T)
    if np.isnan(columns).any():
        return np.asarray(np.nanmedian(columns, axis=1))
    return np.asarray(np.median(columns, axis=1))


def modified_z(values: np.ndarray) -> np.ndarray:
    """Modified z-scores of the columns of ``values`` (NaN-aware; a zero MAD falls back to the mean absolute deviation)."""
    return robust_z(values)[0]


def robust_z(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Modified z-scores and the column medians."""
    median = column_median(values)
    deviation = np.abs(values - median)
    mad = column_median(deviation)
    fallback = np.nanmean(deviation, axis=0) * 1.2533  # mean absolute deviation -> MAD scale for a normal
    scale = np.where(mad > 0, mad, fallback)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = MAD_SCALE * (values - median) / scale
    return np.where(np.isfinite(z), z, 0.0), median
