"""A Neware file refused by its reader, as the battery pages show it.

The readers of ``.nda``/``.ndax``, BTS CSV, record tables and workbooks.

Split from :mod:`.reader_vendor_phrases` (whose :data:`~.reader_vendor_phrases.VENDOR_PHRASES` takes these patterns
in their place, between BioLogic's and Novonix's, so the order in which lines are tried is unchanged). Each names the
file first; columns, lines and values stay as the reader wrote them.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

_N = r"\d+"
_G = r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?"
"""A number as ``:g`` writes it (``7``, ``2.5``, ``1.23457e+06``)."""
_Q = r"'[^']*'"

NEWARE_TEXT_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.battery.io.neware, neware_bts, neware_record, neware_xlsx
    phrase(N_("%(file)s: NewareNDA gave no current column.")),
    phrase(N_("%(file)s: NewareNDA gave no %(name)s column.")),
    phrase(N_("%(file)s: Neware .ndax file is truncated or damaged (no zip directory at its end).")),
    phrase(N_("%(file)s: Neware .nda file is truncated (its header records a longer file).")),
    phrase(N_("%(file)s: Neware .%(kind)s file holds no records."), kind=r"ndax?"),
    phrase(N_("%(file)s: not a readable Neware .%(kind)s file (%(why)s)."), kind=r"ndax?"),
    phrase(N_("%(file)s: Neware BTS CSV needs its three header lines and data.")),
    phrase(N_("%(file)s: Neware BTS CSV has no cycle or no record rows.")),
    phrase(N_("%(file)s: Neware BTS CSV has records before their cycle or step row.")),
    phrase(N_("%(file)s: not a readable Neware BTS CSV export (%(why)s).")),
    phrase(N_("%(file)s: Neware BTS CSV record level has no 'Total Time' column.")),
    phrase(N_("%(file)s: Neware BTS CSV record level has no %(name)s column.")),
    phrase(
        N_(
            "%(file)s: Neware record table has no %(total)s or %(cumulative)s column (the test time) and no 'Time' "
            "column (the time within each step) to build it from."
        ),
        total=_Q,
        cumulative=_Q,
    ),
    phrase(N_("%(file)s: Neware record table has no Current(...) or no Voltage(...) column.")),
    phrase(N_("%(file)s: no Neware record header (DataPoint, Cycle Index, Step Index, ...).")),
    phrase(N_("%(file)s: not a readable Neware workbook (%(why)s).")),
    # gwangyang.battery.io.neware_sheets: a BTSDA workbook's record sheets, joined
    phrase(
        N_("%(file)s: Neware .%(kind)s workbook has no record sheet (Detail_..., record, 记录层)."),
        kind=r"xlsx?",
    ),
    phrase(N_("%(file)s: Neware .%(kind)s record sheet %(sheet)s holds no records."), kind=r"xlsx?"),
    # the record table's refusal of a value, its line told as the sheet's row (neware_sheets._sheet_lines)
    phrase(
        N_(
            "%(file)s (sheet %(sheet)s): column %(name)s (%(canonical)s) is missing or not a finite number in data "
            "row %(row)s (sheet %(sheet_again)s row %(sheet_row)s)"
        ),
        canonical=r"\w+",
        row=_N,
        sheet_row=_N,
    ),
    phrase(
        N_(
            "%(file)s (sheets %(sheets)s joined): column %(name)s (%(canonical)s) is missing or not a finite number "
            "in data row %(row)s (sheet %(sheet)s row %(sheet_row)s)"
        ),
        canonical=r"\w+",
        row=_N,
        sheet_row=_N,
    ),
    # any other record-table line whose "(line N)" neware_sheets._sheet_lines told as the sheet's row: a suffix
    # whose ``rest``, the line before it, is read again (by the patterns below where it ends "data row N")
    phrase(N_("%(rest)s (sheet %(sheet)s row %(row)s)."), sheet=_Q, row=_N),
    phrase(N_("%(rest)s (sheet %(sheet)s row %(row)s)"), sheet=_Q, row=_N),
    phrase(
        N_(
            "%(file)s: Neware record sheet %(sheet)s starts with the header %(first)s, not that of sheet %(sheet_0)s "
            "(%(header)s)"
        )
    ),
    phrase(
        N_(
            "%(file)s: Neware record sheets %(sheet)s and %(next)s overlap: %(sheet_again)s ends at record %(end)s, "
            "%(next_again)s starts at record %(start)s (expected %(expected)s)"
        ),
        end=_G,
        start=_G,
        expected=_G,
    ),
    phrase(
        N_(
            "%(missing)s record(s) missing inside record sheet %(sheet)s: its record numbers skip %(n)s time(s), "
            "first from %(a)s to %(b)s (sheet row %(row)s)"
        ),
        missing=_G,
        n=_N,
        a=_G,
        b=_G,
        row=_N,
    ),
    phrase(
        N_(
            "record numbers go back or repeat %(n)s time(s) inside record sheet %(sheet)s, first from %(a)s to "
            "%(b)s (sheet row %(row)s)"
        ),
        n=_N,
        a=_G,
        b=_G,
        row=_N,
    ),
    phrase(
        N_(
            "records %(first)s to %(last)s (%(missing)s) are missing between record sheets %(sheet)s (ends at "
            "%(end)s) and %(next)s (starts at %(start)s)"
        ),
        first=_G,
        last=_G,
        missing=_G,
        end=_G,
        start=_G,
    ),
    phrase(
        N_(
            "record sheet %(sheet)s holds %(declared)s rows by its own count (its DIMENSIONS record) but %(count)s "
            "could be read: the workbook is damaged there, the rows after are missing"
        ),
        declared=_N,
        count=_N,
    ),
    # gwangyang.battery.io.neware_steptime: the test time built from the time within each step
    phrase(N_("%(file)s: the rows of column %(column)s could not be matched.")),
    phrase(
        N_(
            "%(file)s: column %(column)s (the time within each step) is missing or no time in data row %(row)s "
            "(line %(line)s)."
        ),
        row=_N,
        line=_N,
    ),
    phrase(
        N_(
            "the test time built from column %(column)s (the time within each step) and column %(date)s (absolute "
            "time) disagree by up to %(largest)s s, first at data row %(row)s (line %(line)s)"
        ),
        largest=_G,
        row=_N,
        line=_N,
    ),
    # the same in a Neware workbook, the line told after them as the sheet's row (the suffix above)
    phrase(
        N_(
            "%(file)s (sheets %(sheets)s joined): column %(column)s (the time within each step) is missing or no "
            "time in data row %(row)s"
        ),
        row=_N,
    ),
    phrase(
        N_(
            "%(file)s (sheet %(sheet)s): column %(column)s (the time within each step) is missing or no time in data "
            "row %(row)s"
        ),
        sheet=_Q,
        row=_N,
    ),
    phrase(
        N_(
            "the test time built from column %(column)s (the time within each step) and column %(date)s (absolute "
            "time) disagree by up to %(largest)s s, first at data row %(row)s"
        ),
        largest=_G,
        row=_N,
    ),
)
"""Patterns of the Neware readers' refusals and warnings, each with the msgid that translates it."""
