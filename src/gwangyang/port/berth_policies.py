"""The berth policies of the terminal simulation: which waiting vessel goes to which free berth.

A policy sees the vessels waiting now, the free berths (:class:`BerthState`, a berth's equipment and
hours as the simulation holds them) and the busy berths with their expected remaining stay, and
returns one (vessel, berth) pair or none; :data:`BERTH_POLICIES` names them for
``[policies] berth`` of a scenario (first come first served, shortest processing time, and the
exact re-planned assignment).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .equipment import CraneGroup
from .terminal import Scenario
from .vessel_call import VesselCall


@dataclass
class BerthState:
    """A berth as the simulation holds it: its cranes, transport pool, yard, open hours and haul, and whether it is busy."""

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
        free: list[BerthState],
        scenario: Scenario,
        busy: list[tuple[BerthState, float]],
    ) -> tuple[int, int] | None:
        """Return (index in ``waiting``, index in ``free``) or None."""
        ...


def _fits(call: VesselCall, berth: BerthState) -> bool:
    return call.length_m <= berth.length_m and (not call.berths or berth.name in call.berths)


def berth_rate(berth: BerthState, call: VesselCall) -> float:
    """Moves per hour of the berth's fastest cranes, at most the vessel's ``max_cranes`` of them."""
    rates = sorted((g.moves_per_hour for g in berth.cranes for _ in range(g.count)), reverse=True)
    return sum(rates[: call.max_cranes])


def fcfs_policy(
    waiting: list[VesselCall],
    free: list[BerthState],
    scenario: Scenario,
    busy: list[tuple[BerthState, float]] | None = None,
) -> tuple[int, int] | None:
    """First come, first served: the earliest waiting vessel to the fastest free berth it fits."""
    for i, call in enumerate(waiting):
        fitting = [j for j, b in enumerate(free) if _fits(call, b)]
        if fitting:
            return i, max(fitting, key=lambda j: (berth_rate(free[j], call), -free[j].index))
    return None


def spt_policy(
    waiting: list[VesselCall],
    free: list[BerthState],
    scenario: Scenario,
    busy: list[tuple[BerthState, float]] | None = None,
) -> tuple[int, int] | None:
    """Shortest processing time first: the (vessel, berth) pair with the shortest handling time."""
    best: tuple[float, float, int, int] | None = None
    for i, call in enumerate(waiting):
        for j, berth in enumerate(free):
            if _fits(call, berth):
                key = (call.moves / berth_rate(berth, call), call.arrival_h, i, j)
                if best is None or key < best:
                    best = key
    return None if best is None else (best[2], best[3])


def optimal_policy(
    waiting: list[VesselCall],
    free: list[BerthState],
    scenario: Scenario,
    busy: list[tuple[BerthState, float]] | None = None,
) -> tuple[int, int] | None:
    """The berth plan that minimises the waiting vessels' total service time, re-planned at each event.

    All waiting vessels have arrived, so the berth allocation problem of this moment (vessels now,
    berths free now or after their current vessel's expected stay ``r_k``, expected handling
    ``h_ik``) is solved exactly as an assignment of vessels to "q-th from last" places at each berth
    at cost ``q * h_ik + r_k`` (Horn 1973; the same bound as :func:`gwangyang.port.berths.assignment_bound`,
    exact here because there are no later arrivals). A free berth takes the vessel planned first on it.
    """
    from scipy.optimize import linear_sum_assignment

    berths: list[tuple[BerthState, float, int]] = [(b, 0.0, j) for j, b in enumerate(free)]
    berths += [(b, max(0.0, r), -1) for b, r in busy or []]
    n = len(waiting)
    big = 1e12
    cost = np.full((n, len(berths) * n), big)
    for i, call in enumerate(waiting):
        for k, (berth, ready, _) in enumerate(berths):
            if _fits(call, berth):
                h = call.moves / berth_rate(berth, call)
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
