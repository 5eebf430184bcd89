"""An organisation's views: only its cells' rows, in memory, on a connection that may read no file.

A query limited to some cells (an organisation's, see ``gwangyang.api.orgs``) gets views that hold only
those cells' rows, read into memory from their own row groups, on a new connection to the process's one
locked-down in-memory database (:func:`scoped_connection`), so the query cannot reach other cells' rows
through ``read_parquet`` either. Its ``production`` view holds the production tables of the organisations
``production_orgs`` accepts (see :func:`.production.read`). The tables are kept in
:data:`.view_cache.VIEW_CACHE` between queries.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from collections.abc import Callable, Collection
from functools import partial
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ..errors import InputError
from . import view_cache
from .catalog import TABLES
from .production_views import production_arrow
from .snapshot import Snapshot
from .table_union import conform, union_of_schemas
from .view_files import first_appearance, ingest_key
from .view_notes import ViewNote, cell_examples, mixed_warnings
from .view_reads import ViewSource
from .view_sql import name, refused_sql
from .views import cells_arrow

if TYPE_CHECKING:
    from .store import Store


WARNINGS_KEY = b"gwangyang.warnings"
"""Schema metadata of a scoped table view: its warnings as a JSON list (kept with the table in the cache)."""

ROWS_PREFIX = "_rows_"
"""A scoped table view's rows are registered as ``_rows_<table>_<16 random hex digits>``, new for each
connection: a user's query reaches them only through the view (its warnings and refused columns). The rows
are the organisation's cells' only, so naming them would leak nothing, but would read a refused column as
nulls and a mixed one without its warning; :func:`.query.check_select` refuses the prefix by name too."""

REFUSED_KEY = b"gwangyang.refused"
"""Schema metadata of a scoped table view: its columns whose types combine neither way (JSON: column -> line)."""


def _scoped_table(store: Store, snap: Snapshot, table: str, live: list[str]) -> pa.Table | None:
    """Every one of ``live``'s rows of ``table`` (from their own row groups), None where none has it.

    The cells' columns are united by name with the rules of the store's views (:mod:`.table_union`, DuckDB's):
    a column that is text in some cells and numbers in others becomes text, and a warning names it
    (:mod:`.view_notes`), as the views over every cell's files do: the table's schema metadata
    :data:`WARNINGS_KEY` holds the warnings.
    """
    parts = []
    named = []
    for cell in live:
        try:
            part = store.arrow(cell, table)
        except (InputError, KeyError, LookupError):
            continue  # the cell has no such table
        if "cell_id" not in part.column_names:
            part = part.append_column("cell_id", pa.array([cell] * part.num_rows, pa.string()))
        parts.append(part)
        named.append((cell, part))
    if not parts:
        return None
    times = snap.column("ingested_at")
    ranked = sorted(named, key=lambda one: (ingest_key(times[snap.position(one[0])]), one[0]))
    union = union_of_schemas(table, named, first_appearance([t.column_names for _c, t in ranked]))
    first = parts[0].schema
    if (
        not union.mixed
        and not union.notes
        and not union.clashes
        and all(p.schema.equals(first) for p in parts[1:])
        and first.names == union.schema.names
    ):
        return pa.concat_tables(parts)

    def file_of(cell: str) -> str:
        where = snap.location(cell, table)
        return "" if where is None else where.file

    refused = dict(union.clashes)
    columns = [c for c in union.schema.names if c not in refused]  # those read as nulls: refused by the view
    rows = pa.concat_tables(
        [
            conform(part.drop_columns([c for c in refused if c in part.column_names]), union, columns)
            for part in parts
        ]
    )
    for column in refused:
        rows = rows.add_column(union.schema.get_field_index(column), column, pa.nulls(rows.num_rows))
    lines = mixed_warnings(table, union.mixed, lambda cells: cell_examples(cells, file_of))
    warned = [(table, c, line) for c, line in union.notes]
    warned += [(table, m.column, line) for m, line in zip(union.mixed, lines, strict=True)]
    marks = {WARNINGS_KEY: json.dumps(warned), REFUSED_KEY: json.dumps(refused)}
    return rows.replace_schema_metadata({**(rows.schema.metadata or {}), **marks})


def _production_key(
    store: Store, hidden: frozenset[str], production_orgs: Callable[[Any], bool] | None
) -> tuple[Any, ...]:
    """What the ``production`` view's rows depend on: the manifest's stamp, the parts read, the cells left out."""
    from .production import MANIFEST, parts

    if not store.local:
        return ("production", None)
    try:
        stat = (store.production_dir() / MANIFEST).stat()
        stamp: tuple[int, ...] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    except FileNotFoundError:
        stamp = ()
    chosen = tuple((p.file, p.hash, p.org, p.rows, p.ingested_at) for p in parts(store, production_orgs))
    return ("production", stamp, chosen, hidden)


_SCOPED: dict[int, Any] = {}
"""Per process id: the one in-memory database of organisation-scoped queries (no file access, settings locked)."""

_SCOPED_LOCK = threading.Lock()
"""Guards :data:`_SCOPED` (the API's threads may make their first query at once)."""


def scoped_connection() -> Any:
    """A new connection to the process's database for organisation-scoped queries: reads no file, changes no setting.

    Making a DuckDB database costs tens of milliseconds (72 ms a time on the shared 2-core machine), a
    connection to an existing one well under one; a connection's registered tables and temporary views are its
    own (no other connection names them, tested), so each query gets a new connection and closes it.
    """
    import duckdb

    pid = os.getpid()
    with _SCOPED_LOCK:
        database = _SCOPED.get(pid)
        if database is None:  # first use in this process (a forked child makes its own)
            _SCOPED.clear()
            database = duckdb.connect(":memory:")
            database.execute("SET enable_external_access=false")
            database.execute("SET GLOBAL TimeZone='UTC'")  # every cursor's zone (a session setting)
            database.execute("SET lock_configuration=true")
            _SCOPED[pid] = database
        return database.cursor()


def connect_cells(
    store: Store,
    names: set[str],
    cells: Collection[str],
    production_orgs: Callable[[Any], bool] | None = None,
    notes: list[ViewNote] | None = None,
    sources: dict[str, ViewSource] | None = None,
) -> Any:
    """A connection whose views hold only ``cells``' rows (in memory) and that may read no file.

    Each view named in ``names`` is built from the cells' own row groups (dead rows never read) and
    registered as an Arrow table; external access is off before the query runs, so ``read_parquet``
    and file names in ``FROM`` are refused. ``production`` holds the tables of the organisations
    ``production_orgs`` accepts (default: all), without the shared tables' rows of cells outside ``cells``
    that the store holds cycling data of. The tables are kept in :data:`.view_cache.VIEW_CACHE` for the next query
    with the same cells while the store's snapshot (and production manifest) stay the same; the connection is a
    new one to the process's scoped database (:func:`scoped_connection`), closed by the caller. ``notes`` gets
    the table views' warnings (a column text in some of the cells and numbers in others, read as text);
    ``sources`` how each is shadowed for a plan (:data:`.view_reads.ViewSource`: the view's SELECT over
    ``_rows_<table>_<random>``, the view made again after).
    """
    snap = store.snapshot()
    slot = store.path_of("")
    keep = frozenset(str(c) for c in cells)
    con = scoped_connection()
    if "cells" in names:

        def own_cells() -> pa.Table:
            every = cells_arrow(snap)
            mask = pa.array([c in keep for c in every.column("cell_id").to_pylist()], pa.bool_())
            return every.filter(mask)

        con.register("cells", view_cache.VIEW_CACHE.get(slot, snap, ("cells", keep), own_cells))
    live = [c for c in snap.ids.astype(str) if c in keep]
    for table in TABLES:
        if table not in names:
            continue
        rows = view_cache.VIEW_CACHE.get(
            slot, snap, ("table", table, keep), partial(_scoped_table, store, snap, table, live)
        )
        if rows is not None:
            if notes is not None and WARNINGS_KEY in (rows.schema.metadata or {}):
                notes.extend(tuple(n) for n in json.loads(rows.schema.metadata[WARNINGS_KEY]))
            refused = json.loads((rows.schema.metadata or {}).get(REFUSED_KEY, b"{}"))
            # such a column is an error where a query reads it, as on the store's views
            picked = ", ".join(
                refused_sql(c, refused[c]) if c in refused else name(c) for c in rows.column_names
            )
            behind = f"{ROWS_PREFIX}{table}_{secrets.token_hex(8)}"  # a name no query can know
            select = f"SELECT {picked} FROM {behind}"
            con.register(behind, rows)
            con.execute(f"CREATE TEMP VIEW {table} AS {select}")
            if sources is not None:
                sources[table] = (f"({select})", f"CREATE OR REPLACE TEMP VIEW {table} AS {select}")
            con.execute(f"CREATE TEMP VIEW cells_{table} AS SELECT * FROM {table}")
    if "production" in names:
        hidden = frozenset(str(c) for c in snap.ids) - keep
        production = view_cache.VIEW_CACHE.get(
            slot,
            snap,
            _production_key(store, hidden, production_orgs),
            lambda: production_arrow(store, hidden, production_orgs),
        )
        if production is not None:
            con.register("production", production)
    return con
