"""Reading per-cell measurement tables (CSV or Parquet) and checking their columns."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import CorruptFileError, InputError
from ...written import as_written


def read_table_notes(
    path: str | os.PathLike[str], source: str | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Read a CSV, an ``.xlsx`` sheet or a Parquet table, and say what reading it did.

    CSV of any common separator and encoding, with title lines, thousands separators or decimal commas, and
    workbooks are read by :mod:`gwangyang.sheets`.

    Parameters
    ----------
    path
        The table file.
    source
        Its name in messages (default: the path).

    Returns
    -------
    (pandas.DataFrame, list of str)
        The table in file order and one-line notes naming the file.

    Raises
    ------
    InputError
        A missing or unreadable file, in one line naming it.
    """
    from ...sheets import EXCEL_SUFFIXES, TEXT_SUFFIXES, read_sheet

    path = Path(path)
    source = source or str(path)
    if not path.is_file():
        raise InputError(f"{source}: no such file.")
    name = path.name.lower()
    if name.endswith(TEXT_SUFFIXES + EXCEL_SUFFIXES):
        sheet = read_sheet(path, source)
        return sheet.table, sheet.notes
    if not name.endswith((".parquet", ".pq")):
        raise InputError(f"{source}: expected a .csv, .xlsx or .parquet table.")
    try:
        return pd.read_parquet(path), []
    except Exception as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CorruptFileError(f"{source}: not a readable Parquet table ({message}).") from exc


def read_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """:func:`read_table_notes` without the notes (a one-line error naming the file when it can't be read)."""
    return read_table_notes(path)[0]


def numeric_columns(
    table: pd.DataFrame, columns: list[str] | None, exclude: list[str], source: str = "table"
) -> list[str]:
    """Choose measurement columns: the given ones (all must be numeric) or every numeric column.

    Raises
    ------
    InputError
        A named column is missing or not numeric, or no numeric column is left.
    """
    if columns:
        for column in columns:
            if column not in table.columns:
                raise InputError(f"{source}: column {column!r} not found.")
            if not pd.api.types.is_numeric_dtype(table[column]):
                bad = table[column][
                    pd.to_numeric(table[column], errors="coerce").isna() & table[column].notna()
                ]
                example = bad.iloc[0] if len(bad) else "?"
                raise InputError(f"{source}: column {column!r} must be numeric, found {as_written(example)}.")
        return list(columns)
    chosen = [c for c in table.columns if c not in exclude and pd.api.types.is_numeric_dtype(table[c])]
    chosen = [c for c in chosen if not str(c).startswith("Unnamed")]
    if not chosen:
        raise InputError(f"{source}: no numeric measurement columns.")
    return chosen


def require_column(table: pd.DataFrame, column: str, option: str, source: str = "table") -> None:
    """Check that a column named by a parameter (``option``: its name, e.g. ``id_column``) exists."""
    if column not in table.columns:
        raise InputError(
            f"{source}: {option} {column!r} is not a column (columns: {', '.join(map(str, table.columns[:8]))}...)."
        )


def finite_matrix(table: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Measurements as float64; missing values stay NaN."""
    return table[columns].to_numpy(dtype="float64")
