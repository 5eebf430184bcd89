"""Early-predicted observations: cycle lives predicted from the first cycles, with their uncertainty.

The life models of :mod:`gwangyang.battery.life` give a point prediction and a conformal interval
``[lower, upper]`` at a stated coverage. The surrogate wants a value and a standard deviation, so
the interval is read as a normal one: ``std = (upper - lower) / (2 z)`` with ``z`` the normal
quantile of ``(1 + coverage) / 2`` (1.645 at 90 %). A wide interval thus weighs less in the fit
than a narrow one, and far less than a life measured to the end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError


def interval_std(lower: np.ndarray, upper: np.ndarray, coverage: float) -> np.ndarray:
    """Standard deviation of a normal whose central ``coverage`` interval is ``[lower, upper]``.

    Raises
    ------
    InputError
        Coverage outside (0, 1), or an interval that is not finite with ``lower <= upper``.
    """
    from scipy.stats import norm

    if not 0.0 < coverage < 1.0:
        raise InputError(f"coverage: expected a number in (0, 1), got {coverage!r}.")
    lower = np.asarray(lower, dtype="float64")
    upper = np.asarray(upper, dtype="float64")
    if not (np.isfinite(lower).all() and np.isfinite(upper).all() and (upper >= lower).all()):
        raise InputError("interval: expected finite bounds with lower <= upper.")
    z = float(norm.ppf(0.5 + coverage / 2.0))
    return (upper - lower) / (2.0 * z)


def early_results(
    pipeline: Any, cells: Sequence[Any], ids: Sequence[str], coverage: float | None = None
) -> pd.DataFrame:
    """Results of suggestions from early cycles: ``id, value, std, lower, upper`` per cell.

    Parameters
    ----------
    pipeline
        A fitted life model (:func:`gwangyang.battery.life.make_life_model`, fitted), whose last
        step has ``predict_interval`` and ``coverage``.
    cells
        One :class:`gwangyang.battery.features_curves.CellCurves` per suggestion, from its first cycles.
    ids
        The suggestion id each cell tested, in the same order.
    coverage
        Coverage of the model's interval; default: the model's own.

    Raises
    ------
    InputError
        Cells and ids of different lengths.
    """
    from ..battery.life_predict import predict_cells

    if len(cells) != len(ids):
        raise InputError(f"early results: {len(cells)} cell(s) but {len(ids)} suggestion id(s).")
    coverage = float(pipeline[-1].coverage if coverage is None else coverage)
    rows = predict_cells(pipeline, list(cells))
    table = pd.DataFrame(rows)
    lower = table["lower"].to_numpy(dtype="float64")
    upper = table["upper"].to_numpy(dtype="float64")
    return pd.DataFrame(
        {
            "id": [str(i) for i in ids],
            "cell": table["cell"],
            "value": table["predicted_cycle_life"].to_numpy(dtype="float64"),
            "std": interval_std(lower, upper, coverage),
            "lower": lower,
            "upper": upper,
        }
    )


def std_from_relative(values: np.ndarray, relative: float) -> np.ndarray:
    """Standard deviations as a fraction of the values (e.g. an early prediction's typical error)."""
    if not (math.isfinite(relative) and relative >= 0):
        raise InputError(f"relative std: expected a number >= 0, got {relative!r}.")
    return np.abs(np.asarray(values, dtype="float64")) * relative
