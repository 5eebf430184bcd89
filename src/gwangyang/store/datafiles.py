"""The store's data files: many cells per Parquet file, partitioned by table, lot and hash bucket.

Layout under the store root::

    tables/<table>/lot=<lot>/new/part-<version>-<id>.parquet         appended by one commit
    tables/<table>/lot=<lot>/bucket=<bb>/part-<version>-<id>.parquet  compacted: buckets bb.. of the lot

Within a file, cells are sorted by hash bucket and id, in row groups of a fixed size.

The catalog records, for every cell and table, the file, the row groups and the schema the cell
was written with, so reading one cell opens one file and reads only its row groups, at any store
size; a fleet query reads every live file once.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .catalog import Location, bucket_of

COMPACT_ROW_GROUP_ROWS = 1 << 16
"""Row-group size of data files (small enough that one cell's read skips most of a file)."""

COMPACT_FILE_ROWS = 1 << 22
"""Rows a compacted file aims at (a lot's buckets are grouped so that files come near this)."""


def lot_dir(table: str, lot: str) -> str:
    """Folder of one table's lot, relative to the store root (the lot percent-encoded, hive style)."""
    return f"tables/{table}/lot={quote(lot, safe='')}"


def _unify(tables: Sequence[pa.Table]) -> tuple[pa.Schema, list[pa.Table]] | None:
    """One schema for several cells' tables (missing columns as nulls); None when types clash."""
    first = tables[0].schema.remove_metadata()
    if all(t.schema.remove_metadata().equals(first) for t in tables[1:]):
        return first, [t.replace_schema_metadata(None) for t in tables]
    try:
        schema = pa.unify_schemas([t.schema.remove_metadata() for t in tables], promote_options="permissive")
        out = []
        for t in tables:
            t = t.replace_schema_metadata(None)
            for f in schema:
                if f.name not in t.column_names:
                    t = t.append_column(f, pa.nulls(t.num_rows, f.type))
            out.append(t.select(schema.names).cast(schema))
        return schema, out
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None


def _new_file(root: str, folder: str, version: int) -> tuple[str, str]:
    rel = f"{folder}/part-{version:012d}-{uuid.uuid4().hex[:12]}.parquet"
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return rel, path


def _publish(tmp: str, path: str) -> None:
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.rename(tmp, path)


def append_cells(
    root: str, table: str, lot: str, version: int, cells: Sequence[tuple[str, pa.Table]]
) -> dict[str, Location]:
    """Write several cells' rows of one table and lot as one new file (under ``new/``); where each cell landed.

    Cells are sorted by bucket and id and written in row groups of
    :data:`COMPACT_ROW_GROUP_ROWS` rows, so one cell's read touches one or two of them. Cells
    whose column types clash with the others' get a file of their own.
    """
    if not cells:
        return {}
    folder = f"{lot_dir(table, lot)}/new"
    ordered = sorted(cells, key=lambda c: (bucket_of(c[0]), c[0]))
    if len(ordered) > 1 and _unify([t for _, t in ordered]) is None:
        out: dict[str, Location] = {}
        for cell in ordered:
            out.update(_write_one(root, folder, version, [cell]))
        return out
    return _write_one(root, folder, version, ordered)


def read_cell(
    fs: Any, root: str, where: Location, cell_id: str, columns: list[str] | None = None
) -> pa.Table:
    """One cell's rows of one table, with the columns and types it was written with."""
    names = where.schema.names if where.schema is not None else None
    wanted = columns if columns is not None else names
    read_columns = (
        None if wanted is None else list(dict.fromkeys([*wanted, *(["cell_id"] if where.filter else [])]))
    )
    local = getattr(fs, "protocol", None) in ("file", ("file", "local"))
    with open(f"{root}/{where.file}", "rb") if local else fs.open(f"{root}/{where.file}", "rb") as handle:
        parquet = pq.ParquetFile(handle)
        present = set(parquet.schema_arrow.names)
        if read_columns is not None:
            missing = [c for c in read_columns if c not in present and (names is None or c not in names)]
            if missing:
                raise KeyError(missing)
            read_columns = [c for c in read_columns if c in present]
        if where.row_groups is None:
            data = parquet.read(columns=read_columns)
        elif where.row_groups:
            data = parquet.read_row_groups(where.row_groups, columns=read_columns)
        else:
            data = parquet.schema_arrow.empty_table()
            if read_columns is not None:
                data = data.select(read_columns)
    if where.filter:
        data = data.filter(pc.equal(data["cell_id"], cell_id))
    if where.schema is None:
        return data if wanted is None else data.select(wanted)
    fields = []
    arrays = []
    for name in wanted or []:
        target = where.schema.field(name)
        if name not in data.column_names:
            column: Any = pa.nulls(data.num_rows, target.type)
        elif pa.types.is_null(target.type):
            column = pa.nulls(data.num_rows)
        else:
            column = data[name].cast(target.type)
        fields.append(target)
        arrays.append(column)
    metadata = where.schema.metadata if columns is None else None
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=metadata))


def write_compacted(
    root: str, table: str, lot: str, first_bucket: int, version: int, cells: Sequence[tuple[str, pa.Table]]
) -> dict[str, Location]:
    """Write cells (already in the file's unified types) sorted by id, in fixed-size row groups."""
    ordered = sorted(cells, key=lambda c: (bucket_of(c[0]), c[0]))
    folder = f"{lot_dir(table, lot)}/bucket={first_bucket:03d}"
    if _unify([t for _, t in ordered]) is None:  # clashing types (rare): one file each
        out: dict[str, Location] = {}
        for cell in ordered:
            out.update(_write_one(root, folder, version, [cell]))
        return out
    return _write_one(root, folder, version, ordered)


def _write_one(
    root: str, folder: str, version: int, ordered: Sequence[tuple[str, pa.Table]]
) -> dict[str, Location]:
    prepared = [  # every file row names its cell (a table given without the column gets it here)
        t
        if "cell_id" in t.column_names
        else t.append_column("cell_id", pa.array([c] * t.num_rows, pa.string()))
        for c, t in ordered
    ]
    schema, tables = _unify(prepared) or (prepared[0].schema, prepared)
    whole = pa.concat_tables(tables) if tables else schema.empty_table()
    rel, path = _new_file(root, folder, version)
    tmp = path + ".tmp"
    pq.write_table(whole, tmp, compression="zstd", row_group_size=COMPACT_ROW_GROUP_ROWS)
    _publish(tmp, path)
    out = {}
    start = 0
    for cell_id, data in ordered:
        stop = start + data.num_rows
        groups = (
            list(range(start // COMPACT_ROW_GROUP_ROWS, (stop - 1) // COMPACT_ROW_GROUP_ROWS + 1))
            if stop > start
            else []
        )
        out[cell_id] = Location(rel, groups, True, data.schema)
        start = stop
    return out
