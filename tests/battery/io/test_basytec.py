"""Basytec text export (PyProBE sample data).

Expected values: PyProBE tests/cyclers/test_basytec.py (first dates and the last row).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gwangyang.battery.io import detect, read_cycler

FILE = "basytec/sample_data_basytec.txt"


def test_detected(cyclers: Path) -> None:
    assert detect(cyclers / FILE).name == "basytec"


def test_read(cyclers: Path) -> None:
    data = read_cycler(cyclers / FILE)
    ts = data.timeseries
    assert data.rows == 74  # 86 lines less 12 "~" lines; the last has no newline
    assert data.start_time == pd.Timestamp("2023-06-19 17:56:53")
    assert data.channel == "1814 CH14 XCTS_40"
    assert ts["date_time"].iloc[2] == pd.Timestamp("2023-06-19 17:56:54.002823")
    last = ts.iloc[-1]
    assert last["test_time_s"] == pytest.approx(70.235804)
    assert last["step_index"] == 4
    assert last["current_a"] == pytest.approx(0.449602, rel=1e-5)
    assert last["voltage_v"] == pytest.approx(3.53285, rel=1e-5)
    assert last["charge_capacity_ah"] == pytest.approx(0.001248916998009, rel=5e-3)
    assert last["temperature_c"] == pytest.approx(25.47953)
    assert abs(last["date_time"] - pd.Timestamp("2023-06-19 17:58:03.235803")) < pd.Timedelta("1ms")
    assert sorted(ts["cycle_index"].unique()) == [0, 1]  # Cyc-Count is 0 on the first row only
