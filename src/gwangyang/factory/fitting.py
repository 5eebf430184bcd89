"""Fit a monitor on a table of normal operation: validate, drop constant variables, build the estimator."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..written import as_written
from .io import ConstantColumnWarning, numeric_matrix, parse_time, variable_columns
from .monitor import MONITORS
from .streaming import StreamingMonitor
from .table_checks import complete_rows, text_columns


@dataclass
class FitResult:
    """What fitting learned: the method, columns kept and dropped, components and control limits."""

    monitor: StreamingMonitor
    rows: int
    training_t2_rate: float
    training_q_rate: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        est = self.monitor.estimator
        return {
            "method": self.monitor.method,
            "rows": self.rows,
            "columns": self.monitor.columns,
            "dropped": self.monitor.dropped,
            "time_column": self.monitor.time_column,
            "k": self.monitor.k,
            "alpha": float(est.alpha),
            "n_components": int(est.n_components_),
            "lags": int(est.lags),
            "holdout": float(est.holdout),
            "limit_scale": {"t2": float(est.limit_scale_[0]), "q": float(est.limit_scale_[1])},
            "limits": {"t2": float(est.t2_limit_), "q": float(est.q_limit_)},
            "training_violation_rate": {"t2": self.training_t2_rate, "q": self.training_q_rate},
        }


def constant_columns(table: pd.DataFrame, columns: list[str]) -> list[str]:
    """Columns whose values do not vary (up to rounding)."""
    out = []
    for column in columns:
        values = table[column].to_numpy(dtype=np.float64)
        spread = float(np.max(values) - np.min(values)) if len(values) else 0.0
        if spread <= 1e-12 * max(1.0, float(np.max(np.abs(values)))):
            out.append(column)
    return out


def fit_table(
    table: pd.DataFrame,
    time_column: str,
    method: str = "pca",
    alpha: float = 0.01,
    k: int = 3,
    holdout: float = 0.3,
    columns: list[str] | None = None,
    source: str = "table",
    **params: Any,
) -> FitResult:
    """Fit a monitor on the rows of a normal period.

    Parameters
    ----------
    table
        Sensor table with a time column and numeric variables.
    time_column
        Name of the time column.
    method
        ``pca``, ``dpca`` (dynamic PCA) or ``kpca`` (kernel PCA).
    alpha
        False-alarm rate of each control limit.
    k
        Consecutive violations that raise an alarm when scoring.
    holdout
        Fraction of the last rows that checks the analytic limits and widens them if normal rows
        beyond the training window exceed them too often (0: analytic limits only).
    columns
        Variables to use (default: every column but the time column).
    source
        Name of the table in error messages (its file name).
    **params
        Further parameters of the estimator (``n_components``, ``lags``, ``gamma``...).

    Returns
    -------
    FitResult
        The fitted :class:`~.streaming.StreamingMonitor` and a summary.
    """
    if method not in MONITORS:
        raise InputError(f"method: expected one of {', '.join(MONITORS)}, got {as_written(method)}.")
    table = parse_time(table, time_column, source)
    chosen = variable_columns(table, time_column) if columns is None else list(columns)
    if columns is not None:
        for column in chosen:
            if column not in table.columns or column == time_column:
                shown = ", ".join(map(str, variable_columns(table, time_column)[:8]))
                raise InputError(
                    f"{source}: columns: {column!r} is not a variable of the table ({shown}...)."
                )
    if columns is None:
        labels = text_columns(table, chosen)
        empty = [name for name, example in labels.items() if example == "(empty)"]
        words = {name: example for name, example in labels.items() if name not in empty}
        if empty:
            warnings.warn(
                f"{source}: columns with no values left out of the monitor: {', '.join(map(repr, empty))}.",
                ConstantColumnWarning,
                stacklevel=2,
            )
        if words:
            shown = ", ".join(f"{name!r} (e.g. {example})" for name, example in words.items())
            warnings.warn(
                f"{source}: columns that are not numbers left out of the monitor: {shown}.",
                ConstantColumnWarning,
                stacklevel=2,
            )
        chosen = [c for c in chosen if c not in labels]
    if not chosen:
        raise InputError(f"{source}: no numeric variables besides the time column {time_column!r}.")
    table, gaps = complete_rows(table, chosen, source, "used in the fit")
    if gaps:
        warnings.warn(gaps, ConstantColumnWarning, stacklevel=2)
    X = numeric_matrix(table, chosen, source)
    dropped = constant_columns(table, chosen)
    if dropped:
        warnings.warn(
            f"{source}: constant columns dropped: {', '.join(dropped)}.", ConstantColumnWarning, stacklevel=2
        )
    kept = [c for c in chosen if c not in dropped]
    if not kept:
        raise InputError(f"{source}: every variable is constant; nothing to monitor.")
    X = X[:, [chosen.index(c) for c in kept]]
    if len(kept) == 1 and method == "pca":  # DPCA's lags and KPCA's kernel leave a residual
        warnings.warn(
            f"{source}: one variable ({kept[0]!r}) to monitor: its Q statistic is always 0 and T² is its squared "
            f"z-score; for one variable the SPC charts (gwangyang factory spc --column {kept[0]!r}) say more.",
            ConstantColumnWarning,
            stacklevel=2,
        )
    lags = int(params.get("lags", 2)) if method == "dpca" else 0
    needed = len(kept) * (lags + 1) + lags + 2
    if X.shape[0] < needed:
        raise InputError(
            f"{source}: {X.shape[0]} normal rows are too few for {len(kept)} variables "
            f"(method {method} needs at least {needed}); give more rows, or fewer variables with columns."
        )
    if 0.0 < holdout < 0.9:
        cut = round(X.shape[0] * (1.0 - holdout))
        if X.shape[0] - cut < 10 or cut < needed:
            warnings.warn(
                f"{source}: {X.shape[0]} rows are too few to hold {holdout:g} of them out and check the limits "
                f"(10 held-out rows and {needed} fitting rows needed); the analytic limits are used (holdout 0).",
                ConstantColumnWarning,
                stacklevel=2,
            )
            holdout = 0.0
    estimator = MONITORS[method](alpha=alpha, holdout=holdout, **params)
    estimator.fit(X)
    monitor = StreamingMonitor(estimator, kept, time_column, k=k, dropped=dropped)
    stats = estimator.transform(X)
    with np.errstate(invalid="ignore"):
        t2_rate = float(np.nanmean(stats[:, 0] > estimator.t2_limit_))
        q_rate = float(np.nanmean(stats[:, 1] > estimator.q_limit_))
    return FitResult(monitor, int(X.shape[0]), t2_rate, q_rate)
