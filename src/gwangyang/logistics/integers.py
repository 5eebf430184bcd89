"""The integer form of an instance that both solvers need: scaled matrices, windows, loads and costs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .instance import Instance

BIG = int(np.iinfo(np.int64).max)
"""An open time window or an unbounded shift, as PyVRP's own reader writes it (PyVRP then sees no time windows)."""


@dataclass(frozen=True)
class IntegerData:
    """Scaled integer arrays of an instance, restricted to the clients that are routed.

    ``clients`` are the routed clients that are not ends of a pickup-delivery pair (PyVRP's clients, in order);
    ``shipments`` the routed pairs (PyVRP's shipments). Client arrays are indexed like ``clients``; time arrays of
    all clients (``tw_all``, ``service_all``) serve the pairs' ends.
    """

    clients: list[int]
    distance: np.ndarray
    duration: np.ndarray
    demand: np.ndarray
    service: np.ndarray
    tw_early: np.ndarray
    tw_late: np.ndarray
    depot_tw: np.ndarray
    capacity: list[list[int]]
    shift: list[tuple[int, int]]
    fixed_cost: list[int]
    unit_cost: list[int]
    prize: int
    cost_scale: float
    shipments: list[int] = field(default_factory=list)
    pickup: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    release: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    service_all: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    tw_all: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    amount: list[list[int]] = field(default_factory=list)
    shift_duration: list[int] = field(default_factory=list)
    max_distance: list[int] = field(default_factory=list)
    duration_cost: list[int] = field(default_factory=list)
    max_overtime: list[int] = field(default_factory=list)
    overtime_cost: list[int] = field(default_factory=list)


def _time(values: np.ndarray, scale: float) -> np.ndarray:
    out = np.full(np.shape(values), BIG, dtype=np.int64)
    finite = np.isfinite(values)
    out[finite] = np.round(values[finite] * scale).astype(np.int64)
    return out


def to_integers(instance: Instance) -> IntegerData:
    """Scale an instance to integers.

    Distances are rounded after scaling; durations are rounded up when ``instance.ceil_durations`` so that a
    schedule the solver accepts is also on time with the exact durations. Costs are expressed in units of
    ``1 / cost_scale`` of the instance's cost unit: the objective divided by ``cost_scale`` is the true cost.
    """
    paired = instance.paired()
    active = instance.active_clients()
    clients = [c for c in active if c not in paired]
    shipments = [
        k
        for k, pair in enumerate(instance.shipments)
        if pair.pickup not in instance.unserved and pair.delivery not in instance.unserved
    ]
    distance = np.round(instance.distance * instance.distance_scale).astype(np.int64)
    scaled = instance.duration * instance.duration_scale
    duration = (np.ceil(scaled - 1e-9) if instance.ceil_durations else np.round(scaled)).astype(np.int64)
    np.fill_diagonal(distance, 0)
    np.fill_diagonal(duration, 0)
    vehicles = instance.vehicles
    per_km = [v.cost_per_distance for v in vehicles]
    multiplier = 1 if all(float(c).is_integer() for c in per_km) else 100
    money = instance.distance_scale * multiplier  # integer objective units per cost unit
    unit_cost = [round(c * multiplier) for c in per_km]
    per_time = money / instance.duration_scale
    duration_cost = [round(v.unit_duration_cost * per_time) for v in vehicles]
    overtime_cost = [round(v.unit_overtime_cost * per_time) for v in vehicles]
    # The break is paid time of every route: a fixed cost, and it shortens the time left for driving.
    fixed = [round((v.fixed_cost + v.unit_duration_cost * v.break_duration) * money) for v in vehicles]
    capacity = [[round(c * instance.demand_scale) for c in v.capacity] for v in vehicles]

    def one(value: float, scale: float) -> int:
        return int(_time(np.array([value]), scale)[0])

    shift = [
        (one(v.shift_start, instance.duration_scale), one(v.shift_end, instance.duration_scale))
        for v in vehicles
    ]
    shift_duration = [
        max(0, math.floor((v.max_duration - v.break_duration) * instance.duration_scale + 1e-9))
        if math.isfinite(v.max_duration)
        else BIG
        for v in vehicles
    ]
    max_distance = [
        math.floor(v.max_distance * instance.distance_scale + 1e-9) if math.isfinite(v.max_distance) else BIG
        for v in vehicles
    ]
    max_overtime = [math.floor(v.max_overtime * instance.duration_scale + 1e-9) for v in vehicles]
    # Leaving an optional client out must always cost more than any detour to serve it.
    detour = 2 * int(distance.max()) * max(unit_cost) + 2 * int(duration.max()) * max(
        duration_cost + overtime_cost
    )
    prize = int(10 * (max(fixed) + detour + 1))
    scale_time = instance.duration_scale
    return IntegerData(
        clients=clients,
        distance=distance,
        duration=duration,
        demand=np.round(instance.demand[clients] * instance.demand_scale).astype(np.int64),
        service=np.ceil(instance.service[clients] * scale_time - 1e-9).astype(np.int64),
        tw_early=_time(instance.tw_early[clients], scale_time),
        tw_late=_time(instance.tw_late[clients], scale_time),
        depot_tw=_time(instance.depot_tw, scale_time),
        capacity=capacity,
        shift=shift,
        fixed_cost=fixed,
        unit_cost=unit_cost,
        prize=prize,
        cost_scale=float(money),
        shipments=shipments,
        pickup=np.round(instance.pickup[clients] * instance.demand_scale).astype(np.int64),
        release=np.ceil(instance.release[clients] * scale_time - 1e-9).astype(np.int64),
        service_all=np.ceil(instance.service * scale_time - 1e-9).astype(np.int64),
        tw_all=np.column_stack([_time(instance.tw_early, scale_time), _time(instance.tw_late, scale_time)]),
        amount=[[round(a * instance.demand_scale) for a in instance.shipments[k].amount] for k in shipments],
        shift_duration=shift_duration,
        max_distance=max_distance,
        duration_cost=duration_cost,
        max_overtime=max_overtime,
        overtime_cost=overtime_cost,
    )


def objective(instance: Instance, value: float, cost_scale: float) -> float:
    """A solver's integer objective in the instance's cost unit."""
    return value / cost_scale if math.isfinite(value) else math.inf
