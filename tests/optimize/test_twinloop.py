from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from gwangyang.optimize.space import shipped_space
from gwangyang.optimize.twinloop import dense_grid, twin_loop, twin_objective

pytest.importorskip("pybamm")


@pytest.mark.slow
def test_loop_on_the_twin_finds_a_near_best_protocol_with_a_quarter_of_the_grid(tmp_path: Path) -> None:
    space = shipped_space("attia_coarse")
    objective = partial(twin_objective, cycles=2, cache_dir=tmp_path / "cache")
    grid = dense_grid(space, objective)
    assert len(grid) == 37
    best = float(grid["value"].max())
    # The twin's landscape is not flat: the worst protocol loses lithium ~20 % faster than the best.
    assert float(grid["value"].min()) < 0.85 * best
    for seed in range(3):
        result = twin_loop(space, objective, batch=3, rounds=3, seed=seed)
        assert result.simulations <= len(grid) / 4
        assert result.value >= 0.95 * best
