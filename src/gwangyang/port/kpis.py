"""Key performance indicators of a simulated terminal, and the result object that carries them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .appointments import appointment_arrivals
from .landside import BoxFlows, GateQueue, box_flows, gate_statistics, queue_gate, yard_stock
from .steady import SteadyState, steady_state
from .weather_control import WEATHER_DRIVEN, WeatherRecord, weather_warnings

if TYPE_CHECKING:
    from .arrivals import VesselCall
    from .terminal import Scenario

HOURS_PER_YEAR = 8760.0

EXTENSION_DWELLS = 5.0
"""The land side sees the quay's moves repeated this many mean dwells before and after the run."""

LANDSIDE_BATCH_DWELLS = 4.0
"""Batches of gate and yard-stock KPIs last at least this many mean dwells."""

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
        One row per vessel: ``vessel, service, berth, arrival_h, start_h, end_h, wait_h, service_h, teu, moves, cranes``.
    kpis
        The KPIs named in :data:`KPI_UNITS`.
    energy_by_equipment
        kWh and t CO2 per equipment type.
    steady_state
        Per KPI: MSER-5 warm-up and the batch-means mean of its daily value with a 95 % interval
        (:mod:`gwangyang.port.steady`; totals per day).
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

    def gantt(self) -> pd.DataFrame:
        """The berth plan as a table: ``vessel, berth, start_h, end_h`` (plus arrival and service)."""
        return self.vessels[["vessel", "service", "berth", "arrival_h", "start_h", "end_h"]].copy()

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
                line += (
                    f" {steady.mean:.4g} [{steady.ci_low:.4g}, {steady.ci_high:.4g}], {steady.warmup_h:g} h"
                )
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
        }
        if include_vessels:
            gantt = self.gantt()
            out["gantt"] = [
                {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
                for row in gantt.to_dict(orient="records")
            ]
        return out


class StepFunction:
    """A count that changes at given times (``delta`` at ``time``), zero before the first change."""

    def __init__(self, times: np.ndarray, deltas: np.ndarray) -> None:
        order = np.lexsort((deltas, times))  # at equal times, decreases first
        self.t = np.asarray(times, dtype=float)[order]
        self.n = np.cumsum(np.asarray(deltas, dtype=float)[order])
        self.area = (
            np.concatenate([[0.0], np.cumsum(self.n[:-1] * np.diff(self.t))]) if len(self.t) else self.t
        )

    def level(self, t: float) -> float:
        """The count just after ``t``."""
        i = int(np.searchsorted(self.t, t, side="right")) - 1
        return float(self.n[i]) if i >= 0 else 0.0

    def integral(self, t: float) -> float:
        """Integral of the count from the first change to ``t``."""
        i = int(np.searchsorted(self.t, t, side="right")) - 1
        return float(self.area[i] + self.n[i] * (t - self.t[i])) if i >= 0 else 0.0

    def mean_peak(self, t0: float, t1: float) -> tuple[float, float]:
        """Time-average and maximum of the count over ``[t0, t1)`` (0, 0 without changes)."""
        if not len(self.t) or t1 <= t0:
            return 0.0, 0.0
        lo, hi = np.searchsorted(self.t, [t0, t1], side="left")
        peak = max(self.level(t0), float(self.n[lo:hi].max()) if hi > lo else 0.0)
        return (self.integral(t1) - self.integral(t0)) / (t1 - t0), peak


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


def _window_mean(times: np.ndarray, values: np.ndarray, t0: float, t1: float) -> float:
    """Mean of the ``values`` whose (sorted) ``times`` fall in ``[t0, t1)``; 0 when none."""
    lo, hi = np.searchsorted(times, [t0, t1], side="left")
    return float(values[lo:hi].mean()) if hi > lo else 0.0


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
    flows = box_flows(scenario.gate, landside_moves, gate_rng)
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
        "gate_appointment_delay_h": _window_mean(queue.arrival_h, delays, warmup_h, horizon_h),
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
        weather_warnings(weather, steady, horizon_h),
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


class WindowKPIs:
    """Every KPI of :data:`KPI_UNITS` over a window ``[t0, t1)`` of a run, for steady-state analysis.

    Vessel KPIs (waits, service times, calls, TEU) count the vessels arriving in the window; berth
    occupancy and crane-hours the overlap of the vessels' stays with it; crane, vehicle, yard-crane
    and energy figures the crane batches ending in it; gate KPIs the trucks arriving in it; the yard
    stock its time average and peak in it. Undefined values (no vessel) are NaN.
    """

    def __init__(
        self,
        scenario: Scenario,
        stats: SimulationStats,
        vessels: pd.DataFrame,
        flows: BoxFlows,
        queue: GateQueue,
        yard: YardRecords,
        fleet: FleetRecords,
        delays: np.ndarray,
    ) -> None:
        self.scenario = scenario
        self.delays = delays
        self.yard = yard
        self.fleet = fleet
        order = np.argsort(vessels["arrival_h"].to_numpy(float), kind="stable")
        v = vessels.iloc[order]
        self.arrival = v["arrival_h"].to_numpy(float)
        self.start = v["start_h"].to_numpy(float)
        self.end = v["end_h"].to_numpy(float)
        self.wait = v["wait_h"].to_numpy(float)
        self.service = v["service_h"].to_numpy(float)
        self.teu = v["teu"].to_numpy(float)
        self.cranes = v["cranes"].to_numpy(float)
        chunks = np.array(sorted(stats.chunks), dtype=float).reshape(-1, 9)
        self.chunk_end = chunks[:, 0]
        self.chunk_moves = chunks[:, 2]
        self.chunk_qc_h = chunks[:, 3]
        self.chunk_vehicle_h = chunks[:, 4]
        self.chunk_yard_h = chunks[:, 5]
        kwh, co2 = self._per_move_energy(chunks[:, 1].astype(int))
        e = scenario.energy
        self.chunk_kwh = chunks[:, 6] + chunks[:, 2] * kwh
        self.chunk_co2 = (chunks[:, 6] * e.grid_kg_co2_per_kwh / 1000) + chunks[:, 2] * co2
        self.queue = queue
        self.vehicles = sum(t.count for t in scenario.transport if t.count > 0)
        self.yard_cranes = sum(y.cranes for y in scenario.yards if y.cranes > 0)
        self.stock = StepFunction(
            np.concatenate([flows.stay_from, flows.stay_to]),
            np.concatenate([np.ones(len(flows.stay_from)), -np.ones(len(flows.stay_to))]),
        )

    def _per_move_energy(self, berth_index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Energy (kWh) and t CO2 per move of transport and yard cranes, by berth (as :func:`_energy`)."""
        e = self.scenario.energy
        transport = {t.name: t for t in self.scenario.transport}
        yards = {y.name: y for y in self.scenario.yards}
        kwh, co2 = [], []
        for berth in self.scenario.berths:
            pool, yard = transport[berth.transport], yards[berth.yard]
            km = 2 * (berth.haul_m or pool.distance_m) / 1000
            grid = km * pool.kwh_per_km + yard.kwh_per_move
            diesel = km * pool.diesel_l_per_km + yard.diesel_l_per_move
            kwh.append(grid + diesel * e.diesel_kwh_per_l)
            co2.append((grid * e.grid_kg_co2_per_kwh + diesel * e.diesel_kg_co2_per_l) / 1000)
        if not len(berth_index):
            return np.empty(0), np.empty(0)
        return np.array(kwh)[berth_index], np.array(co2)[berth_index]

    def __call__(self, t0: float, t1: float) -> dict[str, float]:
        """The KPIs over ``[t0, t1)``."""
        span = t1 - t0
        nan = float("nan")
        a, b = np.searchsorted(self.arrival, [t0, t1], side="left")
        wait, service = self.wait[a:b], self.service[a:b]
        overlap = np.clip(np.minimum(self.end, t1) - np.maximum(self.start, t0), 0.0, None)
        c0, c1 = np.searchsorted(self.chunk_end, [t0, t1], side="left")
        moves = float(self.chunk_moves[c0:c1].sum())
        crane_berth_h = float((overlap * self.cranes).sum())
        qc_h = float(self.chunk_qc_h[c0:c1].sum())
        gate = gate_statistics(self.scenario.gate, self.queue, t0, t1)
        stock_mean, stock_peak = self.stock.mean_peak(t0, t1)
        teu = float(self.teu[a:b].sum())
        return {
            "vessel_calls": float(b - a),
            "teu": teu,
            "teu_per_year": teu * HOURS_PER_YEAR / span,
            "mean_wait_h": float(wait.mean()) if len(wait) else nan,
            "p95_wait_h": float(np.percentile(wait, 95)) if len(wait) else nan,
            "mean_service_h": float(service.mean()) if len(service) else nan,
            "p95_service_h": float(np.percentile(service, 95)) if len(service) else nan,
            "berth_occupancy": float(overlap.sum()) / (len(self.scenario.berths) * span),
            "qc_moves_per_hour": moves / crane_berth_h if crane_berth_h else nan,
            "qc_net_moves_per_hour": moves / qc_h if qc_h else nan,
            "vehicle_utilization": float(self.chunk_vehicle_h[c0:c1].sum()) / (self.vehicles * span)
            if self.vehicles
            else 0.0,
            "yard_crane_utilization": float(self.chunk_yard_h[c0:c1].sum()) / (self.yard_cranes * span)
            if self.yard_cranes
            else 0.0,
            "gate_utilization": gate.utilization,
            "gate_trucks": float(gate.trucks),
            "gate_mean_wait_min": gate.mean_wait_min if gate.trucks else nan,
            "gate_p95_wait_min": gate.p95_wait_min if gate.trucks else nan,
            "gate_p95_time_min": gate.p95_time_min if gate.trucks else nan,
            "gate_wait_share": gate.wait_share if gate.trucks else nan,
            "gate_appointment_delay_h": _window_mean(self.queue.arrival_h, self.delays, t0, t1)
            if gate.trucks
            else nan,
            "yard_mean_teu": stock_mean * self.scenario.teu_per_move,
            "yard_peak_teu": stock_peak * self.scenario.teu_per_move,
            **self.yard.kpis(t0, t1, t0, t1),
            **self.fleet.kpis(t0, t1, span),
            "energy_kwh": float(self.chunk_kwh[c0:c1].sum()),
            "co2_t": float(self.chunk_co2[c0:c1].sum()),
        }


class YardRecords:
    """The capacity-limited yards' records of a run (:mod:`.yard`), as KPIs over a window."""

    def __init__(self, scenario: Scenario, stats: SimulationStats) -> None:
        self.capacity = sum(
            int(y.capacity_teu() / scenario.teu_per_move) for y in scenario.yards if y.ground_slots > 0
        )
        levels = np.array(stats.yard_level, dtype=float).reshape(-1, 2)
        self.stock = StepFunction(levels[:, 0], levels[:, 1])
        chunks = np.array(sorted(stats.chunks), dtype=float).reshape(-1, 9)
        self.chunk_end = chunks[:, 0]
        self.chunk_moves = chunks[:, 2]
        self.chunk_rehandles = chunks[:, 7]
        self.chunk_blocked = chunks[:, 8]
        waits = np.array(sorted(stats.export_waits_h), dtype=float).reshape(-1, 2)
        self.export_t, self.export_wait = waits[:, 0], waits[:, 1]

    def kpis(self, t0: float, t1: float, c0: float, c1: float) -> dict[str, float]:
        """Fill and export waits over ``[t0, t1)``; rehandles and blocked hours of crane batches ending in ``[c0, c1)``."""
        if not self.capacity:
            return dict.fromkeys(
                (
                    "yard_fill_mean",
                    "yard_fill_peak",
                    "yard_rehandles_per_move",
                    "yard_blocked_qc_h",
                    "yard_export_wait_h",
                ),
                0.0,
            )
        mean, peak = self.stock.mean_peak(t0, t1)
        lo, hi = np.searchsorted(self.chunk_end, [c0, c1], side="left")
        moves = float(self.chunk_moves[lo:hi].sum())
        w0, w1 = np.searchsorted(self.export_t, [t0, t1], side="left")
        waits = self.export_wait[w0:w1]
        return {
            "yard_fill_mean": mean / self.capacity,
            "yard_fill_peak": peak / self.capacity,
            "yard_rehandles_per_move": float(self.chunk_rehandles[lo:hi].sum()) / moves if moves else 0.0,
            "yard_blocked_qc_h": float(self.chunk_blocked[lo:hi].sum()),
            "yard_export_wait_h": float(waits.mean()) if len(waits) else 0.0,
        }


class FleetRecords:
    """The crane batches served by the AGV model (:mod:`.fleet_rates`), as KPIs over a window.

    ``qc_vehicle_wait_share``: crane time waiting for vehicles over crane time working or waiting;
    ``empty_travel_share``: empty over all AGV km; ``charging_share``: AGV time charging over the
    fleet's time. All 0 without ``automation.horizontal_transport = "agv"``.
    """

    def __init__(self, scenario: Scenario, stats: SimulationStats) -> None:
        rows = np.array(sorted(stats.fleet_chunks), dtype=float).reshape(-1, 6)
        self.end, self.wait, self.work = rows[:, 0], rows[:, 1], rows[:, 2]
        self.empty, self.loaded, self.charging = rows[:, 3], rows[:, 4], rows[:, 5]
        pool = scenario.automation.transport
        agv = [t for t in scenario.transport if (t.name == pool if pool else t.kind in ("agv", "lift-agv"))]
        self.agvs = agv[0].count if agv else 0

    def kpis(self, t0: float, t1: float, span: float) -> dict[str, float]:
        """The KPIs of the batches ending in ``[t0, t1)``; the charging share over ``span`` hours."""
        lo, hi = np.searchsorted(self.end, [t0, t1], side="left")
        if hi <= lo:
            # Without the AGV model 0; with it, no batch in the window leaves the shares undefined.
            undefined = float("nan") if len(self.end) else 0.0
            return {
                "qc_vehicle_wait_share": undefined,
                "empty_travel_share": undefined,
                "charging_share": 0.0,
            }
        wait, work = float(self.wait[lo:hi].sum()), float(self.work[lo:hi].sum())
        empty, loaded = float(self.empty[lo:hi].sum()), float(self.loaded[lo:hi].sum())
        return {
            "qc_vehicle_wait_share": wait / (wait + work) if wait + work > 0 else 0.0,
            "empty_travel_share": empty / (empty + loaded) if empty + loaded > 0 else 0.0,
            "charging_share": float(self.charging[lo:hi].sum()) / (self.agvs * span) if self.agvs else 0.0,
        }
