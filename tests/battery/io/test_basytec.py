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


def test_read(cyclers: Path, tmp_path: Path) -> None:
    # the sample ends without a line break: read whole here (a copy with one), as PyProBE reads it
    ended = tmp_path / "sample_data_basytec.txt"
    ended.write_bytes((cyclers / FILE).read_bytes() + b"\n")
    data = read_cycler(ended)
    ts = data.timeseries
    assert data.rows == 74  # 86 lines less 12 "~" lines
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


def test_unterminated_whole_last_line_kept(cyclers: Path, tmp_path: Path) -> None:
    # the file as shipped ends with line 87 and no line break: that row is whole (its last field reads '1' as
    # in every row above), so it is read; cut inside that line (a field lost), it is dropped with a warning
    raw = (cyclers / FILE).read_bytes()
    lines = raw.split(b"\n")
    assert len(lines) == 87 and not lines[-1].endswith(b"\r")
    data = read_cycler(cyclers / FILE)
    assert data.rows == 74 and "truncated_file" not in [w["kind"] for w in data.warnings]
    assert data.timeseries["test_time_s"].iloc[-1] == pytest.approx(70.2358036666668)
    cut = tmp_path / "잘린 파일.txt"
    cut.write_bytes(raw[:-2])
    data = read_cycler(cut)
    assert data.rows == 73
    (warned,) = [w["detail"] for w in data.warnings if w["kind"] == "truncated_file"]
    assert "truncated" in warned and "line 87" in warned
    assert data.timeseries["test_time_s"].iloc[-1] == pytest.approx(69.2353230000001)
