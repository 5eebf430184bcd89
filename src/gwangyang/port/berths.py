"""Dynamic discrete berth allocation (DBAP) solved with CP-SAT, heuristics and bounds; the assignment bound.

The instances (file format there), plans and the plan checker live in :mod:`.berth_model`, the FCFS, greedy
and SPT baselines in :mod:`.berth_baselines` (the package :mod:`gwangyang.port` exports them all). A vessel
served at berth ``k`` starts no earlier than ``max(a_i, s_k)``, occupies the berth for ``h_ik``, and must end by
``min(e_k, d_i)``. The objective is total service time
``sum_i (end_i - a_i)`` (waiting plus handling).
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .berth_baselines import solve_fcfs, solve_greedy, solve_spt
from .berth_budget import SearchBudget
from .berth_cpsat import add_hint, build_model, read_plan
from .berth_model import BerthInstance, BerthPlan, check_plan, objective


def assignment_bound(instance: BerthInstance) -> float:
    """A lower bound on total service time that ignores arrival times (but not berth opening times).

    Without release dates, scheduling on unrelated berths to minimise total completion time is an
    assignment of vessels to "k-th from last" positions at each berth, at cost ``k * h_ik + s_k``
    (Horn 1973; Bruno, Coffman & Sethi 1974); solved exactly with the Hungarian method. The
    relaxation only lets vessels start earlier, so its value bounds the true optimum from below.
    """
    from scipy.optimize import linear_sum_assignment

    n, m = instance.vessels, instance.berths
    big = np.iinfo(np.int64).max // (4 * n)
    positions = np.arange(1, n + 1)
    cost = np.full((n, m * n), big, dtype=np.int64)
    for k in range(m):
        h = instance.handling[:, k]
        block = positions[None, :] * h[:, None] + instance.opening[k]
        cost[:, k * n : (k + 1) * n] = np.where(h[:, None] > 0, block, big)
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].sum() - instance.arrival.sum())


def solve_cpsat(
    instance: BerthInstance,
    time_limit: float = 60.0,
    seed: int = 0,
    workers: int = 0,
    hint: BerthPlan | None = None,
    callback: Callable[[float, float], None] | None = None,
    budget: SearchBudget | None = None,
) -> BerthPlan:
    """Minimise total service time with OR-Tools CP-SAT (the model of :mod:`.berth_cpsat`).

    Phases, as shares of ``time_limit``: the Lagrangian bound of the time-indexed formulation
    (:mod:`gwangyang.port.lagrange`, at most 25 %, with the better of SPT and greedy as upper
    bound); CP-SAT on the whole model with the Lagrangian cut of :mod:`.berth_cpsat`, hinted with
    the best of SPT, greedy, ``hint`` and the plan from the relaxed choice (15 %); simulated
    annealing (:mod:`gwangyang.port.berth_anneal`) from the best plan so far, to 90 %. Where two
    cores are free, a second annealing run (another seed) works from the start beside the bound and
    CP-SAT. Where CP-SAT has not proved optimality, it re-plans windows of 20 vessels
    (:mod:`gwangyang.port.berth_lns`) for the rest. The plan reported is the best found;
    ``lower_bound`` is the best of CP-SAT's own bound, the assignment bound and the Lagrangian bound,
    each also in ``extra``. Where CP-SAT ends its share of the time with no solution (status
    UNKNOWN, e.g. still in presolve on a loaded machine) it has no bound either: ``extra``'s
    ``cpsat_bound`` is then None, ``cpsat_status`` says why and ``warnings`` says so in words.

    Parameters
    ----------
    instance
        The DBAP instance.
    time_limit
        Seconds for the whole solve (heuristics, CP-SAT and bounds).
    seed
        CP-SAT's random seed (and the annealing's).
    workers
        CP-SAT search workers. 0 means one: on two cores CP-SAT's portfolio of two left its bound at
        the sum of handling times, while a single worker with its LP (linearization level 2) raises it
        (f200x15-01 in 8 s: 4,074 against 12,193).
    hint
        A plan to start from (SPT, greedy and the Lagrangian plan are tried as well).
    callback
        Called as ``callback(objective, bound)`` at each improving CP-SAT solution, and once with
        the best plan after the annealing (``bound`` NaN where CP-SAT found no solution, so no bound).
    budget
        Work for each phase instead of shares of ``time_limit`` (which is then not used): no clock
        is read, so the same budget and seed give the same plan and bound on every run, whatever the
        machine's load (:mod:`.berth_budget`). The second annealing run then always runs, on a
        thread of its own, so the plan does not depend on the number of cores either; with
        ``workers`` > 1 CP-SAT interleaves its workers (``interleave_search``, OR-Tools'
        deterministic parallel mode, which works in batches: 2 workers on f200x15-03 with 0.5 units
        did 0.73, the same plan and bound in two runs of 33 and 55 s).
        ``extra["work"]`` reports the work each phase did, budget or clock; a clocked run's counts
        give a budget of about the same work (``SearchBudget(**plan.extra["work"])``), not the same
        plan (the clocked annealing cools by the clock's share).

    Returns
    -------
    BerthPlan
        The best plan found, the best lower bound and CP-SAT's status (OPTIMAL or FEASIBLE).
    """
    from ortools.sat.python import cp_model

    from .berth_anneal import anneal_counted
    from .lagrange import lagrangian_bound, lagrangian_plan

    if budget is None and not time_limit > 0:
        raise InputError(f"time_limit: must be > 0, got {time_limit}")
    t0 = time.perf_counter()
    plans = [solve_spt(instance), solve_greedy(instance)] + ([hint] if hint is not None else [])
    moves = 20_000 * instance.vessels  # small instances need far fewer moves than the clock allows
    proved = threading.Event()
    no_lagrange = ""
    work: dict[str, float] = {"lagrangian_steps": 0, "cpsat_work": 0.0, "anneal_moves": 0, "side_moves": 0}

    def as_plan(method: str, assignments: pd.DataFrame) -> BerthPlan:
        return BerthPlan(
            instance.name, method, assignments, objective(instance, assignments), None, "FEASIBLE", 0.0
        )

    def annealed(plan: BerthPlan, run_seed: int, count: int | None, key: str) -> BerthPlan:
        # count None: on the clock, to 90 % of the time; else exactly min(count, moves) moves.
        left = None if count is not None else 0.9 * time_limit - (time.perf_counter() - t0)
        if (left is not None and left <= 0) or count == 0 or proved.is_set():
            return plan
        assignments, work[key] = anneal_counted(
            instance,
            plan.assignments,
            left,
            moves if count is None else min(count, moves),
            run_seed,
            should_stop=proved.is_set,
        )
        found = as_plan(f"{plan.method}+annealing", assignments)
        if check_plan(instance, found.assignments) or found.objective >= plan.objective:
            return plan
        return found

    def best_of(candidates: list[BerthPlan]) -> BerthPlan | None:
        feasible = [p for p in candidates if p.status == "FEASIBLE"]
        # On ties CP-SAT's plan wins (its status says whether it is proved optimal).
        return min(feasible, key=lambda p: (p.objective, p.method != "cpsat")) if feasible else None

    start = best_of(plans)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    # Under a budget the second run does not depend on the cores (on one it shares it).
    beside = cores >= 2 if budget is None else budget.side_moves > 0
    pool = ThreadPoolExecutor(max_workers=1) if beside else None
    side = (
        pool.submit(annealed, start, seed + 1, None if budget is None else budget.side_moves, "side_moves")
        if pool is not None and start is not None
        else None
    )
    try:
        upper = start.objective if start is not None else float(solve_fcfs(instance).objective)
        try:
            if budget is None:
                lagrange = lagrangian_bound(instance, upper, iterations=100_000, time_limit=0.25 * time_limit)
            elif budget.lagrangian_steps > 0:
                lagrange = lagrangian_bound(instance, upper, budget.lagrangian_steps, time_limit=None)
            else:
                lagrange, no_lagrange = None, "the budget gives it no steps"
        except InputError as error:
            lagrange, no_lagrange = None, str(error)
        if lagrange is not None:
            work["lagrangian_steps"] = lagrange.iterations
            found = lagrangian_plan(instance, lagrange)
            if found is not None and not check_plan(instance, found):
                plans.append(as_plan("lagrangian", found))
        start = best_of(plans)
        skip = budget is not None and budget.cpsat_work == 0  # no work: no model either
        built = None if skip else build_model(instance, None if lagrange is None else lagrange.prices)
        if built is not None and start is not None:
            add_hint(built, start.assignments)
        solver = cp_model.CpSolver()
        if budget is None:
            solver.parameters.max_time_in_seconds = 0.15 * time_limit
        else:
            # CP-SAT's own count of work: with one worker (or interleaved ones) the same every run.
            solver.parameters.max_deterministic_time = budget.cpsat_work
            solver.parameters.interleave_search = bool(workers and workers > 1)
        solver.parameters.random_seed = int(seed)
        solver.parameters.linearization_level = 2
        solver.parameters.num_workers = int(workers) if workers else 1

        class _Progress(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                if callback is not None:
                    callback(self.objective_value, self.best_objective_bound)

        if built is None:
            status = cp_model.UNKNOWN
        else:
            status = solver.solve(built.model, _Progress())
            work["cpsat_work"] = float(solver.response_proto.deterministic_time)
        if status == cp_model.OPTIMAL:
            proved.set()
        if built is not None and status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            plans.append(as_plan("cpsat", read_plan(built, solver)))
        start = best_of(plans)
        if start is not None:
            plans.append(
                annealed(start, seed, None if budget is None else budget.anneal_moves, "anneal_moves")
            )
        if side is not None:
            plans.append(side.result())
        found_best = best_of(plans)
        if callback is not None and found_best is not None:
            solved = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
            callback(float(found_best.objective), float(solver.best_objective_bound) if solved else math.nan)
    finally:
        proved.set()
        if pool is not None:
            pool.shutdown(wait=True)
    best = best_of(plans)
    name = solver.status_name(status)
    if best is None:
        raise InputError(f"{instance.name}: CP-SAT found no plan in {time_limit:g} s (status {name})")
    if best.method != "cpsat":
        name = f"{name} (plan from {best.method})"
    relaxed = assignment_bound(instance)
    # Without a solution CP-SAT's response holds 0.0 in both objective and bound (measured on
    # f200x15-03 stopped in presolve): no bound at all, not a bound of 0.
    cpsat_bound = (
        float(solver.best_objective_bound) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    )
    warnings = []
    if cpsat_bound is None:
        share = (
            f"{0.15 * time_limit:g} s" if budget is None else f"budget of {budget.cpsat_work:g} work units"
        )
        warnings.append(
            f"CP-SAT found no solution and no bound within its {share} "
            f"(status {solver.status_name(status)}); the lower bound is the best of the others"
        )
    if lagrange is None:
        warnings.append(f"no Lagrangian bound: {no_lagrange}")
    extra: dict[str, Any] = {
        "cpsat_status": solver.status_name(status),
        "cpsat_bound": cpsat_bound,
        "assignment_bound": relaxed,
        "lagrangian_bound": None if lagrange is None else lagrange.bound,
        "lagrangian_iterations": None if lagrange is None else lagrange.iterations,
        "start_method": best.method,
        "start_objective": float(best.objective),
        "warnings": warnings,
        "budget": None if budget is None else budget.to_dict(),
    }
    plan, value = best.assignments, float(best.objective)
    bounds = {"assignment": relaxed}
    if cpsat_bound is not None:
        bounds["cpsat"] = cpsat_bound
    if lagrange is not None:
        bounds["lagrangian"] = lagrange.bound
    left = time_limit - (time.perf_counter() - t0)
    rounds, round_work = 0, 0.0 if budget is None else budget.lns_round_work
    if status != cp_model.OPTIMAL and (left > 1.0 if budget is None else budget.lns_rounds > 0):
        from .berth_lns import improve_with_cpsat_counted

        if budget is None:
            better, rounds, round_work = improve_with_cpsat_counted(
                instance, plan, time_limit=left, seed=seed
            )
        else:
            better, rounds, _ = improve_with_cpsat_counted(
                instance,
                plan,
                time_limit=None,
                seed=seed,
                round_limit=None,
                rounds=budget.lns_rounds,
                round_work=budget.lns_round_work,
            )
        if not check_plan(instance, better) and objective(instance, better) < value:
            plan, value = better, float(objective(instance, better))
            extra["improved_by"] = "cpsat-windows"
    extra["work"] = {
        **work,
        "lns_rounds": rounds,
        "lns_round_work": round_work,
    }
    source = max(bounds, key=lambda key: bounds[key])
    extra["bound_source"] = source
    if name != "OPTIMAL" and bounds[source] >= value:
        # The plan meets a lower bound (e.g. the Lagrangian one where CP-SAT had no work): it is optimal
        # whatever CP-SAT's own status; extra's cpsat_status keeps CP-SAT's word.
        name = "OPTIMAL"
        extra["optimal_by"] = source
    return BerthPlan(
        instance.name,
        "cpsat",
        plan,
        value,
        min(bounds[source], value),
        name,
        time.perf_counter() - t0,
        extra=extra,
    )
