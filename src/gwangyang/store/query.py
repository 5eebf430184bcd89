"""Read-only SQL over one snapshot of the store (DuckDB): one SELECT, guarded by a row limit and a time limit.

:func:`run_sql` refuses anything but one SELECT (:func:`check_select`), runs it on the store's views
(:func:`.views.connect`, every cell) or on an organisation's (:func:`.scoped_views.connect_cells`, some
cells, in memory, no file read), stops it past ``timeout_s`` (DuckDB's interrupt) and returns at most
``max_rows`` rows. :data:`SQL_MAX_ROWS` and :data:`SQL_TIMEOUT_S` are the CLI's and API's defaults.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from ..errors import InputError
from .catalog import TABLES
from .production_views import available_views
from .scoped_views import ROWS_PREFIX, connect_cells
from .view_notes import ViewNote
from .view_reads import ViewSource, notes_read
from .view_sql import REFUSED
from .views import VIEWS, connect, wanted_views

if TYPE_CHECKING:
    from .store import Store

SQL_MAX_ROWS = 10_000
"""Rows a user's query returns at most (CLI, API) unless told otherwise."""

SQL_TIMEOUT_S = 60.0
"""Seconds a user's query may run (CLI, API) unless told otherwise."""


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
    _check_own_names(query)


OWN_PREFIXES = (ROWS_PREFIX, "_dead_")
"""Names of the tables behind the views (an organisation's rows, a table's dead rows): no query names them."""


def _check_own_names(query: str) -> None:
    """Refuse a query naming a table behind the views (an identifier starting with :data:`OWN_PREFIXES`).

    Read from DuckDB's tokens, so a quoted name (``"_ROWS_cycles"``) counts and a string or a comment does not;
    an organisation's rows are registered under a name no query can know besides
    (:data:`.scoped_views.ROWS_PREFIX`), so a name put together in a string reaches nothing either.
    """
    import duckdb

    try:
        tokens = duckdb.tokenize(query)
    except duckdb.Error:
        return  # DuckDB's own error follows when the query runs
    ends = [start for start, _kind in tokens[1:]] + [len(query)]
    for (start, kind), end in zip(tokens, ends, strict=True):
        if kind != duckdb.token_type.identifier:
            continue
        word = query[start:end].strip()
        if word.startswith('"') and word.endswith('"') and len(word) > 1:
            word = word[1:-1].replace('""', '"')
        own = next((p for p in OWN_PREFIXES if word.lower().startswith(p)), None)
        if own is not None:
            rest = word.lower().removeprefix(own)
            table = next((t for t in TABLES if rest == t or rest.startswith(t + "_")), None)
            view = f"the view {table}" if table else f"one of the views ({', '.join(VIEWS)})"
            raise InputError(
                f"query: {word} is a table behind the store's views, not one to query: name {view}."
            )


def run_sql(
    store: Store,
    query: str,
    max_rows: int | None = None,
    timeout_s: float | None = None,
    cells: Collection[str] | None = None,
    production_orgs: Callable[[Any], bool] | None = None,
) -> pd.DataFrame:
    """Run one read-only SELECT over one snapshot of the store; a DataFrame (``attrs['truncated']`` set).

    ``attrs['warnings']``: one line per column the query reads (:mod:`.view_reads`) of a view it names that
    is text in some cells' files and numbers in others' (read as text, as DuckDB's ``union_by_name`` reads
    it; :mod:`.view_notes`), or whose times without a zone are read as UTC.

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
    names = wanted_views(query)  # only the views the query names: each reads its files' footers
    if cells is None and production_orgs is not None:
        cells = store.snapshot().ids.astype(str).tolist()  # every cell, in memory: production filtered
    notes: list[
        ViewNote
    ] = []  # columns the views read as text (text in some cells' files, numbers in others')
    sources: dict[str, ViewSource] = {}  # how each table view is shadowed to tell its columns from others'
    con = (
        connect(store, names, notes, sources)
        if cells is None
        else connect_cells(store, names, cells, production_orgs, notes, sources)
    )
    try:  # planned before the time limit starts: an interrupted check could leave a view shadowed
        warned = notes_read(con, query, notes, sources)  # only the columns the query reads
    except BaseException:
        if cells is not None:
            con.close()
        raise
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
            # Equal strings stay separate objects: pyarrow's default hashes every string to share them,
            # which doubled the conversion of a 10^6-row answer (same values and dtypes either way).
            df = table.slice(0, max_rows).to_pandas(deduplicate_objects=False)
        df.attrs["truncated"] = truncated
        df.attrs["warnings"] = warned
        return df
    except duckdb.InterruptException as exc:
        raise InputError(f"query: stopped after the time limit of {timeout_s:g} s.") from exc
    except duckdb.Error as exc:
        if "INTERRUPT" in str(exc).upper():
            raise InputError(f"query: stopped after the time limit of {timeout_s:g} s.") from exc
        refused = str(exc).find(REFUSED)
        if refused >= 0:  # a column whose types combine neither way, read by the query
            raise InputError(str(exc)[refused + len(REFUSED) :].splitlines()[0]) from exc
        missing = re.search(r"Table with name (\S+) does not exist", str(exc))
        if missing:
            raise InputError(
                _no_view(store, missing.group(1), production_orgs, scoped=cells is not None)
            ) from exc
        raise InputError(f"query: {exc}".splitlines()[0]) from exc
    finally:
        if timer is not None:
            timer.cancel()
        if cells is not None:
            con.close()


def _no_view(store: Store, name: str, production_orgs: Callable[[Any], bool] | None, scoped: bool) -> str:
    """The one-line error for a query naming a view the connection lacks: unknown, or known and empty.

    Which views hold rows is said for the whole store only; a query scoped to some cells (an
    organisation's) is not told what the rest of the store holds.
    """
    if scoped:
        has = ""
    else:
        holding = available_views(store, production_orgs)
        has = f" ({'views with rows: ' + ', '.join(holding) if holding else 'the store holds no cells yet'})"
    if name.lower().removeprefix("cells_") in VIEWS:
        return f"query: view {name!r} holds no rows here yet{has}."
    return f"query: no view named {name!r}; expected one of {', '.join(VIEWS)}{has}."
