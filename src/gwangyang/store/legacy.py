"""Stores written by the first layout (a folder per cell): detect them and read them through a catalog snapshot.

The first layout::

    <root>/cells/<h2>/<cell_id>/meta.json, timeseries.parquet, cycles.parquet, curves.parquet, steps.parquet
    <root>/trash/    cells caught between the two renames of a commit

Such a store opens as it is (its snapshot is built from the folders, so every read and query
works) and ``gwangyang store migrate`` (or the first write) converts it to the catalog layout.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import StoreError
from .catalog import TABLES, Location, put_row, rows_table
from .snapshot import Snapshot, reduce

if TYPE_CHECKING:
    from .store import Store

CELLS = "cells"
"""Folder of the first layout's cells."""

MIGRATE_CELLS = 256
"""Cells per data file written by a migration."""


def has_cells(root: Path) -> bool:
    """Whether ``root`` holds cells of the first layout."""
    folder = root / CELLS
    return folder.is_dir() and any(folder.glob("*/*/meta.json"))


def recover(root: Path) -> None:
    """Put back cells a killed writer of the first layout left in ``trash`` (call with the write lock held)."""
    trash = root / "trash"
    if not trash.exists():
        return
    for old in trash.iterdir():
        marker = old / "meta.json"
        if marker.exists():
            cell_id = json.loads(marker.read_text())["cell_id"]
            target = root / CELLS / shard(cell_id) / cell_id
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(old, target)
                continue
        shutil.rmtree(old, ignore_errors=True)


def shard(cell_id: str) -> str:
    """Two-hex-digit shard folder of a cell id in the first layout."""
    import hashlib

    return hashlib.blake2b(cell_id.encode(), digest_size=1).hexdigest()


def snapshot(root: Path) -> Snapshot:
    """A catalog snapshot of a first-layout store: one file per cell and table, read whole."""
    rows = []
    for marker in sorted((root / CELLS).glob("*/*/meta.json")):
        try:
            meta = json.loads(marker.read_text())
        except (OSError, json.JSONDecodeError):
            continue  # a cell being replaced right now
        folder = marker.parent
        where: dict[str, Location | None] = {}
        for name in TABLES:
            file = folder / f"{name}.parquet"
            rel = file.relative_to(root).as_posix()
            where[name] = Location(rel, None, False, None) if file.exists() else None
        rows.append(put_row(0, str(meta["cell_id"]), meta, where))
    return reduce(rows_table(rows), 0, 0)


def remove(root: Path) -> None:
    """Delete the first layout's folders (after a migration committed their cells)."""
    for name in (CELLS, "trash"):
        folder = root / name
        if folder.exists():
            aside = root / f".{name}.migrated"
            shutil.rmtree(aside, ignore_errors=True)
            os.rename(folder, aside)
            shutil.rmtree(aside, ignore_errors=True)


def migrate(store: Store) -> dict[str, Any]:
    """Convert a first-layout store to the catalog layout (write lock held); what was moved.

    Every cell's tables and metadata go into one catalog commit; each table is read back and
    compared with its old file before the old folders are removed.
    """
    from .catalog import lot_of, segment_name, write_segment
    from .datafiles import append_cells

    root = store.root
    if not store.is_legacy():
        if has_cells(root):  # a migration killed after its commit: the cells are in the catalog
            remove(root)
        return {"migrated": 0, "rows": {}, "layout": "catalog"}
    recover(root)
    old = snapshot(root)
    items: list[tuple[str, dict[str, Any], dict[str, pa.Table]]] = []
    for meta in old.metas():
        cell_id = str(meta["cell_id"])
        tables = {}
        for name in TABLES:
            location = old.location(cell_id, name)
            if location is not None:
                tables[name] = pq.read_table(root / location.file)
        items.append((cell_id, meta, tables))
    version = 1
    groups: dict[tuple[str, str], list[tuple[str, pa.Table]]] = {}
    for cell_id, meta, tables in items:
        for name, table in tables.items():
            groups.setdefault((name, lot_of(meta)), []).append((cell_id, table))
    where: dict[str, dict[str, Location | None]] = {c: {} for c, _, _ in items}
    for (name, lot), cells in groups.items():
        for start in range(0, len(cells), MIGRATE_CELLS):
            chunk = cells[start : start + MIGRATE_CELLS]
            for cell_id, location in append_cells(root.as_posix(), name, lot, version, chunk).items():
                where[cell_id][name] = location
    rows = [put_row(version, c, meta, where[c]) for c, meta, _ in items]
    write_segment(root.as_posix(), segment_name(version), rows_table(rows))
    counts: dict[str, int] = {}
    for cell_id, _meta, tables in items:  # nothing lost: every table reads back the same
        for name, table in tables.items():
            if not store.arrow(cell_id, name).equals(table):
                raise StoreError(f"migration: cell {cell_id!r} table {name} did not read back the same.")
            counts[name] = counts.get(name, 0) + table.num_rows
    remove(root)
    return {"migrated": len(items), "rows": counts, "layout": "catalog"}
