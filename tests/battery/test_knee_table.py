"""``benchmarks/life_knee.py --capacity FILE --knee-table FILE``: a knee table of other algorithms' columns.

Built from the shared capacity curves (NASA B0005–B0007, CALCE CS2_35/37): cells named as text (``5``), rows
in another order, a table with ``kneedle_point`` only plus an algorithm we do not run, a cell without a knee.
Independent route: the median of |ours − theirs| taken here by hand.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.knee import find_knee
from tests.conftest import SHARED

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "life_knee.py"


def test_knee_table_of_other_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("life_knee_benchmark", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    capacity = pd.read_csv(SHARED / "battery" / "capacity" / "nasa_pcoe_capacity.csv")
    capacity = capacity.sample(frac=1.0, random_state=0)[
        ["capacity_ah", "cycle", "cell"]
    ]  # shuffled, reordered
    capacity.to_csv(tmp_path / "capacity.csv", index=False)
    theirs = {"B0005": 60.0, "B0006": 40.0, "B0007": np.nan}
    pd.DataFrame(
        {"Cell": [f" {c} " for c in theirs], "kneedle_point": list(theirs.values()), "elbow_x": [1, 2, 3]}
    ).to_csv(tmp_path / "knees.csv", index=False)
    result = module.compare_with_table(tmp_path / "capacity.csv", tmp_path / "knees.csv")
    printed = capsys.readouterr().out
    assert "no column BW_point" in printed
    ordered = pd.read_csv(SHARED / "battery" / "capacity" / "nasa_pcoe_capacity.csv")
    by_hand = []
    for cell in ("B0005", "B0006"):
        group = ordered[ordered["cell"] == cell]
        knee = find_knee(group["cycle"], group["capacity_ah"], "kneedle", smooth=False).knee_cycle
        assert knee is not None
        by_hand.append(abs(knee - theirs[cell]))
    assert result == {"kneedle knee": pytest.approx(float(np.median(by_hand)))}
