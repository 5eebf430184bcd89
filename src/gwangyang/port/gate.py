"""The truck gate: trucks queue for the gate lanes (first come, first served).

Each box a quay crane moves passes the gate with probability ``gate_share`` (the rest is
transhipment). Half of the gate boxes are imports, collected by truck an exponential dwell of mean
``dwell_h`` after the crane discharged them; half are exports, delivered the same dwell before the
crane loads them. Each truck holds one lane for an exponential time of mean ``minutes_per_truck``.
The gate does not hold up the quay (the yard stores boxes between them), so the queue is worked out
after the vessels are simulated, by the exact recursion of a first-come-first-served queue with
``lanes`` servers; that gives the same waits as simulating the trucks as events.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from .terminal import Gate


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
    free = [0.0] * servers
    waits = np.empty(len(arrivals))
    for j, (t, s) in enumerate(zip(arrivals.tolist(), services.tolist(), strict=True)):
        earliest = free[0]
        start = earliest if earliest > t else t
        waits[j] = start - t
        heapq.heapreplace(free, start + s)
    return waits


@dataclass(frozen=True)
class GateResult:
    """Trucks served, their mean and 95th-percentile waits (minutes) and the lanes' utilisation."""

    trucks: int
    mean_wait_min: float
    p95_wait_min: float
    utilization: float


def simulate_gate(
    gate: Gate,
    moves: list[tuple[float, int]],
    start_h: float,
    end_h: float,
    rng: np.random.Generator,
) -> GateResult:
    """Trucks from the quay cranes' moves, queued at the gate; statistics over ``[start_h, end_h)``.

    Parameters
    ----------
    gate
        Lanes, minutes per truck, share of boxes through the gate and dwell time.
    moves
        ``(hour, boxes)`` per batch of crane moves.
    start_h, end_h
        Trucks arriving in this window are counted (waits and utilisation).
    rng
        Random numbers for the gate only, so that the quay side is the same with or without it.

    Returns
    -------
    GateResult
        Zero trucks (and zeros) when no box passes the gate.
    """
    if not moves or gate.gate_share == 0:
        return GateResult(0, 0.0, 0.0, 0.0)
    hours = np.array([h for h, _ in moves])
    boxes = np.array([n for _, n in moves], dtype=np.int64)
    trucks = rng.binomial(boxes, gate.gate_share)
    when = np.repeat(hours, trucks)
    sign = np.where(rng.random(len(when)) < 0.5, 1.0, -1.0)
    arrivals = np.sort(when + sign * rng.exponential(gate.dwell_h, len(when)))
    services = rng.exponential(gate.minutes_per_truck / 60.0, len(arrivals))
    waits = fcfs_waits(arrivals, services, gate.lanes)
    counted = (arrivals >= start_h) & (arrivals < end_h)
    if not counted.any():
        return GateResult(0, 0.0, 0.0, 0.0)
    minutes = waits[counted] * 60.0
    span = max(end_h - start_h, 1e-9)
    return GateResult(
        int(counted.sum()),
        float(minutes.mean()),
        float(np.percentile(minutes, 95)),
        float(services[counted].sum() / (gate.lanes * span)),
    )
