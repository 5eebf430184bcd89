"""A test's end, as its metadata records it, held against the data file's last row: rows missing at the end.

Arbin records when a test ended apart from its rows: the CSV export's ``<stem>_Metadata.csv`` companion
(``Last_End_DateTime``, unix seconds, UTC) and the ``.res`` database's ``Event_Table`` (``Test end``, with its test
time). A data file whose last row lies well before that end was cut (an export stopped, a copy not finished, rows
removed): a ``truncated_file`` warning names the file, its last row's time, the recorded end and the gap.

How far is well before. While a channel runs it writes a row at least every logging interval (Arbin's "log every
Δt" of its steps; more often on a change of voltage or current), so a whole file's last row is at most one of its
longest intervals before the test ended, plus what the two clocks may differ by. The longest interval is the file's
own (its largest step between two rows' test times: 10.0 s in the shared MATR CSVs, 300.0 s in the shared
``.res``); the clocks' allowance is :data:`.companion_time.TOLERANCE_S` (5 minutes) where the end is another file's
wall clock (the MATR companions' starts are 0.17 s and 19.5 s from their rows'), and :data:`SAME_CLOCK_S` where it
is the same test clock as the rows'. Measured on the shared files: the CH33 companion ends 17.9 s after its last
row (allowed 310.0 s), the ``.res`` test end is at its last row's test time (0 s, allowed 301.0 s).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema as s

SAME_CLOCK_S = 1.0
"""What an end on the rows' own test clock may be off by (its rounding), beside the longest logging interval."""


def longest_interval(table: pd.DataFrame) -> float:
    """The file's longest logging interval: its largest step between two rows' test times (0 for one row)."""
    times = pd.to_numeric(table[s.TIME], errors="coerce").to_numpy(dtype="float64")
    times = times[np.isfinite(times)]
    return float(np.diff(times).max()) if len(times) > 1 else 0.0


def _shown(moment: pd.Timestamp | float) -> str:
    """A time for the message: ``2017-05-10 01:04:36`` (a wall clock) or ``345733.4 s`` (a test time)."""
    if isinstance(moment, pd.Timestamp):
        return f"{moment:%Y-%m-%d %H:%M:%S}"
    return f"{moment:.1f} s"


def cut_warning(
    data_file: Path,
    source: str,
    last: pd.Timestamp | float,
    end: pd.Timestamp | float,
    gap_s: float,
    clock_s: float,
    interval_s: float,
    zone: str = "",
) -> dict[str, str] | None:
    """A ``truncated_file`` warning when the recorded end is more than the allowance after the last row; else None.

    Parameters
    ----------
    data_file
        The data file (named in the warning, and the one it is filed under).
    source
        Where the end is recorded (the companion's name, ``Event_Table``).
    last, end
        The last row's time and the recorded end, as shown: both wall-clock times or both test times (seconds).
    gap_s
        How long after the last row the test ended (seconds; negative: before it).
    clock_s
        What the two clocks may differ by (:data:`.companion_time.TOLERANCE_S`, :data:`SAME_CLOCK_S`).
    interval_s
        The file's longest logging interval (:func:`longest_interval`).
    zone
        Appended to both times (``" UTC"``), or nothing.

    Returns
    -------
    dict or None
        The warning, or None when the gap is within the allowance.
    """
    allowed = interval_s + clock_s
    if not np.isfinite(gap_s) or gap_s <= allowed:
        return None
    detail = (
        f"{data_file.name}'s last row is at {_shown(last)}{zone}, {source} gives the test's end as "
        f"{_shown(end)}{zone}: {gap_s:.1f} s later, more than the {allowed:.1f} s allowed (its longest logging "
        f"interval, {interval_s:.1f} s, and {clock_s:.1f} s for the clocks); rows at its end are missing, the file "
        "looks cut"
    )
    return s.warning("truncated_file", detail, data_file)
