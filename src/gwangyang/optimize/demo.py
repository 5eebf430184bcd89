"""The demo's optimisation step: one twin simulation ingested into the store and one replayed round of Attia's loop."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..store import Store

DEMO_PROTOCOL = "4.8-5.2-5.2"
"""Attia et al. 2020's recommended protocol, 4.8C-5.2C-5.2C-4.160C."""


def optimize_demo_step(store: Store) -> dict[str, Any]:
    """Simulate a cell on the PyBaMM twin (2 cycles, ingested) and run one 48-channel round against the oracle."""
    from ..battery.twin import simulate_cells
    from ..demo import sample_dir
    from .bayesopt import BatchBayesOpt, Observation
    from .replay import ATTIA_BATCH, build_oracle
    from .space import shipped_space

    started = time.perf_counter()
    twin = simulate_cells(DEMO_PROTOCOL, cycles=2, cells=1, store=store)[0]
    twin_s = time.perf_counter() - started

    oracle = build_oracle(sample_dir("optimize") / "clo")
    space = shipped_space("attia2020")
    bo = BatchBayesOpt(space, seed=0)
    first = bo.suggest([], ATTIA_BATCH, 0)
    observations = [Observation(s.id, s.params, oracle.life(s.params), oracle.noise, 0) for s in first]
    second = bo.suggest(observations, ATTIA_BATCH, 1)
    best = bo.recommend(observations, 1)
    return {
        "twin": {
            "cell_id": twin.cell_id,
            "protocol": twin.meta["protocol"],
            "cycles": twin.cycles.to_dict("records"),
            "lli_life": twin.lli_life(),
            "seconds": round(twin_s, 2),
        },
        "replay": {
            "protocols": len(oracle.table),
            "round_0_tested": len(first),
            "round_1_suggested": [s.params for s in second[:5]],
            "recommended": best,
            "recommended_rank": oracle.rank(best["params"]),
        },
        "seconds": round(time.perf_counter() - started, 2),
    }


demo_step = optimize_demo_step
