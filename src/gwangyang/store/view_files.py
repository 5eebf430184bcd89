"""The data files behind a table view and what their live cells hold: columns, their order and types.

A table's files hold the rows of live cells and, until compaction, of replaced (dead) ones. What a view
shows must not depend on the dead rows: a column that only dead cells had is not a column of the view, a
column whose only nulls are in dead rows holds no null, and the types come from the columns live cells
have. The catalog records the schema each cell was written with (``<table>_schema``); a file's columns that
none of its live cells has are read as nulls and type nothing (:func:`view_files`).

The columns' order is their first appearance over the cells' schemas, those ranked by when their first
cell was ingested (the catalog's ``ingested_at``, then the cell id): new columns come after the old ones,
whatever the files' paths (percent-encoded lot folders sort Korean lots by their bytes) and before or after
compaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .catalog import decode_schema
from .footer_cache import arrow_schema, read_footers
from .table_union import TableUnion, may_hold_nulls, union_of

if TYPE_CHECKING:
    from .snapshot import Snapshot
    from .store import Store


@dataclass(frozen=True)
class ViewFiles:
    """A table view's files, in the order it reads them (files without dead rows, then those with).

    Attributes
    ----------
    files
        Paths relative to the store root.
    footers
        Each file's Parquet footer.
    keep
        Each file's columns some live cell of it has (None: all the file's).
    dead
        The dead cells of each file holding some (files without dead rows are not in it).
    union
        The view's columns (in order), types and which may hold a null.
    """

    files: list[str]
    footers: list[pq.FileMetaData]
    keep: list[frozenset[str] | None]
    dead: dict[str, tuple[str, ...]]
    union: TableUnion


def _kept(schemas: list[Any]) -> frozenset[str] | None:
    """The columns of a file's live cells from their schema texts (None: some cell's schema is not known)."""
    names: set[str] = {"cell_id"}
    for text in schemas:
        if not isinstance(text, str):
            return None
        names.update(decode_schema(text).names)
    return frozenset(names)


LAST = "\U0010ffff"
"""Stands for a missing ingest time (such cells rank after those with one, by id)."""


def first_appearance(ranked: Iterable[Sequence[str]]) -> list[str]:
    """Column names in order of first appearance over ranked schemas; ``cell_id`` after the first's columns.

    The writer adds ``cell_id`` after a cell's columns when the cell's table lacks it.
    """
    order: dict[str, None] = {}
    for n, names in enumerate(ranked):
        order.update(dict.fromkeys(names))
        if n == 0:
            order.setdefault("cell_id")
    return list(order)


def ingest_key(at: Any) -> str:
    """A cell's ingest time as a sort key (ISO text; missing: :data:`LAST`)."""
    return at if isinstance(at, str) and at else LAST


@dataclass(frozen=True)
class CellSchemas:
    """The live cells that have a table, by codes: which file and which schema text each has.

    Attributes
    ----------
    rows
        Each such cell's row in the snapshot (its ``ids``, ``column(...)``).
    file
        Each one's file, as an index into ``files``.
    schema
        Each one's schema text, as an index into ``texts`` (-1: not known; the file's columns stand for it).
    files, texts
        The distinct files and schema texts.
    """

    rows: np.ndarray
    file: np.ndarray
    schema: np.ndarray
    files: list[str]
    texts: list[str]


def cell_schemas(snap: Snapshot, table: str) -> CellSchemas:
    """The live cells' files and schema texts of a table, as codes (one pass over the cells each)."""
    file_codes, files = pd.factorize(pd.Series(snap.column(f"{table}_file"), dtype=object))
    text_codes, texts = pd.factorize(pd.Series(snap.column(f"{table}_schema"), dtype=object))
    rows = np.flatnonzero(file_codes >= 0)
    return CellSchemas(
        rows, file_codes[rows], text_codes[rows], [str(f) for f in files], [str(t) for t in texts]
    )


def _ranked(snap: Snapshot, cells: CellSchemas, keys: np.ndarray) -> list[int]:
    """The distinct ``keys`` (one per cell of ``cells``) in the order of their first cell by ingest time, then id."""
    distinct = np.unique(keys)
    if len(distinct) == 1:
        return [int(distinct[0])]
    at = pd.Series(snap.column("ingested_at"), dtype=object).take(cells.rows).map(ingest_key).to_numpy()
    ids = np.asarray(snap.ids.astype(str), dtype=object)[cells.rows]
    firsts = []
    for key in distinct.tolist():
        mine = keys == key
        earliest = min(at[mine])
        firsts.append((earliest, min(ids[mine][at[mine] == earliest]), key))
    return [key for _at, _cell, key in sorted(firsts)]


def column_order(
    snap: Snapshot,
    cells: CellSchemas,
    footers: dict[str, pq.FileMetaData],
    keep: dict[str, frozenset[str] | None],
) -> list[str]:
    """The view's columns: first appearance over the cells' schemas, in the order of the cells' ingest time and id.

    A cell whose schema is not known stands for its file's columns. A schema ranks where its first cell does.
    """
    known = len(cells.texts)
    keys = np.where(cells.schema >= 0, cells.schema, known + cells.file)
    names = [
        decode_schema(cells.texts[key]).names
        if key < known
        else arrow_schema(footers[cells.files[key - known]]).names
        for key in _ranked(snap, cells, keys)
    ]
    wanted = set().union(*[k if k is not None else arrow_schema(footers[f]).names for f, k in keep.items()])
    return [c for c in first_appearance(names) if c in wanted]


def _live_nulls(store: Store, path: str, dead: tuple[str, ...]) -> Any:
    """``nulls(column)`` for a file with dead rows: whether a live row of it holds a null (the rows read once)."""
    seen: dict[str, bool] = {}

    def nulls(footer: pq.FileMetaData, column: str) -> bool:
        if not may_hold_nulls(footer, column):
            return False
        if column not in seen:
            with open(path, "rb") if store.local else store.fs.open(path, "rb") as handle:
                data = pq.read_table(handle, columns=list(dict.fromkeys(["cell_id", column])))
            live = pc.invert(pc.is_in(data["cell_id"], pa.array(list(dead), pa.string())))
            seen[column] = data[column].filter(live).null_count > 0
        return seen[column]

    return nulls


def view_files(store: Store, snap: Snapshot, table: str, warn: bool = False) -> ViewFiles | None:
    """The files of a table view, what their live cells hold and the view's union (None: no cell has the table).

    Raises
    ------
    InputError
        Types that combine neither way (:func:`.table_union.union_of`).
    OSError, ValueError
        A file that does not read.
    """
    files = snap.files(table)
    if not files:
        return None
    pairs = snap.dead_pairs(table)
    dead: dict[str, tuple[str, ...]] = {}
    for file, cell in zip(pairs["file"], pairs["cell_id"].astype(str), strict=True):
        dead[str(file)] = (*dead.get(str(file), ()), cell)
    ordered = [f for f in files if f not in dead] + sorted(dead)
    cells = cell_schemas(snap, table)
    pairs_of = np.unique(cells.file.astype(np.int64) * (len(cells.texts) + 1) + (cells.schema + 1))
    texts_of: dict[str, list[str | None]] = {}
    for pair in pairs_of.tolist():
        file, text = divmod(pair, len(cells.texts) + 1)
        texts_of.setdefault(cells.files[file], []).append(cells.texts[text - 1] if text else None)
    by_file = {f: _kept(texts) for f, texts in texts_of.items()}
    keep = [by_file.get(f) for f in ordered]
    footers = read_footers(store.fs, [store.path_of(f) for f in ordered], store.local)
    footer_of = dict(zip(ordered, footers, strict=True))
    order = column_order(snap, cells, footer_of, dict(zip(ordered, keep, strict=True)))
    checks = [_live_nulls(store, store.path_of(f), dead[f]) if f in dead else None for f in ordered]

    def nulls(k: int, column: str) -> bool:
        check = checks[k]
        return may_hold_nulls(footers[k], column) if check is None else bool(check(footers[k], column))

    union = union_of(table, list(zip(ordered, footers, strict=True)), warn, keep, order, nulls)
    return ViewFiles(ordered, footers, keep, dead, union)
