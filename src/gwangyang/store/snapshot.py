"""The catalog at one version (:class:`Snapshot`): the catalog's rows reduced to the live cells and the dead rows.

:func:`reduce` makes a snapshot from a whole log (the latest checkpoint and the segments after it),
keeping the columns a query needs none of (:data:`DEFERRED`) in Arrow until they are asked for;
:func:`apply` makes one from an older snapshot and the segments after it, lazily: the new snapshot
answers :meth:`Snapshot.has` and :meth:`Snapshot.location` (all a commit needs) from the older one and
the new rows, and merges its live cells only when they are first asked for, so a bulk load's commits
each cost their own rows, not the store's. Cells' metadata is read only when asked for (:mod:`.catalog_parts`).
"""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .catalog import SCHEMA, TABLES, TYPED, Location, decode_schema
from .catalog_parts import LAZY, MemPart, Part, gather, log_frame, with_parts


@dataclass
class Snapshot:
    """The catalog at one version: the live cells (one row each, indexed by cell id) and the dead rows.

    A snapshot advanced from another (:func:`advance`) may hold its live cells as that one's plus the
    changes of the new segments, merged into :attr:`live` when it is first asked for: :meth:`has` and
    :meth:`location`, all a commit needs, answer without the merge. A snapshot read whole
    (:func:`reduce`) keeps its :data:`DEFERRED` columns in Arrow until :attr:`live` is asked for:
    :attr:`ids`, :meth:`column`, :meth:`files` and :meth:`location`, all a query needs, answer without
    them.
    """

    version: int
    _live: pd.DataFrame | None
    """The live cells; None until merged from ``_base`` and ``_changes``."""
    dead: pd.DataFrame
    """Columns ``table``, ``file``, ``cell_id``: rows in live files that belong to no live cell."""
    segments: int = 0
    """Segments after the latest checkpoint."""
    _metas: list[dict[str, Any]] | None = field(default=None, repr=False)
    _columns: dict[str, list[Any]] = field(default_factory=dict, repr=False)
    _files: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _base: Snapshot | None = field(default=None, repr=False)
    _changes: tuple[pd.DataFrame, ...] = field(default=(), repr=False)
    """The last operation of each cell in each log applied over ``_base`` (oldest first), indexed by cell id."""
    _latest: dict[str, tuple[int, int] | None] = field(default_factory=dict, repr=False)
    """Each changed cell: (change, row) of its put, or None when deleted."""
    _deferred: pa.Table | None = field(default=None, repr=False)
    """The live cells' :data:`DEFERRED` columns (rows in ``_live``'s order) while ``_live`` lacks them."""
    _parts: tuple[Part, ...] = field(default=(), repr=False)
    """Where the live cells' :data:`.catalog_parts.LAZY` columns are (``_live``'s ``_part`` and ``_row``)."""
    _full: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def live(self) -> pd.DataFrame:
        """The live cells, one row each, indexed by cell id and sorted by it (every catalog column, metadata read)."""
        if self._full is None:
            frame = self._internal().drop(columns=["_part", "_row"])
            for name in LAZY:
                values = self.array(name, SCHEMA.field(name).type).to_pandas(types_mapper=None).to_numpy()
                frame.insert(SCHEMA.get_field_index(name), name, values)
            self._full = frame
        return self._full

    def _internal(self) -> pd.DataFrame:
        """The live cells without the lazy columns (their parts and rows instead), merged and completed."""
        if self._live is None or self._deferred is not None:
            with _MERGE_LOCK:
                if self._live is None:
                    assert self._base is not None
                    self._live = _merged(self._base._internal(), self._changes)
                    self._base, self._changes, self._latest = None, (), {}
                if self._deferred is not None:  # the whole frame first, then the mark: see column()
                    self._live = _completed(self._live, self._deferred)
                    self._deferred = None
        assert self._live is not None
        return self._live

    def _frame(self) -> pd.DataFrame:
        """The live cells, maybe without the :data:`DEFERRED` columns (merged first if need be)."""
        live = self._live
        return self._internal() if live is None else live

    @property
    def ids(self) -> pd.Index:
        """The live cells' ids, sorted (the index of :attr:`live`)."""
        return self._frame().index

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
        return cell_id in self._frame().index

    def column(self, name: str) -> list[Any]:
        """One column of :attr:`live` as a list (remembered; a deferred one converted alone)."""
        if name not in self._columns:
            deferred = self._deferred
            if name in LAZY:
                values = self.array(name, SCHEMA.field(name).type).to_pandas(deduplicate_objects=False)
                self._columns[name] = values.tolist()
            elif deferred is not None and name in deferred.column_names:
                self._columns[name] = log_frame(deferred.select([name]))[name].tolist()
            else:
                self._columns[name] = self._frame()[name].tolist()
        return self._columns[name]

    def array(self, name: str, kind: pa.DataType) -> pa.Array:
        """One column of :attr:`live` as an Arrow array of ``kind`` (None and NaN as nulls), not through a list.

        Equal to ``pa.array(self.column(name), kind, from_pandas=True)``, at a third of its cost for 10^6 cells.
        """
        if name in LAZY:
            frame = self._frame()
            return gather(self._parts, frame["_part"].to_numpy(), frame["_row"].to_numpy(), name, kind)
        deferred = self._deferred
        if name not in self._columns and deferred is not None and name in deferred.column_names:
            values = deferred.column(name).combine_chunks()  # in Arrow still: no Python objects
            if pa.types.is_floating(values.type):
                values = pc.if_else(pc.is_nan(values), pa.scalar(None, values.type), values)
            return values.cast(kind)
        if name in self._columns:
            return pa.array(self.column(name), kind, from_pandas=True)
        return pa.array(self._frame()[name].to_numpy(), kind, from_pandas=True)

    def position(self, cell_id: str) -> int:
        """Row of a live cell in :attr:`live`; KeyError: no such cell."""
        return int(self._frame().index.get_loc(cell_id))  # type: ignore[arg-type]  # unique index: one row

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
        return _location(*[self.column(f"{table}_{part}")[k] for part in ("file", "rgs", "filter", "schema")])

    def meta_text(self, cell_id: str) -> str:
        """A live cell's metadata as stored (JSON); KeyError: no such cell."""
        k = self.position(cell_id)
        if self._full is not None:  # read already (a compaction reads every cell's)
            return str(self._full["meta"].iat[k])
        if "meta" in self._columns:
            return str(self._columns["meta"][k])
        frame = self._frame()
        part, row = int(frame["_part"].to_numpy()[k]), int(frame["_row"].to_numpy()[k])
        return str(self._parts[part].take("meta", np.array([row], dtype=np.int64))[0].as_py())

    def files(self, table: str) -> list[str]:
        """The live data files of a table (relative to the store root), sorted."""
        if table not in self._files:
            column = self._frame()[f"{table}_file"]
            self._files[table] = sorted(str(f) for f in column.dropna().unique())
        return list(self._files[table])

    def dead_pairs(self, table: str) -> pd.DataFrame:
        """``file``, ``cell_id`` of the dead rows of a table that sit in live files."""
        dead = self.dead[self.dead["table"] == table]
        live = set(self.files(table))
        return dead[dead["file"].isin(live)][["file", "cell_id"]]

    def metas(self) -> list[dict[str, Any]]:
        """Every live cell's metadata, sorted by cell id (parsed once per snapshot)."""
        if self._metas is None:
            self._metas = [json.loads(m) for m in self.column("meta")]
        return self._metas

    def hashes(self) -> dict[str, str]:
        """Source-file content hash -> the cell that holds it."""
        out: dict[str, str] = {}
        for cell_id, hashes in zip(self.ids, self.column("hashes"), strict=True):
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


INTERNAL = pa.schema(
    [f for f in SCHEMA if f.name not in LAZY] + [pa.field("_part", pa.int32()), pa.field("_row", pa.int64())]
)
"""Columns of a snapshot's live cells as kept: :data:`.catalog.SCHEMA` but the lazy ones, and where those are."""


def empty_snapshot() -> Snapshot:
    """The catalog of an empty store."""
    live = INTERNAL.empty_table().to_pandas().set_index("cell_id", drop=False)
    live.index.name = None
    return Snapshot(0, live, pd.DataFrame({"table": [], "file": [], "cell_id": []}))


def reduce(log: pa.Table, version: int, segments: int, parts: tuple[Part, ...] | None = None) -> Snapshot:
    """The state after applying the log's rows in version order.

    ``log`` holds every catalog column, or (``parts`` given: the catalog files read) all but the
    lazy ones, with ``_part`` and ``_row`` naming where each row's lazy values are.
    """
    if parts is None:
        parts = (MemPart(log.select(list(LAZY))),)
        log = with_parts(log.drop_columns(list(LAZY)), 0, [log.num_rows])
    if log.num_rows == 0:
        snap = empty_snapshot()
        snap.version = version
        return snap
    df = log_frame(log.drop_columns(list(DEFERRED)))
    versions = df["version"].to_numpy()
    rows = _one_put_each(log)  # a checkpoint: every put live whatever the versions' order
    order = None
    if rows is None and bool((np.diff(versions) < 0).any()):
        order = np.argsort(versions, kind="stable")
        df = df.take(order)
    if rows is None:
        rows = _live_rows(log if order is None else log.select(["cell_id", "op"]).take(order))
    whole = np.array_equal(rows, np.arange(len(df)))
    live = df if whole else df.take(rows)
    dead = _dead_of(df)
    live.index = pd.Index(live["cell_id"].to_numpy(), dtype=object)
    deferred = log.select(list(DEFERRED))
    if not whole:
        deferred = deferred.take(rows if order is None else order[rows])
    return Snapshot(version, live, dead, segments, _deferred=deferred, _parts=parts)


DEFERRED = (*TYPED, *[f"{name}_rgs" for name in TABLES])
"""Columns a snapshot read whole converts to pandas only when :attr:`Snapshot.live` is asked for (most of
the conversion's cost: one Python object per cell; a query needs none of them, a cell read one value)."""


def _completed(frame: pd.DataFrame, deferred: pa.Table) -> pd.DataFrame:
    """``frame`` with the ``deferred`` columns put back in their places (a new frame: readers may hold ``frame``)."""
    out = frame.copy(deep=False)
    values = log_frame(deferred)
    for name in sorted(deferred.column_names, key=INTERNAL.get_field_index):
        out.insert(INTERNAL.get_field_index(name), name, values[name].to_numpy())
    return out


def _one_put_each(log: pa.Table) -> np.ndarray | None:
    """Positions of the puts (all live, in id order) when ``log`` has no delete and their ids rise (a checkpoint)."""
    ops = log.column("op")
    if pc.any(pc.equal(ops, "delete")).as_py():
        return None
    at = np.flatnonzero(np.asarray(pc.equal(ops, "put")))
    ids = log.column("cell_id").take(at)
    if len(ids) > 1 and not pc.all(pc.greater(ids.slice(1), ids.slice(0, len(ids) - 1))).as_py():
        return None
    return at.astype(np.int64)


def _live_rows(log: pa.Table) -> np.ndarray:
    """Positions in ``log`` (rows in version order) of the last put of each live cell, in cell id order.

    Found in Arrow on two columns, so that the caller copies the converted rows once (or not at all).
    """
    dead = pc.equal(log.column("op"), "dead")
    ops = pa.table({"cell_id": log.column("cell_id"), "at": np.arange(log.num_rows)}).filter(pc.invert(dead))
    last = ops.group_by("cell_id", use_threads=False).aggregate([("at", "max")]).column("at_max")
    last = last.filter(pc.equal(log.column("op").take(last), "put"))
    return np.asarray(last.take(pc.sort_indices(log.column("cell_id").take(last))), dtype=np.int64)


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
    parts = (*snap._parts, MemPart(log.select(list(LAZY))))
    log = with_parts(log.drop_columns(list(LAZY)), len(parts) - 1, [log.num_rows])
    df = log_frame(log).sort_values("version", kind="stable")
    change = _changes_of(df)
    with _MERGE_LOCK:
        lazy = snap._live is None and len(snap._changes) < MERGE_AFTER
        base, changes, latest = (snap._base, snap._changes, dict(snap._latest)) if lazy else (snap, (), {})
    if not lazy:
        snap._internal()  # merged now, so that no chain of unmerged snapshots builds up
    k = len(changes)
    for row, (cell_id, op) in enumerate(zip(change.index.tolist(), change["op"].tolist(), strict=True)):
        latest[cell_id] = (k, row) if op == "put" else None
    dead = _dead_of(df)
    if len(dead):
        dead = pd.concat([snap.dead, dead], ignore_index=True) if len(snap.dead) else dead
    else:
        dead = snap.dead
    out = Snapshot(
        version, None, dead, segments, _base=base, _changes=(*changes, change), _latest=latest, _parts=parts
    )
    if prune and len(dead):
        live = out._internal()
        named = np.zeros(len(dead), dtype=bool)
        for name in TABLES:
            files = live[f"{name}_file"].dropna().unique()
            named |= (dead["table"] == name).to_numpy() & dead["file"].isin(files).to_numpy()
        out.dead = dead[named].reset_index(drop=True)
    return out
