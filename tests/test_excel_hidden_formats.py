"""Number cells under a format that shows no digit (``"00000"`` quoted, ``;;;``) keep their numbers, and are said.

Excel shows ``00000`` for every number under ``"00000"`` (``-00000`` for a negative one: one section puts the
minus sign first) and an empty cell under ``;;;``: either would lose the number, so the table keeps it and a note
says what Excel shows. The same cells in an ``.xlsx``, an xlwt ``.xls`` (BIFF8) and a Korean BIFF5 ``.xls`` read
to one table and the same notes; the numbers are the ones written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from gwangyang.api import i18n
from gwangyang.sheets import read_sheet
from tests.biff5 import biff5_xls
from tests.test_excel_codes import styled_xls, styled_xlsx

ROWS: list[list[object]] = [["설비", "표시", "숨김"], [1, 7, 7], [2, 1.5, 2.25], [3, -8, 0]]
FORMATS: dict[str, list[str | None]] = {"설비 대장": [None, '"00000"', ";;;"]}
NOTES = [
    "설비: 3 number cell(s) have a format that shows a fixed text instead of the number (B2: 7 shown as '00000', "
    "format '\"00000\"'): read as the numbers.",
    "설비: 3 number cell(s) have a format that shows nothing, where Excel shows an empty cell (C2: 7, format "
    "';;;'): read as the numbers.",
]


def _biff5(path: Path, sheets: dict[str, list[list[object]]], formats: dict[str, list[str | None]]) -> Path:
    return biff5_xls(path, sheets, formats, 949)


@pytest.mark.parametrize(
    ("suffix", "write"),
    [(".xlsx", styled_xlsx), (".xls", styled_xls), ("95.xls", _biff5)],
    ids=["xlsx", "xls", "biff5"],
)
def test_numbers_under_formats_that_show_no_digit_are_kept_and_said(
    suffix: str, write: Callable[..., Path], tmp_path: Path
) -> None:
    sheet = read_sheet(write(tmp_path / f"설비{suffix}", {"설비 대장": ROWS}, FORMATS), "설비")
    expected = pd.DataFrame({"설비": [1, 2, 3], "표시": [7.0, 1.5, -8.0], "숨김": [7.0, 2.25, 0.0]})
    pd.testing.assert_frame_equal(sheet.table, expected)
    assert sheet.notes == NOTES


def test_the_notes_read_korean() -> None:
    assert [i18n.phrase(note, "ko") for note in NOTES] == [
        "설비: 숫자 대신 고정된 텍스트를 보이는 서식의 숫자 셀 3개는 숫자로 읽었습니다(B2: 7 → '00000', 서식 "
        "'\"00000\"').",
        "설비: 아무것도 보이지 않는 서식(Excel에서는 빈 셀)의 숫자 셀 3개는 숫자로 읽었습니다(C2: 7, 서식 ';;;').",
    ]
    fractional = NOTES[1].replace("C2: 7", "C3: 2.25").replace("3 number", "1 number")
    assert i18n.phrase(fractional, "ko").endswith("숫자 셀 1개는 숫자로 읽었습니다(C3: 2.25, 서식 ';;;').")
