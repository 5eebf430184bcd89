"""English inside the values a composed line shows (a file, a span of time, a list of cycles), in Korean.

The Korean of a line keeps its values as the English gave them; a few values hold English words of their own: a
Neware workbook's joined sheets told after its name (``셀.xls (sheets 'Detail_1', 'Detail_2' joined)``, from
:mod:`gwangyang.battery.io.neware_sheets`), a span of days (``1 d 01:00:19``,
:mod:`gwangyang.battery.io.companion_time`), a cycle's row count (``3 (2 rows)``, :mod:`gwangyang.battery.checks`)
and a BioLogic layout read as another version's (``3 (ids as in version 2)``,
:mod:`gwangyang.battery.io.biologic_mpr_data`); a refusal's place may name its column (``판매.csv: column '주차'``,
the forecast's readers). :func:`.i18n.phrase` (and ``common.js``) replaces each such piece of
a pattern's groups; the warnings' JSON keeps the English.

A name is never translated, even one written like such a piece or a catalogue term: a group in
:data:`NAME_GROUPS` (a cell id, an order id) is kept whole, and so is a piece inside quotes (a policy's name,
``'3 (2 rows)'``) or one a file's extension follows in the value (a file named ``(2 rows).csv``), :func:`in_name`.
"""

from __future__ import annotations

import re

from .phrases import N_, value

NAME_GROUPS: frozenset[str] = frozenset({"cell", "cells", "id", "ids", "policy", "word_cell"})
"""Groups of the patterns that hold names only (cell ids, a policy's text), kept whole; ``common.js`` the same."""

NAMED_TERMS: tuple[str, ...] = ("protocol",)
"""Terms a name group (``word_cell``) may hold in place of a name, the only values of it translated: a charging
policy refused for the twin's protocol, not for a cell (``protocol: charging policy ...``); ``common.js`` the same."""

_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}\b")
"""A file name's extension (``.csv``, ``.xls``, ``.mpr``), which ends a name."""


def in_name(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is part of a name: inside quotes, or followed by a file's extension.

    Examples
    --------
    >>> in_name("(2 rows).csv", 0, 8), in_name("'3 (2 rows)'", 3, 11), in_name("3 (2 rows), 7", 2, 10)
    (True, True, False)
    """
    return text.count("'", 0, start) % 2 == 1 or _EXTENSION.search(text, end) is not None


VALUE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    value(N_("(sheets %(sheets)s joined)"), sheets=r"'[^']*'(?:, '[^']*')+"),
    value(N_("(sheet %(sheet)s)"), sheet=r"'[^']*'"),
    value(N_("%(days)s d %(clock)s"), days=r"\b\d+", clock=r"\d{2}:\d{2}:\d{2}\b"),
    value(N_("(%(n)s rows)"), n=r"[\d.e+]+"),
    value(N_("(ids as in version %(version)s)"), version=r"[\w.]+"),
    # the column a refusal names inside its place, after the file (a forecast table's "판매.csv: column 'week'"); the
    # name kept; ": " before it, so that a field named like one (size_column '검사수') is not read as the word
    value(N_(": column %(column)s"), column=r"'[^']*'|\"[^\"]*\""),
)
"""Pieces of English inside values, each with the msgid that translates it."""
