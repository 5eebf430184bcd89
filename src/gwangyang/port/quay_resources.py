"""The quay side's resources for one simulation run: berth states, and the gangs of vehicles and yard cranes.

A transport pool of ``count`` vehicles works in gangs of ``per_crane`` (one gang serves one quay
crane), as a yard of ``cranes`` yard cranes does; each becomes a SimPy ``PriorityResource`` with one
slot per gang. :class:`gwangyang.port.quay.Quay` holds them.
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from .berth_policies import BerthState
from .terminal import Scenario


def berth_states(scenario: Scenario) -> list[BerthState]:
    """Every berth of the scenario as the simulation holds it (its haul: its own, else its transport pool's)."""
    return [
        BerthState(
            i,
            b.name,
            b.length_m,
            scenario.cranes_at(b.name),
            b.transport,
            b.yard,
            b.open_from_h,
            b.open_to_h,
            b.haul_m or {t.name: t.distance_m for t in scenario.transport}[b.transport],
        )
        for i, b in enumerate(scenario.berths)
    ]


def vehicle_gangs(env: Any, scenario: Scenario, fleet_pool: str | None) -> dict[str, Any]:
    """A priority resource per transport pool with vehicles, one slot per gang (but the AGV fleet's ``fleet_pool``).

    The pool simulated move by move (:mod:`gwangyang.port.fleet_rates`) holds its cranes up by its
    rates instead, so it gets no resource. InputError for a pool smaller than one gang.
    """
    return {
        pool.name: _gangs(env, f"transport {pool.name}: count", pool.count, pool.per_crane)
        for pool in scenario.transport
        if pool.count > 0 and pool.name != fleet_pool
    }


def yard_crane_gangs(env: Any, scenario: Scenario) -> dict[str, Any]:
    """A priority resource per yard with yard cranes, one slot per gang; InputError for fewer cranes than a gang."""
    return {
        yard.name: _gangs(env, f"yard {yard.name}: cranes", yard.cranes, yard.per_crane)
        for yard in scenario.yards
        if yard.cranes > 0
    }


def _gangs(env: Any, what: str, count: int, per_crane: int) -> Any:
    """A priority resource with one slot per gang of ``per_crane`` out of ``count``; InputError for less than one gang."""
    import simpy

    gangs = count // per_crane
    if gangs < 1:
        raise InputError(f"{what} {count} is less than per_crane {per_crane}")
    return simpy.PriorityResource(env, capacity=gangs)
