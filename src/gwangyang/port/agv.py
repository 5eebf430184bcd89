"""Move-level model of an automated terminal: quay cranes, AGVs on a lane graph, dispatch, batteries.

The quay side of the berths served by one AGV pool is simulated move by move (SimPy):

- **Layout** (:class:`~gwangyang.port.lanes.Layout`): the quay cranes' handover points along the quay, a quay-parallel
  lane, a yard lane in front of the blocks, a cross lane at each block, and each block's handover
  point; charging (or swapping) stations at both ends of the yard lane. Every node where lanes meet
  is a crossing. Each lane segment holds at most ``max(1, length / gap_m)`` AGVs at a time; an AGV
  waits at the node before a full segment (congestion). Routes are shortest paths.
- **Cranes**: each quay crane works a sequence of jobs (runs of discharges, then loads). A
  discharge needs an empty AGV under the crane, a load needs an AGV bringing the box; the crane waits
  for it (idle time waiting for vehicles), spends ``quay_transfer_min`` with it, then the rest of its
  cycle (gamma, mean ``60 / moves_per_hour`` minutes in all). Each job's box goes to (or comes from)
  a random block, where the lift-AGV spends ``yard_transfer_min`` (lift-AGVs put boxes on racks, so
  yard cranes do not hold them up).
- **Dispatch** (:mod:`~gwangyang.port.agv_dispatch`): each crane makes ``release_ahead`` jobs known beyond the
  one it works on, with the time it expects to need them (due); the plan's policy (``nearest``,
  ``earliest_due`` or ``lookahead``) pairs waiting jobs with vehicles.
- **Batteries**: an AGV uses ``kwh_per_km`` of its pool; below ``charge_below`` after a job it
  drives to the nearest station and charges at ``charge_kw`` to full (or swaps in ``swap_min``).

Common random numbers: the jobs (kind, block, crane cycle times) are drawn per crane from
``[seed, crane]`` streams, so different policies and fleet sizes see the same work.
"""

from __future__ import annotations

from collections.abc import Generator
from itertools import pairwise
from typing import Any

import numpy as np

from ..errors import InputError
from .agv_dispatch import Agv, Job, choose, visible
from .agv_plan import FleetPlan, FleetResult
from .lanes import Layout, build_layout


class MoveModel:
    """One run of the move-level model (SimPy): cranes, AGVs, dispatch and batteries, with the KPIs' counters.

    :func:`simulate_fleet` runs it for KPIs, :func:`gwangyang.port.timelapse.timelapse` with a trace of every drive.
    """

    def __init__(self, plan: FleetPlan, layout: Layout, seed: int, warmup_h: float, end_h: float) -> None:
        import simpy

        self.plan, self.layout, self.s = plan, layout, plan.settings
        self.env = simpy.Environment()
        self.warmup, self.end = warmup_h * 60.0, end_h * 60.0  # minutes
        self.speed = plan.speed_kmh * 1000.0 / 60.0  # m/min
        self.segments = {}
        for u, v, length, cap in layout.edges:
            res = simpy.Resource(self.env, capacity=cap)
            self.segments[(u, v)] = self.segments[(v, u)] = (res, length)
        self.chargers = {n: simpy.Resource(self.env, capacity=self.s.chargers) for n in layout.stations}
        self.cycle = 60.0 / plan.qc_moves_per_hour
        jobs_per_crane = int((end_h * plan.qc_moves_per_hour) * 1.5) + 50
        self.sequences = [self._sequence(seed, i, jobs_per_crane) for i in range(plan.cranes)]
        self.pending: list[Job] = []
        rng = np.random.default_rng([int(seed), plan.cranes + 1])
        start = rng.integers(0, len(layout.blocks), plan.agvs)
        # Charges spread evenly between the station threshold and full (a saw-tooth in steady state).
        soc = rng.uniform(self.s.charge_below, 1.0, plan.agvs)
        self.agvs = [
            Agv(i, layout.blocks[b], float(c), free_node=layout.blocks[b])
            for i, (b, c) in enumerate(zip(start.tolist(), soc.tolist(), strict=True))
        ]
        self.busy_agvs: dict[int, Job | None] = {}
        self.trace: list[tuple[float, float, int, int, int, bool]] | None = None
        self.crane_waits: list[tuple[float, float, int]] = []
        self.k = dict.fromkeys(
            ("moves", "qc_idle", "agv_job", "charging", "empty_m", "loaded_m", "drive", "congestion", "kwh"),
            0.0,
        )

    def _sequence(self, seed: int, crane: int, n: int) -> list[tuple[bool, int, float]]:
        rng = np.random.default_rng([int(seed), crane])
        run = self.s.moves_per_run
        discharges = round(run * self.s.discharge_share)
        offset = int(rng.integers(0, run))
        kinds = [((i + offset) % run) < discharges for i in range(n)]
        blocks = rng.integers(0, len(self.layout.blocks), n)
        cv = self.plan.qc_cycle_cv
        if cv > 0:
            shape = 1.0 / cv**2
            cycles = rng.gamma(shape, self.cycle / shape, n)
        else:
            cycles = np.full(n, self.cycle)
        return list(zip(kinds, blocks.tolist(), cycles.tolist(), strict=True))

    # -- time accounting over the measured window [warmup, end) ------------------------------------
    def add(self, key: str, t0: float, t1: float, amount: float | None = None) -> None:
        """Count ``amount`` (default: the duration) of ``key`` for the part of ``[t0, t1)`` inside the measured window."""
        lo, hi = max(t0, self.warmup), min(t1, self.end)
        if hi <= lo and amount is None:
            return
        if amount is None:
            self.k[key] += hi - lo
        elif self.warmup <= t1 < self.end:
            self.k[key] += amount

    # -- cranes --------------------------------------------------------------------------------------
    def crane(self, i: int) -> Generator[Any, Any, None]:
        """Process of quay crane ``i``: release its jobs, wait for their vehicles, work its cycles."""
        env = self.env
        seq = self.sequences[i]
        jobs: dict[int, Job] = {}
        expected_ready = env.now

        def release(upto: int, ready_at: float) -> None:
            for k in range(len(jobs), min(upto + 1, len(seq))):
                discharge, block, _ = seq[k]
                job = Job(
                    i, k, discharge, block, ready_at + (k - current) * self.cycle, env.event(), env.event()
                )
                jobs[k] = job
                self.pending.append(job)
            self.dispatch()

        current = 0
        for current in range(len(seq)):
            release(current + self.s.release_ahead, expected_ready)
            job = jobs[current]
            t0 = env.now
            yield job.ready
            self.add("qc_idle", t0, env.now)
            if self.trace is not None and env.now > t0:
                self.crane_waits.append((t0, env.now, i))
            yield env.timeout(self.s.quay_transfer_min)
            job.transferred.succeed()
            self.add("moves", 0.0, env.now, 1.0)
            rest = max(0.0, seq[current][2] - self.s.quay_transfer_min)
            expected_ready = env.now + rest
            yield env.timeout(rest)

    # -- vehicles -------------------------------------------------------------------------------------
    def travel(self, agv: Agv, target: int, loaded: bool) -> Generator[Any, Any, None]:
        """Drive ``agv`` to node ``target`` segment by segment, waiting before full segments."""
        env = self.env
        route = self.layout.path(agv.node, target)
        for u, v in pairwise(route):
            res, length = self.segments[(u, v)]
            t0 = env.now
            with res.request() as req:
                yield req
                self.add("congestion", t0, env.now)
                t1 = env.now
                yield env.timeout(length / self.speed)
                if self.trace is not None:
                    self.trace.append((t1, env.now, agv.index, u, v, loaded))
                self.add("drive", t0, env.now)
                self.add("loaded_m" if loaded else "empty_m", 0.0, env.now, length)
            agv.node = v
            kwh = length / 1000.0 * self.plan.kwh_per_km
            agv.soc -= kwh / self.s.battery_kwh if self.s.battery_kwh > 0 else 0.0
            self.add("kwh", 0.0, env.now, kwh)

    def estimate(self, job: Job) -> tuple[float, int]:
        """Minutes an AGV at the job's pickup needs to be ready at the crane, and where it ends."""
        d = self.layout.distance
        q, b = self.layout.quay[job.crane], self.layout.blocks[job.block]
        if job.discharge:
            return 0.0, b
        return self.s.yard_transfer_min + d[b, q] / self.speed, q

    def pickup(self, job: Job) -> int:
        """The node where ``job``'s box is picked up (the crane for a discharge, the block for a load)."""
        return self.layout.quay[job.crane] if job.discharge else self.layout.blocks[job.block]

    def run_job(self, agv: Agv, job: Job) -> Generator[Any, Any, None]:
        """Process of ``agv`` doing ``job``: empty drive, pick-up, loaded drive, drop-off, then charge if low."""
        env = self.env
        t0 = env.now
        q, b = self.layout.quay[job.crane], self.layout.blocks[job.block]
        if job.discharge:
            yield from self.travel(agv, q, loaded=False)
            job.ready.succeed()
            yield job.transferred
            yield from self.travel(agv, b, loaded=True)
            yield env.timeout(self.s.yard_transfer_min)
        else:
            yield from self.travel(agv, b, loaded=False)
            yield env.timeout(self.s.yard_transfer_min)
            yield from self.travel(agv, q, loaded=True)
            job.ready.succeed()
            yield job.transferred
        self.add("agv_job", t0, env.now)
        if self.s.battery_kwh > 0 and agv.soc < self.s.charge_below:
            yield from self.charge(agv)
        agv.idle = True
        self.busy_agvs.pop(agv.index, None)
        self.dispatch()

    def charge(self, agv: Agv) -> Generator[Any, Any, None]:
        """Process of ``agv`` driving to the nearest station and charging (or swapping) to full."""
        env = self.env
        t0 = env.now
        station = min(self.layout.stations, key=lambda n: self.layout.distance[agv.node, n])
        yield from self.travel(agv, station, loaded=False)
        with self.chargers[station].request() as req:
            yield req
            if self.s.swap_min > 0:
                yield env.timeout(self.s.swap_min)
            else:
                yield env.timeout((1.0 - agv.soc) * self.s.battery_kwh / self.s.charge_kw * 60.0)
            agv.soc = 1.0
        self.add("charging", t0, env.now)

    # -- dispatch -------------------------------------------------------------------------------------
    def assign(self, agv: Agv, job: Job) -> None:
        """Give ``job`` to ``agv`` and start it."""
        self.pending.remove(job)
        agv.idle = False
        self.busy_agvs[agv.index] = job
        d = self.layout.distance
        ready, end_node = self.estimate(job)
        drive = d[agv.node, self.pickup(job)] / self.speed
        arrive = self.env.now + drive + ready
        agv.free_at = max(arrive, job.due) + self.s.quay_transfer_min
        if job.discharge:
            agv.free_at += d[self.layout.quay[job.crane], end_node] / self.speed + self.s.yard_transfer_min
        agv.free_node = end_node
        self.env.process(self.run_job(agv, job))

    def dispatch(self) -> None:
        """Pair waiting jobs with vehicles by the plan's dispatch policy (:func:`~gwangyang.port.agv_dispatch.choose`)."""
        while self.pending:
            idle = [a for a in self.agvs if a.idle]
            if not idle:
                return
            pairs = choose(self.plan.dispatch, self, idle, visible(self.pending), self.env.now)
            if not pairs:
                return
            for agv, job in pairs:
                self.assign(agv, job)


def simulate_fleet(plan: FleetPlan, hours: float = 8.0, seed: int = 0, warmup_h: float = 1.0) -> FleetResult:
    """Simulate ``warmup_h + hours`` of continuous crane work; KPIs over the last ``hours``.

    Parameters
    ----------
    plan
        Cranes, AGVs, layout settings and the dispatch policy (:func:`~gwangyang.port.agv_plan.plan_from_scenario`).
    hours
        Measured hours.
    seed
        Seed of the cranes' jobs (same seed, same jobs for every policy and fleet size).
    warmup_h
        Hours simulated first and left out.
    """
    if hours <= 0:
        raise InputError(f"hours: must be > 0, got {hours}")
    if warmup_h < 0:
        raise InputError(f"warmup_h: must be >= 0, got {warmup_h}")
    layout = build_layout(plan.cranes, plan.blocks, plan.quay_length_m, plan.settings)
    model = MoveModel(plan, layout, seed, warmup_h, warmup_h + hours)
    for i in range(plan.cranes):
        model.env.process(model.crane(i))
    model.env.run(until=model.end)
    k = model.k
    minutes = hours * 60.0
    metres = k["empty_m"] + k["loaded_m"]
    kpis = {
        "moves_per_hour_per_crane": k["moves"] / plan.cranes / hours,
        "qc_idle_share": k["qc_idle"] / (plan.cranes * minutes),
        "qc_idle_min_per_move": k["qc_idle"] / k["moves"] if k["moves"] else 0.0,
        "vehicle_utilization": k["agv_job"] / (plan.agvs * minutes),
        "empty_travel_share": k["empty_m"] / metres if metres else 0.0,
        "charging_share": k["charging"] / (plan.agvs * minutes),
        "congestion_share": k["congestion"] / k["drive"] if k["drive"] else 0.0,
        "km_per_move": metres / 1000.0 / k["moves"] if k["moves"] else 0.0,
        "kwh_per_move": k["kwh"] / k["moves"] if k["moves"] else 0.0,
    }
    return FleetResult(plan, hours, seed, kpis)
