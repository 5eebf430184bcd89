"""Large-neighbourhood search with CP-SAT for big berth allocation instances.

Each round frees the vessels of one window of the current plan (consecutive by start time), keeps
every other vessel where it is, and lets CP-SAT re-plan the window exactly (berth and start of each
freed vessel, no overlap with the fixed ones); the new plan is kept when total service time falls.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .berth_model import BerthInstance, objective


def _replan_window(
    instance: BerthInstance,
    plan: pd.DataFrame,
    chosen: list[int],
    time_limit: float | None,
    seed: int,
    work: float | None = None,
) -> tuple[pd.DataFrame | None, float]:
    """The window re-planned (None without a solution) and CP-SAT's deterministic time for it."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    ordered = plan.sort_values("vessel")
    berth_of = ordered["berth"].to_numpy(dtype=np.int64)
    start_of = ordered["start"].to_numpy(dtype=np.int64)
    free = set(chosen)
    per_berth: list[list[Any]] = [[] for _ in range(instance.berths)]
    for i in range(instance.vessels):
        if i in free:
            continue
        k, s = int(berth_of[i]), int(start_of[i])
        per_berth[k].append(model.new_fixed_size_interval_var(s, int(instance.handling[i, k]), f"f{i}"))
    ends, variables = [], {}
    for i in chosen:
        allowed = [k for k in range(instance.berths) if instance.allowed(i, k)]
        lo = int(min(max(instance.arrival[i], instance.opening[k]) for k in allowed))
        hi = int(min(max(instance.closing.max(), 0), instance.deadline[i]))
        start = model.new_int_var(lo, hi, f"s{i}")
        lits = {}
        for k in allowed:
            lit = model.new_bool_var(f"x{i}_{k}")
            h = int(instance.handling[i, k])
            per_berth[k].append(model.new_optional_fixed_size_interval_var(start, h, lit, f"i{i}_{k}"))
            model.add(start >= int(instance.opening[k])).only_enforce_if(lit)
            model.add(start + h <= int(min(instance.closing[k], instance.deadline[i]))).only_enforce_if(lit)
            lits[k] = lit
        model.add_exactly_one(lits.values())
        end = start + sum(int(instance.handling[i, k]) * lit for k, lit in lits.items())
        ends.append(end)
        variables[i] = (start, lits)
        model.add_hint(start, int(start_of[i]))
        for k, lit in lits.items():
            model.add_hint(lit, k == int(berth_of[i]))
    for intervals in per_berth:
        model.add_no_overlap(intervals)
    model.minimize(sum(ends))
    solver = cp_model.CpSolver()
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = time_limit
    if work is not None:
        solver.parameters.max_deterministic_time = work
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    used = float(solver.response_proto.deterministic_time)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, used
    new = plan.copy().set_index("vessel")
    for i, (start, lits) in variables.items():
        k = next(k for k, lit in lits.items() if solver.boolean_value(lit))
        s = solver.value(start)
        new.loc[i, ["berth", "start", "end"]] = [k, s, s + int(instance.handling[i, k])]
    return new.reset_index(), used


def improve_with_cpsat_counted(
    instance: BerthInstance,
    plan: pd.DataFrame,
    time_limit: float | None = 10.0,
    window: int = 20,
    seed: int = 0,
    round_limit: float | None = 2.0,
    rounds: int | None = None,
    round_work: float | None = None,
) -> tuple[pd.DataFrame, int, float]:
    """Re-plan random windows of ``window`` vessels with CP-SAT for ``time_limit`` seconds.

    Each round gets at most ``round_limit`` seconds and ``round_work`` deterministic seconds of
    CP-SAT's (its own count of work done, the same on every run); ``rounds`` caps their number
    (default: no cap). With ``time_limit`` and ``round_limit`` None and ``round_work`` set, no clock
    is read: the plan is the same on every run for a seed, whatever the machine's load.

    Returns
    -------
    (DataFrame, int, float)
        The best plan found (``vessel, berth, start, end``), never worse than ``plan``; the rounds
        it ran; the most deterministic time one round took.
    """
    if time_limit is None and rounds is None:
        raise InputError("rounds: needed when time_limit is None (else the search never stops)")
    if time_limit is None and round_limit is None and round_work is None:
        raise InputError("round_work: needed when time_limit and round_limit are None")
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    best = plan.sort_values("vessel").reset_index(drop=True)
    value = objective(instance, best)
    size = min(window, instance.vessels)
    done, most = 0, 0.0
    while rounds is None or done < rounds:
        left = None if time_limit is None else time_limit - (time.perf_counter() - t0)
        if left is not None and left <= 0.05:
            break
        done += 1
        order = best.sort_values(["start", "vessel"])["vessel"].to_numpy()
        first = int(rng.integers(0, instance.vessels - size + 1))
        chosen = [int(i) for i in order[first : first + size]]
        limits = [x for x in (round_limit, left) if x is not None]
        new, used = _replan_window(
            instance, best, chosen, min(limits) if limits else None, int(rng.integers(1 << 30)), round_work
        )
        most = max(most, used)
        if new is not None:
            new_value = objective(instance, new)
            if new_value < value:
                best, value = new.sort_values("vessel").reset_index(drop=True), new_value
    return best[["vessel", "berth", "start", "end"]].astype(np.int64), done, most
