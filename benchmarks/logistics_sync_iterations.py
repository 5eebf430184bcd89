"""Sharing the best by iterations: the slow variants comparison at a fixed budget, gap per instance and the mean.

Ours: ``PyVRPSolver(workers=2, max_iterations=budget, sync_every_iterations=K)`` (search 0 undisturbed, search 1
restarts from the best after every ``K`` iterations of each; ``K = 0`` here: independent searches, no sharing);
deterministic, so the figures are the same at any load. The budget per search is the slow test's
(``tests/logistics/test_variants.py``, ``ITERATIONS``: about 30 s of one core each). Peer: PyVRP alone
(``pyvrp.solve`` with ``MaxIterations`` of the same budget, seed 0), its gaps as recorded by that test
(:data:`PYVRP_ALONE`, deterministic) unless ``--alone`` runs it again. Every cost re-scored by our checker; gaps
against the ``.sol`` best-known files (PyVRP/Instances, MIT).

    PYTHONPATH=src .venv/bin/python benchmarks/logistics_sync_iterations.py --every 150 1000 3000
    PYTHONPATH=src .venv/bin/python benchmarks/logistics_sync_iterations.py --every 150 --only PR12A R201R0.5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.logistics.test_variants import (
    ITERATIONS,  # the slow test's budget per search (about 30 s of one core)
)

from gwangyang.logistics.check import evaluate
from gwangyang.logistics.route_check import reload_visit
from gwangyang.logistics.solver import PyVRPSolver
from gwangyang.logistics.vrplib_io import best_known, read_instance

VARIANTS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "logistics" / "variants"


PYVRP_ALONE = {
    "X101-FSMFD": 0.516,
    "X106-FSMD": 0.225,
    "PR11A": 1.977,
    "PR12A": 4.654,
    "C201R0.25": 0.540,
    "R201R0.5": 3.910,
    "X-n1001-50-k22": 5.395,
}
"""Gap (%) of PyVRP alone with ``MaxIterations`` of :data:`ITERATIONS`, seed 0, as the slow test measured it
(2026-12-06, ``MEASURED_DETERMINISTIC`` in tests/logistics/test_variants.py; mean 2.46 %)."""


def alone_gap(path: Path) -> float:
    """PyVRP alone on ``path`` with the budget of :data:`ITERATIONS`, scored by our checker."""
    import pyvrp
    from pyvrp.stop import MaxIterations

    instance = read_instance(path)
    rounding = {"nint": "round", "exact": "exact", "dimacs": "dimacs"}[instance.convention]
    data = pyvrp.read(path, round_func=rounding)
    best = pyvrp.solve(data, stop=MaxIterations(ITERATIONS[path.stem]), seed=0, display=False).best
    routes = []
    for route in best.routes():
        vt = instance.fleet[int(data.vehicle_type(route.vehicle_type()).name.split(",")[0])]
        visits = [a.idx if a.is_client() else reload_visit(a.idx) for a in route.schedule()[1:-1]]
        routes.append((vt, visits))
    return 100 * (evaluate(instance, routes, "pyvrp").cost / best_known(path) - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--every", type=int, nargs="+", default=[150], help="iterations per epoch; 0: no sharing"
    )
    parser.add_argument("--only", nargs="+", default=None, help="instance names (default: all seven)")
    parser.add_argument(
        "--alone", action="store_true", help="run PyVRP alone again rather than use its record"
    )
    args = parser.parse_args()
    paths = [p for p in sorted(VARIANTS.glob("*/*.vrp")) if args.only is None or p.stem in args.only]
    recorded = "" if args.alone else " (recorded)"
    for every in args.every:
        ours, alone = [], []
        print(f"sharing every {every or 'never'} iterations, 2 workers", flush=True)
        for path in paths:
            instance = read_instance(path)
            budget = ITERATIONS[path.stem]
            if every:
                solver = PyVRPSolver(workers=2, max_iterations=budget, sync_every_iterations=every)
            else:
                solver = PyVRPSolver(workers=2, sync_every=None, max_iterations=budget)
            began = time.monotonic()
            result = solver.solve(instance, time_limit=24 * 3600.0)
            assert result.is_feasible() and result.iterations == 2 * budget
            ours.append(100 * (result.cost / best_known(path) - 1))
            alone.append(alone_gap(path) if args.alone else PYVRP_ALONE[path.stem])
            print(
                f"  {path.stem:16} ours {ours[-1]:6.3f} %  PyVRP alone {alone[-1]:6.3f} %{recorded}  "
                f"ratio {(1 + ours[-1] / 100) / (1 + alone[-1] / 100):.5f}  ({time.monotonic() - began:.0f} s)",
                flush=True,
            )
        print(
            f"  mean             ours {statistics.fmean(ours):6.3f} %  PyVRP alone {statistics.fmean(alone):6.3f} %  "
            f"ratio {(1 + statistics.fmean(ours) / 100) / (1 + statistics.fmean(alone) / 100):.5f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
