"""Number cells under a format that shows no digit (``"00000"`` quoted, ``;;;``, the empty zero section of
``#,##0;-#,##0;``) keep their numbers, and are said.

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
from gwangyang.excel_number_formats import code_format
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


ZEROS: list[list[object]] = [["설비", "생산량"], [1, 1234], [2, 0], [3, -5], [4, 0.0], [5, 2.5]]
ZERO_NOTE = (
    "설비: 2 number cell(s) have a format that shows nothing, where Excel shows an empty cell (B3: 0, format "
    "'#,##0;-#,##0;'): read as the numbers."
)


@pytest.mark.parametrize(
    ("suffix", "write"),
    [(".xlsx", styled_xlsx), (".xls", styled_xls), ("95.xls", _biff5)],
    ids=["xlsx", "xls", "biff5"],
)
def test_zeros_under_a_hide_zeros_format_are_kept_and_said(
    suffix: str, write: Callable[..., Path], tmp_path: Path
) -> None:
    """``#,##0;-#,##0;``: Excel shows 1,234, -5 and 3 (2.5 rounded) and two empty cells; the table keeps 0."""
    path = write(tmp_path / f"설비{suffix}", {"설비 대장": ZEROS}, {"설비 대장": [None, "#,##0;-#,##0;"]})
    sheet = read_sheet(path, "설비")
    expected = pd.DataFrame({"설비": [1, 2, 3, 4, 5], "생산량": [1234.0, 0.0, -5.0, 0.0, 2.5]})
    pd.testing.assert_frame_equal(sheet.table, expected)
    assert sheet.notes == [ZERO_NOTE]


def test_the_notes_read_korean() -> None:
    assert [i18n.phrase(note, "ko") for note in NOTES] == [
        "설비: 숫자 대신 고정된 텍스트를 보이는 서식의 숫자 셀 3개는 숫자로 읽었습니다(B2: 7 → '00000', 서식 "
        "'\"00000\"').",
        "설비: 아무것도 보이지 않는 서식(Excel에서는 빈 셀)의 숫자 셀 3개는 숫자로 읽었습니다(C2: 7, 서식 ';;;').",
    ]
    assert i18n.phrase(ZERO_NOTE, "ko") == (
        "설비: 아무것도 보이지 않는 서식(Excel에서는 빈 셀)의 숫자 셀 2개는 숫자로 읽었습니다(B3: 0, 서식 "
        "'#,##0;-#,##0;')."
    )
    fractional = NOTES[1].replace("C2: 7", "C3: 2.25").replace("3 number", "1 number")
    assert i18n.phrase(fractional, "ko").endswith("숫자 셀 1개는 숫자로 읽었습니다(C3: 2.25, 서식 ';;;').")


@pytest.mark.parametrize(
    ("code", "blank", "kept"),
    [
        ("#,##0;-#,##0;", [0, 0.0], [7, -7, 0.5]),
        ("0;;", [0, -7, -0.5], [7, 0.5]),
        ("#,##0;[Red]-#,##0;[Blue]", [0], [7, -7]),
        ("000;-000;", [0], [7, -7]),
    ],
)
def test_an_empty_negative_or_zero_section_shows_nothing(
    code: str, blank: list[float], kept: list[float]
) -> None:
    """Excel leaves a cell empty for a number its section shows nothing for (``0;;``: negatives and zero)."""
    fmt = code_format(code)
    assert fmt is not None and fmt.empty
    assert [fmt.hidden(v) for v in blank] == [""] * len(blank)
    assert [fmt.hidden(v) for v in kept] == [None] * len(kept)


@pytest.mark.parametrize("code", ["#,##0;-#,##0", '0;-0;"-"', "[<0]0;;", "#,##0;-#,##0;0"])
def test_formats_that_show_every_number_are_no_code(code: str) -> None:
    """No empty section (or one chosen by a condition): the format shows numbers as numbers."""
    assert code_format(code) is None


def test_a_code_format_with_an_empty_zero_section_still_shows_codes() -> None:
    fmt = code_format("000;-000;")
    assert fmt is not None and [fmt.show(v) for v in (7, -7, 0)] == ["007", "-007", None]


def test_the_biff5_writer_wrote_the_hide_zeros_format(tmp_path: Path) -> None:
    """xlrd (an independent reader) finds the format and the numbers the BIFF5 test workbook holds."""
    xlrd = pytest.importorskip("xlrd")
    path = _biff5(tmp_path / "설비95.xls", {"설비 대장": ZEROS}, {"설비 대장": [None, "#,##0;-#,##0;"]})
    book = xlrd.open_workbook(str(path), formatting_info=True)
    sheet = book.sheet_by_index(0)
    assert [sheet.cell_value(r, 1) for r in range(1, 6)] == [1234.0, 0.0, -5.0, 0.0, 2.5]
    xf = book.xf_list[sheet.cell_xf_index(2, 1)]
    assert book.format_map[xf.format_key].format_str == "#,##0;-#,##0;"
