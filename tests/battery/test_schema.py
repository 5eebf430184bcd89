from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery import schema as s
from gwangyang.errors import CorruptFileError


def test_cumulative_within_cycle_restarts_each_cycle() -> None:
    values = np.array([0.0, 1.0, 2.0, 2.5, 3.0, 4.0])
    cycles = np.array([1, 1, 1, 2, 2, 2])
    assert s.cumulative_within_cycle(values, cycles).tolist() == [0.0, 1.0, 2.0, 0.0, 0.5, 1.5]


def test_cumulative_from_steps_adds_earlier_steps_of_the_cycle() -> None:
    # CC step ends at 0.8 Ah, CV step adds 0.2 Ah: the cycle's charge is 1.0 Ah; the next cycle restarts.
    values = np.array([0.0, 0.4, 0.8, 0.1, 0.2, 0.0, 0.5])
    steps = np.array([1, 1, 1, 2, 2, 1, 1])
    cycles = np.array([1, 1, 1, 1, 1, 2, 2])
    assert s.cumulative_from_steps(values, cycles, steps).tolist() == pytest.approx(
        [0, 0.4, 0.8, 0.9, 1.0, 0, 0.5]
    )


def test_finalize_coerces_drops_bad_rows_and_sorts(tmp_path: Path) -> None:
    raw = pd.DataFrame(
        {
            s.TIME: ["2", "1", "x", "3"],
            s.CYCLE: [1, 1, 1, 2],
            s.CURRENT: [1.0, 1.0, 1.0, np.inf],
            s.VOLTAGE: [3.0, 3.1, 3.2, 3.3],
            "vendor_column": [0, 0, 0, 0],
        }
    )
    out = s.finalize(raw, tmp_path / "f.csv")
    assert out[s.TIME].tolist() == [1.0, 2.0]
    assert list(out.columns) == [s.TIME, s.CYCLE, s.CURRENT, s.VOLTAGE]
    assert out[s.CYCLE].dtype == np.int64


def test_finalize_names_the_missing_column(tmp_path: Path) -> None:
    with pytest.raises(CorruptFileError, match=r"f\.csv: missing required column\(s\) voltage_v"):
        s.finalize(pd.DataFrame({s.TIME: [1.0], s.CYCLE: [1], s.CURRENT: [0.0]}), tmp_path / "f.csv")


def test_time_running_backwards_is_sorted_and_reported(tmp_path: Path) -> None:
    from gwangyang.battery.io import read_cycler

    source = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "battery" / "cyclers" / "arbin"
    lines = (source / "FastCharge_000025_CH8.csv").read_text(encoding="latin-1").splitlines(keepends=True)
    lines[100], lines[101] = lines[101], lines[100]  # two data rows out of order
    path = tmp_path / "FastCharge_000025_CH8.csv"
    path.write_text("".join(lines), encoding="latin-1")
    data = read_cycler(path)
    (warned,) = [w for w in data.warnings if w["kind"] == "time_backwards"]
    assert warned["file"] == path.name and "goes back 1 time(s)" in warned["detail"]
    assert (data.timeseries["test_time_s"].diff().dropna() >= 0).all()
    assert data.rows == 248
