"""Compaction: rewrite small and partly dead data files into few large ones per lot and bucket range."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .catalog import BUCKETS, TABLES, Location, checkpoint_name, segment_name
from .catalog_parts import FORM, FORM_KEY, GROUP_ROWS
from .catalog_reads import forget
from .catalog_writes import CatalogWriter, catalog_batches, dead_rows
from .compaction_places import Places
from .datafiles import COMPACT_FILE_ROWS, write_compacted

if TYPE_CHECKING:
    from .snapshot import Snapshot
    from .store import Store

SMALL_FILE_BYTES = 64 << 20
"""Files smaller than this are merged by compaction (and any file holding dead rows is rewritten)."""


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


def compact(store: Store, group_rows: int = GROUP_ROWS) -> dict[str, Any]:
    """Rewrite every small or partly dead file of each table, lot by lot, in one catalog commit.

    Cells are sorted by hash bucket and id and written in files of about
    :data:`~.datafiles.COMPACT_FILE_ROWS` rows, under ``bucket=<first bucket of the file>``, with
    small row groups so one cell's read touches few of them. Call with the write lock held.

    The plan needs no cell's metadata: the commit (the moved cells' new catalog rows, sorted by id)
    and the checkpoint that follows (every live cell) are written together, in row groups of
    ``group_rows`` cells, each cell's metadata copied from the catalog file it is in a row group at a
    time (:mod:`.catalog_writes`), so memory is bounded by a row group, not the store. The commit is
    the segment's rename; the checkpoint is renamed after it.

    Returns
    -------
    dict
        ``files_before``, ``files_after`` (live files over all tables), ``rewritten`` and
        ``written`` (files), ``cells_moved``.
    """
    snap = store.snapshot()
    version = snap.version + 1
    live = snap._internal()  # every catalog column but the cells' metadata
    files_before = sum(len(snap.files(t)) for t in TABLES)
    moved = Places(live.index)  # the moved cells' new places, in arrays
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
        members = live.loc[column.isin(chosen).to_numpy(), ["cell_id", "bucket", "lot", f"{table}_file"]]
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
                moved.add(table, locations)
    cells_moved = len(moved)
    if cells_moved:
        frame = moved_frame(live, moved, version)
        _commit(store, snap, frame, version, group_rows)
        forget(store._base)  # the catalog is one checkpoint now: read it whole (no metadata), not advanced
    after = store.snapshot()
    return {
        "files_before": files_before,
        "files_after": sum(len(after.files(t)) for t in TABLES),
        "rewritten": rewritten,
        "written": written,
        "cells_moved": cells_moved,
    }


def moved_frame(live: pd.DataFrame, moved: Places, version: int) -> pd.DataFrame:
    """``live`` (a snapshot's cells, without their metadata) with the moved tables' new places, at ``version``.

    A copy: the snapshot's frame stays as it is (a reader may hold it).
    """
    return moved.frame(live, version)


def _commit(store: Store, snap: Snapshot, frame: pd.DataFrame, version: int, group_rows: int) -> None:
    """Write the compaction's commit (the moved cells' rows) and the checkpoint after it, a row group at a time.

    Both files are filled in one pass over the cells (their metadata read once); the segment is
    renamed first (the commit), then the checkpoint. A writer killed before a rename leaves a
    temporary file the next writer removes, and the catalog as it was.
    """
    is_moved = (frame["version"] == version).to_numpy()
    dead = {}
    for table in TABLES:  # the dead rows still in live files (a compaction rewrites every such file)
        files = set(frame[f"{table}_file"].dropna())
        pairs = snap.dead[snap.dead["table"] == table]
        dead[table] = pairs[pairs["file"].isin(files)][["file", "cell_id"]]
    root = store._base
    with (
        CatalogWriter(root, segment_name(version), None, group_rows) as commit,
        CatalogWriter(root, checkpoint_name(version), {FORM_KEY: FORM}, group_rows) as whole,
    ):
        start = 0
        for batch in catalog_batches(frame, snap._parts, group_rows):
            mine = is_moved[start : start + batch.num_rows]
            commit.write(batch if mine.all() else batch.filter(pa.array(mine)))  # no copy when all moved
            whole.write(batch)
            start += batch.num_rows
        whole.write(dead_rows(version, dead))
        commit.publish()
        whole.publish()


def cells_schema(cells: list[tuple[str, pa.Table]], cell_id: str) -> pa.Schema:
    """The schema of one cell's table among ``cells``."""
    return next(t.schema for c, t in cells if c == cell_id)


def _num_rows(store: Store, file: str) -> int:
    with store.fs.open(store.path_of(file), "rb") as handle:
        return int(pq.ParquetFile(handle).metadata.num_rows)
