"""The AGV fleet the move-level model (:mod:`~gwangyang.port.agv`) simulates, taken from a scenario, and the KPIs of a run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..written import as_written
from .agv_dispatch import DISPATCH
from .operations import Automation
from .terminal import Scenario


@dataclass(frozen=True)
class FleetPlan:
    """Everything the move-level model needs, taken from a scenario (see :func:`plan_from_scenario`)."""

    name: str
    cranes: int
    qc_moves_per_hour: float
    qc_cycle_cv: float
    agvs: int
    speed_kmh: float
    kwh_per_km: float
    blocks: int
    quay_length_m: float
    settings: Automation
    dispatch: str = "nearest"

    def __post_init__(self) -> None:
        if self.dispatch not in DISPATCH:
            raise InputError(
                f"dispatch: must be one of {', '.join(DISPATCH)}, got {as_written(self.dispatch)}"
            )
        if self.agvs < 1:
            raise InputError(f"agvs: must be >= 1, got {self.agvs}")


def plan_from_scenario(scenario: Scenario, dispatch: str = "nearest", agvs: int | None = None) -> FleetPlan:
    """The AGV pool of ``scenario`` (``automation.transport`` or its first AGV pool) and what it serves.

    Raises
    ------
    InputError
        The scenario has no AGV pool, or the pool serves no berth.
    """
    settings = scenario.automation
    pools = [t for t in scenario.transport if t.kind in ("agv", "lift-agv")]
    if settings.transport:
        pools = [t for t in scenario.transport if t.name == settings.transport]
        if not pools:
            raise InputError(f"automation.transport: {settings.transport!r} is not a transport pool")
    if not pools:
        raise InputError(f"{scenario.name}: no transport pool of kind agv or lift-agv (automation.transport)")
    pool = pools[0]
    berths = [b for b in scenario.berths if b.transport == pool.name]
    if not berths:
        raise InputError(f"{scenario.name}: transport pool {pool.name!r} serves no berth")
    groups = [g for b in berths for g in scenario.cranes_at(b.name)]
    cranes = sum(g.count for g in groups)
    rate = sum(g.count * g.moves_per_hour for g in groups) / cranes
    cv = sum(g.count * g.cycle_cv for g in groups) / cranes
    yards = {b.yard for b in berths}
    blocks = sum(y.blocks for y in scenario.yards if y.name in yards)
    return FleetPlan(
        scenario.name,
        cranes,
        rate,
        cv,
        pool.count if agvs is None else agvs,
        pool.speed_kmh,
        pool.kwh_per_km,
        blocks,
        sum(b.length_m for b in berths),
        settings,
        dispatch,
    )


@dataclass
class FleetResult:
    """KPIs of one run of the move-level model (over the measured hours, after the warm-up)."""

    plan: FleetPlan
    hours: float
    seed: int
    kpis: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "scenario": self.plan.name,
            "dispatch": self.plan.dispatch,
            "agvs": self.plan.agvs,
            "cranes": self.plan.cranes,
            "hours": self.hours,
            "seed": self.seed,
            "kpis": dict(self.kpis),
            "units": dict(FLEET_UNITS),
        }


FLEET_UNITS: dict[str, str] = {
    "moves_per_hour_per_crane": "moves/h",
    "qc_idle_share": "fraction",
    "qc_idle_min_per_move": "min",
    "vehicle_utilization": "fraction",
    "empty_travel_share": "fraction",
    "charging_share": "fraction",
    "congestion_share": "fraction",
    "km_per_move": "km",
    "kwh_per_move": "kWh",
}
"""The KPIs of :func:`~gwangyang.port.agv.simulate_fleet`: quay-crane idle time waiting for vehicles (share of crane
time and minutes per move), vehicle utilisation (share of AGV time on jobs), empty-travel share (of
the distance), charging share (of AGV time: driving to, queueing at and using stations), congestion
(share of driving time spent waiting for a full segment), moves per hour per crane."""
