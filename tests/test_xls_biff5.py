"""Excel 5.0/95 workbooks (BIFF5, a ``Book`` stream): number formats read, in code page 1252 and Korean 949.

The workbooks are written record by record (``tests/biff5.py``, from the specifications); the expected table is
the one of the ``.xlsx`` of the same cells and formats (``tests/test_excel_codes.py``), whose texts are checked
there against Python's own formatting (``f"{7:03d}"``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gwangyang.errors import CorruptFileError
from gwangyang.sheets import read_sheet
from gwangyang.xls_formats import scan_xls
from tests.biff5 import biff5_xls
from tests.test_excel_codes import COLUMN_FORMATS, _rows, _shown, styled_xlsx


@pytest.mark.parametrize("rk", [False, True], ids=["NUMBER", "RK"])
def test_a_biff5_workbook_reads_as_its_xlsx(rk: bool, tmp_path: Path) -> None:
    """Code page 1252 (calamine decodes it); the columns' names in English, codes in every format column."""
    rows: list[list[object]] = [["cell", "operator", "lot", "zip", "unit", "count", "capacity"], *_rows()[1:]]
    rows = [[f"c-{r[0][2:]}" if isinstance(r[0], str) and i else r[0], *r[1:]] for i, r in enumerate(rows)]
    sheets: dict[str, list[list[object]]] = {"cover": [["production"]], "inspection": rows}
    formats = {"inspection": [*COLUMN_FORMATS[:-1], "#,##0"]}  # 0"개" has no code page 1252 bytes
    old = read_sheet(biff5_xls(tmp_path / "line95.xls", sheets, formats, codepage=1252, rk=rk), "t")
    new = read_sheet(styled_xlsx(tmp_path / "line.xlsx", sheets, formats), "t")
    pd.testing.assert_frame_equal(old.table, new.table)
    assert old.table["operator"].tolist() == _shown(_rows())["작업자"]
    assert old.notes == new.notes and "146 number cell(s)" in old.notes[0]


def test_a_korean_biff5_workbook_has_its_formats_read(tmp_path: Path) -> None:
    # calamine gives garbage for its text (and one sheet's cells for two names of as many bytes): its cells are
    # read by gwangyang.xls_biff5 (tests/test_xls_biff5_korean.py compares them with xlrd), its formats here
    sheets: dict[str, list[list[object]]] = {"표지": [["생산 실적"]], "검사": _rows()}
    path = biff5_xls(tmp_path / "생산95.xls", sheets, {"검사": COLUMN_FORMATS}, codepage=949)
    scan = scan_xls(path, "검사")
    assert scan is not None and (scan.biff, scan.codepage, len(scan.cells)) == (5, 949, 146)
    sheet = read_sheet(path, "생산95.xls")
    assert sheet.table["작업자"].tolist() == _shown(_rows())["작업자"]
    assert sheet.notes[0].startswith(
        "생산95.xls: 146 number cell(s) formatted as codes read as the text Excel shows"
    )


def test_biff5_formats_are_read_from_the_book_stream(tmp_path: Path) -> None:
    rows: list[list[object]] = [["op", "lot", "zip"], [7, 42, 12345], [1001, 5, 678]]
    path = biff5_xls(
        tmp_path / "line.xls", {"data": rows}, {"data": ["0000", '"LOT-"000', "00000"]}, codepage=1252
    )
    scan = scan_xls(path, "data")
    assert scan is not None and scan.biff == 5 and scan.codepage == 1252
    assert sorted(scan.cells) == [(r, c) for r in (1, 2) for c in range(3)]
    sheet = read_sheet(path, "line.xls")
    assert sheet.table.to_dict("list") == {
        "op": ["0007", "1001"],
        "lot": ["LOT-042", "LOT-005"],
        "zip": ["12345", "00678"],
    }
    assert sheet.notes == [
        "line.xls: 6 number cell(s) formatted as codes read as the text Excel shows (A2: 7 shown as '0007', "
        "format '0000')."
    ]


def test_a_damaged_compound_file_is_refused_not_a_crash(tmp_path: Path) -> None:
    # the stream's size says it lives in the mini stream, which the file does not have: calamine panics (pyo3's
    # PanicException, a BaseException that `except Exception` let through to the caller)
    import struct

    from tests.biff5 import book_stream, compound_file

    data = bytearray(compound_file(book_stream({"s": [["op"], [7]]}, {"s": ["000"]}, codepage=1252)))
    struct.pack_into("<I", data, len(data) - 512 + 128 + 120, 100)  # the Book entry's size
    path = tmp_path / "깨진.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptFileError) as error:
        read_sheet(path, "깨진.xls")
    assert str(error.value).startswith("깨진.xls: not a readable Excel workbook (the reader failed: ")


def test_biff5_formats_with_letters_do_not_make_dates(tmp_path: Path) -> None:
    # calamine read BIFF5 FORMAT strings amiss: 7 under "SHIFT-"00 or "d"0 came back as the date 1900-01-07;
    # xlrd reads the formats as written (formatting_info) and the cells as numbers
    xlrd = pytest.importorskip("xlrd")
    rows: list[list[object]] = [["shift", "day", "mass", "hours"], [7, 7, 7, 7.5], [12, 3, 250, 8.25]]
    formats = {"s": ['"SHIFT-"00', '"d"0', '0"kg"', '0.0"h"']}
    path = biff5_xls(tmp_path / "shift.xls", {"s": rows}, formats, codepage=1252)
    book = xlrd.open_workbook(str(path), formatting_info=True)
    cells = book.sheet_by_index(0).row(1)
    assert [book.format_map[book.xf_list[c.xf_index].format_key].format_str for c in cells] == formats["s"]
    assert [(c.ctype, c.value) for c in cells] == [(xlrd.XL_CELL_NUMBER, v) for v in (7.0, 7.0, 7.0, 7.5)]
    sheet = read_sheet(path, "t")  # as Excel shows them: the two code formats as text, the others numbers
    assert sheet.table.to_dict("list") == {
        "shift": ["SHIFT-07", "SHIFT-12"],
        "day": ["d7", "d3"],
        "mass": [7, 250],
        "hours": [7.5, 8.25],
    }
