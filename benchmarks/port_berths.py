"""Berth allocation on the shipped DBAP instances: CP-SAT against first-come-first-served and greedy.

Instances: f200x15-01..05 of Kramer, Lalla-Ruiz, Iori & Voß (2019, EJOR 278:170), github.com/elalla/DBAP,
at ../shared/data/logistics/berth. For each: objective (total service time), CP-SAT's own bound, the
assignment bound (relaxation without arrival times), the gap of CP-SAT's plan to the best bound, time,
and the ratio of CP-SAT's objective to FCFS's and greedy's, side by side.

Run: .venv/bin/python benchmarks/port_berths.py [--time-limit 60] [--workers 0] [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gwangyang.port.berths import BerthInstance, check_plan, solve_cpsat, solve_fcfs, solve_greedy

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "logistics" / "berth"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="10 s per instance")
    args = parser.parse_args()
    limit = 10.0 if args.quick else args.time_limit
    print(f"CP-SAT {limit:g} s per instance, workers {args.workers or 'all'}")
    header = (
        f"{'instance':12s} {'FCFS':>7s} {'greedy':>7s} {'CP-SAT':>7s} {'cp bound':>9s} {'asg bound':>9s} "
        f"{'gap %':>6s} {'cp s':>6s} {'cp/FCFS':>8s} {'cp/greedy':>9s} {'feasible':>8s}"
    )
    print(header)
    for path in sorted(DATA.resolve().glob("f*.txt")):
        inst = BerthInstance.from_file(path)
        fcfs, greedy = solve_fcfs(inst), solve_greedy(inst)
        t0 = time.perf_counter()
        plan = solve_cpsat(inst, time_limit=limit, workers=args.workers)
        wall = time.perf_counter() - t0
        ok = not check_plan(inst, plan.assignments)
        print(
            f"{inst.name:12s} {fcfs.objective:7.0f} {greedy.objective:7.0f} {plan.objective:7.0f} "
            f"{plan.extra['cpsat_bound']:9.0f} {plan.extra['assignment_bound']:9.0f} {100 * (plan.gap or 0):6.2f} "
            f"{wall:6.1f} {plan.objective / fcfs.objective:8.3f} {plan.objective / greedy.objective:9.3f} {ok!s:>8s}"
        )


if __name__ == "__main__":
    main()
