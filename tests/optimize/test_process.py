from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.errors import InputError
from gwangyang.optimize.process import history_observations, propose, space_from_table


def formation_table(shared: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared / "battery" / "formation" / "correlation_data_2022.csv")
    return pd.DataFrame(
        {
            "formation": np.where(raw["is_baseline_formation"] == 1, "baseline", "fast"),
            "aging": np.where(raw["is_room_temp_aging"] == 1, "room", "45C"),
            "cycles_to_80_pct": raw["cycles_to_80_pct"],
        }
    )


def test_formation_table_recommends_the_best_condition(shared: Path) -> None:
    # Weng et al. 2021 (Joule 5:2971): fast formation gives longer life than the baseline.
    table = formation_table(shared)
    out = propose(table, "cycles_to_80_pct", batch=2, kappa=0.0)
    means = table.groupby(["formation", "aging"])["cycles_to_80_pct"].mean()
    best = means.idxmax()
    assert (out["recommended"]["params"]["formation"], out["recommended"]["params"]["aging"]) == best
    assert best[0] == "fast"
    # The GP's posterior mean at the best condition is close to that group's sample mean (10 cells).
    assert out["recommended"]["mean"] == pytest.approx(means.max(), rel=0.05)
    assert out["experiments"] == 39


def test_continuous_table_moves_toward_the_analytic_optimum() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, 30)
    y = -((x - 6.3) ** 2)
    out = propose(pd.DataFrame({"x": x, "y": y}), "y", batch=1, kappa=0.0)
    assert out["recommended"]["params"]["x"] == pytest.approx(6.3, abs=0.3)


def test_bad_tables() -> None:
    table = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, float("nan"), 2.0]})
    space = space_from_table(table, "y")
    with pytest.raises(InputError, match=r"row 2: y is nan, not a finite number"):
        history_observations(space, table)
    with pytest.raises(InputError, match="no objective column 'z'"):
        space_from_table(table, "z")
    with pytest.raises(InputError, match="takes one value only"):
        space_from_table(pd.DataFrame({"x": [1.0, 1.0], "y": [1.0, 2.0]}), "y")
