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

from .catalog import TABLES, Location, Snapshot, put_row, reduce, rows_table

CELLS = "cells"
"""Folder of the first layout's cells."""


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
