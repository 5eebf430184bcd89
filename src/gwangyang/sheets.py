"""Read a table a customer exports from Excel or a line's software: CSV of any common dialect, or ``.xlsx``.

What real exports hold that ``pandas.read_csv`` alone gets wrong, and what is done about it:

* text: UTF-8 with or without a BOM, cp949 (Korean Windows Excel), UTF-16 ("Unicode text"); gzipped too;
* separators ``,`` ``;`` tab or ``|``, chosen by the one that splits the lines into the same number of fields;
* title lines above the header (skipped, and said), a header of two rows (a merged group name above unit
  or sub-names: joined, and said), empty columns (dropped, and said), duplicate names (numbered, and said);
* numbers written with thousands separators (``1,234.5``) or decimal commas (``12,5`` in a ``;`` file),
  converted and said; ``-``, ``NA``, ``#N/A`` and empty cells are missing values;
* workbooks: the first sheet holding a table is read; other sheets holding data are named in a note.

Every note is one line naming the file; a table that cannot be read is one :class:`InputError` line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .codes import digit_codes
from .delimited import MISSING, Text, read_text_head, text_body
from .errors import CorruptFileError, InputError
from .excel_codes import ShownCode, apply_code_formats, xlsx_code_cells

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
"""Workbooks :func:`read_sheet` reads (the first sheet that holds a table)."""

TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".csv.gz", ".txt.gz", ".tsv.gz")
"""Delimited text :func:`read_sheet` reads."""

_INTEGER = re.compile(r"^[-+]?\d+$")
_PLAIN = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$")
_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")
_DOT_THOUSANDS_COMMA = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+(,\d*)?$")
_NOT_NUMBER = re.compile(r"[^\d+\-.,eE]")
"""A character none of the number forms above holds: a cell with one is text."""
_EXACT = 2.0**53
"""Whole numbers below this a float holds exactly (and a workbook's cell then counts as an integer)."""


@dataclass
class Sheet:
    """A table as read, and the notes on what reading it did (each one line naming the file)."""

    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _excel_grid(path: Path, source: str, notes: list[str]) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            if any(any(_filled(v) for v in row) for row in rows):
                sheets.append((name, rows, sheet.merged_cell_ranges or []))
    except Exception as exc:  # calamine raises its own types
        raise CorruptFileError(
            f"{source}: not a readable Excel workbook ({type(exc).__name__}: {exc})."
        ) from exc
    if not sheets:
        raise CorruptFileError(f"{source}: every sheet of the workbook is empty.")
    # the table is the sheet with the most filled cells (a summary or cover sheet often comes first)
    sheets.sort(key=lambda s: -sum(_filled(v) for row in s[1] for v in row))
    name, rows, merged = sheets[0]
    grid = [list(row) for row in rows]
    _show_codes(path, name, grid, source, notes)
    for (r0, c0), (r1, c1) in merged:  # a merged cell's value only sits in its first cell: spread it
        value = grid[r0][c0] if r0 < len(grid) and c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            for c in range(c0, min(c1, len(grid[r]) - 1) + 1):
                if not _filled(grid[r][c]):
                    grid[r][c] = value
    if len(sheets) > 1:
        others = ", ".join(repr(s[0]) for s in sheets[1:])
        notes.append(
            f"{source}: sheet {name!r} read; the workbook's other sheets with data ({others}) were not."
        )
    return grid


def _show_codes(path: Path, sheet: str, grid: list[list[Any]], source: str, notes: list[str]) -> None:
    """Number cells formatted as codes (``000``, ``@``) become the text Excel shows (``007``), and said."""
    if path.suffix.lower() == ".xls":
        from .xls_formats import MULTIBYTE, scan_xls

        scan = scan_xls(path, sheet)
        if scan is None:
            notes.append(
                f"{source}: the workbook's number formats could not be read (not an Excel BIFF5 or BIFF8 file "
                "this reader follows, or damaged): number cells formatted as codes (000) are read as numbers."
            )
            return
        if scan.biff == 5 and scan.codepage in MULTIBYTE:
            raise CorruptFileError(
                f"{source}: an Excel 5.0/95 (BIFF5) workbook in code page {scan.codepage}, whose text this reader "
                "cannot decode; expected an Excel 97-2003 .xls or an .xlsx (save it again from Excel)."
            )
        cells = scan.cells
    else:
        cells = xlsx_code_cells(str(path), sheet)
    applied = apply_code_formats(grid, cells)
    if applied.shown:
        notes.append(
            f"{source}: {applied.shown} number cell(s) formatted as codes read as the text Excel shows "
            f"({applied.first_shown})."
        )
    if applied.hidden:
        notes.append(
            f"{source}: {applied.hidden} number cell(s) have a format that shows a fixed text instead of the "
            f"number ({applied.first_hidden}); read as the numbers."
        )


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _whole(value: Any) -> bool:
    """A workbook's number that is an integer a float holds exactly (workbooks store 5 as 5.0)."""
    return isinstance(value, int | float) and float(value).is_integer() and abs(value) < _EXACT


def _cell_text(value: Any) -> str:
    """A workbook cell as a CSV holds it: a whole number without ``.0`` (id 5, not 5.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and _whole(value):
        return str(int(value))
    return str(value)


def _numberlike(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | datetime | date | time):
        return True
    text = str(value).strip()
    return bool(_PLAIN.match(text) or _THOUSANDS.match(text) or _DECIMAL_COMMA.match(text))


def _header_rows(grid: list[list[Any]], source: str) -> tuple[int, int | None]:
    """The header row's index and, for a header of two rows, the upper row's index."""
    filled = [i for i, row in enumerate(grid) if any(_filled(v) for v in row)]
    first_data = next((i for i in filled if any(_numberlike(v) for v in grid[i] if _filled(v))), None)
    if first_data is None:  # a table of words only: its first line is the header
        if len(filled) < 2:
            raise CorruptFileError(
                f"{source}: no rows below the header; expected a header row and rows of values."
            )
        return filled[0], None
    above = [i for i in filled if i < first_data]
    if not above:
        raise CorruptFileError(
            f"{source}: no header row above the first row of values (line {first_data + 1})."
        )
    header = above[-1]
    upper = above[-2] if len(above) > 1 and above[-2] == header - 1 else None
    if upper is not None:
        spots = [c for c, v in enumerate(grid[upper]) if _filled(v)]
        width = max(c for c, v in enumerate(grid[header]) if _filled(v)) + 1
        # group names span the header; one cell (a title) or a "line: A1" pair at the left do not
        if len(spots) < 2 or spots[-1] < (2 * (width - 1)) // 3:
            upper = None
    return header, upper


def _names(grid: list[list[Any]], header: int, upper: int | None, width: int) -> list[str]:
    def cells(i: int) -> list[str]:
        row = grid[i] + [""] * (width - len(grid[i]))
        return [str(v).strip() if _filled(v) else "" for v in row[:width]]

    names = cells(header)
    if upper is not None:
        group, last = [], ""
        for value, below in zip(cells(upper), names, strict=True):
            last = value or (last if below else "")  # a merged group name spans the named columns under it
            group.append(last)
        names = [f"{g} {n}".strip() if g and g != n else (n or g) for g, n in zip(group, names, strict=True)]
    return [name.lstrip("\ufeff") for name in names]


def _cells(column: pd.Series) -> tuple[pd.Series, np.ndarray, pd.Series]:
    """A text column's cells stripped (missing ones ``""``), which are missing, and the distinct others.

    Plain loops over the cells and regular expressions over the distinct texts only: pandas' ``.str``
    methods cost about 1 s per 200,000 cells here (``benchmarks/sheets_convert.py``).
    """
    absent = column.isna().to_numpy()
    stripped = [
        "" if gone else str(v).strip() for v, gone in zip(column.to_numpy(dtype=object), absent, strict=True)
    ]
    missing = np.fromiter((t.lower() in MISSING for t in stripped), dtype=bool, count=len(stripped))
    text = pd.Series(stripped, index=column.index, dtype=object)
    present = pd.Series(pd.unique(text.to_numpy()[~missing]), dtype=object)
    return text, missing, present


def _convert(column: pd.Series, delimiter: str, typed: bool) -> tuple[pd.Series, str | None]:
    """A column of cells as numbers where every filled cell is one, else date-times or text as they are.

    ``typed``: the cells may be numbers and date-times already (a workbook's), not only text.
    """
    column = column.reset_index(drop=True)
    if typed:
        values = column.tolist()
        keep = [_filled(v) and not (isinstance(v, str) and v.strip().lower() in MISSING) for v in values]
        present = [v for v, k in zip(values, keep, strict=True) if k]
        if not present:
            return pd.Series(np.nan, index=column.index, dtype="float64"), None
        blank = [v if k else None for v, k in zip(values, keep, strict=True)]
        if all(isinstance(v, datetime | date) and not isinstance(v, time) for v in present):
            return pd.Series(pd.to_datetime(pd.Series(blank, dtype="object"))), None
        if any(isinstance(v, ShownCode) for v in present):  # the format says codes, whatever the digits
            return pd.Series([_cell_text(v) if k else None for v, k in zip(values, keep, strict=True)]), None
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
            numbers = pd.Series(blank, dtype="float64")
            if all(_whole(v) for v in present):  # ids and counts: integers, as a CSV's read
                return (numbers.astype("int64") if len(present) == len(values) else numbers), None
            return numbers, None
        column = pd.Series([_cell_text(v) for v in values], dtype=object)
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column, None  # numbers pandas' parser read already
    text, missing, present_text = _cells(column)
    if present_text.empty:
        return pd.Series(np.nan, index=column.index, dtype="float64"), None
    blanked = text.where(~missing, None)
    if any(_NOT_NUMBER.search(v) for v in present_text):  # words: stop at the first (no number form fits)
        return blanked.astype(object), None
    if all(_INTEGER.fullmatch(v) for v in present_text):
        if digit_codes(present_text):
            return blanked.astype(object), None  # codes and barcodes such as 00123 keep their zeros
        if not missing.any():
            return text.astype("int64"), None
        return pd.to_numeric(blanked), None
    try:
        return pd.to_numeric(blanked).astype("float64"), None
    except (ValueError, TypeError):
        pass
    plain = present_text.str.fullmatch(_PLAIN.pattern)
    thousands = plain | present_text.str.fullmatch(_THOUSANDS.pattern)
    decimal = plain | present_text.str.fullmatch(_DECIMAL_COMMA.pattern)
    try:  # pandas refuses some mixes (an integer past 64 bits beside a float): those cells stay text
        if thousands.all() and not (delimiter != "," and decimal.all()):
            return pd.to_numeric(blanked.str.replace(",", "", regex=False)), "thousands separators"
        if (decimal | present_text.str.fullmatch(_DOT_THOUSANDS_COMMA.pattern)).all():
            converted = blanked.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
            return pd.to_numeric(converted), "decimal commas"
    except (ValueError, OverflowError):
        pass
    return blanked.astype(object), None


def _row_numbers(series: pd.Series) -> bool:
    """The column counts the rows 0, 1, 2... or 1, 2, 3... (pandas' index, Excel's row numbers)."""
    if not pd.api.types.is_numeric_dtype(series) or series.isna().any():
        return False
    values = series.to_numpy(dtype=np.float64)
    steps = np.arange(values.size, dtype=np.float64)
    return bool(np.array_equal(values, steps) or np.array_equal(values, steps + 1))


def frame_from_grid(grid: list[list[Any]], source: str, text: Text | None = None) -> Sheet:
    """The table of a grid of cells: header found, names cleaned, numbers read.

    Parameters
    ----------
    grid
        Rows of cells (strings, or a workbook's values); of a text file, its first rows.
    source
        The file's name in notes and errors.
    text
        The text file the grid heads: the rows below the header are read from it.

    Returns
    -------
    Sheet
        The table and the notes.
    """
    notes: list[str] = []
    header, upper = _header_rows(grid, source)
    top = upper if upper is not None else header
    skipped = [i for i in range(top) if any(_filled(v) for v in grid[i])]
    if skipped:
        first = next(str(v).strip() for v in grid[skipped[0]] if _filled(v))
        notes.append(
            f"{source}: {len(skipped)} line(s) above the header (line {top + 1}) skipped, "
            f"the first: {first[:40]!r}."
        )
    width = max(len(row) for row in grid[header:])
    if text is not None:
        body = text_body(text, header, width, source)
    else:
        body = pd.DataFrame([row + [None] * (width - len(row)) for row in grid[header + 1 :]], dtype=object)
        filled = body.apply(lambda c: c.map(_filled)).any(axis=1).to_numpy() if len(body) else []
        body = body[np.asarray(filled, dtype=bool)] if len(body) else body
    names = _names(grid, header, upper, width)
    if upper is not None:
        notes.append(
            f"{source}: the header's two rows (lines {upper + 1}-{header + 1}) are joined: "
            + ", ".join(repr(n) for n in names if n)[:200]
            + "."
        )
    columns: dict[str, pd.Series] = {}
    counts: Counter[str] = Counter()
    delimiter = "," if text is None else text.delimiter
    for c in range(width):
        cells = body[c] if c in body.columns else pd.Series([""] * len(body), dtype=object)
        series, how = _convert(cells, delimiter, typed=text is None)
        if not names[c] and series.isna().all():
            continue  # an empty column (a trailing separator)
        if not names[c] and _row_numbers(series):
            notes.append(
                f"{source}: column {c + 1} has no name and numbers the rows (a saved index); left out."
            )
            continue
        name = names[c] or f"Unnamed: {c}"
        if not names[c]:
            notes.append(f"{source}: column {c + 1} has values but no name; called {name!r}.")
        counts[name] += 1
        if counts[name] > 1:
            new = f"{name}.{counts[name] - 1}"
            notes.append(f"{source}: column name {name!r} appears more than once; column {c + 1} is {new!r}.")
            name = new
        if how:
            notes.append(f"{source}: column {name!r} holds numbers written with {how}; read as numbers.")
        columns[name] = series
    table = pd.DataFrame(columns).dropna(how="all").reset_index(drop=True) if columns else pd.DataFrame()
    if table.empty:
        raise CorruptFileError(f"{source}: the table is empty.")
    return Sheet(table, notes)


_KOREAN_TIME = re.compile(
    r"^\s*(?P<y>\d{4})\s*[-./년]\s*(?P<mo>\d{1,2})\s*[-./월]\s*(?P<d>\d{1,2})\s*[.일]?"
    r"(?:\s*(?P<ap1>오전|오후|AM|PM|am|pm)?\s*(?P<h>\d{1,2})\s*[:시]\s*(?P<mi>\d{1,2})"
    r"\s*분?(?:\s*:?\s*(?P<s>\d{1,2}(?:\.\d+)?)\s*초?)?\s*(?P<ap2>오전|오후|AM|PM|am|pm)?)?\s*$"
)
"""A date (``2024-03-05``, ``2024.03.05``, ``2024. 3. 5.``, ``2024년 3월 5일``) and an optional time with
``오전``/``오후`` (or AM/PM) before or after it, as Korean Excel and line software write them."""


def korean_datetimes(column: pd.Series) -> pd.Series | None:
    """Date-times of a text column written in the forms of :data:`_KOREAN_TIME`; None if any cell is not.

    Parameters
    ----------
    column
        Text cells, none missing.

    Returns
    -------
    pandas.Series or None
        The date-times (``datetime64[ns]``), or None when a cell is in another form or no real date.
    """
    text = column.astype("string").str.strip()
    parts = text.str.extract(_KOREAN_TIME)
    if parts["y"].isna().any():
        return None
    hour = pd.to_numeric(parts["h"]).fillna(0)
    marker = parts["ap1"].fillna(parts["ap2"]).fillna("").str.upper()
    pm, am = marker.isin(["오후", "PM"]), marker.isin(["오전", "AM"])
    if ((am | pm) & ((hour < 1) | (hour > 12))).any():
        return None
    hour = hour.where(~(pm & (hour < 12)), hour + 12).where(~(am & (hour == 12)), 0)
    frame = pd.DataFrame(
        {
            "year": pd.to_numeric(parts["y"]),
            "month": pd.to_numeric(parts["mo"]),
            "day": pd.to_numeric(parts["d"]),
            "hour": hour,
            "minute": pd.to_numeric(parts["mi"]).fillna(0),
            "second": pd.to_numeric(parts["s"]).fillna(0),
        }
    )
    try:
        return pd.to_datetime(frame, errors="raise")
    except (ValueError, TypeError, OverflowError):
        return None


def read_sheet(path: str | Path, source: str | None = None) -> Sheet:
    """Read a delimited text file or a workbook as one table (see the module's notes).

    Parameters
    ----------
    path
        ``.csv``, ``.txt``, ``.tsv`` (optionally gzipped), ``.xlsx``, ``.xlsm`` or old Excel ``.xls``.
    source
        Name of the file in messages (default: the path).

    Returns
    -------
    Sheet
        The table in file order and the notes on what reading it did.

    Raises
    ------
    InputError
        The file is missing or cannot be read as a table; one line naming it.
    """
    path = Path(path)
    source = source or str(path)
    if not path.is_file():
        raise InputError(f"{source}: no such file.")
    name = path.name.lower()
    notes: list[str] = []
    if name.endswith(EXCEL_SUFFIXES):
        sheet = frame_from_grid(_excel_grid(path, source, notes), source)
    elif name.endswith(TEXT_SUFFIXES):
        found = read_text_head(path, source)
        sheet = frame_from_grid(found.head, source, found)
    else:
        raise InputError(f"{source}: expected a .csv, .txt, .tsv or .xlsx table.")
    sheet.notes[:0] = notes
    return sheet
