"""The twin loop over a space of three-step protocols, checked by routes that do not go through the loop.

The space: ``cc1`` in {4, 6}, ``cc2`` in {3, 4}, ``cc3`` in {2, 3} C from 20 to 80 % SOC (three steps of 20 %),
8 protocols. The loop runs 3 rounds of 2 on the twin (1 cycle each). Checked:

* each protocol the loop simulated charged, in its CC steps, what its rates and durations say: a step at ``c`` C for
  ``60 w / c`` minutes charges ``c x 2.3 A x w / c h = 0.2 x 2.3 = 0.46 Ah``, 1.38 Ah for the three (coulomb counting
  of the time series, trapezoids of the 30 s samples), and each step's current is ``c x 2.3 A``;
* the recommendation is the best of the protocols the loop evaluated, each valued by its own twin run: the LLI life
  ``20 % x cycles / LLI %`` worked out here from the run's cycle table (PyBaMM's ``Loss of lithium inventory [%]``);
* the loop evaluated 6 distinct protocols (no repeats), each valued as the twin values it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gwangyang.battery import schema as s
from gwangyang.battery.twin import simulate
from gwangyang.optimize.space import SearchSpace
from gwangyang.optimize.twin_protocol import point_protocol
from gwangyang.optimize.twinloop import space_objective, twin_loop

pybamm = pytest.importorskip("pybamm")

NOMINAL_AH = float(pybamm.ParameterValues("Prada2013")["Nominal cell capacity [A.h]"])  # 2.3
SPACE = {
    "name": "세 단계 루프",
    "objective": {"name": "lli_life", "direction": "maximize"},
    "parameters": {
        "cc1": {"type": "categorical", "values": [4.0, 6.0]},
        "cc2": {"type": "categorical", "values": [3.0, 4.0]},
        "cc3": {"type": "categorical", "values": [2.0, 3.0]},
        "soc_from": {"type": "categorical", "values": [20.0]},
    },
}


def _cc_charge(result: Any, rates: list[float]) -> list[float]:
    """Ah each CC step charged, by trapezoids of the sampled current (step 1 is the 1 C charge to 20 %)."""
    ts = result.timeseries
    charged = []
    for k, rate in enumerate(rates, start=2):
        step = ts.loc[ts[s.STEP] == k]
        assert float(step[s.CURRENT].median()) == pytest.approx(rate * NOMINAL_AH, rel=1e-6)
        t = step[s.TIME].to_numpy(
            dtype="float64"
        )  # from the step's start (a shared time is kept by the later step)
        i = step[s.CURRENT].to_numpy(dtype="float64")
        charged.append(float(np.sum(0.5 * (i[1:] + i[:-1]) * np.diff(t))) / 3600.0)
    return charged


@pytest.mark.slow
def test_the_loop_over_three_step_protocols_recommends_the_best_it_simulated(tmp_path: Path) -> None:
    space = SearchSpace.from_dict(SPACE)
    cache = tmp_path / "cache"
    objective = space_objective(space, cycles=1, cache_dir=cache)
    seen: list[tuple[dict[str, Any], float]] = []

    def recorded(point: dict[str, Any]) -> float:
        value = objective(point)
        seen.append((dict(point), value))
        return value

    result = twin_loop(space, recorded, batch=2, rounds=3, seed=0)
    assert result.simulations == len(seen) == 6
    points = {tuple(float(p[f"cc{k}"]) for k in (1, 2, 3)) for p, _ in seen}
    assert len(points) == 6  # no protocol simulated twice
    lives = {}
    for point, value in seen:
        rates = [float(point[f"cc{k}"]) for k in (1, 2, 3)]
        run = simulate(point_protocol(point), cycles=1, cache_dir=cache)
        assert run.cached  # the run the loop made
        # Charged as the rates and durations say: 0.2 x 2.3 = 0.46 Ah a step, 1.38 Ah in all (to 0.5 %).
        assert _cc_charge(run, rates) == pytest.approx([0.2 * NOMINAL_AH] * 3, rel=5e-3)
        assert int(run.cycles["cc_steps_at_limit"].iloc[0]) == 0
        life = 100.0 * 0.2 * len(run.cycles) / float(run.cycles["lli_percent"].iloc[-1])
        assert value == pytest.approx(life, rel=1e-9)
        lives[tuple(rates)] = life
    best = max(lives, key=lambda k: lives[k])
    assert tuple(float(result.recommended[f"cc{k}"]) for k in (1, 2, 3)) == best
    assert result.value == pytest.approx(lives[best], rel=1e-12)
