"""BTSDA 8's Excel export (``.xlsx``): a ``record`` sheet naming no cycle or step, joined with the ``step`` sheet.

No such file is at hand: each test lays the shared IFE three-level export out as BTSDA 8 writes its workbook (the
layout cellpy's ``neware_xlsx`` loader reads): ``test``/``unit`` sheets, a ``cycle`` sheet with the export's own cycle
rows (Neware's totals, 5 decimals), a ``step`` sheet with its step rows and each step's first and last record date
as ``Oneset Date``/``End Date``, and a ``record`` sheet with the records without ``Cycle Index``/``Step Index``.
The frame read must equal, to the bit, the one the record table's CSV (which names each record's cycle and step,
``test_neware_record``) reads to: an independent route, since the reader finds each record's step from the step
types, step times and dates alone. The cycle sheet is Neware's own figures, so its check against the records is
independent of the reader too.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from gwangyang.battery.io import detect, read_cycler
from gwangyang.battery.schema import CyclerData
from gwangyang.cli.main import main
from gwangyang.errors import CorruptFileError

from .test_neware_record import HEADER, RECORDS, _table
from .variant_layouts import NEWARE_CSV
from .variants import kinds, warned, write
from .xlsx import write_xlsx

RECORD_HEADER = [h for h in HEADER if h not in ("Cycle Index", "Step Index")]
STEP_HEADER = [
    "Cycle Index",
    "Step Index",
    "Step Number",
    "Step Type",
    "Step Time",
    "Oneset Date",
    "End Date",
]
STEP_HEADER += ["Capacity(Ah)", "Energy(Wh)", "Oneset Volt.(V)", "End Voltage(V)"]
CYCLE_HEADER = ["Cycle Index", "Chg. Cap.(Ah)", "DChg. Cap.(Ah)", "Chg.-DChg. Eff(%)", "Chg. Energy(Wh)"]
CYCLE_HEADER += ["DChg. Energy(Wh)", "Chg. Time", "DChg. Time"]
_STAMP = "%Y-%m-%d %H:%M:%S"


def _cell(column: str, value: str) -> object:
    """A cell as BTSDA 8 writes it: numbers as numbers, dates as dates, clock times and names as text."""
    if column in ("Date", "Oneset Date", "End Date"):
        return datetime.strptime(value, _STAMP)
    if ":" in value or column == "Step Type":
        return value
    return float(value)


def _levels() -> tuple[list[list[str]], list[list[str]]]:
    """The IFE export's cycle rows and step rows (with each step's cycle), as written."""
    lines = NEWARE_CSV.path.read_text(encoding="latin-1").splitlines()
    cycles: list[list[str]] = []
    steps: list[list[str]] = []
    for line in lines[3:]:
        if not line.startswith(","):
            fields = line.split(",")
            cycles.append(fields[:8])
            if len(fields) > 8:  # the first step rides on the first cycle line
                steps.append([fields[0], *fields[8:]])
        elif not line.startswith(",,"):
            steps.append([cycles[-1][0], *line[1:].split(",")])
    return cycles, steps


CYCLES, STEPS = _levels()


def _step_rows() -> list[list[object]]:
    """The step sheet: each step's cycle, index, number, type, time, dates (its first and last record's) and figures."""
    runs: list[list[dict[str, str]]] = []
    for record in RECORDS:
        key = (record["Cycle Index"], record["Step Index"])
        if runs and (runs[-1][0]["Cycle Index"], runs[-1][0]["Step Index"]) == key:
            runs[-1].append(record)
        else:
            runs.append([record])
    assert len(runs) == len(STEPS) == 81
    rows: list[list[object]] = [list(STEP_HEADER)]
    for (cycle, index, number, kind, step_time, capacity, energy, v0, v1, *_), run in zip(
        STEPS, runs, strict=True
    ):
        assert (cycle, index) == (run[0]["Cycle Index"], run[0]["Step Index"])
        values = [
            cycle,
            index,
            number,
            kind,
            step_time,
            run[0]["Date"],
            run[-1]["Date"],
            capacity,
            energy,
            v0,
            v1,
        ]
        rows.append([_cell(c, v) for c, v in zip(STEP_HEADER, values, strict=True)])
    return rows


def _record_rows(header: list[str] = RECORD_HEADER) -> list[list[object]]:
    rows: list[list[object]] = [list(header)]
    for record in RECORDS:
        rows.append([_cell(c, record.get(c, "정상")) for c in header])
    return rows


def _cycle_rows() -> list[list[object]]:
    return [
        list(CYCLE_HEADER),
        *[[_cell(c, v) for c, v in zip(CYCLE_HEADER, r, strict=True)] for r in CYCLES],
    ]


def workbook(
    folder: Path,
    name: str = "BTSDA8 셀.xlsx",
    records: list[list[object]] | None = None,
    steps: list[list[object]] | None = None,
    cycles: list[list[object]] | None = None,
) -> Path:
    """BTSDA 8's sheets, in its order."""
    sheets: dict[str, list[list[object]]] = {
        "test": [["Test information"], ["Start step ID", None, 1]],
        "unit": [[name], ["Start time", None, datetime(2026, 3, 6, 12, 37, 25)]],
        "cycle": cycles if cycles is not None else _cycle_rows(),
        "step": steps if steps is not None else _step_rows(),
        "record": records if records is not None else _record_rows(),
    }
    return write_xlsx(folder / name, sheets)


@pytest.fixture(scope="module")
def csv_read(tmp_path_factory: pytest.TempPathFactory) -> CyclerData:
    return read_cycler(write(tmp_path_factory.mktemp("csv"), "record.csv", _table()))


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return workbook(tmp_path_factory.mktemp("book"))


def test_records_get_their_cycle_and_step_from_the_step_sheet(book: Path, csv_read: CyclerData) -> None:
    assert detect(book).name == "neware"
    data = read_cycler(book)
    assert data.cell_id == "BTSDA8 셀" and data.extra["steps_from"] == "step"
    assert data.rows == csv_read.rows == 9295 and data.cycles == 20
    pd.testing.assert_frame_equal(data.timeseries, csv_read.timeseries, check_exact=True)
    assert kinds(data) == [] and data.start_time == csv_read.start_time


def test_the_cycle_sheet_agrees_and_is_kept(book: Path) -> None:
    data = read_cycler(book)
    assert data.vendor_cycles is not None and len(data.vendor_cycles) == 20
    first = data.vendor_cycles.iloc[0]
    assert (first["cycle_index"], first["charge_capacity_ah"], first["discharge_capacity_ah"]) == (
        1,
        0.02256,
        0.33067,
    )


def test_one_edited_cycle_cell_is_warned_with_both_numbers(tmp_path: Path, csv_read: CyclerData) -> None:
    cycles = _cycle_rows()
    assert cycles[3][:3] == [3.0, 0.3318, 0.32663]  # cycle 3 as Neware wrote it
    cycles[3][2] = 0.32763  # its discharge capacity, edited by 0.001 Ah
    data = read_cycler(workbook(tmp_path, cycles=cycles))
    ours = data.timeseries.groupby("cycle_index")["discharge_capacity_ah"].max().loc[3]
    assert ours == pytest.approx(
        0.326626509, abs=1e-12
    )  # cycle 3's one discharge step's last record, by hand
    assert abs(ours - 0.32663) <= 1e-5  # the records agree with Neware's own figure
    assert warned(data, "unknown_format") == (
        "sheet 'cycle' cycle 3: 'DChg. Cap.(Ah)' is 0.32763 there but 0.32662651 from the records (1 cycle(s) "
        "differ by more than 1e-05, a unit of the sheet's last decimal)"
    )
    assert kinds(data) == ["unknown_format"]


def test_a_cycle_the_records_lack_is_named(tmp_path: Path) -> None:
    cycles = [*_cycle_rows(), [21.0, 0.1, 0.1, 100.0, 0.1, 0.1, "00:01:00", "00:01:00"]]
    data = read_cycler(workbook(tmp_path, cycles=cycles))
    assert (
        warned(data, "unknown_format")
        == "sheet 'cycle' lists 1 cycle(s) the records do not hold, first cycle 21"
    )


def test_records_in_no_step_are_refused_in_one_line(tmp_path: Path) -> None:
    steps = _step_rows()
    del steps[-1]  # the last step (cycle 20's closing rest, its 152 records) gone from the step sheet
    path = workbook(tmp_path, "잘린 공정.xlsx", steps=steps)
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    assert (
        "records from sheet 'record' row 9145 to sheet 'record' row 9296 (2026-03-07 16:28:03 to " in message
    )
    assert "lie in no step of sheet 'step'" in message


def test_a_step_sheet_whose_dates_disagree_with_the_records_is_refused(tmp_path: Path) -> None:
    steps = _step_rows()
    assert steps[2][3:7] == [
        "CC Chg",
        "00:02:51",
        datetime(2026, 3, 6, 12, 37, 45),
        datetime(2026, 3, 6, 12, 40, 36),
    ]
    steps[2][6] = datetime(2026, 3, 6, 12, 40, 34)  # the step ends 2 s before its last record (12:40:36)
    path = workbook(tmp_path, steps=steps)
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    assert (
        "records from sheet 'record' row 13 to sheet 'record' row 22 (2026-03-06 12:37:45 to 2026-03-06 "
        in str(caught.value)
    )
    steps[2][6] = datetime(2026, 3, 6, 12, 40, 35)  # 1 s: BTSDA's dates are whole seconds
    assert kinds(read_cycler(workbook(tmp_path, "1s.xlsx", steps=steps))) == []


def test_a_step_without_records_is_warned(tmp_path: Path, csv_read: CyclerData) -> None:
    steps = _step_rows()
    extra = list(steps[5])
    extra[5] = extra[6] = datetime(
        2026, 3, 6, 13, 0, 0
    )  # a step between two others, with no records of its own
    extra[3] = "CCCV Chg"
    steps.insert(6, extra)
    data = read_cycler(workbook(tmp_path, steps=steps))
    assert warned(data, "rows_dropped") == (
        "1 step(s) of sheet 'step' have no records in the record sheets, first its row 7 (cycle 1, step 5, "
        "2026-03-06 13:00:00 to 2026-03-06 13:00:00)"
    )
    pd.testing.assert_frame_equal(data.timeseries, csv_read.timeseries, check_exact=True)


def test_a_step_sheet_without_dates_is_refused(tmp_path: Path) -> None:
    steps = [[c for c in r[:5]] + r[7:] for r in _step_rows()]
    path = workbook(tmp_path, steps=steps)
    with pytest.raises(CorruptFileError, match="step sheet 'step' has no 'Oneset Date' column"):
        read_cycler(path)


def test_no_step_sheet_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "기록만.xlsx", {"record": _record_rows()})
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    assert "\n" not in str(caught.value) and "no step sheet" in str(caught.value)


STEP_ZH = {
    "Cycle Index": "循环号",
    "Step Index": "工步号",
    "Step Number": "工步序号",
    "Step Type": "工步类型",
}
STEP_ZH |= {
    "Step Time": "工步时间",
    "Oneset Date": "起始时间",
    "End Date": "结束时间",
    "Capacity(Ah)": "容量(Ah)",
}
STEP_ZH |= {"Energy(Wh)": "能量(Wh)", "Oneset Volt.(V)": "起始电压(V)", "End Voltage(V)": "结束电压(V)"}
CYCLE_ZH = {"Cycle Index": "循环号", "Chg. Cap.(Ah)": "充电容量(Ah)", "DChg. Cap.(Ah)": "放电容量(Ah)"}
TYPES_ZH = {"CC Chg": "恒流充电", "CC DChg": "恒流放电", "Rest": "静置"}


def _chinese(rows: list[list[object]], names: dict[str, str]) -> list[list[object]]:
    """The sheet with its header in Chinese (names not given kept) and its step types in Chinese."""
    body = [[TYPES_ZH.get(v, v) if isinstance(v, str) else v for v in r] for r in rows[1:]]
    return [[names.get(str(n), n) for n in rows[0]], *body]


def test_a_chinese_install_s_workbook(tmp_path: Path, csv_read: CyclerData) -> None:
    # 记录层 / 工步层 / 循环层 with Chinese names and step types (恒流充电, 静置): the same frame
    from .test_neware_chinese import FLAT

    sheets = {
        "循环层": _chinese(_cycle_rows(), CYCLE_ZH),
        "工步层": _chinese(_step_rows(), STEP_ZH),
        "记录层": _chinese(_record_rows(), FLAT),
    }
    data = read_cycler(write_xlsx(tmp_path / "중국어 통합.xlsx", sheets))
    assert data.extra["steps_from"] == "工步层" and data.vendor_cycles is not None
    pd.testing.assert_frame_equal(data.timeseries, csv_read.timeseries, check_exact=True)
    assert kinds(data) == []


def test_records_without_step_type_are_cut_by_their_step_time(tmp_path: Path) -> None:
    # no Step Type in the record sheet: a step starts where the time within the step goes back
    header = [h for h in RECORD_HEADER if h != "Step Type"]
    data = read_cycler(workbook(tmp_path, records=_record_rows(header)))
    plain = read_cycler(write(tmp_path, "record.csv", _table([h for h in HEADER if h != "Step Type"])))
    pd.testing.assert_frame_equal(data.timeseries, plain.timeseries, check_exact=True)
    # the step sheet's types have nothing to be checked against: said once, its times, dates, capacities checked
    assert warned(data, "unknown_format") == (
        "sheet 'step': column(s) 'Step Type' not checked against the records (the step sheet or the record sheet "
        "lacks them)"
    )


def test_an_xls_record_table_s_cycle_sheet_in_mah(tmp_path: Path) -> None:
    # the layouts read before (records naming their cycle and step) get the same check: a cycle sheet in mAh
    from .test_neware_xls import write_xls

    cycles: list[list[object]] = [["Cycle Index", "Chg. Cap.(mAh)", "DChg. Cap.(mAh)"]]
    cycles += [[float(r[0]), round(float(r[1]) * 1000, 2), round(float(r[2]) * 1000, 2)] for r in CYCLES]
    records: list[list[object]] = [list(HEADER), *[[_cell(c, r.get(c, "")) for c in HEADER] for r in RECORDS]]
    good = read_cycler(write_xls(tmp_path / "기록.xls", {"cycle": cycles, "record": records}))
    assert kinds(good) == [] and good.vendor_cycles is not None
    assert good.vendor_cycles["charge_capacity_ah"].iloc[0] == pytest.approx(0.02256, abs=1e-12)
    assert cycles[20][:2] == [20.0, 267.38]  # cycle 20's charge as Neware wrote it (0.26738 Ah)
    cycles[20][1] = 268.38  # 1 mAh more
    bad = read_cycler(write_xls(tmp_path / "고침.xls", {"cycle": cycles, "record": records}))
    assert warned(bad, "unknown_format") == (
        "sheet 'cycle' cycle 20: 'Chg. Cap.(mAh)' is 268.38 there but 267.37902 from the records (1 cycle(s) differ "
        "by more than 1e-02, a unit of the sheet's last decimal)"
    )


def test_ingest_through_the_cli(tmp_path: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a Korean-named BTSDA 8 workbook stores the cycles the record CSV stores; one with records in no step: exit 2
    folder = tmp_path / "files"
    folder.mkdir()
    book = workbook(folder, "통합 문서.xlsx")
    csv = write(folder, "기록 표.csv", _table())
    code = main(["battery", "ingest", str(book), str(csv), "--store", str(store_dir), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["failed"] == [] and {"통합 문서", "기록 표"} <= set(report["cells"])
    cycles = []
    for cell in ("기록 표", "통합 문서"):
        assert main(["battery", "cycles", cell, "--store", str(store_dir), "--json"]) == 0
        rows = json.loads(capsys.readouterr().out)["cycles"]
        cycles.append([[row[c] for c in ("charge_capacity_ah", "discharge_capacity_ah")] for row in rows])
    assert len(cycles[0]) == 20 and cycles[1] == cycles[0]
    steps = _step_rows()
    del steps[-1]
    bad = workbook(tmp_path, "공정 빠짐.xlsx", steps=steps)
    assert main(["battery", "ingest", str(bad), "--store", str(store_dir)]) == 2
    err = capsys.readouterr().err
    assert "공정 빠짐.xlsx" in err and "lie in no step of sheet 'step'" in err


def test_a_record_sheet_with_its_cycle_but_no_step_takes_the_step_only(
    tmp_path: Path, csv_read: CyclerData
) -> None:
    header = [h for h in HEADER if h != "Step Index"]
    data = read_cycler(workbook(tmp_path, records=_record_rows(header)))
    pd.testing.assert_frame_equal(data.timeseries, csv_read.timeseries, check_exact=True)


def test_a_running_test_s_last_step_has_no_end_date(tmp_path: Path, csv_read: CyclerData) -> None:
    # exported while its last step ran: that step's End Date is empty; an empty row between steps is passed over
    steps = _step_rows()
    steps[-1][6] = None
    steps.insert(40, [None] * len(STEP_HEADER))
    data = read_cycler(workbook(tmp_path, steps=steps))
    pd.testing.assert_frame_equal(data.timeseries, csv_read.timeseries, check_exact=True)
    assert kinds(data) == []


def test_one_edited_step_capacity_is_warned_with_both_numbers(tmp_path: Path, csv_read: CyclerData) -> None:
    # the step sheet's Capacity against each step's last record (record 21: 0.022564143 Ah, the export's own line)
    steps = _step_rows()
    assert steps[2][:4] + steps[2][7:8] == [1.0, 2.0, 2.0, "CC Chg", 0.02256]
    steps[2][7] = 0.03256
    data = read_cycler(workbook(tmp_path, steps=steps))
    assert warned(data, "unknown_format") == (
        "sheet 'step' row 3 (cycle 1, step 2): 'Capacity(Ah)' is 0.03256 there but 0.02256414 from the step's last "
        "record (1 step(s) differ by more than 1e-05, a unit of the sheet's last decimal)"
    )
    pd.testing.assert_frame_equal(data.timeseries, csv_read.timeseries, check_exact=True)


def test_the_joined_step_sheet_s_step_time_is_checked_too(tmp_path: Path) -> None:
    # the records took their steps from this sheet by dates and types; its Step Time is still checked against them:
    # cycle 1's discharge, 00:41:50 = 2510 s in the export, its records 30 s apart at most (as test_neware_stepcheck)
    steps = _step_rows()
    assert steps[4][:5] == [1.0, 4.0, 4.0, "CC DChg", "00:41:50"]
    steps[4][4] = "00:42:50"
    data = read_cycler(workbook(tmp_path, steps=steps))
    assert warned(data, "unknown_format") == (
        "sheet 'step' row 5 (cycle 1, step 4): 'Step Time' is 2570 s there but 2510 s from the step's records (1 "
        "step(s) differ by more than a second and their longest logging interval, 31 s for this one)"
    )


def test_a_joined_step_sheet_without_step_time_or_capacity_says_so(tmp_path: Path) -> None:
    cut = [STEP_HEADER.index("Step Time"), STEP_HEADER.index("Capacity(Ah)")]
    steps = [[v for k, v in enumerate(r) if k not in cut] for r in _step_rows()]
    data = read_cycler(workbook(tmp_path, steps=steps))
    assert warned(data, "unknown_format") == (
        "sheet 'step': column(s) 'Step Time', 'Capacity' not checked against the records (the step sheet or the "
        "record sheet lacks them)"
    )
