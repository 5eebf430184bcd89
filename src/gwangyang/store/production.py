"""The production dataset: end-of-line and formation measurements per cell, one Parquet part per ingested table.

Layout, under :meth:`Store.production_dir <gwangyang.store.store.Store.production_dir>`::

    production/manifest.json          the committed parts, in ingest order (file, source, hash, rows, columns)
    production/parts/<hash>.parquet   one table's rows, as ingested (cell ids, lot, line, date, measurements)

An append writes its part under a temporary name, then renames it into place and rewrites the manifest
(itself through a temporary file and a rename), all under the store's write lock. Readers list the parts from
the manifest only, so they see every committed table or none of one being appended; a part left by a killed
writer but not in the manifest is never read and is removed by the next append. A table whose content hash is
in the manifest already is not appended again.

A cell measured again in a later table keeps the later row (the line's regrade or retest) at its first
place in production order: :func:`read` returns one row per cell.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import StoreError
from ..files import read_json, write_json

if TYPE_CHECKING:  # the store asks this module for its parts (Store.sql)
    from .store import Store

ID_COLUMN = "cell_id"
"""The column holding the cell id in every part (the same as the cells' ``cell_id``)."""

MANIFEST = "manifest.json"
"""The manifest file's name in the dataset folder."""


@dataclass(frozen=True)
class Part:
    """One committed table of the dataset."""

    file: str
    source: str
    hash: str
    rows: int
    columns: list[str]
    ingested_at: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the manifest's record)."""
        return {
            "file": self.file,
            "source": self.source,
            "hash": self.hash,
            "rows": self.rows,
            "columns": self.columns,
            "ingested_at": self.ingested_at,
        }


def _folder(store: Store) -> Path:
    return store.production_dir()


def parts(store: Store) -> list[Part]:
    """The committed parts, in ingest order (none for a store without production data)."""
    path = _folder(store) / MANIFEST
    if not path.exists():
        return []
    try:
        records = read_json(path)["parts"]
        return [Part(**record) for record in records]
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"{path}: not a production manifest ({exc}).") from exc


def find(store: Store, content_hash: str) -> Part | None:
    """The committed part of a table with this content hash, or None."""
    return next((p for p in parts(store) if p.hash == content_hash), None)


def append(store: Store, table: pd.DataFrame, source: str, content_hash: str) -> tuple[Part, bool]:
    """Commit one table as a new part, unless a part with ``content_hash`` is there already.

    Parameters
    ----------
    store
        The store (its write lock is taken for the append).
    table
        Validated rows, with a :data:`ID_COLUMN` column.
    source
        The table's file name, kept in the manifest.
    content_hash
        The source file's content hash (the same file twice is a no-op).

    Returns
    -------
    (Part, bool)
        The part holding the table and whether this call appended it (False: it was there already).
    """
    folder = _folder(store)
    with store.write_lock():
        known = parts(store)
        for part in known:
            if part.hash == content_hash:
                return part, False
        part_dir = folder / "parts"
        part_dir.mkdir(parents=True, exist_ok=True)
        listed = {p.file for p in known}
        for leftover in part_dir.iterdir():  # a killed writer's part, never committed
            if f"parts/{leftover.name}" not in listed:
                leftover.unlink(missing_ok=True)
        name = f"parts/{content_hash}.parquet"
        tmp = part_dir / f".{uuid.uuid4().hex}.tmp"
        try:
            pq.write_table(pa.Table.from_pandas(table, preserve_index=False), tmp, compression="zstd")
            os.replace(tmp, folder / name)
        finally:
            tmp.unlink(missing_ok=True)
        part = Part(
            file=name,
            source=source,
            hash=content_hash,
            rows=len(table),
            columns=[str(c) for c in table.columns],
            ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        write_json(folder / MANIFEST, {"parts": [p.to_dict() for p in [*known, part]]}, indent=1)
    return part, True


def column_types(store: Store) -> dict[str, pa.DataType]:
    """Each column of the committed parts with its Arrow type (the first part's, where they differ)."""
    out: dict[str, pa.DataType] = {}
    for path in part_paths(store):
        for field in pq.read_schema(path):
            out.setdefault(field.name, field.type)
    return out


def part_paths(store: Store) -> list[Path]:
    """Paths of the committed parts, in ingest order (for a reader such as DuckDB or Dask)."""
    folder = _folder(store)
    return [folder / p.file for p in parts(store)]


def read(store: Store, columns: list[str] | None = None) -> pd.DataFrame:
    """Every committed row, one per cell (the latest table's row where a cell was measured again).

    Parameters
    ----------
    store
        The store.
    columns
        Columns to read besides :data:`ID_COLUMN` (default: all); a part without one of them gives NaN there.

    Returns
    -------
    pandas.DataFrame
        One row per cell, in the order cells were first ingested (production order), with the values of the
        latest table that holds it; columns the union of the parts' columns (first seen first).
    """
    paths = part_paths(store)
    if not paths:
        return pd.DataFrame({ID_COLUMN: pd.Series([], dtype="object")})
    tables = []
    for path in paths:
        schema = pq.read_schema(path)
        wanted = None if columns is None else [ID_COLUMN, *[c for c in columns if c in schema.names]]
        tables.append(pq.read_table(path, columns=wanted))
    merged = pa.concat_tables(tables, promote_options="permissive") if len(tables) > 1 else tables[0]
    frame = merged.to_pandas()
    if len(tables) > 1:
        first_seen = frame.groupby(
            ID_COLUMN, sort=False
        ).ngroup()  # a cell keeps its place in production order
        latest = ~frame[ID_COLUMN].duplicated(keep="last")
        order = np.argsort(first_seen[latest].to_numpy(), kind="stable")
        frame = frame[latest].iloc[order].reset_index(drop=True)
    return frame
