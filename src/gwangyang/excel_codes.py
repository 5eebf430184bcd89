"""Number cells a workbook formats as codes, read as the text Excel shows (``7`` formatted ``000`` is ``007``).

A cell's format is its style's number format (``.xlsx``: ``styles.xml``'s ``numFmts`` and ``cellXfs``, chosen by
the cell's ``s`` attribute; ``.xls``: the XF record of the cell, see :mod:`gwangyang.xls_formats`); which formats
are code formats and the text they show is :mod:`gwangyang.excel_number_formats`. The shown text is a
:class:`ShownCode`, so that :mod:`gwangyang.sheets` keeps its column as text whatever the digits (``1001`` under
``0000`` has no leading zero but is a code all the same).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from xml.etree import ElementTree

from .excel_number_formats import BUILTIN_FORMATS, CodeFormat, code_format

_EXACT = 2.0**53


class ShownCode(str):
    """The text a code format shows for a number cell (its column is text, see :func:`apply_code_formats`)."""

    __slots__ = ()


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL = re.compile(rb"<(?:[\w.-]+:)?(row|c)\b([^>]*)>")
_ATTR = re.compile(rb"""\b(r|s)\s*=\s*["']([^"']*)["']""")
_REF = re.compile(rb"([A-Z]+)(\d+)")
_FIRST_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*)>")
_REF_ATTR = re.compile(rb"""\br\s*=\s*["']([A-Z]+)(\d+)["']""")

Cells = dict[tuple[int, int], CodeFormat]
"""Cells (row, column from 0) formatted as codes, with their format."""


def _xml(book: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    try:
        return ElementTree.fromstring(book.read(name))
    except (KeyError, ElementTree.ParseError):
        return None


def _styles(book: zipfile.ZipFile) -> dict[int, CodeFormat]:
    """The cell styles (``cellXfs`` index) whose number format is a code format."""
    styles = _xml(book, "xl/styles.xml")
    if styles is None:
        return {}
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    for item in styles.iter(f"{_MAIN}numFmt"):
        try:
            formats[int(item.get("numFmtId", ""))] = item.get("formatCode", "")
        except ValueError:
            continue
    xfs = styles.find(f"{_MAIN}cellXfs")
    found: dict[int, CodeFormat] = {}
    for index, xf in enumerate([] if xfs is None else xfs.findall(f"{_MAIN}xf")):
        try:
            fmt = code_format(formats.get(int(xf.get("numFmtId", "0"))))
        except ValueError:
            continue
        if fmt is not None:
            found[index] = fmt
    return found


def _sheet_part(book: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding the worksheet named ``sheet``."""
    workbook, rels = _xml(book, "xl/workbook.xml"), _xml(book, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return None
    rid = next((s.get(_R_ID) for s in workbook.iter(f"{_MAIN}sheet") if s.get("name") == sheet), None)
    target = next((r.get("Target") for r in rels.iter(f"{_RELS}Relationship") if r.get("Id") == rid), None)
    if not target:
        return None
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for piece in PurePosixPath("xl", target).parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _column(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def xlsx_code_cells(path: str, sheet: str) -> Cells:
    """The cells of worksheet ``sheet`` of an ``.xlsx`` whose style formats numbers as codes.

    Parameters
    ----------
    path
        The workbook.
    sheet
        The worksheet's name (as the workbook lists it).

    Returns
    -------
    dict
        (row, column) from 0, as the reader's grid, to the cell's :class:`CodeFormat`; empty when the workbook
        has no code format (the worksheet is then not read again) or its parts cannot be found.
    """
    try:
        with zipfile.ZipFile(path) as book:
            coded = _styles(book)
            member = _sheet_part(book, sheet) if coded else None
            data = book.read(member) if member else b""
    except (OSError, KeyError, zipfile.BadZipFile):
        return {}
    ids = b"|".join(str(k).encode() for k in sorted(coded, reverse=True))
    # every s="<a coded style>" of the worksheet (cells, and rows or other elements that would hold one): the
    # cells found must be all of them, else the slower readers below are used
    total = len(re.findall(rb"s\s*=\s*[\"'](?:" + ids + rb")[\"']", data))
    if not total:
        return {}
    # as Excel, openpyxl, XlsxWriter and LibreOffice write a cell: <c r="B2" s="3" ...> (0.17 s for 120,000
    # styled cells of 330,000, against 0.76 s for the lookaheads below)
    found = re.findall(rb'<c r="([A-Z]+)(\d+)" s="(' + ids + rb')"', data)
    first = _FIRST_CELL.search(data)
    if len(found) != total and first is not None and _REF_ATTR.search(first.group(1)):
        found = re.findall(
            rb"<(?:[\w.-]+:)?c\b(?=[^>]*\br\s*=\s*[\"']([A-Z]+)(\d+)[\"'])(?=[^>]*\bs\s*=\s*[\"']("
            + ids
            + rb")[\"'])",
            data,
        )
    if len(found) != total:  # references left out, or a style on a row: count the cells
        return _counted_cells(data, coded)
    columns = {letters: _column(letters) for letters in {cell[0] for cell in found}}
    formats = {str(k).encode(): fmt for k, fmt in coded.items()}
    return {(int(row) - 1, columns[letters]): formats[style] for letters, row, style in found}


def _counted_cells(data: bytes, coded: dict[int, CodeFormat]) -> Cells:
    """:func:`xlsx_code_cells` for a worksheet whose cells or rows may leave out their reference."""
    cells: Cells = {}
    row, column = -1, -1
    for match in _CELL.finditer(data):
        attrs = dict(_ATTR.findall(match.group(2)))
        if match.group(1) == b"row":
            row = int(attrs[b"r"]) - 1 if attrs.get(b"r", b"").isdigit() else row + 1
            column = -1
            continue
        ref = _REF.fullmatch(attrs.get(b"r", b""))
        if ref is not None:
            row, column = int(ref.group(2)) - 1, _column(ref.group(1))
        else:
            column += 1
        style = attrs.get(b"s")
        if style is not None and style.isdigit() and int(style) in coded:
            cells[(row, column)] = coded[int(style)]
    return cells


@dataclass
class Applied:
    """What :func:`apply_code_formats` did, for the reader's notes.

    ``shown``: cells replaced by their code, and the first (``B2: 7 shown as '007', format '000'``);
    ``hidden``: number cells whose format shows a fixed text instead of them (kept as numbers), and the first;
    ``blank``: number cells whose format shows nothing (``;;;``, or 0 under ``#,##0;-#,##0;`` whose zero section is
    empty: Excel shows the cell empty; kept as numbers).
    """

    shown: int = 0
    first_shown: str | None = None
    hidden: int = 0
    first_hidden: str | None = None
    blank: int = 0
    first_blank: str | None = None


def apply_code_formats(grid: list[list[Any]], cells: Cells) -> Applied:
    """Replace the grid's number cells formatted as codes by the :class:`ShownCode` Excel shows (in place).

    A number under a format that shows no digit stays the number: the text Excel shows would lose it, the same
    text for every number (``"00000"`` in quotes: counted as hidden) or nothing (``;;;``, and the numbers an empty
    negative or zero section shows, 0 under ``#,##0;-#,##0;``: counted as blank).

    Parameters
    ----------
    grid
        The sheet's rows of cells as the reader gives them.
    cells
        (row, column) to the cell's format, as :func:`xlsx_code_cells` or
        :func:`gwangyang.xls_formats.xls_code_cells` give them.

    Returns
    -------
    Applied
        The counts and the first cell of each kind, in (row, column) order.
    """
    out = Applied()
    first: tuple[int, int] | None = None
    first_hidden: tuple[int, int] | None = None
    first_blank: tuple[int, int] | None = None
    memo: dict[tuple[str, Any], ShownCode | None] = {}  # codes repeat (an operator on many rows)
    height = len(grid)
    for (r, c), fmt in cells.items():
        if r >= height:
            continue
        row = grid[r]
        if c >= len(row):
            continue
        value = row[c]
        kind = type(value)
        if fmt.plain and (kind is float or kind is int) and value > 0:
            continue  # a positive number under #,##0;-#,##0; shows as a number
        zeros = fmt.zeros
        if (
            zeros is not None
            and (kind is float or kind is int)
            and 0 < value < _EXACT
            and value == int(value)
        ):
            shown: ShownCode | None = ShownCode(zeros.render(int(value)))  # a positive whole number, compiled
        elif value is None or isinstance(value, str | bool):
            continue
        elif fmt.hides or (fmt.empty and fmt.hidden(value) is not None):
            text = fmt.hidden(value)
            if text:
                out.hidden += 1
                if first_hidden is None or (r, c) < first_hidden:
                    first_hidden = (r, c)
                    out.first_hidden = (
                        f"{_letters(c)}{r + 1}: {_number(value)} shown as {text!r}, format {fmt.code!r}"
                    )
            elif text is not None:
                out.blank += 1
                if first_blank is None or (r, c) < first_blank:
                    first_blank = (r, c)
                    out.first_blank = f"{_letters(c)}{r + 1}: {_number(value)}, format {fmt.code!r}"
            continue
        elif (fmt.code, value) in memo:
            shown = memo[(fmt.code, value)]
        else:
            text = fmt.show(value)
            shown = memo[(fmt.code, value)] = None if not text else ShownCode(text)
        if shown is not None:
            row[c] = shown
            out.shown += 1
            if first is None or r < first[0] or (r == first[0] and c < first[1]):
                first = (r, c)
                out.first_shown = (
                    f"{_letters(c)}{r + 1}: {int(value)} shown as {str(shown)!r}, format {fmt.code!r}"
                )
    return out


def _number(value: float) -> str:
    """A number in a note: ``7`` for a whole one, ``1.5`` (Python's shortest form) for the rest."""
    return str(int(value)) if float(value).is_integer() and abs(value) < _EXACT else repr(float(value))


def _letters(column: int) -> str:
    """A column's letters (0: ``A``, 27: ``AB``)."""
    name, column = "", column + 1
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name
