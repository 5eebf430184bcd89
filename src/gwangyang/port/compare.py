"""Replications and confidence intervals; paired comparison of two scenarios with common random numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..compute import Executor, SerialExecutor
from ..errors import InputError
from .result import KPI_UNITS, kpi_bounds
from .simulation import simulate
from .steady import confidence_interval
from .steady_report import within
from .terminal import Scenario

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)``."""


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
        """One row per KPI: ``kpi, unit, a_mean, b_mean, diff_mean, diff_ci_low, diff_ci_high, rel_change``."""
        rows = []
        for name, unit in KPI_UNITS.items():
            a = self.table_a[name].to_numpy(float)
            b = self.table_b[name].to_numpy(float)
            mean, low, high = confidence_interval(b - a, self.level)
            rel = mean / a.mean() if a.mean() else float("nan")
            rows.append((name, unit, a.mean(), b.mean(), mean, low, high, rel))
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
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: scenario names, settings and one record per KPI."""
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
