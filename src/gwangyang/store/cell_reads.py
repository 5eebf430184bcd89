"""Reading a store's cells: checked ids and table names, the listing, a cell's metadata, its tables and rows.

:class:`~gwangyang.store.store.Store` answers its cell reads with these; each reads the store's latest
snapshot (see :mod:`.snapshot`) and, for rows, one data file (see :mod:`.datafiles`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import InputError, NotFoundError
from .catalog import TABLES, Location
from .catalog_parts import CatalogGoneError
from .datafiles import read_cell
from .snapshot import Snapshot

if TYPE_CHECKING:
    from .store import Store

CELL_COLUMNS = (
    "cell_id",
    "vendor",
    "channel",
    "rows",
    "cycles",
    "first_time",
    "last_time",
    "nominal_capacity_ah",
)
"""The metadata fields every listing of cells shows (``Store.cells``, the battery service's cell list)."""


def check_cell_id(cell_id: str) -> str:
    """A cell id that is a plain name (no path separators, not ``.`` or ``..``), else InputError."""
    if not cell_id or "/" in cell_id or "\\" in cell_id or cell_id in {".", ".."}:
        raise InputError(f"cell id: expected a plain name, got {cell_id!r}.")
    return cell_id


def check_table(name: str) -> None:
    """InputError unless ``name`` is one of the cell tables (:data:`.catalog.TABLES`)."""
    if name not in TABLES:
        raise InputError(f"table: expected one of {', '.join(TABLES)}, got {name!r}.")


T = TypeVar("T")


def fresh(store: Store, read: Callable[[Snapshot], T]) -> T:
    """``read`` of the store's snapshot, once more on the next one if a catalog file it needed went meanwhile.

    A snapshot reads its cells' metadata from the catalog files it was read from only when asked
    for; a checkpoint written between the two may have replaced them (:class:`.catalog_parts.CatalogGoneError`).
    """
    try:
        return read(store.snapshot())
    except CatalogGoneError:
        return read(store.snapshot())


def cell_listing(snap: Snapshot) -> pd.DataFrame:
    """One row per cell of a snapshot, with the :data:`CELL_COLUMNS` of its metadata."""
    columns = list(CELL_COLUMNS)
    rows = [{c: m.get(c) for c in columns} for m in snap.metas()]
    return pd.DataFrame(rows, columns=columns)


def cell_meta(store: Store, cell_id: str) -> dict[str, Any]:
    """Metadata of one cell of the store's snapshot; NotFoundError if it has no such cell."""
    check_cell_id(cell_id)

    def read(snap: Snapshot) -> dict[str, Any]:
        if cell_id not in snap.ids:
            raise NotFoundError(f"cell {cell_id!r}: not in store {store.place}.")
        data: dict[str, Any] = json.loads(snap.meta_text(cell_id))
        return data

    return fresh(store, read)


def locate(store: Store, cell_id: str, name: str) -> Location:
    """Where one of a cell's tables lives (file relative to the root, row groups); NotFoundError if absent."""
    check_table(name)
    snap = store.snapshot()
    if check_cell_id(cell_id) not in snap.ids:
        raise NotFoundError(f"cell {cell_id!r}: not in store {store.place}.")
    where = snap.location(cell_id, name)
    if where is None:
        raise NotFoundError(f"cell {cell_id!r}: has no {name} table in store {store.place}.")
    return where


def table_columns(store: Store, cell_id: str, name: str) -> list[str]:
    """Column names of one of a cell's tables (from the catalog, else from the file's schema)."""
    where = locate(store, cell_id, name)
    if where.schema is not None:
        return list(where.schema.names)
    with store.fs.open(f"{store._base}/{where.file}", "rb") as handle:
        return list(pq.read_schema(handle).names)


def read_arrow(store: Store, cell_id: str, name: str, columns: list[str] | None = None) -> pa.Table:
    """One of a cell's tables as Arrow (one file, only the cell's row groups); InputError for a missing column."""
    where = locate(store, cell_id, name)
    try:
        return read_cell(store.fs, store._base, where, cell_id, columns)
    except KeyError as exc:
        raise InputError(f"columns: {name} of cell {cell_id!r} has no {exc.args[0]}.") from exc
