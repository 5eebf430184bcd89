"""The integer form of an instance that both solvers need: scaled matrices, windows, loads and costs."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .instance import Instance

BIG = int(np.iinfo(np.int64).max)
"""An open time window or an unbounded shift, as PyVRP's own reader writes it (PyVRP then sees no time windows)."""


@dataclass(frozen=True)
class IntegerData:
    """Scaled integer arrays of an instance, restricted to the clients that are routed."""

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
    clients = instance.active_clients()
    distance = np.round(instance.distance * instance.distance_scale).astype(np.int64)
    scaled = instance.duration * instance.duration_scale
    duration = (np.ceil(scaled - 1e-9) if instance.ceil_durations else np.round(scaled)).astype(np.int64)
    np.fill_diagonal(distance, 0)
    np.fill_diagonal(duration, 0)
    per_km = [v.cost_per_distance for v in instance.vehicles]
    multiplier = 1 if all(float(c).is_integer() for c in per_km) else 100
    unit_cost = [round(c * multiplier) for c in per_km]
    fixed = [round(v.fixed_cost * instance.distance_scale * multiplier) for v in instance.vehicles]
    capacity = [[round(c * instance.demand_scale) for c in v.capacity] for v in instance.vehicles]
    shift = [
        (
            int(_time(np.array([v.shift_start]), instance.duration_scale)[0]),
            int(_time(np.array([v.shift_end]), instance.duration_scale)[0]),
        )
        for v in instance.vehicles
    ]
    # Leaving an optional client out must always cost more than any detour to serve it.
    prize = int(10 * (max(fixed) + 2 * int(distance.max()) * max(unit_cost) + 1))
    return IntegerData(
        clients=clients,
        distance=distance,
        duration=duration,
        demand=np.round(instance.demand[clients] * instance.demand_scale).astype(np.int64),
        service=np.ceil(instance.service[clients] * instance.duration_scale - 1e-9).astype(np.int64),
        tw_early=_time(instance.tw_early[clients], instance.duration_scale),
        tw_late=_time(instance.tw_late[clients], instance.duration_scale),
        depot_tw=_time(instance.depot_tw, instance.duration_scale),
        capacity=capacity,
        shift=shift,
        fixed_cost=fixed,
        unit_cost=unit_cost,
        prize=prize,
        cost_scale=float(instance.distance_scale * multiplier),
    )


def objective(instance: Instance, value: float, cost_scale: float) -> float:
    """A solver's integer objective in the instance's cost unit."""
    return value / cost_scale if math.isfinite(value) else math.inf
