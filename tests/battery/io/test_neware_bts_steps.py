"""The three-level CSV export's step rows checked against the records under them (``neware_bts_steps``).

The shared IFE export as it is: its 81 step rows agree with their records (each ``Step Time`` is its last record's
``Time``, 0 s apart; each ``Capacity(Ah)`` its last record's to the 5 decimals written, at most 4.71e-6 Ah apart,
both read off the file by hand for the steps named below), so nothing is said. Edited step lines are named by
their line in the file, with both values; BTSDA 7's layout (milli-units in the records, ``Time(h:min:s.ms)``) and a
Chinese header read without a warning too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.battery.schema import CyclerData

from .test_neware_chinese import _btsda7, chinese
from .variant_layouts import NEWARE_CSV
from .variants import kinds, write

# line 16 of the export: cycle 1's charge step, its last record (line 26, DataPoint 21) 00:02:51 and 0.022564143 Ah
STEP_LINE = ",2,2,CC Chg,00:02:51,0.02256,0.10243,"


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return NEWARE_CSV.path.read_text(encoding="latin-1").splitlines()


@pytest.fixture(scope="module")
def original() -> CyclerData:
    return read_cycler(NEWARE_CSV.path)


def details(data: CyclerData) -> list[str]:
    return [w["detail"] for w in data.warnings if w["kind"] == "unknown_format"]


def test_the_shared_export_s_steps_agree(original: CyclerData) -> None:
    assert details(original) == []


def test_an_edited_step_line_is_named_with_both_values(tmp_path: Path, lines: list[str]) -> None:
    assert lines[15].startswith(STEP_LINE) and lines[25].startswith(
        ",,21,00:02:51,00:03:11,0.47417,4.7000,0.022564143"
    )
    edited = list(lines)
    edited[15] = edited[15].replace(",00:02:51,0.02256,", ",00:03:51,0.02258,")  # 60 s and 2e-5 Ah more
    data = read_cycler(write(tmp_path, "고친 네웨어.csv", "\n".join(edited) + "\n"))
    assert details(data) == [
        "line 16 (cycle 1, step 2): 'Step Time' is 231 s there but 171 s from the step's records (1 step(s) differ "
        "by more than a second and their longest logging interval, 31 s for this one)",
        "line 16 (cycle 1, step 2): 'Capacity(Ah)' is 0.02258 there but 0.02256414 from the step's last record (1 "
        "step(s) differ by more than 1e-05, a unit of the column's last decimal)",
    ]
    assert data.cell_id == "고친 네웨어"
    within = list(lines)
    within[15] = within[15].replace(",00:02:51,0.02256,", ",00:03:22,0.02257,")  # 31 s and a unit: within
    assert details(read_cycler(write(tmp_path, "안.csv", "\n".join(within) + "\n"))) == []


def test_a_step_row_without_records_is_named(tmp_path: Path, lines: list[str], original: CyclerData) -> None:
    assert lines[26].startswith(",3,3,Rest,00:05:00,")
    edited = [*lines[:26], ",9,99,Rest,00:00:00,0.00000,0.00000,0,0,0,0,0,0,0,0", *lines[26:]]
    data = read_cycler(write(tmp_path, "빈 스텝.csv", "\n".join(edited) + "\n"))
    assert details(data) == [
        "1 step row(s) have no records under them, first line 27 (cycle 1, step 9)",
    ]
    assert data.rows == original.rows


def test_btsda7_and_chinese_layouts_agree(tmp_path: Path, lines: list[str], original: CyclerData) -> None:
    text = "\n".join(lines) + "\n"
    old = read_cycler(write(tmp_path, "btsda7.csv", _btsda7(text)))
    zh = read_cycler(write(tmp_path, "중국어.csv", chinese(text), "gbk"))
    assert details(old) == [] and details(zh) == [] and kinds(zh) == kinds(original)
    # BTSDA 7's records in mAh against its steps in Ah: one edited step named in the step's unit
    edited = _btsda7(text).replace(",2,CC Chg,00:02:51,0.02256,", ",2,CC Chg,00:02:51,0.02356,", 1)
    assert details(read_cycler(write(tmp_path, "btsda7 고침.csv", edited))) == [
        "line 16 (cycle 1, step 2): 'Capacity(Ah)' is 0.02356 there but 0.02256414 from the step's last record (1 "
        "step(s) differ by more than 1e-05, a unit of the column's last decimal)",
    ]
