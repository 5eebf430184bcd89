"""The column-map reader: the shipped cellpy "custom" map on its good file, map validation, conventions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.battery.io.column_map import ColumnMap
from gwangyang.battery.io.generic import ColumnMapReader
from gwangyang.errors import InputError

MAPS = Path(__file__).resolve().parents[3] / "src" / "gwangyang" / "battery" / "io" / "maps"
PRIME = MAPS / "cellpy_custom.toml"


def test_good_file_with_shipped_map(cyclers: Path) -> None:
    data = read_cycler(cyclers / "bad" / "custom_good_small.csv", column_map=PRIME)
    ts = data.timeseries
    assert data.vendor == "prime"
    assert data.rows == 60  # data rows index 0..59 (lines 21-80)
    assert ts["cycle_index"].unique().tolist() == [1]
    assert ts["step_index"].value_counts().to_dict() == {1: 30, 2: 30}
    # first line 0;120.00;...;43374.42;... and last 59;3600.96;...;1.54
    assert ts["test_time_s"].iloc[0] == pytest.approx(120.0)
    assert ts["test_time_s"].iloc[-1] == pytest.approx(3600.96)
    assert ts["voltage_v"].iloc[-1] == pytest.approx(1.54)
    assert ts["voltage_v"].iloc[29] == pytest.approx(1.14)
    assert (ts["current_a"] == 0).all()
    # Excel day 43374.42 is 2018-10-01 10:04:48
    assert ts["date_time"].iloc[0] == pd.Timestamp("2018-10-01 10:04:48")


def test_shipped_map_by_name(cyclers: Path) -> None:
    assert read_cycler(cyclers / "bad" / "custom_good_small.csv", column_map="cellpy_custom").rows == 60


def test_example_map_is_valid() -> None:
    cmap = ColumnMap.from_file(MAPS / "example.toml")
    assert cmap.columns["current_a"].scale == 0.001
    assert cmap.columns["charge_capacity_ah"].convention == "per_step"


def _write(tmp_path: Path, text: str, name: str = "map.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BASE = """
[columns.test_time_s]
source = "t"
[columns.cycle_index]
source = "c"
[columns.current_a]
source = "i"
[columns.voltage_v]
source = "v"
"""


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("name = 'x'\n[columns.test_time_s\n", "not a valid TOML"),
        ("colour = 1\n" + BASE, "colour: unknown field"),
        (BASE.replace('[columns.voltage_v]\nsource = "v"\n', ""), "columns.voltage_v: missing"),
        (BASE + "[columns.speed]\nsource = 's'\n", "columns.speed: unknown column"),
        (BASE.replace('source = "i"', 'source = "i"\nscale = "milli"'), "columns.current_a.scale"),
        (BASE.replace('source = "i"', 'source = "i"\nsign = "unsigned"'), "columns.current_a.sign"),
        (BASE.replace('source = "i"', 'source = "i"\nsign = "sideways"'), "columns.current_a.sign"),
        (
            BASE + "[columns.charge_capacity_ah]\nsource = 'q'\nconvention = 'per_step'\n",
            "needs columns.step_index",
        ),
        (BASE + "[columns.charge_capacity_ah]\nsource = 'q'\nconvention = 'hourly'\n", "convention"),
        (BASE + "[file]\ndelimiter = ';;'\n", "file.delimiter"),
        (BASE + "[options]\non_invalid = 'ignore'\n", "options.on_invalid"),
        (BASE.replace('source = "t"', "source = 3"), "columns.test_time_s.source"),
        (BASE + "[columns.voltage_v.extra]\n", "columns.voltage_v.extra"),
    ],
)
def test_map_validation_names_the_field(tmp_path: Path, text: str, field: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        ColumnMap.from_file(path)
    message = str(info.value)
    assert field in message and str(path) in message and "\n" not in message


def test_missing_map_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="column-map file not found"):
        ColumnMapReader.from_file(tmp_path / "nope.toml")


def test_units_signs_and_conventions(tmp_path: Path) -> None:
    # a cycler reporting mA, mAh per step, current negative on charge, time as durations
    data = "\n".join(
        [
            "some preamble",
            "Time|Cyc|Step|mA|V|Q mAh",
            "0d 00:00:00|1|1|-1000|3.0|0",
            "0d 00:30:00|1|1|-1000|3.5|500",
            "0d 01:00:00|1|1|-1000|4.0|1000",
            "0d 01:00:01|1|2|500|3.9|0",
            "0d 02:00:01|1|2|500|3.2|500",
            "0d 02:00:02|2|1|-1000|3.3|0",
        ]
    )
    table = tmp_path / "run.txt"
    table.write_text(data + "\n", encoding="utf-8")
    cmap = _write(
        tmp_path,
        """
name = "mine"
[file]
delimiter = "|"
skip_lines = 1
[columns.test_time_s]
source = "Time"
format = "duration"
[columns.cycle_index]
source = "Cyc"
[columns.step_index]
source = "Step"
[columns.current_a]
source = "mA"
scale = 0.001
sign = "negative_charge"
[columns.voltage_v]
source = "V"
[columns.capacity_ah]
source = "Q mAh"
scale = 0.001
convention = "per_step"
""",
    )
    ts = read_cycler(table, column_map=cmap).timeseries
    np.testing.assert_allclose(ts["test_time_s"], [0, 1800, 3600, 3601, 7201, 7202])
    np.testing.assert_allclose(ts["current_a"], [1, 1, 1, -0.5, -0.5, 1])
    # 1 A for 1 h is 1 Ah of charge; then 0.5 A for 1 h is 0.5 Ah of discharge; cycle 2 restarts at 0
    np.testing.assert_allclose(ts["charge_capacity_ah"], [0, 0.5, 1.0, 1.0, 1.0, 0])
    np.testing.assert_allclose(ts["discharge_capacity_ah"], [0, 0, 0, 0, 0.5, 0])


def test_test_cumulative_and_drop(tmp_path: Path) -> None:
    table = tmp_path / "run.csv"
    table.write_text("t,c,i,v,qc\n0,1,1,3,5\n1,1,1,x,6\n2,1,1,3.2,7\n3,2,1,3.3,7.5\n", encoding="utf-8")
    cmap = _write(
        tmp_path,
        BASE
        + "[options]\non_invalid = 'drop'\n[columns.charge_capacity_ah]\nsource = 'qc'\nconvention = 'test_cumulative'\n",
    )
    ts = read_cycler(table, column_map=cmap).timeseries
    assert len(ts) == 3  # the row with voltage "x" is dropped
    np.testing.assert_allclose(ts["charge_capacity_ah"], [0, 2, 0])  # 5 -> 7 within cycle 1; cycle 2 restarts
