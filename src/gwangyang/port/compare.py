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
- **No interval without a variance** (:data:`FEW_REPLICATIONS`, :data:`.steady_report.NO_VARIATION`).
  One replication gives no variance; a KPI with the same value in every replication of A or of B (a
  wait that never happened) has no estimate of that side's variation, and the difference's interval
  would claim that side exactly. The difference keeps its mean, its interval is NaN, and
  :meth:`Comparison.warnings` says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..compute import Executor, SerialExecutor
from ..errors import InputError
from .result import KPI_UNITS, kpi_bounds
from .simulation import simulate
from .steady import confidence_interval
from .steady_report import NO_VARIATION, within
from .terminal import Scenario

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)``."""

MIN_REPLICATIONS = 2
"""The fewest paired replications a difference's interval is reported from (one gives no variance)."""

FEW_REPLICATIONS = "few replications"
"""Reason for no interval: fewer than :data:`MIN_REPLICATIONS` replications."""


def difference_interval(
    a: np.ndarray, b: np.ndarray, level: float, bounds: tuple[float, float]
) -> tuple[float, float, float, str | None]:
    """Mean of the paired differences ``b - a``, its interval inside ``B``'s ``bounds`` less A's mean, and why none.

    Returns ``(mean, low, high, reason)``; ``reason`` is None, :data:`FEW_REPLICATIONS` or
    :data:`.steady_report.NO_VARIATION` (A or B the same in every replication), and then ``low``
    and ``high`` are NaN (see the module).
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    mean, low, high = confidence_interval(b - a, level)
    nan = float("nan")
    if len(a) < MIN_REPLICATIONS:
        return mean, nan, nan, FEW_REPLICATIONS
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return mean, nan, nan, NO_VARIATION
    base = float(a.mean())
    low, high = within(mean, low, high, (bounds[0] - base, bounds[1] - base))
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


def summarize(table: pd.DataFrame, level: float = 0.95) -> dict[str, dict[str, float]]:
    """Mean and confidence interval of each KPI column over replications, inside the KPI's bounds (:func:`.steady_report.within`)."""
    out = {}
    for name in KPI_UNITS:
        if name in table:
            mean, low, high = confidence_interval(table[name].to_numpy(), level)
            low, high = within(mean, low, high, kpi_bounds(name))
            out[name] = {"mean": mean, "ci_low": low, "ci_high": high}
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
        few = diff.loc[diff["no_interval"] == FEW_REPLICATIONS, "kpi"].tolist()
        if few:
            out.append(
                f"no interval for the differences of {', '.join(few)}: {self.replications} replication, fewer "
                f"than {MIN_REPLICATIONS}; run at least {MIN_REPLICATIONS} replications"
            )
        sides: dict[str, list[str]] = {}
        for name in diff.loc[diff["no_interval"] == NO_VARIATION, "kpi"]:
            a_same = self.table_a[name].nunique() == 1
            b_same = self.table_b[name].nunique() == 1
            side = f"{self.a} and {self.b}" if a_same and b_same else self.a if a_same else self.b
            sides.setdefault(side, []).append(name)
        for side, names in sides.items():
            out.append(
                f"no interval for the differences of {', '.join(names)}: the same value in every replication of "
                f"{side}, no estimate of their variation (what they count did not happen in the runs, or cannot "
                "happen in this terminal)"
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
    return Comparison(a.name, b.name, days, replications, level, table_a, table_b)
