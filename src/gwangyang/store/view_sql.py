"""The SELECT behind a table view: every live cell's rows, the view's columns in its order and types.

The files are read in groups of the same schema (:func:`table_view_select`), each column a group holds
selected by name and cast to the view's type (:mod:`.view_files`, :mod:`.table_union`), the groups united
by name and the view's columns put in order once around them (a column no group holds, a null of its type;
one whose types combine neither way, the error): the SQL grows with the columns each group holds, not with
groups times the view's columns (30 MB for 1,000 cells each with a column of its own, 0.2 MB now; see
``benchmarks/store_view_schemas.py``). The view's columns and types are
those of the live cells, not DuckDB's ``union_by_name`` over every file (which kept a column only dead
cells had, made a ``uint64`` beside an ``int64`` ``HUGEINT`` and read times without a zone in the
connection's zone). Dead rows are left out by cell and file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa

from .footer_cache import fields_of, kinds_text
from .union_types import normal_type
from .view_files import ViewFiles

if TYPE_CHECKING:
    from .store import Store

_DUCK = {
    pa.int8(): "TINYINT",
    pa.int16(): "SMALLINT",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.uint8(): "UTINYINT",
    pa.uint16(): "USMALLINT",
    pa.uint32(): "UINTEGER",
    pa.uint64(): "UBIGINT",
    pa.float16(): "FLOAT",
    pa.float32(): "FLOAT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.string(): "VARCHAR",
    pa.large_string(): "VARCHAR",
    pa.date32(): "DATE",
    pa.binary(): "BLOB",
    pa.large_binary(): "BLOB",
    pa.timestamp("us"): "TIMESTAMP",
    pa.timestamp("ns"): "TIMESTAMP_NS",
    pa.timestamp("us", "UTC"): "TIMESTAMPTZ",
    pa.timestamp("ns", "UTC"): "TIMESTAMPTZ_NS",
}
"""DuckDB's name for the view types it casts to (others are read as the files hold them)."""

_READ_OPTIONS = "hive_partitioning=false"
"""How a view reads a group of files (the same columns and types): none from the folders' names.

Without ``union_by_name`` DuckDB binds a group from its first file's schema, not every file's (each query
binds the view again, twice when its warnings are sorted by :mod:`.view_reads`, three times when a
warned column has a namesake in another view).

The folders ``lot=<lot>`` and ``bucket=<bb>`` (see :mod:`.datafiles`) are where a file is, not the cells'
columns: DuckDB's hive detection would add ``lot`` while only appended files exist, ``lot`` and
``bucket`` once a lot is compacted, and neither when both kinds mix, so ``SELECT *`` changed with
compaction. A view holds the cells' own columns (as an organisation's views, :mod:`.scoped_views`); a
cell's lot is in ``cells``.
"""


def literal(text: str) -> str:
    """A SQL string literal (quotes doubled: a store path may hold one)."""
    return "'" + text.replace("'", "''") + "'"


def name(column: str) -> str:
    """A SQL identifier (double quotes doubled)."""
    return '"' + column.replace('"', '""') + '"'


def _file_list(paths: list[str]) -> str:
    return "[" + ", ".join(literal(p) for p in paths) + "]"


def column_sql(column: str, held: pa.DataType | None, kind: pa.DataType) -> str:
    """One column of a group of files that hold it as ``held`` (None: not, or only dead cells), as ``kind``."""
    duck = _DUCK.get(kind)
    if held is None:
        return f"CAST(NULL AS {duck}) AS {name(column)}" if duck else f"NULL AS {name(column)}"
    if normal_type(held).equals(kind) or duck is None:
        return name(column)
    value = name(column)
    if (
        pa.types.is_timestamp(kind)
        and kind.tz is not None
        and pa.types.is_timestamp(held)
        and held.tz is None
    ):
        value = (
            f"timezone('UTC', {value})"  # a time without a zone, read as UTC whatever the connection's zone
        )
    return f"CAST({value} AS {duck}) AS {name(column)}"


MERGE_FACTOR = 25
"""Groups of files read as the view's types are read in one ``read_parquet(..., union_by_name=true)`` when
there are more than one and their count squared passes this times their files: DuckDB binds a union of G
parts by name in time growing as G squared (22 s a query for 1,000 one-file groups), one read by name in
time growing with the files (a footer each, about 0.5 ms); ``benchmarks/store_view_schemas.py``."""

REFUSED = "gwangyang: "
"""Starts the error a column whose types combine neither way raises where a query reads it."""


def refused_sql(column: str, line: str) -> str:
    """A column whose types combine neither way: an error naming the files where a query reads it, else nothing.

    DuckDB leaves the column out of a query that does not name it (``SELECT cell_id``, ``count(*)``).
    """
    return f"CAST(error({literal(REFUSED + line)}) AS VARCHAR) AS {name(column)}"


def table_view_select(store: Store, con: Any, table: str, files: ViewFiles) -> str:
    """The SELECT behind a table view; registers the dead-row list on ``con`` when files hold dead rows."""
    union = files.union
    groups: dict[tuple[bool, tuple[str, ...]], list[int]] = {}
    helds = []
    whole = []
    for k, footer in enumerate(files.footers):
        own = fields_of(footer)
        kept = files.keep[k]
        held = dict(own) if kept is None else {c: t for c, t in own if c in kept}
        helds.append(held)
        whole.append(len(held) == len(own))
        kinds = kinds_text(footer)  # names and types, no metadata
        key = (files.files[k] in files.dead, (kinds, *sorted(held)))
        groups.setdefault(key, []).append(k)
    parts = []
    if files.dead:
        pairs = pa.table(  # files by their path under the root: DuckDB may spell a URL's scheme its own way
            {
                "file": ["/" + f for f, cells in files.dead.items() for _c in cells],
                "cell_id": [c for cells in files.dead.values() for c in cells],
            }
        )
        con.register(f"_dead_{table}", pairs)
    clashes = dict(union.clashes)
    types = {f.name: f.type for f in union.schema}

    def plain(dirty: bool, k: int) -> bool:  # read as the view's types, nothing left out
        return (
            not dirty
            and whole[k]
            and all(
                c not in clashes and c in types and types[c] in _DUCK and normal_type(t).equals(types[c])
                for c, t in helds[k].items()
            )
        )

    mergeable = [key for key, members in groups.items() if plain(key[0], members[0])]  # in the files' order
    merged = [groups[key] for key in mergeable]
    anywhere: set[str] = set()
    if len(merged) > 1 and len(merged) ** 2 > MERGE_FACTOR * sum(len(m) for m in merged):
        out = set(mergeable)
        groups = {key: members for key, members in groups.items() if key not in out}
        held_any = {c for members in merged for k in members for c in helds[k]}
        anywhere.update(held_any)
        columns = ", ".join(
            f"CAST({name(f.name)} AS {_DUCK[f.type]}) AS {name(f.name)}"
            for f in union.schema
            if f.name in held_any
        )
        paths = _file_list([store.path_of(files.files[k]) for members in merged for k in members])
        parts.append(f"SELECT {columns} FROM read_parquet({paths}, {_READ_OPTIONS}, union_by_name=true)")
    for (dirty, _schema), members in groups.items():
        held = helds[members[0]]
        mine = [f for f in union.schema if f.name not in clashes and held.get(f.name) is not None]
        anywhere.update(f.name for f in mine)
        columns = ", ".join(column_sql(f.name, held[f.name], f.type) for f in mine) or "NULL AS _none"
        paths = _file_list([store.path_of(files.files[k]) for k in members])
        if not dirty:
            parts.append(f"SELECT {columns} FROM read_parquet({paths}, {_READ_OPTIONS})")
        else:
            parts.append(
                f"SELECT {columns} FROM read_parquet({paths}, {_READ_OPTIONS}, filename=true) d "
                f"WHERE NOT EXISTS (SELECT 1 FROM _dead_{table} x "
                "WHERE x.cell_id = d.cell_id AND ends_with(d.filename, x.file))"
            )
    outer = ", ".join(
        refused_sql(f.name, clashes[f.name])
        if f.name in clashes
        else name(f.name)
        if f.name in anywhere
        else column_sql(f.name, None, f.type)
        for f in union.schema
    )
    return f"SELECT {outer} FROM ({' UNION ALL BY NAME '.join(parts)})"
