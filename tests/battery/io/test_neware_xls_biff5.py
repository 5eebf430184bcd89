"""A Neware BTSDA ``.xls`` saved as Excel 5.0/95 (BIFF5), Chinese, code page 936: read in its code page.

calamine gives a BIFF5 workbook's two-byte text as garbage (``记录层`` and ``信息`` came back as ``������`` and
``����``, so the export was "unknown cycler format"); the workbook is read by :mod:`gwangyang.xls_biff5` as the
factory sheets are. The workbook is written record by record (``tests/biff5.py``) with the first 120 records of
the shared IFE export in BTSDA's Chinese record layout, over two record sheets; xlrd, which decodes BIFF5 in the
``CODEPAGE``'s code page, is the independent reader of the numbers, and the same rows written by xlwt (BIFF8,
read by calamine) give the same frame.
"""

from __future__ import annotations

import struct
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang import xls_biff5
from gwangyang.battery.io import detect, read_cycler
from gwangyang.battery.io.neware_xls import NewareXlsReader
from gwangyang.errors import CorruptFileError

from ...biff5 import biff5_xls, book_stream, compound_file
from .test_neware_chinese import FLAT
from .test_neware_xls import _rows, write_xls

xlrd = pytest.importorskip("xlrd")

DATE = "yyyy-mm-dd hh:mm:ss"


def _serial(value: datetime) -> float:
    return (value - datetime(1899, 12, 30)).total_seconds() / 86400


@pytest.fixture(scope="module")
def rows() -> list[list[object]]:
    return _rows(FLAT)[:121]


def _biff5(path: Path, rows: list[list[object]]) -> Path:
    """信息 and the records over 记录层 (60) and 记录层2 (60, the header again); dates as serials under ``DATE``."""
    cells = [[_serial(v) if isinstance(v, datetime) else v for v in row] for row in rows]
    formats = [DATE if isinstance(v, datetime) else None for v in rows[1]]
    sheets: dict[str, list[list[object]]] = {
        "信息": [["通道", "1-1"]],
        "记录层": cells[:61],
        "记录层2": [cells[0], *cells[61:]],
    }
    return biff5_xls(path, sheets, {"记录层": formats, "记录层2": formats}, 936)


def test_a_chinese_biff5_export_reads_as_xlrd_reads_its_numbers(
    tmp_path: Path, rows: list[list[object]]
) -> None:
    path = _biff5(tmp_path / "记录95.xls", rows)
    assert detect(path).name == "neware"
    data = read_cycler(path)
    assert data.rows == 120 and data.warnings == []
    assert data.extra["sheets"] == ["记录层", "记录层2"] and data.extra["sheets_not_read"] == {
        "信息": "test information"
    }
    book = xlrd.open_workbook(str(path))
    assert book.sheet_names() == ["信息", "记录层", "记录层2"]
    header = book.sheet_by_index(1).row_values(0)
    assert header[6:8] == ["电流(A)", "电压(V)"] and header[16] == "T1(°C)"

    def column(name: str) -> list[float]:
        at = header.index(name)
        return [book.sheet_by_index(k).cell_value(r, at) for k in (1, 2) for r in range(1, 61)]

    ts = data.timeseries
    np.testing.assert_array_equal(ts["voltage_v"], column("电压(V)"))
    np.testing.assert_array_equal(ts["current_a"], column("电流(A)"))
    np.testing.assert_array_equal(ts["temperature_c"], column("T1(°C)"))
    dates = [xlrd.xldate_as_datetime(v, book.datemode) for v in column("日期")]
    assert list(ts["date_time"]) == [pd.Timestamp(d) for d in dates]
    assert (dates[0], dates[-1]) == (rows[1][14], rows[120][14])  # the written date-times, to the second


def test_a_biff5_export_reads_as_its_biff8_twin(tmp_path: Path, rows: list[list[object]]) -> None:
    """The same records written by xlwt (BIFF8, read by calamine): the same frame."""
    ours = read_cycler(_biff5(tmp_path / "记录95.xls", rows))
    sheets: dict[str, list[list[object]]] = {
        "信息": [["通道", "1-1"]],
        "记录层": rows[:61],
        "记录层2": [rows[0], *rows[61:]],
    }
    twin = read_cycler(write_xls(tmp_path / "记录.xls", sheets))
    pd.testing.assert_frame_equal(ours.timeseries, twin.timeseries)
    assert ours.start_time == twin.start_time


def test_detection_reads_the_sheet_names_alone(
    tmp_path: Path, rows: list[list[object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``can_load`` decodes no cell: with every sheet's decoding failing, the sheet names still say Neware."""
    path = _biff5(tmp_path / "记录95.xls", rows)
    decoded: list[str] = []

    def refuse(self: object, sheet: str, start: int) -> list[list[object]]:
        decoded.append(sheet)
        raise AssertionError("a cell decoded")

    monkeypatch.setattr(xls_biff5._Book, "rows", refuse)
    assert NewareXlsReader().can_load(path, path.read_bytes()[:8]) and decoded == []


def test_a_record_sheet_cell_not_in_the_code_page_is_claimed_then_refused(
    tmp_path: Path, rows: list[list[object]]
) -> None:
    """Detected by its sheet names (decoded in cp936), then refused in one line naming the sheet and cell."""
    cells = [[_serial(v) if isinstance(v, datetime) else v for v in row] for row in rows[:61]]
    stream = bytearray(book_stream({"信息": [["通道", "1-1"]], "记录层": cells}, {"记录层": []}, 936))
    label = "工步类型".encode("cp936")  # the header's step type: 记录层 row 1, column D
    at = stream.index(struct.pack("<H", len(label)) + label)
    stream[at + 2 : at + 4] = b"\xff\xff"  # 0xFF leads no cp936 character
    path = tmp_path / "깨진95.xls"
    path.write_bytes(compound_file(bytes(stream)))
    assert detect(path).name == "neware"
    with pytest.raises(CorruptFileError) as error:
        read_cycler(path)
    assert str(error.value) == (
        f"{path}: sheet '记录层', cell D1: its bytes are not text in code page 936 (the workbook's CODEPAGE "
        "record): the file is damaged or its code page is wrong."
    )


def test_a_biff5_export_cut_short_is_claimed_then_refused(tmp_path: Path, rows: list[list[object]]) -> None:
    """A sheet list without its end (the globals cut) is claimed by the name ``.xls`` and refused in one line."""
    stream = book_stream({"记录层": [rows[0]]}, {"记录层": []}, 936)
    path = tmp_path / "잘린95.xls"
    path.write_bytes(compound_file(stream[:200]))
    assert detect(path).name == "neware"
    with pytest.raises(CorruptFileError) as error:
        read_cycler(path)
    assert str(error.value) == (
        f"{path}: an Excel 5.0/95 (BIFF5) workbook cut short or damaged: its sheet list has no end record."
    )
