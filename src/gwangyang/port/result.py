"""What a simulation run records and what it gives.

:class:`SimulationStats` holds the raw records collected while :mod:`.simulation` runs; :func:`.kpis.compute_kpis`
turns them into a :class:`SimulationResult`, the berth plan and the KPIs named in :data:`KPI_UNITS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .steady import SteadyState

KPI_UNITS: dict[str, str] = {
    "vessel_calls": "calls",
    "teu": "TEU",
    "teu_per_year": "TEU/yr",
    "mean_wait_h": "h",
    "p95_wait_h": "h",
    "mean_service_h": "h",
    "p95_service_h": "h",
    "berth_occupancy": "fraction",
    "qc_moves_per_hour": "moves/h (gross)",
    "qc_net_moves_per_hour": "moves/h (net)",
    "vehicle_utilization": "fraction",
    "yard_crane_utilization": "fraction",
    "gate_utilization": "fraction",
    "gate_trucks": "trucks",
    "gate_mean_wait_min": "min",
    "gate_p95_wait_min": "min",
    "gate_p95_time_min": "min",
    "gate_wait_share": "fraction",
    "gate_appointment_delay_h": "h",
    "yard_mean_teu": "TEU",
    "yard_peak_teu": "TEU",
    "yard_fill_mean": "fraction",
    "yard_fill_peak": "fraction",
    "yard_rehandles_per_move": "rehandles/move",
    "yard_blocked_qc_h": "crane-h",
    "yard_export_wait_h": "h",
    "qc_vehicle_wait_share": "fraction",
    "empty_travel_share": "fraction",
    "charging_share": "fraction",
    "energy_kwh": "kWh",
    "co2_t": "t",
}
"""The KPIs every simulation reports, with their units."""


def kpi_bounds(name: str, units: Mapping[str, str] = KPI_UNITS) -> tuple[float, float]:
    """The values a KPI can take: a share (unit ``fraction`` in ``units``) lies in ``[0, 1]``, every other KPI in ``[0, inf)``."""
    return (0.0, 1.0) if units.get(name) == "fraction" else (0.0, float("inf"))


@dataclass
class SimulationStats:
    """The raw records a simulation run collects, from which :func:`compute_kpis` derives the KPIs.

    Attributes
    ----------
    vessels
        One dict per vessel worked (the columns of :attr:`SimulationResult.vessels`).
    crane_work_h, crane_breakdown_h, crane_weather_h
        Quay-crane hours working, under repair and stopped by weather or closed hours.
    crane_moves, crane_kwh
        Moves and kWh per crane kind.
    vehicle_busy_h, yard_busy_h
        Busy hours per transport pool and per yard.
    moves
        ``(hour, boxes)`` of every crane batch, in completion order.
    chunks
        Every crane batch: ``(end_h, berth_index, moves, crane_h, vehicle_h, yard_crane_h, crane_kwh,
        rehandles, yard_blocked_h)``.
    yard_level, yard_blocked_h, rehandles, export_waits_h
        Capacity-limited yards (:mod:`.yard`): ``(time, change)`` of their total stock, quay-crane hours
        waiting for yard space, rehandles, and each export box's ``(arrival, wait for space)``.
    fleet_chunks
        Crane batches served by the AGV model (:mod:`.fleet_rates`): ``(end_h, crane hours waiting
        for vehicles, crane hours working, empty km, loaded km, AGV hours charging)``.
    weather_starts, weather_ends
        The weather stops drawn for the run (hours), sorted.
    """

    vessels: list[dict[str, Any]] = field(default_factory=list)
    crane_work_h: float = 0.0
    crane_breakdown_h: float = 0.0
    crane_weather_h: float = 0.0
    crane_moves: dict[str, int] = field(default_factory=dict)
    crane_kwh: dict[str, float] = field(default_factory=dict)
    vehicle_busy_h: dict[str, float] = field(default_factory=dict)
    yard_busy_h: dict[str, float] = field(default_factory=dict)
    moves: list[tuple[float, int]] = field(default_factory=list)
    chunks: list[tuple[float, int, int, float, float, float, float, int, float]] = field(default_factory=list)
    yard_level: list[tuple[float, int]] = field(default_factory=list)
    yard_blocked_h: float = 0.0
    rehandles: int = 0
    export_waits_h: list[tuple[float, float]] = field(default_factory=list)
    fleet_chunks: list[tuple[float, float, float, float, float, float]] = field(default_factory=list)
    weather_starts: list[float] = field(default_factory=list)
    weather_ends: list[float] = field(default_factory=list)


@dataclass
class SimulationResult:
    """What one simulation run gives: per-vessel records (the berth plan) and KPIs.

    Attributes
    ----------
    vessels
        One row per vessel: ``vessel, name`` (its call list name, else its number), ``service, berth, arrival_h, start_h, end_h, wait_h, service_h, teu, moves, cranes``.
    kpis
        The KPIs named in :data:`KPI_UNITS`.
    energy_by_equipment
        kWh and t CO2 per equipment type.
    steady_state
        Per KPI: MSER-5 warm-up and the batch-means mean of its daily value with a 95 % interval
        (:mod:`gwangyang.port.steady`; totals per day), inside the KPI's bounds (:func:`kpi_bounds`); no
        interval when the run holds too few batches (:mod:`gwangyang.port.steady_report`; a warning says so).
    """

    scenario: str
    days: float
    seed: int | None
    vessels: pd.DataFrame
    kpis: dict[str, float]
    energy_by_equipment: dict[str, dict[str, float]] = field(default_factory=dict)
    events: int = 0
    littles_law: dict[str, float] = field(default_factory=dict)
    steady_state: dict[str, SteadyState] = field(default_factory=dict)
    gate_desired_h: np.ndarray = field(default_factory=lambda: np.empty(0))
    """The gate trucks' desired arrival times (before any appointment booking), sorted."""
    weather: dict[str, float] = field(default_factory=dict)
    """The run's weather stops: ``stops``, ``share`` of the time and ``expected_share``."""
    warnings: list[str] = field(default_factory=list)
    """What the reader must know to trust the figures (e.g. steady states the run cannot correct)."""
    load: dict[str, float] = field(default_factory=dict)
    """The berths' offered load (:func:`gwangyang.port.offered_load.offered_load`); 1 or more: no steady state."""

    def gantt(self) -> pd.DataFrame:
        """The berth plan as a table: ``vessel, berth, start_h, end_h`` (plus arrival and service)."""
        return self.vessels[["vessel", "name", "service", "berth", "arrival_h", "start_h", "end_h"]].copy()

    def summary(self) -> str:
        """A few human lines."""
        lines = [
            f"{self.scenario}: {self.days:g} days, seed {self.seed}, {self.events} events",
            f"  {'KPI':24s} {'run':>14s} {'unit':16s} steady state (totals per day) [95 % CI], warm-up",
        ]
        for name, value in self.kpis.items():
            line = f"  {name:24s} {value:14.3f} {KPI_UNITS.get(name, ''):16s}"
            steady = self.steady_state.get(name)
            if steady is not None:
                # no interval from too few batches: the warnings below say why
                interval = (
                    "(no interval)" if steady.no_interval else f"[{steady.ci_low:.4g}, {steady.ci_high:.4g}]"
                )
                line += f" {steady.mean:.4g} {interval}, {steady.warmup_h:g} h"
            lines.append(line)
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)

    def to_dict(self, include_vessels: bool = True) -> dict[str, Any]:
        """JSON-ready dict: ``kpis``, ``units``, ``energy_by_equipment`` and the berth plan ``gantt``."""
        out: dict[str, Any] = {
            "scenario": self.scenario,
            "days": self.days,
            "seed": self.seed,
            "events": self.events,
            "kpis": {k: float(v) for k, v in self.kpis.items()},
            "units": dict(KPI_UNITS),
            "energy_by_equipment": self.energy_by_equipment,
            "littles_law": self.littles_law,
            "steady_state": {k: v.to_dict() for k, v in self.steady_state.items()},
            "weather": dict(self.weather),
            "warnings": list(self.warnings),
            "load": dict(self.load),
        }
        if include_vessels:
            gantt = self.gantt()
            out["gantt"] = [
                {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
                for row in gantt.to_dict(orient="records")
            ]
        return out
