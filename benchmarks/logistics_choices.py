"""Prize-collecting, client groups and allowed clients: our reader + solver + checker against PyVRP used directly.

Generated instances (seeded; no published files of these families are in ``shared/data``): ``n`` clients in a
100 x 100 square with time windows, half of them optional with a prize, groups of three (exactly one served), and
three vehicle types each allowed two thirds of the clients. Ours: ``read_instance`` + ``PyVRPSolver`` (one worker,
an iteration budget) scored by our checker. Peer: ``pyvrp.read`` of the same file (``round_func="round"``, the
``nint`` our reader uses for ``TYPE: CVRP``) solved by ``pyvrp.solve`` with the same budget and seed, its objective
as PyVRP reports it (distance + uncollected prizes). Prints both, the ratio, and PyVRP's own score of our routes.

    .venv/bin/python benchmarks/logistics_choices.py [--clients 100] [--iterations 2000] [--seeds 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from gwangyang.logistics.solver import PyVRPSolver
from gwangyang.logistics.vrplib_io import read_instance


def generate(n: int, seed: int) -> str:
    """A VRPLIB text with all three sections."""
    rng = np.random.default_rng(seed)
    xy = rng.integers(0, 101, size=(n + 1, 2))
    xy[0] = (50, 50)
    demand = np.r_[0, rng.integers(1, 10, n)]
    early = np.r_[0, rng.integers(0, 600, n)]
    late = np.r_[1000, early[1:] + rng.integers(100, 400, n)]
    prize = np.r_[0, np.where(rng.random(n) < 0.5, rng.integers(5, 60, n), 0)]
    nodes = rng.permutation(np.arange(2, n + 2))
    groups = [nodes[k : k + 3] for k in range(0, n // 5, 3)]
    grouped = {int(v) for g in groups for v in g}
    vehicles = max(3, n // 8)
    allowed = []
    for k in range(vehicles):
        keep = [v for v in range(2, n + 2) if (v + k) % 3 != 0 or v in grouped]
        allowed.append(keep)
    lines = [
        f"NAME : choices-{n}-{seed}",
        "TYPE : CVRP",
        f"DIMENSION : {n + 1}",
        f"VEHICLES : {vehicles}",
        "CAPACITY : 60",
        "EDGE_WEIGHT_TYPE : EUC_2D",
        "NODE_COORD_SECTION",
        *(f"{i + 1} {x} {y}" for i, (x, y) in enumerate(xy)),
        "DEMAND_SECTION",
        *(f"{i + 1} {d}" for i, d in enumerate(demand)),
        "TIME_WINDOW_SECTION",
        *(f"{i + 1} {e} {lt}" for i, (e, lt) in enumerate(zip(early, late, strict=True))),
        "SERVICE_TIME_SECTION",
        *(f"{i + 1} {0 if i == 0 else 10}" for i in range(n + 1)),
        "PRIZE_SECTION",
        *(f"{i + 1} {p}" for i, p in enumerate(prize)),
        "MUTUALLY_EXCLUSIVE_GROUP_SECTION",
        *(f"{g + 1} {' '.join(map(str, m))}" for g, m in enumerate(groups)),
        "VEHICLES_ALLOWED_CLIENTS_SECTION",
        *(f"{k + 1} {' '.join(map(str, a))}" for k, a in enumerate(allowed)),
        "DEPOT_SECTION",
        "1",
        "-1",
        "EOF",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    import pyvrp
    from pyvrp.stop import MaxIterations

    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    print(
        "instance            ours (route + forgone)        pyvrp direct   ratio  pyvrp's score of ours  s ours/peer"
    )
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(args.seeds):
            path = Path(folder) / f"c{seed}.vrp"
            path.write_text(generate(args.clients, seed))
            start = time.monotonic()
            instance = read_instance(path)
            ours = PyVRPSolver(workers=1, max_iterations=args.iterations).solve(instance, 3600, seed)
            ours_s = time.monotonic() - start
            data = pyvrp.read(str(path), round_func="round")
            start = time.monotonic()
            peer = pyvrp.solve(data, MaxIterations(args.iterations), seed=seed, display=False)
            peer_s = time.monotonic() - start
            best = peer.best
            peer_cost = best.distance() + best.uncollected_prizes() if best.is_feasible() else float("nan")
            # PyVRP's score of our routes on its own reading (a route on the type of its vehicle).
            rescored = float("nan")
            try:
                routes = []
                for r in ours.routes:
                    spec = next(v for v in instance.vehicles if v.name == r.vehicle_type)
                    vehicle = instance.fleet.index(instance.vehicles.index(spec))
                    vt = next(
                        t for t, x in enumerate(data.vehicle_types()) if str(vehicle) in x.name.split(",")
                    )
                    routes.append(pyvrp.Route(data, [s.client for s in r.stops], vt))
                sol = pyvrp.Solution(data, routes)
                rescored = sol.distance() + sol.uncollected_prizes()
            except (StopIteration, ValueError, RuntimeError):
                pass
            print(
                f"{instance.name:18s}  {ours.cost:9.0f} ({ours.routing_cost:.0f} + {ours.prize_forgone:.0f})"
                f"{'' if ours.is_feasible() else ' INFEASIBLE'}   {peer_cost:12.0f}  {ours.cost / peer_cost:6.3f}"
                f"  {rescored:12.0f}  {ours_s:5.1f}/{peer_s:.1f}"
            )


if __name__ == "__main__":
    main()
