"""The KPIs of a whole simulation run, from the raw records the run collects.

:func:`compute_kpis` turns a run's :class:`.result.SimulationStats` into a :class:`.result.SimulationResult`:
the quay side's KPIs from the vessels and crane batches, the land side's (gate trucks, yard stock) from
the run's crane moves extended before and after it, energy and CO2 per equipment type, Little's law,
and the steady-state intervals of every KPI over windows of the run (:mod:`.window_kpis`), inside the KPI's
bounds and only where the run holds enough batches (:mod:`.steady_report`, which also writes the warnings).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .appointments import appointment_arrivals
from .landside import BoxFlows, box_flows, gate_statistics, queue_gate, yard_stock
from .result import SimulationResult, SimulationStats, kpi_bounds
from .steady import steady_state
from .steady_report import interval_warnings
from .weather_control import WEATHER_DRIVEN, WeatherRecord, weather_warnings
from .window_kpis import HOURS_PER_YEAR, FleetRecords, WindowKPIs, YardRecords, window_mean

if TYPE_CHECKING:
    from .terminal import Scenario
    from .vessel_call import VesselCall

EXTENSION_DWELLS = 5.0
"""The land side sees the quay's moves repeated this many mean dwells before and after the run."""

LANDSIDE_BATCH_DWELLS = 4.0
"""Batches of gate and yard-stock KPIs last at least this many mean dwells."""

GATE_STREAM = 1
"""Second key of the gate's random stream (``[seed, GATE_STREAM]``), apart from the quay side's."""


def periodic_extension(
    moves: list[tuple[float, int]], horizon_h: float, dwell_h: float
) -> list[tuple[float, int]]:
    """The crane batches of ``[0, horizon_h)`` repeated before and after it, as far as ``EXTENSION_DWELLS`` dwells.

    A box stays in the yard about ``dwell_h`` around its crane move, so the yard stock and the gate's
    trucks at the start of a run depend on moves before it (imports discharged earlier), and at the
    end on moves after it (exports brought in for later vessels). Repeating the run's own moves
    (a periodic extension) gives the land side a past and a future of the same traffic, so that it
    starts at its steady state instead of empty and keeps its export trucks to the end.
    """
    margin = EXTENSION_DWELLS * dwell_h
    inside = [(t, n) for t, n in moves if t < horizon_h]
    if not inside or horizon_h <= 0:
        return list(moves)
    out = list(moves)
    copies = int(np.ceil(margin / horizon_h))
    for c in range(1, copies + 1):
        shift = c * horizon_h
        out += [(t - shift, n) for t, n in inside if t - shift >= -margin]
        out += [(t + shift, n) for t, n in inside if t + shift < horizon_h + margin]
    return sorted(out)


def surrounding_moves(scenario: Scenario, calls: list[VesselCall]) -> list[tuple[float, int]]:
    """Crane batches of vessels outside the run: each call's moves at the middle of a nominal stay.

    The nominal stay is the call's moves over its cranes' mean rate (the fastest crane group of the
    terminal); the land side smooths a vessel's moves over a dwell of days, so their exact timing
    within a stay of hours does not matter.
    """
    rate = max((c.moves_per_hour for c in scenario.cranes), default=30.0)
    return [(c.arrival_h + c.moves / (2.0 * rate * max(1, c.max_cranes)), c.moves) for c in calls]


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
    surrounding: tuple[list[VesselCall], list[VesselCall]] | None = None,
    level: float = 0.95,
) -> SimulationResult:
    """Turn the simulation's raw records into KPIs.

    ``surrounding`` are the vessel calls before and after the run (:func:`.arrivals.surrounding_calls`)
    whose moves the land side sees; without them the run's own moves are repeated
    (:func:`periodic_extension`). ``level`` is the confidence level of the steady-state intervals.
    """
    columns = [
        "vessel",
        "name",
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
    landside_moves = (
        periodic_extension(stats.moves, horizon_h, scenario.gate.dwell_h)
        if surrounding is None
        else sorted(stats.moves + surrounding_moves(scenario, [*surrounding[0], *surrounding[1]]))
    )
    flows = box_flows(scenario.gate, landside_moves, gate_rng, scenario.automation.discharge_share)
    desired = flows.truck_h
    delays = np.zeros(len(flows.truck_h))
    if scenario.gate.appointments_per_hour > 0:
        booked, delays = appointment_arrivals(flows.truck_h, scenario.gate.appointments_per_hour, gate_rng)
        flows = BoxFlows(flows.stay_from, flows.stay_to, booked)
    queue = queue_gate(scenario.gate, flows, gate_rng)
    gate = gate_statistics(scenario.gate, queue, warmup_h, horizon_h)
    yard_mean, yard_peak = yard_stock(flows, warmup_h, horizon_h)
    yard = YardRecords(scenario, stats)
    fleet = FleetRecords(scenario, stats)
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
        "gate_p95_time_min": gate.p95_time_min,
        "gate_wait_share": gate.wait_share,
        "gate_appointment_delay_h": window_mean(queue.arrival_h, delays, warmup_h, horizon_h),
        "yard_mean_teu": yard_mean * scenario.teu_per_move,
        "yard_peak_teu": yard_peak * scenario.teu_per_move,
        **yard.kpis(warmup_h, horizon_h, -np.inf, np.inf),
        **fleet.kpis(-np.inf, np.inf, end),
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
    window = WindowKPIs(scenario, stats, vessels, flows, queue, yard, fleet, delays)
    # A box stays about a dwell: stock and truck counts a dwell apart are correlated.
    landside = [name for name in kpis if name.startswith(("gate_", "yard_"))]
    lengths = {name: LANDSIDE_BATCH_DWELLS * scenario.gate.dwell_h for name in landside}
    weather = WeatherRecord(
        np.asarray(stats.weather_starts, dtype=float),
        np.asarray(stats.weather_ends, dtype=float),
        scenario.weather,
    )
    steady = steady_state(
        window,
        horizon_h,
        list(kpis),
        level=level,
        min_batch_h=lengths,
        control=lambda t0, t1: (weather.observed(t0, t1), weather.expected(t0, t1)),
        controlled=WEATHER_DRIVEN,
        bounds={name: kpi_bounds(name) for name in kpis},
    )
    return SimulationResult(
        scenario.name,
        horizon_h / 24,
        seed,
        vessels,
        kpis,
        energy,
        events,
        littles,
        steady,
        desired,
        weather.summary(horizon_h),
        weather_warnings(weather, steady, horizon_h) + interval_warnings(steady, horizon_h, lengths),
    )


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
