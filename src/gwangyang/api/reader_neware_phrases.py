"""A Neware workbook's step and cycle sheets, as the battery pages show their refusals and warnings.

:mod:`gwangyang.battery.io.neware_stepjoin` (BTSDA 8's record sheet, its cycle and step taken from the step sheet),
:mod:`gwangyang.battery.io.neware_crosscheck` (the cycle sheet against the records),
:mod:`gwangyang.battery.io.neware_stepcheck` (the step sheet against records naming their cycle and step),
:mod:`gwangyang.battery.io.neware_statis` (BTS 7.6's step statistics summed a cycle against the records) and
:mod:`gwangyang.battery.io.neware_bts_steps` (the three-level CSV's step rows against their records) name the
workbook first (``.+``: spaces, colons and Hangul), then sheets, rows, dates and numbers as written; and
:mod:`gwangyang.battery.io.neware`'s warning that an ``.nda``/``.ndax``'s test time and Timestamp disagree.
:data:`.reader_phrases.READER_PHRASES` tries them after the vendor readers' lines.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

NEWARE_TERMS: tuple[str, ...] = (
    # closing parts (after "; ") of the lines below, translated by the catalogue as they are
    N_("each record is expected between a step's 'Oneset Date' and 'End Date', the steps in order."),
    N_("each record and each step needs one to give the records their cycle and step."),
)
"""Closing parts of the lines below (after ``"; "``); listed for the extractor."""

_N = r"\d+"
_G = r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?"
"""A number as ``:.15g`` writes it."""
_Q = r"'[^']*'"

NEWARE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.battery.io.neware_sheets: BTSDA 8's record sheet with no step sheet beside it
    phrase(
        N_(
            "%(file)s: Neware record sheet %(sheet)s names no cycle or step (no 'Cycle Index' or 'Step Index' "
            "column) and the workbook has no step sheet (step, 工步层) to take them from."
        ),
        sheet=_Q,
    ),
    # gwangyang.battery.io.neware_stepjoin: each record's cycle and step from the step sheet
    phrase(
        N_(
            "%(file)s: Neware sheet %(sheet)s row %(row)s: no date-time could be read in column %(column)s (%(value)s)"
        ),
        sheet=_Q,
        row=_N,
        column=_Q,
    ),
    phrase(
        N_(
            "%(file)s: Neware record sheet %(sheet)s names no cycle or step and has no 'Date' column to find each "
            "record's step in sheet %(steps)s by."
        ),
        sheet=_Q,
        steps=_Q,
    ),
    phrase(
        N_(
            "%(file)s: Neware step sheet %(steps)s has no %(column)s column, needed to give the records of sheet "
            "%(sheet)s their cycle and step."
        ),
        steps=_Q,
        column=_Q,
        sheet=_Q,
    ),
    phrase(N_("%(file)s: Neware step sheet %(steps)s holds no steps."), steps=_Q),
    phrase(
        N_(
            "%(file)s: Neware records from sheet %(sheet)s row %(row)s to sheet %(sheet_2)s row %(row_2)s "
            "(%(start)s to %(end)s) lie in no step of sheet %(steps)s"
        ),
        sheet=_Q,
        row=_N,
        sheet_2=_Q,
        row_2=_N,
        steps=_Q,
    ),
    phrase(
        N_(
            "%(n)s step(s) of sheet %(steps)s have no records in the record sheets, first its row %(row)s (cycle "
            "%(cycle)s, step %(step)s, %(start)s to %(end)s)"
        ),
        n=_N,
        steps=_Q,
        row=_N,
        cycle=r"[^,]+",
        step=r"[^,]+",
    ),
    # gwangyang.battery.io.neware_crosscheck: the cycle sheet against the records
    phrase(
        N_("sheet %(sheet)s lists %(n)s cycle(s) the records do not hold, first cycle %(cycle)s"),
        sheet=_Q,
        n=_N,
        cycle=_G,
    ),
    phrase(
        N_("the records hold %(n)s cycle(s) sheet %(sheet)s does not list, first cycle %(cycle)s"),
        n=_N,
        sheet=_Q,
        cycle=_G,
    ),
    phrase(
        N_(
            "sheet %(sheet)s row %(row)s (cycle %(cycle)s, step %(step)s): %(column)s is %(theirs)s there but %(ours)s "
            "from the step's last record (%(n)s step(s) differ by more than %(tolerance)s, a unit of the sheet's last "
            "decimal)"
        ),
        sheet=_Q,
        row=_N,
        cycle=r"[^,]+",
        step=r"[^,]+",
        column=_Q,
        theirs=_G,
        ours=_G,
        n=_N,
        tolerance=r"[\de.+-]+",
    ),
    phrase(
        N_(
            "sheet %(sheet)s cycle %(cycle)s: %(column)s is %(theirs)s there but %(ours)s from the records (%(n)s "
            "cycle(s) differ by more than %(tolerance)s, a unit of the sheet's last decimal)"
        ),
        sheet=_Q,
        cycle=_G,
        column=_Q,
        theirs=_G,
        ours=_G,
        n=_N,
        tolerance=r"[\de.+-]+",
    ),
    phrase(
        N_(
            "sheet %(sheet)s not checked against the records: no cycle column ('Cycle Index', 'Cycle ID', 'Cycle', '循环号')"
        ),
        sheet=_Q,
    ),
    phrase(
        N_(
            "sheet %(sheet)s not checked against the records: no charge or discharge capacity (Ah, mAh) or energy "
            "(Wh, mWh) column of a name known"
        ),
        sheet=_Q,
    ),
    # gwangyang.battery.io.neware_stepcheck: the step sheet against records that name their own cycle and step
    phrase(
        N_(
            "sheet %(sheet)s row %(row)s (cycle %(cycle)s, step %(step)s): %(column)s is %(theirs)s there but %(ours)s "
            "in the step's records (%(n)s step(s) differ so)"
        ),
        sheet=_Q,
        row=_N,
        cycle=_G,
        step=_G,
        column=_Q,
        theirs=_Q,
        ours=_Q,
        n=_N,
    ),
    phrase(
        N_(
            "sheet %(sheet)s row %(row)s (cycle %(cycle)s, step %(step)s): %(column)s is %(theirs)s there but %(ours)s "
            "from the step's records (%(n)s step(s) differ by more than a second and their longest logging interval, "
            "%(slack)s s for this one)"
        ),
        sheet=_Q,
        row=_N,
        cycle=_G,
        step=_G,
        column=_Q,
        theirs=r"[^()]+?",
        ours=r"[^()]+?",
        n=_N,
        slack=_G,
    ),
    phrase(
        N_(
            "sheet %(sheet)s lists %(n)s step(s) the records do not hold, first its row %(row)s (cycle %(cycle)s, "
            "step %(step)s)"
        ),
        sheet=_Q,
        n=_N,
        row=_N,
        cycle=_G,
        step=_G,
    ),
    phrase(
        N_(
            "the records hold %(n)s step(s) sheet %(sheet)s does not list, first cycle %(cycle)s step %(step)s, "
            "at sheet %(records)s row %(row)s"
        ),
        n=_N,
        sheet=_Q,
        cycle=_G,
        step=_G,
        records=_Q,
        row=_N,
    ),
    phrase(
        N_(
            "sheet %(sheet)s not checked against the records: no cycle or step column ('Cycle Index', 'Step Index', "
            "'循环号', '工步号')"
        ),
        sheet=_Q,
    ),
    phrase(
        N_(
            "sheet %(sheet)s: column(s) %(columns)s not checked against the records (the step sheet or the record "
            "sheet lacks them)"
        ),
        sheet=_Q,
        columns=r"'[^']*'(?:, '[^']*')*",
    ),
    # gwangyang.battery.io.neware_statis: BTS 7.6's step statistics summed a cycle against the records
    phrase(
        N_(
            "sheet %(sheet)s row %(row)s (cycle %(cycle)s): %(column)s summed over the cycle's %(steps)s step(s) is "
            "%(theirs)s there but %(ours)s from the records (%(n)s cycle(s) differ by more than %(tolerance)s, a "
            "unit of the sheet's last decimal, a step summed)"
        ),
        sheet=_Q,
        row=_N,
        cycle=_G,
        column=_Q,
        steps=_N,
        theirs=_G,
        ours=_G,
        n=_N,
        tolerance=r"[\de.+-]+",
    ),
    # gwangyang.battery.io.neware_bts_steps: the three-level CSV export's step rows against their records
    phrase(
        N_(
            "%(n)s step row(s) have no records under them, first line %(line)s (cycle %(cycle)s, step %(step)s)"
        ),
        n=_N,
        line=_N,
        cycle=_G,
        step=_G,
    ),
    phrase(
        N_(
            "line %(line)s (cycle %(cycle)s, step %(step)s): %(column)s is %(theirs)s there but %(ours)s from the "
            "step's records (%(n)s step(s) differ by more than a second and their longest logging interval, "
            "%(slack)s s for this one)"
        ),
        line=_N,
        cycle=_G,
        step=_G,
        column=_Q,
        theirs=r"[^()]+?",
        ours=r"[^()]+?",
        n=_N,
        slack=_G,
    ),
    phrase(
        N_(
            "line %(line)s (cycle %(cycle)s, step %(step)s): %(column)s is %(theirs)s there but %(ours)s from the "
            "step's last record (%(n)s step(s) differ by more than %(tolerance)s, a unit of the column's last decimal)"
        ),
        line=_N,
        cycle=_G,
        step=_G,
        column=_Q,
        theirs=_G,
        ours=_G,
        n=_N,
        tolerance=r"[\de.+-]+",
    ),
    # gwangyang.battery.io.neware_parts: step and cycle sheets split over several sheets; the sheets left out
    phrase(
        N_(
            "sheet %(sheet)s not read: its header %(header)s is not that of sheet %(first)s, whose rows it would go on with"
        ),
        sheet=_Q,
        first=_Q,
    ),
    phrase(
        N_(
            "sheet %(sheet)s not read: its first %(column)s is %(value)s, not after sheet %(first)s's last "
            "(%(last)s) (another channel's, or the same rows twice)"
        ),
        sheet=_Q,
        column=_Q,
        value=_G,
        first=_Q,
        last=_G,
    ),
    phrase(N_("sheet(s) not read, being no record, step, cycle or test information sheet: %(sheets)s")),
    # gwangyang.battery.io.neware: an .nda/.ndax's test time built from its steps against its Timestamp
    phrase(
        N_(
            "record %(record)s (Index %(index)s): the test time built from the time within each step is %(built)s s "
            "but its Timestamp %(stamp)s says %(wall)s s, up to %(largest)s s apart (over %(tolerance)s s: a pause "
            "is counted only where a step starts)"
        ),
        record=_N,
        index=r"[^()]+",
        built=_G,
        wall=_G,
        largest=_G,
        tolerance=_G,
    ),
    phrase(
        N_(
            "record %(record)s: the test time built from the time within each step is %(built)s s but its "
            "Timestamp %(stamp)s says %(wall)s s, up to %(largest)s s apart (over %(tolerance)s s: a pause is "
            "counted only where a step starts)"
        ),
        record=_N,
        built=_G,
        wall=_G,
        largest=_G,
        tolerance=_G,
    ),
)
"""Patterns of the Neware workbook's step join and cycle check, each with the msgid that translates it."""
