"""The store's catalog rows and files: an append-only log of Parquet segments naming every cell and where its rows live.

Layout under the store root::

    catalog/v<version>.parquet   one commit: the cells it puts or deletes, and the rows it makes dead
    catalog/c<version>.parquet   a checkpoint: the whole state at <version> (later segments apply on top)

A commit is the rename of one segment file into ``catalog/``: readers list the folder, take the
latest checkpoint and the segments after it, and so see every commit whole or not at all. Data
files are never changed once written; a cell that is replaced leaves its old rows in place, named
dead in the catalog, until ``compact`` rewrites the file.

This module holds the rows (their schema :data:`SCHEMA`, :class:`Location`, the put, delete and
dead rows) and writes segment files; :mod:`.snapshot` reduces the rows to the catalog's state and
:mod:`.catalog_reads` lists and reads the folder.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from typing import Any

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

LOG_SCHEMA = pa.schema(
    [
        pa.field(f.name, pa.dictionary(pa.int32(), pa.string()))
        if f.name.endswith(("_file", "_schema"))
        else f
        for f in SCHEMA
    ]
)
""":data:`SCHEMA` as segments are read: file names and schema texts (the same few for many cells) as dictionaries.

Reading them so spares decoding one copy of each text per cell (most of a large catalog's bytes);
:func:`.catalog_parts.log_frame` turns them into objects shared by the cells with the same text.
"""


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


def rows_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Catalog rows as an Arrow table of the catalog's schema."""
    return pa.table({f.name: [r.get(f.name) for r in rows] for f in SCHEMA}, schema=SCHEMA)


def write_segment(root: str, name: str, table: pa.Table, group_rows: int | None = None) -> None:
    """Write catalog rows as ``catalog/<name>`` atomically (temporary file, then rename: the commit).

    ``group_rows``: rows per row group (default pyarrow's); a rename over a file of the same name
    replaces it whole (readers see the old file or the new one).
    """
    folder = os.path.join(root, CATALOG)
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".{uuid.uuid4().hex}.tmp")
    pq.write_table(table, tmp, compression="zstd", row_group_size=group_rows)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, os.path.join(folder, name))


def segment_name(version: int) -> str:
    """File name of the segment of a version."""
    return f"v{version:012d}.parquet"


def checkpoint_name(version: int) -> str:
    """File name of the checkpoint at a version."""
    return f"c{version:012d}.parquet"
