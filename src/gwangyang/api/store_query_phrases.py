"""The store's guarded SQL runner's refusals as the query page shows them (:mod:`gwangyang.store.query`).

The view's name and DuckDB's own tail (``LINE 1: ...``) stay as they are. :mod:`.i18n` tries them after
:data:`.battery_phrases.BATTERY_PHRASES`.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

STORE_QUERY_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.store.query: the guarded SQL runner
    phrase(N_("query: the store is read-only here")),
    phrase(N_("expected a SELECT statement, got %(kind)s."), kind=r"\w+"),
    phrase(N_("query: no view named %(name)s"), name=r"'[^']*'"),
    phrase(
        N_("query: view %(name)s holds no rows here yet (views with rows: %(rows)s)."),
        name=r"'[^']*'",
        rows=r"[\w, ]+",
    ),
    phrase(
        N_("query: view %(name)s holds no rows here yet (the store holds no cells yet)."), name=r"'[^']*'"
    ),
    phrase(N_("query: view %(name)s holds no rows here yet."), name=r"'[^']*'"),
    phrase(N_("expected one of %(views)s (views with rows: %(rows)s)."), views=r"[\w, ]+", rows=r"[\w, ]+"),
    phrase(N_("expected one of %(views)s (the store holds no cells yet)."), views=r"[\w, ]+"),
    phrase(N_("expected one of %(views)s."), views=r"[\w, ]+"),
    phrase(N_("query: stopped after the time limit of %(s)s s."), s=r"\S+"),
    phrase(
        N_("query: %(name)s is a table behind the store's views, not one to query: name the view %(view)s."),
        name=r"\S+",
        view=r"\w+",
    ),
    phrase(
        N_(
            "query: %(name)s is a table behind the store's views, not one to query: name one of the views "
            "(%(views)s)."
        ),
        name=r"\S+",
        views=r"[\w, ]+",
    ),
    phrase(
        N_("query: Binder Error: Referenced column %(name)s not found in FROM clause!%(rest)s"),
        name='"[^"]*"',
        rest=r".*",
    ),
    phrase(N_("query: Parser Error: syntax error at or near %(near)s%(rest)s"), near='"[^"]*"', rest=r".*"),
    phrase(N_("query: Parser Error: syntax error at end of input%(rest)s"), rest=r".*"),
)
"""Patterns of the SQL runner's refusals, each with the msgid that translates it."""
