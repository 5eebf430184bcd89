"""Quay-crane scheduling (QCSP) solvers: OR-Tools CP-SAT, and exact enumeration of small instances.

The instance (TOML format and rules), the schedule and the checker are in :mod:`.crane_model`; the objective is
the makespan, interference checked while tasks are processed (Kim & Park 2004, EJOR 156:752).
"""

from __future__ import annotations

import math
import time
from typing import Any

import pandas as pd

from ..errors import InputError
from ..written import as_written
from .crane_model import CraneInstance, CraneSchedule, conflict


def solve_cranes(
    instance: CraneInstance,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 0,
    budget: float | None = None,
) -> CraneSchedule:
    """Minimise the makespan with OR-Tools CP-SAT (assignment booleans, pairwise order/parallel booleans).

    Parameters
    ----------
    budget
        Counted work instead of ``time_limit``: CP-SAT's deterministic seconds
        (``max_deterministic_time``, its own count of work done), with one worker (``workers`` 0 or 1)
        or ``workers`` interleaved (``interleave_search``), so the same budget and seed give the same
        schedule on every run, whatever the load; only the wall time varies. None: the clock.

    Returns
    -------
    CraneSchedule
        The best schedule, CP-SAT's lower bound and status (OPTIMAL or FEASIBLE), the budget and the
        deterministic work done (``work``).
    """
    from ortools.sat.python import cp_model

    if not math.isfinite(time_limit) or time_limit <= 0:
        raise InputError(f"time_limit: must be > 0, got {time_limit}")
    if budget is not None and (
        isinstance(budget, bool)
        or not isinstance(budget, int | float)
        or not math.isfinite(budget)
        or budget <= 0
    ):
        raise InputError(f"budget: expected CP-SAT deterministic seconds > 0, got {as_written(budget)}")
    t0 = time.perf_counter()
    n, K = len(instance.tasks), instance.cranes
    horizon = (
        max(instance.ready_times)
        + sum(t.time for t in instance.tasks)
        + instance.travel_time * instance.bays * (n + 1)
    )
    model = cp_model.CpModel()
    start = [model.new_int_var(0, horizon, f"s{i}") for i in range(n)]
    crane = [model.new_int_var(0, K - 1, f"c{i}") for i in range(n)]
    assign: list[dict[int, Any]] = []
    for i, task in enumerate(instance.tasks):
        lits = {}
        for k in range(K):
            lo, hi = instance.reach(k)
            if lo <= task.bay <= hi:
                lit = model.new_bool_var(f"x{i}_{k}")
                first = instance.ready_times[k] + instance.travel_time * abs(
                    task.bay - instance.initial_bays[k]
                )
                model.add(start[i] >= first).only_enforce_if(lit)
                model.add(crane[i] == k).only_enforce_if(lit)
                lits[k] = lit
        if not lits:
            raise InputError(f"{instance.name}: tasks[{i}]: no crane can reach bay {task.bay}")
        model.add_exactly_one(lits.values())
        assign.append(lits)
        for j in task.after:
            model.add(start[i] >= start[j] + instance.tasks[j].time)
    gap = instance.safety_margin + 1
    for i in range(n):
        for j in range(i + 1, n):
            bi, bj = instance.tasks[i].bay, instance.tasks[j].bay
            pi, pj = instance.tasks[i].time, instance.tasks[j].time
            travel = instance.travel_time * abs(bi - bj)
            same = model.new_bool_var(f"same{i}_{j}")
            model.add(crane[i] == crane[j]).only_enforce_if(same)
            model.add(crane[i] != crane[j]).only_enforce_if(same.Not())
            before, after, parallel = (model.new_bool_var(f"{t}{i}_{j}") for t in ("b", "a", "p"))
            model.add_exactly_one([before, after, parallel])
            model.add(start[j] >= start[i] + pi + travel * same).only_enforce_if(before)
            model.add(start[i] >= start[j] + pj + travel * same).only_enforce_if(after)
            if bi == bj:
                model.add(parallel == 0)
            else:
                low, high = (i, j) if bi < bj else (j, i)
                model.add(crane[low] < crane[high]).only_enforce_if(parallel)
                model.add((crane[high] - crane[low]) * gap <= abs(bj - bi)).only_enforce_if(parallel)
    makespan = model.new_int_var(0, horizon, "makespan")
    for i, task in enumerate(instance.tasks):
        model.add(makespan >= start[i] + task.time)
    model.minimize(makespan)
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = int(seed)
    if budget is None:
        solver.parameters.max_time_in_seconds = float(time_limit)
        if workers:
            solver.parameters.num_workers = int(workers)
    else:
        solver.parameters.max_deterministic_time = float(budget)
        solver.parameters.num_workers = max(1, int(workers))
        solver.parameters.interleave_search = workers > 1
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        limit = f"{time_limit:g} s" if budget is None else f"a budget of {budget:g} work units"
        raise InputError(f"{instance.name}: CP-SAT found no crane schedule in {limit} (status {name})")
    rows = []
    for i, task in enumerate(instance.tasks):
        k = next(k for k, lit in assign[i].items() if solver.boolean_value(lit))
        s = solver.value(start[i])
        rows.append((i, k, task.bay, s, s + task.time))
    table = pd.DataFrame(rows, columns=["task", "crane", "bay", "start", "end"])
    return CraneSchedule(
        instance.name,
        "cpsat",
        table,
        float(table["end"].max()),
        float(solver.best_objective_bound),
        name,
        time.perf_counter() - t0,
        None if budget is None else float(budget),
        float(solver.deterministic_time),
    )


def solve_cranes_exact(instance: CraneInstance, max_tasks: int = 9) -> CraneSchedule:
    """Exact optimum of a small instance by depth-first enumeration, for checking the CP-SAT model.

    Every optimal schedule, its tasks taken in order of start time, is rebuilt by placing each task
    at the earliest time that is no earlier than the previous task's start and free of conflict with
    the tasks already placed; enumerating every such order and crane choice (with pruning by the best
    makespan so far) therefore finds an optimum.
    """
    n = len(instance.tasks)
    if n > max_tasks:
        raise InputError(f"{instance.name}: exact enumeration is for at most {max_tasks} tasks, got {n}")
    t0 = time.perf_counter()
    best: list[Any] = [float("inf"), None]
    placed: list[tuple[int, int, int, int]] = []
    done = [False] * n

    def search(last_start: int, makespan: int) -> None:
        if makespan >= best[0]:
            return
        if len(placed) == n:
            best[0], best[1] = makespan, list(placed)
            return
        ends = {i: e for i, _, _, e in placed}
        for i, task in enumerate(instance.tasks):
            if done[i] or any(not done[j] for j in task.after):
                continue
            for k in range(instance.cranes):
                lo, hi = instance.reach(k)
                if not lo <= task.bay <= hi:
                    continue
                t = max(
                    last_start,
                    instance.ready_times[k] + instance.travel_time * abs(task.bay - instance.initial_bays[k]),
                )
                t = max([t] + [ends[j] for j in task.after])
                for j, kj, _, ej in placed:
                    clash, gap = conflict(instance, i, k, j, kj)
                    if clash:
                        t = max(t, ej + gap)
                done[i] = True
                placed.append((i, k, t, t + task.time))
                search(t, max(makespan, t + task.time))
                placed.pop()
                done[i] = False

    search(0, 0)
    rows = [(i, k, instance.tasks[i].bay, s, e) for i, k, s, e in sorted(best[1])]
    table = pd.DataFrame(rows, columns=["task", "crane", "bay", "start", "end"])
    return CraneSchedule(
        instance.name, "exact", table, float(best[0]), float(best[0]), "OPTIMAL", time.perf_counter() - t0
    )
