"""BIFF5 dates: a 1904-mode workbook (DATEMODE 1) and formats with unquoted Hangul, checked against xlrd.

xlrd, the independent reader, turns each date cell's serial into a tuple by the workbook's date mode
(``xldate_as_tuple``: ``(0, 0, 0, h, m, s)`` for a time of day under one day, in either mode); ours give the
``date``, ``datetime`` or ``time`` python-calamine gives (it reads 0.5 under ``h:mm`` in a 1904 ``.xlsx`` as
``time(12, 0)`` too).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from gwangyang.sheets import read_sheet
from gwangyang.xls_biff5 import biff5_sheets
from tests.biff5 import biff5_xls

xlrd = pytest.importorskip("xlrd")

SERIALS = [0.5, 61.25, 366.0, 44926.75, 45292.0, 1462.5]
"""A time of day, a date-time, whole days and a date-time of 2027 (1904) or 2022 (1900); none in 1900's first 60
days, where xlrd refuses to choose (Excel's 29 February 1900)."""
FORMATS = {"일지": [None, "yyyy-mm-dd hh:mm", "h:mm"]}


def _tuple(value: Any) -> tuple[int, ...]:
    """A cell of ours as xlrd's ``xldate_as_tuple`` gives it."""
    if isinstance(value, dt.datetime):
        return (value.year, value.month, value.day, value.hour, value.minute, value.second)
    if isinstance(value, dt.date):
        return (value.year, value.month, value.day, 0, 0, 0)
    assert isinstance(value, dt.time), value
    return (0, 0, 0, value.hour, value.minute, value.second)


def _xlrd_tuples(path: Path, column: int) -> list[tuple[int, ...]]:
    book = xlrd.open_workbook(str(path))
    sheet = book.sheet_by_index(0)
    assert all(sheet.cell_type(r, column) == xlrd.XL_CELL_DATE for r in range(1, sheet.nrows))
    return [xlrd.xldate_as_tuple(sheet.cell_value(r, column), book.datemode) for r in range(1, sheet.nrows)]


@pytest.mark.parametrize("date1904", [True, False], ids=["1904", "1900"])
def test_dates_follow_the_workbooks_date_mode_as_xlrd(date1904: bool, tmp_path: Path) -> None:
    rows: list[list[object]] = [["번호", "일시", "시각"]]
    rows += [[i + 1, v, v] for i, v in enumerate(SERIALS)]
    path = biff5_xls(tmp_path / "일지95.xls", {"일지": rows}, FORMATS, date1904=date1904)
    assert xlrd.open_workbook(str(path)).datemode == int(date1904)
    sheets = biff5_sheets(path, "일지95.xls")
    assert sheets is not None
    grid = sheets[0][1]
    for column in (1, 2):
        assert [_tuple(row[column]) for row in grid[1:]] == _xlrd_tuples(path, column)
    # by hand: 1904 counts days from 1904-01-01 (serial 0), 1900 from 1899-12-31 with a 29 February 1900 that
    # never was (serials from 61 on, all but 0.5 here, are one day ahead); a whole serial is a date, one under a
    # day a time of day
    epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    stamps = [epoch + dt.timedelta(days=v) for v in SERIALS]
    expected = [
        s.time() if v < 1 else s.date() if v == int(v) else s for v, s in zip(SERIALS, stamps, strict=True)
    ]
    assert [row[1] for row in grid[1:]] == [row[2] for row in grid[1:]] == expected
    assert expected[4] == (dt.date(2028, 1, 2) if date1904 else dt.date(2024, 1, 1))


def test_a_1904_workbook_reads_to_a_table_of_datetimes(tmp_path: Path) -> None:
    """Through :func:`read_sheet`: the date-times of serials counted from 1904-01-01 (by hand, as above)."""
    rows: list[list[object]] = [["번호", "일시"]]
    rows += [[i + 1, v] for i, v in enumerate(SERIALS[1:])]
    path = biff5_xls(tmp_path / "일지95.xls", {"일지": rows}, FORMATS, date1904=True)
    table = read_sheet(path, "일지").table
    assert table["번호"].tolist() == [1, 2, 3, 4, 5]
    assert table["일시"].tolist() == [pd.Timestamp("1904-01-01") + pd.Timedelta(days=v) for v in SERIALS[1:]]
    assert str(table["일시"].iloc[3]) == "2028-01-02 00:00:00"


HANGUL = "갿"
"""A Hangul syllable whose second cp949 byte is ``h`` (0x81 0x68): read byte by byte, it looked like an hour."""


def test_unquoted_hangul_in_formats_reads_as_xlrd(tmp_path: Path) -> None:
    """``yyyy년 m월`` (Hangul unquoted) is a date, ``0갿`` a number: as xlrd, which decodes formats in cp949."""
    assert HANGUL.encode("cp949") == b"\x81h"
    rows: list[list[object]] = [["월", "수량"], [45292, 7], [45323.5, 12]]
    path = biff5_xls(tmp_path / "월보95.xls", {"월보": rows}, {"월보": ["yyyy년 m월", f"0{HANGUL}"]})
    sheets = biff5_sheets(path, "월보95.xls")
    assert sheets is not None
    grid = sheets[0][1]
    assert [_tuple(row[0]) for row in grid[1:]] == [(2024, 1, 1, 0, 0, 0), (2024, 2, 1, 12, 0, 0)]
    assert [_tuple(row[0]) for row in grid[1:]] == _xlrd_tuples(path, 0)
    book = xlrd.open_workbook(str(path), formatting_info=True)
    sheet = book.sheet_by_index(0)
    assert [
        book.format_map[book.xf_list[sheet.cell_xf_index(1, c)].format_key].format_str for c in (0, 1)
    ] == [
        "yyyy년 m월",
        f"0{HANGUL}",
    ]
    assert [sheet.cell_type(r, 1) for r in (1, 2)] == [xlrd.XL_CELL_NUMBER] * 2
    assert [row[1] for row in grid[1:]] == [sheet.cell_value(1, 1), sheet.cell_value(2, 1)] == [7.0, 12.0]
