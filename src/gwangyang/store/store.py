"""Parquet + DuckDB store of battery cells: partitioned datasets with many cells per file, and a catalog.

Layout (see :mod:`.catalog` and :mod:`.datafiles`)::

    <root>/catalog/v<version>.parquet     commits: cells put or deleted, rows made dead
    <root>/catalog/c<version>.parquet     checkpoints of the whole catalog
    <root>/tables/<table>/lot=<lot>/...   the cells' timeseries, cycles, curves and steps
    <root>/staging/<name>/                cells being built by ingest workers (never read)

A writer (holding the write lock) writes new data files, then commits them by renaming one
catalog segment into place: readers see every cell whole or not at all, and keep their snapshot
while a writer appends. A killed writer leaves at most unreferenced files, which the next writer
removes (:mod:`.recovery`). Stores of the first layout (a folder per cell) open as they are and are converted by
:meth:`Store.migrate` (or by their first write).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..config import store_path
from ..errors import InputError, NotFoundError, StoreError
from ..files import read_json, write_json
from . import legacy
from .catalog import (
    CATALOG,
    CHECKPOINT_EVERY,
    TABLES,
    Location,
    Snapshot,
    checkpoint_name,
    checkpoint_table,
    dead_row,
    delete_row,
    listing,
    listing_key,
    lot_of,
    put_row,
    read_snapshot,
    rows_table,
    segment_name,
    write_segment,
)
from .datafiles import append_cells, read_cell
from .lock import WriteLock
from .recovery import recover_abandoned, sweep_unnamed

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

GRACE_S = 600.0
"""Files no snapshot names any more are deleted only once this old (a reader may still be reading them)."""

CellTables = tuple[str, dict[str, Any], dict[str, pa.Table]]
"""A cell to commit: its id, its metadata and its tables (name -> Arrow table)."""


def shard(cell_id: str) -> str:
    """Two-hex-digit shard folder of a cell id (the first layout's folders)."""
    return legacy.shard(cell_id)


def check_cell_id(cell_id: str) -> str:
    """A cell id that is a plain name (no path separators, not ``.`` or ``..``), else InputError."""
    if not cell_id or "/" in cell_id or "\\" in cell_id or cell_id in {".", ".."}:
        raise InputError(f"cell id: expected a plain name, got {cell_id!r}.")
    return cell_id


def _is_url(root: str | os.PathLike[str] | None) -> bool:
    return isinstance(root, str) and "://" in root


class Store:
    """A battery data store rooted at a folder (or, for reading, an fsspec URL such as ``s3://bucket/store``).

    Parameters
    ----------
    root
        Store folder or URL; default: ``$GWANGYANG_HOME`` or ``./gwangyang-data``. A ``file://``
        URL is the local folder.
    lock_wait
        Seconds a writer waits for another one to finish before giving up; 0 fails at once.
    storage_options
        fsspec options for a URL root (credentials, endpoint; see docs/store.md).
    """

    def __init__(
        self,
        root: str | os.PathLike[str] | None = None,
        lock_wait: float = 0.0,
        storage_options: dict[str, Any] | None = None,
    ) -> None:
        import fsspec

        self.lock_wait = lock_wait
        self.url: str | None = None
        if _is_url(root) and not str(root).startswith("file://"):
            self.url = str(root).rstrip("/")
            self.fs, _ = fsspec.core.url_to_fs(self.url, **(storage_options or {}))
            self.root = Path("/nonexistent-remote-store")
            self._base = self.fs._strip_protocol(self.url)
        else:
            if _is_url(root):
                root = str(root)[len("file://") :]
            self.root = store_path(root)
            self.fs = fsspec.filesystem("file")
            self._base = self.root.as_posix()
        self.recover_if_abandoned()

    # ---- layout -------------------------------------------------------------------------
    @property
    def cells_dir(self) -> Path:
        """Folder of the first layout's cells (only stores not yet migrated have it)."""
        return self.root / legacy.CELLS

    @property
    def local(self) -> bool:
        """Whether the store is a local folder (only a local store can be written)."""
        return self.url is None

    def is_legacy(self) -> bool:
        """Whether the store still has the first layout (a folder per cell) and no catalog."""
        return self.local and not listing(self.fs, self._base) and legacy.has_cells(self.root)

    def cell_dir(self, cell_id: str) -> Path:
        """Folder of one cell in the first layout (it may not exist); checks the id."""
        return self.cells_dir / shard(check_cell_id(cell_id)) / cell_id

    def staging_path(self, name: str) -> Path:
        """``staging/<name>`` inside the store, for a writer to fill and commit (the parent is created)."""
        parent = self.root / "staging"
        parent.mkdir(parents=True, exist_ok=True)
        return parent / name

    def clear_staging(self) -> None:
        """Remove every staging folder (only while holding the write lock: nothing else writes there)."""
        shutil.rmtree(self.root / "staging", ignore_errors=True)

    def staging_dir(self) -> Path:
        """A new, empty staging folder inside the store."""
        path = self.root / "staging" / uuid.uuid4().hex
        path.mkdir(parents=True)
        return path

    def write_lock(self) -> WriteLock:
        """The store's exclusive writer lock (waiting up to ``lock_wait`` seconds for it)."""
        self._writable()
        return WriteLock(self.root, wait=self.lock_wait)

    def _writable(self) -> None:
        if not self.local:
            raise StoreError(f"{self.url}: a store at a URL is read-only here; write to a local store.")

    def recover_if_abandoned(self) -> bool:
        """Put back first-layout cells a killed writer left in ``trash`` (when no writer holds the lock).

        Commits of the catalog layout are one rename, so they leave nothing to recover on open.
        """
        return self.local and recover_abandoned(self.root)

    # ---- snapshot -----------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The catalog's latest state (readers keep the one they took while a writer appends)."""
        if self.is_legacy():
            return legacy.snapshot(self.root)
        return read_snapshot(self.fs, self._base)

    def signature(self) -> tuple[Any, ...]:
        """A cheap fingerprint that changes whenever the store's cells change."""
        key = listing_key(self.fs, self._base)
        if key or not self.local:
            return key
        if not self.cells_dir.exists():
            return ()
        entries: list[tuple[str, int]] = [("", self.cells_dir.stat().st_mtime_ns)]
        with os.scandir(self.cells_dir) as shards:
            entries.extend((e.name, e.stat().st_mtime_ns) for e in shards if e.is_dir())
        return tuple(sorted(entries))

    def path_of(self, relative: str) -> str:
        """A data file's full path or URL."""
        return f"{self.url}/{relative}" if self.url else f"{self._base}/{relative}"

    def files(self, table: str) -> list[str]:
        """The snapshot's live data files of a table (full paths or URLs)."""
        self._check_table(table)
        return [self.path_of(f) for f in self.snapshot().files(table)]

    # ---- writing ------------------------------------------------------------------------
    def recover(self) -> None:
        """Drop what a killed writer left: staging folders, temporary files, data files no commit names.

        Call with the write lock held. Unnamed data files are removed once :data:`GRACE_S` old.
        """
        legacy.recover(self.root)
        shutil.rmtree(self.root / "staging", ignore_errors=True)
        self._sweep(GRACE_S)

    def _sweep(self, grace_s: float) -> int:
        """Delete temporary files and data files the latest snapshot does not name (older than ``grace_s``)."""
        if self.is_legacy():
            return 0
        snap = self.snapshot()
        return sweep_unnamed(self.root, {f for name in TABLES for f in snap.files(name)}, grace_s)

    def commit(self, staged: Path, cell_id: str) -> None:
        """Commit a fully written staged cell (``meta.json`` and ``<table>.parquet`` files), replacing any older one.

        Call with the write lock held. The staged folder is removed.
        """
        self.commit_many([(staged, cell_id)])

    def commit_many(self, staged: Sequence[tuple[Path, str]]) -> None:
        """Commit several staged cells in one catalog commit (see :meth:`commit`)."""
        items = []
        for folder, cell_id in staged:
            if not (folder / "meta.json").exists():
                raise StoreError(f"{folder}: staged cell has no meta.json.")
            meta = read_json(folder / "meta.json")
            tables = {
                name: pq.read_table(folder / f"{name}.parquet")
                for name in TABLES
                if (folder / f"{name}.parquet").exists()
            }
            items.append((cell_id, meta, tables))
        self.commit_cells(items)
        for folder, _ in staged:
            shutil.rmtree(folder, ignore_errors=True)

    def commit_cells(self, items: Iterable[CellTables]) -> int:
        """Append cells (replacing stored ones of the same id) in one atomic catalog commit; the new version.

        Call with the write lock held. Each table is written as one new file per lot holding all
        the cells; the commit is the rename of one catalog segment.
        """
        self._writable()
        if self.is_legacy():
            self._migrate_locked()
        latest: dict[str, CellTables] = {}
        for cell_id, meta, tables in items:
            latest[check_cell_id(cell_id)] = (cell_id, meta, tables)
        snap = self.snapshot()
        version = snap.version + 1
        if not latest:
            return snap.version
        groups: dict[tuple[str, str], list[tuple[str, pa.Table]]] = {}
        for cell_id, meta, tables in latest.values():
            for name, table in tables.items():
                self._check_table(name)
                groups.setdefault((name, lot_of(meta)), []).append((cell_id, table))
        where: dict[str, dict[str, Location | None]] = {c: {} for c in latest}
        for (name, lot), cells in groups.items():
            for cell_id, location in append_cells(self._base, name, lot, version, cells).items():
                where[cell_id][name] = location
        rows = []
        for cell_id, meta, _tables in latest.values():
            if cell_id in snap.live.index:
                rows.append(dead_row(version, cell_id, self._files_of(snap, cell_id)))
            rows.append(put_row(version, cell_id, meta, where[cell_id]))
        self._write_commit(snap, version, rows)
        return version

    def _files_of(self, snap: Snapshot, cell_id: str) -> dict[str, str]:
        out = {}
        for name in TABLES:
            location = snap.location(cell_id, name)
            if location is not None:
                out[name] = location.file
        return out

    def _write_commit(self, snap: Snapshot, version: int, rows: list[dict[str, Any]]) -> None:
        write_segment(self._base, segment_name(version), rows_table(rows))
        if snap.segments + 1 >= CHECKPOINT_EVERY:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Write the whole catalog as one checkpoint and drop the segments it covers (write lock held)."""
        snap = self.snapshot()
        if snap.version == 0:
            return
        write_segment(self._base, checkpoint_name(snap.version), checkpoint_table(snap))
        for name in listing(self.fs, self._base):
            if int(name[1:13]) < snap.version or (name.startswith("v") and int(name[1:13]) == snap.version):
                (self.root / CATALOG / name).unlink(missing_ok=True)

    def stage_existing(self, cell_id: str) -> Path | None:
        """A stored cell written out as a staging folder (``meta.json`` + tables) for a worker to extend; None if absent."""
        if not self.has(cell_id):
            return None
        if self.is_legacy():
            return self.cell_dir(cell_id)
        folder = self.staging_path(f"existing-{uuid.uuid4().hex[:8]}")
        folder.mkdir()
        write_json(folder / "meta.json", self.meta(cell_id), indent=1)
        for name in TABLES:
            try:
                pq.write_table(self.arrow(cell_id, name), folder / f"{name}.parquet", compression="zstd")
            except NotFoundError:
                continue
        return folder

    def delete(self, cell_id: str) -> None:
        """Remove a cell from the store."""
        if not self.has(cell_id):
            raise NotFoundError(f"cell {cell_id!r}: not in store {self.root}.")
        with self.write_lock():
            if self.is_legacy():
                self._migrate_locked()
            snap = self.snapshot()
            version = snap.version + 1
            rows = [dead_row(version, cell_id, self._files_of(snap, cell_id)), delete_row(version, cell_id)]
            self._write_commit(snap, version, rows)

    def migrate(self) -> dict[str, Any]:
        """Convert a first-layout store to the catalog layout, nothing lost; what was moved.

        Every cell's tables and metadata are committed in one catalog commit, checked against the
        old files (rows per table), and only then are the old folders removed.
        """
        with self.write_lock():
            return self._migrate_locked()

    def _migrate_locked(self) -> dict[str, Any]:
        return legacy.migrate(self)

    def compact(self, retain_s: float = GRACE_S) -> dict[str, Any]:
        """Merge small files and drop dead rows (see :func:`.compaction.compact`); what changed."""
        from .compaction import compact

        with self.write_lock():
            if self.is_legacy():
                self._migrate_locked()
            report = compact(self)
            report["removed_files"] = self._sweep(retain_s)
        return report

    # ---- reading ------------------------------------------------------------------------
    def has(self, cell_id: str) -> bool:
        """Whether a cell is in the store."""
        return check_cell_id(cell_id) in self.snapshot().live.index

    def metas(self) -> list[dict[str, Any]]:
        """Metadata of every cell, sorted by cell id."""
        return [json.loads(m) for m in self.snapshot().live["meta"].tolist()]

    def meta(self, cell_id: str) -> dict[str, Any]:
        """Metadata of one cell."""
        snap = self.snapshot()
        if check_cell_id(cell_id) not in snap.live.index:
            raise NotFoundError(f"cell {cell_id!r}: not in store {self.root}.")
        data: dict[str, Any] = json.loads(snap.meta_text(cell_id))
        return data

    def known_hashes(self) -> dict[str, str]:
        """Map from source-file content hash to the cell that holds it."""
        return self.snapshot().hashes()

    def cells(self) -> pd.DataFrame:
        """One row per cell: ``cell_id``, ``vendor``, ``rows``, ``cycles``, ``first_time``, ``last_time`` and more."""
        columns = list(CELL_COLUMNS)
        rows = [{c: m.get(c) for c in columns} for m in self.snapshot().metas()]
        return pd.DataFrame(rows, columns=columns)

    def _check_table(self, name: str) -> None:
        if name not in TABLES:
            raise InputError(f"table: expected one of {', '.join(TABLES)}, got {name!r}.")

    def table(self, cell_id: str, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Read one of a cell's tables (``timeseries``, ``cycles``, ``curves`` or ``steps``) as pandas."""
        return self.arrow(cell_id, name, columns).to_pandas()

    def location(self, cell_id: str, name: str) -> Location:
        """Where one of a cell's tables lives (file relative to the root, row groups); NotFoundError if absent."""
        self._check_table(name)
        snap = self.snapshot()
        if check_cell_id(cell_id) not in snap.live.index:
            raise NotFoundError(f"cell {cell_id!r}: not in store {self.root}.")
        where = snap.location(cell_id, name)
        if where is None:
            raise NotFoundError(f"cell {cell_id!r}: has no {name} table in store {self.root}.")
        return where

    def columns(self, cell_id: str, name: str) -> list[str]:
        """Column names of one of a cell's tables."""
        where = self.location(cell_id, name)
        if where.schema is not None:
            return list(where.schema.names)
        with self.fs.open(f"{self._base}/{where.file}", "rb") as handle:
            return list(pq.read_schema(handle).names)

    def arrow(self, cell_id: str, name: str, columns: list[str] | None = None) -> pa.Table:
        """Read one of a cell's tables as an Arrow table (one file, only the cell's row groups)."""
        where = self.location(cell_id, name)
        try:
            return read_cell(self.fs, self._base, where, cell_id, columns)
        except KeyError as exc:
            raise InputError(f"columns: {name} of cell {cell_id!r} has no {exc.args[0]}.") from exc

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

    def sql(
        self,
        query: str,
        max_rows: int | None = None,
        timeout_s: float | None = None,
        cells: Collection[str] | None = None,
        production_orgs: Callable[[Any], bool] | None = None,
    ) -> pd.DataFrame:
        """Run one read-only DuckDB ``SELECT`` over the views ``cells``, ``cycles``, ``timeseries``, ``curves``, ``steps``, ``production``.

        The table views hold every cell's rows with a ``cell_id`` column (``cells_cycles`` and the
        like name the same views); ``cells`` holds one row per cell. The query sees one snapshot,
        on a private in-memory connection that needs no lock. See :func:`.query.run_sql`.

        Parameters
        ----------
        query
            One SELECT (or WITH ... SELECT) statement; anything else is refused (InputError).
        max_rows
            Return at most this many rows (``df.attrs["truncated"]`` tells whether more were left).
        timeout_s
            Interrupt the query after this many seconds (InputError).
        cells
            Only these cells' rows in every view (an organisation's), and no file readable.
        production_orgs
            Only the production tables of the organisations it accepts (called with a table's ``org``,
            None: shared); default all.
        """
        from .query import run_sql

        return run_sql(
            self, query, max_rows=max_rows, timeout_s=timeout_s, cells=cells, production_orgs=production_orgs
        )

    def views(self, production_orgs: Callable[[Any], bool] | None = None) -> list[str]:
        """The views :meth:`sql` offers that hold rows now (``production``: of the organisations ``production_orgs`` accepts)."""
        from .query import available_views

        return available_views(self, production_orgs)

    def dask(self, table: str, columns: list[str] | None = None) -> Any:
        """A table of every cell as a Dask dataframe over the snapshot's files (see :func:`.query.dask_table`)."""
        from .query import dask_table

        return dask_table(self, table, columns)

    def production_dir(self) -> Path:
        """Folder of the production dataset (end-of-line and formation measurements; see :mod:`.production`)."""
        return self.root / "production"


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write a table as Parquet (zstd)."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, path, compression="zstd")
