"""Which columns a query reads from the views' data: the warnings of a view are given only about those.

A table view's warnings (:mod:`.view_notes`) are each about one column (read as text, or times read as
UTC). :func:`notes_read` keeps those whose column the query reads: DuckDB's plan (``EXPLAIN (FORMAT JSON)``)
names, for every scan of a file or an Arrow table, the columns it projects and the filters pushed into it.
Where the plan cannot be had or read (another DuckDB, a plan of another form), every warning is kept: a
warning too many, never one too few.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .view_notes import ViewNote

_SCAN_KEYS = ("Projections", "Filters")
"""What a scan's ``extra_info`` says about the columns it reads."""


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


def read_texts(con: Any, query: str) -> list[str] | None:
    """What the scans of the query's plan say they read (projected columns, filters); None: no plan to read."""
    import duckdb

    try:
        rows = con.execute(f"EXPLAIN (FORMAT JSON) {query}").fetchall()
        plan = json.loads(rows[0][1])
        texts: list[str] = []
        for info in _scans(plan if isinstance(plan, list) else [plan]):
            for key in _SCAN_KEYS:
                texts.extend(_texts(info.get(key)))
        return texts
    except (duckdb.Error, ValueError, IndexError, TypeError, KeyError):
        return None


def _named(column: str, texts: Sequence[str]) -> bool:
    """Whether a column's name is one of the texts, or a word of one (a filter: ``(등급 = 'A')``)."""
    word = re.compile(r'(?<![\w"])"?' + re.escape(column) + r'"?(?![\w"])')
    return any(text == column or word.search(text) for text in texts)


def notes_read(con: Any, query: str, notes: Sequence[ViewNote]) -> list[str]:
    """The lines of ``notes`` whose column the query reads (all of them when its plan cannot be read).

    A column of the same name read from another table keeps the note too (a scan does not name its view).
    """
    if not notes:
        return []
    texts = read_texts(con, query)
    kept = notes if texts is None else [n for n in notes if _named(n[1], texts)]
    return list(dict.fromkeys(line for _table, _column, line in kept))
