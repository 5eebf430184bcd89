"""English inside the values a composed line shows (a file, a span of time, a list of cycles), in Korean.

The Korean of a line keeps its values as the English gave them; a few values hold English words of their own: a
Neware workbook's joined sheets told after its name (``셀.xls (sheets 'Detail_1', 'Detail_2' joined)``, from
:mod:`gwangyang.battery.io.neware_sheets`), a span of days (``1 d 01:00:19``,
:mod:`gwangyang.battery.io.companion_time`), a cycle's row count (``3 (2 rows)``, :mod:`gwangyang.battery.checks`)
and a BioLogic layout read as another version's (``3 (ids as in version 2)``,
:mod:`gwangyang.battery.io.biologic_mpr_data`). :func:`.i18n.phrase` (and ``common.js``) replaces each such piece of
a pattern's groups; the warnings' JSON keeps the English.
"""

from __future__ import annotations

import re

from .phrases import N_, value

VALUE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    value(N_("(sheets %(sheets)s joined)"), sheets=r"'[^']*'(?:, '[^']*')+"),
    value(N_("(sheet %(sheet)s)"), sheet=r"'[^']*'"),
    value(N_("%(days)s d %(clock)s"), days=r"\b\d+", clock=r"\d{2}:\d{2}:\d{2}\b"),
    value(N_("(%(n)s rows)"), n=r"[\d.e+]+"),
    value(N_("(ids as in version %(version)s)"), version=r"[\w.]+"),
)
"""Pieces of English inside values, each with the msgid that translates it."""
