"""A sweep start for large instances: compact routes around each depot instead of PyVRP's random ones.

PyVRP starts its search from ``Solution.make_random`` (clients dealt at random over as many routes as there are
vehicles, 1,000 single-client routes on a 1,000-client file with an unlimited fleet) and one exhaustive local search.
On a few hundred clients or more that descent ends far from good routes (45 % above the best known on
X-n1001-50-k22) and the iterated local search spends a large share of a 30 s budget getting out of it. The classical
sweep of Gillett & Miller (1974) gives spatially compact routes at once: each client goes to its nearest depot, the
clients of a depot are taken in order of polar angle around it and cut into routes when the next one would
overflow a vehicle's capacity or its duration limit. Time windows, distance limits and the like are not checked
here: PyVRP's local search (run next, with its penalties at their maximum) repairs them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

SWEEP_MIN_CLIENTS = 200
"""Clients from which :func:`sweep_start` replaces PyVRP's random start (see :func:`use_sweep`)."""


def use_sweep(data: Any) -> bool:
    """Whether the sweep start applies: 200 clients or more, all required, no pickup-delivery shipments, one profile.

    Below 200 clients the search converges within seconds from PyVRP's own start (the 17 CVRPLIB X instances of
    100-302 clients end 0.9 % from their best known at 10 s); shipments and optional clients are left to it.
    """
    return (
        data.num_clients >= SWEEP_MIN_CLIENTS
        and data.num_shipments == 0
        and all(client.required for client in data.clients())
        and data.num_profiles == 1
    )


def sweep_routes(data: Any, seed: int, durations: bool = True) -> list[tuple[int, list[int]]] | None:
    """Routes of a sweep: ``(vehicle type, [client index])``; ``None`` when the fleet has too few vehicles.

    Each client is assigned to the depot nearest in the plane (among depots where some vehicle type starts and
    ends); the sweep of a depot starts at a ray drawn from ``seed`` (different seeds, different cuts). A route is
    closed when the next client would exceed a vehicle's capacity in a load dimension (delivery or pickup), or the
    route's travel and service time in sweep order would exceed the vehicle's shift duration or the depot's
    opening (``durations``; where that needs more vehicles than there are, the cut is by capacity alone). Within a route, clients that only pick up come after the others (backhauls last).
    """
    rng = np.random.default_rng(seed)
    locations = data.locations()
    xy = np.array([(loc.x, loc.y) for loc in locations], dtype=float)
    duration = np.asarray(data.duration_matrix(0), dtype=float)
    clients = data.clients()
    types_at: dict[int, list[int]] = {}
    for t, vt in enumerate(data.vehicle_types()):
        if vt.start_depot == vt.end_depot and vt.num_available > 0:
            types_at.setdefault(int(vt.start_depot), []).append(t)
    if not types_at:
        return None
    depots = sorted(types_at)
    where = np.array([client.location for client in clients])
    gaps = np.linalg.norm(xy[where][:, None, :] - xy[depots][None, :, :], axis=2)
    nearest = np.array(depots)[gaps.argmin(axis=1)]
    routes: list[tuple[int, list[int]]] = []
    for depot in depots:
        members = np.flatnonzero(nearest == depot)
        if not len(members):
            continue
        # Largest vehicles first; each type serves up to its number available.
        fleet = sorted(types_at[depot], key=lambda t: -sum(data.vehicle_type(t).capacity))
        left = {t: int(data.vehicle_type(t).num_available) for t in fleet}
        dx, dy = (xy[where[members]] - xy[depot]).T
        angle = (np.arctan2(dy, dx) - rng.uniform(0, 2 * math.pi)) % (2 * math.pi)
        order = members[np.argsort(angle, kind="stable")]
        depot_info = data.depots()[depot]
        opening = float(depot_info.tw_late - depot_info.tw_early)
        chunks: list[tuple[int, list[int]]] = []
        current: list[int] = []
        vt_index = fleet[0]
        for c in order:
            if current and not _fits(data, vt_index, depot, [*current, int(c)], duration, opening, durations):
                chunks.append((vt_index, current))
                left[vt_index] -= 1
                if left[vt_index] == 0:
                    fleet.pop(0)
                    if not fleet:
                        return sweep_routes(data, seed, False) if durations else None
                    vt_index = fleet[0]
                current = []
            current.append(int(c))
        chunks.append((vt_index, current))
        for vt_index, chunk in chunks:
            backhaul = [not any(clients[c].delivery) and any(clients[c].pickup) for c in chunk]
            routes.append(
                (vt_index, [c for _, c in sorted(zip(backhaul, chunk, strict=True), key=lambda p: p[0])])
            )
    return routes


def _fits(
    data: Any,
    vt_index: int,
    depot: int,
    chunk: list[int],
    duration: np.ndarray,
    opening: float,
    durations: bool,
) -> bool:
    vt = data.vehicle_type(vt_index)
    clients = [data.client(c) for c in chunk]
    for dim, cap in enumerate(vt.capacity):
        if sum(c.delivery[dim] for c in clients) > cap or sum(c.pickup[dim] for c in clients) > cap:
            return False
    if not durations:
        return True
    path = [depot] + [c.location for c in clients] + [depot]
    travel = float(duration[path[:-1], path[1:]].sum()) + sum(c.service_duration for c in clients)
    return travel <= min(float(vt.shift_duration), opening)


def sweep_start(data: Any, seed: int) -> Any:
    """A PyVRP ``Solution`` of :func:`sweep_routes`, or ``None`` when the fleet is too small for it."""
    import pyvrp

    routes = sweep_routes(data, seed)
    if routes is None:
        return None
    client = pyvrp.ActivityType.CLIENT
    return pyvrp.Solution(
        data, [pyvrp.Route(data, [pyvrp.Activity(client, c) for c in visits], vt) for vt, visits in routes]
    )
