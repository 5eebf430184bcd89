"""Neware record tables with only the time within each step (BTS 7.6's Detail layout): the test time rebuilt.

No such file is at hand. Two routes check the rebuilt time against a test time known independently:

* the shared IFE export's record table less its ``Total Time``: its relative times and Total Time are whole
  seconds, each cut from the channel's clock, and its absolute time is the PC's clock, which falls 5-6 s behind
  the channel's over the test's 28 h. The rebuilt time may then be as far from Total Time as the absolute time
  itself is (measured from the file's own two columns), plus their resolution (1 s); without the absolute time,
  a second per step at most (each relative time's lost fraction);
* BTS 7.6's layout written from that Total Time (stretched by 1.001 so it has milliseconds): each record's
  relative time is its Total Time less its step's first (``h:min:s.ms``), its absolute time that Total Time
  past the start, cut to whole seconds. The rebuilt time is that Total Time to the millisecond.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gwangyang.battery.io import detect, read_cycler
from gwangyang.battery.io.neware_steptime import step_test_time
from gwangyang.battery.io.neware_time import clock_seconds
from gwangyang.battery.schema import CyclerData
from gwangyang.errors import CorruptFileError

from .test_neware_chinese import TYPES
from .test_neware_record import HEADER, RECORDS, _table
from .test_neware_xls import write_xls
from .variants import assert_same_cycles, kinds, warned, write

TOTAL = clock_seconds(pd.Series([r["Total Time"] for r in RECORDS]))
WALL = np.array(
    [
        (datetime.strptime(r["Date"], "%Y-%m-%d %H:%M:%S") - datetime(2026, 3, 6, 12, 37, 25)).total_seconds()
        for r in RECORDS
    ]
)
STEPS = np.r_[
    0, np.flatnonzero(np.diff([float(r["Step Index"]) + 1e4 * float(r["Cycle Index"]) for r in RECORDS])) + 1
]
ZH = "记录序号,状态,跳转,循环,步次,电流(mA),电压(V),容量(mAh),能量(mWh),相对时间(h:min:s.ms),绝对时间"
EN = "Record Index,Status,JumpTo,Cycle,Step,Cur(mA),Voltage(V),CapaCity(mAh),Energy(mWh),Relative Time(h:min:s.ms),Absolute Time"


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> CyclerData:
    return read_cycler(write(tmp_path_factory.mktemp("csv"), "record.csv", _table()))


def test_shared_export_less_its_total_time(tmp_path: Path, original: CyclerData) -> None:
    assert WALL[0] == 0 and len(STEPS) == 81
    data = read_cycler(write(tmp_path, "steps.csv", _table([h for h in HEADER if h != "Total Time"])))
    time = data.timeseries["test_time_s"].to_numpy()
    assert np.array_equal(original.timeseries["test_time_s"].to_numpy(), TOTAL)
    # as close to Total Time as the absolute time is (6 s, the PC's clock against the channel's), plus 1 s
    assert np.abs(WALL - TOTAL).max() == 6.0 and np.abs(time - TOTAL).max() <= 6.0 + 1.0
    assert (np.diff(time) >= 0).all() and kinds(data) == []
    for column in original.timeseries.columns.drop("test_time_s"):
        assert np.array_equal(data.timeseries[column].to_numpy(), original.timeseries[column].to_numpy()), (
            column
        )
    # without the absolute time: each step's relative times lose under a second of its length
    bare = read_cycler(
        write(tmp_path, "bare.csv", _table([h for h in HEADER if h not in ("Total Time", "Date")]))
    )
    loss = TOTAL - bare.timeseries["test_time_s"].to_numpy()
    assert (loss >= 0).all() and loss.max() <= len(STEPS) - 1 and loss[-1] == 18.0


def _bts76(
    header: str, stretch: float = 1.001, types: dict[str, str] | None = None
) -> tuple[str, np.ndarray]:
    """BTS 7.6's record layout from the shared records; its test time (``stretch`` x Total Time, to the ms)."""
    total = np.round(TOTAL * stretch, 3)
    start = np.repeat(total[STEPS], np.diff(np.r_[STEPS, len(total)]))
    rows = [header]
    begin = datetime(2026, 3, 6, 12, 37, 25)
    for i, r in enumerate(RECORDS):
        relative = total[i] - start[i]
        hours, rest = divmod(round(relative * 1000), 3600_000)
        clock = f"{hours}:{rest // 60000:02d}:{rest % 60000 // 1000:02d}.{rest % 1000:03d}"
        stamp = (begin + timedelta(seconds=float(np.floor(total[i])))).strftime("%Y-%m-%d %H:%M:%S")
        kind = (types or {}).get(r["Step Type"], r["Step Type"])
        milli = [f"{float(r[c]) * 1000:.6f}" for c in ("Current(A)", "Capacity(Ah)", "Energy(Wh)")]
        fields = [r["DataPoint"], kind, r["Step Index"], r["Cycle Index"], r["Step Index"], milli[0]]
        rows.append(",".join([*fields, r["Voltage(V)"], milli[1], milli[2], clock, stamp]))
    return "\r\n".join(rows) + "\r\n", total


@pytest.mark.parametrize(
    ("header", "types", "encoding"), [(ZH, TYPES, "gbk"), (ZH, TYPES, "utf-8"), (EN, None, "utf-8")]
)
def test_bts76_layout_rebuilds_the_test_time(
    tmp_path: Path, original: CyclerData, header: str, types: dict[str, str] | None, encoding: str
) -> None:
    text, total = _bts76(header, types=types)
    path = write(tmp_path, "상세 기록.csv", text, encoding)
    assert detect(path).name == "neware"
    data = read_cycler(path)
    assert data.cell_id == "상세 기록" and data.rows == len(RECORDS)
    np.testing.assert_allclose(data.timeseries["test_time_s"], total, rtol=0, atol=1e-6)
    assert_same_cycles(original, data)
    assert kinds(data) == []  # 跳转 / JumpTo (the step jumped to): known, not stored


def test_a_pause_between_steps_follows_the_absolute_time(tmp_path: Path) -> None:
    text, total = _bts76(ZH, types=TYPES)
    lines = text.splitlines()
    step = int(STEPS[40])  # the channel stood 600 s before the 41st step: its absolute times say so
    for i in range(step, len(RECORDS)):
        fields = lines[i + 1].split(",")
        moment = datetime.strptime(fields[-1], "%Y-%m-%d %H:%M:%S") + timedelta(seconds=600)
        lines[i + 1] = ",".join([*fields[:-1], moment.strftime("%Y-%m-%d %H:%M:%S")])
    data = read_cycler(write(tmp_path, "pause.csv", "\r\n".join(lines) + "\r\n"))
    time = data.timeseries["test_time_s"].to_numpy()
    np.testing.assert_allclose(time[:step], total[:step], rtol=0, atol=1e-6)
    # from the pause on, where the absolute time says: to its whole second
    assert 599.0 < time[step] - time[step - 1] <= 600.0
    np.testing.assert_allclose(time[step:], total[step:] + 600.0, rtol=0, atol=1.0)
    assert kinds(data) == []  # 跳转 (the step jumped to): known, not stored


def test_absolute_time_going_back_is_warned(tmp_path: Path) -> None:
    text, _ = _bts76(ZH, types=TYPES)
    lines = text.splitlines()
    fields = lines[5001].split(",")
    moment = datetime.strptime(fields[-1], "%Y-%m-%d %H:%M:%S") - timedelta(seconds=100)
    lines[5001] = ",".join([*fields[:-1], moment.strftime("%Y-%m-%d %H:%M:%S")])
    data = read_cycler(write(tmp_path, "back.csv", "\r\n".join(lines) + "\r\n"))
    detail = warned(data, "unknown_format")
    assert (
        "'相对时间(h:min:s.ms)'" in detail
        and "'绝对时间'" in detail
        and "data row 5001 (line 5002)" in detail
    )


def test_cut_last_line_and_a_bad_relative_time(tmp_path: Path) -> None:
    text, total = _bts76(ZH, types=TYPES)
    data = read_cycler(write(tmp_path, "cut.csv", text, cut=20))
    assert data.rows == len(RECORDS) - 1 and "truncated_file" in kinds(data)
    np.testing.assert_allclose(data.timeseries["test_time_s"], total[:-1], rtol=0, atol=1e-6)
    lines = text.splitlines()
    lines[100] = lines[100].replace(lines[100].split(",")[-2], "x:y")
    path = write(tmp_path, "bad.csv", "\r\n".join(lines) + "\r\n")
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and "'相对时间(h:min:s.ms)'" in message
    assert "data row 100 (line 101)" in message


@pytest.mark.parametrize(("header", "types"), [(ZH, TYPES), (EN, None)])
def test_bts76_detail_sheets_in_an_xls(tmp_path: Path, header: str, types: dict[str, str] | None) -> None:
    text, total = _bts76(header, types=types)
    lines = [line.split(",") for line in text.splitlines()]
    rows: list[list[object]] = [list(lines[0])]
    for fields in lines[1:]:
        rows.append([float(v) if i not in (1, 9, 10) else v for i, v in enumerate(fields)])
    sheets: dict[str, list[list[object]]] = {
        "Info": [["Channel", "1-1"]],
        "Detail_1_1_2": rows[:4001],
        "Detail_1_1_2_2": [rows[0], *rows[4001:]],
    }
    data = read_cycler(write_xls(tmp_path / "상세.xls", sheets))
    csv = read_cycler(write(tmp_path, "상세.csv", text))
    np.testing.assert_allclose(data.timeseries["test_time_s"], total, rtol=0, atol=1e-6)
    assert np.array_equal(data.timeseries["test_time_s"], csv.timeseries["test_time_s"])
    assert data.extra["sheets"] == ["Detail_1_1_2", "Detail_1_1_2_2"] and "rows_dropped" not in kinds(data)
    # records 4001-4002 gone: the record numbers (记录序号, Record Index) say so
    del sheets["Detail_1_1_2_2"][1:3]
    gap = read_cycler(write_xls(tmp_path / "빠짐.xls", sheets))
    assert "records 4001 to 4002 (2) are missing" in warned(gap, "rows_dropped")


def test_no_time_at_all_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "notime.csv", _table([h for h in HEADER if h not in ("Total Time", "Time")]))
    with pytest.raises(CorruptFileError, match="no 'Total Time' or 'Cumulative Time' column"):
        read_cycler(path)


def test_steps_by_hand() -> None:
    """Three steps, first records one interval in; a pause of 50 s before the third (absolute time only)."""
    step_time = np.array([1.0, 2.0, 3.0, 1.0, 2.0, 1.0, 2.0])
    cycle = np.array([1, 1, 1, 1, 1, 2, 2], dtype=float)
    step = np.array([1, 1, 1, 2, 2, 1, 1], dtype=float)
    time, note = step_test_time(step_time, cycle, step, None)
    assert time.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0] and note is None
    stamps = np.datetime64("2024-01-01T00:00:00") + np.array([0, 1, 2, 3, 4, 55, 56]).astype("timedelta64[s]")
    time, note = step_test_time(step_time, cycle, step, stamps)
    assert time.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 56.0, 57.0] and note is None


def test_a_step_anchored_on_the_previous_record_does_not_go_back_by_rounding() -> None:
    """Hypothesis found a schedule whose last step, held at the previous record's time, came out 3.6e-15 s before it
    (``previous_end - step_time + step_time`` rounds below ``previous_end``): the time must never decrease."""
    rel = np.array(
        [1, 1, 2, 3, 369, 370, 2743, 2744, 4321, 4322, 6140, 6316, 6607, 8285, 309, 310, 355, 3355, 391]
    )
    head = [1, 2, 1266, 1267, 1633, 1634, 8149, 8150, 9727, 9728]
    tail = [11546, 11722, 12013, 13691, 14000, 14001, 14046, 17046, 17437]
    ms = np.array([*head, *tail])
    cycle = np.array([1.0] * 6 + [2.0] * 13)
    step = np.array([1, 2, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3], dtype=float)
    stamps = np.datetime64("2024-01-01T00:00:00") + (ms // 1000).astype("timedelta64[s]")
    time, note = step_test_time(rel / 1000, cycle, step, stamps)
    assert note is None and (np.diff(time) >= 0).all()
    assert time[-1] == pytest.approx(
        17.047, abs=1e-12
    )  # the last step starts at its previous record (clock: 17 s)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(1, 60_000), min_size=1, max_size=8),  # ms between a step's records
            st.booleans(),  # the first record at 0 (else one interval in)
            st.integers(0, 5_000_000),  # ms the channel stood before the step (only the clock sees it)
        ),
        min_size=1,
        max_size=15,
    ),
    st.integers(0, 999),
)
def test_random_schedules(steps: list[tuple[list[int], bool, int]], phase: int) -> None:
    """Steps of records ms apart; the true test time, the relative times and the clock (whole seconds) from it."""
    truth, relative, cycle, step = [], [], [], []
    start = 0
    for k, (gaps, at_zero, pause) in enumerate(steps):
        start += pause if k else 0
        times = np.cumsum([0, *gaps[1:]]) if at_zero else np.cumsum(gaps)
        truth += [start + t for t in times]
        relative += list(times)
        cycle += [1 + k // 3] * len(times)
        step += [k % 3 + 1] * len(times)
        start += int(times[-1])  # a step ends at its last record
    ms = np.array(truth, dtype=float)
    rel = np.array(relative, dtype=float) / 1000
    stamps = np.datetime64("2024-01-01T00:00:00") + ((ms + phase) // 1000).astype("timedelta64[s]")
    cycles, steps_ = np.array(cycle, dtype=float), np.array(step, dtype=float)
    time, note = step_test_time(rel, cycles, steps_, stamps)
    assert (np.diff(time) >= 0).all() and note is None
    assert np.abs(time - ms / 1000).max() < 1.0 + 1e-9  # the clock's whole second
    if not any(pause for _, _, pause in steps[1:]):  # no pause: the relative times alone give it exactly
        bare, _ = step_test_time(rel, cycles, steps_, None)
        np.testing.assert_allclose(bare, ms / 1000, rtol=0, atol=1e-9)
