"""Where a snapshot's lazily read columns are: the catalog files it was read from, or the logs applied to it.

A snapshot read whole reads every catalog column but :data:`LAZY` (``meta``, the cell's whole
metadata as JSON, and ``hashes``, its source files' content hashes: most of a large catalog's
bytes, and no query needs them). Each live cell keeps the part (a catalog file, :class:`FilePart`,
or a log applied in memory, :class:`MemPart`) and the row its put came from (columns ``_part`` and
``_row``); :func:`gather` reads those values only when they are asked for, and only the row groups
that hold them (checkpoints are written in row groups of :data:`GROUP_ROWS` cells, sorted by cell
id). A checkpoint replaces the files it covers: :func:`rebase` points the cells of files gone at
their rows in the new checkpoint, so a remembered snapshot advanced past a checkpoint still finds
them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import StoreBusyError

LAZY = ("meta", "hashes")
"""Catalog columns read only when asked for."""

GROUP_ROWS = 16_384
"""Rows per row group of a checkpoint (one cell's metadata reads one group)."""

FORM_KEY = b"gwangyang.catalog"
"""Parquet key-value metadata naming the form of a checkpoint (absent: the first form, one large row group)."""

FORM = b"2"
"""This form: row groups of :data:`GROUP_ROWS` cells."""

_KEPT_GROUPS = 8
"""Row groups a :class:`FilePart` keeps per column (a page reading a few cells' metadata reads each once)."""


class CatalogGoneError(StoreBusyError):
    """A catalog file a snapshot was read from is gone (a later checkpoint replaced it): read the store again."""


class FilePart:
    """A catalog file (segment or checkpoint) whose :data:`LAZY` columns are read on demand."""

    def __init__(self, fs: Any, path: str, num_rows: int) -> None:
        self.fs, self.path, self.num_rows = fs, path, num_rows
        self._groups: dict[tuple[str, int, int], pa.Array] = {}
        self._lock = threading.Lock()

    def take(self, name: str, rows: np.ndarray) -> pa.Array:
        """The values of column ``name`` at ``rows`` (reading only the row groups that hold them)."""
        try:
            with self.fs.open(self.path, "rb") as handle:
                file = pq.ParquetFile(handle)
                sizes = [file.metadata.row_group(g).num_rows for g in range(file.num_row_groups)]
                if sum(sizes) != self.num_rows:
                    raise CatalogGoneError(
                        f"{self.path}: changed since this snapshot was read; read the store again."
                    )
                starts = np.concatenate([[0], np.cumsum(sizes)])
                group_of = np.searchsorted(starts, rows, side="right") - 1
                wanted = np.unique(group_of)
                if len(wanted) > max(file.num_row_groups // 2, 1):
                    return _at(file.read(columns=[name]).column(name).combine_chunks(), rows)
                pieces, offset, base = [], 0, {}
                for g in wanted.tolist():
                    key = (
                        name,
                        int(starts[g]),
                        sizes[g],
                    )  # rows, not group numbers: an upgrade regroups them
                    kept = self._groups.get(key)
                    if kept is None:
                        kept = file.read_row_group(g, columns=[name]).column(name).combine_chunks()
                        with self._lock:  # threads of a server may share the snapshot
                            while len(self._groups) >= _KEPT_GROUPS:
                                self._groups.pop(next(iter(self._groups)))
                            self._groups[key] = kept
                    pieces.append(kept)
                    base[g] = offset - int(starts[g])
                    offset += sizes[g]
        except FileNotFoundError as exc:
            raise CatalogGoneError(
                f"{self.path}: gone since this snapshot was read (a checkpoint replaced it); read the store again."
            ) from exc
        at = rows + np.array([base[g] for g in group_of.tolist()], dtype=np.int64)
        return _at(pa.concat_arrays(pieces), at)


def _at(values: pa.Array, rows: np.ndarray) -> pa.Array:
    """``values`` at ``rows`` (a slice, not a copy, when the rows follow each other, as a checkpoint's cells do)."""
    if len(rows) and rows[-1] - rows[0] == len(rows) - 1 and bool((np.diff(rows) == 1).all()):
        return values.slice(int(rows[0]), len(rows))
    return values.take(pa.array(rows))


class MemPart:
    """A log applied in memory: its :data:`LAZY` columns kept as Arrow."""

    def __init__(self, table: pa.Table) -> None:
        self.table, self.num_rows = table, table.num_rows

    def take(self, name: str, rows: np.ndarray) -> pa.Array:
        """The values of column ``name`` at ``rows``."""
        return _at(self.table.column(name).combine_chunks(), rows)


Part = FilePart | MemPart


def gather(
    parts: Sequence[Part], part_of: np.ndarray, row_of: np.ndarray, name: str, kind: pa.DataType
) -> pa.Array:
    """Column ``name`` of the cells whose values are at ``(parts[part_of[k]], row_of[k])``, in that order."""
    if len(part_of) == 0:
        return pa.array([], kind)
    order = np.argsort(part_of, kind="stable")
    sorted_parts = part_of[order]
    cuts = np.flatnonzero(np.diff(sorted_parts)) + 1
    pieces = []
    for chunk in np.split(order, cuts):
        pieces.append(parts[int(part_of[chunk[0]])].take(name, row_of[chunk]).cast(kind))
    values = pa.concat_arrays(pieces)
    if bool((np.diff(order) == 1).all()):
        return values
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return values.take(pa.array(inverse))


def with_parts(log: pa.Table, first: int, counts: Sequence[int]) -> pa.Table:
    """``log`` (parts of ``counts`` rows, concatenated) with columns ``_part`` (from ``first``) and ``_row``."""
    part = np.repeat(np.arange(first, first + len(counts), dtype=np.int32), counts)
    row = np.concatenate([np.arange(n, dtype=np.int64) for n in counts]) if counts else np.empty(0, np.int64)
    return log.append_column("_part", pa.array(part)).append_column("_row", pa.array(row))


def log_frame(log: pa.Table) -> pd.DataFrame:
    """A catalog log as pandas, as ``to_pandas`` gives it read with :data:`.catalog.SCHEMA`.

    Dictionary columns (read so, see :data:`.catalog.LOG_SCHEMA`) become objects, one string per
    distinct text shared by the rows that hold it, None where null.
    """
    coded = [f.name for f in log.schema if pa.types.is_dictionary(f.type)]
    if not coded:
        return log.to_pandas(types_mapper=None)
    df = log.drop_columns(coded).to_pandas(types_mapper=None)
    for name in coded:  # in schema order, so each goes back to its place
        df.insert(log.schema.get_field_index(name), name, _objects(log.column(name)))
    return df


def _objects(column: pa.ChunkedArray) -> np.ndarray:
    """A dictionary column's values as an object array (None where null)."""
    parts = []
    for chunk in column.chunks:
        values = np.array([*chunk.dictionary.to_pylist(), None], dtype=object)
        parts.append(values[np.asarray(pc.fill_null(chunk.indices, -1))])
    return np.concatenate(parts) if parts else np.empty(0, dtype=object)


def rebase(
    frame: pd.DataFrame, parts: tuple[Part, ...], present: set[str], checkpoint: FilePart
) -> tuple[pd.DataFrame, tuple[Part, ...]] | None:
    """``frame`` (live cells, ``_part``/``_row``) with the cells of files not ``present`` pointed at ``checkpoint``.

    The checkpoint holds every cell live at its version, sorted by id, then the dead rows: a cell
    whose put came from a file the checkpoint covers is at its rank there. Parts no cell names any
    more are dropped. None when a cell is not where it should be (the caller reads the catalog whole).
    """
    gone = np.array([isinstance(p, FilePart) and p.path not in present for p in parts], dtype=bool)
    part_of = frame["_part"].to_numpy()
    moved = gone[part_of] if len(parts) else np.zeros(len(frame), dtype=bool)
    if moved.any():
        with checkpoint.fs.open(checkpoint.path, "rb") as handle:
            table = pq.read_table(handle, columns=["op", "cell_id", "version"])
        puts = table.filter(pc.equal(table.column("op"), "put"))
        ids = np.asarray(puts.column("cell_id").to_numpy(zero_copy_only=False), dtype=object)
        wanted = frame.index.to_numpy()[moved].astype(object)
        at = np.searchsorted(ids, wanted)
        if bool((at >= len(ids)).any()):
            return None
        versions = puts.column("version").to_numpy()
        if not (ids[at] == wanted).all() or not (versions[at] == frame["version"].to_numpy()[moved]).all():
            return None
        parts = (*parts, checkpoint)
        part_of = part_of.copy()
        part_of[moved] = len(parts) - 1
        row_of = frame["_row"].to_numpy().copy()
        row_of[moved] = at
    else:
        row_of = frame["_row"].to_numpy()
    used = np.unique(part_of)
    remap = np.full(len(parts), -1, dtype=np.int32)
    remap[used] = np.arange(len(used), dtype=np.int32)
    out = frame.copy(deep=False)
    out["_part"] = remap[part_of]
    out["_row"] = row_of
    return out, tuple(parts[int(k)] for k in used)
