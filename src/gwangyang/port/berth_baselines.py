"""Berth allocation baselines (DBAP): first come first served, greedy and shortest-handling-first list schedules.

Each returns a :class:`~gwangyang.port.berth_model.BerthPlan` checked by
:func:`~gwangyang.port.berth_model.check_plan` (``INFEASIBLE`` when a vessel ends past its berth's closing or its
deadline). They start and bound :func:`gwangyang.port.berths.solve_cpsat`, and are the manual-planning baselines of
the benchmarks.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from .berth_model import BerthInstance, BerthPlan, check_plan, objective


def _list_schedule(instance: BerthInstance, order: np.ndarray, rule: str) -> pd.DataFrame:
    free = instance.opening.copy()
    rows = []
    for i in order:
        best: tuple[int, int, int] | None = None
        for k in range(instance.berths):
            h = int(instance.handling[i, k])
            if h < 0:
                continue
            start = int(max(free[k], instance.arrival[i]))
            key = (start, start + h, k) if rule == "earliest_start" else (start + h, start, k)
            late = start + h > min(instance.closing[k], instance.deadline[i])
            key = (int(late), *key)  # type: ignore[assignment]
            if best is None or key < best:
                best = key
        assert best is not None
        k = best[-1]
        start = int(max(free[k], instance.arrival[i]))
        free[k] = start + instance.handling[i, k]
        rows.append((int(i), k, start, int(free[k])))
    return (
        pd.DataFrame(rows, columns=["vessel", "berth", "start", "end"])
        .sort_values("vessel")
        .reset_index(drop=True)
    )


def _baseline(instance: BerthInstance, method: str, rule: str) -> BerthPlan:
    t0 = time.perf_counter()
    order = np.argsort(instance.arrival, kind="stable")
    plan = _list_schedule(instance, order, rule)
    status = "FEASIBLE" if not check_plan(instance, plan) else "INFEASIBLE"
    return BerthPlan(
        instance.name, method, plan, objective(instance, plan), None, status, time.perf_counter() - t0
    )


def solve_fcfs(instance: BerthInstance) -> BerthPlan:
    """First come, first served: vessels in arrival order, each to the berth where it can start first."""
    return _baseline(instance, "fcfs", "earliest_start")


def solve_greedy(instance: BerthInstance) -> BerthPlan:
    """Greedy: vessels in arrival order, each to the berth where it finishes first."""
    return _baseline(instance, "greedy", "earliest_end")


def _spt_schedule(instance: BerthInstance) -> pd.DataFrame:
    """List scheduling: whenever a berth frees, it takes the arrived vessel with the shortest handling there.

    Among berths the one whose next vessel would finish first goes first; a berth with no arrived
    vessel waits for the earliest one that may use it.
    """
    n, m = instance.vessels, instance.berths
    free = instance.opening.astype(np.int64).copy()
    left = np.ones(n, dtype=bool)
    order = np.lexsort((np.arange(n), instance.arrival))
    rows = []
    for _ in range(n):
        best: tuple[int, int, int, int, int] | None = None
        for k in range(m):
            h = instance.handling[:, k]
            candidates = order[left[order] & (h[order] > 0)]
            if not len(candidates):
                continue
            arrived = candidates[instance.arrival[candidates] <= free[k]]
            if len(arrived):
                i = int(arrived[np.lexsort((instance.arrival[arrived], h[arrived]))[0]])
                start = int(free[k])
            else:
                first = candidates[instance.arrival[candidates] == instance.arrival[candidates[0]]]
                i = int(first[np.argmin(h[first])])
                start = int(instance.arrival[i])
            key = (start + int(h[i]), start, k, i, int(h[i]))
            if best is None or key < best:
                best = key
        assert best is not None
        end, start, k, i, _ = best
        free[k] = end
        left[i] = False
        rows.append((i, k, start, end))
    return (
        pd.DataFrame(rows, columns=["vessel", "berth", "start", "end"])
        .sort_values("vessel")
        .reset_index(drop=True)
    )


def solve_spt(instance: BerthInstance) -> BerthPlan:
    """Shortest handling first: a freed berth takes the arrived vessel it handles fastest (list scheduling)."""
    t0 = time.perf_counter()
    plan = _spt_schedule(instance)
    status = "FEASIBLE" if not check_plan(instance, plan) else "INFEASIBLE"
    return BerthPlan(
        instance.name, "spt", plan, objective(instance, plan), None, status, time.perf_counter() - t0
    )
