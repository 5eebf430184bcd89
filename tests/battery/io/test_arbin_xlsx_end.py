"""An Arbin ``.xlsx`` whose channel sheet ends well before its statistics sheet's last cycle is warned as cut.

The input is the shared CALCE workbook ``CS2_35_10_29_10.xlsx`` (``Info``, ``Channel_1-008`` of 16,334 rows,
``Statistics_1-008`` of 50 cycles), its sheets read and written again (``tests/battery/io/xlsx.py``) under a Korean
name, whole or less the channel sheet's last rows. The independent route is arithmetic on the rows as written:
the statistics sheet's last ``Test_Time(s)`` less the kept rows' last, against their largest step plus 1 s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from python_calamine import CalamineWorkbook

from gwangyang.api import i18n
from gwangyang.battery.io import read_cycler

from ...conftest import SHARED
from .xlsx import write_xlsx

CALCE = SHARED / "battery" / "calce" / "CS2_35" / "CS2_35_10_29_10.xlsx"


@pytest.fixture(scope="module")
def sheets() -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_path(str(CALCE))
    return {name: list(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names}


def test_the_shared_workbook_ends_at_its_statistics_end() -> None:
    data = read_cycler(CALCE)
    assert data.extra["test_end_s"] == pytest.approx(573585.8217787651, abs=1e-6)
    assert data.timeseries["test_time_s"].iloc[-1] == pytest.approx(data.extra["test_end_s"], abs=1e-6)
    assert "truncated_file" not in [w["kind"] for w in data.warnings]


@pytest.mark.parametrize("dropped", [0, 1, 2000])
def test_channel_sheet_cut_is_warned(
    tmp_path: Path, sheets: dict[str, list[list[Any]]], dropped: int
) -> None:
    channel = sheets["Channel_1-008"]
    kept = channel[: len(channel) - dropped]
    path = write_xlsx(tmp_path / "잘린 셀.xlsx", {**sheets, "Channel_1-008": kept})
    data = read_cycler(path)
    header = channel[0]
    times = np.array([row[header.index("Test_Time(s)")] for row in kept[1:]], dtype=float)
    stats = sheets["Statistics_1-008"]
    end = float(stats[-1][stats[0].index("Test_Time(s)")])
    gap, interval = end - times[-1], float(np.diff(times).max())
    notes = [w["detail"] for w in data.warnings if w["kind"] == "truncated_file"]
    if gap <= interval + 1.0:
        assert dropped < 2000 and notes == []
        return
    assert dropped == 2000
    assert notes == [
        f"잘린 셀.xlsx's last row is at {times[-1]:.1f} s, Statistics_1-008 gives the test's end as {end:.1f} s: "
        f"{gap:.1f} s later, more than the {interval + 1.0:.1f} s allowed (its longest logging interval, "
        f"{interval:.1f} s, and 1.0 s for the clocks); rows at its end are missing, the file looks cut"
    ]
    korean = i18n.phrase(notes[0], "ko")
    assert korean.startswith("잘린 셀.xlsx") and "Statistics_1-008" in korean and "looks cut" not in korean
