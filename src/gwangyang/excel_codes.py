"""Number cells a workbook formats as codes, read as the text Excel shows (``7`` formatted ``000`` is ``007``).

Excel keeps an operator ``007`` typed into a cell formatted ``000`` (or a zip code ``00000``) as the number 7
and shows it padded: the format, not the value, holds the zeros. A cell's format is its style's number format
(``.xlsx``: ``styles.xml``'s ``numFmts`` and ``cellXfs``, chosen by the cell's ``s`` attribute; ``.xls``: the
XF record of the cell, see :mod:`gwangyang.xls_formats`). A format whose digits are all ``0`` placeholders, at
least two of them (``00``, ``0000``, ``"LOT-"000``, ``00000-0000``), gives the padded text (literal text kept, as
shown); the text format ``@`` gives the number's plain text (``1``). :func:`gwangyang.codes.digit_codes` then keeps
a column of such texts as text. Any other format (``0``, ``#,##0``, ``0.00``, ``0"개"``, dates) leaves the
number a number, and so does a fractional number.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from xml.etree import ElementTree

_EXACT = 2.0**53
_PLACEHOLDER = object()
_LITERALS = set("$-+():!^&'~{}<>= ")
"""Characters a number format shows as they are without quotes."""
_COLOURS = re.compile(r"(?i)(black|blue|cyan|green|magenta|red|white|yellow|color\s*\d+|\$-[0-9a-f]+)")
TEXT_FORMAT = "@"
"""The text format: a number in such a cell is shown as its plain text."""


@dataclass(frozen=True)
class CodeFormat:
    """A number format that shows whole numbers as codes: its sections (positive, negative, zero)."""

    code: str
    sections: tuple[tuple[object, ...] | None, ...]
    text: bool = False

    def show(self, value: Any) -> str | None:
        """The text Excel shows for ``value``; None where it is not a whole number (it stays a number).

        Parameters
        ----------
        value
            A cell's value as the reader gives it.

        Returns
        -------
        str or None
            The padded code (``007``, ``LOT-042``, ``-007``), or the plain text for ``@``.
        """
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if not float(value).is_integer() or abs(value) >= _EXACT:
            return None
        number = int(value)
        if self.text:
            return str(number)
        sign = ""
        section = self.sections[0]
        if number < 0 and len(self.sections) > 1:
            section = self.sections[1]
        elif number < 0:
            sign = "-"
        elif number == 0 and len(self.sections) > 2:
            section = self.sections[2]
        if section is None:
            return None
        places = sum(1 for token in section if token is _PLACEHOLDER)
        if places == 0:
            return None
        digits = str(abs(number)).zfill(places)
        extra = len(digits) - places
        out, used = [sign], 0
        for token in section:
            if token is _PLACEHOLDER:
                take = extra + 1 if used == 0 else 1
                out.append(digits[used : used + take])
                used += take
            else:
                out.append(str(token))
        return "".join(out)


def _section(text: str) -> tuple[object, ...] | None:
    """A format section's tokens: placeholders and literal texts; None for anything a code format does not hold."""
    tokens: list[object] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                return None
            tokens.append(text[i + 1 : end])
            i = end + 1
        elif char == "\\" and i + 1 < len(text):
            tokens.append(text[i + 1])
            i += 2
        elif char in "_*" and i + 1 < len(text):  # a space as wide as a character, a fill: nothing shown here
            i += 2
        elif char == "[":
            end = text.find("]", i)
            if end < 0 or not _COLOURS.fullmatch(text[i + 1 : end]):
                return None  # a condition ([<=999]) or an elapsed time
            i = end + 1
        elif char == "0":
            tokens.append(_PLACEHOLDER)
            i += 1
        elif char in _LITERALS:
            tokens.append(char)
            i += 1
        else:
            return None  # #, ?, ., %, E, @, dates, ...: not a code format
    return tuple(tokens)


def _split(code: str) -> list[str]:
    """A format's ``;``-separated sections (a ``;`` in quotes or escaped is text)."""
    parts, current, quoted, i = [], [], False, 0
    while i < len(code):
        char = code[i]
        if char == "\\" and not quoted and i + 1 < len(code):
            current.append(code[i : i + 2])
            i += 2
            continue
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    parts.append("".join(current))
    return parts


def code_format(code: str | None) -> CodeFormat | None:
    """The code format of an Excel number format, or None when the format shows numbers as numbers.

    Parameters
    ----------
    code
        The number format as the workbook stores it (``000``, ``"LOT-"0000``, ``@``, ``#,##0.00``).

    Returns
    -------
    CodeFormat or None
        For ``@`` and for formats whose first section holds two or more ``0`` placeholders and no other
        number symbol; None otherwise.
    """
    if not code:
        return None
    if code.strip() == TEXT_FORMAT:
        return CodeFormat(code, (), text=True)
    sections = [_section(part) for part in _split(code)[:3]]
    first = sections[0]
    if first is None or sum(1 for token in first if token is _PLACEHOLDER) < 2:
        return None
    return CodeFormat(code, tuple(sections))


BUILTIN_FORMATS: Mapping[int, str] = {0: "General", 1: "0", 49: "@"}
"""Built-in number formats (ids below 164) that matter here: only ``@`` (49) is a code format."""

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
    first = _FIRST_CELL.search(data)
    if first is None:
        return {}
    if _REF_ATTR.search(first.group(1)) is None:  # a writer that leaves out the references: count the cells
        return _counted_cells(data, coded)
    ids = b"|".join(str(k).encode() for k in sorted(coded, reverse=True))
    styled = re.compile(
        rb"<(?:[\w.-]+:)?c\b(?=[^>]*\br\s*=\s*[\"']([A-Z]+)(\d+)[\"'])(?=[^>]*\bs\s*=\s*[\"']("
        + ids
        + rb")[\"'])"
    )
    columns: dict[bytes, int] = {}
    cells: Cells = {}
    for letters, row, style in styled.findall(data):
        column = columns.get(letters)
        if column is None:
            column = columns[letters] = _column(letters)
        cells[(int(row) - 1, column)] = coded[int(style)]
    return cells


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


def apply_code_formats(grid: list[list[Any]], cells: Cells) -> tuple[int, str | None]:
    """Replace the grid's number cells formatted as codes by the text Excel shows (in place).

    Returns
    -------
    (int, str or None)
        How many cells were replaced, and the first one (``B2: 7 shown as '007', format '000'``), for the
        reader's note.
    """
    done, first = 0, None
    memo: dict[tuple[str, Any], str | None] = {}  # codes repeat (an operator on many rows)
    for (r, c), fmt in cells.items():
        if r < len(grid) and c < len(grid[r]):
            value = grid[r][c]
            if isinstance(value, str) or value is None:
                continue
            key = (fmt.code, value)
            shown = memo[key] if key in memo else memo.setdefault(key, fmt.show(value))
            if shown is not None:
                grid[r][c] = shown
                done += 1
                if first is None or (r, c) < first[0]:
                    first = ((r, c), value, shown, fmt.code)
    if first is None:
        return 0, None
    (r, c), value, shown, code = first
    return done, f"{_letters(c)}{r + 1}: {int(value)} shown as {shown!r}, format {code!r}"


def _letters(column: int) -> str:
    """A column's letters (0: ``A``, 27: ``AB``)."""
    name, column = "", column + 1
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name
