"""Number cells formatted as codes (``000``, ``"LOT-"0000``, ``00000-0000``, ``@``) read as the text Excel shows.

Workbooks are written two ways: an ``.xlsx`` whose ``styles.xml`` (``numFmts``, ``cellXfs``) and cell ``s``
attributes are written here with zipfile, and an old ``.xls`` written by xlwt with ``easyxf(num_format_str=...)``.
The expected texts are made by Python's own formatting (``f"{7:03d}"``), not by the reader's."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pandas as pd
import pytest

from gwangyang.battery.production import read_production_table
from gwangyang.excel_codes import xlsx_code_cells
from gwangyang.excel_number_formats import code_format
from gwangyang.sheets import read_sheet
from gwangyang.xls_formats import xls_code_cells

FORMATS = (
    "000",
    '"LOT-"0000',
    "00000-0000",
    "@",
    "#,##0",
    '0"개"',
    "0000",
    "00000",
    '"00000"',
    '"제"000"호"',
    ";;;",
    "#,##0;-#,##0;",
)
"""Custom number formats of the test workbooks (numFmtId 164 on); ``@`` is the built-in 49."""


def _column(index: int) -> str:
    name, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(ref: str, value: object, fmt: str | None) -> str:
    style = "" if fmt is None else f' s="{1 + FORMATS.index(fmt)}"'
    if value is None:
        return ""
    if isinstance(value, int | float):
        return f'<c r="{ref}"{style}><v>{float(value)!r}</v></c>'
    return f'<c r="{ref}"{style} t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def styled_xlsx(
    path: Path, sheets: Mapping[str, Sequence[Sequence[object]]], formats: Mapping[str, Sequence[str | None]]
) -> Path:
    """An ``.xlsx`` whose cells of each sheet's columns carry the number formats ``formats[sheet]`` (None: General)."""
    num_fmts = "".join(
        f"<numFmt numFmtId={quoteattr(str(164 + i))} formatCode={quoteattr(code)}/>"
        for i, code in enumerate(FORMATS)
        if code != "@"
    )
    xfs = '<xf numFmtId="0"/>' + "".join(
        f'<xf numFmtId="{49 if code == "@" else 164 + i}" applyNumberFormat="1"/>'
        for i, code in enumerate(FORMATS)
    )
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(len(sheets))
            )
            + "</Types>",
        )
        book.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            for i, name in enumerate(sheets)
        )
        book.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {main} xmlns:r="{rel}"><sheets>{entries}</sheets></workbook>',
        )
        links = "".join(
            f'<Relationship Id="rId{i + 1}" Type="{rel}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(len(sheets))
        )
        links += f'<Relationship Id="rId{len(sheets) + 1}" Type="{rel}/styles" Target="styles.xml"/>'
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships">{links}</Relationships>',
        )
        book.writestr(
            "xl/styles.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {main}><numFmts count="{len(FORMATS) - 1}">'
            f'{num_fmts}</numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders '
            f'count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs '
            f'count="{len(FORMATS) + 1}">{xfs}</cellXfs></styleSheet>',
        )
        for i, (name, rows) in enumerate(sheets.items()):
            styles = formats.get(name, [])
            body = "".join(
                f'<row r="{r + 1}">'
                + "".join(
                    _cell(f"{_column(c)}{r + 1}", v, styles[c] if r and c < len(styles) else None)
                    for c, v in enumerate(row)
                )
                + "</row>"
                for r, row in enumerate(rows)
            )
            book.writestr(
                f"xl/worksheets/sheet{i + 1}.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet {main}><sheetData>{body}</sheetData></worksheet>',
            )
    return path


def styled_xls(
    path: Path, sheets: Mapping[str, Sequence[Sequence[object]]], formats: Mapping[str, Sequence[str | None]]
) -> Path:
    """The same workbook as :func:`styled_xlsx`, written by xlwt."""
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    styles = {code: xlwt.easyxf(num_format_str=code) for code in FORMATS}
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        codes = formats.get(name, [])
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                fmt = codes[c] if r and c < len(codes) else None
                if value is None:
                    continue
                if fmt is None:
                    sheet.write(r, c, value)
                else:
                    sheet.write(r, c, value, styles[fmt])
    book.save(str(path))
    return path


HEADER: list[object] = ["셀ID", "작업자", "자재코드", "우편번호", "설비", "수량", "용량(mAh)"]
COLUMN_FORMATS: list[str | None] = [None, "000", '"LOT-"0000', "00000-0000", "@", "#,##0", '0"개"']


def _rows(n: int = 40) -> list[list[object]]:
    """Korean names; operators 0..119 (``000``), lots (``"LOT-"0000``), zip+4 codes, text-formatted numbers."""
    rows: list[list[object]] = [HEADER]
    for i in range(n):
        rows.append(
            [
                f"셀-{i:03d}",
                (i * 7) % 120,
                40 + i * 13,
                123450000 + i * 1111,
                i if i % 3 else f"{i:02d}",  # a text cell typed with its zero, or a number formatted as text
                1000 + i,  # a count shown with thousands separators: a number
                2500 + i,  # a count shown with 개: a number
            ]
        )
    return rows


def _shown(rows: list[list[object]]) -> dict[str, list[object]]:
    """What Excel shows in each column, by Python's own formatting."""
    body = rows[1:]
    return {
        "작업자": [f"{r[1]:03d}" for r in body],
        "자재코드": [f"LOT-{r[2]:04d}" for r in body],
        "우편번호": [f"{r[3]:09d}"[:5] + "-" + f"{r[3]:09d}"[5:] for r in body],
        "설비": [str(r[4]) for r in body],
        "수량": [r[5] for r in body],
        "용량(mAh)": [r[6] for r in body],
    }


@pytest.fixture(params=["xlsx", "xls"])
def workbook(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    sheets: dict[str, list[list[object]]] = {"표지": [["생산 실적"], ["작성", "품질팀"]], "검사": _rows()}
    formats = {"검사": COLUMN_FORMATS}
    if request.param == "xlsx":
        return styled_xlsx(tmp_path / "생산.xlsx", sheets, formats)
    return styled_xls(tmp_path / "생산.xls", sheets, formats)


def test_number_cells_read_as_excel_shows_them(workbook: Path) -> None:
    sheet = read_sheet(workbook)
    table = sheet.table
    for column, expected in _shown(_rows()).items():
        assert table[column].tolist() == expected, column
    assert table["수량"].dtype == "int64" and table["용량(mAh)"].dtype == "int64"
    coded = [n for n in sheet.notes if "formatted as codes" in n]
    # 40 operators, 40 lots, 40 zip codes, and the 26 numbers of 설비 formatted @ (14 are text cells)
    assert coded == [
        f"{workbook}: 146 number cell(s) formatted as codes read as the text Excel shows "
        "(B2: 0 shown as '000', format '000')."
    ]


def test_production_ingest_keeps_the_shown_codes(workbook: Path) -> None:
    table = read_production_table(workbook)
    shown = _shown(_rows())
    for column in ("작업자", "자재코드", "우편번호", "설비"):
        assert table.frame[column].tolist() == shown[column], column
    assert table.extra_text == ["작업자", "자재코드", "우편번호", "설비"]
    assert table.extra_numeric == ["수량", "용량(mAh)"]


def test_xlsx_and_xls_read_to_one_table(tmp_path: Path) -> None:
    sheets = {"검사": _rows(25)}
    formats = {"검사": COLUMN_FORMATS}
    a = read_sheet(styled_xlsx(tmp_path / "a.xlsx", sheets, formats), "t").table
    b = read_sheet(styled_xls(tmp_path / "a.xls", sheets, formats), "t").table
    pd.testing.assert_frame_equal(a, b)


def test_a_small_xls_in_the_mini_stream(tmp_path: Path) -> None:
    """A workbook stream under 4096 bytes lives in the compound file's mini stream."""
    path = styled_xls(tmp_path / "작은.xls", {"s": [["작업자"], [7], [42]]}, {"s": ["000"]})
    assert path.stat().st_size < 8192
    assert xls_code_cells(path, "s") == {(1, 0): code_format("000"), (2, 0): code_format("000")}
    assert read_sheet(path).table["작업자"].tolist() == ["007", "042"]


def test_without_code_formats_nothing_changes(tmp_path: Path) -> None:
    rows: list[list[object]] = [["작업자", "값"], [1, 2.5], [12, 3.5]]
    path = styled_xlsx(tmp_path / "p.xlsx", {"s": rows}, {"s": ["#,##0", '0"개"']})
    sheet = read_sheet(path)
    assert sheet.table["작업자"].tolist() == [1, 12] and sheet.notes == []


@pytest.mark.parametrize(
    ("code", "value", "shown"),
    [
        ("000", 7, "007"),
        ("000", 7.0, "007"),
        ("000", 12345, "12345"),
        ("000", -7, "-007"),
        ("000;(000)", -7, "(007)"),
        ('000;-000;"없음"', 0, None),  # the zero section shows no digits: the number stays
        ('"LOT-"0000', 42, "LOT-0042"),
        ("00000-0000", 12345678, "01234-5678"),
        ("\\A00", 5, "A05"),
        ("[Red]000", 5, "005"),
        ("[$-412]0000", 5, "0005"),
        ("00_)", 5, "05"),
        # fixed widths the value fills: still the code (the format decides, not a leading zero)
        ("0000", 1001, "1001"),
        ("00000", 12345, "12345"),
        # '#' before the zeros shows a digit only where the number has one: 7 is 007, as under 000
        ("#000", 7, "007"),
        ("#000", 12345, "12345"),
        # literal text before the digits (a label, with a letter) makes a code of one placeholder or General
        ('"LOT-"0', 42, "LOT-42"),
        ('"제"General', 12, "제12"),
        ('"제"000"호"', 7, "제007호"),
        ('[$-412]"코드"000', 5, "코드005"),
        # one section only: Excel puts the minus sign before everything, the literal text included
        ('"LOT-"0000', -42, "-LOT-0042"),
        # a text section alone ("LOT-"@) applies to text cells; numbers show as General does
        ('"LOT-"@', 5, "5"),
        # conditions: Excel's "Zip Code + 4" special format, 5 digits up to 99999 and 9 above
        ("[<=99999]00000;00000-0000", 1234, "01234"),
        ("[<=99999]00000;00000-0000", 123456789, "12345-6789"),
        ("[<=99999]00000;00000-0000", 12345678, "01234-5678"),
        ("[>999]0000;[>99]\\A000;00", 5, "05"),
        ("[>999]0000;[>99]\\A000;00", 123, "A123"),
        ("[>999]0000;[>99]\\A000;00", 4567, "4567"),
        ("@", 5.0, "5"),
        ("@", 2.5, None),
        ("000", 1.5, None),
        ("000", True, None),
        ("000", "007", None),
    ],
)
def test_code_format_shows_what_excel_shows(code: str, value: object, shown: str | None) -> None:
    fmt = code_format(code)
    assert fmt is not None
    assert fmt.show(value) == shown


@pytest.mark.parametrize(
    "code",
    [
        *("General", "0", "#,##0", "0.00", '0"개"', "yyyy-mm-dd", "[<=999]000", "0.0E+00", "00%", ""),
        # a currency sign is no label; a # after a 0 is no fixed width; a thousands comma is a count
        *('"$"0', '"₩"0', "0#0", '"LOT-"#,##0', "###-####"),
        # a condition with no section for the other numbers; a phone number's # placeholders (Korean special format)
        *("[<=999]000;[>999]0000", "[<=9999999]###-####;(0##) ###-####"),
    ],
)
def test_other_formats_keep_numbers(code: str) -> None:
    assert code_format(code) is None


@pytest.mark.parametrize(("code", "shown"), [('"00000"', "00000"), (";;;", ""), ('"없음"', "없음")])
def test_formats_that_show_no_digit_hide_the_number(code: str, shown: str) -> None:
    # Excel shows the same text for every number under these formats, whole or not: the number is what the cell
    # holds; ;;; shows nothing (an empty cell)
    fmt = code_format(code)
    assert fmt is not None and fmt.hides
    assert fmt.show(7) is None and fmt.hidden(7) == shown and fmt.hidden(1.5) == shown
    assert fmt.hidden(True) is None and fmt.hidden(float("nan")) is None and fmt.hidden("7") is None


FIXED: list[list[object]] = [
    ["설비코드", "우편번호", "표시", "호수"],
    [1001, 12345, 7, 7],
    [2002, 54321, 8, 12],
    [3003, 10000, 9, 3],
]
FIXED_FORMATS: list[str | None] = ["0000", "00000", '"00000"', '"제"000"호"']


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_fixed_width_codes_without_a_leading_zero_stay_codes(kind: str, tmp_path: Path) -> None:
    """``1001`` under ``0000`` and 5-digit zip codes under ``00000``: no leading zero, but the format says codes.

    Before, the shown texts were judged again by their digits and read back as numbers (1001, 12345)."""
    write = styled_xlsx if kind == "xlsx" else styled_xls
    path = write(tmp_path / f"설비.{kind}", {"설비 대장": FIXED}, {"설비 대장": FIXED_FORMATS})
    sheet = read_sheet(path, "설비")
    table = sheet.table
    assert table["설비코드"].tolist() == ["1001", "2002", "3003"]
    assert table["우편번호"].tolist() == ["12345", "54321", "10000"]
    assert table["호수"].tolist() == ["제007호", "제012호", "제003호"]
    # the quoted "00000" shows 00000 for every number: the numbers are kept, and said
    assert table["표시"].tolist() == [7, 8, 9] and table["표시"].dtype == "int64"
    assert sheet.notes == [
        "설비: 9 number cell(s) formatted as codes read as the text Excel shows (A2: 1001 shown as '1001', "
        "format '0000').",
        "설비: 3 number cell(s) have a format that shows a fixed text instead of the number (C2: 7 shown as "
        "'00000', format '\"00000\"'): read as the numbers.",
    ]


def test_cells_without_references_are_counted(tmp_path: Path) -> None:
    """Some writers leave out the cells' ``r`` (a cell's place is then its order in the row)."""
    import re

    rows = _rows(6)
    plain = styled_xlsx(tmp_path / "r.xlsx", {"검사": rows}, {"검사": COLUMN_FORMATS})
    bare = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(bare, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<c r="[A-Z]+\d+"', b"<c", data)
            out.writestr(item, data)
    assert b'<c r="' not in zipfile.ZipFile(bare).read("xl/worksheets/sheet1.xml")
    pd.testing.assert_frame_equal(read_sheet(bare, "t").table, read_sheet(plain, "t").table)
    assert read_sheet(bare).table["작업자"].tolist() == _shown(rows)["작업자"]


@pytest.mark.slow
def test_a_large_xls_whose_fat_needs_a_difat_sector(tmp_path: Path) -> None:
    """Past 109 FAT sectors (about 7 MB) the compound file lists the rest in DIFAT sectors."""
    import struct

    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    style = xlwt.easyxf(num_format_str="000")
    for name in ("앞", "뒤"):
        sheet = book.add_sheet(name)
        for r in range(65536):
            sheet.write(r, 0, r % 500, style)
            for c in range(1, 10):
                sheet.write(r, c, r * 0.5 + c)
    path = tmp_path / "큰.xls"
    book.save(str(path))
    assert struct.unpack_from("<I", path.read_bytes(), 0x48)[0] >= 1  # DIFAT sectors
    cells = xls_code_cells(path, "뒤")
    assert cells is not None
    assert len(cells) == 65536 and cells[(65535, 0)].show(65535 % 500) == f"{65535 % 500:03d}"


def test_formats_that_cannot_be_read_are_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a file this reader does not follow (not a compound file, BIFF5's "Book" stream, damage) gives None, and the
    # sheet's notes say that code-formatted numbers stay numbers (before: nothing said, "001" read as 1)
    garbage = tmp_path / "깨진.xls"
    garbage.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert xls_code_cells(garbage, "s") is None
    assert xls_code_cells(tmp_path / "없는.xls", "s") is None
    from gwangyang import sheets

    monkeypatch.setattr("gwangyang.xls_formats.scan_xls", lambda path, sheet: None)
    notes: list[str] = []
    grid: list[list[object]] = [["작업자"], [1.0]]
    sheets._show_codes(tmp_path / "3월.xls", "s", grid, "3월.xls", notes)
    assert grid == [["작업자"], [1.0]]
    assert notes == [
        "3월.xls: the workbook's number formats could not be read (not an Excel BIFF5 or BIFF8 file this reader "
        "follows, or damaged): number cells formatted as codes (000) are read as numbers."
    ]


@pytest.mark.parametrize(
    "code", ["000", '"LOT-"0000', "00000-0000", '"제"000"호"', "0-0-0", "\\A00_)", "[Red]0000;-0"]
)
def test_compiled_zeros_render_as_the_format(code: str) -> None:
    # apply_code_formats renders positive whole numbers with the compiled section; show() walks the tokens
    fmt = code_format(code)
    assert fmt is not None and fmt.zeros is not None
    for number in [1, 7, 42, 999, 1000, 12345, 123456789, 98765432109, 2**53 - 1]:
        assert fmt.zeros.render(number) == fmt.show(number), number


@pytest.mark.parametrize(
    ("pattern", "replacement"),
    [
        (rb'<c r="([A-Z]+\d+)" s="(\d+)"', rb'<c s="\2" r="\1"'),  # the style before the reference
        (rb'<c r="([A-Z]+\d+)" s="(\d+)"', rb'<c  r="\1"\n s = "\2"'),  # other spaces
        (
            rb'<row r="(\d+)">',
            rb'<row r="\1" s="1" customFormat="1">',
        ),  # a row styled 000 (no cell of its own)
    ],
    ids=["order", "spaces", "row style"],
)
def test_cells_written_otherwise_are_all_found(pattern: bytes, replacement: bytes, tmp_path: Path) -> None:
    """The plain pattern (``<c r=".." s="..">``) is checked against a count of every coded ``s``: other writers'
    cells are read by the slower readers, with the same answer."""
    import re

    plain = styled_xlsx(tmp_path / "p.xlsx", {"검사": _rows(8)}, {"검사": COLUMN_FORMATS})
    other = tmp_path / "o.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(other, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data, count = re.subn(pattern, replacement, data)
                assert count
            out.writestr(item, data)
    assert xlsx_code_cells(str(other), "검사") == xlsx_code_cells(str(plain), "검사")
    assert len(xlsx_code_cells(str(plain), "검사")) == 8 * 4
