"""The store's views over its catalog on one DuckDB connection per thread and store (every cell's rows).

Views: ``cells`` (one row per cell: id, lot, vendor, channel, rows, cycles, times, nominal
capacity, ingest time) and ``timeseries``, ``cycles``, ``curves``, ``steps`` (every cell's rows,
with ``cell_id``); ``cells_<table>`` are the same table views under their first names;
``production`` (one row per cell of the production data, see :mod:`.production_views`).

The connection may read only the store's data files (no other file, no network) and its settings are
locked. Each thread keeps one per store (:data:`CONNECTIONS_PER_THREAD` stores at most) while the store's
snapshot stays the same, adding views as queries need them. Every connection kept so is closed by
:func:`close_connections`, at the end of the process (and of a server): a DuckDB connection left open in a
daemon thread (a web server's worker threads) makes the process abort as it exits. An organisation's views
(some cells only, in memory) are in :mod:`.scoped_views`.
"""

from __future__ import annotations

import atexit
import re
import threading
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from .catalog import TABLES, TYPED
from .production_views import production_arrow
from .snapshot import Snapshot
from .view_files import view_files
from .view_notes import ViewNote, file_examples, mixed_warnings
from .view_reads import ViewSource
from .view_sql import literal, table_view_select

if TYPE_CHECKING:
    from .store import Store

CONNECTIONS_PER_THREAD = 4
"""Stores whose connection a thread keeps."""

VIEWS = ("cells", *TABLES, "production")
"""The views a query can name."""


def cells_arrow(snap: Snapshot) -> pa.Table:
    """The ``cells`` view's rows: the catalog's typed metadata columns."""
    columns: dict[str, Any] = {"cell_id": pa.array(snap.ids.astype(str).to_numpy(dtype=object), pa.string())}
    for key, kind in TYPED.items():
        columns[key] = snap.array(key, kind)
    return pa.table(columns)


def table_view(store: Store, snap: Snapshot, con: Any, table: str) -> tuple[str | None, list[ViewNote]]:
    """The SELECT behind a table view (None: no cell has that table) and its warnings.

    Registers the dead-row list on ``con``. The view's columns are the live cells' own (:mod:`.view_files`),
    the same before and after compaction. The warnings (:data:`.view_notes.ViewNote`, each naming its
    column) say which columns are text in some files and numbers in others (read as text, numbers as DuckDB
    writes them) and which are read another way (times without a zone beside times with one: as UTC).

    Raises
    ------
    InputError
        Types that combine neither way (a time beside a number, a ``uint64`` too large beside an ``int64``),
        naming the files.
    """
    try:
        files = view_files(store, snap, table)
    except (OSError, ValueError):  # a missing or damaged file: the query names it when it reads it
        files = None
        if snap.files(table):
            paths = [store.path_of(f) for f in snap.files(table)]
            return (
                f"SELECT * FROM read_parquet({_file_list(paths)}, union_by_name=true, hive_partitioning=false)",
                [],
            )
    if files is None:
        return None, []
    select = table_view_select(store, con, table, files)
    notes: list[ViewNote] = [(table, column, line) for column, line in files.union.notes]
    if files.union.mixed:
        holders: dict[str, list[str]] = {}
        for cell, file in zip(snap.ids.astype(str), snap.column(f"{table}_file"), strict=True):
            if isinstance(file, str):
                holders.setdefault(file, []).append(cell)

        def cells_of(file: str) -> list[str]:  # a live file holds some live cell's rows
            return holders.get(file, [])

        lines = mixed_warnings(table, files.union.mixed, lambda names: file_examples(names, cells_of))
        notes += [(table, m.column, line) for m, line in zip(files.union.mixed, lines, strict=True)]
    return select, notes


def _file_list(paths: list[str]) -> str:
    return "[" + ", ".join(literal(p) for p in paths) + "]"


_LOCAL = threading.local()
"""Per thread: the store's connection with the views of its latest snapshot (reused while it stays the same)."""

_KEPT: dict[int, Any] = {}
"""Every connection a thread keeps in :data:`_LOCAL`, by ``id``: :func:`close_connections` reaches them all."""

_KEPT_LOCK = threading.Lock()
"""Guards :data:`_KEPT`."""


def _forget(con: Any) -> None:
    """Close a kept connection and stop keeping it."""
    with _KEPT_LOCK:
        _KEPT.pop(id(con), None)
    con.close()


def close_connections() -> None:
    """Close the connections every thread keeps (registered to run at exit; a server calls it as it stops).

    A thread whose connection was closed makes a new one at its next query.
    """
    with _KEPT_LOCK:
        kept = list(_KEPT.values())
        _KEPT.clear()
    for con in kept:
        con.close()


atexit.register(close_connections)


def wanted_views(query: str) -> set[str]:
    """The views a query may name (every view whose name occurs as a word; a view too many costs little)."""
    words = set(re.findall(r"[a-z_][a-z0-9_]*", query.lower()))
    out = {v for v in VIEWS if v in words}
    out |= {t for t in TABLES if f"cells_{t}" in words}
    return out


def connect(
    store: Store,
    names: set[str] | None = None,
    notes: list[ViewNote] | None = None,
    sources: dict[str, ViewSource] | None = None,
) -> Any:
    """A DuckDB connection with the store's views (at least ``names``; all when None), locked down.

    The connection may read only the store's data files (no other file, no network) and its
    settings are locked. Each thread keeps one connection per store while the store's snapshot
    stays the same, adding views as queries need them. ``notes`` gets the warnings of the table views
    named (:func:`table_view`: columns read as text or otherwise), found once per view and kept with it;
    ``sources`` how each table view is shadowed for a plan (:data:`.view_reads.ViewSource`: ``memory.main.<table>``,
    the temporary view dropped after).
    Times with a zone are shown in UTC (the connection's ``TimeZone``), whatever the machine's zone.
    """
    import duckdb

    snap = store.snapshot()
    cache: dict[str, tuple[Snapshot, Any, set[str], dict[str, list[ViewNote]]]] = (
        getattr(_LOCAL, "connections", None) or {}
    )
    _LOCAL.connections = cache
    slot = store.path_of("")
    entry = cache.get(slot)
    if entry is None or entry[0] is not snap or id(entry[1]) not in _KEPT:
        if entry is not None:
            _forget(entry[1])
        con = duckdb.connect(":memory:")
        with _KEPT_LOCK:
            _KEPT[id(con)] = con
        if not store.local:
            con.register_filesystem(store.fs)
        else:
            allowed = ", ".join(literal(f"{store.root.as_posix()}/{d}/") for d in ("tables", "cells"))
            con.execute(f"SET allowed_directories=[{allowed}]")
            con.execute("SET enable_external_access=false")
        con.execute("SET TimeZone='UTC'")
        con.execute("SET lock_configuration=true")
        entry = (snap, con, set(), {})
        cache.pop(slot, None)
        while len(cache) >= CONNECTIONS_PER_THREAD:  # forget the store used longest ago
            _forget(cache.pop(next(iter(cache)))[1])
        cache[slot] = entry
    _snap, con, made, warned = entry
    wanted = set(VIEWS) if names is None else set(names)
    if "cells" in wanted and "cells" not in made:
        con.register("cells", cells_arrow(snap))
        made.add("cells")
    for table in TABLES:
        if table not in wanted:
            continue
        if sources is not None:
            # the database's own name: `main.cycles` would name the temporary view too (temp.main)
            sources[table] = (f"memory.main.{table}", f"DROP VIEW IF EXISTS temp.main.{table}")
        if table in made:
            if notes is not None:
                notes.extend(warned.get(table, []))
            continue
        select, warned[table] = table_view(store, snap, con, table)
        made.add(table)
        if select is None:
            continue
        if notes is not None:
            notes.extend(warned[table])
        con.execute(f"CREATE VIEW {table} AS {select}")
        con.execute(f"CREATE VIEW cells_{table} AS SELECT * FROM {table}")
    if "production" in wanted and "production" not in made:
        made.add("production")
        production = production_arrow(store)
        if production is not None:
            con.register("production", production)
    return con
