"""Korean Excel 5.0/95 workbooks (BIFF5, text in code page 949 or 1361): read as Korean text, checked against xlrd.

The workbooks are written record by record (``tests/biff5.py``); xlrd, which decodes BIFF5 with the CODEPAGE
record, is the independent reader: every cell of every sheet is compared. The table read through
:func:`gwangyang.sheets.read_sheet` equals the one of the ``.xlsx`` of the same cells and formats, and the SPC
answers of the API and the CLI name the Korean columns.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from gwangyang.cli.main import main
from gwangyang.errors import CorruptFileError
from gwangyang.sheets import read_sheet
from gwangyang.xls_biff5 import biff5_sheets
from tests.biff5 import Cached, biff5_xls, book_stream, compound_file
from tests.test_excel_codes import COLUMN_FORMATS, _rows, styled_xlsx

xlrd = pytest.importorskip("xlrd")


def _inspection() -> list[list[object]]:
    """A title, a Korean header, 30 cells (date-times, thicknesses, counts, verdicts, bools, cached formula texts)
    and a totals row of cached formula numbers and a bool."""
    rows: list[list[object]] = [
        ["2라인 두께 검사"],
        ["셀 번호", "검사일시", "두께(mm)", "수량", "판정", "재검", "등급", "작업시간", "출하일"],
    ]
    for i in range(30):
        rows.append(
            [
                f"셀-{i:03d}",
                45292 + i / 24,  # 2024-01-01 00:00 plus i hours
                round(2.0 + 0.013 * ((i * 7) % 11 - 5), 3),
                100 + i,
                "불량" if i % 5 == 0 else "양품",
                i % 4 == 0,
                Cached("가" if i % 2 else "나"),
                1 + i / 48,  # [h]:mm: 24:00 plus i half-hours
                45292 + i,  # a Korean date format
            ]
        )
    rows.append(
        ["합계", None, Cached(60.0), Cached(sum(100 + i for i in range(30))), None, Cached(False), None]
    )
    return rows


INSPECTION = _inspection()
# two sheet names of 4 bytes each in cp949 (calamine gave both one name and one sheet's cells)
FORMATS = {
    "검사": [None, "yyyy-mm-dd hh:mm", "0.000", "0", None, None, None, "[h]:mm", 'yyyy"년" m"월" d"일"']
}
SHEETS: dict[str, list[list[object]]] = {"표지": [["생산 실적"], ["작성자", "김민수"]], "검사": INSPECTION}


def xlrd_sheets(path: Path) -> list[tuple[str, list[list[object]]]]:
    """Every sheet's cells as xlrd reads them: dates as datetimes, bools as bools, empty cells as ``""``."""
    book = xlrd.open_workbook(str(path))
    out = []
    for sheet in book.sheets():
        rows: list[list[object]] = []
        for r in range(sheet.nrows):
            row: list[object] = []
            for cell in sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append(bool(cell.value))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append("")
                else:
                    row.append(cell.value)
            rows.append(row)
        out.append((sheet.name, rows))
    return out


def _as_xlrd(value: Any) -> object:
    """A cell of ours as xlrd gives it (a time of day on xlrd's day 0, 1899-12-31; numbers as floats)."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, dt.time):
        return dt.datetime.combine(dt.date(1899, 12, 31), value)
    if isinstance(value, dt.timedelta):  # an elapsed time ([h]:mm): xlrd gives the date of that serial
        return dt.datetime(1899, 12, 31) + value
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


@pytest.mark.parametrize(
    ("codepage", "codec", "rk", "mulrk"),
    [
        (949, "cp949", False, False),
        (949, "cp949", True, False),
        (949, "cp949", True, True),
        (1361, "johab", True, False),
    ],
    ids=["949-NUMBER", "949-RK", "949-MULRK", "1361-Johab"],
)
def test_every_cell_reads_as_xlrd_reads_it(
    codepage: int, codec: str, rk: bool, mulrk: bool, tmp_path: Path
) -> None:
    path = biff5_xls(tmp_path / "생산95.xls", SHEETS, FORMATS, codepage, rk=rk, mulrk=mulrk, codec=codec)
    ours = biff5_sheets(path, "생산95.xls")
    assert ours is not None
    theirs = xlrd_sheets(path)
    assert [name for name, _ in ours] == [name for name, _ in theirs] == ["표지", "검사"]
    for (_, mine), (_, other) in zip(ours, theirs, strict=True):
        assert [[_as_xlrd(v) for v in row] for row in mine] == other
    inspection = ours[1][1]
    assert inspection[2][:5] == ["셀-000", dt.date(2024, 1, 1), 2.0 - 0.013 * 5, 100 if rk else 100.0, "불량"]
    assert inspection[3][1] == dt.datetime(2024, 1, 1, 1, 0) and inspection[7][5:7] == [False, "가"]  # i = 5
    assert inspection[-1][:4] == ["합계", "", 60.0, float(sum(range(100, 130)))]
    assert inspection[3][7:] == [dt.timedelta(hours=24, minutes=30), dt.date(2024, 1, 2)]
    assert isinstance(inspection[2][3], int) == rk  # an RK integer is an int, as calamine gives it


def test_a_korean_biff5_workbook_reads_as_its_xlsx(tmp_path: Path) -> None:
    # the table of tests/test_excel_codes.py (code formats, 0"개"), now in code page 949
    sheets: dict[str, list[list[object]]] = {"표지": [["생산 실적"]], "검사": _rows()}
    old = read_sheet(biff5_xls(tmp_path / "생산95.xls", sheets, {"검사": COLUMN_FORMATS}, 949, rk=True), "F")
    new = read_sheet(styled_xlsx(tmp_path / "생산.xlsx", sheets, {"검사": COLUMN_FORMATS}), "F")
    pd.testing.assert_frame_equal(old.table, new.table)
    assert list(old.table.columns) == ["셀ID", "작업자", "자재코드", "우편번호", "설비", "수량", "용량(mAh)"]
    assert old.table["셀ID"].tolist()[:2] == ["셀-000", "셀-001"]
    assert old.notes == new.notes and "146 number cell(s)" in old.notes[0]
    assert "sheet '검사' read; the workbook's other sheets with data ('표지') were not." in old.notes[1]


def test_read_sheet_gives_the_korean_table_with_dates(tmp_path: Path) -> None:
    sheet = read_sheet(biff5_xls(tmp_path / "생산95.xls", SHEETS, FORMATS, 949), "생산95.xls")
    table = sheet.table
    assert list(table.columns)[:7] == ["셀 번호", "검사일시", "두께(mm)", "수량", "판정", "재검", "등급"]
    assert table["검사일시"].iloc[25] == pd.Timestamp("2024-01-02 01:00")
    assert table["판정"].value_counts().to_dict() == {"양품": 24, "불량": 6}
    assert (
        "생산95.xls: 1 line(s) above the header (line 2) skipped, the first: '2라인 두께 검사'."
        in sheet.notes
    )


def _lot_rows() -> list[list[object]]:
    rows: list[list[object]] = [["로트", "두께(mm)", "판정"]]
    for i in range(40):
        rows.append(
            [
                f"로트-{i // 4:02d}",
                round(2.0 + 0.01 * ((i * 37) % 13 - 6), 3),
                "불량" if i % 7 == 0 else "양품",
            ]
        )
    return rows


def test_spc_api_and_cli_name_the_korean_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fastapi.testclient import TestClient

    from gwangyang.api import create_app
    from tests.api.conftest import AUTH, TOKEN

    rows = _lot_rows()
    old = biff5_xls(tmp_path / "두께95.xls", {"검사": rows}, {}, 949)
    new = styled_xlsx(tmp_path / "두께.xlsx", {"검사": rows}, {})
    fields = {"column": "두께(mm)", "subgroup_column": "로트"}
    with TestClient(create_app(tmp_path / "store", token=TOKEN), headers=AUTH) as client:
        answers = [
            client.post("/api/v1/factory/spc", data=fields, files={"files": (p.name, p.read_bytes())})
            for p in (old, new)
        ]
    assert [a.status_code for a in answers] == [200, 200], answers[0].text
    xls, xlsx = (a.json() for a in answers)
    assert xls["charts"] == xlsx["charts"] and xls["charts"][0]["name"] == "Xbar"
    means = pd.DataFrame(rows[1:], columns=rows[0]).groupby("로트", sort=False)["두께(mm)"].mean()
    assert xls["charts"][0]["values"] == pytest.approx(means.tolist(), rel=1e-12)
    assert (
        main(["factory", "spc", str(old), "--column", "두께(mm)", "--subgroup-column", "로트", "--json"]) == 0
    )
    out = capsys.readouterr().out
    assert "두께(mm)" in out and json.loads(out)["charts"] == xls["charts"]


def test_a_code_page_python_has_no_codec_for_is_refused(tmp_path: Path) -> None:
    # Mac Korean (10003): Python has no codec, nor has xlrd (it looks up "cp10003")
    path = biff5_xls(tmp_path / "맥95.xls", SHEETS, FORMATS, 10003, codec="euc_kr")
    with pytest.raises(LookupError):
        xlrd.open_workbook(str(path))
    with pytest.raises(CorruptFileError) as error:
        read_sheet(path, "맥95.xls")
    assert str(error.value) == (
        "맥95.xls: an Excel 5.0/95 (BIFF5) workbook in code page 10003, for which Python has no text codec: "
        "expected an Excel 97-2003 .xls or an .xlsx (save it again from Excel)."
    )


def test_a_cut_book_stream_is_refused_in_one_line(tmp_path: Path) -> None:
    stream = book_stream(SHEETS, FORMATS, 949)
    path = tmp_path / "잘린95.xls"
    path.write_bytes(compound_file(stream[: len(stream) - 40]))  # the last sheet's last cells and EOF gone
    with pytest.raises(CorruptFileError) as error:
        read_sheet(path, "잘린95.xls")
    assert str(error.value) == (
        "잘린95.xls: an Excel 5.0/95 (BIFF5) workbook cut short or damaged: sheet '검사' has no end record."
    )


def test_bytes_that_are_not_cp949_text_are_refused_naming_the_cell(tmp_path: Path) -> None:
    stream = bytearray(book_stream(SHEETS, FORMATS, 949))
    label = "불량".encode("cp949")
    at = stream.index(struct.pack("<H", len(label)) + label)  # the first 불량: row 3, column E
    stream[at + 2 : at + 6] = b"\xff\xfe\xff\xfe"  # 0xFF leads no cp949 character
    path = tmp_path / "깨진95.xls"
    path.write_bytes(compound_file(bytes(stream)))
    with pytest.raises(CorruptFileError) as error:
        read_sheet(path, "깨진95.xls")
    assert str(error.value) == (
        "깨진95.xls: sheet '검사', cell E3: its bytes are not text in code page 949 (the workbook's CODEPAGE "
        "record): the file is damaged or its code page is wrong."
    )
    with pytest.raises(UnicodeDecodeError):  # xlrd fails on the same bytes
        xlrd.open_workbook(str(path))


def test_a_truncated_file_is_one_line(tmp_path: Path) -> None:
    data = compound_file(book_stream(SHEETS, FORMATS, 949))
    path = tmp_path / "반쪽95.xls"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError) as error:
        read_sheet(path, "반쪽95.xls")
    line = str(error.value)
    assert line.startswith("반쪽95.xls: ") and "\n" not in line


def test_a_cell_past_excel_95s_sheet_is_refused(tmp_path: Path) -> None:
    stream = bytearray(book_stream(SHEETS, FORMATS, 949))
    label = "셀-000".encode("cp949")
    at = stream.index(struct.pack("<H", len(label)) + label) - 6  # the LABEL's row, column, XF
    struct.pack_into("<H", stream, at, 20000)
    path = tmp_path / "넘친95.xls"
    path.write_bytes(compound_file(bytes(stream)))
    with pytest.raises(CorruptFileError) as error:
        read_sheet(path, "넘친95.xls")
    assert str(error.value) == (
        "넘친95.xls: an Excel 5.0/95 (BIFF5) workbook damaged: sheet '검사' holds a cell at row 20001, column 1, "
        "past Excel 95's last row (16384) or column (256)."
    )


def test_the_refusals_answer_400_and_read_korean(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from gwangyang.api import create_app, i18n
    from tests.api.conftest import AUTH, TOKEN

    stream = book_stream(SHEETS, FORMATS, 949)
    cut = compound_file(stream[: len(stream) - 40])
    mac = compound_file(book_stream(SHEETS, FORMATS, 10003, codec="euc_kr"))
    cases = [
        (
            "잘린95.xls",
            cut,
            "잘린95.xls: an Excel 5.0/95 (BIFF5) workbook cut short or damaged: sheet '검사' has no end record.",
            "잘린95.xls: Excel 5.0/95(BIFF5) 통합 문서가 잘렸거나 손상되었습니다. 시트 '검사'에 끝 레코드가 없습니다.",
        ),
        (
            "맥95.xls",
            mac,
            "맥95.xls: an Excel 5.0/95 (BIFF5) workbook in code page 10003, for which Python has no text codec: "
            "expected an Excel 97-2003 .xls or an .xlsx (save it again from Excel).",
            "맥95.xls: 코드 페이지 10003의 Excel 5.0/95(BIFF5) 통합 문서인데 Python에 이 코드 페이지의 텍스트 코덱이 "
            "없습니다. Excel 97-2003 .xls 또는 .xlsx가 필요합니다(Excel에서 다시 저장하세요).",
        ),
    ]
    with TestClient(create_app(tmp_path / "store", token=TOKEN), headers=AUTH) as client:
        for name, data, english, korean in cases:
            reply = client.post(
                "/api/v1/factory/spc", data={"column": "두께(mm)"}, files={"files": (name, data)}
            )
            assert reply.status_code == 400 and reply.json()["detail"] == english
            assert i18n.phrase(english, "ko") == korean
    # the other lines, as the reader writes them
    assert i18n.phrase(
        "깨진95.xls: sheet '검사', cell E3: its bytes are not text in code page 949 (the workbook's CODEPAGE record): "
        "the file is damaged or its code page is wrong.",
        "ko",
    ) == (
        "깨진95.xls: 시트 '검사', 셀 E3: 바이트가 코드 페이지 949(통합 문서의 CODEPAGE 레코드)의 텍스트가 아닙니다. "
        "파일이 손상되었거나 코드 페이지가 잘못되었습니다."
    )
    assert i18n.phrase(
        "넘친95.xls: an Excel 5.0/95 (BIFF5) workbook damaged: sheet '검사' holds a cell at row 20001, column 1, "
        "past Excel 95's last row (16384) or column (256).",
        "ko",
    ) == (
        "넘친95.xls: Excel 5.0/95(BIFF5) 통합 문서가 손상되었습니다. 시트 '검사'의 20001행 1열에 셀이 있는데, "
        "Excel 95의 마지막 행(16384)이나 열(256)을 넘습니다."
    )
