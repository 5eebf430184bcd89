"""Parquet + DuckDB store of battery cells.

Layout::

    <root>/cells/<h2>/<cell_id>/meta.json           metadata, source files and their content hashes
                                timeseries.parquet  canonical time series
                                cycles.parquet      per-cycle summary
                                curves.parquet      discharge Q(V) on the cell's voltage grid
                                steps.parquet       one row per step (cells ingested before steps lack it)
    <root>/staging/<uuid>/                          cells being written (never read)
    <root>/trash/                                   old versions being replaced

A cell is written whole into ``staging`` and renamed into place, so readers see either the old
cell or the new one, never a partial one; a killed writer leaves only staging debris, which the
next writer removes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..config import store_path
from ..errors import InputError, NotFoundError, StoreError
from .lock import WriteLock

TABLES = ("timeseries", "cycles", "curves", "steps")
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


def shard(cell_id: str) -> str:
    """Two-hex-digit shard folder of a cell id."""
    return hashlib.blake2b(cell_id.encode(), digest_size=1).hexdigest()


class Store:
    """A battery data store rooted at a folder.

    Parameters
    ----------
    root
        Store folder; default: ``$GWANGYANG_HOME`` or ``./gwangyang-data``.
    lock_wait
        Seconds a writer waits for another one to finish before giving up; 0 fails at once.

    Opening a store finishes what a writer killed between its two commit renames left (see
    :meth:`recover_if_abandoned`), so no cell stays invisible until the next writer runs.
    """

    def __init__(self, root: str | os.PathLike[str] | None = None, lock_wait: float = 0.0) -> None:
        self.root = store_path(root)
        self.lock_wait = lock_wait
        self.recover_if_abandoned()

    # ---- layout -------------------------------------------------------------------------
    @property
    def cells_dir(self) -> Path:
        """Folder holding the cells."""
        return self.root / "cells"

    def cell_dir(self, cell_id: str) -> Path:
        """Folder of one cell (it may not exist)."""
        if not cell_id or "/" in cell_id or "\\" in cell_id or cell_id in {".", ".."}:
            raise InputError(f"cell id: expected a plain name, got {cell_id!r}.")
        return self.cells_dir / shard(cell_id) / cell_id

    def staging_path(self, name: str) -> Path:
        """``staging/<name>`` inside the store, for a writer to fill and rename into place (the folder is created)."""
        parent = self.root / "staging"
        parent.mkdir(parents=True, exist_ok=True)
        return parent / name

    def clear_staging(self) -> None:
        """Remove every staging folder (only while holding the write lock: nothing else writes there)."""
        shutil.rmtree(self.root / "staging", ignore_errors=True)

    def staging_dir(self) -> Path:
        """A new, empty staging folder inside the store (same file system, so renames are atomic)."""
        path = self.root / "staging" / uuid.uuid4().hex
        path.mkdir(parents=True)
        return path

    def write_lock(self) -> WriteLock:
        """The store's exclusive writer lock (waiting up to ``lock_wait`` seconds for it)."""
        return WriteLock(self.root, wait=self.lock_wait)

    def recover_if_abandoned(self) -> bool:
        """Run :meth:`recover` when a dead writer left cells in ``trash`` and no writer holds the lock.

        A live writer mid-commit holds the lock, so its cell is left alone. A store that cannot be
        written (read-only) is left as it is; its readers still see every committed cell but the one
        being swapped. Returns True when something was recovered.
        """
        trash = self.root / "trash"
        try:
            if not trash.is_dir() or not any(trash.iterdir()):
                return False
            lock = WriteLock(self.root)
            if not lock.try_acquire():
                return False
        except OSError:
            return False
        try:
            self.recover()
        except OSError:
            return False
        finally:
            lock.release()
        return True

    # ---- writing ------------------------------------------------------------------------
    def recover(self) -> None:
        """Finish or undo what a killed writer left: restore cells caught mid-swap, drop staging debris.

        Call with the write lock held.
        """
        trash = self.root / "trash"
        if trash.exists():
            for old in trash.iterdir():
                marker = old / "meta.json"
                if marker.exists():
                    cell_id = json.loads(marker.read_text())["cell_id"]
                    target = self.cell_dir(cell_id)
                    if not target.exists():
                        target.parent.mkdir(parents=True, exist_ok=True)
                        os.rename(old, target)
                        continue
                shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(self.root / "staging", ignore_errors=True)

    def commit(self, staged: Path, cell_id: str) -> None:
        """Move a fully written staged cell into place, replacing any older version.

        Call with the write lock held.
        """
        if not (staged / "meta.json").exists():
            raise StoreError(f"{staged}: staged cell has no meta.json.")
        target = self.cell_dir(cell_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            trash = self.root / "trash"
            trash.mkdir(exist_ok=True)
            old = trash / uuid.uuid4().hex
            os.rename(target, old)
            os.rename(staged, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(staged, target)

    def delete(self, cell_id: str) -> None:
        """Remove a cell from the store."""
        target = self.cell_dir(cell_id)
        if not target.exists():
            raise NotFoundError(f"cell {cell_id!r}: not in store {self.root}.")
        with self.write_lock():
            trash = self.root / "trash"
            trash.mkdir(exist_ok=True)
            old = trash / uuid.uuid4().hex
            os.rename(target, old)
            shutil.rmtree(old, ignore_errors=True)

    # ---- reading ------------------------------------------------------------------------
    def _meta_files(self) -> Iterator[Path]:
        if self.cells_dir.exists():
            yield from sorted(self.cells_dir.glob("*/*/meta.json"))

    def metas(self) -> list[dict[str, Any]]:
        """Metadata of every cell, sorted by cell id."""
        out = []
        for path in self._meta_files():
            try:
                out.append(json.loads(path.read_text()))
            except (OSError, json.JSONDecodeError):
                continue  # a cell being replaced right now
        return sorted(out, key=lambda m: m["cell_id"])

    def meta(self, cell_id: str) -> dict[str, Any]:
        """Metadata of one cell."""
        path = self.cell_dir(cell_id) / "meta.json"
        if not path.exists():
            raise NotFoundError(f"cell {cell_id!r}: not in store {self.root}.")
        data: dict[str, Any] = json.loads(path.read_text())
        return data

    def known_hashes(self) -> dict[str, str]:
        """Map from source-file content hash to the cell that holds it."""
        index = {}
        for meta in self.metas():
            for source in meta.get("sources", []):
                index[source["hash"]] = meta["cell_id"]
        return index

    def cells(self) -> pd.DataFrame:
        """One row per cell: ``cell_id``, ``vendor``, ``rows``, ``cycles``, ``first_time``, ``last_time`` and more."""
        columns = list(CELL_COLUMNS)
        rows = [{c: m.get(c) for c in columns} for m in self.metas()]
        return pd.DataFrame(rows, columns=columns)

    def table(self, cell_id: str, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Read one of a cell's tables (``timeseries``, ``cycles``, ``curves`` or ``steps``) as pandas."""
        return self.arrow(cell_id, name, columns).to_pandas()

    def arrow(self, cell_id: str, name: str, columns: list[str] | None = None) -> pa.Table:
        """Read one of a cell's tables as an Arrow table."""
        if name not in TABLES:
            raise InputError(f"table: expected one of {', '.join(TABLES)}, got {name!r}.")
        path = self.cell_dir(cell_id) / f"{name}.parquet"
        if not path.exists():
            raise NotFoundError(f"cell {cell_id!r}: not in store {self.root}.")
        return pq.read_table(path, columns=columns)

    def cycles(self, cell_id: str) -> pd.DataFrame:
        """Per-cycle summary of a cell."""
        return self.table(cell_id, "cycles")

    def timeseries(self, cell_id: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Canonical time series of a cell."""
        return self.table(cell_id, "timeseries", columns)

    def curves(self, cell_id: str) -> pd.DataFrame:
        """Discharge Q(V) curves of a cell."""
        return self.table(cell_id, "curves")

    def steps(self, cell_id: str) -> pd.DataFrame:
        """Steps of a cell (see :mod:`gwangyang.battery.steps`)."""
        return self.table(cell_id, "steps")

    def sql(self, query: str) -> pd.DataFrame:
        """Run a DuckDB query over the store's views ``cells_cycles``, ``cells_curves``, ``cells_timeseries``, ``cells_steps``.

        Each view holds every cell's table with a ``cell_id`` column. The connection is in-memory
        and private to this call, so it needs no lock and never blocks a writer.
        """
        import duckdb

        con = duckdb.connect(":memory:")
        try:
            for name in TABLES:
                pattern = (self.cells_dir / "*" / "*" / f"{name}.parquet").as_posix()
                if any(self.cells_dir.glob(f"*/*/{name}.parquet")):
                    # the path goes in as a value, never into SQL text (a store path may hold a quote)
                    con.read_parquet(pattern, union_by_name=True).create_view(f"cells_{name}")
            return con.execute(query).df()
        except duckdb.Error as exc:
            raise InputError(f"query: {exc}".splitlines()[0]) from exc
        finally:
            con.close()

    def production_dir(self) -> Path:
        """Folder of the production dataset (end-of-line and formation measurements; see :mod:`.production`)."""
        return self.root / "production"

    def attach_views(self, con: Any) -> list[str]:
        """Create on a DuckDB connection the views :meth:`sql` offers, and ``production``; return their names.

        ``production`` holds one row per cell of the production dataset (:mod:`.production`), joinable
        with the cells' views on ``cell_id``. Views without files are left out. For a caller that
        configures its own connection (limits, no file access beyond the store).
        """
        from .production import part_paths

        names = []
        for name in TABLES:
            pattern = (self.cells_dir / "*" / "*" / f"{name}.parquet").as_posix()
            if any(self.cells_dir.glob(f"*/*/{name}.parquet")):
                con.read_parquet(pattern, union_by_name=True).create_view(f"cells_{name}")
                names.append(f"cells_{name}")
        parts = [p.as_posix() for p in part_paths(self)]
        if len(parts) == 1:
            con.read_parquet(parts[0]).create_view("production")
            names.append("production")
        elif parts:
            # a cell measured again in a later table keeps its latest row, as production.read does
            con.read_parquet(parts, union_by_name=True, filename=True).create_view("production_parts")
            con.register(
                "production_order", pd.DataFrame({"filename": parts, "part_order": range(len(parts))})
            )
            con.execute(
                "CREATE VIEW production AS SELECT p.* EXCLUDE (filename) FROM production_parts p "
                "JOIN production_order o USING (filename) "
                "QUALIFY row_number() OVER (PARTITION BY p.cell_id ORDER BY o.part_order DESC) = 1"
            )
            names.append("production")
        return names


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write a table as Parquet (zstd)."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, path, compression="zstd")
