"""``.nda``/``.ndax`` test time built by the record tables' step clock (``neware_steptime.step_test_time``).

The binary reader built its time with ``neware_time.elapsed_time`` (since removed: the BTSDA 7 CSV uses the step
clock too); it now uses the step clock with ``pauses_only`` (the files' ``Timestamp`` has whole seconds). On the
shared ``test.nda`` (439 records, 6 steps) and ``test.ndax`` (1,464 records, 4 steps) the time is the relative
times summed by hand step by step; a pause put into the wall clock is counted within its 1 s resolution.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery import schema as s
from gwangyang.battery.io import read_cycler
from gwangyang.battery.io.neware import _newarenda_read, from_newarenda
from gwangyang.battery.io.neware_steptime import step_test_time

NEWARE = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "cyclers" / "neware"
FILES = [("test.nda", "nda", 439), ("test.ndax", "ndax", 1464)]


def by_hand(step: list[int], step_time: list[float]) -> list[float]:
    """Each step starts at the previous step's last relative time (plain Python, record by record)."""
    out, offset, end = [], 0.0, 0.0
    for k, (number, clock) in enumerate(zip(step, step_time, strict=True)):
        if k and number != step[k - 1]:
            offset = end
        out.append(offset + clock)
        end = offset + clock
    return out


@pytest.mark.parametrize(("name", "kind", "rows"), FILES)
def test_shared_files_time_as_before(name: str, kind: str, rows: int) -> None:
    raw = _newarenda_read(NEWARE / name, kind)
    step = raw["Step"].to_numpy(dtype="int64")
    clock = raw["Time"].to_numpy(dtype="float64")
    stamps = raw["Timestamp"].to_numpy(dtype="datetime64[ns]")
    time = read_cycler(NEWARE / name).timeseries[s.TIME].to_numpy()
    assert len(time) == rows
    np.testing.assert_allclose(time, by_hand(step.tolist(), clock.tolist()), rtol=0, atol=1e-9)
    wall = (stamps - stamps[0]) / np.timedelta64(1, "s")
    assert np.abs(time - wall).max() <= 1.0  # the Timestamp's whole seconds


@pytest.mark.parametrize(("name", "kind", "rows"), FILES)
def test_a_pause_on_the_wall_clock_is_counted(name: str, kind: str, rows: int) -> None:
    raw = _newarenda_read(NEWARE / name, kind)
    step = raw["Step"].to_numpy(dtype="int64")
    at = int(np.flatnonzero(np.diff(step) != 0)[0] + 1)  # the second step's first record
    paused = raw.copy()
    paused.loc[at:, "Timestamp"] = paused.loc[at:, "Timestamp"] + pd.Timedelta(seconds=600)
    before = from_newarenda(raw, NEWARE / name)[s.TIME].to_numpy()
    after = from_newarenda(paused, NEWARE / name)[s.TIME].to_numpy()
    np.testing.assert_array_equal(after[:at], before[:at])
    assert np.abs(after[at:] - before[at:] - 600).max() <= 1.0
    # a gap within the tolerance (the clock's rounding) is no pause
    jitter = raw.copy()
    jitter.loc[at:, "Timestamp"] = jitter.loc[at:, "Timestamp"] + pd.Timedelta(seconds=1)
    np.testing.assert_array_equal(from_newarenda(jitter, NEWARE / name)[s.TIME].to_numpy(), before)


def test_pauses_only_on_the_old_builder_s_example() -> None:
    step = np.array([1, 1, 2, 2])
    clock = np.array([0.0, 10.0, 0.0, 5.0])
    stamps = np.array(
        ["2020-01-01T00:00:00", "2020-01-01T00:00:10", "2020-01-01T00:01:10", "2020-01-01T00:01:15"],
        dtype="datetime64[ns]",
    )
    cycle = np.ones(4)
    # a 60 s pause between the steps shows only on the wall clock
    time, _ = step_test_time(clock, cycle, step, stamps, pauses_only=True)
    np.testing.assert_allclose(time, [0, 10, 70, 75])
    np.testing.assert_allclose(step_test_time(clock, cycle, step, None, pauses_only=True)[0], [0, 10, 10, 15])


@pytest.mark.parametrize(("name", "kind", "rows"), FILES)
def test_timestamp_off_within_a_step_is_warned(name: str, kind: str, rows: int) -> None:
    """The shared files: no warning; one Timestamp 30 s late inside a step (not where a step starts, where it
    would be a pause): a warning naming the file, the record, its Index and both times, the time left as built."""
    assert [w for w in read_cycler(NEWARE / name).warnings if w["kind"] == "unknown_format"] == []
    raw = _newarenda_read(NEWARE / name, kind)
    step = raw["Step"].to_numpy(dtype="int64")
    row = 200
    assert step[row] == step[row - 1] == step[row + 1]  # inside a step
    shifted = raw["Timestamp"].to_numpy(dtype="datetime64[ns]").copy()
    shifted[row] += np.timedelta64(30, "s")
    edited = raw.copy()
    edited["Timestamp"] = shifted
    before = from_newarenda(raw, NEWARE / name)
    after = from_newarenda(edited, NEWARE / name)
    np.testing.assert_array_equal(after[s.TIME].to_numpy(), before[s.TIME].to_numpy())
    (warning,) = after.attrs[s.WARNINGS_ATTR]
    built = float(before[s.TIME].iloc[row])
    wall = (shifted[row] - shifted[0]) / np.timedelta64(1, "s") + float(before[s.TIME].iloc[0])
    stamp = pd.Timestamp(shifted[row]).isoformat(sep=" ")
    assert warning["file"] == name and warning["kind"] == "unknown_format"
    assert warning["detail"].startswith(
        f"record 201 (Index {raw['Index'].iloc[row]}): the test time built from the time within each step is "
        f"{built:.6g} s but its Timestamp {stamp} says {wall:.6g} s, up to "
    )
    largest = float(warning["detail"].split("up to ")[1].split(" s apart")[0])
    assert 29.0 <= largest <= 31.0 and largest == pytest.approx(abs(wall - built), abs=0.5)
