from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.optimize.demo import optimize_demo_step
from gwangyang.store import Store

pytest.importorskip("pybamm")


def test_demo_step_ingests_a_twin_cell_and_replays_a_round(store_dir: Path) -> None:
    store = Store(store_dir)
    out = optimize_demo_step(store)
    assert out["twin"]["cell_id"] in set(store.cells()["cell_id"])
    assert len(out["twin"]["cycles"]) == 2
    assert out["replay"]["protocols"] == 224 and out["replay"]["round_0_tested"] == 48
    # After one random round of 48 on the oracle the recommendation is already in the top quarter.
    assert 1 <= out["replay"]["recommended_rank"] <= 56
