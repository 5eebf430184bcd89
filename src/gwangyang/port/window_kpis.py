"""KPIs over a window ``[t0, t1)`` of a run, for the steady-state analysis of :mod:`.steady`.

:class:`WindowKPIs` gives every KPI of :data:`.result.KPI_UNITS` from the run's records sorted by time;
:class:`YardRecords` and :class:`FleetRecords` those of the capacity-limited yards and the AGV fleet (also over the
whole run, for :func:`.kpis.compute_kpis`); :class:`StepFunction` counts the boxes in a yard over time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .landside import BoxFlows, GateQueue, gate_statistics

if TYPE_CHECKING:
    from .result import SimulationStats
    from .terminal import Scenario

HOURS_PER_YEAR = 8760.0


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


def window_mean(times: np.ndarray, values: np.ndarray, t0: float, t1: float) -> float:
    """Mean of the ``values`` whose (sorted) ``times`` fall in ``[t0, t1)``; 0 when none."""
    lo, hi = np.searchsorted(times, [t0, t1], side="left")
    return float(values[lo:hi].mean()) if hi > lo else 0.0


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
        """Energy (kWh) and t CO2 per move of transport and yard cranes, by berth (as :func:`.kpis._energy`)."""
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
            "gate_appointment_delay_h": window_mean(self.queue.arrival_h, self.delays, t0, t1)
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
