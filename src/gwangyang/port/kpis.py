"""Key performance indicators of a simulated terminal, and the result object that carries them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .landside import box_flows, simulate_gate, yard_stock

if TYPE_CHECKING:
    from .arrivals import VesselCall
    from .terminal import Scenario

HOURS_PER_YEAR = 8760.0

GATE_STREAM = 1
"""Second key of the gate's random stream (``[seed, GATE_STREAM]``), apart from the quay side's."""

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
    "yard_mean_teu": "TEU",
    "yard_peak_teu": "TEU",
    "energy_kwh": "kWh",
    "co2_t": "t",
}
"""The KPIs every simulation reports, with their units."""


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


@dataclass
class SimulationResult:
    """What one simulation run gives: per-vessel records (the berth plan) and KPIs.

    Attributes
    ----------
    vessels
        One row per vessel: ``vessel, service, berth, arrival_h, start_h, end_h, wait_h, service_h, teu, moves, cranes``.
    kpis
        The KPIs named in :data:`KPI_UNITS`.
    energy_by_equipment
        kWh and t CO2 per equipment type.
    """

    scenario: str
    days: float
    seed: int | None
    vessels: pd.DataFrame
    kpis: dict[str, float]
    energy_by_equipment: dict[str, dict[str, float]] = field(default_factory=dict)
    events: int = 0
    littles_law: dict[str, float] = field(default_factory=dict)

    def gantt(self) -> pd.DataFrame:
        """The berth plan as a table: ``vessel, berth, start_h, end_h`` (plus arrival and service)."""
        return self.vessels[["vessel", "service", "berth", "arrival_h", "start_h", "end_h"]].copy()

    def summary(self) -> str:
        """A few human lines."""
        lines = [f"{self.scenario}: {self.days:g} days, seed {self.seed}, {self.events} events"]
        for name, value in self.kpis.items():
            lines.append(f"  {name:24s} {value:14.3f} {KPI_UNITS.get(name, '')}")
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
        }
        if include_vessels:
            gantt = self.gantt()
            out["gantt"] = [
                {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
                for row in gantt.to_dict(orient="records")
            ]
        return out


def time_average_in_system(arrivals: np.ndarray, departures: np.ndarray, t0: float, t1: float) -> float:
    """Time-average number of vessels in the system (waiting or at berth) over ``[t0, t1]``."""
    a = np.clip(arrivals, t0, t1)
    d = np.clip(departures, t0, t1)
    return float(np.sum(d - a) / (t1 - t0))


def compute_kpis(
    scenario: Scenario,
    stats: SimulationStats,
    calls: list[VesselCall],
    horizon_h: float,
    warmup_h: float,
    seed: int | None,
    events: int,
) -> SimulationResult:
    """Turn the simulation's raw records into KPIs."""
    columns = [
        "vessel",
        "service",
        "berth",
        "berth_index",
        "eta_h",
        "arrival_h",
        "start_h",
        "end_h",
        "wait_h",
        "service_h",
        "teu",
        "moves",
        "cranes",
    ]
    vessels = (
        pd.DataFrame(stats.vessels, columns=columns)
        .sort_values("vessel", kind="stable")
        .reset_index(drop=True)
    )
    measured = vessels[vessels["arrival_h"] >= warmup_h]
    end = max(horizon_h, float(vessels["end_h"].max()) if len(vessels) else horizon_h)
    span = horizon_h - warmup_h
    moves = int(vessels["moves"].sum())
    teu = float(vessels["teu"].sum())
    berth_time = float((vessels["service_h"]).sum())
    crane_berth_h = float((vessels["service_h"] * vessels["cranes"]).sum())
    wait = measured["wait_h"].to_numpy(float)
    service = measured["service_h"].to_numpy(float)
    energy, co2 = _energy(scenario, stats, moves)
    vehicles = sum(t.count for t in scenario.transport if t.count > 0)
    yard_cranes = sum(y.cranes for y in scenario.yards if y.cranes > 0)
    gate_rng = np.random.default_rng(None if seed is None else [int(seed), GATE_STREAM])
    flows = box_flows(scenario.gate, stats.moves, gate_rng)
    gate = simulate_gate(scenario.gate, flows, warmup_h, horizon_h, gate_rng)
    yard_mean, yard_peak = yard_stock(flows, warmup_h, horizon_h)
    kpis = {
        "vessel_calls": float(len(vessels)),
        "teu": teu,
        "teu_per_year": float(vessels.loc[vessels["arrival_h"] < horizon_h, "teu"].sum())
        * HOURS_PER_YEAR
        / horizon_h,
        "mean_wait_h": float(wait.mean()) if len(wait) else 0.0,
        "p95_wait_h": float(np.percentile(wait, 95)) if len(wait) else 0.0,
        "mean_service_h": float(service.mean()) if len(service) else 0.0,
        "p95_service_h": float(np.percentile(service, 95)) if len(service) else 0.0,
        "berth_occupancy": berth_time / (len(scenario.berths) * end),
        "qc_moves_per_hour": moves / crane_berth_h if crane_berth_h else 0.0,
        "qc_net_moves_per_hour": moves / stats.crane_work_h if stats.crane_work_h else 0.0,
        "vehicle_utilization": sum(stats.vehicle_busy_h.values()) / (vehicles * end) if vehicles else 0.0,
        "yard_crane_utilization": sum(stats.yard_busy_h.values()) / (yard_cranes * end)
        if yard_cranes
        else 0.0,
        "gate_utilization": gate.utilization,
        "gate_trucks": float(gate.trucks),
        "gate_mean_wait_min": gate.mean_wait_min,
        "gate_p95_wait_min": gate.p95_wait_min,
        "yard_mean_teu": yard_mean * scenario.teu_per_move,
        "yard_peak_teu": yard_peak * scenario.teu_per_move,
        "energy_kwh": sum(v["kwh"] for v in energy.values()),
        "co2_t": co2,
    }
    littles = {}
    if len(measured):
        lam = len(measured) / span
        sojourn = (measured["end_h"] - measured["arrival_h"]).to_numpy(float)
        in_system = time_average_in_system(
            vessels["arrival_h"].to_numpy(float), vessels["end_h"].to_numpy(float), warmup_h, horizon_h
        )
        littles = {
            "L": in_system,
            "lambda_per_h": lam,
            "W_h": float(sojourn.mean()),
            "lambda_W": lam * sojourn.mean(),
        }
    return SimulationResult(scenario.name, horizon_h / 24, seed, vessels, kpis, energy, events, littles)


def _energy(
    scenario: Scenario, stats: SimulationStats, moves: int
) -> tuple[dict[str, dict[str, float]], float]:
    """KWh and t CO2 by equipment type; diesel is counted in kWh at ``diesel_kwh_per_l``."""
    e = scenario.energy
    out: dict[str, dict[str, float]] = {}

    def add(kind: str, kwh: float, litres: float) -> None:
        item = out.setdefault(kind, {"kwh": 0.0, "diesel_l": 0.0, "co2_t": 0.0})
        item["kwh"] += kwh + litres * e.diesel_kwh_per_l
        item["diesel_l"] += litres
        item["co2_t"] += (kwh * e.grid_kg_co2_per_kwh + litres * e.diesel_kg_co2_per_l) / 1000

    for kind, kwh in stats.crane_kwh.items():
        add(f"quay_crane_{kind}", kwh, 0.0)
    by_berth = {b.name: b for b in scenario.berths}
    transport = {t.name: t for t in scenario.transport}
    yards = {y.name: y for y in scenario.yards}
    km_by_pool: dict[str, float] = {}
    moves_by_yard: dict[str, int] = {}
    for record in stats.vessels:
        berth = by_berth[record["berth"]]
        haul = berth.haul_m or transport[berth.transport].distance_m
        km_by_pool[berth.transport] = km_by_pool.get(berth.transport, 0.0) + record["moves"] * 2 * haul / 1000
        moves_by_yard[berth.yard] = moves_by_yard.get(berth.yard, 0) + record["moves"]
    for name, km in km_by_pool.items():
        pool = transport[name]
        add(pool.kind, km * pool.kwh_per_km, km * pool.diesel_l_per_km)
    for name, n in moves_by_yard.items():
        yard = yards[name]
        add(f"yard_crane_{yard.kind}", n * yard.kwh_per_move, n * yard.diesel_l_per_move)
    return out, sum(v["co2_t"] for v in out.values())
