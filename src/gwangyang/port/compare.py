"""Replications and confidence intervals; paired comparison of two scenarios with common random numbers.

Scenarios A and B run with the same seeds, so replication ``r`` of each sees the same random numbers
(common random numbers) and the difference ``B - A`` is estimated from the paired differences
``b_r - a_r`` (Law, *Simulation Modeling and Analysis*, 5th ed., section 10.2.1: the paired-t interval).
What that interval may claim follows :mod:`.steady_report`:

- **Inside what a difference can be** (:func:`difference_interval`). B's KPI has bounds (a share lies in
  ``[0, 1]``, the other KPIs in ``[0, inf)``), so ``B - A`` lies in ``[lo - A, hi - A]``: for a share
  within ``[-1, 1]``, for the others ``B - A >= -A``. With A held at its mean, the paired-t interval is
  carried by the delta method to the scale on which B's bounds are at infinity (logit for shares,
  log for the others; :func:`.steady_report.within` with the bounds shifted by A's mean). It contains
  the mean difference, lies inside ``[lo - A, hi - A]``, and is the paired-t interval to first order
  when the half-width is small against B's distance to its bounds (a long run). Nothing is cut.
  A KPI that is 0 by design on side A (the AGV shares of a terminal without AGVs) is the plain case
  ``A = 0``: the interval is then B's own bounded interval. Where B is the same in every replication
  and A varies, all the variation is A's: the interval is carried on A's scale with B held at its value
  (``B - A`` in ``[b - A_high, b - A_low]``), so a B that is 0 by design gives minus A's interval.
- **No interval without a variance** (:data:`FEW_REPLICATIONS`, :data:`.steady_report.NO_VARIATION`).
  One replication gives no variance; differences ``b_r - a_r`` that are the same in every replication
  (a wait that happened in neither scenario, or the TEU handled, which common random numbers make the
  same in both) hold no estimate of their variation, and the zero-width paired-t interval would claim
  the difference exactly. The difference keeps its mean, its interval is NaN, and
  :meth:`Comparison.warnings` says why. One side alone being the same in every replication is no
  reason: the differences still vary, and their paired-t interval holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..compute import Executor, SerialExecutor
from ..errors import InputError
from .offered_load import overload_warning, scenario_load
from .result import KPI_UNITS, kpi_bounds
from .simulation import late_calls_warning, simulate
from .steady import confidence_interval
from .steady_report import NO_VARIATION, within
from .terminal import Scenario

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)``."""

MIN_REPLICATIONS = 2
"""The fewest paired replications a difference's interval is reported from (one gives no variance)."""

SAME = 1e-12
"""Differences whose spread is below this share of the KPI's magnitude count as the same (rounding of ``b - a``)."""

FEW_REPLICATIONS = "few replications"
"""Reason for no interval: fewer than :data:`MIN_REPLICATIONS` replications."""


def difference_interval(
    a: np.ndarray, b: np.ndarray, level: float, bounds: tuple[float, float]
) -> tuple[float, float, float, str | None]:
    """Mean of the paired differences ``b - a``, its interval inside what ``B - A`` can be, and why none.

    ``bounds`` are the KPI's (those of A and of B). Returns ``(mean, low, high, reason)``; ``reason``
    is None, :data:`FEW_REPLICATIONS` or :data:`.steady_report.NO_VARIATION` (the differences the same
    in every replication), and then ``low`` and ``high`` are NaN (see the module).
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    mean, low, high = confidence_interval(b - a, level)
    nan = float("nan")
    if len(a) < MIN_REPLICATIONS:
        return mean, nan, nan, FEW_REPLICATIONS
    if np.ptp(b - a) <= SAME * max(np.abs(a).max(), np.abs(b).max()):  # rounding of b - a is no variation
        return mean, nan, nan, NO_VARIATION
    if np.ptp(b) > 0:  # on B's scale, A held at its mean
        base = float(a.mean())
        low, high = within(mean, low, high, (bounds[0] - base, bounds[1] - base))
        return mean, low, high, None
    # B the same in every replication: the differences vary as A does; on A's scale, B held at its value
    value = float(b[0])
    a_low, a_high = within(value - mean, value - high, value - low, bounds)
    return mean, value - a_high, value - a_low, None


def replication_interval(
    x: np.ndarray, level: float, bounds: tuple[float, float]
) -> tuple[float, float, float, str | None]:
    """Mean of one KPI over replications, its t interval inside the KPI's ``bounds``, and why none.

    Returns ``(mean, low, high, reason)`` as :func:`difference_interval`: :data:`FEW_REPLICATIONS`
    below :data:`MIN_REPLICATIONS`, :data:`.steady_report.NO_VARIATION` for the same value in every
    replication (NaN ``low`` and ``high``), else the interval carried inside ``bounds``
    (:func:`.steady_report.within`).
    """
    x = np.asarray(x, dtype=float)
    mean, low, high = confidence_interval(x, level)
    nan = float("nan")
    if len(x) < MIN_REPLICATIONS:
        return mean, nan, nan, FEW_REPLICATIONS
    if np.ptp(x) <= SAME * np.abs(x).max():
        return mean, nan, nan, NO_VARIATION
    low, high = within(mean, low, high, bounds)
    return mean, low, high, None


def _kpis(item: tuple[Scenario, float, int, float]) -> dict[str, Any]:
    """One replication's KPIs with its ``seed`` (runs on any worker)."""
    scenario, days, seed, warmup_days = item
    return {"seed": seed, **simulate(scenario, days, seed, warmup_days).kpis}


def _check(replications: int) -> None:
    if replications < 1:
        raise InputError(f"replications: must be >= 1, got {replications}")


def replicate(
    scenario: Scenario,
    days: float,
    replications: int,
    seed: int = 0,
    warmup_days: float = 0.0,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> pd.DataFrame:
    """Run ``replications`` independent simulations with seeds ``seed, seed + 1, ...``, each an item of ``executor``.

    Returns
    -------
    DataFrame
        One row of KPIs per replication, with its ``seed``, in seed order.
    """
    _check(replications)
    items = [(scenario, days, seed + r, warmup_days) for r in range(replications)]
    return pd.DataFrame((executor or SerialExecutor()).map(_kpis, items, progress=progress))


def summarize(table: pd.DataFrame, level: float = 0.95) -> dict[str, dict[str, Any]]:
    """Mean and confidence interval of each KPI column over replications (:func:`replication_interval`).

    Each KPI maps to ``mean``, ``ci_low``, ``ci_high`` (inside the KPI's bounds) and ``no_interval``: None,
    or why there is none (:data:`FEW_REPLICATIONS`, :data:`.steady_report.NO_VARIATION`: the same value in
    every replication, such as a wait that never happened), with ``ci_low`` and ``ci_high`` NaN.
    """
    out: dict[str, dict[str, Any]] = {}
    for name in KPI_UNITS:
        if name in table:
            mean, low, high, reason = replication_interval(table[name].to_numpy(), level, kpi_bounds(name))
            out[name] = {"mean": mean, "ci_low": low, "ci_high": high, "no_interval": reason}
    return out


@dataclass
class Comparison:
    """KPIs of scenarios A and B over paired replications, and B - A with its confidence interval."""

    a: str
    b: str
    days: float
    replications: int
    level: float
    table_a: pd.DataFrame
    table_b: pd.DataFrame
    loads: tuple[dict[str, float], dict[str, float]] = ({}, {})
    """A's and B's offered loads (:func:`gwangyang.port.offered_load.offered_load`); empty: not computed."""
    late: tuple[str | None, str | None] = (None, None)
    """A's and B's warnings for call-list calls after the run (:func:`.simulation.late_calls_warning`), or None."""

    def differences(self) -> pd.DataFrame:
        """One row per KPI: ``kpi, unit, a_mean, b_mean, diff_mean, diff_ci_low, diff_ci_high, rel_change, no_interval``.

        ``diff_ci_low``/``diff_ci_high`` lie inside what B - A can be, or are NaN with the reason in
        ``no_interval`` (:func:`difference_interval`).
        """
        rows = []
        for name, unit in KPI_UNITS.items():
            a = self.table_a[name].to_numpy(float)
            b = self.table_b[name].to_numpy(float)
            mean, low, high, reason = difference_interval(a, b, self.level, kpi_bounds(name))
            rel = mean / a.mean() if a.mean() else float("nan")
            rows.append((name, unit, a.mean(), b.mean(), mean, low, high, rel, reason))
        return pd.DataFrame(
            rows,
            columns=[
                "kpi",
                "unit",
                "a_mean",
                "b_mean",
                "diff_mean",
                "diff_ci_low",
                "diff_ci_high",
                "rel_change",
                "no_interval",
            ],
        )

    def warnings(self, differences: pd.DataFrame | None = None) -> list[str]:
        """One warning per reason for the KPIs whose difference has no interval, saying what would give one."""
        diff = self.differences() if differences is None else differences
        out = []
        for name, load, late in zip((self.a, self.b), self.loads, self.late, strict=True):
            overloaded = overload_warning(load) if load else None
            if overloaded is not None:
                out.append(f"{name}: {overloaded}")
            if late is not None:  # a call list's calls the runs left out: never silently
                out.append(f"{name}: {late}")
        few = diff.loc[diff["no_interval"] == FEW_REPLICATIONS, "kpi"].tolist()
        if few:
            out.append(
                f"no interval for the differences of {', '.join(few)}: {self.replications} replication, fewer "
                f"than {MIN_REPLICATIONS}; run at least {MIN_REPLICATIONS} replications"
            )
        constant = diff.loc[diff["no_interval"] == NO_VARIATION, "kpi"].tolist()
        both = [n for n in constant if self.table_a[n].nunique() == 1 and self.table_b[n].nunique() == 1]
        alike = [n for n in constant if n not in both]
        if both:
            out.append(
                f"no interval for the differences of {', '.join(both)}: the same value in every replication of "
                "both scenarios, no estimate of their variation (what they count did not happen in the runs, "
                "or cannot happen in these terminals)"
            )
        if alike:
            out.append(
                f"no interval for the differences of {', '.join(alike)}: B - A is the same in every "
                "replication (the common random numbers move both scenarios alike), no estimate of its variation"
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: scenario names, settings, one record per KPI and the ``warnings`` (:meth:`warnings`)."""
        diff = self.differences()
        return {
            "a": self.a,
            "b": self.b,
            "days": self.days,
            "replications": self.replications,
            "level": self.level,
            "kpis": {
                row["kpi"]: {k: v for k, v in row.items() if k != "kpi"}
                for row in diff.to_dict(orient="records")
            },
            "warnings": self.warnings(diff),
        }


def compare(
    a: Scenario,
    b: Scenario,
    days: float,
    replications: int = 5,
    seed: int = 0,
    warmup_days: float = 0.0,
    level: float = 0.95,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> Comparison:
    """Simulate both scenarios with the same seeds (common random numbers) and compare their KPIs.

    The ``2 x replications`` simulations are independent items of ``executor`` (serial, processes or Dask).
    """
    _check(replications)
    items = [(s, days, seed + r, warmup_days) for s in (a, b) for r in range(replications)]
    rows = (executor or SerialExecutor()).map(_kpis, items, progress=progress)
    table_a = pd.DataFrame(rows[:replications])
    table_b = pd.DataFrame(rows[replications:])
    loads = (scenario_load(a, days, seed), scenario_load(b, days, seed))
    late = (late_calls_warning(a, days), late_calls_warning(b, days))
    return Comparison(a.name, b.name, days, replications, level, table_a, table_b, loads, late)
