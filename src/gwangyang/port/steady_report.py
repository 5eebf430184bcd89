"""What a steady-state interval may claim: enough independent batches, and the KPI's own bounds.

A batch-means interval (:func:`.steady.batch_means`) is a Student-t interval on the batch means; it holds
when the batch means are independent and nearly normal. A short run breaks both, and the interval then
claims what it cannot (a 3-day run printed a berth occupancy of 0.157 [-0.41, 0.72]). Two rules, from
the batch-means literature (Law, *Simulation Modeling and Analysis*, 5th ed., section 9.5.3; Schmeiser
1982; Fishman and Yarberry 1997):

- **No interval from too few batches** (:func:`unreliable`). Below :data:`MIN_BATCHES`
  non-overlapping batches their independence cannot be checked and the width is itself a guess (two
  batches give one degree of freedom, a t quantile of 12.7); batch means still correlated at the last
  batch count (lag-1 above ``2 / sqrt(k)``) are not independent; and a KPI whose batches must span
  its correlation time (the land side: four dwells) needs a run of two such batches at least. The
  steady state keeps its mean, its interval is NaN, and :func:`interval_warnings` tells the reader
  why and how long a run would do. So does a KPI whose batch means are all the same (a vessel wait
  in a run where no vessel waited): the zero-width interval it would give claims the value exactly,
  while the run holds no estimate of its variance (a 30-day run's ``mean_wait_h`` 0 [0, 0] against
  a year's 0.088 [0.0056, 1.38] h).
- **Inside the KPI's bounds** (:func:`within`). Shares live in ``[0, 1]``, the other KPIs in
  ``[0, inf)``. The batch-means interval is carried to the scale on which the bounds are at infinity
  (logit for shares, log for the others) by the delta method, ``g^-1(g(mean) +- half g'(mean))``,
  as the logit interval of a proportion (Brown, Cai and DasGupta 2001). It lies inside the bounds,
  contains the mean, and is the symmetric interval to first order when the half-width is small
  against the distance to a bound (a long run). Skewed KPIs near a bound gain coverage too: over
  3,000 AR(1)-driven series each, a share of mean 0.054 from 10 days went from 0.82 to 0.87, a wait
  of mean 0.036 h from 60 days from 0.80 to 0.89 (nominal 0.95).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .steady import SteadyState

Bounds = tuple[float, float]
"""The lowest and highest value a KPI can take (``-inf``/``inf`` for none)."""

UNBOUNDED: Bounds = (-math.inf, math.inf)

MIN_BATCHES = 5
"""The fewest non-overlapping batches an interval is reported from (and batch counts are not halved below it)."""

FEW_BATCHES = "few batches"
"""Reason for no interval: fewer than :data:`MIN_BATCHES` non-overlapping batches."""

SHORT_RUN = "short run"
"""Reason for no interval: the run is shorter than two batches of the KPI's correlation time."""

CORRELATED = "correlated batches"
"""Reason for no interval: the batch means are still correlated at the fewest batches allowed."""

NO_VARIATION = "no variation"
"""Reason for no interval: every batch mean is the same (a wait that never happened), so the run holds no variance."""


def unreliable(estimate: Mapping[str, float], min_size: int = 1) -> str | None:
    """Why a batch-means estimate may not report its interval (:data:`FEW_BATCHES`, ...), or None.

    Parameters
    ----------
    estimate
        :func:`.steady.batch_means`'s result (``batches``, ``size``, ``lag1``, ``ci_low``...).
    min_size
        The KPI's shortest independent batch, in periods (its correlation time).
    """
    if math.isnan(estimate["mean"]):
        return None
    if min_size > 1 and estimate["size"] < min_size:
        return SHORT_RUN
    if math.isnan(estimate["ci_low"]):
        return FEW_BATCHES
    if math.isnan(estimate["lag1"]):  # overlapping batches of the correlation time, two at least
        return NO_VARIATION if estimate["ci_low"] == estimate["ci_high"] else None
    if estimate["batches"] < MIN_BATCHES:
        return FEW_BATCHES
    if estimate["ci_low"] == estimate["ci_high"]:
        return NO_VARIATION
    if estimate["lag1"] > 2 / math.sqrt(estimate["batches"]):
        return CORRELATED
    return None


def within(mean: float, low: float, high: float, bounds: Bounds = UNBOUNDED) -> tuple[float, float]:
    """The interval ``[low, high]`` around ``mean`` carried to a scale that respects ``bounds`` (see the module).

    A mean on or outside a bound (a share that is 0 throughout, a control-adjusted value) or an
    interval of zero width gives the interval cut at the bounds.
    """
    lo, hi = bounds
    if math.isnan(low) or math.isnan(high):
        return low, high
    half = (high - low) / 2
    if not lo < mean < hi or half <= 0:
        return min(max(low, lo), hi), max(min(high, hi), lo)
    if math.isinf(lo) and math.isinf(hi):
        return low, high
    from scipy.special import expit

    if math.isinf(hi):
        step = half / (mean - lo)
        with np.errstate(over="ignore"):
            return lo + (mean - lo) * math.exp(-step), lo + (mean - lo) * float(np.exp(step))
    if math.isinf(lo):
        step = half / (hi - mean)
        with np.errstate(over="ignore"):
            return hi - (hi - mean) * float(np.exp(step)), hi - (hi - mean) * math.exp(-step)
    centre = math.log((mean - lo) / (hi - mean))
    step = half * (1 / (mean - lo) + 1 / (hi - mean))
    return lo + (hi - lo) * float(expit(centre - step)), lo + (hi - lo) * float(expit(centre + step))


def interval_warnings(
    steady: Mapping[str, SteadyState], horizon_h: float, min_batch_h: Mapping[str, float] | None = None
) -> list[str]:
    """One warning per reason for the KPIs whose steady state has no interval (:attr:`.steady.SteadyState.no_interval`).

    Each names the KPIs and how long a run would give them one: :data:`MIN_BATCHES` batches of
    at least two periods after the warm-up, or two batches of the KPI's correlation time
    (``min_batch_h``) after it.
    """
    days = horizon_h / 24
    out = []
    few = {n: s for n, s in steady.items() if s.no_interval == FEW_BATCHES}
    if few:
        need = max(s.warmup_h + 2 * MIN_BATCHES * s.period_h for s in few.values()) / 24
        out.append(
            f"no steady-state interval for {', '.join(few)}: fewer than {MIN_BATCHES} batches in the run's "
            f"{days:g} days; run at least {math.ceil(need):g} days"
        )
    short = {n: s for n, s in steady.items() if s.no_interval == SHORT_RUN}
    by_length: dict[float, list[str]] = {}
    for name in short:
        by_length.setdefault((min_batch_h or {}).get(name, short[name].period_h), []).append(name)
    for length, names in by_length.items():
        batch = math.ceil(length / short[names[0]].period_h - 1e-9) * short[names[0]].period_h
        need = max(short[n].warmup_h for n in names) / 24 + 2 * batch / 24
        out.append(
            f"no steady-state interval for {', '.join(names)}: the run is shorter than two batches of their "
            f"correlation time ({batch / 24:g} days); run at least {math.ceil(need):g} days"
        )
    correlated = [n for n, s in steady.items() if s.no_interval == CORRELATED]
    if correlated:
        out.append(
            f"no steady-state interval for {', '.join(correlated)}: their batch means are still correlated "
            f"at the fewest batches allowed ({MIN_BATCHES}); run more days"
        )
    constant = [n for n, s in steady.items() if s.no_interval == NO_VARIATION]
    if constant:
        out.append(
            f"no steady-state interval for {', '.join(constant)}: the same value in every batch, no estimate "
            "of their variation (what they count did not happen in the run, or cannot happen in this terminal)"
        )
    return out
