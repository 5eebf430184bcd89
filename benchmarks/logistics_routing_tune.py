"""Tuning aid for the routing search: gap against CPU time (not wall time), one search, several seeds.

On a shared machine wall-clock gaps move with the load; CPU time of the one search process does not, so variants of
the search's parameters are compared here at equal CPU work. Each run records the best cost against the process's
CPU time (``time.process_time``) and prints the gap to the best known at a few CPU budgets.

A variant is a comma-separated list of ``key=value`` (empty: PyVRP's defaults), keys:
``nn`` neighbours, ``pmin``/``pmax`` perturbations, ``hist`` a fixed late-acceptance history (default: ours, growing
with the iterations; ``hist=300`` is PyVRP's), ``nimp`` iterations without
improvement before a restart, ``eob`` exhaustive search on a new best (0/1),
``per`` iterations per added slot of the growing history (default 25), ``sweep`` the sweep start (1: on, 0: PyVRP's random start; default: our rule).

    .venv/bin/python benchmarks/logistics_routing_tune.py --instances variants/VRPB/X-n1001-50-k22.vrp \\
        --variants "" "nn=30" --seeds 0 1 --budgets 5 10 20
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from gwangyang.logistics import late_acceptance
from gwangyang.logistics.search import Search, solution_cost
from gwangyang.logistics.solver import to_problem_data
from gwangyang.logistics.vrplib_io import best_known, read_instance

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "logistics"


def params_of(spec: str) -> object:
    """PyVRP ``SolveParams`` of a variant spec (see the module docstring)."""
    import pyvrp
    from pyvrp.search import NeighbourhoodParams, PerturbationParams

    kv = dict(item.split("=") for item in spec.split(",") if item)
    kv.pop("sweep", None)
    kv.pop("per", None)
    base = pyvrp.SolveParams()
    nb, pert, ils = base.neighbourhood, base.perturbation, base.ils
    return pyvrp.SolveParams(
        ils=pyvrp.IteratedLocalSearchParams(
            num_iters_no_improvement=int(kv.get("nimp", ils.num_iters_no_improvement)),
            history_length=int(kv.get("hist", ils.history_length)),
            exhaustive_on_best=bool(int(kv.get("eob", int(ils.exhaustive_on_best)))),
        ),
        penalty=base.penalty,
        neighbourhood=NeighbourhoodParams(
            nb.weight_wait_time, int(kv.get("nn", nb.num_neighbours)), nb.symmetric_proximity
        ),
        perturbation=PerturbationParams(
            int(kv.get("pmin", pert.min_perturbations)), int(kv.get("pmax", pert.max_perturbations))
        ),
    )


def curve(data: object, spec: str, seed: int, budget: float) -> list[tuple[float, float]]:
    """``(CPU seconds, best cost)`` of one search, sampled about every 0.2 s of wall time up to ``budget`` CPU s."""
    kv = dict(item.split("=") for item in spec.split(",") if item)
    sweep = None if "sweep" not in kv else kv["sweep"] == "1"
    grow = "hist" not in kv  # a fixed history length turns the growing history off
    late_acceptance.HISTORY_ITERATIONS_PER_SLOT = int(kv.get("per", 25))
    start = time.process_time()
    search = Search(data, seed, params=params_of(spec), sweep=sweep, grow_history=grow)
    points = [(time.process_time() - start, solution_cost(search.best))]
    while points[-1][0] < budget:
        search.run(time.monotonic() + 0.2)
        points.append((time.process_time() - start, solution_cost(search.best)))
    return points


def at(points: list[tuple[float, float]], cpu: float) -> float:
    """Best cost reached within ``cpu`` CPU seconds."""
    return min((c for t, c in points if t <= cpu), default=float("inf"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--instances",
        nargs="+",
        required=True,
        help="paths under shared/data/logistics, e.g. variants/VRPB/X-n1001-50-k22.vrp",
    )
    parser.add_argument("--variants", nargs="+", default=[""])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--budgets", nargs="+", type=float, default=[5.0, 10.0, 20.0])
    args = parser.parse_args()
    print(f"gap % to best known at CPU budgets {args.budgets} s; mean over seeds {args.seeds}")
    for name in args.instances:
        path = DATA / name
        instance = read_instance(path)
        data = to_problem_data(instance)
        # Our costs are integers scaled as in gwangyang.logistics.integers; the best known is in the file's units.
        from gwangyang.logistics.integers import to_integers

        bks = best_known(path) * to_integers(instance).cost_scale
        for spec in args.variants:
            gaps: dict[float, list[float]] = {b: [] for b in args.budgets}
            for seed in args.seeds:
                points = curve(data, spec, seed, max(args.budgets))
                for b in args.budgets:
                    gaps[b].append(100 * (at(points, b) / bks - 1))
            cells = "  ".join(
                f"{b:g}s {statistics.fmean(g):6.2f} ({' '.join(f'{x:.2f}' for x in g)})"
                for b, g in gaps.items()
            )
            print(f"{path.stem:15} {spec or 'default':24} {cells}", flush=True)


if __name__ == "__main__":
    main()
