"""The SimPy model of the terminal's quay side: its resources and its processes.

:class:`Quay` holds the berths, the vehicle and yard-crane gangs (priority resources), the yard
stocks and the weather windows, and defines the processes of one run: the vessel source, each
vessel (waiting for a berth, splitting its moves over the cranes), each quay crane working its moves
in chunks (holding vehicles and yard cranes, pausing in bad weather and closed hours, breaking down)
and the yard clock. It records into :class:`~gwangyang.port.result.SimulationStats`; running it and
turning the records into KPIs is :func:`gwangyang.port.simulation.simulate`. The resources are built
by :mod:`.quay_resources`, the opening yard stocks by :mod:`.yard_stocks`, and the cranes are timed
around bad weather and closed hours by :mod:`.work_windows`.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np

from .berth_policies import BERTH_POLICIES, BerthState, berth_rate
from .equipment import CraneGroup
from .fleet_rates import FleetRates
from .quay_resources import berth_states, vehicle_gangs, yard_crane_gangs
from .result import SimulationStats
from .terminal import Scenario
from .vessel_call import VesselCall
from .work_windows import WorkWindows, weather_windows
from .yard import TICK_H
from .yard_stocks import yard_stocks


class Quay:
    """The quay side of one simulation run: SimPy environment, resources, stocks and processes."""

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
        self.env = simpy.Environment()
        self.rng = np.random.default_rng(None if seed is None else seed + 1)
        self.policy = BERTH_POLICIES[scenario.policies.berth]
        self.berths = berth_states(scenario)
        self.transport = {t.name: t for t in scenario.transport}
        self.fleet: FleetRates | None = None
        self.fleet_working = 0
        if scenario.automation.horizontal_transport == "agv":
            from .fleet_rates import fleet_rates

            # Its cranes are held up as the move-level model says, not by gangs of the pool.
            self.fleet = fleet_rates(scenario)
        self.vehicles = vehicle_gangs(self.env, scenario, None if self.fleet is None else self.fleet.pool)
        self.yards = yard_crane_gangs(self.env, scenario)
        self.yard = {y.name: y for y in scenario.yards}
        self.horizon_h = horizon_h
        self.stats = SimulationStats()
        self.pending_vessels = len(calls)
        self.stocks = yard_stocks(self.env, scenario, calls, surrounding, horizon_h, seed, self._log_stock)
        self.waiting: list[VesselCall] = []
        self.granted: dict[int, Any] = {}
        windows = weather_windows(scenario, horizon_h * 2 + 24 * 60, self.rng)
        self.windows = WorkWindows(*windows)
        self.stats.weather_starts, self.stats.weather_ends = windows

    def _log_stock(self, t: float, delta: int) -> None:
        self.stats.yard_level.append((t, delta))

    def yard_clock(self) -> Generator[Any, Any, None]:
        """Books yard departures and deliveries every :data:`TICK_H` until the last vessel has left."""
        while self.pending_vessels > 0 or self.env.now < self.horizon_h:
            yield self.env.timeout(TICK_H)
            for stock in self.stocks.values():
                stock.tick()

    def allocate(self) -> None:
        """Give free berths to waiting vessels, as the berth policy chooses, until it chooses none."""
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
            berth.free_at = self.env.now + call.moves / berth_rate(berth, call)
            self.granted.pop(call.vessel).succeed(berth)

    def source(self) -> Generator[Any, Any, None]:
        """Process: start each call's vessel process at its arrival time."""
        for call in self.calls:
            delay = call.arrival_h - self.env.now
            if delay > 0:
                yield self.env.timeout(delay)
            self.env.process(self.vessel(call))

    def vessel(self, call: VesselCall) -> Generator[Any, Any, None]:
        """Process: one vessel waits for a berth, shares its moves among the cranes and leaves."""
        arrival = self.env.now
        event = self.env.event()
        self.granted[call.vessel] = event
        self.waiting.append(call)
        self.allocate()
        berth: BerthState = yield event
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
                "name": call.label,
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
        self, group: CraneGroup, moves: int, call: VesselCall, berth: BerthState
    ) -> Generator[Any, Any, None]:
        """Process: one quay crane works its ``moves`` of the vessel in chunks."""
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
            resume = self.windows.blocked_until(env.now, berth)
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
            end = self.windows.finish_time(env.now, duration, berth)
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
