"""Routing benchmark: gap to best-known solutions at equal wall time.

Peers, on the same instances in the same run:
- ``ours``: PyVRP behind gwangyang's interface on every core (``--workers``, default all): search 0 is PyVRP's own
  trajectory, the others restart from the best found every ``--sync-every`` seconds;
- ``ours-indep``: the same with independent seeds (no sharing of the best);
- ``pyvrp``: PyVRP called directly (``pyvrp.read`` + ``pyvrp.solve``, one seed, one core);
- ``ortools``: OR-Tools routing (guided local search), the baseline.

Best-known costs: CVRPLIB X instances' ``.sol`` files (Uchoa et al. 2017, via PyVRP/Instances, MIT); Solomon best-known
distances from ``vrptw/bks.csv`` (VROOM-Project/vroom-scripts, BSD-2; a fewest-vehicles-first objective, so a
distance-only solver can come out slightly below them); the richer variants' ``.sol`` files in ``variants/``
(PyVRP/Instances, MIT): MDVRPTW (Vidal et al. 2013), MTVRPTWR (Yang 2023), HFVRP (Pessoa et al. 2018), VRPB
(Queiroga et al. 2020). Every cost is re-scored by our own checker (``gwangyang.logistics.check``), PyVRP alone's too.

    .venv/bin/python benchmarks/logistics_routing.py                 # quick: 3 instances, 1 s
    .venv/bin/python benchmarks/logistics_routing.py --all --limits 1 3 10 30
    .venv/bin/python benchmarks/logistics_routing.py --all --limits 10 --peers ours ortools   # the acceptance run
    .venv/bin/python benchmarks/logistics_routing.py --variants --limits 30 --workers 2 --peers ours pyvrp
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from gwangyang.errors import InputError
from gwangyang.logistics.baseline import ORToolsSolver
from gwangyang.logistics.check import evaluate
from gwangyang.logistics.instance import Instance
from gwangyang.logistics.route_check import reload_visit
from gwangyang.logistics.solver import PyVRPSolver, to_problem_data
from gwangyang.logistics.vrplib_io import best_known, read_instance

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "logistics"
QUICK = ["cvrp/X-n101-k25.vrp", "cvrp/X-n157-k13.vrp", "vrptw/R101.txt"]


ROUND_FUNC = {"nint": "round", "exact": "exact", "dimacs": "dimacs"}
"""PyVRP's name for each of our distance conventions."""


def pyvrp_direct(path: Path, instance: Instance, limit: float, seed: int) -> tuple[float, bool, float]:
    """PyVRP alone: its own reader (same rounding convention), one seed, one core; scored by our checker."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    start = time.monotonic()
    if path.suffix == ".vrp":
        data = pyvrp.read(path, round_func=ROUND_FUNC.get(instance.convention, "round"))
    else:
        data = to_problem_data(instance)
    res = pyvrp.solve(data, stop=MaxRuntime(limit), seed=seed, collect_stats=False, display=False)
    wall = time.monotonic() - start
    routes = []
    for route in res.best.routes():
        # PyVRP's reader names a vehicle type by the file's vehicle numbers; ours keeps them in instance.fleet.
        name = data.vehicle_type(route.vehicle_type()).name
        vt = instance.fleet[int(name.split(",")[0])] if instance.fleet and path.suffix == ".vrp" else 0
        # Client k of PyVRP's data is client k of ours (same file order, depots first); a depot inside is a reload.
        visits = [a.idx if a.is_client() else reload_visit(a.idx) for a in route.schedule()[1:-1]]
        routes.append((vt, visits))
    scored = evaluate(instance, routes, "pyvrp")
    return scored.cost, scored.is_feasible(), wall


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--all", action="store_true", help="every shipped CVRP X and Solomon instance")
    parser.add_argument("--variants", action="store_true", help="every instance in variants/ (MDVRPTW, ...)")
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
    elif not args.variants:
        names = args.instances or QUICK
    else:
        names = []
    if args.variants:
        names += sorted(str(p.relative_to(DATA)) for p in (DATA / "variants").glob("*/*.vrp"))
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
        gaps: dict[str, dict[str, list[float]]] = {}
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
                    try:
                        result = ORToolsSolver().solve(instance, limit, args.seed)
                    except InputError:  # the baseline refuses what it does not model
                        row += f" {'refused':>12} {0.0:7.2f}"
                        continue
                    cost, feasible, wall = result.cost, result.is_feasible(), time.monotonic() - start
                gap = 100 * (cost / bks - 1) if feasible else float("inf")
                gap_of[peer] = gap
                family = Path(name).parent.name
                gaps.setdefault(family, {p: [] for p in args.peers})[peer].append(gap)
                row += f" {gap:12.3f} {wall:7.2f}" if feasible else f" {'infeasible':>12} {wall:7.2f}"
            for peer in ratios:
                if peer not in gap_of:
                    continue
                ours, base = gap_of["ours"], gap_of[peer]
                row += f" {base / ours:13.2f}" if ours > 0 else f" {'-':>13}"
            print(row, flush=True)
        for family, per_peer in gaps.items():
            if any(per_peer.values()):
                mean = {p: statistics.fmean(v) for p, v in per_peer.items() if v}
                line = "  ".join(f"{p} {m:.3f}" for p, m in mean.items())
                for peer in ratios:
                    if mean.get("ours", 0) > 0 and peer in mean:
                        line += f"  ratio {peer}/ours {mean[peer] / mean['ours']:.2f}"
                print(f"mean gap % ({family}): {line}")
        if len(gaps) > 1:
            every = {p: [g for fam in gaps.values() for g in fam[p]] for p in args.peers}
            print(
                "mean gap % (all): "
                + "  ".join(f"{p} {statistics.fmean(v):.3f}" for p, v in every.items() if v)
            )
        if overheads:
            print(
                f"ours: wall time over the limit, mean {100 * statistics.fmean(overheads):+.2f} % "
                f"(max {100 * max(overheads):+.2f} %)"
            )


if __name__ == "__main__":
    main()
