"""BTSDA 8's record sheet without cycle or step columns: each record's cycle and step from the step sheet.

BTSDA 8.x's "export to Excel" (the layout cellpy's ``neware_xlsx`` loader reads) writes the records in a ``record``
sheet (``DataPoint,Step Type,Time,Total Time,Current(A),Voltage(V),...,Date,...``) that names no cycle and no
step; the ``step`` sheet (``Cycle Index,Step Index,Step Number,Step Type,Step Time,Oneset Date,End Date,...``,
on a Chinese install ``工步层`` with ``循环号,工步号,工步序号,工步类型,...,起始时间,结束时间``) says which
cycle and step ran from when to when. cellpy gives each record the step whose ``Oneset Date`` .. ``End Date``
holds its ``Date``, the step type breaking ties at the boundaries (BTSDA's dates are whole seconds, and a
step's first record has the previous step's last date); a record in no step keeps cycle 0, without a word.

Here the records are cut into runs first (:func:`record_runs`): a run ends where the step type changes or the
time within the step (``Time``) goes back, as it does at every step's start. The runs are matched with the step
sheet's rows in order (its ordinal, ``Step Number``): a run belongs to the next step whose type is the run's and
whose dates hold the run's first and last date, within :data:`DATE_TOLERANCE_S` (the last step's ``End Date``
may be empty: a step still running when the test was exported). A run no step holds is refused
in one line naming its sheet rows and dates; steps passed over (no records) are named in a ``rows_dropped``
warning. Each record then gets its step's ``Cycle Index`` and ``Step Index``, and the record sheet is read as the
record table (:mod:`.neware_record`), as if BTSDA had written the two columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import CorruptFileError
from ...written import as_written
from .. import schema as s
from .neware_parts import cell_texts
from .neware_record import step_clock
from .neware_steptime import BTS7_NAMES
from .neware_zh import FLAT_NAMES, STEP_NAMES, translate
from .textdates import parse_datetime
from .textparse import parse_duration

STEP_SHEET = re.compile(r"^(step|steps|工步层|工步数据|工步)([ _-]?\(?\d+\)?)?$", re.IGNORECASE)
"""BTSDA 8's step sheet (``step``; ``工步层`` on a Chinese install), or its continuation (``step_1``, ``step(2)``)."""
STEP_SHEET_NAMES = {
    **STEP_NAMES,
    "循环号": "Cycle Index",
    "循环": "Cycle Index",
    "循环序号": "Cycle Index",
    "起始时间": "Oneset Date",
    "开始时间": "Oneset Date",
    "结束时间": "End Date",
    "终止时间": "End Date",
    "Onset Date": "Oneset Date",
    "Start Date": "Oneset Date",
}
"""The step sheet's names in English (BTSDA 8 writes ``Oneset Date``, its own spelling)."""
DATE_TOLERANCE_S = 1.0
"""How far a record's date may lie outside its step's dates: BTSDA writes both to the whole second."""
_NEEDED = ("Cycle Index", "Step Index", "Oneset Date", "End Date")


def record_english(header: Sequence[object]) -> list[str]:
    """A record header's names in BTSDA 8's English (Chinese and BTS 7.6's names brought to them)."""
    english = translate(cell_texts(header), FLAT_NAMES)
    if "DataPoint" not in english:  # BTS 7.6's English names (Record Index, Cycle, Step)
        english = translate(english, BTS7_NAMES)
    return english


def lacks_steps(header: Sequence[object]) -> bool:
    """True when a record sheet's header names no cycle or no step (BTSDA 8's ``record`` sheet)."""
    english = record_english(header)
    return "Cycle Index" not in english or "Step Index" not in english


def cell_text(value: object) -> str:
    """A cell as text: a date-time in ISO form, a duration or clock time as seconds, else as written (stripped)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return repr(value.total_seconds())
    if isinstance(value, time):
        return repr(value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6)
    return str(value).strip()


def cell_stamps(values: Sequence[object]) -> np.ndarray:
    """Date-times from cells (dates, or text as BTSDA writes it); NaT where none."""
    if all(isinstance(v, datetime) for v in values):  # Excel's dates, as calamine gives them
        return np.array(values, dtype="datetime64[ns]")
    return parse_datetime(pd.Series([cell_text(v) for v in values], dtype=object))


def _unreadable(
    path: Path, stamps: np.ndarray, cells: Sequence[object], column: str, places: Sequence[tuple[str, int]]
) -> None:
    bad = np.flatnonzero(np.isnat(stamps))
    if len(bad):
        sheet, row = places[int(bad[0])]
        raise CorruptFileError(
            f"{path}: Neware sheet {as_written(sheet, None)} row {row}: no date-time could be read in column {as_written(column, None)} "
            f"({as_written(cell_text(cells[int(bad[0])]))}); each record and each step needs one to give the records their cycle "
            "and step."
        )


def record_runs(kinds: Sequence[str] | None, step_time: np.ndarray | None, count: int) -> np.ndarray:
    """The first row of each run of records: where the step type changes or the time within the step goes back."""
    change = np.zeros(max(count - 1, 0), dtype=bool)
    if kinds is not None:
        change |= np.asarray(kinds[1:], dtype=object) != np.asarray(kinds[:-1], dtype=object)
    if step_time is not None:
        change |= np.diff(step_time) < 0
    return np.r_[0, np.flatnonzero(change) + 1] if count else np.zeros(0, dtype=int)


def _shown(value: object) -> str:
    """A cell as a number where it is one (``2``, not ``2.0``), else as text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.15g}"
    return cell_text(value)


def _column(english: list[str], name: str) -> int | None:
    return english.index(name) if name in english else None


def _stamp(value: np.datetime64) -> str:
    return str(pd.Timestamp(value))


def join_steps(
    path: Path,
    rows: Sequence[Sequence[object]],
    origins: Sequence[tuple[str, int]],
    step_sheet: str,
    steps: Sequence[Sequence[object]],
    step_places: Sequence[tuple[str, int]] = (),
) -> tuple[list[list[object]], list[dict[str, str]]]:
    """The record table with each record's ``Cycle Index`` and ``Step Index`` from the step sheet.

    Parameters
    ----------
    path
        The workbook, named in refusals and warnings.
    rows
        The record sheets' header and data rows, joined (:func:`.neware_sheets.joined_records`).
    origins
        Each data row's sheet and row in the workbook.
    step_sheet, steps
        The step sheet's name and rows (header first); several sheets joined (:func:`.neware_parts.joined_parts`).
    step_places
        Each of ``steps``' rows' sheet and row in the workbook (the header's first); without, ``step_sheet``'s rows.

    Returns
    -------
    tuple
        The rows with ``Cycle Index`` and ``Step Index`` (those the sheet lacks) put after the first column; the
        warnings.

    Raises
    ------
    CorruptFileError
        The step sheet lacks a needed column, a date is no date, or records fall in no step.
    """
    header = cell_texts(rows[0])
    english = record_english(header)
    data = [list(r) for r in rows[1:]]
    dated = _column(english, "Date")
    if dated is None:
        raise CorruptFileError(
            f"{path}: Neware record sheet {as_written(origins[0][0], None)} names no cycle or step and has no 'Date' column to find "
            f"each record's step in sheet {as_written(step_sheet, None)} by."
        )
    step_header = cell_texts(steps[0]) if steps else []
    step_english = translate(step_header, STEP_SHEET_NAMES)
    for name in _NEEDED:
        if name not in step_english:
            raise CorruptFileError(
                f"{path}: Neware step sheet {as_written(step_sheet, None)} has no {as_written(name, None)} column, needed to give the records of "
                f"sheet {as_written(origins[0][0], None)} their cycle and step."
            )
    where = list(step_places) or [(step_sheet, i + 1) for i in range(len(steps))]
    numbered = [(where[i], list(r)) for i, r in enumerate(steps) if i and any(v not in (None, "") for v in r)]
    table = [r for _, r in numbered]
    if not table:
        raise CorruptFileError(f"{path}: Neware step sheet {as_written(step_sheet, None)} holds no steps.")

    def cells(body: list[list[object]], at: int | None) -> list[object]:
        return [r[at] if at is not None and at < len(r) else None for r in body]

    stamps = cell_stamps(cells(data, dated))
    _unreadable(path, stamps, cells(data, dated), header[dated], origins)
    step_places = [place for place, _ in numbered]
    onset_at, end_at = step_english.index("Oneset Date"), step_english.index("End Date")
    onset, end = cell_stamps(cells(table, onset_at)), cell_stamps(cells(table, end_at))
    if cells(table, end_at)[-1] in (None, ""):  # the last step still running when exported: open
        end[-1] = np.datetime64("2262-01-01", "ns")
    _unreadable(path, onset, cells(table, onset_at), step_header[onset_at], step_places)
    _unreadable(path, end, cells(table, end_at), step_header[end_at], step_places)
    kind_at, step_kind_at = _column(english, "Step Type"), _column(step_english, "Step Type")
    kinds = [cell_text(v) for v in cells(data, kind_at)] if kind_at is not None else None
    step_kinds = [cell_text(v) for v in cells(table, step_kind_at)] if step_kind_at is not None else None
    clock = step_clock(english)
    step_time = None
    if clock is not None:
        clocks = pd.Series([cell_text(v) for v in cells(data, english.index(clock))], dtype=object)
        codes, uniques = pd.factorize(clocks)
        step_time = np.r_[parse_duration(pd.Series(uniques, dtype=object)), np.nan][codes]  # each clock once
        step_time = np.where(np.isfinite(step_time), step_time, 0.0)
    starts = record_runs(kinds, step_time, len(data))
    ends = np.r_[starts[1:], len(data)] - 1
    slack = np.timedelta64(int(DATE_TOLERANCE_S * 1e9), "ns")
    matched = np.full(len(starts), -1)
    passed: list[int] = []
    j = 0
    for k, (first, last) in enumerate(zip(starts, ends, strict=True)):
        while j < len(table):
            fits = onset[j] - slack <= stamps[first] and stamps[last] <= end[j] + slack
            if fits and (kinds is None or step_kinds is None or kinds[first] == step_kinds[j]):
                break
            passed.append(j)
            j += 1
        if j == len(table):
            (sheet, row), (sheet_2, row_2) = origins[first], origins[last]
            raise CorruptFileError(
                f"{path}: Neware records from sheet {as_written(sheet, None)} row {row} to sheet {as_written(sheet_2, None)} row {row_2} "
                f"({_stamp(stamps[first])} to {_stamp(stamps[last])}) lie in no step of sheet {as_written(step_sheet, None)}; "
                "each record is expected between a step's 'Oneset Date' and 'End Date', the steps in order."
            )
        matched[k] = j
        j += 1
    passed += list(range(j, len(table)))
    cycle_at, index_at = step_english.index("Cycle Index"), step_english.index("Step Index")
    notes = []
    if passed:
        first_step = table[passed[0]]
        notes.append(
            s.warning(
                "rows_dropped",
                f"{len(passed)} step(s) of sheet {as_written(numbered[passed[0]][0][0], None)} have no records in the record sheets, "
                f"first its row {numbered[passed[0]][0][1]} (cycle {_shown(first_step[cycle_at])}, step {_shown(first_step[index_at])}, "
                f"{_stamp(onset[passed[0]])} to {_stamp(end[passed[0]])})",
                path,
            )
        )
    lengths = ends - starts + 1
    which = np.repeat(matched, lengths)
    added = [(n, at) for n, at in (("Cycle Index", cycle_at), ("Step Index", index_at)) if n not in english]
    out: list[list[object]] = [[header[0], *[n for n, _ in added], *header[1:]]]
    for r, k in zip(data, which, strict=True):  # a column the sheet has (a cycle, no step) is kept as it is
        out.append([r[0] if r else None, *[table[k][at] for _, at in added], *r[1:]])
    return out, notes
