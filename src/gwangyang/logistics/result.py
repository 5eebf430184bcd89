"""What a routing solver returns: routes with loads, distances, schedules, lateness and every violated constraint.

:func:`gwangyang.logistics.check.evaluate` builds these from the instance's own matrices and windows, so both
solvers are scored the same way and nothing is taken from a solver's report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TOLERANCE = 1e-6
"""Slack allowed on loads and times when judging feasibility (floating-point rounding)."""


@dataclass(frozen=True)
class Stop:
    """One visit: the client (or a reload at a depot), where, when the truck arrives, starts and leaves, how late.

    ``kind`` is ``"delivery"`` (a client's delivery, backhaul or both), ``"pickup"`` or ``"dropoff"`` (the two ends of
    a pickup-delivery pair) or ``"reload"`` (back at a depot between trips; ``client`` is then ``-1 - depot``).
    ``coordinates`` are ``[longitude, latitude]`` for geographic instances, else the instance's ``[x, y]``.
    """

    client: int
    label: str | int
    location: str
    arrival: float
    start: float
    departure: float
    lateness: float
    load_after: tuple[float, ...]
    kind: str = "delivery"
    coordinates: tuple[float, float] = (0.0, 0.0)
    trip: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "order": self.label,
            "kind": self.kind,
            "trip": self.trip,
            "location": self.location,
            "coordinates": list(self.coordinates),
            "arrival": self.arrival,
            "start": self.start,
            "departure": self.departure,
            "lateness": self.lateness,
            "load_after": list(self.load_after),
        }


@dataclass(frozen=True)
class RouteResult:
    """One vehicle's route, and every constraint it breaks (``violations``, one sentence each).

    ``load`` is what the route hands over in total (deliveries and pairs, per dimension); ``peak_load`` the most on
    board at any moment, which is what the capacity bounds. ``duration`` runs from leaving the start depot to
    returning, waiting and the driver's break included; ``overtime`` is the part beyond the vehicle's duration limit.
    """

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
    peak_load: tuple[float, ...] = ()
    trips: int = 1
    overtime: float = 0.0
    break_duration: float = 0.0
    start_depot: str = ""
    end_depot: str = ""
    start_coordinates: tuple[float, float] = (0.0, 0.0)
    end_coordinates: tuple[float, float] = (0.0, 0.0)
    violations: tuple[str, ...] = ()

    @property
    def labels(self) -> list[str | int]:
        """Client labels in visiting order (a reload shows as its depot)."""
        return [s.label for s in self.stops]

    def is_feasible(self) -> bool:
        """No constraint broken: capacity, windows, shift, duration, distance, reloads, precedence, pairing."""
        return not self.violations

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "vehicle_type": self.vehicle_type,
            "orders": self.labels,
            "load": list(self.load),
            "peak_load": list(self.peak_load),
            "capacity": list(self.capacity),
            "distance": self.distance,
            "duration": self.duration,
            "overtime": self.overtime,
            "break_duration": self.break_duration,
            "trips": self.trips,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "cost": self.cost,
            "end_lateness": self.end_lateness,
            "start_depot": {"location": self.start_depot, "coordinates": list(self.start_coordinates)},
            "end_depot": {"location": self.end_depot, "coordinates": list(self.end_coordinates)},
            "feasible": self.is_feasible(),
            "violations": list(self.violations),
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
    prize_collected: float = 0.0
    prize_forgone: float = 0.0
    group_violations: list[str] = field(default_factory=list)

    @property
    def routing_cost(self) -> float:
        """The routes' cost alone (fixed and distance costs): ``cost`` less the prizes forgone."""
        return self.cost - self.prize_forgone

    def is_feasible(self) -> bool:
        """Every route feasible, the fleet respected, every required client and one client per group served once."""
        return (
            all(r.is_feasible() for r in self.routes)
            and not self.missing_required
            and not self.fleet_exceeded
            and not self.group_violations
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; ``routes`` lists client labels in visiting order, details are in ``route_details``."""
        return {
            "instance": self.instance_name,
            "solver": self.solver,
            "cost": self.cost,
            "routing_cost": self.routing_cost,
            "prize_collected": self.prize_collected,
            "prize_forgone": self.prize_forgone,
            "distance": self.distance,
            "routes": [r.labels for r in self.routes],
            "feasible": self.is_feasible(),
            "unserved": self.unserved,
            "group_violations": self.group_violations,
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
        if self.prize_collected or self.prize_forgone:
            lines.append(
                f"  objective {self.cost:,.2f} = routing cost {self.routing_cost:,.2f} + prizes forgone "
                f"{self.prize_forgone:,.2f} (prizes collected {self.prize_collected:,.2f})"
            )
        for k, r in enumerate(self.routes, start=1):
            lines.append(
                f"  route {k} [{r.vehicle_type}] load {list(r.peak_load)} dist {r.distance:.1f}: "
                + " ".join(str(x) for x in r.labels)
            )
            lines.extend(f"    violation: {v}" for v in r.violations)
        for item in self.unserved:
            lines.append(f"  unserved {item['order']}: {item['reason']}")
        if self.missing_required:
            lines.append(f"  not served: {' '.join(str(x) for x in self.missing_required[:20])}")
        lines.extend(f"  group broken: {g}" for g in self.group_violations)
        if self.fleet_exceeded:
            lines.append(f"  more routes than vehicles of type: {', '.join(self.fleet_exceeded)}")
        return "\n".join(lines)
