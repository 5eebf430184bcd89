"""PyVRP behind our interface: a time limit, a seed, progress callbacks, and every core used.

PyVRP's iterated local search runs on one core. :class:`PyVRPSolver` runs ``workers`` searches (seeds ``seed,
seed + 1, ...``) in forked processes until one shared deadline: the first is PyVRP's own search, undisturbed; every
``sync_every`` seconds each of the others restarts from the best solution any of them has found (see
:mod:`gwangyang.logistics.parallel`), and the best is kept. With ``sync_every=None`` the searches are independent;
with ``workers=1`` the search runs in-process.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Sequence
from typing import Any

from ..errors import InputError
from .baseline import ORToolsSolver
from .instance import Instance
from .integers import IntegerData, to_integers
from .parallel import Search, cooperative, to_routes
from .protocol import Progress, ProgressCallback, Solver, check_limits
from .result import RoutingResult, evaluate


def to_problem_data(instance: Instance, ints: IntegerData | None = None) -> Any:
    """PyVRP ``ProblemData`` of an instance (only the clients not screened out)."""
    import pyvrp

    ints = ints or to_integers(instance)
    xy = (
        instance.coordinates[:, ::-1] if instance.geographic else instance.coordinates
    )  # (lon, lat) as (x, y)
    locations = [pyvrp.Location(x=float(x), y=float(y)) for x, y in xy]
    depots = [
        pyvrp.Depot(location=d, tw_early=int(ints.depot_tw[d, 0]), tw_late=int(ints.depot_tw[d, 1]))
        for d in range(instance.num_depots)
    ]
    clients = [
        pyvrp.Client(
            location=int(instance.client_location[c]),
            delivery=[int(q) for q in ints.demand[k]],
            service_duration=int(ints.service[k]),
            tw_early=int(ints.tw_early[k]),
            tw_late=int(ints.tw_late[k]),
            prize=ints.prize if instance.optional else 0,
            required=not instance.optional,
            name=str(instance.client_label[c]),
        )
        for k, c in enumerate(ints.clients)
    ]
    vehicle_types = [
        pyvrp.VehicleType(
            num_available=v.count,
            capacity=ints.capacity[i],
            start_depot=v.start_depot,
            end_depot=v.end_depot,
            fixed_cost=ints.fixed_cost[i],
            tw_early=ints.shift[i][0],
            tw_late=ints.shift[i][1],
            unit_distance_cost=ints.unit_cost[i],
            name=v.name,
        )
        for i, v in enumerate(instance.vehicles)
    ]
    return pyvrp.ProblemData(locations, clients, depots, vehicle_types, [ints.distance], [ints.duration])  # type: ignore[list-item]


class PyVRPSolver:
    """PyVRP's iterated local search on ``workers`` cores, sharing the best every ``sync_every`` seconds.

    Parameters
    ----------
    workers
        Parallel searches; default every core (``os.cpu_count()``).
    sync_every
        Seconds between restarts of the searches but the first from the best found so far; ``None``: independent.
    """

    name = "pyvrp"

    def __init__(self, workers: int | None = None, sync_every: float | None = 1.0) -> None:
        if sync_every is not None and not sync_every > 0:
            raise InputError(f"sync_every: expected a positive number of seconds or None, got {sync_every}")
        self.workers = workers
        self.sync_every = sync_every

    def solve(
        self, instance: Instance, time_limit: float, seed: int = 0, callbacks: Sequence[ProgressCallback] = ()
    ) -> RoutingResult:
        """Solve ``instance`` within ``time_limit`` seconds of wall time; see :class:`Solver`."""
        check_limits(time_limit, seed)
        start = time.monotonic()
        workers = max(1, self.workers or os.cpu_count() or 1)
        ints = to_integers(instance)
        if not ints.clients:
            return evaluate(instance, [], self.name, seed=seed, workers=workers)
        data = to_problem_data(instance, ints)
        # Leave a little time to gather the answer and score it, so the whole call stays within the limit.
        deadline = start + time_limit - min(0.05, 0.02 * time_limit)

        def notify(cost: float, feasible: bool) -> None:
            event = Progress(time.monotonic() - start, time_limit, cost / ints.cost_scale, feasible)
            for callback in callbacks:
                callback(event)

        if workers == 1 or "fork" not in mp.get_all_start_methods():
            search = Search(data, seed, lambda cost, feasible: notify(cost, feasible))
            routes, iterations, workers = to_routes(search.run(deadline)), search.iterations, 1
        else:
            epochs = 1 if self.sync_every is None else max(1, round(time_limit / self.sync_every))
            routes, iterations = cooperative(data, seed, deadline, workers, epochs, notify)
        ours = [(vt, [ints.clients[k] for k in visits]) for vt, visits in routes]
        return evaluate(instance, ours, self.name, time.monotonic() - start, seed, workers, iterations)


def make_solver(name: str, workers: int | None = None) -> Solver:
    """``"pyvrp"`` (default, parallel seeds) or ``"ortools"`` (the baseline)."""
    if name == "pyvrp":
        return PyVRPSolver(workers)
    if name == "ortools":
        return ORToolsSolver()
    raise InputError(f"solver: expected 'pyvrp' or 'ortools', got {name!r}")


def solve(
    instance: Instance,
    time_limit: float,
    seed: int = 0,
    solver: str = "pyvrp",
    workers: int | None = None,
    callbacks: Sequence[ProgressCallback] = (),
) -> RoutingResult:
    """Solve a routing instance with the named solver; see :class:`PyVRPSolver` and the OR-Tools baseline."""
    return make_solver(solver, workers).solve(instance, time_limit, seed, callbacks)
