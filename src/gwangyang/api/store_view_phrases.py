"""The store's SQL views: a column read as text because some cells hold it as text and others as numbers.

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
)
"""The views' warnings, each pattern made from its msgid."""
