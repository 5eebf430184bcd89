"""Discrete-event simulation (SimPy) of a container terminal's quay side.

Vessels arrive, wait for a berth (berth policy), get quay cranes (crane policy) and are worked in
chunks of moves. Each chunk holds a gang of vehicles (dispatch policy orders the requests) and a
gang of yard cranes; it lasts as long as the slowest of quay crane, vehicles and yard cranes.
Breakdowns add repair time; weather and closed hours stop the cranes.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ..errors import InputError
from .arrivals import VesselCall, generate_calls, surrounding_calls
from .fleet_rates import FleetRates
from .kpis import EXTENSION_DWELLS, compute_kpis
from .result import SimulationResult, SimulationStats
from .terminal import CraneGroup, Scenario
from .yard import TICK_H, YardStock

Progress = Callable[[float, float], None]

YARD_STREAM = 2
"""Second key of the yard's random stream (``[seed, YARD_STREAM]``), apart from the quay side's."""


@dataclass
class _Berth:
    index: int
    name: str
    length_m: float
    cranes: list[CraneGroup]
    transport: str
    yard: str
    open_from_h: float
    open_to_h: float
    haul_m: float
    busy: bool = False
    free_at: float = 0.0


class BerthPolicy(Protocol):
    """Chooses which waiting vessel goes to which free berth (or none).

    ``busy`` lists the occupied berths with the hours their vessel is still expected to stay.
    """

    def __call__(
        self,
        waiting: list[VesselCall],
        free: list[_Berth],
        scenario: Scenario,
        busy: list[tuple[_Berth, float]],
    ) -> tuple[int, int] | None:
        """Return (index in ``waiting``, index in ``free``) or None."""
        ...


def _fits(call: VesselCall, berth: _Berth) -> bool:
    return call.length_m <= berth.length_m and (not call.berths or berth.name in call.berths)


def _berth_rate(berth: _Berth, call: VesselCall) -> float:
    rates = sorted((g.moves_per_hour for g in berth.cranes for _ in range(g.count)), reverse=True)
    return sum(rates[: call.max_cranes])


def fcfs_policy(
    waiting: list[VesselCall],
    free: list[_Berth],
    scenario: Scenario,
    busy: list[tuple[_Berth, float]] | None = None,
) -> tuple[int, int] | None:
    """First come, first served: the earliest waiting vessel to the fastest free berth it fits."""
    for i, call in enumerate(waiting):
        fitting = [j for j, b in enumerate(free) if _fits(call, b)]
        if fitting:
            return i, max(fitting, key=lambda j: (_berth_rate(free[j], call), -free[j].index))
    return None


def spt_policy(
    waiting: list[VesselCall],
    free: list[_Berth],
    scenario: Scenario,
    busy: list[tuple[_Berth, float]] | None = None,
) -> tuple[int, int] | None:
    """Shortest processing time first: the (vessel, berth) pair with the shortest handling time."""
    best: tuple[float, float, int, int] | None = None
    for i, call in enumerate(waiting):
        for j, berth in enumerate(free):
            if _fits(call, berth):
                key = (call.moves / _berth_rate(berth, call), call.arrival_h, i, j)
                if best is None or key < best:
                    best = key
    return None if best is None else (best[2], best[3])


def optimal_policy(
    waiting: list[VesselCall],
    free: list[_Berth],
    scenario: Scenario,
    busy: list[tuple[_Berth, float]] | None = None,
) -> tuple[int, int] | None:
    """The berth plan that minimises the waiting vessels' total service time, re-planned at each event.

    All waiting vessels have arrived, so the berth allocation problem of this moment (vessels now,
    berths free now or after their current vessel's expected stay ``r_k``, expected handling
    ``h_ik``) is solved exactly as an assignment of vessels to "q-th from last" places at each berth
    at cost ``q * h_ik + r_k`` (Horn 1973; the same bound as :func:`gwangyang.port.berths.assignment_bound`,
    exact here because there are no later arrivals). A free berth takes the vessel planned first on it.
    """
    from scipy.optimize import linear_sum_assignment

    berths: list[tuple[_Berth, float, int]] = [(b, 0.0, j) for j, b in enumerate(free)]
    berths += [(b, max(0.0, r), -1) for b, r in busy or []]
    n = len(waiting)
    big = 1e12
    cost = np.full((n, len(berths) * n), big)
    for i, call in enumerate(waiting):
        for k, (berth, ready, _) in enumerate(berths):
            if _fits(call, berth):
                h = call.moves / _berth_rate(berth, call)
                cost[i, k * n : (k + 1) * n] = np.arange(1, n + 1) * h + ready
    rows, cols = linear_sum_assignment(cost)
    first: dict[int, tuple[int, int]] = {}
    for i, col in zip(rows.tolist(), cols.tolist(), strict=True):
        if cost[i, col] >= big:
            continue
        k, q = divmod(col, n)
        if berths[k][2] >= 0 and (k not in first or q > first[k][1]):
            first[k] = (i, q)
    if not first:
        return None
    k = min(first, key=lambda key: (waiting[first[key][0]].arrival_h, key))
    return first[k][0], berths[k][2]


BERTH_POLICIES: dict[str, BerthPolicy] = {"fcfs": fcfs_policy, "spt": spt_policy, "optimal": optimal_policy}


def _weather_windows(
    scenario: Scenario, horizon_h: float, rng: np.random.Generator
) -> tuple[list[float], list[float]]:
    weather = scenario.weather
    starts: list[float] = []
    ends: list[float] = []
    if weather.downtime_fraction <= 0:
        return starts, ends
    mean_up = weather.mean_event_h * (1 - weather.downtime_fraction) / weather.downtime_fraction
    t = float(rng.exponential(mean_up))
    while t < horizon_h:
        down = float(rng.exponential(weather.mean_event_h))
        starts.append(t)
        ends.append(t + down)
        t += down + float(rng.exponential(mean_up))
    return starts, ends


class _Terminal:
    def __init__(
        self,
        scenario: Scenario,
        calls: list[VesselCall],
        horizon_h: float,
        seed: int | None,
        surrounding: tuple[list[VesselCall], list[VesselCall]] = ([], []),
    ) -> None:
        import simpy

        self.scenario = scenario
        self.calls = calls
        self.past, self.future = surrounding
        self.env = simpy.Environment()
        self.rng = np.random.default_rng(None if seed is None else seed + 1)
        self.policy = BERTH_POLICIES[scenario.policies.berth]
        self.berths = [
            _Berth(
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
        self.vehicles: dict[str, Any] = {}
        self.transport = {t.name: t for t in scenario.transport}
        self.fleet: FleetRates | None = None
        self.fleet_working = 0
        if scenario.automation.horizontal_transport == "agv":
            from .fleet_rates import fleet_rates

            # Its cranes are held up as the move-level model says, not by gangs of the pool.
            self.fleet = fleet_rates(scenario)
        for pool in scenario.transport:
            if pool.count > 0 and (self.fleet is None or pool.name != self.fleet.pool):
                gangs = pool.count // pool.per_crane
                if gangs < 1:
                    raise InputError(
                        f"transport {pool.name}: count {pool.count} is less than per_crane {pool.per_crane}"
                    )
                self.vehicles[pool.name] = simpy.PriorityResource(self.env, capacity=gangs)
        self.yards: dict[str, Any] = {}
        self.yard = {y.name: y for y in scenario.yards}
        for yard in scenario.yards:
            if yard.cranes > 0:
                gangs = yard.cranes // yard.per_crane
                if gangs < 1:
                    raise InputError(
                        f"yard {yard.name}: cranes {yard.cranes} is less than per_crane {yard.per_crane}"
                    )
                self.yards[yard.name] = simpy.PriorityResource(self.env, capacity=gangs)
        self.horizon_h = horizon_h
        self.stats = SimulationStats()
        self.pending_vessels = len(calls)
        self.stocks = self._yard_stocks(seed)
        self.waiting: list[VesselCall] = []
        self.granted: dict[int, Any] = {}
        self.weather_starts, self.weather_ends = _weather_windows(scenario, horizon_h * 2 + 24 * 60, self.rng)
        self.stats.weather_starts, self.stats.weather_ends = self.weather_starts, self.weather_ends

    def _yard_stocks(self, seed: int | None) -> dict[str, YardStock]:
        """A :class:`YardStock` per capacity-limited yard, with its export deliveries and opening stock."""
        scenario = self.scenario
        limited = [y for y in scenario.yards if y.ground_slots > 0]
        if not limited:
            return {}
        rng = np.random.default_rng(None if seed is None else [int(seed), YARD_STREAM])
        dwell = scenario.gate.dwell_h
        yard_of = {b.name: b.yard for b in scenario.berths}
        exports: dict[str, list[tuple[float, int]]] = {y.name: [] for y in limited}
        discharged: dict[str, float] = {y.name: 0.0 for y in limited}
        opening: dict[str, int] = {y.name: 0 for y in limited}

        def yards_of(call: VesselCall) -> list[str]:
            return [yard_of[b] for b in (list(call.berths) or [b.name for b in scenario.berths])]

        # Export boxes of the run's vessels and of the vessels after it (delivered before the end of
        # the run; those vessels never come, so their boxes stay): without the latter the yard would
        # empty towards the end of every run, a bias that weighs more the shorter the run.
        for call in [*self.calls, *self.future]:
            yards = yards_of(call)
            loads = call.moves - call.moves // 2
            picks = rng.integers(0, len(yards), loads)
            times = call.arrival_h - rng.exponential(dwell, loads)
            for k, t in zip(picks.tolist(), times.tolist(), strict=True):
                if yards[k] in exports and (call.vessel >= 0 or t < self.horizon_h):
                    exports[yards[k]].append((t, call.vessel))
            if call.vessel >= 0:
                for name in set(yards):
                    if name in discharged:
                        discharged[name] += call.moves // 2 * yards.count(name) / len(yards)
        # Imports of the vessels before the run still in the yard at time 0 (each stays an exponential
        # dwell after its discharge).
        for call in self.past:
            yards = yards_of(call)
            alive = int(rng.binomial(call.moves // 2, np.exp(min(0.0, call.arrival_h) / dwell)))
            for k in rng.integers(0, len(yards), alive).tolist():
                if yards[k] in opening:
                    opening[yards[k]] += 1
        stocks = {}
        held: dict[int, dict[str, int]] = {}
        for yard in limited:
            capacity = int(yard.capacity_teu() / scenario.teu_per_move)
            # Discharged boxes in the yard at time 0: those of the vessels before the run, else the
            # run's discharge rate times the dwell (Little).
            initial = (
                opening[yard.name]
                if self.past
                else round(discharged[yard.name] / max(self.horizon_h, 1e-9) * dwell)
            )
            boxes = np.array(sorted(exports[yard.name]), dtype=float).reshape(-1, 2)
            stocks[yard.name] = YardStock(
                self.env,
                capacity,
                yard.tiers,
                dwell,
                boxes[:, 0],
                boxes[:, 1].astype(int),
                held,
                yard.name,
                initial,
                rng,
                self._log_stock,
            )
        return stocks

    def _log_stock(self, t: float, delta: int) -> None:
        self.stats.yard_level.append((t, delta))

    def yard_clock(self) -> Generator[Any, Any, None]:
        """Books yard departures and deliveries every :data:`TICK_H` until the last vessel has left."""
        while self.pending_vessels > 0 or self.env.now < self.horizon_h:
            yield self.env.timeout(TICK_H)
            for stock in self.stocks.values():
                stock.tick()

    def blocked_until(self, t: float, berth: _Berth) -> float:
        """The first time at or after ``t`` when the berth is open and the weather allows work."""
        while True:
            moved = False
            i = bisect.bisect_right(self.weather_starts, t) - 1
            if i >= 0 and t < self.weather_ends[i]:
                t = self.weather_ends[i]
                moved = True
            if berth.open_from_h > 0 or berth.open_to_h < 24:
                hour = t % 24.0
                if hour < berth.open_from_h:
                    t += berth.open_from_h - hour
                    moved = True
                elif hour >= berth.open_to_h:
                    t += 24.0 - hour + berth.open_from_h
                    moved = True
            if not moved:
                return t

    def next_stop(self, t: float, berth: _Berth) -> float:
        """The first time after ``t`` (an open, fair-weather time) when work must stop."""
        stop = float("inf")
        i = bisect.bisect_right(self.weather_starts, t)
        if i < len(self.weather_starts):
            stop = self.weather_starts[i]
        if berth.open_from_h > 0 or berth.open_to_h < 24:
            stop = min(stop, t - t % 24.0 + berth.open_to_h)
        return stop

    def finish_time(self, t: float, work_h: float, berth: _Berth) -> float:
        """When ``work_h`` hours of work started at ``t`` end, pausing in bad weather and closed hours."""
        while True:
            t = self.blocked_until(t, berth)
            stop = self.next_stop(t, berth)
            if t + work_h <= stop:
                return t + work_h
            work_h -= stop - t
            t = stop

    def allocate(self) -> None:
        while self.waiting:
            free = [b for b in self.berths if not b.busy]
            if not free:
                return
            busy = [(b, b.free_at - self.env.now) for b in self.berths if b.busy]
            choice = self.policy(self.waiting, free, self.scenario, busy)
            if choice is None:
                return
            call = self.waiting.pop(choice[0])
            berth = free[choice[1]]
            berth.busy = True
            berth.free_at = self.env.now + call.moves / _berth_rate(berth, call)
            self.granted.pop(call.vessel).succeed(berth)

    def source(self) -> Generator[Any, Any, None]:
        for call in self.calls:
            delay = call.arrival_h - self.env.now
            if delay > 0:
                yield self.env.timeout(delay)
            self.env.process(self.vessel(call))

    def vessel(self, call: VesselCall) -> Generator[Any, Any, None]:
        arrival = self.env.now
        event = self.env.event()
        self.granted[call.vessel] = event
        self.waiting.append(call)
        self.allocate()
        berth: _Berth = yield event
        start = self.env.now
        units = [g for g in berth.cranes for _ in range(g.count)]
        units.sort(key=lambda g: -g.moves_per_hour)
        if self.scenario.policies.cranes == "max_per_vessel":
            units = units[: call.max_cranes]
        share = np.full(len(units), call.moves // len(units))
        share[: call.moves % len(units)] += 1
        work = [
            self.env.process(self.crane(g, int(m), call, berth))
            for g, m in zip(units, share, strict=True)
            if m > 0
        ]
        yield self.env.all_of(work)
        end = self.env.now
        berth.busy = False
        self.stats.vessels.append(
            {
                "vessel": call.vessel,
                "service": call.service,
                "berth": berth.name,
                "berth_index": berth.index,
                "eta_h": call.eta_h,
                "arrival_h": arrival,
                "start_h": start,
                "end_h": end,
                "wait_h": start - arrival,
                "service_h": end - start,
                "teu": call.teu,
                "moves": call.moves,
                "cranes": len(work),
            }
        )
        self.pending_vessels -= 1
        for stock in self.stocks.values():
            stock.finish(call.vessel)
        self.allocate()

    def crane(
        self, group: CraneGroup, moves: int, call: VesselCall, berth: _Berth
    ) -> Generator[Any, Any, None]:
        env = self.env
        chunk = self.scenario.chunk_moves
        pool = self.vehicles.get(berth.transport)
        transport = self.transport[berth.transport]
        yard_pool = self.yards.get(berth.yard)
        yard = self.yard[berth.yard]
        dispatch = self.scenario.policies.dispatch
        priority = {"earliest_due": call.due_h, "nearest": berth.haul_m}.get(dispatch, 0.0)
        remaining = moves
        stats = self.stats
        while remaining > 0:
            n = min(chunk, remaining)
            resume = self.blocked_until(env.now, berth)
            if resume > env.now:
                stats.crane_weather_h += resume - env.now
                yield env.timeout(resume - env.now)
            vehicle_request = yard_request = None
            if pool is not None:
                vehicle_request = pool.request(priority=priority)
                yield vehicle_request
            if yard_pool is not None:
                yard_request = yard_pool.request(priority=priority)
                yield yard_request
            stock = self.stocks.get(berth.yard)
            rehandles = 0
            blocked = 0.0
            if stock is not None:
                rehandles = stock.load(call.vessel, n - n // 2, self.stocks)
                wait = stock.discharge(n // 2)
                if wait is not None:
                    t0 = env.now
                    yield wait
                    blocked = env.now - t0
                    stats.yard_blocked_h += blocked
                stats.rehandles += rehandles
            if group.cycle_cv > 0:
                shape = n / group.cycle_cv**2
                qc_time = float(self.rng.gamma(shape, 1.0 / (group.moves_per_hour * shape / n)))
            else:
                qc_time = n / group.moves_per_hour
            duration = qc_time
            drive = yard_time = 0.0
            fleet = self.fleet if self.fleet is not None and berth.transport == self.fleet.pool else None
            if fleet is not None:
                self.fleet_working += 1
                working = self.fleet_working
                rates = fleet.at(working)
                with_vehicles = qc_time / fleet.slowdown(working)
                duration = max(duration, with_vehicles)
                # The fleet's time goes to the working cranes in equal shares.
                share = with_vehicles * fleet.agvs / working
                drive = share * rates["vehicle_utilization"]
                stats.vehicle_busy_h[fleet.pool] = stats.vehicle_busy_h.get(fleet.pool, 0.0) + drive
                km = n * rates["km_per_move"]
                fleet_record = (
                    with_vehicles - qc_time,
                    qc_time,
                    km * rates["empty_travel_share"],
                    km * (1.0 - rates["empty_travel_share"]),
                    share * rates["charging_share"],
                )
            if pool is not None:
                drive = n * transport.cycle_h_for(berth.haul_m)
                stats.vehicle_busy_h[transport.name] = stats.vehicle_busy_h.get(transport.name, 0.0) + drive
                duration = max(duration, drive / transport.per_crane)
            if yard_pool is not None:
                yard_time = (n + rehandles) / yard.moves_per_hour
                stats.yard_busy_h[yard.name] = stats.yard_busy_h.get(yard.name, 0.0) + yard_time
                duration = max(duration, yard_time / yard.per_crane)
            if group.mtbf_h > 0:
                failures = int(self.rng.poisson(qc_time / group.mtbf_h))
                repair = failures * group.repair_h
                stats.crane_breakdown_h += repair
                duration += repair
            stats.crane_work_h += qc_time
            stats.crane_moves[group.kind] = stats.crane_moves.get(group.kind, 0) + n
            stats.crane_kwh[group.kind] = stats.crane_kwh.get(group.kind, 0.0) + n * group.kwh_per_move
            end = self.finish_time(env.now, duration, berth)
            stats.crane_weather_h += end - env.now - duration
            yield env.timeout(end - env.now)
            stats.moves.append((env.now, n))
            stats.chunks.append(
                (
                    env.now,
                    berth.index,
                    n,
                    qc_time,
                    drive,
                    yard_time,
                    n * group.kwh_per_move,
                    rehandles,
                    blocked,
                )
            )
            if fleet is not None:
                self.fleet_working -= 1
                stats.fleet_chunks.append((env.now, *fleet_record))
            if vehicle_request is not None:
                pool.release(vehicle_request)  # type: ignore[union-attr]
            if yard_request is not None:
                yard_pool.release(yard_request)  # type: ignore[union-attr]
            remaining -= n


def simulate(
    scenario: Scenario,
    days: float = 30.0,
    seed: int | None = 0,
    warmup_days: float = 0.0,
    calls: list[VesselCall] | None = None,
    progress: Progress | None = None,
    level: float = 0.95,
) -> SimulationResult:
    """Simulate ``days`` of vessel arrivals and work every vessel to its departure.

    Parameters
    ----------
    scenario
        The terminal.
    days
        Days of arrivals.
    seed
        Seed for arrivals, crane times, breakdowns and weather; the same seed gives the same result.
    warmup_days
        Vessels arriving before this are simulated but left out of waiting and service statistics.
    calls
        Vessel calls to use instead of generating them from the scenario.
    progress
        Called as ``progress(simulated_h, horizon_h)`` now and then.
    level
        Confidence level of the steady-state intervals.

    Returns
    -------
    SimulationResult
        Per-vessel records (the berth plan) and the KPIs.
    """
    if days <= 0:
        raise InputError(f"days: must be > 0, got {days}")
    if not 0 <= warmup_days < days:
        raise InputError(f"warmup_days: must be in [0, days), got {warmup_days}")
    horizon = days * 24.0
    independent = calls is None
    if calls is None:
        calls = generate_calls(scenario, days, seed)
    margin = EXTENSION_DWELLS * scenario.gate.dwell_h
    surrounding = surrounding_calls(scenario, calls, horizon, margin, seed, independent)
    terminal = _Terminal(scenario, calls, horizon, seed, surrounding)
    env = terminal.env
    env.process(terminal.source())
    if terminal.stocks:
        env.process(terminal.yard_clock())
    events = 0
    next_report = 0.0
    from simpy.core import EmptySchedule

    while True:
        try:
            env.step()
        except EmptySchedule:
            break
        events += 1
        if progress is not None and env.now >= next_report:
            progress(min(env.now, horizon), horizon)
            next_report = env.now + horizon / 100
    if progress is not None:
        progress(horizon, horizon)
    for stock in terminal.stocks.values():
        terminal.stats.export_waits_h.extend(stock.export_waits)
    return compute_kpis(
        scenario, terminal.stats, calls, horizon, warmup_days * 24.0, seed, events, surrounding, level
    )
