"""The text of ``factory fit`` and ``factory score`` keeps square brackets: a unit such as ``압력 [bar]`` is a
column name, not Rich markup (the alarm line printed ``압력  (4%)``, the ``[bar]`` gone)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.cli.main import main


def _table(path: Path, rows: int, shift: float, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(
        {
            "time": pd.date_range("2024-03-05 08:00", periods=rows, freq="min").strftime("%Y-%m-%d %H:%M"),
            "온도(℃)": 80 + rng.normal(size=rows),
            "압력 [bar]": 2 + 0.05 * rng.normal(size=rows),
            "flow": 10 + rng.normal(size=rows),
        }
    )
    table.loc[rows // 2 :, "압력 [bar]"] += shift
    table.to_csv(path, index=False)
    return path


def test_bracketed_column_and_path_are_printed_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    normal = _table(tmp_path / "normal.csv", 300, 0.0, 0)
    today = _table(tmp_path / "today.csv", 200, 1.0, 1)
    monitor = tmp_path / "line[1].npz"
    assert main(["factory", "fit", str(normal), "--time-column", "time", "--out", str(monitor)]) == 0
    assert f"wrote {monitor}" in capsys.readouterr().err
    assert main(["factory", "score", str(today), "--monitor", str(monitor), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert main(["factory", "score", str(today), "--monitor", str(monitor)]) == 0
    err = capsys.readouterr().err
    # each alarm's line lists the JSON document's top variables and shares, brackets and all
    assert document["alarms"]
    for alarm in document["alarms"]:
        names = ", ".join(f"{v['variable']} ({v['share']:.0%})" for v in alarm["top_variables"])
        assert f"({alarm['rows']} rows): {names}" in err
    top = document["alarms"][0]["top_variables"][0]
    assert top["variable"] == "압력 [bar]" and top["share"] > 0.5
    assert "압력 [bar] (" in err
