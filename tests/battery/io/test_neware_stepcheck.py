"""A Neware workbook's step sheet checked against records that name their own cycle and step.

The shared IFE three-level export laid out as a BTSDA workbook (:mod:`.test_neware_btsda8`'s sheets) whose record
sheet keeps ``Cycle Index``/``Step Index``: the ``step`` sheet is then BTSDA's summary of the records. Unedited, its
81 steps agree with the records (each ``Step Time`` is its last record's ``Time``, each ``Capacity`` its last record's
to the sheet's 5 decimals: the export's own lines), so no warning. Each test edits one cell or row and asserts the
warning names the sheet, the row, the cycle and step and both values, as read off the export by hand.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.battery.schema import CyclerData

from .test_neware_btsda8 import STEP_ZH, _chinese, _cycle_rows, _record_rows, _step_rows, workbook
from .test_neware_record import HEADER, RECORDS, _table
from .variants import kinds, warned, write
from .xlsx import write_xlsx

NAME = "네웨어 셀.xlsx"


def named(folder: Path, steps: list[list[object]], name: str = NAME) -> Path:
    """The workbook with records naming their cycle and step, and the step sheet ``steps``."""
    return workbook(folder, name, records=_record_rows(list(HEADER)), steps=steps)


@pytest.fixture(scope="module")
def csv_read(tmp_path_factory: pytest.TempPathFactory) -> CyclerData:
    return read_cycler(write(tmp_path_factory.mktemp("csv"), "record.csv", _table()))


def test_the_unedited_export_s_step_sheet_agrees(tmp_path: Path, csv_read: CyclerData) -> None:
    data = read_cycler(named(tmp_path, _step_rows()))
    assert kinds(data) == []
    assert data.extra["step_sheets"] == ["step"] and "step" not in data.extra["sheets_not_read"]
    pd.testing.assert_frame_equal(data.timeseries, csv_read.timeseries, check_exact=True)


def test_an_edited_step_capacity_names_the_step_and_both_values(tmp_path: Path) -> None:
    # cycle 1's charge step: 0.02256 Ah in the export's step line, its last record (21) 0.022564143 Ah
    steps = _step_rows()
    assert steps[2][:4] + steps[2][7:8] == [1.0, 2.0, 2.0, "CC Chg", 0.02256]
    steps[2][7] = 0.02258  # two units of the last decimal more
    data = read_cycler(named(tmp_path, steps))
    assert warned(data, "unknown_format") == (
        "sheet 'step' row 3 (cycle 1, step 2): 'Capacity(Ah)' is 0.02258 there but 0.02256414 from the step's last "
        "record (1 step(s) differ by more than 1e-05, a unit of the sheet's last decimal)"
    )
    steps[2][7] = 0.02257  # one unit: the sheet's rounding
    assert kinds(read_cycler(named(tmp_path, steps, "한 단위.xlsx"))) == []


def test_an_edited_step_time_is_warned_beyond_the_logging_interval(tmp_path: Path) -> None:
    # cycle 1's discharge: 00:41:50 = 2510 s, its 89 records 30 s apart at most (records 27-28 of the export's step)
    steps = _step_rows()
    assert steps[4][:5] == [1.0, 4.0, 4.0, "CC DChg", "00:41:50"]
    steps[4][4] = "00:42:50"
    data = read_cycler(named(tmp_path, steps))
    assert warned(data, "unknown_format") == (
        "sheet 'step' row 5 (cycle 1, step 4): 'Step Time' is 2570 s there but 2510 s from the step's records (1 "
        "step(s) differ by more than a second and their longest logging interval, 31 s for this one)"
    )
    steps[4][4] = "00:42:21"  # 31 s: the step may end an interval after its last record
    assert kinds(read_cycler(named(tmp_path, steps, "간격 안.xlsx"))) == []


def test_edited_dates_and_type_each_warn_once(tmp_path: Path) -> None:
    steps = _step_rows()
    # cycle 2's charge (row 7) and discharge (row 9); cycle 3's rest (row 12: records 2 s apart)
    assert steps[6][3] == "CC Chg" and steps[8][6] == datetime(2026, 3, 6, 15, 0, 54)
    assert steps[11][:4] + steps[11][5:6] == [3.0, 3.0, 11.0, "Rest", datetime(2026, 3, 6, 15, 47, 53)]
    steps[6][3] = "CC DChg"
    end, onset = steps[8][6], steps[11][5]
    assert isinstance(end, datetime) and isinstance(onset, datetime)
    steps[8][6] = end + timedelta(minutes=2)
    steps[11][5] = onset - timedelta(seconds=4)
    data = read_cycler(named(tmp_path, steps))
    assert [w["detail"] for w in data.warnings] == [
        "sheet 'step' row 7 (cycle 2, step 2): 'Step Type' is 'CC DChg' there but 'CC Chg' in the step's records "
        "(1 step(s) differ so)",
        "sheet 'step' row 12 (cycle 3, step 3): 'Oneset Date' is 2026-03-06 15:47:49 there but 2026-03-06 15:47:53 "
        "from the step's records (1 step(s) differ by more than a second and their longest logging interval, 3 s "
        "for this one)",
        "sheet 'step' row 9 (cycle 2, step 4): 'End Date' is 2026-03-06 15:02:54 there but 2026-03-06 15:00:54 from "
        "the step's records (1 step(s) differ by more than a second and their longest logging interval, 31 s for "
        "this one)",
    ]
    assert set(kinds(data)) == {"unknown_format"}


def test_a_step_the_sheet_lacks_and_one_the_records_lack(tmp_path: Path) -> None:
    steps = _step_rows()
    assert steps[10][:3] == [3.0, 2.0, 10.0]
    del steps[10]
    extra = list(steps[-1])
    extra[:3] = [21.0, 2.0, 82.0]  # a step after the records' last (cycle 20's closing rest)
    steps.append(extra)
    data = read_cycler(named(tmp_path, steps))
    # cycle 3's charge starts at the record sheet's row (header 1) after its records before it
    first = next(i for i, r in enumerate(RECORDS) if (r["Cycle Index"], r["Step Index"]) == ("3", "2"))
    assert first + 2 == 900
    assert [w["detail"] for w in data.warnings] == [
        "sheet 'step' lists 1 step(s) the records do not hold, first its row 82 (cycle 21, step 2)",
        "the records hold 1 step(s) sheet 'step' does not list, first cycle 3 step 2, at sheet 'record' row 900",
    ]


def test_a_step_sheet_without_a_step_column_is_not_checked_and_says_so(tmp_path: Path) -> None:
    steps = [[c for k, c in enumerate(r) if k != 1] for r in _step_rows()]
    data = read_cycler(named(tmp_path, steps))
    assert warned(data, "unknown_format") == (
        "sheet 'step' not checked against the records: no cycle or step column ('Cycle Index', 'Step Index', "
        "'循环号', '工步号')"
    )


def test_a_step_sheet_split_over_two_sheets_names_the_second(tmp_path: Path) -> None:
    steps = _step_rows()
    first, second = steps[:42], steps[42:]  # steps 1-41, then 42-81 without the header
    assert second[0][:3] == [11.0, 2.0, 42.0]
    second[0][7] = 0.40000  # cycle 11's charge: 0.29884 Ah written, its last record 0.298836052
    sheets = {"cycle": _cycle_rows(), "step": first, "step_1": second, "record": _record_rows(list(HEADER))}
    data = read_cycler(write_xlsx(tmp_path / "나뉜 공정.xlsx", sheets))
    assert data.extra["step_sheets"] == ["step", "step_1"]
    assert warned(data, "unknown_format") == (
        "sheet 'step_1' row 1 (cycle 11, step 2): 'Capacity(Ah)' is 0.40000 there but 0.29883605 from the step's "
        "last record (1 step(s) differ by more than 1e-05, a unit of the sheet's last decimal)"
    )


def test_a_chinese_install_s_step_sheet(tmp_path: Path) -> None:
    # 工步层 with Chinese names and step types (恒流放电), 记录层 naming 循环号/工步号: agreed; one edited time warned
    from .test_neware_chinese import FLAT

    records = _chinese(_record_rows(list(HEADER)), FLAT)
    assert records[0][1:3] == ["循环号", "工步号"]
    steps = _chinese(_step_rows(), STEP_ZH)
    good = read_cycler(write_xlsx(tmp_path / "중국어.xlsx", {"工步层": steps, "记录层": records}))
    assert kinds(good) == [] and good.extra["step_sheets"] == ["工步层"]
    steps[4][4] = "00:40:50"  # cycle 1's discharge, 2510 s, a minute short
    bad = read_cycler(write_xlsx(tmp_path / "중국어 고침.xlsx", {"工步层": steps, "记录层": records}))
    assert warned(bad, "unknown_format") == (
        "sheet '工步层' row 5 (cycle 1, step 4): '工步时间' is 2450 s there but 2510 s from the step's records (1 "
        "step(s) differ by more than a second and their longest logging interval, 31 s for this one)"
    )


def test_an_xls_workbook_s_step_sheet_is_checked_the_same_way(tmp_path: Path) -> None:
    # BTSDA 7's binary .xls (calamine): the same step sheet beside records naming their cycle and step
    from .test_neware_xls import write_xls

    steps = _step_rows()
    records = _record_rows(list(HEADER))
    assert kinds(read_cycler(write_xls(tmp_path / "기록.xls", {"step": steps, "record": records}))) == []
    assert steps[80][:4] + steps[80][7:8] == [
        20.0,
        4.0,
        80.0,
        "CC DChg",
        0.2632,
    ]  # its last record: 0.263203025
    steps[80][7] = 0.2732
    data = read_cycler(write_xls(tmp_path / "고침.xls", {"step": steps, "record": records}))
    assert warned(data, "unknown_format") == (
        "sheet 'step' row 81 (cycle 20, step 4): 'Capacity(Ah)' is 0.27320 there but 0.26320302 from the step's "
        "last record (1 step(s) differ by more than 1e-05, a unit of the sheet's last decimal)"
    )
