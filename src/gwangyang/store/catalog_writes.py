"""Catalog files written a row group at a time: the cells' metadata streamed from the files it is in.

A checkpoint holds every live cell's metadata (``meta``, ``hashes``: :data:`.catalog_parts.LAZY`), most of a
large catalog's bytes. :func:`catalog_batches` builds the catalog rows of the live cells (a snapshot's
frame without the lazy columns, sorted by id) :data:`.catalog_parts.GROUP_ROWS` cells at a time, reading
their lazy values from the catalog files (or logs in memory) they are in, the row groups each batch needs
and no more; :class:`CatalogWriter` writes them as one catalog file in row groups of the same size (a
temporary file, renamed into place: the commit). A checkpoint (:func:`write_checkpoint`) and a compaction's
commit so hold one row group of metadata at a time, not the store's.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Sequence
from types import TracebackType

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .catalog import CATALOG, SCHEMA, TABLES, dead_row, rows_table
from .catalog_parts import FORM, FORM_KEY, GROUP_ROWS, LAZY, CatalogGoneError, FilePart, Part

CACHE_BYTES = 64 << 20
"""Row groups of lazy values a :class:`LazyValues` keeps for the next batch (those it will read again)."""

BARE = pa.schema([f for f in SCHEMA if f.name not in LAZY])
"""The catalog's columns but the lazy ones (a snapshot's frame holds these, and ``_part``, ``_row``)."""


class CatalogWriter:
    """One catalog file written in row groups of ``group_rows`` (a temporary file until :meth:`publish`).

    Rows are buffered until a whole row group is there, so the file's row groups are those
    ``pq.write_table(rows, row_group_size=group_rows)`` would give. Leaving the ``with`` block without
    :meth:`publish` removes the temporary file (nothing committed).
    """

    def __init__(
        self, root: str, name: str, metadata: dict[bytes, bytes] | None = None, group_rows: int = GROUP_ROWS
    ) -> None:
        folder = os.path.join(root, CATALOG)
        os.makedirs(folder, exist_ok=True)
        self.path = os.path.join(folder, name)
        self.tmp = os.path.join(folder, f".{uuid.uuid4().hex}.tmp")
        self.group_rows = group_rows
        schema = SCHEMA.with_metadata(metadata) if metadata else SCHEMA
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(self.tmp, schema, compression="zstd")
        self._pending: list[pa.Table] = []
        self._buffered = 0

    def __enter__(self) -> CatalogWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._writer is not None:  # not published: nothing committed
            self._writer.close()
            self._writer = None
        if os.path.exists(self.tmp):
            os.remove(self.tmp)

    def write(self, rows: pa.Table) -> None:
        """Append catalog rows (of :data:`.catalog.SCHEMA`); whole row groups are written as they fill."""
        if rows.num_rows:
            self._pending.append(rows.replace_schema_metadata(None))
            self._buffered += rows.num_rows
        while self._buffered >= self.group_rows:
            self._flush(self.group_rows)

    def _flush(self, count: int) -> None:
        assert self._writer is not None
        every = pa.concat_tables(self._pending)
        self._writer.write_table(every.slice(0, count), row_group_size=count)
        rest = every.slice(count)
        self._pending, self._buffered = ([rest] if rest.num_rows else []), rest.num_rows

    def publish(self) -> None:
        """Write the rows left, close the file and rename it into place (the commit of the file)."""
        if self._buffered:
            self._flush(self._buffered)
        assert self._writer is not None
        self._writer.close()
        self._writer = None
        with open(self.tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(self.tmp, self.path)


class LazyValues:
    """The lazy columns of cells at ``(parts[part], row)``, read a few row groups at a time.

    Unlike :meth:`.catalog_parts.FilePart.take` (which keeps what it read, for a page's next cell),
    it keeps only the row groups the next batch needs again, :data:`CACHE_BYTES` at most.
    """

    def __init__(self, parts: Sequence[Part]) -> None:
        self.parts = parts
        self._starts: dict[int, np.ndarray] = {}
        self._kept: dict[tuple[int, int], pa.Table] = {}

    def _groups(self, k: int) -> np.ndarray:
        """Start rows of part ``k``'s row groups, and its row count last."""
        if k not in self._starts:
            part = self.parts[k]
            if isinstance(part, FilePart):
                with part.fs.open(part.path, "rb") as handle:
                    meta = pq.ParquetFile(handle).metadata
                sizes = [meta.row_group(g).num_rows for g in range(meta.num_row_groups)]
                if sum(sizes) != part.num_rows:
                    raise CatalogGoneError(
                        f"{part.path}: changed since this snapshot was read; read the store again."
                    )
            else:
                sizes = [part.num_rows]
            self._starts[k] = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
        return self._starts[k]

    def _read(self, k: int, group: int) -> pa.Table:
        kept = self._kept.get((k, group))
        if kept is not None:
            return kept
        part = self.parts[k]
        if not isinstance(part, FilePart):
            return part.table.select(list(LAZY))
        try:
            with part.fs.open(part.path, "rb") as handle:
                return pq.ParquetFile(handle).read_row_group(group, columns=list(LAZY))
        except FileNotFoundError as exc:
            raise CatalogGoneError(
                f"{part.path}: gone since this snapshot was read; read the store again."
            ) from exc

    def take(self, part_of: np.ndarray, row_of: np.ndarray, upcoming: set[tuple[int, int]]) -> pa.Table:
        """``meta`` and ``hashes`` of the cells at ``(part_of[i], row_of[i])``, in that order.

        ``upcoming``: the (part, row group) pairs the next batch reads (kept if small enough).
        """
        pieces: list[pa.Table] = []
        order: list[np.ndarray] = []
        kept: dict[tuple[int, int], pa.Table] = {}
        size = 0
        for k in np.unique(part_of).tolist():
            at = np.flatnonzero(part_of == k)
            starts = self._groups(k)
            group_of = np.searchsorted(starts, row_of[at], side="right") - 1
            for g in np.unique(group_of).tolist():
                mine = at[group_of == g]
                values = self._read(k, g)
                pieces.append(_at(values, row_of[mine] - int(starts[g])))
                order.append(mine)
                if (k, g) in upcoming and size + values.nbytes <= CACHE_BYTES:
                    kept[(k, g)] = values
                    size += values.nbytes
        self._kept = kept
        if not pieces:
            return pa.table({n: pa.array([], SCHEMA.field(n).type) for n in LAZY})
        every = pa.concat_tables([p.cast(pa.schema([SCHEMA.field(n) for n in LAZY])) for p in pieces])
        placed = np.concatenate(order)
        if bool((placed == np.arange(len(placed))).all()):  # in order already (a checkpoint's cells)
            return every
        inverse = np.empty(len(part_of), dtype=np.int64)
        inverse[placed] = np.arange(len(part_of))
        return every.take(pa.array(inverse))

    def needs(self, part_of: np.ndarray, row_of: np.ndarray) -> set[tuple[int, int]]:
        """The (part, row group) pairs the cells at ``(part_of, row_of)`` are in."""
        out: set[tuple[int, int]] = set()
        for k in np.unique(part_of).tolist():
            rows = row_of[part_of == k]
            groups = np.searchsorted(self._groups(k), rows, side="right") - 1
            out |= {(k, int(g)) for g in np.unique(groups).tolist()}
        return out


def catalog_batches(frame: pd.DataFrame, parts: Sequence[Part], rows: int = GROUP_ROWS) -> Iterator[pa.Table]:
    """The catalog rows (:data:`.catalog.SCHEMA`) of ``frame``'s cells, ``rows`` at a time, in its order.

    ``frame`` holds :data:`BARE`'s columns and ``_part``, ``_row`` (where each cell's lazy values are
    among ``parts``), as a snapshot's live cells do; its lazy values are read batch by batch.
    """
    reader = LazyValues(parts)
    part_of = frame["_part"].to_numpy()
    row_of = frame["_row"].to_numpy()
    starts = list(range(0, len(frame), rows))
    for n, start in enumerate(starts):
        stop = start + rows
        following = (
            reader.needs(part_of[stop : stop + rows], row_of[stop : stop + rows])
            if n + 1 < len(starts)
            else set()
        )
        lazy = reader.take(part_of[start:stop], row_of[start:stop], following)
        chunk = frame.iloc[start:stop]
        bare = pa.Table.from_pandas(
            chunk[BARE.names].reset_index(drop=True), schema=BARE, preserve_index=False
        )
        for name in LAZY:
            bare = bare.add_column(SCHEMA.get_field_index(name), SCHEMA.field(name), lazy.column(name))
        yield bare


def dead_rows(version: int, dead: dict[str, pd.DataFrame]) -> pa.Table:
    """Catalog rows naming the dead rows ``dead[table]`` (columns ``file``, ``cell_id``) at ``version``."""
    return rows_table(
        [
            dead_row(version, str(pair.cell_id), {name: str(pair.file)})
            for name in TABLES
            for pair in dead[name].itertuples(index=False)
        ]
    )


def _at(values: pa.Table, rows: np.ndarray) -> pa.Table:
    """``values`` at ``rows`` (a slice, not a copy, when the rows follow each other)."""
    if len(rows) and rows[-1] - rows[0] == len(rows) - 1 and bool((np.diff(rows) == 1).all()):
        return values.slice(int(rows[0]), len(rows))
    return values.take(pa.array(rows))


def write_checkpoint(
    root: str, name: str, frame: pd.DataFrame, parts: Sequence[Part], dead: pa.Table, group_rows: int
) -> None:
    """Write a checkpoint (marked :data:`.catalog_parts.FORM`): the live cells (``frame``, sorted by id), then ``dead``.

    The same file as ``write_segment(root, name, checkpoint_table(snap), group_rows)``, written one row
    group at a time (temporary file, then rename).
    """
    with CatalogWriter(root, name, {FORM_KEY: FORM}, group_rows) as out:
        for batch in catalog_batches(frame, parts, group_rows):
            out.write(batch)
        out.write(dead)
        out.publish()
