"""The yard stocks one simulation run starts with: export deliveries and the boxes already in the yard.

Every capacity-limited yard (``ground_slots > 0``) gets a :class:`~gwangyang.port.yard.YardStock`
holding the export boxes of the run's vessels and of the vessels after it, and the discharged boxes
of the vessels before it still in the yard at time 0. The draws come from the yard's own random
stream (``[seed, YARD_STREAM]``), apart from the quay side's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .terminal import Scenario
from .vessel_call import VesselCall
from .yard import YardStock

YARD_STREAM = 2
"""Second key of the yard's random stream (``[seed, YARD_STREAM]``), apart from the quay side's."""


def yard_stocks(
    env: Any,
    scenario: Scenario,
    calls: list[VesselCall],
    surrounding: tuple[list[VesselCall], list[VesselCall]],
    horizon_h: float,
    seed: int | None,
    log: Callable[[float, int], None],
) -> dict[str, YardStock]:
    """A :class:`YardStock` per capacity-limited yard, with its export deliveries and opening stock.

    Parameters
    ----------
    env
        The SimPy environment of the run.
    scenario
        The terminal.
    calls
        The run's vessel calls.
    surrounding
        The calls before the run and after it (see :func:`gwangyang.port.arrivals.surrounding_calls`).
    horizon_h
        Length of the run.
    seed
        Seed of the run (None: unseeded).
    log
        Called as ``log(time, delta)`` at every change of a stock.
    """
    past, future = surrounding
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
    for call in [*calls, *future]:
        yards = yards_of(call)
        loads = call.moves - call.moves // 2
        picks = rng.integers(0, len(yards), loads)
        times = call.arrival_h - rng.exponential(dwell, loads)
        for k, t in zip(picks.tolist(), times.tolist(), strict=True):
            if yards[k] in exports and (call.vessel >= 0 or t < horizon_h):
                exports[yards[k]].append((t, call.vessel))
        if call.vessel >= 0:
            for name in set(yards):
                if name in discharged:
                    discharged[name] += call.moves // 2 * yards.count(name) / len(yards)
    # Imports of the vessels before the run still in the yard at time 0 (each stays an exponential
    # dwell after its discharge).
    for call in past:
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
        initial = opening[yard.name] if past else round(discharged[yard.name] / max(horizon_h, 1e-9) * dwell)
        boxes = np.array(sorted(exports[yard.name]), dtype=float).reshape(-1, 2)
        stocks[yard.name] = YardStock(
            env,
            capacity,
            yard.tiers,
            dwell,
            boxes[:, 0],
            boxes[:, 1].astype(int),
            held,
            yard.name,
            initial,
            rng,
            log,
        )
    return stocks
