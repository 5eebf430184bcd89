"""The AGV dispatch model inside the vessel twin: crane rates and AGV KPIs by the number of working cranes.

With ``automation.horizontal_transport = "agv"`` the quay cranes of the berths served by the AGV
pool are not held up by a fixed gang of vehicles (the pool model of :mod:`.simulation`) but by the
move-level model of :mod:`.agv`: lane graph, congestion, dispatch policy, batteries. That model runs
move by move and would cost too much inside a year of vessels, so the twin uses it as a
*metamodel*: for ``k`` working cranes sharing the whole fleet, :func:`.agv.simulate_fleet` gives the
moves per hour per crane, the cranes' idle share waiting for vehicles, the fleet's utilisation, the
empty-travel and charging shares and the km per move. These are measured once per scenario at a
few ``k`` (every ``k`` up to :data:`ALL_POINTS_UP_TO` cranes, else four spread over ``1..N``) with
a fixed seed, and interpolated linearly in ``k``. Inside the twin a crane batch that starts while
``k`` cranes of the pool work lasts its crane time divided by ``min(1, rate_k / own rate)``; the
difference is crane time waiting for vehicles, and the fleet's time is shared among the ``k`` cranes.

The table is a calibration of the twin (deterministic: seed 0), so runs of any length and seed use
the same one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..written import as_written
from .agv import simulate_fleet
from .agv_dispatch import DISPATCH
from .agv_plan import FleetPlan, plan_from_scenario
from .terminal import Scenario

ALL_POINTS_UP_TO = 4
"""Pools serving at most this many cranes are measured at every crane count."""

FIELDS = (
    "moves_per_hour_per_crane",
    "qc_idle_share",
    "vehicle_utilization",
    "empty_travel_share",
    "charging_share",
    "km_per_move",
)
"""The move-level KPIs the twin takes over."""

_CACHE: dict[tuple[FleetPlan, float, float], FleetRates] = {}


@dataclass(frozen=True)
class FleetRates:
    """The AGV model's KPIs at sampled counts of working cranes (``table[i]`` for ``cranes[i]``)."""

    plan: FleetPlan
    pool: str
    cranes: tuple[int, ...]
    table: tuple[dict[str, float], ...]

    @property
    def agvs(self) -> int:
        """Vehicles in the pool."""
        return self.plan.agvs

    def at(self, working: int) -> dict[str, float]:
        """The KPIs with ``working`` cranes of the pool at work (linear between sampled counts)."""
        k = float(min(max(working, self.cranes[0]), self.cranes[-1]))
        return {name: float(np.interp(k, self.cranes, [row[name] for row in self.table])) for name in FIELDS}

    def slowdown(self, working: int) -> float:
        """Crane time over the time it takes with vehicles (<= 1): ``min(1, rate_k / own rate)``."""
        rate = self.at(working)["moves_per_hour_per_crane"]
        return min(1.0, rate / self.plan.qc_moves_per_hour)


def crane_counts(cranes: int) -> list[int]:
    """The crane counts at which the table is measured."""
    if cranes <= ALL_POINTS_UP_TO:
        return list(range(1, cranes + 1))
    return sorted({round(float(x)) for x in np.linspace(1, cranes, 4)})


def fleet_rates(scenario: Scenario, hours: float | None = None, warmup_h: float = 0.5) -> FleetRates:
    """The table for ``scenario``'s AGV pool (cached per plan), with its ``automation.dispatch``.

    Raises
    ------
    InputError
        The scenario has no AGV pool serving a berth, or an unknown dispatch policy.
    """
    settings = scenario.automation
    if settings.dispatch not in DISPATCH:
        raise InputError(
            f"automation.dispatch: must be one of {', '.join(DISPATCH)}, got {as_written(settings.dispatch)}"
        )
    plan = plan_from_scenario(scenario, settings.dispatch)
    hours = settings.fleet_hours if hours is None else hours
    key = (plan, hours, warmup_h)
    if key not in _CACHE:
        pool = next(
            t.name
            for t in scenario.transport
            if (t.name == settings.transport if settings.transport else t.kind in ("agv", "lift-agv"))
        )
        counts = crane_counts(plan.cranes)
        rows = []
        for k in counts:
            # k cranes spread along the quay, sharing the whole fleet and every block.
            variant = dataclasses.replace(plan, cranes=k)
            kpis = simulate_fleet(variant, hours, seed=0, warmup_h=warmup_h).kpis
            rows.append({name: float(kpis[name]) for name in FIELDS})
        _CACHE[key] = FleetRates(plan, pool, tuple(counts), tuple(rows))
    return _CACHE[key]
