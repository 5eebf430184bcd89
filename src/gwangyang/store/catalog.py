"""The store's catalog: an append-only log of Parquet segments naming every cell and where its rows live.

Layout under the store root::

    catalog/v<version>.parquet   one commit: the cells it puts or deletes, and the rows it makes dead
    catalog/c<version>.parquet   a checkpoint: the whole state at <version> (later segments apply on top)

A commit is the rename of one segment file into ``catalog/``: readers list the folder, take the
latest checkpoint and the segments after it, and so see every commit whole or not at all. Data
files are never changed once written; a cell that is replaced leaves its old rows in place, named
dead in the catalog, until ``compact`` rewrites the file.

A process remembers the last snapshot it read (per store). When the catalog has only grown since
(new segments after that snapshot's version, or a checkpoint at or before it, the segments it covers
gone), the next read applies the new segments to it (:func:`advance`) instead of reading the whole
catalog again, so a bulk load's commits each cost their own rows, not the store's.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import re
import sys
import threading
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

TABLES = ("timeseries", "cycles", "curves", "steps")
"""The per-cell tables."""

CATALOG = "catalog"
"""Folder of the catalog's segments and checkpoints."""

CHECKPOINT_EVERY = 64
"""Segments after the last checkpoint that make the next commit write a checkpoint."""

BUCKETS = 256
"""Hash buckets of cell ids (compacted files are partitioned by lot and a range of buckets)."""

TYPED = {
    "lot": pa.string(),
    "vendor": pa.string(),
    "channel": pa.string(),
    "rows": pa.int64(),
    "cycles": pa.int64(),
    "first_time": pa.string(),
    "last_time": pa.string(),
    "nominal_capacity_ah": pa.float64(),
    "ingested_at": pa.string(),
}
"""Metadata fields kept as typed columns (the ``cells`` SQL view); the whole metadata is kept as JSON."""

_NAME = re.compile(r"^([vc])(\d{12})\.parquet$")


def bucket_of(cell_id: str) -> int:
    """The hash bucket (0..255) of a cell id."""
    return hashlib.blake2b(cell_id.encode(), digest_size=1).digest()[0]


def lot_of(meta: dict[str, Any]) -> str:
    """The lot a cell is filed under: its ``lot`` (or ``extra.lot``), else its ``dataset``, else ``_``."""
    found = meta.get("extra")
    extra: dict[str, Any] = found if isinstance(found, dict) else {}
    for value in (meta.get("lot"), extra.get("lot"), meta.get("dataset"), extra.get("dataset")):
        if value not in (None, ""):
            return str(value)
    return "_"


def _schema() -> pa.Schema:
    fields = [
        pa.field("version", pa.int64()),
        pa.field("op", pa.string()),
        pa.field("cell_id", pa.string()),
        pa.field("bucket", pa.int32()),
        *[pa.field(k, t) for k, t in TYPED.items()],
        pa.field("meta", pa.string()),
        pa.field("hashes", pa.list_(pa.string())),
    ]
    for name in TABLES:
        fields += [
            pa.field(f"{name}_file", pa.string()),
            pa.field(f"{name}_rgs", pa.list_(pa.int32())),
            pa.field(f"{name}_filter", pa.bool_()),
            pa.field(f"{name}_schema", pa.string()),
        ]
    return pa.schema(fields)


SCHEMA = _schema()
"""Columns of a catalog segment."""


@dataclass
class Location:
    """Where one table of one cell lives: a file (relative to the store root), its row groups, its schema."""

    file: str
    row_groups: list[int] | None
    """Row groups holding the cell's rows (None: the whole file)."""
    filter: bool
    """Whether those row groups hold other cells' rows too (keep ``cell_id == id``)."""
    schema: pa.Schema | None
    """The table's schema as the cell was written (None: as in the file)."""


@functools.lru_cache(maxsize=1024)
def encode_schema(schema: pa.Schema) -> str:
    """An Arrow schema as text (kept in the catalog; remembered, so every cell of a kind shares one text)."""
    return base64.b64encode(schema.serialize().to_pybytes()).decode()


@functools.lru_cache(maxsize=1024)
def decode_schema(text: str) -> pa.Schema:
    """The inverse of :func:`encode_schema` (remembered: the same few schemas recur for every cell of a kind)."""
    return pa.ipc.read_schema(pa.py_buffer(base64.b64decode(text)))


def _channel(value: Any) -> str | None:
    return None if value is None else str(value)


def _typed(meta: dict[str, Any], key: str) -> Any:
    if key == "lot":
        return lot_of(meta)
    value = meta.get(key)
    if value is None:
        return None
    if key in {"rows", "cycles"}:
        return int(value)
    if key == "nominal_capacity_ah":
        return float(value)
    return str(value)


def put_row(
    version: int, cell_id: str, meta: dict[str, Any], locations: dict[str, Location | None]
) -> dict[str, Any]:
    """The catalog row that puts a cell."""
    row: dict[str, Any] = {
        "version": version,
        "op": "put",
        "cell_id": cell_id,
        "bucket": bucket_of(cell_id),
        **{k: _typed(meta, k) for k in TYPED},
        "meta": json.dumps(meta),
        "hashes": [s["hash"] for s in meta.get("sources", []) if "hash" in s],
    }
    for name in TABLES:
        where = locations.get(name)
        row[f"{name}_file"] = None if where is None else where.file
        row[f"{name}_rgs"] = None if where is None else where.row_groups
        row[f"{name}_filter"] = None if where is None else where.filter
        row[f"{name}_schema"] = None if where is None or where.schema is None else encode_schema(where.schema)
    return row


def delete_row(version: int, cell_id: str) -> dict[str, Any]:
    """The catalog row that deletes a cell."""
    return {"version": version, "op": "delete", "cell_id": cell_id, "bucket": bucket_of(cell_id)}


def dead_row(version: int, cell_id: str, files: dict[str, str]) -> dict[str, Any]:
    """The catalog row naming a cell's rows in ``files`` (table -> file) as dead."""
    row: dict[str, Any] = {"version": version, "op": "dead", "cell_id": cell_id, "bucket": bucket_of(cell_id)}
    for name, file in files.items():
        row[f"{name}_file"] = file
    return row


@dataclass
class Snapshot:
    """The catalog at one version: the live cells (one row each, indexed by cell id) and the dead rows.

    A snapshot advanced from another (:func:`advance`) may hold its live cells as that one's plus the
    changes of the new segments, merged into :attr:`live` when it is first asked for: :meth:`has` and
    :meth:`location`, all a commit needs, answer without the merge.
    """

    version: int
    _live: pd.DataFrame | None
    """The live cells; None until merged from ``_base`` and ``_changes``."""
    dead: pd.DataFrame
    """Columns ``table``, ``file``, ``cell_id``: rows in live files that belong to no live cell."""
    segments: int = 0
    """Segments after the latest checkpoint."""
    _metas: list[dict[str, Any]] | None = field(default=None, repr=False)
    _positions: dict[str, int] | None = field(default=None, repr=False)
    _columns: dict[str, list[Any]] = field(default_factory=dict, repr=False)
    _base: Snapshot | None = field(default=None, repr=False)
    _changes: tuple[pd.DataFrame, ...] = field(default=(), repr=False)
    """The last operation of each cell in each log applied over ``_base`` (oldest first), indexed by cell id."""
    _latest: dict[str, tuple[int, int] | None] = field(default_factory=dict, repr=False)
    """Each changed cell: (change, row) of its put, or None when deleted."""

    @property
    def live(self) -> pd.DataFrame:
        """The live cells, one row each, indexed by cell id and sorted by it."""
        live = self._live
        if live is None:
            with _MERGE_LOCK:
                if self._live is None:
                    assert self._base is not None
                    self._live = _merged(self._base.live, self._changes)
                    self._base, self._changes, self._latest = None, (), {}
                live = self._live
        return live

    def _pending(self, cell_id: str) -> tuple[bool, Snapshot | None, tuple[int, int] | None]:
        """(changed, base, where) of a cell in a snapshot not merged yet; (False, None, None) once merged."""
        with _MERGE_LOCK:
            if self._live is not None:
                return False, None, None
            if cell_id in self._latest:
                return True, None, self._latest[cell_id]
            return False, self._base, None

    def has(self, cell_id: str) -> bool:
        """Whether a cell is live."""
        changed, base, where = self._pending(cell_id)
        if changed:
            return where is not None
        if base is not None:
            return base.has(cell_id)
        return cell_id in self.live.index

    def _column(self, name: str) -> list[Any]:
        if name not in self._columns:
            self._columns[name] = self.live[name].tolist()
        return self._columns[name]

    def position(self, cell_id: str) -> int:
        """Row of a live cell in :attr:`live`; KeyError: no such cell."""
        if self._positions is None:
            self._positions = {str(c): k for k, c in enumerate(self.live.index)}
        return self._positions[cell_id]

    def location(self, cell_id: str, table: str) -> Location | None:
        """Where a live cell's table is (None: the cell has no such table); KeyError: no such cell."""
        changed, base, where = self._pending(cell_id)
        if changed:
            if where is None:
                raise KeyError(cell_id)
            frame = self._changes[where[0]]
            values = [frame[f"{table}_{part}"].iat[where[1]] for part in ("file", "rgs", "filter", "schema")]
            return _location(*values)
        if base is not None:
            return base.location(cell_id, table)
        k = self.position(cell_id)
        return _location(
            *[self._column(f"{table}_{part}")[k] for part in ("file", "rgs", "filter", "schema")]
        )

    def meta_text(self, cell_id: str) -> str:
        """A live cell's metadata as stored (JSON); KeyError: no such cell."""
        return str(self._column("meta")[self.position(cell_id)])

    def files(self, table: str) -> list[str]:
        """The live data files of a table (relative to the store root), sorted."""
        column = self.live[f"{table}_file"]
        return sorted(str(f) for f in column.dropna().unique())

    def dead_pairs(self, table: str) -> pd.DataFrame:
        """``file``, ``cell_id`` of the dead rows of a table that sit in live files."""
        dead = self.dead[self.dead["table"] == table]
        live = set(self.files(table))
        return dead[dead["file"].isin(live)][["file", "cell_id"]]

    def metas(self) -> list[dict[str, Any]]:
        """Every live cell's metadata, sorted by cell id (parsed once per snapshot)."""
        if self._metas is None:
            self._metas = [json.loads(m) for m in self.live["meta"].tolist()]
        return self._metas

    def hashes(self) -> dict[str, str]:
        """Source-file content hash -> the cell that holds it."""
        out: dict[str, str] = {}
        for cell_id, hashes in zip(self.live.index, self.live["hashes"], strict=True):
            for digest in hashes if hashes is not None else ():
                out[str(digest)] = str(cell_id)
        return out


_MERGE_LOCK = threading.RLock()
"""Taken while a snapshot merges its changes (rare: once per snapshot asked for its live cells)."""


def _location(file: Any, rgs: Any, filtered: Any, schema: Any) -> Location | None:
    """A table's location from its catalog values (None: no file)."""
    if file is None or (isinstance(file, float) and pd.isna(file)):
        return None
    return Location(
        file=str(file),
        row_groups=None if rgs is None else [int(g) for g in rgs],
        filter=bool(filtered),
        schema=decode_schema(schema) if isinstance(schema, str) else None,
    )


def empty_snapshot() -> Snapshot:
    """The catalog of an empty store."""
    live = SCHEMA.empty_table().to_pandas().set_index("cell_id", drop=False)
    live.index.name = None
    return Snapshot(0, live, pd.DataFrame({"table": [], "file": [], "cell_id": []}))


def listing_key(fs: Any, root: str) -> tuple[tuple[str, Any, Any], ...]:
    """The catalog's files with their sizes and modification stamps (the snapshot's identity).

    The stamps tell a store deleted and written anew at the same place from the old one.
    """
    folder = f"{root}/{CATALOG}"
    try:
        found = fs.ls(folder, detail=True)
    except FileNotFoundError:
        return ()
    out = []
    for info in found:
        name = str(info["name"]).rsplit("/", 1)[-1]
        if _NAME.match(name):
            stamp = info.get("mtime", info.get("LastModified", info.get("ETag", info.get("created"))))
            out.append((name, info.get("size"), str(stamp)))
    return tuple(sorted(out))


def listing(fs: Any, root: str) -> tuple[str, ...]:
    """The catalog's file names, sorted."""
    return tuple(name for name, _size, _stamp in listing_key(fs, root))


def latest_version(names: tuple[str, ...]) -> int:
    """The newest version named in a catalog listing (0: empty)."""
    versions = [int(m.group(2)) for n in names if (m := _NAME.match(n))]
    return max(versions, default=0)


def reduce(log: pa.Table, version: int, segments: int) -> Snapshot:
    """The state after applying the log's rows in version order."""
    if log.num_rows == 0:
        snap = empty_snapshot()
        snap.version = version
        return snap
    df = log.to_pandas(types_mapper=None)
    df = df.sort_values("version", kind="stable")
    ops = df[df["op"] != "dead"]
    last = ops.drop_duplicates("cell_id", keep="last")
    live = last[last["op"] == "put"].sort_values("cell_id").set_index("cell_id", drop=False)
    live.index.name = None
    return Snapshot(version, live, _dead_of(df), segments)


def _dead_of(df: pd.DataFrame) -> pd.DataFrame:
    """The dead rows of a log's rows, as ``table``, ``file``, ``cell_id``."""
    dead_rows = df[df["op"] == "dead"]
    pieces = []
    for name in TABLES:
        files = dead_rows[f"{name}_file"]
        kept = dead_rows[files.notna()]
        if len(kept):
            pieces.append(
                pd.DataFrame({"table": name, "file": kept[f"{name}_file"], "cell_id": kept["cell_id"]})
            )
    return (
        pd.concat(pieces, ignore_index=True)
        if pieces
        else pd.DataFrame({"table": pd.Series([], dtype=object), "file": [], "cell_id": []})
    )


MERGE_AFTER = 64
"""Logs applied over a merged snapshot before an advanced snapshot is merged at once (bounds the changes kept)."""


def _changes_of(df: pd.DataFrame) -> pd.DataFrame:
    """The last operation (put or delete) of each cell among a log's rows, sorted and indexed by cell id."""
    for name in TABLES:  # one object per distinct schema text (they repeat for every cell of a kind)
        column = f"{name}_schema"
        df[column] = [None if v is None else sys.intern(v) for v in df[column].tolist()]
    ops = df[df["op"] != "dead"]
    last = ops.drop_duplicates("cell_id", keep="last").sort_values("cell_id")
    last = last.set_index("cell_id", drop=False)
    last.index.name = None
    return last


def _merged(live: pd.DataFrame, changes: tuple[pd.DataFrame, ...]) -> pd.DataFrame:
    """``live`` with the changes applied, still sorted by cell id.

    The changed cells' rows go, the put ones are merged into place (O(k log n) comparisons for k
    changed cells) and the frame is copied once.
    """
    if not changes:
        return live
    every = pd.concat(changes) if len(changes) > 1 else changes[0]
    last = every[~every.index.duplicated(keep="last")]
    puts = last[last["op"] == "put"].sort_index()
    kept = live[~live.index.isin(last.index)]
    if len(puts) == 0:
        return kept
    if len(kept) == 0:
        return puts
    at = kept.index.searchsorted(puts.index)  # where each new cell goes among the kept ones
    order = np.empty(len(kept) + len(puts), dtype=np.int64)
    order[at + np.arange(len(puts))] = len(kept) + np.arange(len(puts))
    shift = np.searchsorted(at, np.arange(len(kept)), side="right")
    order[np.arange(len(kept)) + shift] = np.arange(len(kept))
    return pd.concat([kept, puts[kept.columns]]).take(order)


def apply(snap: Snapshot, log: pa.Table, version: int, segments: int, prune: bool = False) -> Snapshot:
    """``snap`` with the log's rows (all of versions after ``snap.version``) applied: what :func:`reduce` of the whole log gives.

    The live cells are merged when first asked for (:attr:`Snapshot.live`); until then the new
    snapshot answers :meth:`Snapshot.has` and :meth:`Snapshot.location` from ``snap`` and the log,
    so a commit costs its own rows, not the catalog's. A snapshot already holding
    :data:`MERGE_AFTER` logs is merged first. With ``prune``, the dead rows of files no live cell
    names any more are dropped, as a checkpoint drops them. ``snap`` is left as it is (a reader
    may hold it).
    """
    if log.num_rows == 0 and not prune:
        return replace(snap, version=version, segments=segments)
    df = log.to_pandas(types_mapper=None).sort_values("version", kind="stable")
    change = _changes_of(df)
    with _MERGE_LOCK:
        lazy = snap._live is None and len(snap._changes) < MERGE_AFTER
        base, changes, latest = (snap._base, snap._changes, dict(snap._latest)) if lazy else (snap, (), {})
    if not lazy:
        snap.live  # noqa: B018 (merged now, so that no chain of unmerged snapshots builds up)
    k = len(changes)
    for row, (cell_id, op) in enumerate(zip(change.index.tolist(), change["op"].tolist(), strict=True)):
        latest[cell_id] = (k, row) if op == "put" else None
    dead = _dead_of(df)
    if len(dead):
        dead = pd.concat([snap.dead, dead], ignore_index=True) if len(snap.dead) else dead
    else:
        dead = snap.dead
    out = Snapshot(version, None, dead, segments, _base=base, _changes=(*changes, change), _latest=latest)
    if prune and len(dead):
        live = out.live
        named = np.zeros(len(dead), dtype=bool)
        for name in TABLES:
            files = live[f"{name}_file"].dropna().unique()
            named |= (dead["table"] == name).to_numpy() & dead["file"].isin(files).to_numpy()
        out.dead = dead[named].reset_index(drop=True)
    return out


def advance(
    fs: Any,
    root: str,
    known: tuple[tuple[str, Any, Any], ...],
    snap: Snapshot,
    key: tuple[tuple[str, Any, Any], ...],
) -> Snapshot | None:
    """The snapshot of listing ``key`` from ``snap`` (the snapshot of listing ``known``); None when it cannot be.

    It can when the catalog has only grown: every file of ``known`` still there is unchanged, the
    ones gone are covered by the latest checkpoint, that checkpoint is not after ``snap``, and the
    segments after ``snap.version`` are all there (one per version). Anything else (a store written
    anew at the same place, a checkpoint past ``snap``) is read whole by the caller.
    """
    before = {name: rest for name, *rest in known}
    now = {name: rest for name, *rest in key}
    checkpoints = sorted(int(n[1:13]) for n in now if n.startswith("c"))
    base = checkpoints[-1] if checkpoints else 0
    if base > snap.version:
        return None
    for name, rest in before.items():
        if name in now:
            if now[name] != rest:
                return None
        elif int(name[1:13]) > base:
            return None  # gone but not covered by a checkpoint
    newer = sorted(int(n[1:13]) for n in now if n.startswith("v") and n not in before)
    if any(v <= snap.version for v in newer) or newer != list(
        range(snap.version + 1, snap.version + 1 + len(newer))
    ):
        return None
    tables = [
        pq.read_table(f"{root}/{CATALOG}/{segment_name(v)}", filesystem=fs, schema=SCHEMA) for v in newer
    ]
    log = pa.concat_tables(tables) if tables else SCHEMA.empty_table()
    segments = sum(1 for n in now if n.startswith("v") and int(n[1:13]) > base)
    checkpointed = any(n.startswith("c") and n not in before for n in now)
    return apply(snap, log, max(snap.version, latest_version(tuple(now))), segments, prune=checkpointed)


_CACHE: dict[str, tuple[tuple[tuple[str, Any, Any], ...], Snapshot]] = {}
_CACHE_LOCK = threading.Lock()


def read_snapshot(fs: Any, root: str) -> Snapshot:
    """The catalog's latest state (remembered per process until the catalog folder changes)."""
    for _attempt in range(5):
        key = listing_key(fs, root)
        names = tuple(name for name, _size, _stamp in key)
        hit = _CACHE.get(root)
        if hit is not None and hit[0] == key:
            return hit[1]
        if not names:
            return empty_snapshot()
        if hit is not None:
            try:
                grown = advance(fs, root, hit[0], hit[1], key)
            except FileNotFoundError:
                continue  # a checkpoint made the segments we listed obsolete and they went: list again
            if grown is not None:
                with _CACHE_LOCK:
                    _CACHE[root] = (key, grown)
                return grown
        checkpoints = [n for n in names if n.startswith("c")]
        base = int(_NAME.match(checkpoints[-1]).group(2)) if checkpoints else 0  # type: ignore[union-attr]
        chosen = ([checkpoints[-1]] if checkpoints else []) + [
            n for n in names if n.startswith("v") and int(n[1:13]) > base
        ]
        try:
            tables = [pq.read_table(f"{root}/{CATALOG}/{n}", filesystem=fs, schema=SCHEMA) for n in chosen]
        except FileNotFoundError:
            continue  # a checkpoint made the segments we listed obsolete and they went: list again
        log = pa.concat_tables(tables) if tables else SCHEMA.empty_table()
        snap = reduce(log, latest_version(names), len(chosen) - (1 if checkpoints else 0))
        with _CACHE_LOCK:
            _CACHE[root] = (key, snap)
        return snap
    raise FileNotFoundError(f"{root}/{CATALOG}: the catalog kept changing while being read.")


def rows_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Catalog rows as an Arrow table of the catalog's schema."""
    return pa.table({f.name: [r.get(f.name) for r in rows] for f in SCHEMA}, schema=SCHEMA)


def write_segment(root: str, name: str, table: pa.Table) -> None:
    """Write catalog rows as ``catalog/<name>`` atomically (temporary file, then rename: the commit)."""
    folder = os.path.join(root, CATALOG)
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".{uuid.uuid4().hex}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.rename(tmp, os.path.join(folder, name))


def checkpoint_table(snap: Snapshot) -> pa.Table:
    """A checkpoint of ``snap``: its live cells and the dead rows still in live files."""
    live = pa.Table.from_pandas(snap.live.reset_index(drop=True), schema=SCHEMA, preserve_index=False)
    dead = [
        dead_row(snap.version, str(pair.cell_id), {name: str(pair.file)})
        for name in TABLES
        for pair in snap.dead_pairs(name).itertuples(index=False)
    ]
    return pa.concat_tables([live, rows_table(dead)])


def segment_name(version: int) -> str:
    """File name of the segment of a version."""
    return f"v{version:012d}.parquet"


def checkpoint_name(version: int) -> str:
    """File name of the checkpoint at a version."""
    return f"c{version:012d}.parquet"
