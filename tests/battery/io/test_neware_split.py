"""A Neware workbook whose record, step and cycle tables go on over several sheets, and the sheets it leaves out.

BTSDA goes on with a table longer than a sheet holds (1,048,575 rows; 65,535 in an ``.xls``) in further sheets
(``record``, ``record_1``...; BTS 7.6 ``Detail_67_1_1``, ``Detail_67_1_2``). No such workbook is at hand: each test
writes the shared IFE export's records, steps and cycles (:mod:`.test_neware_btsda8`) cut into parts at a small row
count, by hand (the header again in some parts, not in others). The frame read must equal, to the bit, the one the
record table's CSV reads to, and the cycle sheet's figures (Neware's own, 5 decimals) the unsplit workbook's.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.battery.schema import CyclerData

from .test_neware_btsda8 import _cell, _cycle_rows, _record_rows, _step_rows, workbook
from .test_neware_record import HEADER, RECORDS, _table
from .variants import kinds, warned, write
from .xlsx import write_xlsx


def parts(
    rows: list[list[object]], size: int, names: list[str], header_again: bool = True
) -> dict[str, list[list[object]]]:
    """The table cut every ``size`` data rows into sheets named ``names`` (the header again in each, or only first)."""
    header, body = rows[0], rows[1:]
    cut = [body[i : i + size] for i in range(0, len(body), size)]
    assert len(cut) == len(names)
    return {
        n: ([header] if header_again or i == 0 else []) + p
        for i, (n, p) in enumerate(zip(names, cut, strict=True))
    }


@pytest.fixture(scope="module")
def csv_read(tmp_path_factory: pytest.TempPathFactory) -> CyclerData:
    return read_cycler(write(tmp_path_factory.mktemp("csv"), "record.csv", _table()))


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> CyclerData:
    return read_cycler(workbook(tmp_path_factory.mktemp("whole")))


def test_record_step_and_cycle_sheets_split_are_joined(
    tmp_path: Path, csv_read: CyclerData, whole: CyclerData
) -> None:
    # 9,295 records in three sheets (4,000 a sheet; the third without the header), 81 steps in 40s, 20 cycles in 8s
    sheets: dict[str, list] = {"test": [["Test information"]], "unit": [["u"]]}
    sheets |= parts(_cycle_rows(), 8, ["cycle", "cycle_1", "cycle_2"])
    sheets |= parts(_step_rows(), 40, ["step", "step_1", "step_2"], header_again=False)
    sheets |= parts(_record_rows(), 4000, ["record", "record_1", "record_2"], header_again=False)
    assert [len(sheets[n]) for n in ("record", "record_1", "record_2")] == [4001, 4000, 1295]
    data = read_cycler(write_xlsx(tmp_path / "나뉜 시트.xlsx", sheets))
    assert data.extra["sheets"] == ["record", "record_1", "record_2"]
    assert data.extra["step_sheets"] == ["step", "step_1", "step_2"]
    assert data.extra["cycle_sheets"] == ["cycle", "cycle_1", "cycle_2"]
    assert data.extra["sheets_not_read"] == {"test": "test information", "unit": "test information"}
    assert data.rows == 9295 and data.cycles == 20 and kinds(data) == []
    pd.testing.assert_frame_equal(data.timeseries, csv_read.timeseries, check_exact=True)
    assert whole.vendor_cycles is not None and data.vendor_cycles is not None
    pd.testing.assert_frame_equal(data.vendor_cycles, whole.vendor_cycles, check_exact=True)


def test_bts76_detail_sheets_split_are_joined(tmp_path: Path, csv_read: CyclerData) -> None:
    # records naming their cycle and step in Detail_67_1_1, Detail_67_1_2 (the header again); the step sheet checked
    records: list[list[object]] = [list(HEADER), *[[_cell(c, r.get(c, "")) for c in HEADER] for r in RECORDS]]
    sheets = parts(records, 5000, ["Detail_67_1_1", "Detail_67_1_2"])
    sheets = {"Info": [["x"]], **sheets, "Chart": [["a picture"]], "step": _step_rows()}
    data = read_cycler(write_xlsx(tmp_path / "detail.xlsx", sheets))
    pd.testing.assert_frame_equal(data.timeseries, csv_read.timeseries, check_exact=True)
    assert data.extra["sheets_not_read"] == {"Info": "test information", "Chart": "unknown"}
    assert data.extra["step_sheets"] == ["step"]  # against the records (neware_stepcheck): agreed, no warning
    assert warned(data, "unknown_column") == (
        "sheet(s) not read, being no record, step, cycle or test information sheet: 'Chart'"
    )


def test_an_edited_step_in_a_later_step_sheet_is_named_by_its_sheet_and_row(tmp_path: Path) -> None:
    steps = _step_rows()
    assert steps[44][:4] + steps[44][7:8] == [11.0, 4.0, 44.0, "CC DChg", 0.29495]  # row 5 of sheet 'step_1'
    steps[44][7] = 0.29595  # its last record (the export's own line): 0.294950277 Ah
    sheets = parts(steps, 40, ["step", "step_1", "step_2"])
    data = read_cycler(write_xlsx(tmp_path / "b.xlsx", {**sheets, "record": _record_rows()}))
    assert warned(data, "unknown_format") == (
        "sheet 'step_1' row 5 (cycle 11, step 4): 'Capacity(Ah)' is 0.29595 there but 0.29495028 from the step's "
        "last record (1 step(s) differ by more than 1e-05, a unit of the sheet's last decimal)"
    )


def test_a_second_channel_s_cycle_sheet_is_not_joined_and_said_so(tmp_path: Path) -> None:
    # cycle_1 starts again at cycle 1: another channel's, or the rows twice; the records' cycles 9-20 are unlisted
    cycles = _cycle_rows()
    other = [cycles[0], *cycles[1:9]]
    sheets = {
        "cycle_0": [],
        "cycle": cycles[:9],
        "cycle_1": other,
        "step": _step_rows(),
        "record": _record_rows(),
    }
    data = read_cycler(write_xlsx(tmp_path / "c.xlsx", sheets))
    assert warned(data, "unknown_column") == (
        "sheet 'cycle_1' not read: its first 'Cycle Index' is 1, not after sheet 'cycle''s last (8) (another "
        "channel's, or the same rows twice)"
    )
    assert warned(data, "unknown_format") == (
        "the records hold 12 cycle(s) sheet 'cycle' does not list, first cycle 9"
    )
    assert data.extra["sheets_not_read"] == {
        "cycle_0": "empty",
        "cycle_1": "not joined",
    }  # empty: nothing to say
    assert data.vendor_cycles is not None and len(data.vendor_cycles) == 8


def test_a_later_sheet_with_another_header_is_not_joined_and_said_so(tmp_path: Path) -> None:
    cycles = _cycle_rows()
    sheets = parts(cycles, 10, ["cycle", "cycle(2)"])
    sheets["cycle(2)"][0] = ["Cycle", "Something else"]
    data = read_cycler(
        write_xlsx(tmp_path / "d.xlsx", {**sheets, "step": _step_rows(), "record": _record_rows()})
    )
    assert warned(data, "unknown_column") == (
        "sheet 'cycle(2)' not read: its header ['Cycle', 'Something else'] is not that of sheet 'cycle', whose rows "
        "it would go on with"
    )
