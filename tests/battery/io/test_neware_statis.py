"""BTS 7.6's workbook: ``Detail_``, ``Statis_`` (a row a step) and ``Cycle_`` sheets, checked against each other.

No such file is at hand: each test lays the shared IFE three-level export out as BTS 7.6 writes its workbook (the
sheet and column names of a Django model of such a workbook's tables: ``Cycle_67_3_5`` with ``ToTal of Cycle,
Capacity of charge(mAh),...``, ``Statis_67_3_5`` with ``CyCle,Step,...,CapaCity(mAh),Endure Time(h:min:s.ms),...,
Charge_Capacity(mAh),Discharge_Capacity(mAh),...,Engy_Chg(mWh),Engy_DChg(mWh)``): the records as
:mod:`.test_neware_steptime` writes BTS 7.6's record layout, the ``Statis_`` rows from the export's own step lines
(Neware's figures: 5 decimals of Ah and Wh, 2 of mAh and mWh) and the ``Cycle_`` rows from its cycle lines. The
export's figures are the cycler's, independent of the reader: unedited, they agree with the records; each edit is
named with both values, the record's read off the export by hand.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from gwangyang.battery.io import detect, read_cycler
from gwangyang.battery.schema import CyclerData

from .test_neware_btsda8 import CYCLES, STEPS
from .test_neware_chinese import TYPES
from .test_neware_steptime import EN, ZH, _bts76
from .test_neware_xls import write_xls
from .variants import kinds, warned, write
from .xlsx import write_xlsx

STATIS_EN = [
    "Channel",
    "CyCle",
    "Step",
    "Raw Step ID",
    "Status",
    "Start Voltage(V)",
    "End Voltage(V)",
    "CapaCity(mAh)",
    "Endure Time(h:min:s.ms)",
    "Charge_Capacity(mAh)",
    "Discharge_Capacity(mAh)",
    "Net Engy_DChg(mWh)",
    "Engy_Chg(mWh)",
    "Engy_DChg(mWh)",
]
STATIS_ZH = ["通道", "循环", "工步", "原工步号", "状态", "起始电压(V)", "结束电压(V)", "容量(mAh)"]
STATIS_ZH += [
    "持续时间(h:min:s.ms)",
    "充电容量(mAh)",
    "放电容量(mAh)",
    "净放电能量(mWh)",
    "充电能量(mWh)",
    "放电能量(mWh)",
]
CYCLE_EN = [
    "Channel",
    "ToTal of Cycle",
    "Capacity of charge(mAh)",
    "Capacity of discharge(mAh)",
    "Cycle Life(%)",
]
CYCLE_ZH = ["通道", "循环", "充电容量(mAh)", "放电容量(mAh)", "容量保持率(%)"]


def _milli(value: str) -> float:
    """Ah or Wh as written, in mAh or mWh (exactly: 0.02256 is 22.56)."""
    return float(Decimal(value) * 1000)


def _statis(header: list[str], types: dict[str, str] | None = None) -> list[list[object]]:
    rows: list[list[object]] = [list(header)]
    for cycle, index, number, kind, step_time, capacity, energy, v0, v1, *_ in STEPS:
        charge, discharge = "Chg" in kind and "DChg" not in kind, "DChg" in kind
        q, e = _milli(capacity), _milli(energy)
        figures = [
            q,
            f"{step_time}.000",
            q if charge else 0.0,
            q if discharge else 0.0,
            e if discharge else 0.0,
        ]
        kind_shown = (types or {}).get(kind, kind)
        steps = [1, float(cycle), float(index), float(number), kind_shown, float(v0), float(v1)]
        rows.append([*steps, *figures, e if charge else 0.0, e if discharge else 0.0])
    return rows


def _cycles(header: list[str]) -> list[list[object]]:
    rows: list[list[object]] = [list(header)]
    return rows + [[1, float(c[0]), _milli(c[1]), _milli(c[2]), 100.0] for c in CYCLES]


def _detail(zh: bool) -> list[list[object]]:
    text, _ = _bts76(ZH if zh else EN, stretch=1.0, types=TYPES if zh else None)
    lines = text.splitlines()
    header: list[object] = list(lines[0].split(","))
    rows: list[list[object]] = [header]
    for line in lines[1:]:
        cells: list[object] = []
        for value in line.split(","):
            try:
                cells.append(float(value))
            except ValueError:
                cells.append(value)
        rows.append(cells)
    return rows


def bts76(
    folder: Path,
    name: str = "BTS76 셀.xls",
    zh: bool = False,
    statis: list[list[object]] | None = None,
    cycles: list[list[object]] | None = None,
) -> Path:
    """BTS 7.6's sheets in its order: ``Info``, ``Cycle_``, ``Statis_``, ``Detail_`` (an ``.xls`` or ``.xlsx``)."""
    sheets: dict[str, list[list[object]]] = {
        "Info": [["Channel", "1-1-2"]],
        "Cycle_1_1_2": cycles if cycles is not None else _cycles(CYCLE_ZH if zh else CYCLE_EN),
        "Statis_1_1_2": statis
        if statis is not None
        else _statis(STATIS_ZH if zh else STATIS_EN, TYPES if zh else None),
        "Detail_1_1_2": _detail(zh),
    }
    path = folder / name
    return write_xls(path, sheets) if path.suffix == ".xls" else write_xlsx(path, sheets)


@pytest.fixture(scope="module")
def csv_read(tmp_path_factory: pytest.TempPathFactory) -> CyclerData:
    text, _ = _bts76(EN, stretch=1.0)
    return read_cycler(write(tmp_path_factory.mktemp("csv"), "detail.csv", text))


@pytest.mark.parametrize(("name", "zh"), [("BTS76 셀.xls", False), ("BTS76 셀.xlsx", True)])
def test_the_unedited_workbook_agrees_with_itself(
    tmp_path: Path, csv_read: CyclerData, name: str, zh: bool
) -> None:
    path = bts76(tmp_path, name, zh)
    assert detect(path).name == "neware"
    data = read_cycler(path)
    assert kinds(data) == []
    assert data.extra["statis_sheets"] == ["Statis_1_1_2"] and data.extra["cycle_sheets"] == ["Cycle_1_1_2"]
    assert data.extra["sheets_not_read"] == {"Info": "test information"}
    np.testing.assert_array_equal(data.timeseries["voltage_v"], csv_read.timeseries["voltage_v"])
    # Cycle_'s ToTal of Cycle / Capacity of charge(mAh) are read as the cycler's figures: cycle 1 0.02256 Ah
    vendor = data.vendor_cycles
    assert vendor is not None and len(vendor) == len(CYCLES) == 20
    assert vendor["charge_capacity_ah"].iloc[0] == pytest.approx(0.02256, abs=1e-12)
    assert vendor["discharge_capacity_ah"].iloc[0] == pytest.approx(0.33067, abs=1e-12)


def test_an_edited_charge_capacity_is_named_with_its_cycle_and_both_sums(tmp_path: Path) -> None:
    # cycle 1's one charge step: 22.56 mAh in the export's step line; its last record 0.022564143 Ah (22.564143)
    rows = _statis(STATIS_EN)
    assert rows[2][1:5] == [1.0, 2.0, 2.0, "CC Chg"] and rows[2][9] == 22.56
    rows[2][9] = 22.58  # two units of the last decimal
    data = read_cycler(bts76(tmp_path, statis=rows))
    assert warned(data, "unknown_format") == (
        "sheet 'Statis_1_1_2' row 2 (cycle 1): 'Charge_Capacity(mAh)' summed over the cycle's 1 step(s) is 22.58 "
        "there but 22.56414 from the records (1 cycle(s) differ by more than 1e-02, a unit of the sheet's last "
        "decimal, a step summed)"
    )
    rows[2][9] = 22.57  # one unit: the sheet's rounding
    assert kinds(read_cycler(bts76(tmp_path, "한 단위.xls", statis=rows))) == []


def test_an_edited_chinese_discharge_energy_and_step_time(tmp_path: Path) -> None:
    rows = _statis(STATIS_ZH, TYPES)
    # cycle 1's discharge step: 0:41:50 and 1.34319 Wh (1343.19 mWh) in the export's step line
    assert rows[4][1:5] == [1.0, 4.0, 4.0, "恒流放电"] and rows[4][8] == "00:41:50.000"
    assert rows[4][13] == 1343.19
    rows[4][13] = 1348.19  # 放电能量: 5 mWh more
    rows[4][8] = "10:00:00.000"  # 持续时间
    data = read_cycler(bts76(tmp_path, "중국어.xlsx", zh=True, statis=rows))
    details = [w["detail"] for w in data.warnings]
    assert len(details) == 2, details
    assert details[0].startswith(
        "sheet 'Statis_1_1_2' row 5 (cycle 1, step 4): '持续时间(h:min:s.ms)' is 36000 s there but 2510 s from "
    )
    assert (
        details[1].startswith(
            "sheet 'Statis_1_1_2' row 2 (cycle 1): '放电能量(mWh)' summed over the cycle's 1 step(s) is 1348.19 there "
        )
        and "(1 cycle(s) differ by more than 1e-02" in details[1]
    )


def test_a_cycle_the_sheet_does_not_list_is_named(tmp_path: Path) -> None:
    rows = [r for r in _statis(STATIS_EN) if r[1] != 20.0]  # the last cycle's steps left out
    data = read_cycler(bts76(tmp_path, statis=rows))
    details = sorted(w["detail"] for w in data.warnings)
    assert details == [
        "the records hold 1 cycle(s) sheet 'Statis_1_1_2' does not list, first cycle 20",
        "the records hold 4 step(s) sheet 'Statis_1_1_2' does not list, first cycle 20 step 2, at sheet "
        "'Detail_1_1_2' row 8847",
    ]
