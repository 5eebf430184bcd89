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

:class:`Store` is the one face of these concerns: where the store lives (:mod:`.roots`), reading its
cells (:mod:`.cell_reads`), writing them (:mod:`.commits`), SQL over them (:mod:`.query`, on the
views of :mod:`.views` and :mod:`.scoped_views`) and Dask (:mod:`.dask_tables`).
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

from . import commits, legacy, roots
from .catalog import Location
from .catalog_form import catalog_form
from .catalog_reads import listing, read_snapshot
from .cell_reads import (
    cell_listing,
    cell_meta,
    check_cell_id,
    check_table,
    fresh,
    locate,
    read_arrow,
    table_columns,
)
from .commits import GRACE_S, CellTables
from .lock import WriteLock
from .recovery import recover_abandoned
from .snapshot import Snapshot


def shard(cell_id: str) -> str:
    """Two-hex-digit shard folder of a cell id (the first layout's folders)."""
    return legacy.shard(cell_id)


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
        self.lock_wait = lock_wait
        self.url, self.fs, self.root, self._base = roots.open_root(root, storage_options)
        self.recover_if_abandoned()

    # ---- layout -------------------------------------------------------------------------
    @property
    def cells_dir(self) -> Path:
        """Folder of the first layout's cells (only stores not yet migrated have it)."""
        return self.root / legacy.CELLS

    @property
    def place(self) -> str:
        """Where the store is, for messages: its URL, or its local folder."""
        return self.url or str(self.root)

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
        commits.check_writable(self)
        return WriteLock(self.root, wait=self.lock_wait)

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

    def catalog_form(self) -> dict[str, Any] | None:
        """The catalog's form (see :func:`.catalog_form.catalog_form`); None for a first-layout store (no catalog)."""
        if self.is_legacy():
            return None
        return catalog_form(self.fs, self._base)

    def signature(self) -> tuple[Any, ...]:
        """A cheap fingerprint that changes whenever the store's cells change."""
        return roots.signature(self.fs, self._base, self.cells_dir if self.local else None)

    def path_of(self, relative: str) -> str:
        """A data file's full path or URL."""
        return f"{self.url}/{relative}" if self.url else f"{self._base}/{relative}"

    def files(self, table: str) -> list[str]:
        """The snapshot's live data files of a table (full paths or URLs)."""
        check_table(table)
        return [self.path_of(f) for f in self.snapshot().files(table)]

    # ---- writing (see :mod:`.commits`) ---------------------------------------------------
    def recover(self) -> None:
        """Drop what a killed writer left: staging folders, temporary files, data files no commit names.

        Call with the write lock held. Unnamed data files are removed once :data:`.commits.GRACE_S` old.
        """
        commits.recover(self)

    def _sweep(self, grace_s: float) -> int:
        """Delete temporary files and data files the latest snapshot does not name (older than ``grace_s``)."""
        return commits.sweep(self, grace_s)

    def commit(self, staged: Path, cell_id: str) -> None:
        """Commit a fully written staged cell (``meta.json`` and ``<table>.parquet`` files), replacing any older one.

        Call with the write lock held. The staged folder is removed.
        """
        commits.commit_staged(self, [(staged, cell_id)])

    def commit_many(self, staged: Sequence[tuple[Path, str]]) -> None:
        """Commit several staged cells in one catalog commit (see :meth:`commit`)."""
        commits.commit_staged(self, staged)

    def commit_cells(self, items: Iterable[CellTables]) -> int:
        """Append cells (replacing stored ones of the same id) in one atomic catalog commit; the new version.

        Call with the write lock held. Each table is written as one new file per lot holding all
        the cells; the commit is the rename of one catalog segment.
        """
        return commits.commit_cells(self, items)

    def checkpoint(self) -> None:
        """Write the whole catalog as one checkpoint and drop the segments it covers (write lock held)."""
        commits.checkpoint(self)

    def stage_existing(self, cell_id: str) -> Path | None:
        """A stored cell written out as a staging folder (``meta.json`` + tables) for a worker to extend; None if absent."""
        return commits.stage_existing(self, cell_id)

    def delete(self, cell_id: str) -> None:
        """Remove a cell from the store."""
        commits.delete_cell(self, cell_id)

    def migrate(self) -> dict[str, Any]:
        """Convert a first-layout store to the catalog layout, nothing lost; what was moved.

        Every cell's tables and metadata are committed in one catalog commit, checked against the
        old files (rows per table), and only then are the old folders removed. The catalog is then
        written as one checkpoint of the current form unless it is one already (``"catalog"``:
        ``"upgraded"`` from the first form, ``"folded"`` its log files, or ``"current"``;
        ``"catalog_note"`` says it in words; see :func:`.commits.upgrade_catalog`).
        """
        with self.write_lock():
            report = legacy.migrate(self)
            report["catalog"], report["catalog_note"] = commits.upgrade_catalog(self)
            return report

    def compact(self, retain_s: float = GRACE_S) -> dict[str, Any]:
        """Merge small files and drop dead rows (see :func:`.compaction.compact`); what changed."""
        return commits.compact_store(self, retain_s)

    # ---- reading ------------------------------------------------------------------------
    def has(self, cell_id: str) -> bool:
        """Whether a cell is in the store."""
        return check_cell_id(cell_id) in self.snapshot().ids

    def metas(self) -> list[dict[str, Any]]:
        """Metadata of every cell, sorted by cell id."""
        return fresh(self, lambda snap: [json.loads(m) for m in snap.column("meta")])

    def meta(self, cell_id: str) -> dict[str, Any]:
        """Metadata of one cell."""
        return cell_meta(self, cell_id)

    def known_hashes(self) -> dict[str, str]:
        """Map from source-file content hash to the cell that holds it."""
        return fresh(self, lambda snap: snap.hashes())

    def cells(self) -> pd.DataFrame:
        """One row per cell: ``cell_id``, ``vendor``, ``rows``, ``cycles``, ``first_time``, ``last_time`` and more."""
        return fresh(self, cell_listing)

    def table(self, cell_id: str, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Read one of a cell's tables (``timeseries``, ``cycles``, ``curves`` or ``steps``) as pandas."""
        return self.arrow(cell_id, name, columns).to_pandas()

    def location(self, cell_id: str, name: str) -> Location:
        """Where one of a cell's tables lives (file relative to the root, row groups); NotFoundError if absent."""
        return locate(self, cell_id, name)

    def columns(self, cell_id: str, name: str) -> list[str]:
        """Column names of one of a cell's tables."""
        return table_columns(self, cell_id, name)

    def arrow(self, cell_id: str, name: str, columns: list[str] | None = None) -> pa.Table:
        """Read one of a cell's tables as an Arrow table (one file, only the cell's row groups)."""
        return read_arrow(self, cell_id, name, columns)

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
        from .production_views import available_views

        return available_views(self, production_orgs)

    def dask(self, table: str, columns: list[str] | None = None) -> Any:
        """A table of every cell as a Dask dataframe over the snapshot's files (see :func:`.dask_tables.dask_table`)."""
        from .dask_tables import dask_table

        return dask_table(self, table, columns)

    def production_dir(self) -> Path:
        """Folder of the production dataset (end-of-line and formation measurements; see :mod:`.production`)."""
        return self.root / "production"


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write a table as Parquet (zstd)."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, path, compression="zstd")
