"""What a routing solver returns: routes with loads, distances, schedules and lateness, scored from the instance.

:func:`evaluate` recomputes everything from the instance's own matrices and windows, so both solvers are scored
the same way and nothing is taken from a solver's report.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .instance import Instance

TOLERANCE = 1e-6
"""Slack allowed on loads and times when judging feasibility (floating-point rounding)."""


@dataclass(frozen=True)
class Stop:
    """One visit: the client, where, when the truck arrives, starts and leaves, and how late it is."""

    client: int
    label: str | int
    location: str
    arrival: float
    start: float
    departure: float
    lateness: float
    load_after: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "order": self.label,
            "location": self.location,
            "arrival": self.arrival,
            "start": self.start,
            "departure": self.departure,
            "lateness": self.lateness,
            "load_after": list(self.load_after),
        }


@dataclass(frozen=True)
class RouteResult:
    """One vehicle's route."""

    vehicle_type: str
    vehicle_index: int
    stops: tuple[Stop, ...]
    load: tuple[float, ...]
    capacity: tuple[float, ...]
    distance: float
    duration: float
    start_time: float
    end_time: float
    cost: float
    end_lateness: float

    @property
    def labels(self) -> list[str | int]:
        """Client labels in visiting order."""
        return [s.label for s in self.stops]

    def is_feasible(self) -> bool:
        """Within capacity, on time at every stop and back at the depot before the shift ends."""
        over = any(ld > cap + TOLERANCE for ld, cap in zip(self.load, self.capacity, strict=True))
        late = any(s.lateness > TOLERANCE for s in self.stops) or self.end_lateness > TOLERANCE
        return not (over or late)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "vehicle_type": self.vehicle_type,
            "orders": self.labels,
            "load": list(self.load),
            "capacity": list(self.capacity),
            "distance": self.distance,
            "duration": self.duration,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "cost": self.cost,
            "end_lateness": self.end_lateness,
            "feasible": self.is_feasible(),
            "stops": [s.to_dict() for s in self.stops],
        }


@dataclass
class RoutingResult:
    """Routes, cost, unserved clients with reasons, and how the solver ran."""

    instance_name: str
    solver: str
    routes: list[RouteResult]
    unserved: list[dict[str, Any]]
    cost: float
    distance: float
    runtime_s: float = 0.0
    seed: int = 0
    workers: int = 1
    iterations: int = 0
    missing_required: list[str | int] = field(default_factory=list)
    fleet_exceeded: list[str] = field(default_factory=list)
    distance_unit: str = "unit"
    time_unit: str = "unit"

    def is_feasible(self) -> bool:
        """Every route feasible, the fleet respected, and every required client served exactly once."""
        return (
            all(r.is_feasible() for r in self.routes)
            and not self.missing_required
            and not self.fleet_exceeded
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; ``routes`` lists client labels in visiting order, details are in ``route_details``."""
        return {
            "instance": self.instance_name,
            "solver": self.solver,
            "cost": self.cost,
            "distance": self.distance,
            "routes": [r.labels for r in self.routes],
            "feasible": self.is_feasible(),
            "unserved": self.unserved,
            "num_routes": len(self.routes),
            "runtime_s": self.runtime_s,
            "seed": self.seed,
            "workers": self.workers,
            "iterations": self.iterations,
            "distance_unit": self.distance_unit,
            "time_unit": self.time_unit,
            "route_details": [r.to_dict() for r in self.routes],
        }

    def summary(self) -> str:
        """A few lines for a terminal."""
        lines = [
            f"{self.instance_name}: {self.solver}, cost {self.cost:,.2f}, distance {self.distance:,.2f} {self.distance_unit}, "
            f"{len(self.routes)} routes, {'feasible' if self.is_feasible() else 'INFEASIBLE'}, {self.runtime_s:.1f} s"
        ]
        for k, r in enumerate(self.routes, start=1):
            lines.append(
                f"  route {k} [{r.vehicle_type}] load {list(r.load)} dist {r.distance:.1f}: "
                + " ".join(str(x) for x in r.labels)
            )
        for item in self.unserved:
            lines.append(f"  unserved {item['order']}: {item['reason']}")
        return "\n".join(lines)


def evaluate(
    instance: Instance,
    routes: list[tuple[int, list[int]]],
    solver: str,
    runtime_s: float = 0.0,
    seed: int = 0,
    workers: int = 1,
    iterations: int = 0,
) -> RoutingResult:
    """Score routes on an instance: loads, distances, a schedule that waits for windows, lateness and cost.

    Parameters
    ----------
    instance
        The instance the routes belong to.
    routes
        ``(vehicle type index, [client indices in visiting order])`` per route; empty routes are dropped.
    solver
        Name to record.

    Returns
    -------
    RoutingResult
        Clients neither routed nor screened out are ``unserved`` (optional instances) or ``missing_required``.
    """
    out: list[RouteResult] = []
    served: set[int] = set()
    used = [0] * len(instance.vehicles)
    for vt, visits in (r for r in routes if r[1]):
        out.append(_route(instance, vt, used[vt], visits))
        used[vt] += 1
        served.update(visits)
    counts: dict[int, int] = {}
    for _, visits in routes:
        for c in visits:
            counts[c] = counts.get(c, 0) + 1
    doubled = [instance.client_label[c] for c, n in counts.items() if n > 1]
    unserved = [
        {"order": instance.client_label[c], "reason": reason}
        for c, reason in sorted(instance.unserved.items())
    ]
    missing: list[str | int] = list(doubled)
    for c in instance.active_clients():
        if c not in served:
            if instance.optional:
                unserved.append(
                    {
                        "order": instance.client_label[c],
                        "reason": "no feasible route found for it with the fleet, capacities and windows",
                    }
                )
            else:
                missing.append(instance.client_label[c])
    exceeded = [v.name for v, n in zip(instance.vehicles, used, strict=True) if n > v.count]
    return RoutingResult(
        instance.name,
        solver,
        out,
        unserved,
        cost=float(sum(r.cost for r in out)),
        distance=float(sum(r.distance for r in out)),
        runtime_s=runtime_s,
        seed=seed,
        workers=workers,
        iterations=iterations,
        missing_required=missing,
        fleet_exceeded=exceeded,
        distance_unit=instance.distance_unit,
        time_unit=instance.time_unit,
    )


def _route(instance: Instance, vt: int, index: int, visits: list[int]) -> RouteResult:
    vehicle = instance.vehicles[vt]
    locs = [int(instance.client_location[c]) for c in visits]
    path = [vehicle.start_depot, *locs, vehicle.end_depot]
    distance = float(sum(instance.distance[a, b] for a, b in itertools.pairwise(path)))
    # Leave as late as the first window allows, so that the route's duration does not count idle waiting.
    first = visits[0]
    start = max(
        vehicle.shift_start,
        float(instance.depot_tw[vehicle.start_depot, 0]),
        float(instance.tw_early[first]) - float(instance.duration[vehicle.start_depot, locs[0]]),
    )
    t, here = start, vehicle.start_depot
    load = np.zeros(instance.num_dimensions)
    stops = []
    for c, loc in zip(visits, locs, strict=True):
        arrival = t + float(instance.duration[here, loc])
        begin = max(arrival, float(instance.tw_early[c]))
        lateness = max(0.0, arrival - float(instance.tw_late[c]))
        t = begin + float(instance.service[c])
        load = load + instance.demand[c]
        stops.append(
            Stop(
                c,
                instance.client_label[c],
                instance.location_names[loc],
                arrival,
                begin,
                t,
                lateness,
                tuple(round(float(x), 6) for x in load),
            )
        )
        here = loc
    end = t + float(instance.duration[here, vehicle.end_depot])
    closes = min(vehicle.shift_end, float(instance.depot_tw[vehicle.end_depot, 1]))
    cost = vehicle.fixed_cost + vehicle.cost_per_distance * distance
    return RouteResult(
        vehicle.name,
        index,
        tuple(stops),
        tuple(round(float(x), 6) for x in load),
        tuple(vehicle.capacity),
        distance,
        end - start,
        start,
        end,
        float(cost),
        max(0.0, end - closes) if math.isfinite(closes) else 0.0,
    )
