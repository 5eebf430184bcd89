"""Steady-state reporting: MSER-5 warm-up detection and batch means with confidence intervals.

A run of a terminal starts empty, so its first days are not typical. For every KPI we form the series
of its daily values (:class:`.window_kpis.WindowKPIs`, the KPI over one day of the run), find the warm-up with
MSER-5 (White 1997; Franklin and White 2008: the truncation point that minimises the marginal
standard error of the mean of the remaining batch means of 5), and estimate the steady-state mean of
the daily value by non-overlapping batch means of the days after it, with a Student-t interval over
the batches. KPIs that are totals (calls, TEU, trucks, energy) are reported per day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .steady_report import FEW_BATCHES, MIN_BATCHES, UNBOUNDED, Bounds, unreliable, within

BATCH = 5
"""Observations per batch in MSER-5."""

MSER_POINTS = 120
"""The warm-up is searched on a series of at least this many observations (finer than a day in short runs)."""

MAX_BATCHES = 20
"""At most this many batch means (fewer, longer batches are closer to independent)."""

MIN_PERIODS = 8
"""A control variate's slope is estimated only from at least this many periods with a value."""

PER_DAY = ("vessel_calls", "teu", "gate_trucks", "energy_kwh", "co2_t", "yard_blocked_qc_h")
"""KPIs that are totals over the run; their steady state is a daily rate."""


def confidence_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval ``(mean, low, high)`` of independent replications."""
    from scipy import stats

    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    if len(values) < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.5 + level / 2, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values)))
    return mean, mean - half, mean + half


def mser5(series: np.ndarray) -> int:
    """MSER-5 truncation point: how many leading observations to delete (a multiple of 5).

    Parameters
    ----------
    series
        The output series in time order (no NaN).

    Returns
    -------
    int
        ``5 d*`` where ``d*`` minimises ``sum_{j>d} (z_j - zbar_d)^2 / (m - d)^2`` over
        ``d <= m / 2``, with ``z`` the ``m`` means of consecutive batches of 5 (a partial last batch
        is left out). 0 when the series is shorter than two batches.
    """
    x = np.asarray(series, dtype=float)
    m = len(x) // BATCH
    if m < 2:
        return 0
    z = x[: m * BATCH].reshape(m, BATCH).mean(axis=1)
    stats = [float(((z[d:] - z[d:].mean()) ** 2).sum()) / (m - d) ** 2 for d in range(m // 2 + 1)]
    return BATCH * int(np.argmin(stats))


def batch_means(
    series: np.ndarray, level: float = 0.95, batches: int = MAX_BATCHES, min_size: int = 1
) -> dict[str, float]:
    """Mean of a (correlated) series and the batch-means confidence interval.

    The series is cut into at most ``batches`` consecutive batches of equal size, each of at least
    ``min_size`` values (when the series has room for two such batches; the first
    ``len % size`` values are dropped so that the batches end with the run). While the batch means'
    lag-1 autocorrelation is above ``2 / sqrt(k)`` (not credibly zero) and more than
    :data:`MIN_BATCHES` remain, the batch count is halved (batches twice as long), in the spirit of
    Fishman and Yarberry's LBATCH rule; the batch means are then treated as independent.

    A series too short for :data:`MIN_BATCHES` batches of ``min_size`` (a run only a few
    correlation times long) gets the overlapping-batch-means interval instead (Meketon and
    Schmeiser 1984): every batch of ``min_size`` consecutive values, the variance of the mean
    ``b / (n - b) * mean((batch mean - mean)^2) * n / (n - b + 1) / n`` and a Student-t with
    ``1.5 (n / b - 1)`` degrees of freedom (at least 1). Two non-overlapping batches would give one
    degree of freedom and an interval whose width is itself a coin toss. ``ci_low``/``ci_high`` are
    NaN with fewer than two batches; ``batches`` is ``n // b`` then.

    This is the raw estimator: whether its interval may be reported (enough batches, batch means that
    look independent, within the KPI's bounds) is :mod:`.steady_report`'s call. Besides ``mean``,
    ``ci_low``, ``ci_high`` and ``batches`` the result holds ``size`` (values per batch) and ``lag1``
    (the final batch means' lag-1 autocorrelation; NaN for overlapping batches).
    """
    x = np.asarray(series, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        nan = float("nan")
        return {"mean": nan, "ci_low": nan, "ci_high": nan, "batches": 0, "size": 0, "lag1": nan}
    size = max(1, min_size)
    if size > 1 and len(x) // size < min(MIN_BATCHES, batches):
        return overlapping_batch_means(x, min(size, max(1, len(x) // 2)), level)
    k = max(1, min(batches, len(x) // size, len(x) // 2), min(2, len(x)))
    while True:
        size = len(x) // k
        kept = x[len(x) - k * size :]
        means = kept.reshape(k, size).mean(axis=1)
        lag1 = _lag1(means)
        if k // 2 < min(MIN_BATCHES, batches) or lag1 <= 2 / np.sqrt(k):
            break
        k //= 2
    _, low, high = confidence_interval(means, level)
    return {
        "mean": float(kept.mean()),
        "ci_low": low,
        "ci_high": high,
        "batches": k,
        "size": size,
        "lag1": lag1,
    }


def overlapping_batch_means(series: np.ndarray, size: int, level: float = 0.95) -> dict[str, float]:
    """Mean and overlapping-batch-means interval of ``series`` with batches of ``size`` (see :func:`batch_means`)."""
    from scipy import stats

    x = np.asarray(series, dtype=float)
    n, b = len(x), size
    mean = float(x.mean())
    nan = float("nan")
    if n < 2 or b >= n:
        return {
            "mean": mean,
            "ci_low": nan,
            "ci_high": nan,
            "batches": n // max(b, 1),
            "size": b,
            "lag1": nan,
        }
    window = np.convolve(x, np.ones(b) / b, mode="valid")  # the n - b + 1 batch means
    variance = n * b / ((n - b + 1) * (n - b)) * float(((window - mean) ** 2).sum())
    dof = max(1.0, 1.5 * (n / b - 1.0))
    half = float(stats.t.ppf(0.5 + level / 2, dof) * np.sqrt(variance / n))
    return {
        "mean": mean,
        "ci_low": mean - half,
        "ci_high": mean + half,
        "batches": n // b,
        "size": b,
        "lag1": nan,
    }


def _lag1(values: np.ndarray) -> float:
    """Lag-1 autocorrelation (0 for a constant series)."""
    d = values - values.mean()
    denom = float((d * d).sum())
    return float((d[1:] * d[:-1]).sum()) / denom if denom > 0 else 0.0


def adjust(series: np.ndarray, observed: np.ndarray, expected: np.ndarray) -> tuple[np.ndarray, float]:
    """Take a control variate's luck out of a KPI's series; return the adjusted series and the slope.

    Parameters
    ----------
    series
        The KPI per period (NaN where undefined).
    observed, expected
        The control's value in each period (e.g. the weather share) and its known expectation.

    Returns
    -------
    tuple
        ``series - beta * (observed - expected)`` with ``beta`` the least-squares slope of the KPI on
        the control over the periods with a value, and ``beta``; the series unchanged and
        ``nan`` when the control did not vary (or too few periods) to estimate a slope.
    """
    y = np.asarray(series, dtype=float)
    w = np.asarray(observed, dtype=float)
    valid = ~np.isnan(y)
    if valid.sum() < MIN_PERIODS:
        return y, float("nan")
    wv = w[valid]
    dw = wv - wv.mean()
    denom = float((dw * dw).sum())
    if denom <= 1e-12:
        return y, float("nan")
    beta = float((dw * (y[valid] - y[valid].mean())).sum()) / denom
    return y - beta * (w - np.asarray(expected, dtype=float)), beta


@dataclass(frozen=True)
class SteadyState:
    """Steady-state estimate of one KPI."""

    mean: float
    ci_low: float
    ci_high: float
    warmup_h: float
    batches: int
    period_h: float
    per_day: bool
    control_slope: float | None = None
    no_interval: str | None = None
    """Why ``ci_low``/``ci_high`` are NaN (:func:`.steady_report.unreliable`'s reason), None when they are given."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; ``control_slope`` only for KPIs adjusted by a control variate (NaN: none estimable), ``no_interval`` only when there is none."""
        out: dict[str, Any] = {
            "mean": self.mean,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "warmup_h": self.warmup_h,
            "batches": self.batches,
            "per_day": self.per_day,
        }
        if self.control_slope is not None:
            out["control_slope"] = self.control_slope
        if self.no_interval is not None:
            out["no_interval"] = self.no_interval
        return out


def steady_state(
    window: Callable[[float, float], dict[str, float]],
    horizon_h: float,
    names: list[str],
    period_h: float = 24.0,
    level: float = 0.95,
    ends: dict[str, float] | None = None,
    min_batch_h: dict[str, float] | None = None,
    control: Callable[[float, float], tuple[float, float]] | None = None,
    controlled: tuple[str, ...] = (),
    bounds: Mapping[str, Bounds] | None = None,
) -> dict[str, SteadyState]:
    """MSER-5 warm-up and batch-means interval of each KPI's series of values per ``period_h``.

    The warm-up is found on a finer series when the run is short (at least :data:`MSER_POINTS`
    observations, each no longer than ``period_h``) and rounded up to whole periods; the estimate is
    the batch-means mean of the values per ``period_h`` after it, so that runs of any length
    estimate the same quantity (the 95th-percentile wait of a day, the peak stock of a day).

    Parameters
    ----------
    window
        ``window(t0, t1)`` gives every KPI over ``[t0, t1)`` (NaN where undefined, e.g. no vessel).
    horizon_h
        Length of the run; only whole periods are used.
    names
        The KPIs to report.
    period_h
        Length of one observation of the reported series (a day).
    level
        Confidence level of the intervals.
    ends
        Per KPI, an earlier end of its series than ``horizon_h`` (to leave out an end effect).
    min_batch_h
        Per KPI, the shortest batch (its correlation time: batches shorter than it are not independent).
    control, controlled
        ``control(t0, t1)`` gives a control variate's observed value over ``[t0, t1)`` and its known
        expectation; the KPIs named in ``controlled`` are estimated from their values per period
        minus ``beta * (observed - expected)``, ``beta`` their least-squares slope on the control
        (:func:`adjust`; :mod:`.weather_control` gives the weather as one).
    bounds
        Per KPI, the lowest and highest value it can take (shares ``(0, 1)``); its interval stays
        inside them (:func:`.steady_report.within`). An interval from too few batches is not given
        (:func:`.steady_report.unreliable`).
    """
    n = int(horizon_h // period_h)
    rows = [window(i * period_h, (i + 1) * period_h) for i in range(n)]
    fine_h = min(period_h, horizon_h / MSER_POINTS)
    fine = (
        rows
        if fine_h == period_h
        else [window(i * fine_h, (i + 1) * fine_h) for i in range(round(horizon_h / fine_h))]
    )
    periods = [control(i * period_h, (i + 1) * period_h) for i in range(n)] if control else []
    observed = np.array([p[0] for p in periods], dtype=float)
    expected = np.array([p[1] for p in periods], dtype=float)
    out = {}
    for name in names:
        end = (ends or {}).get(name, horizon_h)
        per_day = name in PER_DAY
        scale = 24.0 / period_h if per_day else 1.0
        series = np.array(
            [row.get(name, np.nan) for row in rows[: max(1, int(end // period_h))]], dtype=float
        )
        detail = np.array([row.get(name, np.nan) for row in fine[: max(1, int(end // fine_h))]], dtype=float)
        size = int(np.ceil((min_batch_h or {}).get(name, period_h) / period_h))
        slope = None
        if control is not None and name in controlled:
            series, slope = adjust(series, observed[: len(series)], expected[: len(series)])
        limits = (bounds or {}).get(name, UNBOUNDED)
        est = estimate(series * scale, detail, fine_h, period_h, size, level, per_day, limits)
        out[name] = est if slope is None else replace(est, control_slope=slope)
    return out


def estimate(
    series: np.ndarray,
    detail: np.ndarray,
    fine_h: float,
    period_h: float = 24.0,
    min_size: int = 1,
    level: float = 0.95,
    per_day: bool = False,
    bounds: Bounds = UNBOUNDED,
) -> SteadyState:
    """Warm-up and steady-state interval of one KPI (see :func:`steady_state`).

    ``series`` holds the values per ``period_h`` (scaled as reported), ``detail`` the same KPI per
    ``fine_h`` for the warm-up search. MSER-5 proposes a truncation point; it is kept only when the
    deleted start is a detectable bias: when the mean after it lies outside the interval of the
    whole series. MSER-5 always deletes something from a noisy series (a rare event near the start,
    a weather stop or a burst of arrivals, lowers the variance of what remains), and a spurious cut
    both biases the mean against such events and throws away half a short run.

    The reported interval lies within ``bounds``, and is NaN with the reason in ``no_interval`` when
    the batches cannot carry one (:mod:`.steady_report`).
    """
    nan = float("nan")
    valid = np.flatnonzero(~np.isnan(detail))
    if len(valid) == 0 or np.isnan(series).all():
        # A run shorter than one period has no batch at all (it said nothing before).
        return SteadyState(nan, nan, nan, 0.0, 0, period_h, per_day, no_interval=FEW_BATCHES)
    cut = mser5(detail[valid])
    warm_h = float(valid[cut]) * fine_h if cut < len(valid) else 0.0
    start = min(int(np.ceil(warm_h / period_h - 1e-9)), len(series) - 1)
    whole = batch_means(series, level, min_size=min_size)
    est = whole
    if start > 0:
        after = batch_means(series[start:], level, min_size=min_size)
        low, high = whole["ci_low"], whole["ci_high"]
        if np.isnan(low) or not low <= after["mean"] <= high:
            est = after
        else:
            start = 0
    reason = unreliable(est, min_size)
    nan = float("nan")
    low, high = (nan, nan) if reason else within(est["mean"], est["ci_low"], est["ci_high"], bounds)
    return SteadyState(
        est["mean"], low, high, start * period_h, int(est["batches"]), period_h, per_day, no_interval=reason
    )
