"""PyVRP behind our interface: a time limit, a seed, progress callbacks, and every core used.

PyVRP's iterated local search runs on one core. :class:`PyVRPSolver` runs ``workers`` searches (seeds ``seed,
seed + 1, ...``) in forked processes until one shared deadline: the first runs undisturbed; every
``sync_every`` seconds each of the others restarts from the best solution any of them has found (see
:mod:`gwangyang.logistics.parallel`), and the best is kept. With ``sync_every_iterations`` instead, they share after
every so many iterations of each search, so that a run capped by ``max_iterations`` is reproducible. With
``sync_every=None`` (and no ``sync_every_iterations``) the searches are independent; with ``workers=1`` the search
runs in-process. Each search is PyVRP's iterated local search with two rules for
short budgets (a late-acceptance history growing with the iterations, a sweep start from 200 clients), see
:mod:`gwangyang.logistics.search`.
"""

from __future__ import annotations

import enum
import multiprocessing as mp
import os
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InputError
from ..written import as_written
from .baseline import ORToolsSolver
from .check import evaluate
from .instance import Instance
from .integers import IntegerData, to_integers
from .parallel import cooperative, cooperative_iterations
from .protocol import Progress, ProgressCallback, Solver, check_limits, check_search_options
from .result import RoutingResult
from .route_check import reload_visit
from .search import Search, to_routes


def to_problem_data(instance: Instance, ints: IntegerData | None = None) -> Any:
    """PyVRP ``ProblemData`` of an instance (only the clients not screened out).

    Ends of pickup-delivery pairs become PyVRP shipments; the backhaul order of a VRPB instance is imposed as PyVRP's
    own reader does it (no arc from a depot to a backhaul, nor from a backhaul to a linehaul). Prizes become
    ``Client(prize=..., required=False)``, groups PyVRP's required ``ClientGroup`` (exactly one member served), and
    each distinct set of allowed clients a profile whose distance matrix closes the other clients' locations (PyVRP's
    ``MAX_VALUE`` to and from them), as ``pyvrp.read`` does.
    """
    import pyvrp
    from pyvrp.constants import MAX_VALUE

    ints = ints or to_integers(instance)
    xy = (
        instance.coordinates[:, ::-1] if instance.geographic else instance.coordinates
    )  # (lon, lat) as (x, y)
    profiles: dict[tuple[int, ...] | None, int] = {None: 0}
    for v in instance.vehicles:
        profiles.setdefault(v.allowed_clients, len(profiles))
    client_location, origin = split_locations(instance, list(profiles)[1:])
    locations = [pyvrp.Location(x=float(x), y=float(y)) for x, y in xy[origin]]
    depots = [
        pyvrp.Depot(location=d, tw_early=int(ints.depot_tw[d, 0]), tw_late=int(ints.depot_tw[d, 1]))
        for d in range(instance.num_depots)
    ]
    group_of = instance.group_of()
    position = {c: k for k, c in enumerate(ints.clients)}
    groups: list[Any] = []
    group_index: dict[int, int] = {}
    for g, members in enumerate(instance.groups):
        routed = [position[c] for c in members if c in position]
        if routed:
            group_index[g] = len(groups)
            groups.append(pyvrp.ClientGroup(routed, required=True, name=f"group {instance.group_name(g)}"))

    def prize(c: int) -> int:
        if instance.prize[c] > 0 or not instance.optional:
            return round(float(instance.prize[c]) * ints.cost_scale)
        return ints.prize

    clients = [
        pyvrp.Client(
            location=int(client_location[c]),
            delivery=[int(q) for q in ints.demand[k]],
            pickup=[int(q) for q in ints.pickup[k]],
            service_duration=int(ints.service[k]),
            tw_early=int(ints.tw_early[k]),
            tw_late=int(ints.tw_late[k]),
            release_time=int(ints.release[k]),
            prize=prize(c),
            required=instance.is_required(c) and c not in group_of,
            group=group_index.get(group_of[c]) if c in group_of else None,
            name=str(instance.client_label[c]),
        )
        for k, c in enumerate(ints.clients)
    ]
    shipments = []
    for j, k in enumerate(ints.shipments):
        pair = instance.shipments[k]
        shipments.append(
            pyvrp.Shipment(
                pickup_location=int(client_location[pair.pickup]),
                delivery_location=int(client_location[pair.delivery]),
                pickup_tw_early=int(ints.tw_all[pair.pickup, 0]),
                pickup_tw_late=int(ints.tw_all[pair.pickup, 1]),
                pickup_service_duration=int(ints.service_all[pair.pickup]),
                delivery_tw_early=int(ints.tw_all[pair.delivery, 0]),
                delivery_tw_late=int(ints.tw_all[pair.delivery, 1]),
                delivery_service_duration=int(ints.service_all[pair.delivery]),
                amount=ints.amount[j],
                prize=ints.prize if instance.optional else 0,
                required=not instance.optional,
                name=f"{instance.client_label[pair.pickup]} -> {instance.client_label[pair.delivery]}",
            )
        )
    vehicle_types = []
    for i, v in enumerate(instance.vehicles):
        extra: dict[str, Any] = {}
        if v.max_reloads is not None:
            extra["max_reloads"] = v.max_reloads
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=v.count,
                capacity=ints.capacity[i],
                start_depot=v.start_depot,
                end_depot=v.end_depot,
                fixed_cost=ints.fixed_cost[i],
                tw_early=ints.shift[i][0],
                tw_late=ints.shift[i][1],
                shift_duration=ints.shift_duration[i],
                max_distance=ints.max_distance[i],
                unit_distance_cost=ints.unit_cost[i],
                unit_duration_cost=ints.duration_cost[i],
                reload_depots=list(v.reload_depots),
                max_overtime=ints.max_overtime[i],
                unit_overtime_cost=ints.overtime_cost[i],
                name=v.name,
                profile=profiles[v.allowed_clients],
                **extra,
            )
        )
    distance, duration = ints.distance, ints.duration
    if len(origin) > len(instance.location_names):
        distance, duration = distance[np.ix_(origin, origin)], duration[np.ix_(origin, origin)]
    if instance.backhauls_last:
        distance = distance.copy()
        locs = client_location
        linehaul = np.zeros(len(origin), dtype=bool)
        backhaul = np.zeros_like(linehaul)
        linehaul[locs[instance.demand.any(axis=1)]] = True
        backhaul[locs[instance.pickup.any(axis=1)]] = True
        if (linehaul & backhaul).any():
            raise InputError(
                f"{instance.name}: backhaul order needs linehaul and backhaul clients at distinct locations"
            )
        distance[: instance.num_depots, backhaul] = MAX_VALUE
        distance[np.ix_(backhaul, linehaul)] = MAX_VALUE
    matrices = [distance] + [
        _closed(instance, distance, allowed, client_location) for allowed in list(profiles)[1:]
    ]
    return pyvrp.ProblemData(
        locations,
        clients,
        depots,
        vehicle_types,
        matrices,  # type: ignore[arg-type]
        [duration] * len(matrices),  # type: ignore[list-item]
        groups=groups,
        shipments=shipments,
    )


def split_locations(
    instance: Instance, allowed_sets: Sequence[tuple[int, ...] | None]
) -> tuple[np.ndarray, np.ndarray]:
    """PyVRP's location of each client, and the instance's location of each of PyVRP's locations.

    A profile closes locations, not clients (PyVRP's distances are between locations). Clients at one location that
    the allowed sets tell apart (one vehicle type may serve the first, not the second) get a location each: a copy
    of the first client's, at distance 0 from it and at its distances from every other, so each profile can close
    what its vehicle types may not serve. A depot counts as served by every profile (it stays open), so a client at
    a depot (a shipment's end at a terminal) that some profile may not serve gets a copy too. Without such clients
    the locations are the instance's own.
    """
    sets = [set(a) for a in allowed_sets if a is not None]
    origin = list(range(len(instance.location_names)))
    client_location = np.asarray(instance.client_location, dtype=int).copy()
    # A depot's location stays open in every profile: a client there that some profile closes gets a copy.
    first: dict[int, tuple[bool, ...]] = {d: (True,) * len(sets) for d in range(instance.num_depots)}
    copies: dict[tuple[int, tuple[bool, ...]], int] = {}
    for c in range(instance.num_clients):
        loc = int(client_location[c])
        signature = tuple(c in allowed for allowed in sets)
        if first.setdefault(loc, signature) == signature:
            continue
        if (loc, signature) not in copies:
            copies[loc, signature] = len(origin)
            origin.append(loc)
        client_location[c] = copies[loc, signature]
    return client_location, np.asarray(origin, dtype=int)


def _closed(
    instance: Instance, distance: np.ndarray, allowed: tuple[int, ...] | None, client_location: np.ndarray
) -> np.ndarray:
    """``distance`` with PyVRP's ``MAX_VALUE`` to and from the locations of the clients not in ``allowed``.

    ``client_location`` is :func:`split_locations`' own, so no location holds both a client in ``allowed`` and
    one outside it.
    """
    from pyvrp.constants import MAX_VALUE

    if allowed is None:
        return distance
    open_ = np.zeros(len(distance), dtype=bool)
    open_[: instance.num_depots] = True
    open_[client_location[list(allowed)]] = True
    out = distance.copy()
    out[:, ~open_] = MAX_VALUE
    out[~open_, :] = MAX_VALUE
    np.fill_diagonal(out, 0)
    return out


def to_visits(instance: Instance, ints: IntegerData, activities: list[tuple[int, int]]) -> list[int]:
    """Our visits (client indices, ``reload_visit(d)`` for a reload) of a route's PyVRP activities."""
    import pyvrp

    client, depot, pickup = (
        pyvrp.ActivityType.CLIENT.value,
        pyvrp.ActivityType.DEPOT.value,
        pyvrp.ActivityType.PICKUP.value,
    )
    visits = []
    for kind, idx in activities:
        if kind == client:
            visits.append(ints.clients[idx])
        elif kind == depot:
            visits.append(reload_visit(idx))
        else:
            pair = instance.shipments[ints.shipments[idx]]
            visits.append(pair.pickup if kind == pickup else pair.delivery)
    return visits


class _Default(enum.Enum):
    SECONDS = "every second"


SYNC_EVERY_SECONDS = 1.0
"""Seconds between the searches' sharing of the best, by default (time-limited runs)."""


class PyVRPSolver:
    """PyVRP's iterated local search on ``workers`` cores, sharing the best every second (or as set).

    Parameters
    ----------
    workers
        Parallel searches; default every core (``os.cpu_count()``).
    sync_every
        Seconds between restarts of the searches but the first from the best found so far; ``None``: independent.
        Default :data:`SYNC_EVERY_SECONDS`, unless ``sync_every_iterations`` is given.
    max_iterations
        Iterations per search at most (besides the time limit): short, reproducible runs for tests.
    sync_every_iterations
        Iterations of each search between restarts from the best, instead of seconds: every search stops after
        that many, the best of all (ties to the lower seed) is shared, and so on up to ``max_iterations``. With
        ``max_iterations`` the result is the same at any load; the time limit, if it comes first, is its only
        source of difference between runs. Not with ``sync_every``.
    """

    name = "pyvrp"

    def __init__(
        self,
        workers: int | None = None,
        sync_every: float | _Default | None = _Default.SECONDS,
        max_iterations: int | None = None,
        sync_every_iterations: int | None = None,
    ) -> None:
        if sync_every_iterations is not None:
            if sync_every is not _Default.SECONDS and sync_every is not None:
                raise InputError(
                    f"sync_every ({sync_every} s) and sync_every_iterations ({sync_every_iterations}): "
                    "give one or the other, not both"
                )
            if isinstance(sync_every_iterations, bool) or not (
                isinstance(sync_every_iterations, int) and sync_every_iterations >= 1
            ):
                raise InputError(
                    f"sync_every_iterations: expected a whole number, 1 or more, got {as_written(sync_every_iterations)}"
                )
            sync_every = None
        elif sync_every is _Default.SECONDS:
            sync_every = SYNC_EVERY_SECONDS
        if sync_every is not None and not sync_every > 0:
            raise InputError(
                f"sync_every: expected a positive number of seconds or None, got {as_written(sync_every)}"
            )
        self.workers = workers
        self.sync_every: float | None = sync_every
        self.sync_every_iterations = sync_every_iterations
        self.max_iterations = max_iterations

    def solve(
        self, instance: Instance, time_limit: float, seed: int = 0, callbacks: Sequence[ProgressCallback] = ()
    ) -> RoutingResult:
        """Solve ``instance`` within ``time_limit`` seconds of wall time; see :class:`Solver`."""
        check_limits(time_limit, seed)
        start = time.monotonic()
        workers = max(1, self.workers or os.cpu_count() or 1)
        ints = to_integers(instance)
        if not ints.clients and not ints.shipments:
            return evaluate(instance, [], self.name, seed=seed, workers=workers)
        data = to_problem_data(instance, ints)
        # Leave a little time to gather the answer and score it, so the whole call stays within the limit.
        deadline = start + time_limit - min(0.05, 0.02 * time_limit)

        def notify(cost: float, feasible: bool) -> None:
            event = Progress(time.monotonic() - start, time_limit, cost / ints.cost_scale, feasible)
            for callback in callbacks:
                callback(event)

        if workers == 1 or "forkserver" not in mp.get_all_start_methods():
            search = Search(data, seed, lambda cost, feasible: notify(cost, feasible), self.max_iterations)
            routes, iterations, workers = to_routes(search.run(deadline)), search.iterations, 1
        elif self.sync_every_iterations is not None:
            routes, iterations = cooperative_iterations(
                data, seed, deadline, workers, self.sync_every_iterations, notify, self.max_iterations
            )
        else:
            epochs = 1 if self.sync_every is None else max(1, round(time_limit / self.sync_every))
            routes, iterations = cooperative(
                data, seed, deadline, workers, epochs, notify, self.max_iterations
            )
        ours = [(vt, to_visits(instance, ints, activities)) for vt, activities in routes]
        return evaluate(instance, ours, self.name, time.monotonic() - start, seed, workers, iterations)


SYNC_EVERY_ITERATIONS = 3_000
"""Iterations between the searches' sharing of the best when a run is capped by ``max_iterations`` (the best of
150, 1,000 and 3,000 in ``benchmarks/logistics_sync_iterations.py``; docs/logistics.md)."""


def make_solver(name: str, workers: int | None = None, max_iterations: int | None = None) -> Solver:
    """``"pyvrp"`` (default, parallel seeds) or ``"ortools"`` (the baseline).

    With ``max_iterations`` each PyVRP search stops after that many iterations, and the searches share the best
    every :data:`SYNC_EVERY_ITERATIONS` iterations instead of every second: the same seed gives the same routes at
    any load (unless the time limit comes first). ``workers`` and ``max_iterations`` are checked by
    :func:`~gwangyang.logistics.protocol.check_search_options`.
    """
    check_search_options(workers, max_iterations)
    if name == "pyvrp":
        if max_iterations is None:
            return PyVRPSolver(workers)
        return PyVRPSolver(
            workers, max_iterations=max_iterations, sync_every_iterations=SYNC_EVERY_ITERATIONS
        )
    if name == "ortools":
        return ORToolsSolver()
    raise InputError(f"solver: expected 'pyvrp' or 'ortools', got {as_written(name)}")


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
