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

from ..errors import InputError
from .catalog import TABLES, TYPED
from .production_views import production_arrow
from .snapshot import Snapshot
from .table_union import read_footers, union_of
from .view_notes import file_examples, mixed_warnings

if TYPE_CHECKING:
    from .store import Store

CONNECTIONS_PER_THREAD = 4
"""Stores whose connection a thread keeps."""

VIEWS = ("cells", *TABLES, "production")
"""The views a query can name."""


def _literal(text: str) -> str:
    """A SQL string literal (quotes doubled: a store path may hold one)."""
    return "'" + text.replace("'", "''") + "'"


def _file_list(paths: list[str]) -> str:
    return "[" + ", ".join(_literal(p) for p in paths) + "]"


def cells_arrow(snap: Snapshot) -> pa.Table:
    """The ``cells`` view's rows: the catalog's typed metadata columns."""
    columns: dict[str, Any] = {"cell_id": pa.array(snap.ids.astype(str).to_numpy(dtype=object), pa.string())}
    for key, kind in TYPED.items():
        columns[key] = snap.array(key, kind)
    return pa.table(columns)


_READ_OPTIONS = "union_by_name=true, hive_partitioning=false"
"""How a table view reads its files: columns by name, and none from the folders' names.

The folders ``lot=<lot>`` and ``bucket=<bb>`` (see :mod:`.datafiles`) are where a file is, not the cells'
columns: DuckDB's hive detection would add ``lot`` while only appended files exist, ``lot`` and
``bucket`` once a lot is compacted, and neither when both kinds mix, so ``SELECT *`` changed with
compaction. A view holds the cells' own columns (as an organisation's views, :mod:`.scoped_views`); a
cell's lot is in ``cells``.
"""


def table_view_sql(store: Store, snap: Snapshot, con: Any, table: str) -> str | None:
    """The SELECT behind a table view (None: no cell has that table); registers the dead-row list on ``con``.

    The view's columns are the cells' own (their union by name), the same before and after compaction.
    """
    files = snap.files(table)
    if not files:
        return None
    dead = snap.dead_pairs(table)
    dirty = set(dead["file"]) if len(dead) else set()
    clean = [store.path_of(f) for f in files if f not in dirty]
    parts = []
    if clean:
        parts.append(f"SELECT * FROM read_parquet({_file_list(clean)}, {_READ_OPTIONS})")
    if dirty:
        pairs = pa.table(  # files by their path under the root: DuckDB may spell a URL's scheme its own way
            {"file": ["/" + str(f) for f in dead["file"]], "cell_id": dead["cell_id"].astype(str).tolist()}
        )
        con.register(f"_dead_{table}", pairs)
        parts.append(
            "SELECT * EXCLUDE (filename) FROM read_parquet("
            f"{_file_list([store.path_of(f) for f in sorted(dirty)])}, {_READ_OPTIONS}, filename=true) d "
            f"WHERE NOT EXISTS (SELECT 1 FROM _dead_{table} x WHERE x.cell_id = d.cell_id AND ends_with(d.filename, x.file))"
        )
    return " UNION ALL BY NAME ".join(parts)


def table_view_warnings(store: Store, snap: Snapshot, table: str) -> list[str]:
    """Warnings for the table view: each column that is text in some files and numbers in others.

    DuckDB's ``union_by_name`` makes such a column text without a word; the files' footers (read a few at
    a time, in the view's order: clean files, then those holding dead rows) tell which, by the same type
    rules (:func:`.table_union.union_of`). A footer that does not read, or types that combine neither way, are
    left to the query's own error.
    """
    files = snap.files(table)
    if not files:
        return []
    dead = snap.dead_pairs(table)
    dirty = set(dead["file"]) if len(dead) else set()
    ordered = [f for f in files if f not in dirty] + sorted(dirty)
    try:
        footers = read_footers(store.fs, [store.path_of(f) for f in ordered], store.local)
    except (OSError, ValueError):  # a missing or damaged file: the query names it when it reads it
        return []
    try:
        union = union_of(table, list(zip(ordered, footers, strict=True)), warn=False)
    except (
        InputError
    ):  # types that combine neither way (a timestamp beside a number): DuckDB's own error says
        return []
    if not union.mixed:
        return []
    holders: dict[str, list[str]] = {}
    for cell, file in zip(snap.ids.astype(str), snap.column(f"{table}_file"), strict=True):
        if isinstance(file, str):
            holders.setdefault(file, []).append(cell)

    def cells_of(file: str) -> list[str]:  # a live file holds some live cell's rows
        return holders.get(file, [])

    return mixed_warnings(table, union.mixed, lambda names: file_examples(names, cells_of))


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


def connect(store: Store, names: set[str] | None = None, notes: list[str] | None = None) -> Any:
    """A DuckDB connection with the store's views (at least ``names``; all when None), locked down.

    The connection may read only the store's data files (no other file, no network) and its
    settings are locked. Each thread keeps one connection per store while the store's snapshot
    stays the same, adding views as queries need them. ``notes`` gets the warnings of the table views
    named (:func:`table_view_warnings`: columns read as text), found once per view and kept with it.
    """
    import duckdb

    snap = store.snapshot()
    cache: dict[str, tuple[Snapshot, Any, set[str], dict[str, list[str]]]] = (
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
            allowed = ", ".join(_literal(f"{store.root.as_posix()}/{d}/") for d in ("tables", "cells"))
            con.execute(f"SET allowed_directories=[{allowed}]")
            con.execute("SET enable_external_access=false")
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
        if table in made:
            if notes is not None:
                notes.extend(warned.get(table, []))
            continue
        select = table_view_sql(store, snap, con, table)
        made.add(table)
        if select is None:
            continue
        warned[table] = table_view_warnings(store, snap, table)
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
