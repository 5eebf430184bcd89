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

import csv
import gzip
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import CorruptFileError, InputError

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
"""Workbooks :func:`read_sheet` reads (the first sheet that holds a table)."""

TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".csv.gz", ".txt.gz", ".tsv.gz")
"""Delimited text :func:`read_sheet` reads."""

MISSING = frozenset({"", "-", "na", "n/a", "#n/a", "nan", "null", "none", "#value!", "#div/0!"})
"""Cell texts read as a missing value (compared in lower case)."""

_DELIMITERS = (",", ";", "\t", "|")
_PLAIN = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$")
_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")
_DOT_THOUSANDS_COMMA = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+(,\d*)?$")


@dataclass
class Sheet:
    """A table as read, and the notes on what reading it did (each one line naming the file)."""

    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def decode(raw: bytes, source: str) -> str:
    """Text of a file: UTF-8 (BOM or not), UTF-16 with a BOM, else cp949 (Korean Windows)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for encoding in ("utf-8", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorruptFileError(f"{source}: not text in UTF-8, UTF-16 or cp949 (the encodings Excel saves).")


def _delimiter(lines: list[str]) -> str:
    """The separator that splits the sample's later lines into one number (at least 2) of fields."""
    best, best_key = ",", (-1.0, 0)
    for delimiter in _DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        tail = counts[len(counts) // 3 :] or counts
        width = Counter(tail).most_common(1)[0][0]
        if width < 2:
            continue
        share = sum(c == width for c in counts) / len(counts)  # the header line counts too
        key = (round(share, 2), width)
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _text_grid(path: Path, source: str) -> tuple[list[list[Any]], str]:
    try:
        raw = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            raw = gzip.decompress(raw)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise CorruptFileError(f"{source}: cannot be read ({exc}).") from exc
    text = decode(raw, source).replace("\x00", "")
    lines = [line for line in text.splitlines() if line.strip()][:200]
    if not lines:
        raise CorruptFileError(f"{source}: the table is empty.")
    delimiter = _delimiter(lines)
    grid = [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return grid, delimiter


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


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


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
    if first_data is None:
        raise CorruptFileError(f"{source}: no row holds a number; expected a header row and rows of values.")
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


def _convert(values: list[Any], delimiter: str) -> tuple[pd.Series, str | None]:
    """A column of cells as numbers where every filled cell is one, else date-times or text as they are."""
    present = [v for v in values if _filled(v) and str(v).strip().lower() not in MISSING]
    clean = [None if not _filled(v) or str(v).strip().lower() in MISSING else v for v in values]
    if not present:
        return pd.Series(np.nan, index=range(len(values)), dtype="float64"), None
    if all(isinstance(v, datetime | date) for v in present):
        return pd.Series(pd.to_datetime(pd.Series(clean, dtype="object"))), None
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pd.Series(clean, dtype="float64"), None
    texts = [str(v).strip() for v in present]
    how: str | None = None
    convert: Callable[[str], str]
    if all(_PLAIN.match(t) for t in texts):
        convert = str
    elif all(_PLAIN.match(t) or _THOUSANDS.match(t) for t in texts) and not (
        delimiter != "," and all(_DECIMAL_COMMA.match(t) or _PLAIN.match(t) for t in texts)
    ):
        convert, how = (lambda t: t.replace(",", "")), "thousands separators"
    elif all(_PLAIN.match(t) or _DECIMAL_COMMA.match(t) or _DOT_THOUSANDS_COMMA.match(t) for t in texts):
        convert, how = (lambda t: t.replace(".", "").replace(",", ".")), "decimal commas"
    else:
        return pd.Series(
            [None if v is None else (str(v).strip() if isinstance(v, str) else v) for v in clean],
            dtype="object",
        ), None
    out = [np.nan if v is None else float(convert(str(v).strip())) for v in clean]
    return pd.Series(out, dtype="float64"), how


def frame_from_grid(grid: list[list[Any]], source: str, delimiter: str = ",") -> Sheet:
    """The table of a grid of cells (rows of strings or values): header found, names cleaned, numbers read."""
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
    body = [row for row in grid[header + 1 :] if any(_filled(v) for v in row)]
    width = max(len(grid[header]), *(len(r) for r in body)) if body else len(grid[header])
    names = _names(grid, header, upper, width)
    if upper is not None:
        notes.append(
            f"{source}: the header's two rows (lines {upper + 1}-{header + 1}) are joined: "
            + ", ".join(repr(n) for n in names if n)[:200]
            + "."
        )
    columns: dict[str, pd.Series] = {}
    counts: Counter[str] = Counter()
    for c in range(width):
        cells = [row[c] if c < len(row) else "" for row in body]
        if not names[c] and not any(_filled(v) for v in cells):
            continue  # an empty column (a trailing separator)
        name = names[c] or f"column_{c + 1}"
        if not names[c]:
            notes.append(f"{source}: column {c + 1} has values but no name; called {name!r}.")
        counts[name] += 1
        if counts[name] > 1:
            new = f"{name}.{counts[name] - 1}"
            notes.append(f"{source}: column name {name!r} appears more than once; column {c + 1} is {new!r}.")
            name = new
        series, how = _convert(cells, delimiter)
        if how:
            notes.append(f"{source}: column {name!r} holds numbers written with {how}; read as numbers.")
        columns[name] = series
    if not columns or not body:
        raise CorruptFileError(f"{source}: the table is empty.")
    return Sheet(pd.DataFrame(columns), notes)


def read_sheet(path: str | Path, source: str | None = None) -> Sheet:
    """Read a delimited text file or a workbook as one table (see the module's notes).

    Parameters
    ----------
    path
        ``.csv``, ``.txt``, ``.tsv`` (optionally gzipped), ``.xlsx`` or ``.xlsm``.
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
        grid, delimiter = _excel_grid(path, source, notes), ","
    elif name.endswith(TEXT_SUFFIXES):
        grid, delimiter = _text_grid(path, source)
    else:
        raise InputError(f"{source}: expected a .csv, .txt, .tsv or .xlsx table.")
    sheet = frame_from_grid(grid, source, delimiter)
    sheet.notes[:0] = notes
    return sheet
