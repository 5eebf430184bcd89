"""A column of a table's cells as numbers, date-times or text, for :mod:`gwangyang.sheets`.

A CSV's cells arrive as text, a workbook's as numbers, date-times and text (``typed``). Numbers written with
thousands separators (``1,234.5``) or decimal commas (``12,5`` in a ``;`` file) are converted and said;
``-``, ``NA``, ``#N/A`` and empty cells are missing; digit codes (``001``) and a workbook's cells shown by a code
format (:class:`gwangyang.excel_codes.ShownCode`) stay text.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

import numpy as np
import pandas as pd

from .codes import digit_codes
from .delimited import MISSING
from .excel_codes import ShownCode

_INTEGER = re.compile(r"^[-+]?\d+$")
_PLAIN = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$")
_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")
_DOT_THOUSANDS_COMMA = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+(,\d*)?$")
_NOT_NUMBER = re.compile(r"[^\d+\-.,eE]")
"""A character none of the number forms above holds: a cell with one is text."""
_EXACT = 2.0**53
"""Whole numbers below this a float holds exactly (and a workbook's cell then counts as an integer)."""


def filled(value: Any) -> bool:
    """A cell that holds something (not None, not blank text)."""
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


def numberlike(value: Any) -> bool:
    """A cell that is a number, a date-time, or text in one of the number forms (a data row, not a header)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | datetime | date | time):
        return True
    text = str(value).strip()
    return bool(_PLAIN.match(text) or _THOUSANDS.match(text) or _DECIMAL_COMMA.match(text))


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


def convert_column(column: pd.Series, delimiter: str, typed: bool) -> tuple[pd.Series, str | None]:
    """A column of cells as numbers where every filled cell is one, else date-times or text as they are.

    ``typed``: the cells may be numbers and date-times already (a workbook's), not only text.
    """
    column = column.reset_index(drop=True)
    if typed:
        values = column.tolist()
        keep = [filled(v) and not (isinstance(v, str) and v.strip().lower() in MISSING) for v in values]
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
