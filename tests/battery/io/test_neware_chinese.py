"""Neware BTSDA exports of a Chinese-language install (column names and step types in Chinese).

No such file is at hand: each test writes the shared English IFE export (three-level BTS CSV) with its headers
and step types translated as BTSDA writes them in Chinese, values kept, and expects the very frame the English
file reads to (an independent route: the English reading matches Neware's own cycle totals in the file).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.io import detect, read_cycler
from gwangyang.battery.schema import CyclerData
from gwangyang.cli.main import main
from gwangyang.errors import CorruptFileError, GwangyangError

from .test_neware_record import HEADER as FLAT_HEADER
from .test_neware_record import _table
from .variant_layouts import NEWARE_CSV
from .variants import assert_same_cycles, kinds, neware_totals_match, warned, write
from .xlsx import write_xlsx

CYCLE = {
    "Cycle Index": "循环号",
    "Chg. Cap.(Ah)": "充电容量(Ah)",
    "DChg. Cap.(Ah)": "放电容量(Ah)",
    "Chg.-DChg. Eff(%)": "充放电效率(%)",
    "Chg. Energy(Wh)": "充电能量(Wh)",
    "DChg. Energy(Wh)": "放电能量(Wh)",
    "Chg. Time": "充电时间",
    "DChg. Time": "放电时间",
}
STEP = {
    "Step Index": "工步号",
    "Step Number": "工步序号",
    "Step Type": "工步类型",
    "Step Time": "工步时间",
    "Capacity(Ah)": "容量(Ah)",
    "Energy(Wh)": "能量(Wh)",
    "Oneset Volt.(V)": "起始电压(V)",
    "End Voltage(V)": "结束电压(V)",
}
RECORD = {
    "DataPoint": "数据序号",
    "Time": "时间",
    "Total Time": "总时间",
    "Current(A)": "电流(A)",
    "Voltage(V)": "电压(V)",
    "Capacity(Ah)": "容量(Ah)",
    "Energy(Wh)": "能量(Wh)",
    "Date": "绝对时间",
    "Power(W)": "功率(W)",
}
TYPES = {"CC Chg": "恒流充电", "CC DChg": "恒流放电", "Rest": "静置"}


def chinese(
    text: str,
    record: dict[str, str] = RECORD,
    types: dict[str, str] = TYPES,
    milli: bool = False,
    extra: str = "",
) -> str:
    """The English three-level export with Chinese headers and step types (``milli``: A/Ah/Wh as mA/mAh/mWh)."""
    lines = text.splitlines()
    out = [",".join(CYCLE.get(n, n) for n in lines[0].split(","))]
    out.append(",".join(STEP.get(n, n) for n in lines[1].split(",")))
    names = lines[2][2:].split(",")
    header = [record.get(n, n) for n in names]
    if milli:
        header = [n.replace("(A)", "(mA)").replace("(Ah)", "(mAh)").replace("(Wh)", "(mWh)") for n in header]
    out.append(",," + ",".join(header) + extra)
    scaled = [i for i, n in enumerate(names) if n in ("Current(A)", "Capacity(Ah)", "Energy(Wh)")]
    for line in lines[3:]:
        fields = line.split(",")
        if line.startswith(",,"):
            if milli:
                for i in scaled:
                    fields[i + 2] = repr(float(fields[i + 2]) * 1000.0)
            out.append(",".join(fields) + (",备注" if extra else ""))
            continue
        at = 3 if line.startswith(",") else 10  # a step line's type; the first step rides on a cycle line
        if len(fields) > at:
            fields[at] = types.get(fields[at], fields[at])
        out.append(",".join(fields))
    return "\r\n".join(out) + "\r\n"


@pytest.fixture(scope="module")
def english() -> str:
    return NEWARE_CSV.path.read_text(encoding="latin-1")


@pytest.fixture(scope="module")
def original() -> CyclerData:
    data = read_cycler(NEWARE_CSV.path)
    neware_totals_match(data)
    return data


def assert_same(original: CyclerData, data: CyclerData) -> None:
    """The same time series and vendor cycles, value for value."""
    pd.testing.assert_frame_equal(data.timeseries, original.timeseries, check_exact=True)
    assert data.vendor_cycles is not None and original.vendor_cycles is not None
    pd.testing.assert_frame_equal(data.vendor_cycles, original.vendor_cycles, check_exact=True)
    assert data.start_time == original.start_time and data.vendor == "neware"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_chinese_headers_read_as_the_english_ones(
    tmp_path: Path, english: str, original: CyclerData, encoding: str
) -> None:
    path = write(tmp_path, "중국어_셀1.csv", chinese(english), encoding)
    assert detect(path).name == "neware"
    data = read_cycler(path)
    assert_same(original, data)
    assert data.cell_id == "중국어_셀1"
    # the English file's one warning: its record columns BTSDA writes with a '?' for the degree sign
    assert kinds(data) == kinds(original)


@pytest.mark.parametrize(
    "types",
    [
        {"CC Chg": "恒流恒压充电", "CC DChg": "恒流放电", "Rest": "搁置"},
        {"CC Chg": "恒压充电", "CC DChg": "恒功率放电", "Rest": "静置"},
        {"CC Chg": "恒功率充电", "CC DChg": "恒阻放电", "Rest": "静置"},
    ],
)
def test_step_type_names(tmp_path: Path, english: str, original: CyclerData, types: dict[str, str]) -> None:
    data = read_cycler(write(tmp_path, "types.csv", chinese(english, types=types)))
    assert_same(original, data)


def test_milli_units(tmp_path: Path, english: str, original: CyclerData) -> None:
    data = read_cycler(write(tmp_path, "milli.csv", chinese(english, milli=True), "gb18030"))
    assert_same_cycles(original, data)
    for column in ("current_a", "charge_capacity_ah", "discharge_capacity_ah", "charge_energy_wh"):
        np.testing.assert_allclose(
            data.timeseries[column], original.timeseries[column], rtol=1e-12, atol=1e-15
        )
    # 0.5 A written as 500.0 mA
    assert data.timeseries["current_a"].abs().max() == original.timeseries["current_a"].abs().max() == 0.5


def test_full_width_brackets_and_other_names(tmp_path: Path, english: str, original: CyclerData) -> None:
    record = {**RECORD, "Current(A)": "电流（A）", "Date": "系统时间", "Total Time": "累计时间"}
    data = read_cycler(write(tmp_path, "wide.csv", chinese(english, record=record)))
    assert_same(original, data)


def test_unknown_chinese_column_is_named(tmp_path: Path, english: str, original: CyclerData) -> None:
    data = read_cycler(write(tmp_path, "remark.csv", chinese(english, extra=",备注"), "gbk"))
    assert "'备注'" in warned(data, "unknown_column")
    pd.testing.assert_frame_equal(data.timeseries, original.timeseries, check_exact=True)


@pytest.mark.parametrize(("old", "new"), [(",电流(A),", ",电流(C),"), (",电压(V),", ",电压(kV),")])
def test_a_unit_not_known_is_refused_naming_the_column(
    tmp_path: Path, english: str, old: str, new: str
) -> None:
    path = write(tmp_path, "단위.csv", chinese(english).replace(old, new, 1), "gbk")
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and repr(new.strip(",")) in message
    assert "not known" in message


def test_cut_inside_the_last_record(tmp_path: Path, english: str, original: CyclerData) -> None:
    data = read_cycler(write(tmp_path, "잘림.csv", chinese(english), "gbk", cut=20))
    assert data.rows == original.rows - 1 and "truncated_file" in kinds(data)
    pd.testing.assert_frame_equal(data.timeseries, original.timeseries.iloc[:-1], check_exact=True)


def test_a_step_type_holding_the_separator_is_refused(tmp_path: Path, english: str) -> None:
    types = {**TYPES, "CC Chg": "恒流充电, 0.5C"}
    path = write(tmp_path, "comma.csv", chinese(english, types=types), "gbk")
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and "line 16" in message


def test_headers_only_is_refused(tmp_path: Path, english: str) -> None:
    text = "\r\n".join(chinese(english).splitlines()[:3]) + "\r\n"
    path = write(tmp_path, "빈파일.csv", text, "gbk")
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


def _btsda7(english: str) -> str:
    """The export as BTSDA 7 writes it (BEEP's layout: ``Cycle ID``, ``Step ID`` and no step number, the time
    within each step, milli-units, ``Realtime``)."""
    lines = english.splitlines()
    names = lines[2][2:].split(",")
    at = {
        n: names.index(n) for n in ("DataPoint", "Time", "Voltage(V)", "Current(A)", "Capacity(Ah)", "Date")
    }
    out = [lines[0].replace("Cycle Index", "Cycle ID"), lines[1].replace("Step Index,Step Number", "Step ID")]
    out.append(",,Record ID,Time(h:min:s.ms),Voltage(V),Current(mA),Capacity(mAh),Realtime")
    for line in lines[3:]:
        if line.startswith(",,"):
            r = line[2:].split(",")
            milli = [repr(float(r[at[n]]) * 1000.0) for n in ("Current(A)", "Capacity(Ah)")]
            out.append(
                ",,"
                + ",".join([r[at["DataPoint"]], r[at["Time"]], r[at["Voltage(V)"]], *milli, r[at["Date"]]])
            )
        else:  # the step number out: the second field of a step line, the tenth of a cycle line carrying one
            fields = line.split(",")
            out.append(
                ",".join(fields[:2] + fields[3:] if line.startswith(",") else fields[:9] + fields[10:])
            )
    return "\r\n".join(out) + "\r\n"


BTSDA7 = {
    "Cycle ID": "循环序号",
    "Step ID": "工步序号",
    "Record ID": "记录序号",
    "Time(h:min:s.ms)": "相对时间(h:min:s.ms)",
    "Voltage(V)": "电压(V)",
    "Current(mA)": "电流(mA)",
    "Capacity(mAh)": "容量(mAh)",
    "Realtime": "绝对时间",
}


def test_btsda7_layout(tmp_path: Path, english: str) -> None:
    text = _btsda7(english)
    lines = text.splitlines()
    header = [
        ",".join(BTSDA7.get(n, CYCLE.get(n, STEP.get(n, n))) for n in line.split(",")) for line in lines[:3]
    ]
    body = [",".join(TYPES.get(f, f) for f in line.split(",")) for line in lines[3:]]
    zh = read_cycler(write(tmp_path, "btsda7_zh.csv", "\r\n".join(header + body) + "\r\n", "gbk"))
    en = read_cycler(write(tmp_path, "btsda7.csv", text))
    pd.testing.assert_frame_equal(zh.timeseries, en.timeseries, check_exact=True)
    neware_totals_match(zh)


FLAT = {
    "DataPoint": "数据序号",
    "Cycle Index": "循环号",
    "Step Index": "工步号",
    "Step Type": "工步类型",
    "Time": "时间",
    "Total Time": "总时间",
    "Current(A)": "电流(A)",
    "Voltage(V)": "电压(V)",
    "Capacity(Ah)": "容量(Ah)",
    "Chg. Cap.(Ah)": "充电容量(Ah)",
    "DChg. Cap.(Ah)": "放电容量(Ah)",
    "Energy(Wh)": "能量(Wh)",
    "Chg. Energy(Wh)": "充电能量(Wh)",
    "DChg. Energy(Wh)": "放电能量(Wh)",
    "Date": "日期",
    "Power(W)": "功率(W)",
}


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_record_table(tmp_path: Path, encoding: str) -> None:
    en = read_cycler(write(tmp_path, "record.csv", _table()))
    zh = read_cycler(write(tmp_path, "기록.csv", _table(rename=FLAT), encoding))
    assert zh.extra["format"] == "record_csv" and zh.cell_id == "기록"
    pd.testing.assert_frame_equal(zh.timeseries, en.timeseries, check_exact=True)
    assert kinds(zh) == kinds(en) == []


def test_record_table_step_number_alone_is_the_step(tmp_path: Path) -> None:
    en = read_cycler(write(tmp_path, "record.csv", _table()))
    zh = read_cycler(write(tmp_path, "seq.csv", _table(rename={**FLAT, "Step Index": "工步序号"})))
    pd.testing.assert_frame_equal(zh.timeseries, en.timeseries, check_exact=True)


def test_record_table_unit_and_unknown_column(tmp_path: Path) -> None:
    data = read_cycler(
        write(tmp_path, "extra.csv", _table([*FLAT_HEADER, "跳转", "备注"], rename=FLAT), "gb18030")
    )
    # 跳转 (JumpTo, the step jumped to) is known and not stored; 备注 (a remark) is not known
    assert warned(data, "unknown_column") == "column(s) not read: '备注'"
    path = write(tmp_path, "unit.csv", _table(rename={**FLAT, "Current(A)": "电流(mA/g)"}))
    with pytest.raises(CorruptFileError, match=r"'电流\(mA/g\)'.*not known"):
        read_cycler(path)


def test_two_names_for_one_column_are_refused(tmp_path: Path, english: str) -> None:
    path = write(
        tmp_path, "twice.csv", chinese(english, record={**RECORD, "Time": "相对时间"}, extra=",时间")
    )
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and "'相对时间' and '时间'" in message
    flat = write(
        tmp_path,
        "flat.csv",
        _table([*FLAT_HEADER, "Step Time"], rename={**FLAT, "Step Time": "工步时间", "Time": "相对时间"}),
    )
    data = read_cycler(flat)  # 工步时间 (Step Time) and 相对时间 (Time) are two columns
    assert "'工步时间'" not in str(data.warnings)


def test_ingest_through_the_cli(
    tmp_path: Path, store_dir: Path, english: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    path = write(folder, "중국어 셀.csv", chinese(english), "gbk")
    code = main(["battery", "ingest", str(NEWARE_CSV.path), str(path), "--store", str(store_dir), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["failed"] == [] and "중국어 셀" in report["cells"]
    cycles = []
    for cell in ("nw_regular_export_ife_example", "중국어 셀"):
        assert main(["battery", "cycles", cell, "--store", str(store_dir), "--json"]) == 0
        rows = json.loads(capsys.readouterr().out)["cycles"]
        cycles.append([[row[c] for c in ("charge_capacity_ah", "discharge_capacity_ah")] for row in rows])
    assert len(cycles[1]) == len(cycles[0]) > 0 and cycles[1] == cycles[0]


def _workbook(folder: Path, name: str, header: dict[str, str], sheet: str) -> Path:
    """The record table as BTSDA writes it to Excel: numbers as numbers, dates as dates, times as text."""
    lines = _table(rename=header).splitlines()
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
    return write_xlsx(folder / name, {"Info": [["Channel", "1-1"]], sheet: rows})


@pytest.mark.parametrize(("header", "sheet"), [({}, "record"), (FLAT, "记录层"), (FLAT, "记录数据")])
def test_excel_record_sheet(tmp_path: Path, header: dict[str, str], sheet: str) -> None:
    en = read_cycler(write(tmp_path, "record.csv", _table()))
    path = _workbook(tmp_path, "엑셀 셀.xlsx", header, sheet)
    assert detect(path).name == "neware"
    data = read_cycler(path)
    assert data.cell_id == "엑셀 셀" and data.source == path and data.extra["sheet"] == sheet
    pd.testing.assert_frame_equal(data.timeseries, en.timeseries, check_exact=True)
    assert kinds(data) == []


def test_excel_unknown_column_and_unit(tmp_path: Path) -> None:
    path = _workbook(tmp_path, "extra.xlsx", {**FLAT, "T1(°C)": "备注"}, "记录层")
    data = read_cycler(path)
    assert "'备注'" in warned(data, "unknown_column") and warned(data, "unknown_column")
    bad = _workbook(tmp_path, "unit.xlsx", {**FLAT, "Current(A)": "电流(C)"}, "记录层")
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(bad)
    message = str(caught.value)
    assert "\n" not in message and f"{bad} (sheet '记录层')" in message and "'电流(C)'" in message


def test_excel_damaged(tmp_path: Path) -> None:
    good = _workbook(tmp_path, "good.xlsx", FLAT, "记录层")
    path = tmp_path / "잘림.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(GwangyangError) as caught:
        read_cycler(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


def test_record_table_with_step_times_only_is_read(tmp_path: Path) -> None:
    """BTS 7.6's record sheet (记录序号, 状态, 跳转, 循环, 步次, ..., 相对时间, 绝对时间) has no test time: built from
    the steps (tests/battery/io/test_neware_steptime.py); without any time column it is refused."""
    header = "记录序号,状态,跳转,循环,步次,电流(mA),电压(V),容量(mAh),能量(mWh),相对时间(h:min:s.ms),绝对时间"
    row = "1,恒流充电,1,1,1,500.0,3.70,0.1,0.37,00:00:01.000,2019-03-06 12:37:25"
    path = write(tmp_path, "상세.csv", f"{header}\r\n{row}\r\n", "gbk")
    assert detect(path).name == "neware"
    data = read_cycler(path)
    assert data.timeseries["test_time_s"].tolist() == [1.0] and data.timeseries["current_a"].tolist() == [0.5]
    bare = write(
        tmp_path,
        "시간없음.csv",
        f"{header[: header.index(',相对')]}\r\n{row[: row.index(',00:')]}\r\n",
        "gbk",
    )
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(bare)
    message = str(caught.value)
    assert "\n" not in message and str(bare) in message and "'Total Time'" in message
