"""A Novonix export's ``[Summary]`` ``Started`` held against its rows' first date and run time.

The shared export (TRI-AMDD/beep) starts at ``2022-04-11 10:58:07 AM`` and its first row is that time at run time
0: nothing is said. Copies under Korean names have ``Started`` moved or unreadable, or their first rows removed.
The expected times and gaps are computed here from the lines' text (the csv and datetime modules).
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from pathlib import Path

import pytest

from gwangyang.api import i18n
from gwangyang.battery.io import read_cycler

from .variants import CYCLERS

SOURCE = CYCLERS / "novonix" / "test_Nova_Form-CH01-01_short.csv"
STARTED = "Started: 2022-04-11 10:58:07 AM"
FORMAT = "%Y-%m-%d %I:%M:%S %p"


def _text() -> str:
    return SOURCE.read_text(encoding="utf-8")


def _write(folder: Path, text: str, name: str = "노바 셀.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _data_rows(text: str) -> tuple[list[str], list[list[str]]]:
    """The header's and each row's fields (each line one quoted field, its values comma-separated)."""
    lines = text.splitlines()
    at = next(k for k, line in enumerate(lines) if line.startswith('"Date and Time,'))
    rows = [next(csv.reader([line]))[0].split(",") for line in lines[at:]]
    return rows[0], rows[1:]


def test_the_shared_export_agrees() -> None:
    _header, rows = _data_rows(_text())
    assert STARTED in _text() and rows[0][:4] == ["2022-04-11 10:58:07 AM", "1", "0", "0.0000000"]
    data = read_cycler(SOURCE)
    assert data.warnings == [] and data.extra["test_start"] == "2022-04-11T10:58:07"


@pytest.mark.parametrize(
    ("started", "apart"),
    [
        ("2022-04-11 11:58:07 AM", None),  # an hour on: 3600 s
        ("2022-04-11 10:56:37 AM", None),  # 90 s before
        ("2022-04-11 10:57:17 AM", 0),  # 50 s before: within the minute
        ("2022-04-11 10:58:47 AM", 0),  # 40 s after
    ],
)
def test_a_moved_start_is_named(tmp_path: Path, started: str, apart: int | None) -> None:
    data = read_cycler(_write(tmp_path, _text().replace(STARTED, f"Started: {started}")))
    told = dt.datetime.strptime(started, FORMAT)
    own = dt.datetime(2022, 4, 11, 10, 58, 7)  # the first row, at run time 0
    seconds = (own - told).total_seconds()
    assert data.start_time is not None and data.start_time.to_pydatetime() == told  # Started stays the start
    if apart == 0:
        assert abs(seconds) <= 60 and data.warnings == []
        return
    (note,) = data.warnings
    assert (note["kind"], note["file"]) == ("start_time_mismatch", "노바 셀.csv")
    assert note["detail"] == (
        f"[Summary] gives the test's start (Started) as {told:%Y-%m-%d %H:%M:%S}, 노바 셀.csv's rows as "
        f"2022-04-11 10:58:07 (its first row's date and time less its run time): {abs(seconds):.0f} s "
        f"{'later' if seconds > 0 else 'earlier'}, more than the 60 s allowed; the summary may belong to another "
        "test, or the clock was changed; Started is kept as the cell's start"
    )
    assert abs(seconds) in (3600, 90)
    korean = i18n.phrase(note["detail"], "ko")
    assert korean.startswith(
        f"[Summary]는 시험 시작(Started)을 {told:%Y-%m-%d %H:%M:%S}(으)로, 노바 셀.csv의 행은 "
    )
    assert f"{abs(seconds):.0f}초 {'늦어' if seconds > 0 else '빨라'} 허용치 60초를 넘습니다; " in korean


def test_an_unreadable_start_is_named(tmp_path: Path) -> None:
    data = read_cycler(_write(tmp_path, _text().replace(STARTED, "Started: 어제 오후")))
    assert data.start_time is None and "test_start" not in data.extra
    (note,) = data.warnings
    assert note["kind"] == "unknown_format"
    assert note["detail"] == (
        "[Summary] 'Started' holds '어제 오후', no date this reader knows; the test's start is not read"
    )


@pytest.mark.parametrize("removed", [10, 500])
def test_rows_cut_at_the_start_are_named(tmp_path: Path, removed: int) -> None:
    lines = _text().splitlines(keepends=True)
    at = next(k for k, line in enumerate(lines) if line.startswith('"Date and Time,'))
    text = "".join(lines[: at + 1] + lines[at + 1 + removed :])
    header, rows = _data_rows(text)
    run = [float(r[header.index("Run Time (h)")]) * 3600.0 for r in rows]
    interval = max(b - a for a, b in itertools.pairwise(run))
    first = dt.datetime.strptime(rows[0][0], FORMAT)
    late = (first - dt.datetime(2022, 4, 11, 10, 58, 7)).total_seconds()
    data = read_cycler(_write(tmp_path, text))
    if removed == 10:  # 10 rows, 10 s: within the longest interval (60.1 s) and a second
        assert late == 10 and interval == pytest.approx(60.07032) and data.warnings == []
        return
    (note,) = data.warnings
    assert note["kind"] == "truncated_file"
    assert note["detail"] == (
        f"노바 셀.csv's first row is at {first:%Y-%m-%d %H:%M:%S} (run time {run[0] / 3600:.4f} h), [Summary] gives "
        f"the test's start (Started) as 2022-04-11 10:58:07: {late:.1f} s later, more than the "
        f"{interval + 1:.1f} s allowed (its longest logging interval, {interval:.1f} s, and 1.0 s for the clock); "
        "rows at its start are missing, the file looks cut"
    )
    assert late == pytest.approx(run[0], abs=1.0)  # its date less its run time is still Started
