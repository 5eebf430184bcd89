"""Reading per-cell measurement tables (CSV or Parquet) and checking their columns."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import CorruptFileError, InputError


def read_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV or Parquet table, with a one-line error naming the file when it can't be read."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    try:
        if path.suffix.lower() in {".parquet", ".pq"}:
            return pd.read_parquet(path)
        from ..io.base import file_encoding

        # a BOM or cp949 from Excel on Korean Windows; a compressed file's head says nothing (UTF-8, BOM or not)
        compressed = path.suffix.lower() in {".gz", ".bz2", ".xz", ".zip", ".zst"}
        return pd.read_csv(path, encoding="utf-8-sig" if compressed else file_encoding(path))
    except Exception as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CorruptFileError(f"{path}: not a readable CSV or Parquet table ({message}).") from exc


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
                raise InputError(f"{source}: column {column!r} must be numeric, found {example!r}.")
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
