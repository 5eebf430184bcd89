"""The CP-SAT model of dynamic berth allocation, its hint and the plan read back from a solution.

Per vessel: a start, an end and one literal per allowed berth, each presence literal of an optional
fixed-size interval on that berth's no-overlap. A redundant cumulative over every vessel's whole
interval (size = the chosen berth's handling time) says that at most ``m`` vessels are served at
once. It changes no solution, but with linearization level 2 CP-SAT derives completion-time cuts
from it (Queyranne-type inequalities for parallel machines), which lift CP-SAT's own bound far above
the sum of handling times that the optional intervals alone give.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .berth_model import BerthInstance


@dataclass
class BerthCpModel:
    """A CP-SAT model with its start and end variables and, per vessel, the berth literals by berth."""

    model: Any
    starts: list[Any]
    ends: list[Any]
    chosen: list[dict[int, Any]]


def build_model(instance: BerthInstance) -> BerthCpModel:
    """The CP-SAT model minimising total service time ``sum_i (end_i - a_i)``.

    Parameters
    ----------
    instance
        The DBAP instance.

    Returns
    -------
    BerthCpModel
        The model and its variables.
    """
    from ortools.sat.python import cp_model

    n, m = instance.vessels, instance.berths
    model = cp_model.CpModel()
    horizon = int(max(instance.closing.max(), instance.deadline.max()))
    starts: list[Any] = []
    ends: list[Any] = []
    chosen: list[dict[int, Any]] = []
    whole: list[Any] = []
    per_berth: list[list[Any]] = [[] for _ in range(m)]
    for i in range(n):
        allowed = [k for k in range(m) if instance.allowed(i, k)]
        lo = int(min(max(instance.arrival[i], instance.opening[k]) for k in allowed))
        shortest = int(min(instance.handling[i, k] for k in allowed))
        longest = int(max(instance.handling[i, k] for k in allowed))
        hi = int(min(horizon, instance.deadline[i]))
        start = model.new_int_var(lo, hi, f"s{i}")
        end = model.new_int_var(min(lo + shortest, hi), hi, f"e{i}")
        size = model.new_int_var(shortest, longest, f"d{i}")
        whole.append(model.new_interval_var(start, size, end, f"v{i}"))
        lits = {}
        for k in allowed:
            h = int(instance.handling[i, k])
            lit = model.new_bool_var(f"x{i}_{k}")
            interval = model.new_optional_fixed_size_interval_var(start, h, lit, f"i{i}_{k}")
            model.add(start >= int(instance.opening[k])).only_enforce_if(lit)
            model.add(end <= int(min(instance.closing[k], instance.deadline[i]))).only_enforce_if(lit)
            per_berth[k].append(interval)
            lits[k] = lit
        model.add_exactly_one(lits.values())
        model.add(size == sum(int(instance.handling[i, k]) * lit for k, lit in lits.items()))
        model.add(start >= int(instance.arrival[i]))
        starts.append(start)
        ends.append(end)
        chosen.append(lits)
    for intervals in per_berth:
        model.add_no_overlap(intervals)
    model.add_cumulative(whole, [1] * n, m)
    model.minimize(sum(ends) - int(instance.arrival.sum()))
    return BerthCpModel(model, starts, ends, chosen)


def add_hint(built: BerthCpModel, plan: pd.DataFrame) -> None:
    """Hint a plan (``vessel, berth, start, end``) to the model."""
    for i, k, s, e in plan[["vessel", "berth", "start", "end"]].to_numpy(dtype=np.int64).tolist():
        built.model.add_hint(built.starts[i], s)
        built.model.add_hint(built.ends[i], e)
        for kk, lit in built.chosen[i].items():
            built.model.add_hint(lit, kk == k)


def read_plan(built: BerthCpModel, solver: Any) -> pd.DataFrame:
    """The plan (``vessel, berth, start, end``) of the solver's best solution."""
    rows = []
    for i, lits in enumerate(built.chosen):
        k = next(kk for kk, lit in lits.items() if solver.boolean_value(lit))
        rows.append((i, k, solver.value(built.starts[i]), solver.value(built.ends[i])))
    return pd.DataFrame(rows, columns=["vessel", "berth", "start", "end"])
