"""Arbin DataPro ``.xlsx`` workbooks as customers' machines write them (written with a minimal
writer, :mod:`.xlsx`): columns moved, added or left out, milli-units, text dates in Korean form,
the channel split over two sheets, a second test appended, Korean names, a cut file. Each reads to
the original's per-cycle figures, or is warned about / refused naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from gwangyang.battery.io import read_cycler
from gwangyang.battery.schema import CyclerData
from gwangyang.errors import InputError

from .variants import (
    CYCLERS,
    assert_appended,
    assert_same_cycles,
    assert_same_dates,
    kinds,
    korean_clock,
    warned,
)
from .xlsx import write_xlsx

SOURCE = CYCLERS / "arbin" / "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"
Sheets = dict[str, list[list[object]]]


@pytest.fixture(scope="module")
def original() -> CyclerData:
    return read_cycler(SOURCE)


@pytest.fixture(scope="module")
def sheets() -> Sheets:
    book = CalamineWorkbook.from_path(str(SOURCE))
    return {
        name: [list(row) for row in book.get_sheet_by_name(name).to_python()] for name in book.sheet_names
    }


def _channel(sheets: Sheets, rows: list[list[object]]) -> Sheets:
    return {"Global_Info": sheets["Global_Info"], "Channel_11_1": rows}


def _columns(rows: list[list[object]], order: list[int]) -> list[list[object]]:
    return [[row[i] if i < len(row) else "" for i in order] for row in rows]


def test_a_written_copy_reads_the_same(tmp_path: Path, original: CyclerData, sheets: Sheets) -> None:
    data = read_cycler(write_xlsx(tmp_path / "copy.xlsx", sheets))
    assert data.timeseries.equals(original.timeseries) and data.extra == original.extra


def test_columns_moved_added_and_left_out(tmp_path: Path, original: CyclerData, sheets: Sheets) -> None:
    rows = sheets["Channel_11_1"]
    header = rows[0]
    keep = [i for i, name in enumerate(header) if name not in ("dV/dt(V/s)", "Step_Time(s)")][::-1]
    moved = _columns(rows, keep)
    moved = [[*row, "ok" if r else "Operator_Note"] for r, row in enumerate(moved)]
    data = read_cycler(write_xlsx(tmp_path / "moved.xlsx", _channel(sheets, moved)))
    assert_same_cycles(original, data)
    assert_same_dates(original, data)
    assert "'Operator_Note'" in warned(data, "unknown_column")


def test_milli_units(tmp_path: Path, original: CyclerData, sheets: Sheets) -> None:
    rows = [list(row) for row in sheets["Channel_11_1"]]
    for index, name in enumerate(rows[0]):
        if name in ("Current(A)", "Charge_Capacity(Ah)", "Discharge_Capacity(Ah)"):
            rows[0][index] = str(name).replace("(A", "(mA")
            for row in rows[1:]:
                row[index] = float(row[index]) * 1000.0  # type: ignore[arg-type]
    data = read_cycler(write_xlsx(tmp_path / "milli.xlsx", _channel(sheets, rows)))
    assert_same_cycles(original, data)


def test_text_dates_in_korean_form(tmp_path: Path, original: CyclerData, sheets: Sheets) -> None:
    rows = [list(row) for row in sheets["Channel_11_1"]]
    for row in rows[1:]:
        row[0] = korean_clock(row[0])  # type: ignore[arg-type]
    data = read_cycler(write_xlsx(tmp_path / "korean_dates.xlsx", _channel(sheets, rows)))
    assert_same_cycles(original, data)
    expected = original.timeseries["date_time"].dt.floor("s").to_numpy()
    assert (data.timeseries["date_time"].to_numpy() == expected).all() and kinds(data) == []


def test_dates_in_no_known_form_are_warned_about(
    tmp_path: Path, original: CyclerData, sheets: Sheets
) -> None:
    rows = [list(row) for row in sheets["Channel_11_1"]]
    for row in rows[1:]:
        row[0] = "week " + str(row[1])
    data = read_cycler(write_xlsx(tmp_path / "odd.xlsx", _channel(sheets, rows)))
    assert_same_cycles(original, data)
    assert "'Date_Time'" in warned(data, "unknown_format")


def test_channel_split_over_two_sheets(tmp_path: Path, original: CyclerData, sheets: Sheets) -> None:
    rows = sheets["Channel_11_1"]
    half = len(rows) // 2
    split = {
        "Global_Info": sheets["Global_Info"],
        "Channel_11_1": rows[:half],
        "Channel_11_2": [rows[0], *rows[half:]],
    }
    data = read_cycler(write_xlsx(tmp_path / "split.xlsx", split))
    assert data.timeseries.equals(original.timeseries)


def test_a_second_test_appended(tmp_path: Path, original: CyclerData, sheets: Sheets) -> None:
    rows = sheets["Channel_11_1"]
    data = read_cycler(write_xlsx(tmp_path / "twice.xlsx", _channel(sheets, [*rows, *rows[1:]])))
    assert_appended(original, data)


def test_korean_names(tmp_path: Path, original: CyclerData, sheets: Sheets) -> None:
    info = [list(row) for row in sheets["Global_Info"]]
    info[1][3] = "음극 시험 1"
    path = write_xlsx(
        tmp_path / "음극 시험 1.xlsx", {"Global_Info": info, "Channel_11_1": sheets["Channel_11_1"]}
    )
    data = read_cycler(path)
    assert_same_cycles(original, data)
    assert data.cell_id == "음극 시험 1" and data.extra["test_name"] == "음극 시험 1"


def test_a_cut_workbook_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    data = SOURCE.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"cut\.xlsx") as info:
        read_cycler(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("name", ["Channel1_1", "Channel 11_1", "Channel11"])
def test_mits8_workbook_without_an_info_sheet(
    tmp_path: Path, original: CyclerData, sheets: Sheets, name: str
) -> None:
    # MITS Pro 8 / SQL Server exports (cellpy's arbin_sql_xlsx): a sheet named for the channel, no Global_Info
    path = write_xlsx(tmp_path / "mits8_Wb_1.xlsx", {name: sheets["Channel_11_1"]})
    data = read_cycler(path)
    assert data.vendor == "arbin"
    assert data.timeseries.drop(columns="date_time", errors="ignore").equals(
        original.timeseries.drop(columns="date_time", errors="ignore")
    )


def test_a_channel_sheet_without_arbin_columns_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "other.xlsx", {"Channel1_1": [["a", "b"], [1, 2]]})
    with pytest.raises(InputError) as caught:
        read_cycler(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)
