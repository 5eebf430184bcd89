"""Turn a :class:`RoutingProblem` into an :class:`Instance`, screening out orders no truck can serve in time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .distances import read_matrix_csv, road_matrices
from .instance import Instance, VehicleSpec
from .instance import Shipment as Pair
from .times import format_time

if TYPE_CHECKING:
    from .entities import Order, VehicleType
    from .problem import RoutingProblem


def problem_to_instance(problem: RoutingProblem) -> Instance:
    """Matrices, clients and vehicle types of a problem; orders unreachable within their windows are screened out.

    Parameters
    ----------
    problem
        A validated problem.

    Returns
    -------
    Instance
        Distances in km, times in minutes; orders are optional (a solver may leave one unserved, and it is
        then reported with a reason) and those that no vehicle type can reach in time are in ``unserved``.
    """
    depots = [s for s in problem.sites if s.kind == "depot"]
    used = {o.site for o in problem.orders} | {x for p in problem.shipments for x in (p.pickup, p.delivery)}
    others = [s for s in problem.sites if s.kind == "site" and s.id in used]
    sites = depots + others
    index = {s.id: i for i, s in enumerate(sites)}
    names = [s.id for s in sites]
    settings = problem.settings
    lat = np.array([s.latitude for s in sites])
    lon = np.array([s.longitude for s in sites])
    distance, duration = road_matrices(lat, lon, settings.circuity, settings.speed_kmh)
    if settings.distance_matrix:
        distance = read_matrix_csv(problem.base_dir / settings.distance_matrix, names)
        duration = distance / settings.speed_kmh * 60.0
    if settings.duration_matrix:
        duration = read_matrix_csv(problem.base_dir / settings.duration_matrix, names)
    vehicles = [
        VehicleSpec(
            v.name,
            v.count,
            v.capacity,
            v.fixed_cost,
            v.cost_per_km,
            index[v.start_depot],
            index[v.end_depot or v.start_depot],
            v.shift[0],
            v.shift[1],
            max_duration=v.max_duration_min,
            unit_duration_cost=v.cost_per_hour / 60.0,
            max_overtime=v.max_overtime_min,
            unit_overtime_cost=v.overtime_cost_per_hour / 60.0,
            break_duration=v.break_min,
            allowed_clients=_allowed_clients(problem, v),
        )
        for v in problem.vehicles
    ]
    orders = problem.orders
    dims = len(settings.dimensions)
    # Clients: the orders, then the two ends of each shipment (its pickup, then its delivery).
    ends = [
        end
        for p in problem.shipments
        for end in (
            (f"{p.id}/pickup", p.pickup, p.pickup_window, p.pickup_service_min),
            (f"{p.id}/delivery", p.delivery, p.delivery_window, p.delivery_service_min),
        )
    ]
    labels: list[str | int] = [o.id for o in orders]
    labels += [e[0] for e in ends]
    first = len(orders)
    pairs = [Pair(first + 2 * k, first + 2 * k + 1, p.quantity) for k, p in enumerate(problem.shipments)]
    demand = np.zeros((len(orders) + len(ends), dims))
    if orders:
        demand[: len(orders)] = np.array([o.quantity for o in orders], dtype=float).reshape(len(orders), dims)
    groups = _groups(orders)
    instance = Instance(
        name=problem.name,
        source="problem",
        location_names=names,
        coordinates=np.column_stack([lat, lon]),
        num_depots=len(depots),
        distance=distance,
        duration=duration,
        client_location=np.array([index[o.site] for o in orders] + [index[e[1]] for e in ends], dtype=int),
        client_label=labels,
        demand=demand,
        service=np.array([o.service_min for o in orders] + [e[3] for e in ends], dtype=float),
        tw_early=np.array([o.window[0] for o in orders] + [e[2][0] for e in ends], dtype=float),
        tw_late=np.array([o.window[1] for o in orders] + [e[2][1] for e in ends], dtype=float),
        vehicles=vehicles,
        depot_tw=np.array([[0.0, np.inf]] * len(depots)),
        dimensions=settings.dimensions,
        distance_scale=1000.0,
        duration_scale=60.0,
        demand_scale=1000.0,
        ceil_durations=True,
        optional=True,
        geographic=True,
        distance_unit="km",
        time_unit="min",
        shipments=pairs,
        prize=np.array([o.prize for o in orders] + [0.0] * len(ends), dtype=float),
        groups=list(groups.values()),
        group_names=list(groups),
    )
    instance.unserved = screen(instance)
    return instance


def _allowed_clients(problem: RoutingProblem, vehicle: VehicleType) -> tuple[int, ...] | None:
    """The clients a vehicle type may serve (None: every client).

    The orders its lists allow and both ends of each shipment it may carry (:meth:`RoutingProblem.may_carry`).
    """
    orders = problem.orders
    first = len(orders)
    ends = [
        end
        for k, s in enumerate(problem.shipments)
        if problem.may_carry(vehicle, s)
        for end in (first + 2 * k, first + 2 * k + 1)
    ]
    served = [k for k, o in enumerate(orders) if vehicle.may_serve(o)]
    if len(served) == len(orders) and len(ends) == 2 * len(problem.shipments):
        return None
    return (*served, *ends)


def _groups(orders: tuple[Order, ...]) -> dict[str, tuple[int, ...]]:
    """Group name → orders (indices) sharing it, in order of first appearance; a group of one is no constraint."""
    members: dict[str, list[int]] = {}
    for k, o in enumerate(orders):
        if o.group:
            members.setdefault(o.group, []).append(k)
    return {name: tuple(m) for name, m in members.items() if len(m) > 1}


def screen(instance: Instance) -> dict[int, str]:
    """Clients that no vehicle type can serve on its own within the windows and shift, with the reason.

    A client fails when, for every vehicle type that may serve it and can carry it, driving straight from the start depot at
    the start of the shift arrives after the window closes, or the return to the end depot misses the shift's end.
    """
    reasons: dict[int, str] = {}
    paired = instance.paired()
    allowed = [None if v.allowed_clients is None else set(v.allowed_clients) for v in instance.vehicles]
    for c in range(instance.num_clients):
        if c in paired:
            continue  # a pair is left to the solver, which may leave it out whole (and it is reported then)
        loc = int(instance.client_location[c])
        fitting = [
            v
            for v, may in zip(instance.vehicles, allowed, strict=True)
            if (may is None or c in may)
            and all(q <= cap for q, cap in zip(instance.demand[c], v.capacity, strict=True))
        ]
        if not fitting:
            reasons[c] = "quantity exceeds the capacity of every vehicle type"
            continue
        arrival = min(v.shift_start + instance.duration[v.start_depot, loc] for v in fitting)
        if arrival > instance.tw_late[c] + 1e-9:
            reasons[c] = (
                f"earliest possible arrival {format_time(arrival)} is after the window closes "
                f"at {format_time(instance.tw_late[c])}"
            )
            continue
        if all(
            max(v.shift_start + instance.duration[v.start_depot, loc], instance.tw_early[c])
            + instance.service[c]
            + instance.duration[loc, v.end_depot]
            > v.shift_end + 1e-9
            for v in fitting
        ):
            reasons[c] = "no vehicle can serve it and return to its depot before the end of its shift"
    return reasons
