"""Neware BTSDA 7's binary Excel export (``.xls``): record sheets split by the 65,536-row limit, joined.

No such file is at hand: each test writes the shared IFE export's records (the record table of
``test_neware_record``) into a BIFF8 workbook with xlwt, as BTSDA does (numbers as numbers, dates as dates,
clock times as text, beside an ``Info`` sheet; BTS 7.6's ``Cycle_``/``Statis_``
sheets in :mod:`.test_neware_statis`), split over several record sheets, and expects
the very frame the record table's CSV reads to (an independent route: that reading matches Neware's own cycle
totals in the three-level file).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from gwangyang.battery.io import detect, read_cycler
from gwangyang.battery.io.xls_rows import declared_rows
from gwangyang.battery.schema import CyclerData
from gwangyang.cli.main import main
from gwangyang.errors import CorruptFileError, GwangyangError

from .test_neware_chinese import FLAT
from .test_neware_record import _table
from .variants import kinds, warned, write
from .xlsx import write_xlsx

xlwt = pytest.importorskip("xlwt")


def _rows(header: dict[str, str] | None = None) -> list[list[object]]:
    """The record table as BTSDA writes it to Excel: numbers as numbers, dates as dates, times as text."""
    lines = _table(rename=header or {}).splitlines()
    names = lines[0].split(",")
    rows: list[list[object]] = [list(names)]
    for line in lines[1:]:
        cells: list[object] = []
        for column, value in zip(names, line.split(","), strict=True):
            if column in ("Date", "日期"):
                cells.append(datetime.strptime(value, "%Y-%m-%d %H:%M:%S"))
            elif ":" in value or column in ("Step Type", "工步类型"):
                cells.append(value)
            else:
                cells.append(float(value))
        rows.append(cells)
    return rows


def write_xls(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A BIFF8 workbook, one sheet per entry; date-times styled as dates."""
    book = xlwt.Workbook(encoding="utf-8")
    dated = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value, dated) if isinstance(value, datetime) else sheet.write(r, c, value)
    book.save(str(path))
    return path


def _split(
    rows: list[list[object]], names: list[str], cuts: list[int], header: bool = True
) -> dict[str, list[list[object]]]:
    """The records over several sheets, cut before the given data rows; each sheet with the header or not."""
    bounds = [0, *cuts, len(rows) - 1]
    out: dict[str, list[list[object]]] = {"Info": [["Channel", "1-1"]]}
    for i, name in enumerate(names):
        body = rows[1 + bounds[i] : 1 + bounds[i + 1]]
        out[name] = [rows[0], *body] if header or i == 0 else body
    return out


@pytest.fixture(scope="module")
def csv_read(tmp_path_factory: pytest.TempPathFactory) -> CyclerData:
    return read_cycler(write(tmp_path_factory.mktemp("csv"), "record.csv", _table()))


@pytest.mark.parametrize(
    ("header", "names", "cuts", "repeat"),
    [
        ({}, ["Detail_1_1_2", "Detail_1_1_2_2", "Detail_1_1_2_3"], [3000, 6500], True),
        ({}, ["record", "record(2)"], [4096], False),
        (FLAT, ["记录层", "记录层2", "记录层3"], [1, 9000], True),
    ],
)
def test_split_record_sheets_read_as_the_csv(
    tmp_path: Path,
    csv_read: CyclerData,
    header: dict[str, str],
    names: list[str],
    cuts: list[int],
    repeat: bool,
) -> None:
    path = write_xls(tmp_path / "엑셀 셀.xls", _split(_rows(header), names, cuts, repeat))
    assert detect(path).name == "neware"
    data = read_cycler(path)
    assert data.cell_id == "엑셀 셀" and data.source == path and data.extra["sheets"] == names
    assert data.rows == csv_read.rows == 9295
    pd.testing.assert_frame_equal(data.timeseries, csv_read.timeseries, check_exact=True)
    assert kinds(data) == [] and data.start_time == csv_read.start_time


def test_record_numbers_overlapping_between_sheets_are_refused(tmp_path: Path) -> None:
    rows = _rows()
    sheets = _split(rows, ["Detail_1", "Detail_2"], [5000])
    sheets["Detail_2"].insert(1, rows[5000])  # the last record of the first sheet, again
    path = write_xls(tmp_path / "겹침.xls", sheets)
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    assert "'Detail_1' and 'Detail_2' overlap" in message and "ends at record 5000" in message


def test_records_missing_between_sheets_are_warned(tmp_path: Path, csv_read: CyclerData) -> None:
    sheets = _split(_rows(), ["Detail_1", "Detail_2"], [5000])
    del sheets["Detail_2"][1:4]  # records 5001-5003
    data = read_cycler(write_xls(tmp_path / "빠짐.xls", sheets))
    assert data.rows == csv_read.rows - 3
    detail = warned(data, "rows_dropped")
    assert "records 5001 to 5003 (3)" in detail and "'Detail_1'" in detail and "'Detail_2'" in detail


def test_another_header_in_a_later_sheet_is_refused(tmp_path: Path) -> None:
    sheets = _split(_rows(), ["record", "record2"], [5000])
    sheets["record2"][0] = [*sheets["record2"][0][:-1], "Other"]
    path = write_xls(tmp_path / "header.xls", sheets)
    with pytest.raises(CorruptFileError, match=r"sheet 'record2' starts with the header"):
        read_cycler(path)


def test_unknown_unit_is_refused_naming_the_sheets(tmp_path: Path) -> None:
    sheets = _split(_rows({**FLAT, "Current(A)": "电流(C)"}), ["记录层", "记录层2"], [5000])
    path = write_xls(tmp_path / "unit.xls", sheets)
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert (
        "\n" not in message
        and f"{path} (sheets '记录层', '记录层2' joined)" in message
        and "'电流(C)'" in message
    )


def test_sheets_not_read_are_named(tmp_path: Path) -> None:
    sheets = _split(_rows(), ["Detail_1"], [])
    sheets["DetailTemp_1"] = [["Record Index", "T1(°C)"], [1, 25.0]]
    data = read_cycler(write_xls(tmp_path / "aux.xls", sheets))
    assert "'DetailTemp_1'" in warned(data, "unknown_column") and "Info" not in warned(data, "unknown_column")


@pytest.mark.parametrize("keep", [0.5, 0.1])
def test_truncated_xls_is_refused_in_one_line(tmp_path: Path, keep: float) -> None:
    split = _split(_rows(), ["Detail_1", "Detail_2"], [5000])
    # the layout the damage was placed in: a 2-row step statistics sheet after Info (warned about, not checked)
    statis: list[list[object]] = [["Step", "CapaCity(mAh)"], [1, 1.0]]
    sheets = {"Info": split.pop("Info"), "Statis_1_1_2": statis, **split}
    good = write_xls(tmp_path / "good.xls", sheets)
    path = tmp_path / "잘림.xls"
    path.write_bytes(good.read_bytes()[: int(good.stat().st_size * keep)])
    with pytest.raises(GwangyangError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and ".xls" in message


def test_ingest_through_the_cli(tmp_path: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    xls = write_xls(folder / "엑셀 셀.xls", _split(_rows(FLAT), ["记录层", "记录层2"], [5000]))
    csv = write(folder, "기록 표.csv", _table())
    code = main(["battery", "ingest", str(xls), str(csv), "--store", str(store_dir), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["failed"] == [] and {"엑셀 셀", "기록 표"} <= set(report["cells"])
    cycles = []
    for cell in ("기록 표", "엑셀 셀"):
        assert main(["battery", "cycles", cell, "--store", str(store_dir), "--json"]) == 0
        rows = json.loads(capsys.readouterr().out)["cycles"]
        cycles.append([[row[c] for c in ("charge_capacity_ah", "discharge_capacity_ah")] for row in rows])
    assert len(cycles[0]) > 0 and cycles[1] == cycles[0]
    bad = folder / "잘림.xls"
    bad.write_bytes(xls.read_bytes()[:4096])
    assert main(["battery", "ingest", str(bad), "--store", str(store_dir)]) == 2
    assert "잘림.xls" in capsys.readouterr().err


def test_xlsx_record_sheets_are_joined_too(tmp_path: Path, csv_read: CyclerData) -> None:
    sheets = _split(_rows(FLAT), ["记录层", "记录层(2)"], [7000])
    path = write_xlsx(tmp_path / "엑셀.xlsx", sheets)
    data = read_cycler(path)
    assert data.extra["format"] == "record_xlsx" and data.extra["sheets"] == ["记录层", "记录层(2)"]
    pd.testing.assert_frame_equal(data.timeseries, csv_read.timeseries, check_exact=True)


def test_records_lost_inside_a_sheet_are_warned_and_refusals_name_the_sheet_row(
    tmp_path: Path, csv_read: CyclerData
) -> None:
    sheets = _split(_rows(), ["Detail_1", "Detail_2"], [5000])
    for row in sheets["Detail_2"][101:111]:  # ten records' cells lost (a damaged block reads as empty rows)
        row[:] = [None] * len(row)
    data = read_cycler(write_xls(tmp_path / "구멍.xls", sheets))
    assert data.rows == csv_read.rows - 10
    assert "10 record(s) missing inside record sheet 'Detail_2'" in warned(data, "rows_dropped")
    assert "from 5100 to 5111 (sheet row 112)" in warned(data, "rows_dropped")
    sheets = _split(_rows(), ["Detail_1", "Detail_2"], [5000])
    sheets["Detail_2"][30][6] = "x"  # Current(A) of record 5030
    path = write_xls(tmp_path / "글자.xls", sheets)
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert (
        "\n" not in message
        and "'Current(A)'" in message
        and "data row 5030 (sheet 'Detail_2' row 31)" in message
    )


def test_a_damaged_block_cutting_a_sheet_short_is_warned(tmp_path: Path) -> None:
    """Zeros over 4 KiB near the end: calamine reads the last sheet up to them and stops without a word."""
    split = _split(_rows(), ["Detail_1", "Detail_2"], [5000])
    # the layout the damage was placed in: a 2-row step statistics sheet after Info (warned about, not checked)
    statis: list[list[object]] = [["Step", "CapaCity(mAh)"], [1, 1.0]]
    sheets = {"Info": split.pop("Info"), "Statis_1_1_2": statis, **split}
    good = write_xls(tmp_path / "good.xls", sheets)
    assert declared_rows(good)["Detail_2"] == 4296 and declared_rows(good)["Detail_1"] == 5001
    raw = bytearray(good.read_bytes())
    at = int(len(raw) * 0.95)
    raw[at : at + 4096] = bytes(4096)
    path = tmp_path / "손상.xls"
    path.write_bytes(bytes(raw))
    data = read_cycler(path)
    assert data.rows < 9295
    detail = warned(data, "truncated_file")
    assert (
        f"'Detail_2' holds 4296 rows by its own count (its DIMENSIONS record) but {data.rows - 4999}"
        in detail
    )


def test_large_record_numbers_are_written_whole(tmp_path: Path) -> None:
    # a long test's record numbers pass 10**6: "%g" wrote 1234566 as 1.23457e+06 (and 3 missing records as 3)
    from gwangyang.battery.io.neware_sheets import _inside

    notes = _inside(tmp_path / "긴 시험.xls", "Detail_9", [1234565.0, 1234566.0, 1234570.0], [2, 3, 4])
    assert [n["detail"] for n in notes] == [
        "3 record(s) missing inside record sheet 'Detail_9': its record numbers skip 1 time(s), first from "
        "1234566 to 1234570 (sheet row 4)"
    ]
