"""Read-only SQL over one snapshot of the store (DuckDB), and the same tables as Dask dataframes.

Views: ``cells`` (one row per cell: id, lot, vendor, channel, rows, cycles, times, nominal
capacity, ingest time) and ``timeseries``, ``cycles``, ``curves``, ``steps`` (every cell's rows,
with ``cell_id``); ``cells_<table>`` are the same table views under their first names;
``production`` (one row per cell of the production data, see :mod:`.production`).

A query may be limited to some cells (an organisation's, see ``gwangyang.api.orgs``): its views then
hold only those cells' rows, read into memory, and the connection may read no file at all, so the
query cannot reach other cells' rows through ``read_parquet`` either. Its ``production`` view then holds
the production tables of the organisations ``production_orgs`` accepts (see :func:`.production.read`).
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection
from functools import partial
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from ..errors import InputError
from .catalog import TABLES, TYPED
from .snapshot import Snapshot

if TYPE_CHECKING:
    from .store import Store

SQL_MAX_ROWS = 10_000
"""Rows a user's query returns at most (CLI, API) unless told otherwise."""

SQL_TIMEOUT_S = 60.0
"""Seconds a user's query may run (CLI, API) unless told otherwise."""

CONNECTIONS_PER_THREAD = 4
"""Stores whose connection a thread keeps."""

VIEWS = ("cells", *TABLES, "production")
"""The views a query can name."""

VIEW_CACHE_BYTES = 256 * 2**20
"""Bytes of organisation-scoped view tables (Arrow) a process keeps between queries; least recently used go first."""


def _literal(text: str) -> str:
    """A SQL string literal (quotes doubled: a store path may hold one)."""
    return "'" + text.replace("'", "''") + "'"


def _file_list(paths: list[str]) -> str:
    return "[" + ", ".join(_literal(p) for p in paths) + "]"


def cells_arrow(snap: Snapshot) -> pa.Table:
    """The ``cells`` view's rows: the catalog's typed metadata columns."""
    columns: dict[str, Any] = {"cell_id": pa.array(snap.ids.astype(str).tolist(), pa.string())}
    for key, kind in TYPED.items():
        columns[key] = pa.array(snap.column(key), kind, from_pandas=True)
    return pa.table(columns)


def table_view_sql(store: Store, snap: Snapshot, con: Any, table: str) -> str | None:
    """The SELECT behind a table view (None: no cell has that table); registers the dead-row list on ``con``."""
    files = snap.files(table)
    if not files:
        return None
    dead = snap.dead_pairs(table)
    dirty = set(dead["file"]) if len(dead) else set()
    clean = [store.path_of(f) for f in files if f not in dirty]
    parts = []
    if clean:
        parts.append(f"SELECT * FROM read_parquet({_file_list(clean)}, union_by_name=true)")
    if dirty:
        pairs = pa.table(  # files by their path under the root: DuckDB may spell a URL's scheme its own way
            {"file": ["/" + str(f) for f in dead["file"]], "cell_id": dead["cell_id"].astype(str).tolist()}
        )
        con.register(f"_dead_{table}", pairs)
        parts.append(
            "SELECT * EXCLUDE (filename) FROM read_parquet("
            f"{_file_list([store.path_of(f) for f in sorted(dirty)])}, union_by_name=true, filename=true) d "
            f"WHERE NOT EXISTS (SELECT 1 FROM _dead_{table} x WHERE x.cell_id = d.cell_id AND ends_with(d.filename, x.file))"
        )
    return " UNION ALL BY NAME ".join(parts)


_LOCAL = threading.local()
"""Per thread: the store's connection with the views of its latest snapshot (reused while it stays the same)."""


def _wanted(query: str) -> set[str]:
    """The views a query may name (every view whose name occurs as a word; a view too many costs little)."""
    words = set(re.findall(r"[a-z_][a-z0-9_]*", query.lower()))
    out = {v for v in VIEWS if v in words}
    out |= {t for t in TABLES if f"cells_{t}" in words}
    return out


def connect(store: Store, names: set[str] | None = None) -> Any:
    """A DuckDB connection with the store's views (at least ``names``; all when None), locked down.

    The connection may read only the store's data files (no other file, no network) and its
    settings are locked. Each thread keeps one connection per store while the store's snapshot
    stays the same, adding views as queries need them.
    """
    import duckdb

    snap = store.snapshot()
    cache: dict[str, tuple[Snapshot, Any, set[str]]] = getattr(_LOCAL, "connections", None) or {}
    _LOCAL.connections = cache
    slot = store.path_of("")
    entry = cache.get(slot)
    if entry is None or entry[0] is not snap:
        if entry is not None:
            entry[1].close()
        con = duckdb.connect(":memory:")
        if not store.local:
            con.register_filesystem(store.fs)
        else:
            allowed = ", ".join(_literal(f"{store.root.as_posix()}/{d}/") for d in ("tables", "cells"))
            con.execute(f"SET allowed_directories=[{allowed}]")
            con.execute("SET enable_external_access=false")
        con.execute("SET lock_configuration=true")
        entry = (snap, con, set())
        cache.pop(slot, None)
        while len(cache) >= CONNECTIONS_PER_THREAD:  # forget the store used longest ago
            cache.pop(next(iter(cache)))[1].close()
        cache[slot] = entry
    _snap, con, made = entry
    wanted = set(VIEWS) if names is None else set(names)
    if "cells" in wanted and "cells" not in made:
        con.register("cells", cells_arrow(snap))
        made.add("cells")
    for table in TABLES:
        if table not in wanted or table in made:
            continue
        select = table_view_sql(store, snap, con, table)
        made.add(table)
        if select is None:
            continue
        con.execute(f"CREATE VIEW {table} AS {select}")
        con.execute(f"CREATE VIEW cells_{table} AS SELECT * FROM {table}")
    if "production" in wanted and "production" not in made:
        made.add("production")
        production = production_arrow(store)
        if production is not None:
            con.register("production", production)
    return con


def production_arrow(
    store: Store,
    hidden: Collection[str] | None = None,
    visible: Callable[[Any], bool] | None = None,
) -> pa.Table | None:
    """The ``production`` view's rows; None without production data (that ``visible`` accepts).

    ``visible`` picks the parts by their organisation (default: all, as for an admin); ``hidden`` cells'
    rows are left out of the shared parts (cells whose cycling data another organisation owns).
    """
    from .production import part_paths, read

    if not store.local or not part_paths(store, visible):
        return None
    frame = read(store, visible=visible, hidden=hidden)
    return pa.Table.from_pandas(frame, preserve_index=False)


def available_views(store: Store, production_orgs: Callable[[Any], bool] | None = None) -> list[str]:
    """The views that hold rows in the store's current snapshot (in :data:`VIEWS` order).

    ``production`` is among them when a production table of an organisation ``production_orgs`` accepts is
    (default: any).
    """
    from .production import part_paths

    snap = store.snapshot()
    names = ["cells"] if len(snap.ids) else []
    names += [t for t in TABLES if snap.files(t)]
    if store.local and part_paths(store, production_orgs):
        names.append("production")
    return names


class ViewCache:
    """The Arrow tables behind organisation-scoped views, kept between queries (thread-safe, LRU by bytes).

    An entry's key names everything its rows depend on: the store, the exact set of cells (so one
    organisation's tables are never another's), the view, and for ``production`` the manifest's
    stamp, the parts read and the cells left out. Entries of a store live as long as its snapshot:
    the first lookup with another snapshot (a commit, a compaction: the catalog hands out a new
    object) drops them all, so a query after an ingest reads the new rows. A table computed from
    an older snapshot than the current one is not kept.

    Parameters
    ----------
    budget
        Bytes kept at most (:data:`VIEW_CACHE_BYTES`); a larger table is used once and not kept.
    """

    def __init__(self, budget: int = VIEW_CACHE_BYTES) -> None:
        self.budget = budget
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[Any, ...], tuple[pa.Table | None, int]] = OrderedDict()
        self._snapshots: dict[str, Snapshot] = {}
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def _forget(self, slot: str) -> None:
        for key in [k for k in self._entries if k[0] == slot]:
            self._bytes -= self._entries.pop(key)[1]

    def get(
        self, slot: str, snap: Snapshot, key: tuple[Any, ...], make: Callable[[], pa.Table | None]
    ) -> pa.Table | None:
        """The table of ``(slot, *key)`` under ``snap``, made by ``make()`` (outside the lock) on a miss."""
        full = (slot, *key)
        with self._lock:
            if self._snapshots.get(slot) is not snap:
                self._forget(slot)
                self._snapshots[slot] = snap
            if full in self._entries:
                self._entries.move_to_end(full)
                self.hits += 1
                return self._entries[full][0]
            self.misses += 1
        table = make()
        size = 0 if table is None else int(table.nbytes)
        with self._lock:
            if self._snapshots.get(slot) is snap and size <= self.budget and full not in self._entries:
                self._entries[full] = (table, size)
                self._bytes += size
                while self._bytes > self.budget:
                    self._bytes -= self._entries.popitem(last=False)[1][1]
        return table

    def clear(self) -> None:
        """Forget every table."""
        with self._lock:
            self._entries.clear()
            self._snapshots.clear()
            self._bytes = 0

    @property
    def nbytes(self) -> int:
        """Bytes of the tables kept now."""
        return self._bytes


VIEW_CACHE = ViewCache()
"""The process's cache of organisation-scoped view tables (shared by the API's threads)."""


def clear_view_cache() -> None:
    """Forget the organisation-scoped view tables (the next query reads the store's files again)."""
    VIEW_CACHE.clear()


def _scoped_table(store: Store, table: str, live: list[str]) -> pa.Table | None:
    """Every one of ``live``'s rows of ``table`` (from their own row groups), None where none has it."""
    parts = []
    for cell in live:
        try:
            part = store.arrow(cell, table)
        except (InputError, KeyError, LookupError):
            continue  # the cell has no such table
        if "cell_id" not in part.column_names:
            part = part.append_column("cell_id", pa.array([cell] * part.num_rows, pa.string()))
        parts.append(part)
    return pa.concat_tables(parts, promote_options="permissive") if parts else None


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
            database.execute("SET lock_configuration=true")
            _SCOPED[pid] = database
        return database.cursor()


def connect_cells(
    store: Store,
    names: set[str],
    cells: Collection[str],
    production_orgs: Callable[[Any], bool] | None = None,
) -> Any:
    """A connection whose views hold only ``cells``' rows (in memory) and that may read no file.

    Each view named in ``names`` is built from the cells' own row groups (dead rows never read) and
    registered as an Arrow table; external access is off before the query runs, so ``read_parquet``
    and file names in ``FROM`` are refused. ``production`` holds the tables of the organisations
    ``production_orgs`` accepts (default: all), without the shared tables' rows of cells outside ``cells``
    that the store holds cycling data of. The tables are kept in :data:`VIEW_CACHE` for the next query
    with the same cells while the store's snapshot (and production manifest) stay the same; the connection is a
    new one to the process's scoped database (:func:`scoped_connection`), closed by the caller.
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

        con.register("cells", VIEW_CACHE.get(slot, snap, ("cells", keep), own_cells))
    live = [c for c in snap.ids.astype(str) if c in keep]
    for table in TABLES:
        if table not in names:
            continue
        rows = VIEW_CACHE.get(slot, snap, ("table", table, keep), partial(_scoped_table, store, table, live))
        if rows is not None:
            con.register(table, rows)
            con.execute(f"CREATE TEMP VIEW cells_{table} AS SELECT * FROM {table}")
    if "production" in names:
        hidden = frozenset(str(c) for c in snap.ids) - keep
        production = VIEW_CACHE.get(
            slot,
            snap,
            _production_key(store, hidden, production_orgs),
            lambda: production_arrow(store, hidden, production_orgs),
        )
        if production is not None:
            con.register("production", production)
    return con


def check_select(query: str) -> None:
    """Refuse anything but one SELECT statement (InputError)."""
    import duckdb

    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise InputError(f"query: {exc}".splitlines()[0]) from exc
    if len(statements) != 1:
        raise InputError(f"query: expected one SELECT statement, got {len(statements)} statements.")
    if statements[0].type != duckdb.StatementType.SELECT:
        kind = str(statements[0].type).rsplit(".", 1)[-1]
        raise InputError(f"query: the store is read-only here; expected a SELECT statement, got {kind}.")


def run_sql(
    store: Store,
    query: str,
    max_rows: int | None = None,
    timeout_s: float | None = None,
    cells: Collection[str] | None = None,
    production_orgs: Callable[[Any], bool] | None = None,
) -> pd.DataFrame:
    """Run one read-only SELECT over one snapshot of the store; a DataFrame (``attrs['truncated']`` set).

    With ``cells``, the views hold only those cells' rows and no file can be read (:func:`connect_cells`);
    with ``production_orgs`` too, ``production`` holds only the tables of the organisations it accepts.

    Raises
    ------
    InputError
        Not one SELECT, a DuckDB error (unknown view or column ...), or past ``timeout_s``.
    """
    import duckdb

    check_select(query)
    if max_rows is not None and max_rows < 1:
        raise InputError(f"max rows: expected 1 or more, got {max_rows}.")
    names = _wanted(query)  # only the views the query names: each reads its files' footers
    if cells is None and production_orgs is not None:
        cells = store.snapshot().ids.astype(str).tolist()  # every cell, in memory: production filtered
    con = connect(store, names) if cells is None else connect_cells(store, names, cells, production_orgs)
    timer = None
    if timeout_s is not None:
        timer = threading.Timer(timeout_s, con.interrupt)
        timer.daemon = True
        timer.start()
    try:
        result = con.sql(query)
        if max_rows is None:
            df = result.df()
            truncated = False
        else:
            batches_of = getattr(result, "to_arrow_reader", None) or result.fetch_arrow_reader  # DuckDB 2 / 1
            reader = batches_of(min(max_rows + 1, 100_000))
            batches = []
            count = 0
            for batch in reader:
                batches.append(batch)
                count += batch.num_rows
                if count > max_rows:
                    break
            table = pa.Table.from_batches(batches, schema=reader.schema)
            truncated = table.num_rows > max_rows
            df = table.slice(0, max_rows).to_pandas()
        df.attrs["truncated"] = truncated
        return df
    except duckdb.InterruptException as exc:
        raise InputError(f"query: stopped after the time limit of {timeout_s:g} s.") from exc
    except duckdb.Error as exc:
        if "INTERRUPT" in str(exc).upper():
            raise InputError(f"query: stopped after the time limit of {timeout_s:g} s.") from exc
        raise InputError(f"query: {exc}".splitlines()[0]) from exc
    finally:
        if timer is not None:
            timer.cancel()
        if cells is not None:
            con.close()


def dask_table(store: Store, table: str, columns: list[str] | None = None) -> Any:
    """Every cell's rows of ``table`` as a Dask dataframe over the snapshot's files (dead rows dropped).

    Works on a local folder and on any fsspec URL (``s3://...``; pass credentials as the store's
    ``storage_options``). Run it on a cluster with ``dask.distributed.Client`` (which reads
    ``$DASK_SCHEDULER_ADDRESS``).
    """
    import dask.dataframe as dd

    if table not in TABLES:
        raise InputError(f"table: expected one of {', '.join(TABLES)}, got {table!r}.")
    snap = store.snapshot()
    files = snap.files(table)
    if not files:
        raise InputError(f"table {table}: no cell in {store.url or store.root} has it.")
    dead = snap.dead_pairs(table)
    frames = []
    options = {"filesystem": store.fs}
    dirty = set(dead["file"]) if len(dead) else set()
    clean = [store.path_of(f) for f in files if f not in dirty]
    if clean:
        frames.append(dd.read_parquet(clean, columns=columns, **options))
    for file in sorted(dirty):
        gone = set(dead[dead["file"] == file]["cell_id"].astype(str))
        wanted = None if columns is None else list(dict.fromkeys([*columns, "cell_id"]))
        part = dd.read_parquet([store.path_of(file)], columns=wanted, **options)
        part = part[~part["cell_id"].isin(sorted(gone))]
        frames.append(part if columns is None else part[columns])
    return frames[0] if len(frames) == 1 else dd.concat(frames)
