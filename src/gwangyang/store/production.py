"""The production dataset: end-of-line and formation measurements per cell, one Parquet part per ingested table.

Layout, under :meth:`Store.production_dir <gwangyang.store.store.Store.production_dir>`::

    production/manifest.json          the committed parts, in ingest order (file, source, hash, rows, columns, org)
    production/parts/<hash>.parquet   one table's rows, as ingested (cell ids, lot, line, date, measurements)

An append writes its part under a temporary name, then renames it into place and rewrites the manifest
(itself through a temporary file and a rename), all under the store's write lock. Readers list the parts from
the manifest only, so they see every committed table or none of one being appended; a part left by a killed
writer but not in the manifest is never read and is removed by the next append. A table whose content hash is
in the manifest already (from the same organisation) is not appended again.

A cell measured again in a later table keeps the later row (the line's regrade or retest) at its first
place in production order: :func:`read` returns one row per cell.

Each part belongs to the organisation that ingested it (``org`` in its manifest record), or to nobody
(``None``: shared with everyone, what the CLI and the store's admin ingest), as cells do (see
``gwangyang.api.orgs``). A part recorded before organisations existed has no ``org`` and is read as shared,
so an old store opens as it is. A cell id belongs to one organisation: the append that would give another
organisation's (or the shared data's) cell a row is refused (:class:`CellConflictError`, checked under the write
lock), so no organisation's row is ever replaced or shadowed by another's, and every reader gets one row per
cell. :func:`read` keeps the parts a reader may see (``visible``) and leaves out of the shared parts the cells
whose cycling data another organisation owns (``hidden``).

A column name may hold different kinds in different organisations' parts (one organisation's numbers, another's
text): the ingest compares a table's columns with those of its own organisation's parts and the shared ones only
(:func:`column_types` with ``visible``), so one organisation's data never refuses, coerces or reveals another's.
The comparison runs (again) under the write lock, through :func:`append`'s ``check``, so two racing ingests cannot
both pass it with other kinds of one column.
A reader who sees one organisation (and the shared data) gets each column in one type; a reader who sees several
(an admin) gets a column whose parts' types cannot be merged as text (:func:`mixed_columns` names them).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import CellConflictError, StoreError
from ..files import read_json, write_json

if TYPE_CHECKING:  # the store asks this module for its parts (Store.sql)
    from .store import Store

ID_COLUMN = "cell_id"
"""The column holding the cell id in every part (the same as the cells' ``cell_id``)."""

MANIFEST = "manifest.json"
"""The manifest file's name in the dataset folder."""

Visible = Callable[[Any], bool]
"""Which organisations' parts a reader sees: called with a part's ``org`` (None: shared)."""

Check = Callable[[list["Part"]], None]
"""A test an append runs under the write lock on the committed parts (raises to refuse: nothing is written)."""


@dataclass(frozen=True)
class Part:
    """One committed table of the dataset."""

    file: str
    source: str
    hash: str
    rows: int
    columns: list[str]
    ingested_at: str
    org: str | None = None
    """The organisation that ingested it; None: shared (and every part of a manifest written before orgs)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the manifest's record)."""
        return {
            "file": self.file,
            "source": self.source,
            "hash": self.hash,
            "rows": self.rows,
            "columns": self.columns,
            "ingested_at": self.ingested_at,
            "org": self.org,
        }


def _folder(store: Store) -> Path:
    return store.production_dir()


def parts(store: Store, visible: Visible | None = None) -> list[Part]:
    """The committed parts, in ingest order (none for a store without production data).

    With ``visible``, only the parts of the organisations it accepts (its argument: a part's ``org``).
    """
    path = _folder(store) / MANIFEST
    if not path.exists():
        return []
    try:
        records = read_json(path)["parts"]
        found = [Part(**record) for record in records]
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"{path}: not a production manifest ({exc}).") from exc
    for part in found:
        if part.org is not None and not isinstance(part.org, str):
            raise StoreError(f"{path}: not a production manifest (org {part.org!r} of {part.file}).")
    return found if visible is None else [p for p in found if visible(p.org)]


def find(store: Store, content_hash: str, org: str | None = None) -> Part | None:
    """The committed part of organisation ``org`` (None: shared) of a table with this content hash, or None."""
    return _same(parts(store), content_hash, org)


def _same(known: list[Part], content_hash: str, org: str | None) -> Part | None:
    return next((p for p in known if p.hash == content_hash and p.org == org), None)


def _clashes(folder: Path, known: list[Part], ids: pa.Array, org: str | None) -> list[tuple[str, str | None]]:
    """Each id among ``ids`` (in their order) that a part of another organisation than ``org`` holds, with that org."""
    others = [p for p in known if p.org != org]
    if not others:
        return []
    columns = [pq.read_table(folder / p.file, columns=[ID_COLUMN]).column(ID_COLUMN) for p in others]
    taken = pa.chunked_array(
        [chunk for column in columns for chunk in column.cast(pa.string()).chunks], pa.string()
    ).combine_chunks()
    owners = np.repeat(np.array([p.org for p in others], dtype=object), [len(c) for c in columns])
    where = pc.index_in(ids.cast(pa.string()), value_set=taken)
    hit = where.is_valid()
    return [
        (str(cell), owners[int(pos)])
        for cell, pos in zip(ids.filter(hit).to_pylist(), where.filter(hit).to_pylist(), strict=True)
    ]


def append(
    store: Store,
    table: pd.DataFrame,
    source: str,
    content_hash: str,
    org: str | None = None,
    check: Check | None = None,
) -> tuple[Part, bool]:
    """Commit one table as a new part of organisation ``org``, unless its part with ``content_hash`` is there already.

    Parameters
    ----------
    store
        The store (its write lock is taken for the append).
    table
        Validated rows, with a :data:`ID_COLUMN` column.
    source
        The table's file name, kept in the manifest.
    content_hash
        The source file's content hash (the same file twice from one organisation is a no-op).
    org
        The organisation that ingests it (kept in the manifest); None: shared with everyone.
    check
        Called under the write lock with the committed parts (unless the table is there already), before
        the cell-id check: its exception refuses the table, nothing written. The service's column-kind check
        (so two racing appends cannot both pass it); keep it short, it holds the lock.

    Returns
    -------
    (Part, bool)
        The part holding the table and whether this call appended it (False: it was there already).

    Raises
    ------
    CellConflictError
        A cell id of the table is another organisation's (or the shared data's, for an organisation):
        nothing is written. The message names the first such id of the table, never the other organisation.
    """
    folder = _folder(store)
    with store.write_lock():
        known = parts(store)
        there = _same(known, content_hash, org)
        if there is not None:
            return there, False
        if check is not None:
            check(known)
        clashes = _clashes(folder, known, pa.array(table[ID_COLUMN].astype(str).tolist()), org)
        if clashes:
            cell, owner = clashes[0]
            more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
            whose = "in the shared production data" if owner is None else "another organisation's"
            raise CellConflictError(
                f"{source}: cell {cell!r}{more} is {whose}; a cell id belongs to one organisation, "
                "so nothing was kept (give those cells other ids)."
            )
        part_dir = folder / "parts"
        part_dir.mkdir(parents=True, exist_ok=True)
        listed = {p.file for p in known}
        for leftover in part_dir.iterdir():  # a killed writer's part, never committed
            if f"parts/{leftover.name}" not in listed:
                leftover.unlink(missing_ok=True)
        name = f"parts/{content_hash}.parquet"
        if name in listed:  # another organisation's table with the same content (only an empty one can be)
            name = f"parts/{content_hash}-{uuid.uuid4().hex[:8]}.parquet"
        tmp = part_dir / f".{uuid.uuid4().hex}.tmp"
        try:
            pq.write_table(pa.Table.from_pandas(table, preserve_index=False), tmp, compression="zstd")
            os.replace(tmp, folder / name)
        finally:
            tmp.unlink(missing_ok=True)
        part = Part(
            file=name,
            source=source,
            hash=content_hash,
            rows=len(table),
            columns=[str(c) for c in table.columns],
            ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
            org=org,
        )
        write_json(folder / MANIFEST, {"parts": [p.to_dict() for p in [*known, part]]}, indent=1)
    return part, True


def column_types(
    store: Store, visible: Visible | None = None, known: list[Part] | None = None
) -> dict[str, list[pa.DataType]]:
    """Each column of the committed parts (those ``visible`` accepts; default all) with its distinct Arrow types.

    Types in the order first seen (parts in ingest order); a column of one type in every part has a list of one.
    ``known``: those parts instead of the manifest's (what :func:`append` gives a ``check``); only their
    Parquet footers are read.
    """
    folder = _folder(store)
    chosen = parts(store) if known is None else known
    out: dict[str, list[pa.DataType]] = {}
    for path in [folder / p.file for p in chosen if visible is None or visible(p.org)]:
        for field in pq.read_schema(path):
            seen = out.setdefault(field.name, [])
            if field.type not in seen:
                seen.append(field.type)
    return out


def merged_type(types: list[pa.DataType]) -> pa.DataType | None:
    """The one type a column of parts with these ``types`` is read as; None when they cannot be merged.

    Null (a column empty in a part) merges with anything; booleans with numbers as integers; numbers of
    different widths as Arrow's permissive promotion gives them (int64 and double: double). Numbers and
    text, or times with and without a time zone, cannot be merged (a reader gets them as text).
    """
    typed = [t for t in dict.fromkeys(types) if not pa.types.is_null(t)]
    if not typed:
        return pa.null()
    if len(typed) == 1:
        return typed[0]
    numeric = all(pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t) for t in typed)
    if numeric:
        typed = [pa.int8() if pa.types.is_boolean(t) else t for t in typed]
    try:
        schemas = [pa.schema([pa.field("column", t)]) for t in typed]
        return pa.unify_schemas(schemas, promote_options="permissive").field("column").type
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None


def mixed_columns(store: Store, visible: Visible | None = None) -> dict[str, list[pa.DataType]]:
    """The columns whose types in the parts ``visible`` accepts cannot be merged, with those types.

    :func:`read` gives them as text. Only a reader who sees several organisations meets one: an ingest
    checks a table against its own organisation's parts and the shared ones (and a shared one against all).
    """
    return {name: types for name, types in column_types(store, visible).items() if merged_type(types) is None}


def part_paths(store: Store, visible: Visible | None = None) -> list[Path]:
    """Paths of the committed parts (those ``visible`` accepts), in ingest order (for a reader such as DuckDB)."""
    folder = _folder(store)
    return [folder / p.file for p in parts(store, visible)]


def read(
    store: Store,
    columns: list[str] | None = None,
    visible: Visible | None = None,
    hidden: Collection[str] | None = None,
) -> pd.DataFrame:
    """Every committed row a reader sees, one per cell (the latest table's row where a cell was measured again).

    Parameters
    ----------
    store
        The store.
    columns
        Columns to read besides :data:`ID_COLUMN` (default: all); a part without one of them gives NaN there.
    visible
        Only the parts of the organisations it accepts (called with a part's ``org``; None: shared);
        default every part (the CLI, an admin).
    hidden
        Cell ids left out of the shared parts (cells whose cycling data another organisation owns).

    Returns
    -------
    pandas.DataFrame
        One row per cell, in the order cells were first ingested (production order), with the values of the
        latest table that holds it; columns the union of the read parts' columns (first seen first), each
        in the type its parts' types merge to (:func:`merged_type`), or as text where they cannot merge.
    """
    folder = _folder(store)
    chosen = parts(store, visible)
    if not chosen:
        return pd.DataFrame({ID_COLUMN: pd.Series([], dtype="object")})
    drop = pa.array(sorted({str(c) for c in hidden}), pa.string()) if hidden else None
    schemas = [pq.read_schema(folder / part.file) for part in chosen]
    types: dict[str, list[pa.DataType]] = {}
    for schema in schemas:
        for field in schema:
            types.setdefault(field.name, []).append(field.type)
    target = {name: merged_type(found) or pa.string() for name, found in types.items()}
    tables = []
    for part, schema in zip(chosen, schemas, strict=True):
        wanted = None if columns is None else [ID_COLUMN, *[c for c in columns if c in schema.names]]
        rows = pq.read_table(folder / part.file, columns=wanted)
        if drop is not None and part.org is None:
            ids = rows.column(ID_COLUMN).cast(pa.string())
            rows = rows.filter(pc.invert(pc.is_in(ids, value_set=drop)))
        for i, field in enumerate(rows.schema):
            if field.type != target[field.name]:  # another part holds the column in another type
                rows = rows.set_column(i, field.name, rows.column(i).cast(target[field.name]))
        tables.append(rows)
    merged = pa.concat_tables(tables, promote_options="permissive") if len(tables) > 1 else tables[0]
    frame = merged.to_pandas()
    if len(tables) > 1:
        first_seen = frame.groupby(
            ID_COLUMN, sort=False
        ).ngroup()  # a cell keeps its place in production order
        latest = ~frame[ID_COLUMN].duplicated(keep="last")
        order = np.argsort(first_seen[latest].to_numpy(), kind="stable")
        frame = frame[latest].iloc[order].reset_index(drop=True)
    return frame
