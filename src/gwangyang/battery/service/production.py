"""Production data (end-of-line and formation measurements per cell) and read-only SQL over the store.

Each production table belongs to the organisation that ingested it (None: shared), as cells do. The reads
take ``visible``, the reader's test of an organisation (``gwangyang.api.orgs.Scope.sees``; None: every
organisation's, as for the CLI and an admin): a reader sees the tables of the organisations it accepts,
without the shared tables' rows of cells whose cycling data belongs to an organisation it does not see.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import InputError, NotFoundError
from ...files import jsonable
from ...store import Store
from .common import cached

if TYPE_CHECKING:
    import pandas as pd

Visible = Callable[[Any], bool]
"""A reader's test of an organisation (None stands for shared data); see :data:`gwangyang.store.production.Visible`."""

SQL_MAX_ROWS = 1000
"""Most rows a read-only query returns (the query box and ``POST /api/v1/battery/sql``)."""

SQL_TIME_LIMIT_S = 10.0
"""Seconds a read-only query may run before it is stopped."""

SCREEN_THREADS = min(4, os.cpu_count() or 1)
"""Lots screened at once by the service (threads; the result does not depend on it)."""


def cell_orgs(store: Store) -> dict[str, Any]:
    """Each stored cell's organisation (None: shared), remembered until the cells change."""
    owners: dict[str, Any] = cached(
        store, "cell-orgs", lambda: {meta["cell_id"]: meta.get("org") for meta in store.metas()}
    )
    return owners


def _hidden(store: Store, visible: Visible | None) -> set[str]:
    """The cells whose cycling data belongs to an organisation ``visible`` refuses (none for None)."""
    if visible is None:
        return set()
    return {str(cell) for cell, org in cell_orgs(store).items() if not visible(org)}


def _cycling(store: Store, visible: Visible | None) -> set[str]:
    """The ids of the cells with cycling data the reader sees."""
    if visible is None:
        return {str(c) for c in store.cells()["cell_id"]}
    return {str(cell) for cell, org in cell_orgs(store).items() if visible(org)}


def production_frame(
    store: Store, visible: Visible | None = None, columns: list[str] | None = None
) -> pd.DataFrame:
    """The production rows a reader sees, one per cell (see :func:`gwangyang.store.production.read`)."""
    from ...store import production as dataset

    return dataset.read(store, columns, visible=visible, hidden=_hidden(store, visible) or None)


def mixed_notes(
    store: Store, visible: Visible | None = None, outcome: str = "read as text here"
) -> list[str]:
    """One note per column whose kinds differ between the production tables ``visible`` accepts (read as text), ending in ``outcome``."""
    from ...store import production as dataset
    from ..production import kind

    notes = []
    for column, types in dataset.mixed_columns(store, visible).items():
        kinds = list(dict.fromkeys(kind(t) for t in types if kind(t) != "none"))
        held = " and ".join(kinds) if len(kinds) > 1 else " and ".join(map(str, types))
        notes.append(f"column {column!r}: {held} in different production tables; {outcome}.")
    return notes


def ingest_production(
    store: Store,
    table: Path,
    id_column: str | None = None,
    source: str | None = None,
    org: str | None = None,
    visible: Visible | None = None,
) -> dict[str, Any]:
    """Keep a production table (end-of-line and formation measurements per cell) in the store's production data.

    The same file twice from one organisation is a no-op (content hash). Columns with canonical meanings are
    renamed (and converted to the canonical unit), every other column kept and listed; cells are matched with
    the store's cycling data by ``cell_id``. The table is organisation ``org``'s (None: shared); the counts
    of the answer are of what ``visible`` lets the ingesting user see (None: everything).

    Returns
    -------
    dict
        ``source``, ``hash``, ``appended``, ``rows``, ``columns`` (renamed, converted, measurements,
        extra_numeric, extra_text), ``warnings``, ``remeasured`` (cells already in the production data,
        whose rows this table replaces), ``cells_with_cycling_data`` and ``dataset`` (tables, cells).

    Raises
    ------
    InputError
        A missing file or id column, a duplicated or empty cell id, a non-number in a numeric column, a
        column whose kind (number, text, time) differs from that of the stored production data whose readers
        would read the two together (:func:`.production_kinds.kinds_scope`): organisation ``org``'s own tables and the shared ones,
        or every table for a shared one (``org`` None). Another organisation's tables never refuse an
        organisation's, and the message names no table. Checked again under the store's write lock, so of
        two racing uploads with other kinds of one column one is refused. A code column (digit text
        beside whole numbers) is not refused but kept as text, with a warning (:mod:`.production_kinds`).
    CellConflictError
        A cell id that another organisation's table holds (or the shared data's, for an organisation).
    """
    import pandas as pd

    from ...store import production as dataset
    from ..io.base import file_hash
    from ..production import read_production_table
    from .production_kinds import kinds_check

    path = Path(table)
    name = source or path.name
    if not path.is_file():
        raise InputError(f"{name}: no such file.")
    digest = file_hash(path)
    known = dataset.find(store, digest, org)
    if known is not None:
        return {
            "source": name,
            "hash": digest,
            "appended": False,
            "rows": known.rows,
            "note": f"{name}: already in the production data (from {known.source}, {known.ingested_at}); "
            "nothing appended.",
            "warnings": [],
        }
    checked = read_production_table(path, id_column)
    check = kinds_check(store, checked, name, org)
    check(dataset.parts(store))  # early: a table of the wrong kinds is refused before anything else is read
    previous = set(production_frame(store, visible, columns=[])[dataset.ID_COLUMN])
    part, appended = dataset.append(store, checked.frame, name, digest, org, check=check)
    ids = checked.frame[dataset.ID_COLUMN]
    cycling = _cycling(store, visible)
    all_ids = previous | set(ids)
    return jsonable(
        {
            "source": name,
            "hash": digest,
            "appended": appended,
            "rows": part.rows,
            "columns": checked.columns_report(),
            "warnings": checked.warnings,
            "remeasured": int(ids.isin(previous).sum()),
            "cells_with_cycling_data": int(pd.Series(list(all_ids)).isin(cycling).sum()) if all_ids else 0,
            "dataset": {"tables": len(dataset.parts(store, visible)), "cells": len(all_ids)},
        }
    )


def production_overview(store: Store, limit: int = 20, visible: Visible | None = None) -> dict[str, Any]:
    """The production data kept: its tables (each with its ``org``), cells, columns, the cells with cycling data, the first ``limit`` rows.

    Only what ``visible`` lets the reader see (default: everything). ``notes``: the columns read as text
    because their kinds differ between the tables read (:func:`mixed_notes`).
    """
    from ...store import production as dataset

    frame = production_frame(store, visible)
    cycling = _cycling(store, visible)
    return jsonable(
        {
            "tables": [p.to_dict() for p in dataset.parts(store, visible)],
            "cells": len(frame),
            "columns": [str(c) for c in frame.columns],
            "cells_with_cycling_data": int(frame[dataset.ID_COLUMN].isin(cycling).sum()) if len(frame) else 0,
            "rows": frame.head(limit).to_dict(orient="records"),
            "notes": mixed_notes(store, visible),
        }
    )


def screen_production(
    store: Store,
    columns: list[str] | None = None,
    z_threshold: float = 3.5,
    contamination: float | None = None,
    n_jobs: int = SCREEN_THREADS,
    visible: Visible | None = None,
) -> dict[str, Any]:
    """Screen the store's production data (one row per cell; lots compared within themselves when a ``lot`` column is kept).

    Measurements: ``columns``, or every numeric column; a column empty in every cell is left out with a note.
    Only the rows ``visible`` lets the reader see (default: all); none is the ``NotFoundError`` of an empty store.
    """
    from ...store import production as dataset
    from ..quality.screening import screen

    frame = production_frame(store, visible)
    if frame.empty:
        raise NotFoundError(
            f"production data: none in store {store.root} (run `gwangyang battery production ingest TABLE`)."
        )
    lot = "lot" if "lot" in frame.columns and frame["lot"].notna().any() else None
    notes = []
    if columns is None:
        import pandas as pd

        numeric = [
            c
            for c in frame.columns
            if c not in (dataset.ID_COLUMN, lot) and pd.api.types.is_numeric_dtype(frame[c])
        ]
        empty = [c for c in numeric if frame[c].isna().all()]
        columns = [c for c in numeric if c not in empty]
        notes += [f"column {c!r}: empty in every cell, not screened." for c in empty]
        notes += mixed_notes(store, visible, "read as text, not screened")
    result = screen(
        frame,
        dataset.ID_COLUMN,
        lot,
        columns,
        z_threshold=z_threshold,
        contamination=contamination,
        source="production data",
        n_jobs=n_jobs,
    )
    document: dict[str, Any] = jsonable(result.to_dict())
    document["notes"] = notes + document["notes"]
    return document


def query_store(
    store: Store,
    query: str,
    max_rows: int = SQL_MAX_ROWS,
    time_limit_s: float = SQL_TIME_LIMIT_S,
    cells: Collection[str] | None = None,
    visible: Visible | None = None,
) -> dict[str, Any]:
    """Run one read-only SELECT over the store's views (see :meth:`Store.sql`), at most ``max_rows`` rows and ``time_limit_s`` seconds.

    The connection is private, in memory, and may read only the store's files (with ``cells``: only
    those cells' rows, and no file at all); a query running past the time limit is interrupted. With
    ``visible``, the view ``production`` holds the rows of the production tables it accepts only (and
    of the shared ones, no cell outside ``cells`` that has cycling data).

    Returns
    -------
    dict
        ``columns``, ``rows`` (lists, JSON-ready), ``row_count``, ``truncated`` (more rows than
        ``max_rows``), ``max_rows``, ``seconds``, ``views``, ``notes`` (for a query naming ``production``:
        its columns read as text, :func:`mixed_notes`), ``warnings`` (each column of a table view the query
        names that is text in some cells' files and numbers in others', read as text: :mod:`gwangyang.store.view_notes`).

    Raises
    ------
    InputError
        Not one SELECT statement, a DuckDB error in the query, or the time limit reached.
    """
    import time

    if not 1 <= max_rows <= 100_000:
        raise InputError(f"max_rows: expected 1 to 100000, got {max_rows}.")
    if not 0 < time_limit_s <= 600:
        raise InputError(f"time_limit_s: expected more than 0 and at most 600 s, got {time_limit_s}.")
    text = (query or "").strip().rstrip(";").strip()
    if not text:
        raise InputError("query: expected one SELECT statement, got nothing.")
    start = time.perf_counter()
    frame = store.sql(text, max_rows=max_rows, timeout_s=time_limit_s, cells=cells, production_orgs=visible)
    seconds = time.perf_counter() - start
    return {
        "columns": [str(c) for c in frame.columns],
        "rows": jsonable([[_plain(v) for v in row] for row in frame.to_dict(orient="split")["data"]]),
        "row_count": len(frame),
        "truncated": bool(frame.attrs.get("truncated", False)),
        "max_rows": max_rows,
        "seconds": round(seconds, 4),
        "views": sql_views(store, visible),
        "notes": mixed_notes(store, visible, "text in the view production")
        if "production" in text.lower()
        else [],
        "warnings": list(frame.attrs.get("warnings", [])),
    }


def _plain(value: Any) -> Any:
    """A DuckDB HUGEINT or DECIMAL (a ``Decimal`` here) as the JSON number it is; other values as they are."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def sql_views(store: Store, visible: Visible | None = None) -> list[str]:
    """Names of the views a query over this store may use (those with data; ``production``: data ``visible`` accepts)."""
    return store.views(visible)


def sql_example(views: list[str]) -> str:
    """A query to start from on the fleet page: the first rows of the first view."""
    return f"SELECT * FROM {views[0]} LIMIT 20" if views else "SELECT 42 AS answer"
