"""Compaction: rewrite small and partly dead data files into few large ones per lot and bucket range."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .catalog import BUCKETS, TABLES, Location, put_row, rows_table, segment_name, write_segment
from .datafiles import COMPACT_FILE_ROWS, write_compacted

if TYPE_CHECKING:
    from .store import Store

SMALL_FILE_BYTES = 64 << 20
"""Files smaller than this are merged by compaction (and any file holding dead rows is rewritten)."""


ROWS_PER_CHUNK = 20_000
"""Catalog rows of a compaction's commit built at a time (then kept as Arrow)."""


def _read_cells(store: Store, file: str, cells: dict[str, Location]) -> dict[str, pa.Table]:
    """The rows of ``cells`` in one file, one table per cell, in their stored order."""
    groups = sorted({g for where in cells.values() if where.row_groups is not None for g in where.row_groups})
    whole = any(where.row_groups is None for where in cells.values())
    with store.fs.open(store.path_of(file), "rb") as handle:
        parquet = pq.ParquetFile(handle)
        data = parquet.read() if whole else parquet.read_row_groups(groups) if groups else None
    if data is None or data.num_rows == 0:
        empty = parquet.schema_arrow.empty_table()
        return {c: empty for c in cells}
    if "cell_id" not in data.column_names:  # a first-layout file without the column: one cell
        (only,) = cells
        return {only: data}
    data = data.filter(pc.is_in(data["cell_id"], pa.array(sorted(cells), pa.string())))
    data = data.take(pc.sort_indices(data, [("cell_id", "ascending")]))
    ids = data["cell_id"].to_numpy(zero_copy_only=False)
    out = {c: data.schema.empty_table() for c in cells}
    if len(ids):
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        stops = np.r_[starts[1:], len(ids)]
        for start, stop in zip(starts, stops, strict=True):
            out[str(ids[start])] = data.slice(int(start), int(stop - start))
    return out


def compact(store: Store) -> dict[str, Any]:
    """Rewrite every small or partly dead file of each table, lot by lot, in one catalog commit.

    Cells are sorted by hash bucket and id and written in files of about
    :data:`~.datafiles.COMPACT_FILE_ROWS` rows, under ``bucket=<first bucket of the file>``, with
    small row groups so one cell's read touches few of them. Call with the write lock held.

    Returns
    -------
    dict
        ``files_before``, ``files_after`` (live files over all tables), ``rewritten`` and
        ``written`` (files), ``cells_moved``.
    """
    snap = store.snapshot()
    version = snap.version + 1
    live = snap.live
    files_before = sum(len(snap.files(t)) for t in TABLES)
    moved: dict[str, dict[str, Location]] = {}
    rewritten = written = 0
    for table in TABLES:
        column = live[f"{table}_file"]
        dirty = set(snap.dead_pairs(table)["file"])
        chosen = []
        for file in snap.files(table):
            size = store.fs.size(store.path_of(file))
            if file in dirty or size < SMALL_FILE_BYTES:
                chosen.append(file)
        if len(chosen) <= 1 and not (set(chosen) & dirty):
            continue  # one small clean file is as compact as it gets
        rewritten += len(chosen)
        rows_per_file = {f: _num_rows(store, f) for f in chosen}
        members = live[column.isin(chosen)]
        for lot, in_lot in members.groupby("lot", sort=True):
            cells_here = len(in_lot)
            total = sum(rows_per_file[f] for f in set(in_lot[f"{table}_file"]))
            per_cell = max(total / max(cells_here, 1), 1.0)
            cells_per_file = max(int(COMPACT_FILE_ROWS / per_cell), 1)
            order = in_lot.sort_values(["bucket", "cell_id"])
            for start in range(0, len(order), cells_per_file):
                batch = order.iloc[start : start + cells_per_file]
                by_file: dict[str, dict[str, Location]] = {}
                for cell_id in batch.index:
                    where = snap.location(str(cell_id), table)
                    if where is not None:
                        by_file.setdefault(where.file, {})[str(cell_id)] = where
                cells: list[tuple[str, pa.Table]] = []
                schemas = {}
                for file, wanted in by_file.items():
                    for cell_id, data in _read_cells(store, file, wanted).items():
                        cells.append((cell_id, data))
                        schemas[cell_id] = wanted[cell_id].schema
                first_bucket = int(batch["bucket"].iloc[0]) % BUCKETS
                locations = write_compacted(store._base, table, str(lot), first_bucket, version, cells)
                written += len({w.file for w in locations.values()})
                for cell_id, where in locations.items():
                    where.schema = schemas[cell_id] or cells_schema(cells, cell_id)
                    moved.setdefault(cell_id, {})[table] = where
    if moved:
        chunks, rows = [], []
        for cell_id, tables in moved.items():
            where_all: dict[str, Location | None] = {t: snap.location(cell_id, t) for t in TABLES}
            where_all.update(tables)
            rows.append(put_row(version, cell_id, json.loads(snap.meta_text(cell_id)), where_all))
            if len(rows) == ROWS_PER_CHUNK:  # as Arrow, not a million dicts at once
                chunks.append(rows_table(rows))
                rows = []
        chunks.append(rows_table(rows))
        write_segment(store._base, segment_name(version), pa.concat_tables(chunks))
        store.checkpoint()
    after = store.snapshot()
    return {
        "files_before": files_before,
        "files_after": sum(len(after.files(t)) for t in TABLES),
        "rewritten": rewritten,
        "written": written,
        "cells_moved": len(moved),
    }


def cells_schema(cells: list[tuple[str, pa.Table]], cell_id: str) -> pa.Schema:
    """The schema of one cell's table among ``cells``."""
    return next(t.schema for c, t in cells if c == cell_id)


def _num_rows(store: Store, file: str) -> int:
    with store.fs.open(store.path_of(file), "rb") as handle:
        return int(pq.ParquetFile(handle).metadata.num_rows)
