"""Dispatch in the move-level AGV model (:mod:`~gwangyang.port.agv`): which vehicle takes which crane job.

Each crane makes ``release_ahead`` jobs known beyond the one it works on, with the time it expects
to need them (due); only each crane's first unassigned job may be assigned (:func:`visible`). The
policies (:data:`DISPATCH`): ``nearest``: the idle AGV and waiting job with the shortest drive
between them are paired first. ``earliest_due``: the job due first takes the nearest idle AGV.
``lookahead``: at every event, all waiting jobs are assigned to all AGVs, the idle ones and those
that will be free after their job (where and when), minimising the total lateness at the cranes
plus the empty driving, solved exactly by ``scipy.optimize.linear_sum_assignment``; the pairs with
an idle AGV are carried out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .lanes import Layout

DISPATCH = ("nearest", "earliest_due", "lookahead")
"""The dispatch policies."""

LATE_WEIGHT = 1.0
"""Look-ahead cost: weight of a minute of lateness at the crane."""

EMPTY_WEIGHT = 0.5
"""Look-ahead cost: weight of a minute of empty driving."""

BUSY_MARGIN_MIN = 2.0
"""Look-ahead: minutes added to a busy AGV's expected free time (its job may take longer than planned)."""

COMMIT_SLACK_MIN = 1.0
"""Look-ahead: an idle AGV is sent to its job only when it would otherwise be at most this early;
until then it stays free for the next decision (every job release and every AGV freed is one)."""


@dataclass
class Job:
    """One move of a quay crane: ``ready`` fires when its vehicle is under the crane, ``transferred`` when the crane is done with it."""

    crane: int
    index: int
    discharge: bool
    block: int
    due: float
    ready: Any = None
    transferred: Any = None


@dataclass
class Agv:
    """One vehicle: where it is, its charge, and (while on a job) where and when it is expected to be free."""

    index: int
    node: int
    soc: float
    idle: bool = True
    free_at: float = 0.0
    free_node: int = 0
    wake: Any = None


class Fleet(Protocol):
    """What dispatch reads of the move-level model (:class:`~gwangyang.port.agv.MoveModel`)."""

    agvs: list[Agv]
    layout: Layout
    speed: float

    def pickup(self, job: Job) -> int:
        """The node where ``job``'s box is picked up."""
        ...

    def estimate(self, job: Job) -> tuple[float, int]:
        """Minutes an AGV at the job's pickup needs to be ready at the crane, and where it ends."""
        ...


def visible(pending: list[Job]) -> list[Job]:
    """The jobs that may be assigned: each crane's first unassigned one.

    A crane's jobs are so assigned in its order, and no AGV waits at a crane for a job behind
    one that nobody serves (which could hold every AGV).
    """
    first: dict[int, Job] = {}
    for job in pending:
        if job.crane not in first or job.index < first[job.crane].index:
            first[job.crane] = job
    return list(first.values())


def choose(policy: str, fleet: Fleet, idle: list[Agv], jobs: list[Job], now: float) -> list[tuple[Agv, Job]]:
    """The pairs of an idle AGV and a waiting job to start now by ``policy`` (:data:`DISPATCH`).

    ``nearest`` and ``earliest_due`` give one pair (``idle`` and ``jobs`` not empty); ``lookahead``
    gives :func:`lookahead`'s pairs, none when every idle AGV is better kept free.
    """
    d = fleet.layout.distance
    if policy == "nearest":
        agv, job = min(
            ((a, j) for a in idle for j in jobs),
            key=lambda p: (d[p[0].node, fleet.pickup(p[1])], p[1].due, p[0].index),
        )
        return [(agv, job)]
    if policy == "earliest_due":
        job = min(jobs, key=lambda j: (j.due, j.crane))
        agv = min(idle, key=lambda a: (d[a.node, fleet.pickup(job)], a.index))
        return [(agv, job)]
    return lookahead(fleet, idle, jobs, now)


def lookahead(fleet: Fleet, idle: list[Agv], jobs: list[Job], now: float) -> list[tuple[Agv, Job]]:
    """Assign the jobs to all AGVs (idle now or free after their job) exactly.

    The pairs with an idle AGV that would not be more than :data:`COMMIT_SLACK_MIN` early are
    the ones to carry out.
    """
    from scipy.optimize import linear_sum_assignment

    d = fleet.layout.distance
    vehicles = list(idle) + [a for a in fleet.agvs if not a.idle]
    start = np.array([now if a.idle else max(now, a.free_at) + BUSY_MARGIN_MIN for a in vehicles])
    node = np.array([a.node if a.idle else a.free_node for a in vehicles])
    pick = np.array([fleet.pickup(j) for j in jobs])
    ready = np.array([fleet.estimate(j)[0] for j in jobs])
    due = np.array([j.due for j in jobs])
    empty = d[np.ix_(node, pick)] / fleet.speed
    arrive = start[:, None] + empty + ready[None, :]
    cost = LATE_WEIGHT * np.maximum(0.0, arrive - due[None, :]) + EMPTY_WEIGHT * empty
    rows, cols = linear_sum_assignment(cost)
    return [
        (vehicles[r], jobs[c])
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
        if vehicles[r].idle and due[c] - arrive[r, c] <= COMMIT_SLACK_MIN
    ]
