"""Berth allocation on the shipped DBAP instances: CP-SAT against first-come-first-served and greedy.

Instances: f200x15-01..05 of Kramer, Lalla-Ruiz, Iori & Voß (2019, EJOR 278:170), github.com/elalla/DBAP,
at ../shared/data/logistics/berth (the data gives no optima; the paper's are not copied here). For each:
total service time of FCFS, greedy (earliest finish) and SPT list scheduling; the start plan (the
best of SPT, greedy and the Lagrangian plan after simulated annealing; which one in the last column)
and the final plan of ``solve_cpsat`` (then CP-SAT on the whole model with the Lagrangian cut, and on
windows of 20 vessels); CP-SAT's own bound, the assignment bound (no arrival times), the Lagrangian
bound of the time-indexed formulation; the gaps ``(plan - bound) / bound`` to CP-SAT's bound and to
the best bound; wall time; and the ratio of the plan's objective to FCFS's and greedy's, side by side.

Run: .venv/bin/python benchmarks/port_berths.py [--time-limit 60] [--workers 0] [--quick] [--budget 60]

``--budget S`` replaces the clock by counted work (``SearchBudget.like_seconds(S)``, about S seconds
on two quiet cores): the table is then the same on every run, whatever the load; only ``s`` varies. The load
average is printed before and after the table.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gwangyang.port.berth_baselines import solve_fcfs, solve_greedy, solve_spt
from gwangyang.port.berth_budget import SearchBudget
from gwangyang.port.berth_model import BerthInstance, check_plan
from gwangyang.port.berths import solve_cpsat

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "logistics" / "berth"


def _gap_to_bound(objective: float, bound: float | None) -> float:
    """``100 (plan - bound) / bound``, the stricter of the two conventions (OR-Tools divides by
    ``max(1, |plan|)``, :func:`gwangyang.port.berth_model.relative_gap`); nan without a positive bound."""
    if bound is None or bound <= 0:
        return float("nan")
    return 100 * (objective - bound) / bound


def _load() -> str:
    """The machine's load averages, which the wall times (``s``) depend on; the plans do not under ``--budget``."""
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per instance (default 60)")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="10 s per instance (not with --time-limit)")
    parser.add_argument("--budget", type=float, default=None, help="counted work of about S s (reproducible)")
    args = parser.parse_args()
    if args.quick and args.time_limit is not None:  # --quick took over --time-limit without a word
        parser.error("--quick sets 10 s per instance; give --quick or --time-limit, not both")
    limit = 10.0 if args.quick else (60.0 if args.time_limit is None else args.time_limit)
    budget = None if args.budget is None else SearchBudget.like_seconds(args.budget)
    if budget is None:
        print(f"CP-SAT {limit:g} s per instance, workers {args.workers or 1}")
    else:
        print(f"work budget of about {args.budget:g} s per instance ({budget}), workers {args.workers or 1}")
    print(f"load average at the start {_load()} (1, 5, 15 min)")
    header = (
        f"{'instance':12s} {'FCFS':>7s} {'greedy':>7s} {'SPT':>7s} {'start':>7s} {'plan':>7s} {'cp bnd':>7s} "
        f"{'asg bnd':>7s} {'lag bnd':>7s} {'gap cp%':>7s} {'gap %':>6s} {'s':>5s} {'/FCFS':>6s} {'/greedy':>7s} "
        f"{'ok':>3s} start from"
    )
    print(header)
    for path in sorted(DATA.resolve().glob("f*.txt")):
        inst = BerthInstance.from_file(path)
        fcfs, greedy, spt = solve_fcfs(inst), solve_greedy(inst), solve_spt(inst)
        t0 = time.perf_counter()
        plan = solve_cpsat(inst, time_limit=limit, workers=args.workers, budget=budget)
        wall = time.perf_counter() - t0
        ok = not check_plan(inst, plan.assignments)
        x = plan.extra
        lag = x["lagrangian_bound"] if x["lagrangian_bound"] is not None else float("nan")
        # nan (printed "nan") where CP-SAT found no bound in its time (status UNKNOWN), never 0 or inf.
        cp = x["cpsat_bound"] if x["cpsat_bound"] is not None else float("nan")
        gap_cp, gap_best = (
            _gap_to_bound(plan.objective, x["cpsat_bound"]),
            _gap_to_bound(plan.objective, plan.lower_bound),
        )
        print(
            f"{inst.name:12s} {fcfs.objective:7.0f} {greedy.objective:7.0f} {spt.objective:7.0f} "
            f"{x['start_objective']:7.0f} {plan.objective:7.0f} {cp:7.0f} {x['assignment_bound']:7.0f} "
            f"{lag:7.0f} {gap_cp:7.2f} {gap_best:6.2f} {wall:5.1f} "
            f"{plan.objective / fcfs.objective:6.3f} {plan.objective / greedy.objective:7.3f} {'yes' if ok else 'NO':>3s} {x['start_method']}",
            flush=True,
        )
        for warning in x["warnings"]:
            print(f"  {inst.name}: {warning}", flush=True)
    print(f"load average at the end {_load()} (1, 5, 15 min)")


if __name__ == "__main__":
    main()
