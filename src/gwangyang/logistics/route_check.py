"""One route scored and checked by our own checker: loads, distance, a schedule, cost, every constraint it breaks.

Nothing here uses a solver. Distances are summed from the instance's matrix; loads are followed stop by stop; the
schedule is rebuilt from the travel times, waiting for windows and release times, and leaving the depot as late as
the windows allow so that the route's duration holds no avoidable waiting. :func:`route_result` checks capacity
(the most on board at any moment of each trip), time windows, the vehicle's shift and its depots' opening hours,
the duration limit (with overtime), the distance limit, reloads (only at the vehicle's reload depots, at most
``max_reloads``), release times (a trip leaves once all its clients are released), backhaul order (deliveries
before pickups on each trip), pickup-delivery pairs (the pickup before the delivery, on the same route), and that
a vehicle type with allowed clients serves no other. :mod:`gwangyang.logistics.check` judges all routes together.

A route's visits are client indices in visiting order, with ``reload_visit(d)`` (a negative number) for a return
to depot ``d`` between trips.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from .instance import Instance
from .result import TOLERANCE, RouteResult, Stop


def reload_visit(depot: int) -> int:
    """The visit that stands for a reload at ``depot`` between two trips (``-1 - depot``)."""
    return -1 - depot


def reload_depot(visit: int) -> int:
    """The depot of a reload visit (see :func:`reload_visit`)."""
    return -1 - visit


def position(instance: Instance, loc: int) -> tuple[float, float]:
    """Map coordinates of a location: ``(longitude, latitude)`` when geographic, else ``(x, y)``."""
    a, b = (float(v) for v in instance.coordinates[loc])
    return (b, a) if instance.geographic else (a, b)


def _label(instance: Instance, depot: int) -> str | int:
    name = instance.location_names[depot]
    return int(name) if instance.source != "problem" and name.isdigit() else name


def _trips(instance: Instance, vt: int, visits: list[int], problems: list[str]) -> list[list[int]]:
    vehicle = instance.vehicles[vt]
    trips: list[list[int]] = [[]]
    allowed = None if vehicle.allowed_clients is None else set(vehicle.allowed_clients)
    for v in visits:
        if v >= 0:
            if v >= instance.num_clients:
                raise ValueError(f"route visits client {v} of {instance.num_clients}")
            if allowed is not None and v not in allowed:
                problems.append(f"serves {instance.client_label[v]}, which its vehicle type may not visit")
            trips[-1].append(v)
            continue
        depot = reload_depot(v)
        if depot not in vehicle.reload_depots:
            problems.append(
                f"reloads at depot {instance.location_names[depot]}, which is not one of its reload depots"
            )
        trips.append([])
    reloads = len(trips) - 1
    if vehicle.max_reloads is not None and reloads > vehicle.max_reloads:
        problems.append(f"{reloads} reloads, more than its limit of {vehicle.max_reloads}")
    return trips


def _loads(
    instance: Instance,
    trips: list[list[int]],
    paired: dict[int, tuple[int, str]],
    capacity: np.ndarray,
    problems: list[str],
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Load after each client visit, the peak load and the total handed over; records what is broken."""
    dims = instance.num_dimensions
    on_board = np.zeros(dims)  # goods of pickup-delivery pairs, which stay on board across reloads
    peak = np.zeros(dims)
    total = np.zeros(dims)
    picked: set[int] = set()
    delivered: set[int] = set()
    after: list[np.ndarray] = []
    for number, trip in enumerate(trips, start=1):
        plain = [c for c in trip if c not in paired]
        load = on_board + (instance.demand[plain].sum(axis=0) if plain else np.zeros(dims))
        peak = np.maximum(peak, load)
        after_backhaul: int | str | None = None
        for pos, c in enumerate(trip):
            label = instance.client_label[c]
            if c in paired:
                k, role = paired[c]
                amount = np.asarray(instance.shipments[k].amount, dtype=float)
                if role == "pickup":
                    picked.add(k)
                    load, on_board = load + amount, on_board + amount
                    total += amount
                elif k not in picked:
                    problems.append(f"delivers pair {label} before (or without) picking it up on this route")
                else:
                    delivered.add(k)
                    load, on_board = load - amount, on_board - amount
            else:
                load = load - instance.demand[c] + instance.pickup[c]
                total += instance.demand[c]
                if instance.backhauls_last:
                    linehaul, backhaul = instance.demand[c].any(), instance.pickup[c].any()
                    if backhaul and pos == 0:
                        problems.append(f"trip {number} starts with backhaul {label}")
                    if linehaul and after_backhaul is not None:
                        problems.append(
                            f"delivers to {label} after backhaul {after_backhaul} on trip {number}"
                        )
                    if backhaul:
                        after_backhaul = label
            peak = np.maximum(peak, load)
            after.append(load.copy())
        over = peak > capacity + TOLERANCE
        if over.any() and not any("capacity" in p for p in problems):
            d = int(np.argmax(over))
            problems.append(
                f"carries {peak[d]:g} {instance.dimensions[d]} on trip {number}, over its capacity {capacity[d]:g}"
            )
    for k in sorted(picked - delivered):
        problems.append(
            f"picks up pair {instance.client_label[instance.shipments[k].pickup]} but never delivers it"
        )
    return after, peak, total


def _pass(
    instance: Instance, vt: int, trips: list[list[int]], reloads: list[int], start: float
) -> tuple[list[tuple[int, float, float, float, float]], float, float, float]:
    """Forward schedule from ``start``.

    Returns per node (location, arrival, begin, departure, latest begin), the end time, the total waiting and the
    latest delay of ``start`` that keeps every node on time.
    """
    vehicle = instance.vehicles[vt]
    nodes: list[tuple[int, float, float, float, float]] = []
    t, here, waited, slack = start, vehicle.start_depot, 0.0, math.inf
    for number, trip in enumerate(trips):
        if number > 0:
            depot = reloads[number - 1]
            arrival = t + float(instance.duration[here, depot])
            release = max((float(instance.release[c]) for c in trip), default=0.0)
            begin = max(arrival, float(instance.depot_tw[depot, 0]), release)
            waited += begin - arrival
            latest = float(instance.depot_tw[depot, 1])
            slack = min(slack, latest - begin + waited)
            nodes.append((depot, arrival, begin, begin, latest))
            t, here = begin, depot
        for c in trip:
            loc = int(instance.client_location[c])
            arrival = t + float(instance.duration[here, loc])
            begin = max(arrival, float(instance.tw_early[c]))
            waited += begin - arrival
            latest = float(instance.tw_late[c])
            slack = min(slack, latest - begin + waited)
            t = begin + float(instance.service[c])
            nodes.append((loc, arrival, begin, t, latest))
            here = loc
    end = t + float(instance.duration[here, vehicle.end_depot])
    closes = min(vehicle.shift_end, float(instance.depot_tw[vehicle.end_depot, 1]))
    slack = min(slack, closes - end + waited)
    return nodes, end, waited, slack


def route_result(
    instance: Instance, vt: int, index: int, visits: list[int], paired: dict[int, tuple[int, str]]
) -> RouteResult:
    """Score one route and name every constraint it breaks.

    Parameters
    ----------
    instance
        The instance.
    vt, index
        The route's vehicle type, and which of that type's vehicles drives it.
    visits
        Client indices in visiting order, :func:`reload_visit` for a return to a depot between trips.
    paired
        ``instance.paired()``.

    Returns
    -------
    RouteResult
        Load, distance, schedule (leaving as late as the windows allow), cost and ``violations``.
    """
    vehicle = instance.vehicles[vt]
    problems: list[str] = []
    trips = _trips(instance, vt, visits, problems)
    reloads = [reload_depot(v) for v in visits if v < 0]
    capacity = np.asarray(vehicle.capacity, dtype=float)
    after, peak, total = _loads(instance, trips, paired, capacity, problems)
    locations = [vehicle.start_depot]
    for v in visits:
        locations.append(reload_depot(v) if v < 0 else int(instance.client_location[v]))
    locations.append(vehicle.end_depot)
    distance = float(sum(instance.distance[a, b] for a, b in itertools.pairwise(locations)))

    first_release = max((float(instance.release[c]) for c in trips[0]), default=0.0)
    earliest = max(vehicle.shift_start, float(instance.depot_tw[vehicle.start_depot, 0]), first_release)
    latest_start = min(float(instance.depot_tw[vehicle.start_depot, 1]), vehicle.shift_end)
    _, _, waited, slack = _pass(instance, vt, trips, reloads, earliest)
    # Leave later by as much of the waiting as the windows allow: the same route, no idle time at the start.
    delay = max(0.0, min(waited, slack, latest_start - earliest))
    start = earliest + delay
    nodes, end, _, _ = _pass(instance, vt, trips, reloads, start)
    if start > latest_start + TOLERANCE:
        problems.append(
            f"cannot leave before {start:g} (release times, windows), after its depot or shift closes at {latest_start:g}"
        )

    stops: list[Stop] = []
    client_iter = iter(after)
    node_iter = iter(nodes)
    zero = np.zeros(instance.num_dimensions)
    load_now = zero
    for number, trip in enumerate(trips):
        if number > 0:
            loc, arrival, begin, departure, latest = next(node_iter)
            lateness = max(0.0, arrival - latest)
            if lateness > TOLERANCE:
                problems.append(
                    f"reaches reload depot {instance.location_names[loc]} {lateness:g} after it closes"
                )
            stops.append(
                Stop(
                    reload_visit(loc),
                    _label(instance, loc),
                    instance.location_names[loc],
                    arrival,
                    begin,
                    departure,
                    lateness,
                    tuple(round(float(x), 6) for x in load_now),
                    "reload",
                    position(instance, loc),
                    number,
                )
            )
        for c in trip:
            loc, arrival, begin, departure, latest = next(node_iter)
            load_now = next(client_iter)
            lateness = max(0.0, arrival - latest)
            if lateness > TOLERANCE:
                problems.append(f"reaches {instance.client_label[c]} {lateness:g} after its window closes")
            kind = "delivery"
            if c in paired:
                kind = "pickup" if paired[c][1] == "pickup" else "dropoff"
            stops.append(
                Stop(
                    c,
                    instance.client_label[c],
                    instance.location_names[loc],
                    arrival,
                    begin,
                    departure,
                    lateness,
                    tuple(round(float(x), 6) for x in load_now),
                    kind,
                    position(instance, loc),
                    number,
                )
            )
    closes = min(vehicle.shift_end, float(instance.depot_tw[vehicle.end_depot, 1]))
    end_lateness = max(0.0, end - closes) if math.isfinite(closes) else 0.0
    if end_lateness > TOLERANCE:
        problems.append(f"returns {end_lateness:g} after its shift or depot closes")
    duration = end - start + vehicle.break_duration
    overtime = max(0.0, duration - vehicle.max_duration) if math.isfinite(vehicle.max_duration) else 0.0
    if overtime > vehicle.max_overtime + TOLERANCE:
        problems.append(
            f"lasts {duration:g}, over its duration limit {vehicle.max_duration:g}"
            + (f" plus {vehicle.max_overtime:g} overtime" if vehicle.max_overtime else "")
        )
    if distance > vehicle.max_distance + TOLERANCE:
        problems.append(f"drives {distance:g}, over its distance limit {vehicle.max_distance:g}")
    cost = (
        vehicle.fixed_cost
        + vehicle.cost_per_distance * distance
        + vehicle.unit_duration_cost * duration
        + vehicle.unit_overtime_cost * overtime
    )
    return RouteResult(
        vehicle.name,
        index,
        tuple(stops),
        tuple(round(float(x), 6) for x in total),
        tuple(vehicle.capacity),
        distance,
        duration,
        start,
        end,
        float(cost),
        end_lateness,
        peak_load=tuple(round(float(x), 6) for x in peak),
        trips=len(trips),
        overtime=overtime,
        break_duration=vehicle.break_duration,
        start_depot=instance.location_names[vehicle.start_depot],
        end_depot=instance.location_names[vehicle.end_depot],
        start_coordinates=position(instance, vehicle.start_depot),
        end_coordinates=position(instance, vehicle.end_depot),
        violations=tuple(dict.fromkeys(problems)),
    )
