"""The land side of the quay: boxes in the yard, and trucks queueing at the gate.

Each box a quay crane moves stays in the yard for an exponential dwell of mean ``dwell_h``: after
the crane when it was discharged, before the crane when it is loaded (each with probability 1/2).
With probability ``gate_share`` it enters or leaves by truck at the other end of that dwell (import
collected, export delivered); otherwise it is transhipment, moved by another vessel's crane. Each
truck holds one gate lane for an exponential time of mean ``minutes_per_truck``, first come, first
served. Neither holds up the quay (yard cranes, which do, are simulated with the vessels), so both
are worked out after the vessels are simulated, from a random stream of their own: the gate queue by
the exact recursion of a first-come-first-served queue with ``lanes`` servers (the same waits as
simulating trucks as events), the yard stock by sweeping the boxes' stays.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from .conditions import Gate


def fcfs_waits(arrivals: np.ndarray, services: np.ndarray, servers: int) -> np.ndarray:
    """Waiting times in a first-come-first-served queue with ``servers`` identical servers.

    Parameters
    ----------
    arrivals
        Arrival times, sorted ascending.
    services
        Service times, one per arrival.
    servers
        Number of servers (gate lanes).

    Returns
    -------
    ndarray
        Each customer's wait before service starts (same units as the inputs).
    """
    free = [-np.inf] * servers  # idle before the first arrival, whenever that is (times may be < 0)
    waits = np.empty(len(arrivals))
    for j, (t, s) in enumerate(zip(arrivals.tolist(), services.tolist(), strict=True)):
        earliest = free[0]
        start = earliest if earliest > t else t
        waits[j] = start - t
        heapq.heapreplace(free, start + s)
    return waits


@dataclass(frozen=True)
class BoxFlows:
    """Every box's stay in the yard (``stay_from``, ``stay_to``, hours) and the gate trucks' arrivals."""

    stay_from: np.ndarray
    stay_to: np.ndarray
    truck_h: np.ndarray


def box_flows(
    gate: Gate, moves: list[tuple[float, int]], rng: np.random.Generator, discharge_share: float = 0.5
) -> BoxFlows:
    """Yard stays and truck arrivals of the boxes in ``moves`` (``(hour, boxes)`` per crane batch).

    A box is a discharge with probability ``discharge_share`` (the scenario's
    ``automation.discharge_share``): its yard stay starts at the crane move; else it is a load,
    whose stay ends there.
    """
    if not moves:
        empty = np.empty(0)
        return BoxFlows(empty, empty, empty)
    hours = np.array([h for h, _ in moves])
    boxes = np.array([n for _, n in moves], dtype=np.int64)
    crane = np.repeat(hours, boxes)
    discharged = rng.random(len(crane)) < discharge_share
    other = crane + np.where(discharged, 1.0, -1.0) * rng.exponential(gate.dwell_h, len(crane))
    by_truck = rng.random(len(crane)) < gate.gate_share
    return BoxFlows(np.minimum(crane, other), np.maximum(crane, other), np.sort(other[by_truck]))


@dataclass(frozen=True)
class GateResult:
    """Trucks served, their mean and 95th-percentile waits (minutes) and the lanes' utilisation.

    ``p95_time_min`` is the 95th percentile of the time at the gate (wait plus transaction) and
    ``wait_share`` the share of trucks that wait at all: with lanes to spare fewer than 5 % of the
    trucks wait and the 95th-percentile wait is truly 0.
    """

    trucks: int
    mean_wait_min: float
    p95_wait_min: float
    utilization: float
    p95_time_min: float = 0.0
    wait_share: float = 0.0


@dataclass(frozen=True)
class GateQueue:
    """Every truck's arrival, wait and transaction time (hours), in arrival order."""

    arrival_h: np.ndarray
    wait_h: np.ndarray
    service_h: np.ndarray


def queue_gate(gate: Gate, flows: BoxFlows, rng: np.random.Generator) -> GateQueue:
    """Queue all the trucks of ``flows`` at the gate's lanes, first come, first served."""
    arrivals = flows.truck_h
    services = rng.exponential(gate.minutes_per_truck / 60.0, len(arrivals))
    return GateQueue(arrivals, fcfs_waits(arrivals, services, gate.lanes), services)


def gate_statistics(gate: Gate, queue: GateQueue, start_h: float, end_h: float) -> GateResult:
    """Statistics of the trucks of ``queue`` arriving in ``[start_h, end_h)`` (zeros when there are none)."""
    lo, hi = np.searchsorted(queue.arrival_h, [start_h, end_h], side="left")
    if hi <= lo:
        return GateResult(0, 0.0, 0.0, 0.0)
    minutes = queue.wait_h[lo:hi] * 60.0
    services = queue.service_h[lo:hi]
    span = max(end_h - start_h, 1e-9)
    return GateResult(
        int(hi - lo),
        float(minutes.mean()),
        float(np.percentile(minutes, 95)),
        float(services.sum() / (gate.lanes * span)),
        float(np.percentile(minutes + services * 60.0, 95)),
        float((minutes > 0).mean()),
    )


def simulate_gate(
    gate: Gate, flows: BoxFlows, start_h: float, end_h: float, rng: np.random.Generator
) -> GateResult:
    """Queue the trucks of ``flows`` at the gate; statistics of those arriving in ``[start_h, end_h)``.

    Parameters
    ----------
    gate
        Lanes and minutes per truck.
    flows
        From :func:`box_flows`.
    start_h, end_h
        Trucks arriving in this window are counted (waits and utilisation).
    rng
        Random numbers for the service times.

    Returns
    -------
    GateResult
        Zero trucks (and zeros) when no truck arrives in the window.
    """
    return gate_statistics(gate, queue_gate(gate, flows, rng), start_h, end_h)


def yard_stock(flows: BoxFlows, start_h: float, end_h: float) -> tuple[float, float]:
    """Mean and peak number of boxes in the yard over ``[start_h, end_h)``.

    Parameters
    ----------
    flows
        From :func:`box_flows`.
    start_h, end_h
        The window.

    Returns
    -------
    tuple of float
        Time-average and maximum count of boxes in the yard (0, 0 for an empty window).
    """
    span = end_h - start_h
    if span <= 0 or not len(flows.stay_from):
        return 0.0, 0.0
    lo = np.clip(flows.stay_from, start_h, end_h)
    hi = np.clip(flows.stay_to, start_h, end_h)
    mean = float((hi - lo).sum() / span)
    inside = hi > lo
    times = np.concatenate([lo[inside], hi[inside]])
    steps = np.concatenate([np.ones(inside.sum()), -np.ones(inside.sum())])
    order = np.lexsort((steps, times))  # at equal times, departures (-1) before arrivals
    peak = float(np.cumsum(steps[order]).max()) if len(order) else 0.0
    return mean, peak
