"""A Neware cycle sheet as BTSDA 7.x / BtsControl and a Chinese BTSDA name its columns, its energies checked too.

BTSDA 7.x and BtsControl write the cycle level as ``Cycle ID, Cap_Chg(mAh), Cap_DChg(mAh), ..., Engy_Chg(mWh),
Engy_DChg(mWh)`` (the column lists public Neware readers carry); BTSDA 8 ``Cycle Index, Chg. Cap.(Ah), ...,
Chg. Energy(Wh), DChg. Energy(Wh)``; a Chinese install ``循环号, 充电容量, ..., 充电能量, 放电能量``. Each test writes the
shared IFE export's own cycle rows (Neware's totals: 5 decimals in Ah and Wh) under those names into the BTSDA 8
workbook of :mod:`.test_neware_btsda8`; the records' cycle figures are read from the same export's record lines,
so the check compares Neware's two levels, not the reader with itself.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from gwangyang.battery.io import read_cycler

from .test_neware_btsda8 import CYCLES, _chinese, _cycle_rows, workbook
from .test_neware_record import RECORDS
from .variants import kinds, warned

BTSDA7 = ["Cycle ID", "Cap_Chg(mAh)", "Cap_DChg(mAh)", "Engy_Chg(mWh)", "Engy_DChg(mWh)"]


def _milli(text: str) -> float:
    """A figure Neware wrote in Ah or Wh (5 decimals), in mAh or mWh (2 decimals), exactly."""
    return float(Decimal(text) * 1000)


def _btsda7() -> list[list[object]]:
    rows: list[list[object]] = [list(BTSDA7)]
    return rows + [[float(r[0]), *(_milli(r[k]) for k in (1, 2, 4, 5))] for r in CYCLES]


def test_btsda7_names_in_mah_and_mwh_are_checked(tmp_path: Path) -> None:
    data = read_cycler(workbook(tmp_path, cycles=_btsda7()))
    assert kinds(data) == [] and data.vendor_cycles is not None
    first = data.vendor_cycles.iloc[0]
    assert CYCLES[0][:6] == ["1", "0.02256", "0.33067", "1465.46", "0.10243", "1.34319"]  # as Neware wrote it
    assert first["charge_energy_wh"] == pytest.approx(0.10243, abs=1e-12)
    assert first["discharge_energy_wh"] == pytest.approx(1.34319, abs=1e-12)
    assert first["discharge_capacity_ah"] == pytest.approx(0.33067, abs=1e-12)


def test_an_edited_energy_is_warned_with_both_numbers(tmp_path: Path) -> None:
    # cycle 5's discharge energy: 1.29868 Wh on its cycle line and on its records' last DChg. Energy(Wh)
    assert CYCLES[4][5] == "1.29868"
    assert max(float(r["DChg. Energy(Wh)"]) for r in RECORDS if r["Cycle Index"] == "5") == 1.29868
    cycles = _btsda7()
    assert cycles[5][4] == 1298.68
    cycles[5][4] = 1299.68  # 1 mWh more
    data = read_cycler(workbook(tmp_path, cycles=cycles))
    assert warned(data, "unknown_format") == (
        "sheet 'cycle' cycle 5: 'Engy_DChg(mWh)' is 1299.68 there but 1298.68000 from the records (1 cycle(s) "
        "differ by more than 1e-02, a unit of the sheet's last decimal)"
    )


def test_a_chinese_cycle_sheet_s_energy_in_wh(tmp_path: Path) -> None:
    names = {"Cycle Index": "循环号", "Chg. Energy(Wh)": "充电能量(Wh)", "DChg. Energy(Wh)": "放电能量(Wh)"}
    cycles = _chinese(_cycle_rows(), names)
    assert cycles[2][:6] == [2.0, 0.3278, 0.33172, 101.2, 1.46454, 1.35982]  # as Neware wrote cycle 2
    assert max(float(r["Chg. Energy(Wh)"]) for r in RECORDS if r["Cycle Index"] == "2") == 1.46454
    assert kinds(read_cycler(workbook(tmp_path, "a.xlsx", cycles=cycles))) == []
    cycles[2][4] = 1.46354  # cycle 2's charge energy, 0.001 Wh less
    data = read_cycler(workbook(tmp_path, "b.xlsx", cycles=cycles))
    assert warned(data, "unknown_format") == (
        "sheet 'cycle' cycle 2: '充电能量(Wh)' is 1.46354 there but 1.46454000 from the records (1 cycle(s) "
        "differ by more than 1e-05, a unit of the sheet's last decimal)"
    )


@pytest.mark.parametrize(
    ("header", "why"),
    [
        (
            ["Cycle", "CapaCity(mAh)"],
            "no charge or discharge capacity (Ah, mAh) or energy (Wh, mWh) column of a name known",
        ),
        (
            ["Cycle ID", "Capacitance_Chg(F)", "Capacitance_DChg(F)"],  # BTSDA 7.4's capacitance, no capacity
            "no charge or discharge capacity (Ah, mAh) or energy (Wh, mWh) column of a name known",
        ),
        (["Zyklus", "Chg. Cap.(Ah)"], "no cycle column ('Cycle Index', 'Cycle ID', 'Cycle', '循环号')"),
    ],
)
def test_a_cycle_sheet_not_understood_is_said_not_checked(
    tmp_path: Path, header: list[str], why: str
) -> None:
    cycles: list[list[object]] = [list(header)]
    cycles += [list[object]([float(r[0]), 1.0, 1.0][: len(header)]) for r in CYCLES]
    data = read_cycler(workbook(tmp_path, cycles=cycles))
    assert data.vendor_cycles is None
    assert warned(data, "unknown_format") == f"sheet 'cycle' not checked against the records: {why}"
