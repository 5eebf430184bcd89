"""Routing benchmark: gap to best-known solutions at equal wall time.

Peers, on the same instances in the same run:
- ``ours``: PyVRP behind gwangyang's interface on every core (``--workers``, default all): search 0 is PyVRP's own
  trajectory, the others restart from the best found every ``--sync-every`` seconds;
- ``ours-indep``: the same with independent seeds (no sharing of the best);
- ``pyvrp``: PyVRP called directly (``pyvrp.read`` + ``pyvrp.solve``, one seed, one core);
- ``ortools``: OR-Tools routing (guided local search), the baseline.

Best-known costs: CVRPLIB X instances' ``.sol`` files (Uchoa et al. 2017, via PyVRP/Instances, MIT); Solomon best-known
distances from ``vrptw/bks.csv`` (VROOM-Project/vroom-scripts, BSD-2; a fewest-vehicles-first objective, so a
distance-only solver can come out slightly below them).

    .venv/bin/python benchmarks/logistics_routing.py                 # quick: 3 instances, 1 s
    .venv/bin/python benchmarks/logistics_routing.py --all --limits 1 3 10 30
    .venv/bin/python benchmarks/logistics_routing.py --all --limits 10 --peers ours ortools   # the acceptance run
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from gwangyang.logistics.baseline import ORToolsSolver
from gwangyang.logistics.instance import Instance
from gwangyang.logistics.result import evaluate
from gwangyang.logistics.solver import PyVRPSolver, to_problem_data
from gwangyang.logistics.vrplib_io import best_known, read_instance

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "logistics"
QUICK = ["cvrp/X-n101-k25.vrp", "cvrp/X-n157-k13.vrp", "vrptw/R101.txt"]


def pyvrp_direct(path: Path, instance: Instance, limit: float, seed: int) -> tuple[float, bool, float]:
    """PyVRP alone: read the file with PyVRP's own reader when it can, solve with one seed; score with our evaluator."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    start = time.monotonic()
    data = pyvrp.read(path, round_func="round") if path.suffix == ".vrp" else to_problem_data(instance)
    res = pyvrp.solve(data, stop=MaxRuntime(limit), seed=seed, collect_stats=False)
    wall = time.monotonic() - start
    # Client k of PyVRP's data is client k of ours (same file order, depot first).
    routes = [(0, [a.idx for a in r.schedule() if a.is_client()]) for r in res.best.routes()]
    scored = evaluate(instance, routes, "pyvrp")
    return scored.cost, scored.is_feasible(), wall


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--all", action="store_true", help="every shipped CVRP X and Solomon instance")
    parser.add_argument("--instances", nargs="*", help="paths relative to shared/data/logistics")
    parser.add_argument("--limits", nargs="*", type=float, default=[1.0], help="time limits in seconds")
    parser.add_argument("--peers", nargs="*", default=["ours", "pyvrp", "ortools"])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--sync-every", type=float, default=1.0, help="seconds between sharing the best (ours)"
    )
    args = parser.parse_args()
    if args.all:
        names = sorted(f"cvrp/{p.name}" for p in (DATA / "cvrp").glob("*.vrp"))
        names += sorted(f"vrptw/{p.name}" for p in (DATA / "vrptw").glob("*.txt"))
    else:
        names = args.instances or QUICK
    workers = args.workers or os.cpu_count() or 1
    print(f"cores {os.cpu_count()}, ours with {workers} workers; gap = cost / best-known - 1 (%)")
    for limit in args.limits:
        print(f"\n== time limit {limit:g} s ==")
        header = f"{'instance':14} {'bks':>9}"
        for peer in args.peers:
            header += f" {peer + ' gap%':>12} {'wall s':>7}"
        ratios = [p for p in ("pyvrp", "ortools") if "ours" in args.peers and p in args.peers]
        for peer in ratios:
            header += f" {peer + '/ours':>13}"
        print(header)
        gaps: dict[str, dict[str, list[float]]] = {
            "cvrp": {p: [] for p in args.peers},
            "vrptw": {p: [] for p in args.peers},
        }
        overheads = []
        for name in names:
            path = DATA / name
            instance = read_instance(path)
            bks = best_known(path)
            row = f"{path.stem:14} {bks:9.2f}"
            gap_of: dict[str, float] = {}
            for peer in args.peers:
                start = time.monotonic()
                if peer in ("ours", "ours-indep"):
                    sync = None if peer == "ours-indep" else args.sync_every
                    result = PyVRPSolver(workers, sync_every=sync).solve(instance, limit, args.seed)
                    cost, feasible, wall = result.cost, result.is_feasible(), time.monotonic() - start
                    overheads.append(wall / limit - 1)
                elif peer == "pyvrp":
                    cost, feasible, wall = pyvrp_direct(path, instance, limit, args.seed)
                else:
                    result = ORToolsSolver().solve(instance, limit, args.seed)
                    cost, feasible, wall = result.cost, result.is_feasible(), time.monotonic() - start
                gap = 100 * (cost / bks - 1) if feasible else float("inf")
                gap_of[peer] = gap
                gaps[name.split("/")[0]][peer].append(gap)
                row += f" {gap:12.3f} {wall:7.2f}" if feasible else f" {'infeasible':>12} {wall:7.2f}"
            for peer in ratios:
                ours, base = gap_of["ours"], gap_of[peer]
                row += f" {base / ours:13.2f}" if ours > 0 else f" {'-':>13}"
            print(row, flush=True)
        for family, per_peer in gaps.items():
            if any(per_peer.values()):
                mean = {p: statistics.fmean(v) for p, v in per_peer.items() if v}
                line = "  ".join(f"{p} {m:.3f}" for p, m in mean.items())
                for peer in ratios:
                    if mean.get("ours", 0) > 0:
                        line += f"  ratio {peer}/ours {mean[peer] / mean['ours']:.2f}"
                print(f"mean gap % ({family}): {line}")
        if overheads:
            print(
                f"ours: wall time over the limit, mean {100 * statistics.fmean(overheads):+.2f} % "
                f"(max {100 * max(overheads):+.2f} %)"
            )


if __name__ == "__main__":
    main()
