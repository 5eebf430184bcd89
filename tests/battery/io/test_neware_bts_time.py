"""The three-level Neware CSV without ``Total Time``: the test time built by the shared step clock.

The shared IFE export (9,295 records, 81 steps) less its ``Total Time`` column keeps the time within each step
(``Time``, whole seconds) and the PC's clock (``Date``, whole seconds). Checked against the file's own columns:

* each step's span in ``Total Time`` is its last relative time or one second more (18 of 81 steps lose a second,
  the relative times being cut), so the steps summed by hand end 18 s short of ``Total Time``;
* ``Date`` ends 5 s short of ``Total Time`` (at most 6 s apart: the PC's clock against the channel's).

Steps starting where ``Date`` says (never before the previous record) come within 5 s of ``Total Time`` (mean
-1.99 s, last -4 s) and within 2 s of ``Date``; the old builder (``neware_time.elapsed_time``) within 5 s (mean
-2.30 s) and summing the steps, ``Date`` counted for pauses only, within 7 s (mean -3.23 s, last -6 s).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery import schema as s
from gwangyang.battery.io import read_cycler
from gwangyang.battery.io.neware_time import clock_seconds

from .variants import warned

IFE = (
    Path(__file__).resolve().parents[3]
    / ".."
    / "shared"
    / "data"
    / "battery"
    / "cyclers"
    / "neware"
    / "nw_regular_export_ife_example.csv"
)


def _edit(path: Path, edit: Callable[[int, list[str]], None] | None = None) -> tuple[Path, list[list[str]]]:
    """The IFE export less ``Total Time`` (record field 4), each record's fields given to ``edit`` first."""
    lines = IFE.read_text(encoding="utf-8").split("\n")
    out: list[str] = []
    records: list[list[str]] = []
    for line in lines:
        if line.startswith(",,"):
            fields = line.split(",")
            if edit is not None and len(records) and fields[2].strip():
                edit(len(records), fields)
            records.append(list(fields))
            del fields[4]
            line = ",".join(fields)
        out.append(line)
    path.write_text("\n".join(out), encoding="utf-8")
    return path, records[1:]  # the record header is the first line starting with two commas


def by_hand(records: list[list[str]], whole: bool) -> list[float]:
    """Test time record by record (plain Python): a step starts where ``Date`` says, not before the previous
    record (``whole``), or where the previous step ended unless ``Date`` is over 2 s later."""
    out: list[float] = []
    start = previous_end = 0.0
    first = datetime.strptime(records[0][9], "%Y-%m-%d %H:%M:%S")
    for k, fields in enumerate(records):
        h, m, sec = fields[3].split(":")
        clock = int(h) * 3600 + int(m) * 60 + float(sec)
        wall = (datetime.strptime(fields[9], "%Y-%m-%d %H:%M:%S") - first).total_seconds()
        if k and (clock == 0.0 or clock < out[-1] - start):  # a new step: its relative time back
            previous_end = out[-1]
            wall_start = wall - clock
            if whole:
                start = max(wall_start, previous_end - clock)
            else:
                start = wall_start if wall_start > previous_end + 2.0 else previous_end
        out.append(start + clock)
    return out


def test_shared_export_less_total_time(tmp_path: Path) -> None:
    full = read_cycler(IFE).timeseries
    path, records = _edit(tmp_path / "ife_no_total.csv")
    data = read_cycler(path)
    time = data.timeseries[s.TIME].to_numpy()
    total = full[s.TIME].to_numpy()
    assert len(time) == len(records) == 9295
    np.testing.assert_array_equal(total, clock_seconds(pd.Series([r[4] for r in records])))
    np.testing.assert_allclose(time, by_hand(records, whole=True), rtol=0, atol=1e-9)
    gap = time - total
    assert np.abs(gap).max() == 5.0 and gap[-1] == -4.0 and gap.mean() == pytest.approx(-1.988, abs=1e-3)
    wall = (data.timeseries[s.DATE_TIME] - data.timeseries[s.DATE_TIME].iloc[0]).dt.total_seconds().to_numpy()
    assert np.abs(time - wall).max() == 2.0  # within the tolerance: no warning
    assert not [w for w in data.warnings if "test time built" in w["detail"]]


def test_milliseconds_sum_the_steps(tmp_path: Path) -> None:
    """Relative times with a fraction: the steps summed, ``Date`` (whole seconds) counted for pauses only."""

    def finer(k: int, fields: list[str]) -> None:
        fields[3] = fields[3] + ".250" if fields[3] != "00:00:00" else fields[3]

    path, records = _edit(tmp_path / "ife_ms.csv", edit=finer)
    time = read_cycler(path).timeseries[s.TIME].to_numpy()
    np.testing.assert_allclose(time, by_hand(records, whole=False), rtol=0, atol=1e-9)


def test_a_pause_and_a_date_off(tmp_path: Path) -> None:
    """A 600 s pause in ``Date`` moves every later record 600 s; one ``Date`` 10 s off is warned, naming it."""
    starts: list[int] = []

    def pause(k: int, fields: list[str]) -> None:
        if fields[3] == "00:00:00":
            starts.append(k)
        if len(starts) >= 41:  # from the 41st step on
            stamp = datetime.strptime(fields[9], "%Y-%m-%d %H:%M:%S") + timedelta(seconds=600)
            fields[9] = stamp.strftime("%Y-%m-%d %H:%M:%S")

    before = read_cycler(_edit(tmp_path / "plain.csv")[0]).timeseries[s.TIME].to_numpy()
    after = read_cycler(_edit(tmp_path / "paused.csv", edit=pause)[0]).timeseries[s.TIME].to_numpy()
    at = starts[40] - 1
    np.testing.assert_array_equal(after[:at], before[:at])
    assert np.abs(after[at:] - before[at:] - 600).max() <= 2.0

    def off(k: int, fields: list[str]) -> None:
        if k == 5000:
            stamp = datetime.strptime(fields[9], "%Y-%m-%d %H:%M:%S") + timedelta(seconds=10)
            fields[9] = stamp.strftime("%Y-%m-%d %H:%M:%S")

    data = read_cycler(_edit(tmp_path / "off.csv", edit=off)[0])
    detail = warned(data, "unknown_format")
    # 10 s and the lag the Date had there before; DataPoint 5000 is on line 5057
    assert (
        "column 'Time' (the time within each step) and column 'Date' (absolute time) disagree by up to 11 s, "
        "first at data row 5000 (line 5057)"
    ) in detail
    assert IFE.read_text(encoding="utf-8").split("\n")[5056].startswith(",,5000,")
