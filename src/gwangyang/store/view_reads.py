"""Which columns a query reads from the views' data: the warnings of a view are given only about those.

A table view's warnings (:mod:`.view_notes`) are each about one column (read as text, or times read as
UTC). :func:`notes_read` keeps those whose column the query reads: DuckDB's plan (``EXPLAIN (FORMAT JSON)``)
names, for every scan of a file or an Arrow table, the columns it projects and the filters pushed into it.
Where the plan cannot be had or read (another DuckDB, a plan of another form), every warning is kept: a
warning too many, never one too few.

A scan does not name its view (nor its files), so a column of the same name in another view the query may
read (``cells``, another table) is told apart by planning the query again with the warned view's column
made a constant (:func:`_view_reads`, a temporary view shadowing the view for one ``EXPLAIN``): the view's
column is read when fewer scans name it then.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from .view_notes import ViewNote

_SCAN_KEYS = ("Projections", "Filters")
"""What a scan's ``extra_info`` says about the columns it reads."""

ViewSource = tuple[str, str]
"""How to shadow a table view for one plan: a FROM item reading its rows without naming the view
(``memory.main.cycles``, ``(SELECT ... FROM _rows_cycles_<random>)``), and the statement that puts the view back."""


def _texts(value: Any) -> Iterator[str]:
    """Every string in a plan's value (a string, or lists and mappings of them)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _scans(nodes: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """The ``extra_info`` of every operator of a JSON plan that reads data (no children)."""
    for node in nodes:
        if not isinstance(node, dict):
            raise ValueError("plan: expected operators as objects")
        children = node.get("children") or []
        info = node.get("extra_info") or {}
        if not children and isinstance(info, dict):
            yield info
        yield from _scans(children)


def read_texts(con: Any, query: str) -> list[list[str]] | None:
    """What each scan of the query's plan says it reads (projected columns, filters); None: no plan to read."""
    import duckdb

    try:
        rows = con.execute(f"EXPLAIN (FORMAT JSON) {query}").fetchall()
        plan = json.loads(rows[0][1])
        scans: list[list[str]] = []
        for info in _scans(plan if isinstance(plan, list) else [plan]):
            scans.append([text for key in _SCAN_KEYS for text in _texts(info.get(key))])
        return scans
    except (duckdb.Error, ValueError, IndexError, TypeError, KeyError):
        return None


def _named(column: str, texts: Sequence[str]) -> bool:
    """Whether a column's name is one of the texts, or a word of one (a filter: ``(등급 = 'A')``)."""
    word = re.compile(r'(?<![\w"])"?' + re.escape(column) + r'"?(?![\w"])')
    return any(text == column or word.search(text) for text in texts)


def _reading(scans: Sequence[Sequence[str]], column: str) -> int:
    """How many scans name the column."""
    return sum(1 for texts in scans if _named(column, texts))


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _view_reads(con: Any, query: str, table: str, column: str, scans: int, source: ViewSource) -> bool:
    """Whether the query reads ``column`` of the view ``table``, ``scans`` scans of its plan naming the column.

    Only another view holding a column of that name (``_``-named tables are the views' own) makes it a
    question: then the view is shadowed by a temporary one whose column is a constant, the query planned
    again, and the view put back; fewer scans naming the column means the view's is read. Any error: True.
    """
    import duckdb

    try:
        holders = con.execute(
            "SELECT table_name, data_type FROM duckdb_columns() WHERE NOT internal AND lower(column_name) = lower(?)",
            [column],
        ).fetchall()
    except duckdb.Error:
        return True
    kind = next((k for t, k in holders if t == table), None)
    others = [t for t, _k in holders if t not in (table, f"cells_{table}") and not t.startswith("_")]
    if kind is None or not others:
        return True
    from_item, restore = source
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {table} AS "
            f"SELECT * REPLACE (CAST(NULL AS {kind}) AS {_quoted(column)}) FROM {from_item}"
        )
    except duckdb.Error:
        return True
    try:
        shadowed = read_texts(con, query)
    finally:
        con.execute(restore)  # not caught: a view left shadowed must answer no query
    return shadowed is None or _reading(shadowed, column) < scans


def notes_read(
    con: Any, query: str, notes: Sequence[ViewNote], sources: Mapping[str, ViewSource] | None = None
) -> list[str]:
    """The lines of ``notes`` whose column the query reads (all of them when its plan cannot be read).

    With the view's ``sources`` (:data:`ViewSource`), a column of the same name read from another view (a
    scan does not name its view) is told apart; without, it keeps the note too.
    """
    if not notes:
        return []
    scans = read_texts(con, query)
    if scans is None:
        return list(dict.fromkeys(line for _table, _column, line in notes))
    kept = []
    for table, column, line in notes:
        count = _reading(scans, column)
        if not count:
            continue
        source = None if sources is None else sources.get(table)
        if source is None or _view_reads(con, query, table, column, count, source):
            kept.append(line)
    return list(dict.fromkeys(kept))
