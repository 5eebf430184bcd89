"""Writing a store's catalog layout: commits of cells, deletes, checkpoints and the sweep of unnamed files.

A commit writes new data files (:func:`.datafiles.append_cells`), then renames one catalog segment
into place (:func:`.catalog.write_segment`): readers see every cell whole or not at all. Every
function here but :func:`delete_cell` and :func:`compact_store` (which take it) is called with the
store's write lock held. :class:`~gwangyang.store.store.Store` offers them as its methods.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import NotFoundError, StoreError
from ..files import read_json, write_json
from . import legacy
from .catalog import (
    CHECKPOINT_EVERY,
    SCHEMA,
    TABLES,
    Location,
    checkpoint_name,
    dead_row,
    delete_row,
    lot_of,
    put_row,
    rows_table,
    segment_name,
    write_segment,
)
from .catalog_form import catalog_form
from .catalog_parts import FORM, FORM_KEY, GROUP_ROWS, LAZY
from .catalog_writes import dead_rows, write_checkpoint
from .cell_reads import check_cell_id, check_table
from .datafiles import append_cells
from .recovery import drop_covered, sweep_unnamed
from .snapshot import INTERNAL, Snapshot

if TYPE_CHECKING:
    from .store import Store

GRACE_S = 600.0
"""Files no snapshot names any more are deleted only once this old (a reader may still be reading them)."""

CellTables = tuple[str, dict[str, Any], dict[str, pa.Table]]
"""A cell to commit: its id, its metadata and its tables (name -> Arrow table)."""


def check_writable(store: Store) -> None:
    """StoreError for a store at a URL: only a local store can be written."""
    if not store.local:
        raise StoreError(f"{store.url}: a store at a URL is read-only here; write to a local store.")


def recover(store: Store) -> None:
    """Drop what a killed writer left: staging folders, temporary files, data files no commit names.

    Unnamed data files are removed once :data:`GRACE_S` old.
    """
    legacy.recover(store.root)
    shutil.rmtree(store.root / "staging", ignore_errors=True)
    sweep(store, GRACE_S)


def sweep(store: Store, grace_s: float) -> int:
    """Delete temporary files and data files the latest snapshot does not name (older than ``grace_s``)."""
    if store.is_legacy():
        return 0
    snap = store.snapshot()
    return sweep_unnamed(store.root, {f for name in TABLES for f in snap.files(name)}, grace_s)


def commit_staged(store: Store, staged: Sequence[tuple[Path, str]]) -> None:
    """Commit staged cells (``meta.json`` and ``<table>.parquet`` files) in one catalog commit; the folders are removed."""
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
    commit_cells(store, items)
    for folder, _ in staged:
        shutil.rmtree(folder, ignore_errors=True)


def commit_cells(store: Store, items: Iterable[CellTables]) -> int:
    """Append cells (replacing stored ones of the same id) in one atomic catalog commit; the new version.

    Each table is written as one new file per lot holding all the cells; the commit is the rename
    of one catalog segment. A first-layout store is migrated first.
    """
    check_writable(store)
    if store.is_legacy():
        legacy.migrate(store)
    latest: dict[str, CellTables] = {}
    for cell_id, meta, tables in items:
        latest[check_cell_id(cell_id)] = (cell_id, meta, tables)
    snap = store.snapshot()
    version = snap.version + 1
    if not latest:
        return snap.version
    groups: dict[tuple[str, str], list[tuple[str, pa.Table]]] = {}
    for cell_id, meta, tables in latest.values():
        for name, table in tables.items():
            check_table(name)
            groups.setdefault((name, lot_of(meta)), []).append((cell_id, table))
    where: dict[str, dict[str, Location | None]] = {c: {} for c in latest}
    for (name, lot), cells in groups.items():
        for cell_id, location in append_cells(store._base, name, lot, version, cells).items():
            where[cell_id][name] = location
    rows = []
    for cell_id, meta, _tables in latest.values():
        if snap.has(cell_id):
            rows.append(dead_row(version, cell_id, _files_of(snap, cell_id)))
        rows.append(put_row(version, cell_id, meta, where[cell_id]))
    _write_commit(store, snap, version, rows)
    return version


def _files_of(snap: Snapshot, cell_id: str) -> dict[str, str]:
    out = {}
    for name in TABLES:
        location = snap.location(cell_id, name)
        if location is not None:
            out[name] = location.file
    return out


def _write_commit(store: Store, snap: Snapshot, version: int, rows: list[dict[str, Any]]) -> None:
    write_segment(store._base, segment_name(version), rows_table(rows))
    if snap.segments + 1 >= CHECKPOINT_EVERY:
        checkpoint(store)


def checkpoint(store: Store) -> None:
    """Write the whole catalog as one checkpoint; the files it covers go once :data:`GRACE_S` old.

    Readers may still hold snapshots of them (see :func:`.recovery.drop_covered`). The cells' metadata
    is copied from the catalog files it is in one row group at a time (:func:`.catalog_writes.write_checkpoint`);
    the file equals :func:`checkpoint_table`'s.
    """
    snap = store.snapshot()
    if snap.version == 0:
        return
    dead = dead_rows(snap.version, {name: snap.dead_pairs(name) for name in TABLES})
    frame = snap._internal()
    write_checkpoint(store._base, checkpoint_name(snap.version), frame, snap._parts, dead, GROUP_ROWS)
    drop_covered(store.root, GRACE_S)


def upgrade_catalog(store: Store) -> tuple[str, str]:
    """Rewrite the catalog as one checkpoint of this form (write lock held); what was done, as a word and a sentence.

    A catalog of the first form (a checkpoint in one large row group, or segments only) is read as
    it is; this form lets a reader take one cell's metadata from one row group of
    :data:`.catalog_parts.GROUP_ROWS` cells. The new checkpoint replaces the old one by a rename (a
    writer killed before it leaves the old catalog as it was) and holds the same rows.

    Returns
    -------
    tuple of str
        ``"upgraded"`` (a first-form checkpoint rewritten), ``"folded"`` (the checkpoint was of this
        form, or there was none: the log files after it folded into a new one) or ``"current"``
        (nothing to do); and what was done in words, e.g. ``"already form 2; folded 3 log files into
        checkpoint v15"``.
    """
    form = catalog_form(store.fs, store._base)
    logs, was, current = form["log_files"], form["form"], int(FORM)
    folded = f"{logs} log file{'' if logs == 1 else 's'}"
    if was is None and logs == 0:
        return "current", "no catalog files; nothing to do"
    if was == current and logs == 0:
        return "current", f"already form {current}; nothing to do"
    checkpoint(store)
    version = store.snapshot().version
    if was is None:
        return "folded", f"no checkpoint yet; folded {folded} into checkpoint v{version} (form {current})"
    if was == current:
        return "folded", f"already form {current}; folded {folded} into checkpoint v{version}"
    tail = f", and folded {folded}" if logs else ""
    return "upgraded", (
        f"upgraded from form {was} to form {current} (checkpoint v{form['checkpoint_version']}, "
        f"{form['checkpoint_cells']} cells){tail}: checkpoint v{version}"
    )


def checkpoint_table(snap: Snapshot) -> pa.Table:
    """A checkpoint of ``snap`` (marked :data:`.catalog_parts.FORM`): its live cells by id, then the dead rows in live files.

    Built whole in memory (every cell's metadata at once): :func:`checkpoint` writes the same rows a
    row group at a time.
    """
    frame = snap._internal()
    bare = pa.schema([f for f in INTERNAL if not f.name.startswith("_")])
    live = pa.Table.from_pandas(frame[bare.names].reset_index(drop=True), schema=bare, preserve_index=False)
    for name in LAZY:
        live = live.add_column(
            SCHEMA.get_field_index(name), SCHEMA.field(name), snap.array(name, SCHEMA.field(name).type)
        )
    dead = [
        dead_row(snap.version, str(pair.cell_id), {name: str(pair.file)})
        for name in TABLES
        for pair in snap.dead_pairs(name).itertuples(index=False)
    ]
    return pa.concat_tables([live, rows_table(dead)]).replace_schema_metadata({FORM_KEY: FORM})


def stage_existing(store: Store, cell_id: str) -> Path | None:
    """A stored cell written out as a staging folder (``meta.json`` + tables) for a worker to extend; None if absent."""
    if not store.has(cell_id):
        return None
    if store.is_legacy():
        return store.cell_dir(cell_id)
    folder = store.staging_path(f"existing-{uuid.uuid4().hex[:8]}")
    folder.mkdir()
    write_json(folder / "meta.json", store.meta(cell_id), indent=1)
    for name in TABLES:
        try:
            pq.write_table(store.arrow(cell_id, name), folder / f"{name}.parquet", compression="zstd")
        except NotFoundError:
            continue
    return folder


def delete_cell(store: Store, cell_id: str) -> None:
    """Remove a cell from the store in one catalog commit (taking the write lock); NotFoundError if absent."""
    if not store.has(cell_id):
        raise NotFoundError(f"cell {cell_id!r}: not in store {store.place}.")
    with store.write_lock():
        if store.is_legacy():
            legacy.migrate(store)
        snap = store.snapshot()
        version = snap.version + 1
        rows = [dead_row(version, cell_id, _files_of(snap, cell_id)), delete_row(version, cell_id)]
        _write_commit(store, snap, version, rows)


def compact_store(store: Store, retain_s: float = GRACE_S) -> dict[str, Any]:
    """Merge small files and drop dead rows (taking the write lock; see :func:`.compaction.compact`); what changed."""
    from .compaction import compact

    with store.write_lock():
        if store.is_legacy():
            legacy.migrate(store)
        report = compact(store, GROUP_ROWS)
        drop_covered(store.root, GRACE_S)  # the catalog files its checkpoint covers, once old
        report["removed_files"] = sweep(store, retain_s)
    return report
