"""An Arbin file cut before its test ended: the recorded end well after the last row is a ``truncated_file`` warning.

The shared CH33 CSV ends 17.9 s before its companion's ``Last_End_DateTime`` and the shared ``.res`` at its
``Event_Table`` ``Test end``: no warning. Copies keep only their first rows (the CSV written again with the csv
module, the ``.res`` table cut as ``mdb-export`` gives it). The expected times, gaps and allowances are computed
here from the files' own text (the csv and datetime modules), not by the reader.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import itertools
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from gwangyang.api import i18n
from gwangyang.battery.ingest import ingest
from gwangyang.battery.io import arbin_res, read_cycler
from gwangyang.battery.stitch import stitch
from gwangyang.store import Store

from .variants import CYCLERS

ARBIN = CYCLERS / "arbin"
CH33 = ARBIN / "2017-05-09_test-TC-contact_CH33.csv"
RES = ARBIN / "arbin_example.res"


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(), newline="")))


def _companion_end(path: Path) -> int:
    header, row = _rows(path.with_name(f"{path.stem}_Metadata.csv"))
    return int(row[header.index("Last_End_DateTime")])


def _utc(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _cuts(path: Path) -> list[dict[str, str]]:
    return [w for w in read_cycler(path).warnings if w["kind"] == "truncated_file"]


def _first_rows(folder: Path, keep: int, name: str = "셀 33") -> Path:
    """CH33's header and first ``keep`` rows, beside its companion as it is."""
    rows = _rows(CH33)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows[: keep + 1])
    path = folder / f"{name}.csv"
    path.write_text(out.getvalue())
    shutil.copy(CH33.with_name(f"{CH33.stem}_Metadata.csv"), folder / f"{name}_Metadata.csv")
    return path


def test_the_shared_csv_is_whole_and_keeps_its_start_and_end() -> None:
    rows = _rows(CH33)
    last = float(rows[-1][rows[0].index("DateTime")])
    assert _companion_end(CH33) - last == pytest.approx(17.9387)
    data = read_cycler(CH33)
    assert _cuts(CH33) == [] and data.warnings == []
    assert data.extra["test_start"] == "2017-05-10T00:47:33+00:00"  # First_Start_DateTime 1494377253
    assert data.extra["test_end"] == "2017-05-10T01:04:54+00:00"  # Last_End_DateTime 1494378294


@pytest.mark.parametrize("keep", [100, 250, 280])
def test_a_cut_csv_is_warned_with_its_numbers(tmp_path: Path, keep: int) -> None:
    path = _first_rows(tmp_path, keep)
    rows = _rows(path)
    at, time_at = rows[0].index("DateTime"), rows[0].index("Test_Time")
    times = [float(r[time_at]) for r in rows[1:]]
    interval = max(b - a for a, b in itertools.pairwise(times))
    last = float(rows[-1][at])
    end = _companion_end(CH33)
    gap = end - last
    allowed = interval + 300.0
    notes = _cuts(path)
    if gap <= allowed:  # 250 and 280 rows: 146.1 s and 36.0 s before the end, within 310.0 s
        assert keep in (250, 280) and notes == []
        return
    (note,) = notes
    assert note["file"] == "셀 33.csv"
    # the time stamps are shown to the second: the last row's (a fraction) truncated as the reader shows it
    assert note["detail"] == (
        f"셀 33.csv's last row is at {_utc(last)} UTC, 셀 33_Metadata.csv gives the test's end as {_utc(end)} UTC: "
        f"{gap:.1f} s later, more than the {allowed:.1f} s allowed (its longest logging interval, {interval:.1f} s, "
        "and 300.0 s for the clocks); rows at its end are missing, the file looks cut"
    )
    assert keep == 100 and "681.4 s later" in note["detail"]  # its last row 1494377612.6181 s
    assert i18n.phrase(note["detail"], "ko") == (
        f"셀 33.csv의 마지막 행은 {_utc(last)} UTC이고 셀 33_Metadata.csv은(는) 시험 종료를 {_utc(end)} UTC(으)로 "
        f"나타냅니다: 681.4초 뒤로, 허용치 310.0초(가장 긴 기록 간격 10.0초와 시계 차이 300.0초)를 넘습니다; "
        "끝부분의 행이 빠져 있어 파일이 잘린 것으로 보입니다"
    )


def test_an_impossible_end_is_not_kept(tmp_path: Path) -> None:
    data = read_cycler(ARBIN / "FastCharge_000025_CH8.csv")  # its end is before its start: end_time_mismatch
    assert "test_end" not in data.extra and data.extra["test_start"] == "2017-05-13T03:13:34+00:00"
    assert [w["kind"] for w in data.warnings] == ["end_time_mismatch"]


def test_the_store_keeps_the_start_and_end(tmp_path: Path) -> None:
    path = _first_rows(tmp_path, 100, "잘린 셀")
    store = Store(tmp_path / "store")
    report = ingest([path], store)
    assert not report.failed
    meta = store.meta("잘린 셀")
    assert (meta["extra"]["test_start"], meta["extra"]["test_end"]) == (
        "2017-05-10T00:47:33+00:00",
        "2017-05-10T01:04:54+00:00",
    )
    assert "truncated_file" in [w["kind"] for w in meta["warnings"]]


def _mdb(table: str) -> list[list[str]]:
    done = subprocess.run(["mdb-export", str(RES), table], capture_output=True, check=True)
    return list(csv.reader(io.StringIO(done.stdout.decode(), newline="")))


needs_mdbtools = pytest.mark.skipif(shutil.which("mdb-export") is None, reason="mdbtools not installed")


@needs_mdbtools
def test_the_shared_res_ends_at_its_last_row() -> None:
    events = _mdb("Event_Table")
    assert [r[-1] for r in events[1:]] == ["Test start", "Test end"]
    data = read_cycler(RES)
    assert data.warnings == []
    assert data.extra["test_end_s"] == float(events[2][2]) == data.timeseries["test_time_s"].iloc[-1]
    # OLE days 45135.78634259259: 2023-07-28 18:52:20 on the cycler PC's clock
    assert data.extra["test_end"] == "2023-07-28T18:52:20"
    # 45131.78472222222 days, to the millisecond (the datetime module's timedelta rounds it the same way)
    start = dt.datetime(1899, 12, 30) + dt.timedelta(days=45131.78472222222)
    assert data.extra["test_start"] == start.isoformat() == "2023-07-24T18:50:00"


@needs_mdbtools
@pytest.mark.parametrize("keep", [1000, 2148])
def test_a_cut_res_is_warned_with_its_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keep: int
) -> None:
    normal = _mdb("Channel_Normal_Table")
    header, rows = normal[0], normal[1 : keep + 1]
    time_at, date_at = header.index("Test_Time"), header.index("DateTime")
    times = sorted(float(r[time_at]) for r in rows)
    interval = max(b - a for a, b in itertools.pairwise(times))
    end = float(_mdb("Event_Table")[2][2])
    real = arbin_res._mdb_table

    def cut(path: Path, table: str) -> pd.DataFrame:
        frame = real(path, table)
        return frame.iloc[:keep].copy() if table == "Channel_Normal_Table" else frame

    monkeypatch.setattr(arbin_res, "_mdb_table", cut)
    notes = [w for w in read_cycler(RES).warnings if w["kind"] == "truncated_file"]
    gap = end - times[-1]
    if keep == 2148:  # two rows short: the last two share a date and are 0.015 s apart
        assert gap < 1.0 and notes == []
        return

    def shown(days: float) -> str:  # to the millisecond: 45134.32427083333 is 07:46:57 less 0.3 µs
        moment = dt.datetime(1899, 12, 30) + dt.timedelta(milliseconds=round(days * 86400e3))
        return moment.strftime("%Y-%m-%d %H:%M:%S")

    last_day = float(max(rows, key=lambda r: float(r[time_at]))[date_at])  # mdb-export: storage order
    (note,) = notes
    assert note["detail"] == (
        f"arbin_example.res's last row is at {shown(last_day)}, Event_Table gives the test's end as "
        f"{shown(45135.78634259259)}: {gap:.1f} s later, more than the {interval + 1.0:.1f} s allowed (its longest "
        f"logging interval, {interval:.1f} s, and 1.0 s for the clocks); rows at its end are missing, the file "
        "looks cut"
    )


def test_a_stitched_cell_keeps_its_first_start_and_last_end() -> None:
    first = read_cycler(CH33)
    later = dataclasses.replace(
        read_cycler(CH33),
        start_time=first.start_time + pd.Timedelta(hours=2),  # type: ignore[operator]
        extra={
            **first.extra,
            "test_start": "2017-05-10T02:47:33+00:00",
            "test_end": "2017-05-10T03:04:54+00:00",
        },
    )
    cell = stitch([later, first], "이어진 셀")
    assert (cell.extra["test_start"], cell.extra["test_end"]) == (
        "2017-05-10T00:47:33+00:00",
        "2017-05-10T03:04:54+00:00",
    )
    assert [(p["test_start"], p["test_end"]) for p in cell.extra["parts"]] == [
        ("2017-05-10T00:47:33+00:00", "2017-05-10T01:04:54+00:00"),
        ("2017-05-10T02:47:33+00:00", "2017-05-10T03:04:54+00:00"),
    ]


def test_rows_without_dates_are_timed_from_the_companion_start(tmp_path: Path) -> None:
    """No ``DateTime`` column: the last row's time is the companion's start plus its test time."""
    rows = _rows(CH33)
    at = rows[0].index("DateTime")
    kept = [[cell for k, cell in enumerate(row) if k != at] for row in rows[:101]]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(kept)
    path = tmp_path / "날짜 없음.csv"
    path.write_text(out.getvalue())
    shutil.copy(CH33.with_name(f"{CH33.stem}_Metadata.csv"), tmp_path / "날짜 없음_Metadata.csv")
    header, row = _rows(CH33.with_name(f"{CH33.stem}_Metadata.csv"))
    start = int(row[header.index("First_Start_DateTime")])
    last = start + float(kept[-1][kept[0].index("Test_Time")])
    end = _companion_end(CH33)
    (note,) = _cuts(path)
    assert note["detail"].startswith(
        f"날짜 없음.csv's last row is at {_utc(last)} UTC, 날짜 없음_Metadata.csv gives the test's end as {_utc(end)} "
        f"UTC: {end - last:.1f} s later"
    )
