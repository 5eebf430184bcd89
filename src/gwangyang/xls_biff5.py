"""The cells of an Excel 5.0/95 (BIFF5) workbook, its text decoded in the workbook's code page (Korean 949).

BIFF5 has no Unicode: sheet names, labels and number formats are bytes in the code page of the workbook's
``CODEPAGE`` record (949 for Korean Windows: Unified Hangul Code, Python's ``cp949``; 1361 Johab). calamine reads
text in a two-byte code page as garbage (each byte a character, sheets whose names have as many bytes confused),
and misreads every BIFF5 ``FORMAT`` string (a number under ``"SHIFT-"00`` or ``"d"0`` comes back a date), so
:mod:`gwangyang.sheets` reads BIFF5 workbooks here, from the ``Book`` stream :mod:`gwangyang.xls_formats` finds:
``BOUNDSHEET`` (each worksheet's name and start), ``FORMAT``/``XF`` (which cells are dates), ``DATEMODE``, and
each sheet's ``LABEL``, ``RSTRING``, ``NUMBER``, ``RK``, ``MULRK``, ``BOOLERR`` and ``FORMULA`` (its cached
result; a text result in the ``STRING`` record after it). The cells come back as calamine gives a workbook's:
texts, ``int`` for an RK integer, ``float`` otherwise, ``bool``, dates and times as ``datetime`` objects, ``""``
for an empty cell. Text is decoded strictly: bytes that are not text in the code page are refused naming the
cell, never replaced. Records as the OpenOffice.org "Excel File Format" document describes them; xlrd reads the
same workbooks (``tests/test_xls_biff5_korean.py`` compares every cell).
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import CorruptFileError
from .xls_formats import BrokenXlsError, biff_records, codec_name, workbook_stream

_BOF, _EOF, _CODEPAGE, _DATEMODE, _SHEET = 0x0809, 0x000A, 0x0042, 0x0022, 0x0085
_FORMAT, _XF = 0x041E, 0x00E0
_LABEL, _RSTRING, _NUMBER, _RK, _MULRK, _BOOLERR = 0x0204, 0x00D6, 0x0203, 0x027E, 0x00BD, 0x0205
_FORMULA, _STRING = 0x0006, 0x0207
_ROWS, _COLUMNS = 16384, 256
"""Excel 5.0/95's sheet size."""

_DATE_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
"""Built-in format ids of dates and times (xlrd's ranges; 27-36 and 50-58 are the Korean locale's dates)."""
_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!"}
_ERRORS[0x2A] = "#N/A"
_EPOCH = dt.datetime(1899, 12, 30)


def _kind(fmt: str) -> str:
    """``date``, ``elapsed`` or ``number``: calamine's reading of a custom format's first section."""
    quoted = escaped = False
    brackets = 0
    for i, char in enumerate(fmt):
        if escaped:
            escaped = False
        elif quoted:
            quoted = char != '"'
        elif char in "_\\":
            escaped = True
        elif char == '"':
            quoted = True
        elif char == ";":
            return "number"
        elif char == "[":
            inside = fmt[i + 1 : fmt.find("]", i)] if "]" in fmt[i:] else ""
            if inside and set(inside.lower()) <= set("hms"):
                return "elapsed"  # [h]:mm, [mm]:ss
            brackets += 1
        elif char == "]":
            brackets = max(0, brackets - 1)
        elif brackets == 0 and char.lower() in "dmhys":
            return "date"
    return "number"


def _date(value: float, date1904: bool) -> Any:
    """A date-formatted number as python-calamine gives it: a ``time`` under one day, a ``date`` at midnight.

    Under one day is day 0 in either date mode: 1899-12-31 (1900) or 1904-01-01 (1904, where calamine gives
    ``time(12, 0)`` for 0.5 as well; this gave ``datetime(1904, 1, 1, 12, 0)`` before).
    """
    days = value + 1462 if date1904 else value
    if days < 60:  # Excel's 1900 has a 29 February
        days += 1
    stamp = _EPOCH + dt.timedelta(milliseconds=round(days * 86_400_000))
    if stamp.date() == (dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 31)):
        return stamp.time()
    return stamp.date() if stamp.time() == dt.time() else stamp


def _rk(raw: int) -> float | int:
    """An RK number: an integer (``int``, as calamine) or the high 30 bits of a float, either over 100."""
    if raw & 2:
        whole = raw >> 2
        if raw & 1:
            return whole // 100 if whole % 100 == 0 else whole / 100
        return whole
    value: float = struct.unpack("<d", struct.pack("<Q", (raw & 0xFFFFFFFC) << 32))[0]
    return value / 100 if raw & 1 else value


def _cell_name(row: int, column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


class _Book:
    """The globals of a BIFF5 workbook: code page, date mode, XF kinds and worksheets."""

    def __init__(self, stream: bytes, source: str) -> None:
        self.stream, self.source = stream, source
        self.codepage, self.date1904 = 1252, False
        formats: dict[int, bytes] = {}
        xf_formats: list[int] = []
        names: list[tuple[bytes, int, int]] = []
        records = biff_records(stream)
        if not records or records[-1][1] != _EOF:
            raise CorruptFileError(
                f"{source}: an Excel 5.0/95 (BIFF5) workbook cut short or damaged: its sheet list has no end record."
            )
        for _, kind, body in records:
            if kind == _CODEPAGE and len(body) >= 2:
                self.codepage = struct.unpack_from("<H", body)[0]
            elif kind == _DATEMODE and len(body) >= 2:
                self.date1904 = struct.unpack_from("<H", body)[0] == 1
            elif kind == _FORMAT and len(body) >= 3:
                formats[struct.unpack_from("<H", body)[0]] = body[3 : 3 + body[2]]
            elif kind == _XF and len(body) >= 4:
                xf_formats.append(struct.unpack_from("<H", body, 2)[0])
            elif kind == _SHEET and len(body) >= 7 and body[5] == 0:  # a worksheet (not a chart or module)
                names.append((body[7 : 7 + body[6]], struct.unpack_from("<I", body)[0], len(names)))
        codec = codec_name(self.codepage)
        if codec is None:
            raise CorruptFileError(
                f"{source}: an Excel 5.0/95 (BIFF5) workbook in code page {self.codepage}, for which Python has no "
                "text codec: expected an Excel 97-2003 .xls or an .xlsx (save it again from Excel)."
            )
        self.codec = codec
        # decoded first: a two-byte character's second byte may be an ASCII letter (cp949 0x41-0x7A); a damaged
        # format only decides whether its numbers are dates, so its bytes are replaced, not refused
        text = {ident: raw.decode(codec, "replace") for ident, raw in formats.items()}
        self.kinds = [
            _kind(text[ident]) if ident in text else ("date" if ident in _DATE_IDS else "number")
            for ident in xf_formats
        ]
        self.sheets: list[tuple[str, int]] = []
        for raw, start, index in names:
            try:
                self.sheets.append((raw.decode(codec), start))
            except UnicodeDecodeError:
                raise CorruptFileError(
                    f"{source}: the name of sheet {index + 1} is not text in code page {self.codepage} (the "
                    "workbook's CODEPAGE record): the file is damaged or its code page is wrong."
                ) from None

    def _text(self, data: bytes, sheet: str, row: int, column: int) -> str:
        try:
            return data.decode(self.codec)
        except UnicodeDecodeError:
            raise CorruptFileError(
                f"{self.source}: sheet {sheet!r}, cell {_cell_name(row, column)}: its bytes are not text in code "
                f"page {self.codepage} (the workbook's CODEPAGE record): the file is damaged or its code page is "
                "wrong."
            ) from None

    def _number(self, value: float, xf: int) -> Any:
        kind = self.kinds[xf] if xf < len(self.kinds) else "number"
        if kind == "date":
            return _date(value, self.date1904)
        if kind == "elapsed":
            return dt.timedelta(milliseconds=round(value * 86_400_000))
        return value

    def rows(self, sheet: str, start: int) -> list[list[Any]]:
        """The cells of the worksheet starting at ``start``, from A1, ``""`` where empty."""
        records = biff_records(self.stream, start) if start < len(self.stream) else []
        if not records or records[0][1] != _BOF or records[-1][1] != _EOF:
            raise CorruptFileError(
                f"{self.source}: an Excel 5.0/95 (BIFF5) workbook cut short or damaged: sheet {sheet!r} has no "
                "end record."
            )
        cells: dict[tuple[int, int], Any] = {}
        for i, (_, kind, body) in enumerate(records):
            if len(body) < 6 or kind not in (_LABEL, _RSTRING, _NUMBER, _RK, _MULRK, _BOOLERR, _FORMULA):
                continue
            row, column, xf = struct.unpack_from("<HHH", body)
            many: list[tuple[int, int, int]] = []
            if kind == _MULRK:  # (column, XF, RK) of each cell; the last column closes the record
                many = [
                    (column + k, *struct.unpack_from("<HI", body, 4 + 6 * k))
                    for k in range((len(body) - 6) // 6)
                ]
                column = many[-1][0] if many else column
            if row >= _ROWS or column >= _COLUMNS:
                raise CorruptFileError(
                    f"{self.source}: an Excel 5.0/95 (BIFF5) workbook damaged: sheet {sheet!r} holds a cell at row "
                    f"{row + 1}, column {column + 1}, past Excel 95's last row (16384) or column (256)."
                )
            if kind in (_LABEL, _RSTRING) and len(body) >= 8:
                length = struct.unpack_from("<H", body, 6)[0]
                cells[(row, column)] = self._text(body[8 : 8 + length], sheet, row, column)
            elif kind == _NUMBER and len(body) >= 14:
                cells[(row, column)] = self._number(struct.unpack_from("<d", body, 6)[0], xf)
            elif kind == _RK and len(body) >= 10:
                cells[(row, column)] = self._number(_rk(struct.unpack_from("<I", body, 6)[0]), xf)
            elif kind == _MULRK:
                for at, cell_xf, raw in many:
                    cells[(row, at)] = self._number(_rk(raw), cell_xf)
            elif kind == _BOOLERR and len(body) >= 8:
                cells[(row, column)] = _ERRORS.get(body[6], "#N/A") if body[7] else bool(body[6])
            elif kind == _FORMULA and len(body) >= 14:
                cells[(row, column)] = self._formula(body, records[i + 1 :], sheet, row, column, xf)
        if not cells:
            return []
        height = max(r for r, _ in cells) + 1
        width = max(c for _, c in cells) + 1
        grid: list[list[Any]] = [[""] * width for _ in range(height)]
        for (r, c), value in cells.items():
            grid[r][c] = value
        return grid

    def _formula(
        self, body: bytes, after: list[tuple[int, int, bytes]], sheet: str, row: int, column: int, xf: int
    ) -> Any:
        """A formula's cached result: a number, or by its type byte a text (the next ``STRING``), bool or error."""
        if body[12:14] != b"\xff\xff":
            return self._number(struct.unpack_from("<d", body, 6)[0], xf)
        kind = body[6]
        if kind == 0:
            # the whole record after the count: xlrd takes the count for characters, LABEL's for bytes
            string = next((b for _, k, b in after[:2] if k == _STRING), b"")
            return self._text(string[2:], sheet, row, column)
        if kind == 1:
            return bool(body[8])
        if kind == 2:
            return _ERRORS.get(body[8], "#N/A")
        return ""


def biff5_sheets(path: str | Path, source: str) -> list[tuple[str, list[list[Any]]]] | None:
    """The worksheets of an Excel 5.0/95 workbook, decoded in its code page; None for any other file.

    Parameters
    ----------
    path
        An ``.xls`` file.
    source
        The file's name in errors.

    Returns
    -------
    list or None
        (name, rows) of each worksheet in the workbook's order, the rows from A1 as
        ``CalamineSheet.to_python(skip_empty_area=False)`` gives them; None when the file is not BIFF5 (BIFF8,
        which calamine reads) or not a compound file this reader follows (calamine then says what it makes of it).

    Raises
    ------
    CorruptFileError
        A code page Python has no codec for, text that is not in the code page, or a workbook cut short or
        damaged; one line naming the file (and the sheet and cell).
    """
    book = biff5_book(path, source)
    if book is None:
        return None
    names, rows = book
    return [(name, rows(name)) for name in names]


def biff5_book(path: str | Path, source: str) -> tuple[list[str], Callable[[str], list[list[Any]]]] | None:
    """An Excel 5.0/95 workbook's worksheet names, and a function decoding one sheet's rows when asked.

    Only the workbook's globals (code page, formats, sheet list) are read at once: a reader that needs the names
    alone (detection) decodes no cell.

    Parameters
    ----------
    path
        An ``.xls`` file.
    source
        The file's name in errors.

    Returns
    -------
    tuple or None
        The worksheet names in the workbook's order and ``rows(name)``, as :func:`biff5_sheets` gives each sheet's
        rows (raising its errors for that sheet); None when the file is not BIFF5.

    Raises
    ------
    CorruptFileError
        A code page Python has no codec for, a sheet name not in it, or a sheet list cut short.
    """
    try:
        stream = workbook_stream(Path(path).read_bytes())
    except (BrokenXlsError, struct.error, IndexError, OSError):
        return None
    if stream[:2] != struct.pack("<H", _BOF) or stream[4:6] != struct.pack("<H", 0x0500):
        return None
    book = _Book(stream, source)
    starts = dict(book.sheets)

    def rows(name: str) -> list[list[Any]]:
        return book.rows(name, starts[name])

    return [name for name, _ in book.sheets], rows
