"""The compaction as it was before its catalog was streamed (kept as the oracle of ``test_compaction_stream``).

It read every cell's metadata at once (``snap.live``), built the moved cells' catalog rows from it
(``put_row`` of the parsed metadata) and wrote the checkpoint after it whole (``checkpoint_table``).
The data files are written by the same functions as now (:mod:`gwangyang.store.compaction`).
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from gwangyang.store import Store
from gwangyang.store.catalog import (
    BUCKETS,
    TABLES,
    Location,
    checkpoint_name,
    put_row,
    rows_table,
    segment_name,
    write_segment,
)
from gwangyang.store.commits import checkpoint_table
from gwangyang.store.compaction import SMALL_FILE_BYTES, _num_rows, _read_cells, cells_schema
from gwangyang.store.datafiles import COMPACT_FILE_ROWS, write_compacted

ROWS_PER_CHUNK = 20_000


def old_checkpoint(store: Store, group_rows: int) -> None:
    """The checkpoint as it was written: every cell's metadata gathered, one ``write_table``."""
    snap = store.snapshot()
    write_segment(store._base, checkpoint_name(snap.version), checkpoint_table(snap), group_rows)


def old_compact(store: Store, group_rows: int) -> dict[str, Any]:
    """``gwangyang.store.compaction.compact`` before the change (git 22916bf), its checkpoint included."""
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
            continue
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
            if len(rows) == ROWS_PER_CHUNK:
                chunks.append(rows_table(rows))
                rows = []
        chunks.append(rows_table(rows))
        write_segment(store._base, segment_name(version), pa.concat_tables(chunks))
        old_checkpoint(store, group_rows)
    after = store.snapshot()
    return {
        "files_before": files_before,
        "files_after": sum(len(after.files(t)) for t in TABLES),
        "rewritten": rewritten,
        "written": written,
        "cells_moved": len(moved),
    }
