"""The store's SQL views: a column read as text (text in some cells, numbers in others), times read as UTC, refusals.

:mod:`gwangyang.store.view_notes` words one warning per such column (the query's ``warnings``): the table, the
column, how many files hold it as text and as the other types, example cells and one file of each. The names,
types, counts and paths stay as the English gave them. :mod:`.i18n` tries these before :data:`.battery_phrases.BATTERY_PHRASES`.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

_N = r"\d+"
_TYPES = r"[\w\[\], /:]+"

STORE_VIEW_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.store.view_notes.mixed_warning
    phrase(
        N_(
            "table %(table)s: column %(column)s is text in %(text_files)s file(s) (cells %(text_cells)s: "
            "%(text_file)s) and %(types)s in %(other_files)s file(s) (cells %(other_cells)s: %(other_file)s): the "
            "view reads it as text (numbers as DuckDB writes them: 7, 1.0, true)."
        ),
        table=r"\w+",
        text_files=_N,
        types=_TYPES,
        other_files=_N,
    ),
    # gwangyang.store.union_types: times without a zone beside zoned ones (a warning)
    phrase(
        N_(
            "table %(table)s: column %(column)s has times without a zone in %(naive_files)s file(s) (%(naive)s) "
            "and with one in %(aware_files)s (%(aware)s): the view reads those without a zone as UTC."
        ),
        table=r"\w+",
        naive_files=_N,
        aware_files=_N,
    ),
    # gwangyang.store.union_types: refusals where a query reads the column
    phrase(
        N_(
            "table %(table)s: column %(column)s is uint64 in %(file)s (values past %(limit)s, or not known from its "
            "statistics) and a signed integer in %(other)s: no integer type holds both exactly (DuckDB would read "
            "HUGEINT, pandas float64): write the column as one type."
        ),
        table=r"\w+",
        limit=_N,
    ),
    phrase(
        N_("table %(table)s: column %(column)s has types that do not combine: %(files)s."),
        table=r"\w+",
    ),
)
"""The views' warnings, each pattern made from its msgid."""
