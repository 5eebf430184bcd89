"""The exact LP bound of the time-indexed berth formulation (HiGHS) against our Lagrangian bound.

``x[i, k, t] = 1`` when vessel ``i`` starts at berth ``k`` at time ``t``: each vessel starts once, each
berth works at most one vessel per time unit (the formulation of ``gwangyang.port.lagrange``, the
GSPP of Kramer, Lalla-Ruiz, Iori & Voß 2019). The linear relaxation has up to 1.4 M columns on the
f200x15 instances, so it is solved by column generation: HiGHS (highspy, warm-started dual simplex)
solves the restricted master; pricing (``cheapest_starts``, shared with the Lagrangian bound) finds,
per vessel and berth, the start of least reduced cost from the capacity duals and adds it when
negative. At the end no column prices out, so the master's value is the LP optimum; the Lagrangian
value at the final duals is printed as the check (it equals the LP value at optimality). Our
subgradient bound (``lagrangian_bound``, 15 s) is printed beside it, with both times and their ratio.
Slow: 430 s on f200x15-01 (2 cores). ``--vessels N`` keeps the N earliest arrivals of each instance (the same
comparison on less input: ``--vessels 40 --lagrangian-s 2`` takes seconds).

Run (highspy is in the bench extra): .venv/bin/python benchmarks/berth_lp_bound.py [INSTANCE ...] [--per 3]
[--lagrangian-s 15] [--vessels N]
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gwangyang.port.berth_baselines import solve_greedy, solve_spt
from gwangyang.port.berth_model import BerthInstance
from gwangyang.port.lagrange import cheapest_starts, lagrangian_bound, start_windows

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "logistics" / "berth"


def lp_bound(inst: BerthInstance, per: int) -> tuple[float, float, int, int]:
    """LP optimum, Lagrangian value at its duals, column-generation rounds and columns used."""
    import highspy

    n, m = inst.vessels, inst.berths
    horizon = int(max(inst.closing.max(), inst.deadline.max()))
    windows = start_windows(inst)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    no_index = np.array([], dtype=np.int32)
    no_value = np.array([], dtype=np.float64)
    h.addRows(n, np.ones(n), np.ones(n), 0, np.zeros(n, dtype=np.int32), no_index, no_value)
    rows = m * horizon
    h.addRows(rows, np.full(rows, -inf), np.ones(rows), 0, np.zeros(rows, dtype=np.int32), no_index, no_value)
    columns: set[tuple[int, int, int]] = set()

    def add(i: int, k: int, t: int) -> bool:
        if (i, k, t) in columns:
            return False
        columns.add((i, k, t))
        p = int(inst.handling[i, k])
        index = np.concatenate([[i], n + k * horizon + np.arange(t, t + p)]).astype(np.int32)
        h.addCol(float(t + p - inst.arrival[i]), 0.0, inf, len(index), index, np.ones(len(index)))
        return True

    for plan in (solve_spt(inst), solve_greedy(inst)):
        for i, k, s in plan.assignments[["vessel", "berth", "start"]].to_numpy(dtype=np.int64).tolist():
            add(i, k, s)
    rounds = 0
    while True:
        rounds += 1
        h.run()
        duals = np.array(h.getSolution().row_dual)
        pi, mu = duals[:n], -duals[n:].reshape(m, horizon)
        lagrangian = -float(inst.arrival.sum()) - float(mu.sum())
        added = 0
        for i, choices in enumerate(cheapest_starts(windows, mu)):
            found = sorted(choices)
            lagrangian += found[0][0]
            for cost, k, t, _ in found[:per]:
                if cost - inst.arrival[i] - pi[i] < -1e-6 and add(i, k, t):
                    added += 1
        if added == 0:
            return float(h.getInfo().objective_function_value), lagrangian, rounds, len(columns)


def first_vessels(inst: BerthInstance, count: int) -> BerthInstance:
    """The instance cut to its ``count`` earliest-arriving vessels (all berths kept)."""
    keep = np.sort(np.argsort(inst.arrival, kind="stable")[:count])
    return dataclasses.replace(
        inst,
        name=f"{inst.name}[{count}]",
        arrival=inst.arrival[keep],
        handling=inst.handling[keep],
        deadline=inst.deadline[keep],
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("instances", nargs="*", type=Path)
    parser.add_argument("--per", type=int, default=3, help="columns added per vessel and round")
    parser.add_argument("--lagrangian-s", type=float, default=15.0)
    parser.add_argument("--vessels", type=int, default=None, help="keep the N earliest arrivals (quick run)")
    args = parser.parse_args()
    if importlib.util.find_spec("highspy") is None:
        sys.exit("berth_lp_bound: the peer, HiGHS, is not installed (pip install -e .[bench] or highspy)")
    paths = args.instances or [DATA.resolve() / "f200x15-01.txt"]
    print(
        f"{'instance':12s} {'LP':>10s} {'L(duals)':>10s} {'rounds':>6s} {'columns':>8s} {'LP s':>7s} "
        f"{'ours':>8s} {'ours s':>6s} {'ours/LP':>8s} {'time ratio':>10s}"
    )
    for path in paths:
        inst = BerthInstance.from_file(path)
        if args.vessels is not None and args.vessels < inst.vessels:
            inst = first_vessels(inst, args.vessels)
        upper = min(p.objective for p in (solve_spt(inst), solve_greedy(inst)) if p.status == "FEASIBLE")
        t0 = time.perf_counter()
        ours = lagrangian_bound(inst, upper, iterations=5000, time_limit=args.lagrangian_s)
        ours_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        lp, check, rounds, used = lp_bound(inst, args.per)
        lp_s = time.perf_counter() - t0
        print(
            f"{inst.name:12s} {lp:10.2f} {check:10.2f} {rounds:6d} {used:8d} {lp_s:7.1f} "
            f"{ours.bound:8.0f} {ours_s:6.1f} {ours.bound / lp:8.4f} {lp_s / ours_s:10.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
