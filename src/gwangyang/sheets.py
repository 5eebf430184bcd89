"""Read a table a customer exports from Excel or a line's software: CSV of any common dialect, or ``.xlsx``.

What real exports hold that ``pandas.read_csv`` alone gets wrong, and what is done about it:

* text: UTF-8 with or without a BOM, cp949 (Korean Windows Excel), UTF-16 ("Unicode text"); gzipped too;
* separators ``,`` ``;`` tab or ``|``, chosen by the one that splits the lines into the same number of fields;
* title lines above the header (skipped, and said), a header of two rows (a merged group name above unit
  or sub-names: joined, and said), empty columns (dropped, and said), duplicate names (numbered, and said);
* numbers written with thousands separators (``1,234.5``) or decimal commas (``12,5`` in a ``;`` file),
  converted and said; ``-``, ``NA``, ``#N/A`` and empty cells are missing values;
* workbooks: the first sheet holding a table is read; other sheets holding data are named in a note.

The cells of each column are converted by :mod:`gwangyang.sheet_cells`.

Every note is one line naming the file; a table that cannot be read is one :class:`InputError` line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .delimited import Text, read_text_head, text_body
from .errors import CorruptFileError, InputError
from .excel_codes import apply_code_formats, xlsx_code_cells
from .sheet_cells import convert_column, filled, numberlike

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
"""Workbooks :func:`read_sheet` reads (the first sheet that holds a table)."""

TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".csv.gz", ".txt.gz", ".tsv.gz")
"""Delimited text :func:`read_sheet` reads."""


@dataclass
class Sheet:
    """A table as read, and the notes on what reading it did (each one line naming the file)."""

    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _workbook_sheets(path: Path, source: str) -> list[tuple[str, list[list[Any]], list[Any]]]:
    """The sheets holding data: name, rows from A1, merged ranges.

    Opened by :func:`gwangyang.workbook.open_workbook` (an Excel 5.0/95 ``.xls`` decoded in its code page; an
    encrypted, damaged or cut workbook refused in one line), as every workbook reader of the package opens one.
    """
    from .workbook import open_workbook

    book = open_workbook(path, source)
    sheets = []
    for name in book.names:
        rows = book.rows(name)
        if any(any(filled(v) for v in row) for row in rows):
            sheets.append((name, rows, book.merged(name)))
    return sheets


def _excel_grid(path: Path, source: str, notes: list[str]) -> list[list[Any]]:
    sheets = _workbook_sheets(path, source)
    if not sheets:
        raise CorruptFileError(f"{source}: every sheet of the workbook is empty.")
    # the table is the sheet with the most filled cells (a summary or cover sheet often comes first)
    sheets.sort(key=lambda s: -sum(filled(v) for row in s[1] for v in row))
    name, rows, merged = sheets[0]
    grid = [list(row) for row in rows]
    _show_codes(path, name, grid, source, notes)
    for (r0, c0), (r1, c1) in merged:  # a merged cell's value only sits in its first cell: spread it
        value = grid[r0][c0] if r0 < len(grid) and c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            for c in range(c0, min(c1, len(grid[r]) - 1) + 1):
                if not filled(grid[r][c]):
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
        from .xls_formats import scan_xls

        scan = scan_xls(path, sheet)
        if scan is None:
            notes.append(
                f"{source}: the workbook's number formats could not be read (not an Excel BIFF5 or BIFF8 file "
                "this reader follows, or damaged): number cells formatted as codes (000) are read as numbers."
            )
            return
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
            f"number ({applied.first_hidden}): read as the numbers."
        )
    if applied.blank:
        notes.append(
            f"{source}: {applied.blank} number cell(s) have a format that shows nothing, where Excel shows an empty "
            f"cell ({applied.first_blank}): read as the numbers."
        )


def _header_rows(grid: list[list[Any]], source: str) -> tuple[int, int | None]:
    """The header row's index and, for a header of two rows, the upper row's index."""
    rows = [i for i, row in enumerate(grid) if any(filled(v) for v in row)]
    first_data = next((i for i in rows if any(numberlike(v) for v in grid[i] if filled(v))), None)
    if first_data is None:  # a table of words only: its first line is the header
        if len(rows) < 2:
            raise CorruptFileError(
                f"{source}: no rows below the header; expected a header row and rows of values."
            )
        return rows[0], None
    above = [i for i in rows if i < first_data]
    if not above:
        raise CorruptFileError(
            f"{source}: no header row above the first row of values (line {first_data + 1})."
        )
    header = above[-1]
    upper = above[-2] if len(above) > 1 and above[-2] == header - 1 else None
    if upper is not None:
        spots = [c for c, v in enumerate(grid[upper]) if filled(v)]
        width = max(c for c, v in enumerate(grid[header]) if filled(v)) + 1
        # group names span the header; one cell (a title) or a "line: A1" pair at the left do not
        if len(spots) < 2 or spots[-1] < (2 * (width - 1)) // 3:
            upper = None
    return header, upper


def _names(grid: list[list[Any]], header: int, upper: int | None, width: int) -> list[str]:
    def cells(i: int) -> list[str]:
        row = grid[i] + [""] * (width - len(grid[i]))
        return [str(v).strip() if filled(v) else "" for v in row[:width]]

    names = cells(header)
    if upper is not None:
        group, last = [], ""
        for value, below in zip(cells(upper), names, strict=True):
            last = value or (last if below else "")  # a merged group name spans the named columns under it
            group.append(last)
        names = [f"{g} {n}".strip() if g and g != n else (n or g) for g, n in zip(group, names, strict=True)]
    return [name.lstrip("\ufeff") for name in names]


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
    skipped = [i for i in range(top) if any(filled(v) for v in grid[i])]
    if skipped:
        first = next(str(v).strip() for v in grid[skipped[0]] if filled(v))
        notes.append(
            f"{source}: {len(skipped)} line(s) above the header (line {top + 1}) skipped, "
            f"the first: {first[:40]!r}."
        )
    width = max(len(row) for row in grid[header:])
    if text is not None:
        body = text_body(text, header, width, source)
    else:
        body = pd.DataFrame([row + [None] * (width - len(row)) for row in grid[header + 1 :]], dtype=object)
        kept = body.apply(lambda c: c.map(filled)).any(axis=1).to_numpy() if len(body) else []
        body = body[np.asarray(kept, dtype=bool)] if len(body) else body
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
        series, how = convert_column(cells, delimiter, typed=text is None)
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
