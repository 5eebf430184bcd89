"""A Neware workbook's step sheet, checked against records that name their own cycle and step.

Where the record sheet names each record's cycle and step (the record table's ``Cycle Index``/``Step Index``, BTS
7.6's ``Cycle``/``Step``, a Chinese install's ``循环号``/``工步号``), BTSDA's step sheet beside it (``step``,
``工步层``: a row a step, ``Cycle Index,Step Index,Step Number,Step Type,Step Time,Oneset Date,End Date,
Capacity(Ah),...``) is the cycler's own summary of those records. It is checked against them
(:func:`check_step_sheet`):

* the records are cut into steps where the cycle or step number changes or the time within the step goes back
  (:func:`.neware_steptime.step_starts`), and each is matched with the sheet's next row of the same cycle and step;
* each step's ``Step Type`` is its records' (Chinese names in English first, :func:`.neware_zh.english_step_types`);
* its ``Step Time`` is its last record's time within the step, its ``Oneset Date`` and ``End Date`` its first and
  last record's dates, within :data:`~.neware_stepjoin.DATE_TOLERANCE_S` (BTSDA writes whole seconds) and the
  step's longest logging interval (the step may end after its last record);
* its ``Capacity`` is its last record's, within a unit of the sheet's last decimal
  (:func:`.neware_crosscheck.check_step_capacities`, as for BTSDA 8's join).

Each column that disagrees is warned about once (``unknown_format``), naming the sheet, the row, the cycle and step
of the first step that differs, both values and how many steps differ; so are the steps the sheet lists that the
records lack, and the other way round. A step sheet without a cycle or step column is not checked, and a warning
says so. Columns the sheet lacks are not checked (BTSDA 7's step level has no dates).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ...written import as_written
from .. import schema as s
from .neware_crosscheck import check_step_capacities
from .neware_parts import cell_number, cell_texts
from .neware_record import step_clock
from .neware_stepjoin import DATE_TOLERANCE_S, STEP_SHEET_NAMES, cell_stamps, cell_text, record_english
from .neware_steptime import step_starts
from .neware_zh import english_step_types, translate
from .textparse import parse_duration

STEP_CHECK_NAMES = {
    **STEP_SHEET_NAMES,
    "Cycle ID": "Cycle Index",
    "CycleID": "Cycle Index",
    "Cycle": "Cycle Index",
    "Step ID": "Step Index",
    "StepID": "Step Index",
    "Step": "Step Index",
    "Status": "Step Type",
}
"""The step sheet's names in BTSDA 8's English, BTSDA 7's ``Cycle ID``/``Step ID`` and ``Status`` too."""

Place = tuple[str, int]


def _base(name: str) -> str:
    """A name without its unit or form (``Step Time(h:min:s.ms)`` is ``Step Time``)."""
    return name.split("(")[0].strip()


def _at(english: Sequence[str], base: str) -> int | None:
    return next((i for i, n in enumerate(english) if _base(n) == base), None)


def _cells(body: Sequence[Sequence[object]], at: int | None) -> list[object]:
    return [r[at] if at is not None and at < len(r) else None for r in body]


def _seconds(values: Sequence[object]) -> np.ndarray:
    """Durations from cells (``H:MM:SS``, seconds, Excel's durations), each text parsed once; NaN where none."""
    codes, uniques = pd.factorize(pd.Series([cell_text(v) for v in values], dtype=object))
    return np.r_[parse_duration(pd.Series(uniques, dtype=object)), np.nan][codes]


def _shown(value: float) -> str:
    return f"{value:.15g}"


def _disagreement(
    path: Path,
    where: Place,
    step: tuple[float, float],
    column: str,
    pair: tuple[str, str],
    count: int,
    slack: float | None,
) -> dict[str, str]:
    """The warning naming the first step of ``count`` whose ``column`` differs: the sheet's value, the records'."""
    (sheet, row), (cycle, index), (theirs, ours) = where, step, pair
    head = f"sheet {as_written(sheet, None)} row {row} (cycle {_shown(cycle)}, step {_shown(index)}): {as_written(column, None)} is"
    if slack is None:
        detail = f"{head} {theirs!r} there but {ours!r} in the step's records ({count} step(s) differ so)"
    else:
        detail = (
            f"{head} {theirs} there but {ours} from the step's records ({count} step(s) differ by more than a "
            f"second and their longest logging interval, {_shown(slack)} s for this one)"
        )
    return s.warning("unknown_format", detail, path)


def _runs(
    english: list[str], data: Sequence[Sequence[object]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each step of the records: first and last row, cycle and step; and each record's time within its step."""
    cycles = np.array([cell_number(v) for v in _cells(data, english.index("Cycle Index"))], dtype="float64")
    indices = np.array([cell_number(v) for v in _cells(data, english.index("Step Index"))], dtype="float64")
    clock = step_clock(english)
    times = _seconds(_cells(data, english.index(clock))) if clock is not None else np.full(len(data), np.nan)
    starts = step_starts(np.nan_to_num(times, nan=0.0), np.nan_to_num(cycles, nan=-1.0), indices)
    ends = np.r_[starts[1:], len(data)] - 1
    keys = np.c_[cycles[starts], indices[starts]]
    return starts, ends, keys, times


def check_step_sheet(
    path: Path,
    sheet: str,
    steps: Sequence[Sequence[object]],
    places: Sequence[Place],
    rows: Sequence[Sequence[object]],
    origins: Sequence[Place],
    names: Mapping[str, str] = STEP_CHECK_NAMES,
    joined: bool = False,
) -> list[dict[str, str]]:
    """The warnings where a step sheet disagrees with records that name their own cycle and step.

    Parameters
    ----------
    path
        The workbook, named in the warnings.
    sheet, steps
        The step sheet's name and rows (header first); several sheets joined (:func:`.neware_parts.joined_parts`).
    places
        Each of ``steps``' rows' sheet and row in the workbook (the header's first).
    rows, origins
        The record sheets' header and data rows, joined (:func:`.neware_sheets.joined_records`), and each data
        row's sheet and row.
    names
        The sheet's names in English (BTS 7.6's ``Statis_...`` sheet has its own, :mod:`.neware_statis`).
    joined
        The records took their cycle and step from this very sheet (:func:`.neware_stepjoin.join_steps`, which
        warns about the steps without records itself): the steps in one and not the other are not told again,
        and the columns not checked (the sheet's or the records' lacking) are named in a warning.

    Returns
    -------
    list
        ``unknown_format`` warnings: one for each column that differs (``Step Type``, ``Step Time``, ``Oneset
        Date``, ``End Date``, ``Capacity``), naming its first step and both values; one for the steps the sheet lists
        that the records lack, one for the other way round; or one saying the sheet is not checked (no cycle or step
        column). None when they agree.
    """
    if not any(any(v not in (None, "") for v in r) for r in steps):
        return []  # an empty step sheet: nothing to check (kept in ``sheets_not_read``)
    step_english = translate(cell_texts(steps[0]), dict(names))
    if "Cycle Index" not in step_english or "Step Index" not in step_english:
        why = "no cycle or step column ('Cycle Index', 'Step Index', '循环号', '工步号')"
        return [
            s.warning(
                "unknown_format",
                f"sheet {as_written(sheet, None)} not checked against the records: {why}",
                path,
            )
        ]
    where = list(places) or [(sheet, i + 1) for i in range(len(steps))]
    numbered = [(where[i], list(r)) for i, r in enumerate(steps) if i and any(v not in (None, "") for v in r)]
    english = record_english(rows[0])
    data = rows[1:]
    if not numbered or not data or "Cycle Index" not in english or "Step Index" not in english:
        return []
    table = [r for _, r in numbered]
    step_keys = [
        (cell_number(r[0]), cell_number(r[1]))
        for r in zip(
            _cells(table, step_english.index("Cycle Index")),
            _cells(table, step_english.index("Step Index")),
            strict=True,
        )
    ]
    starts, ends, keys, times = _runs(english, data)
    waiting: dict[tuple[float, float], deque[int]] = defaultdict(deque)
    for j, key in enumerate(step_keys):
        waiting[key].append(j)
    matched: list[tuple[int, int]] = []  # (run, step row)
    unlisted: list[int] = []
    for k, (cycle, index) in enumerate(keys):
        queue = waiting.get((float(cycle), float(index)))
        if queue:
            matched.append((k, queue.popleft()))
        else:
            unlisted.append(k)
    unmatched = sorted(j for queue in waiting.values() for j in queue)
    notes: list[dict[str, str]] = _unchecked(path, sheet, step_english, english) if joined else []
    if unmatched and not joined:
        (part, row), (cycle, index) = numbered[unmatched[0]][0], step_keys[unmatched[0]]
        notes.append(
            s.warning(
                "unknown_format",
                f"sheet {as_written(part, None)} lists {len(unmatched)} step(s) the records do not hold, first its row {row} "
                f"(cycle {_shown(cycle)}, step {_shown(index)})",
                path,
            )
        )
    if unlisted and not joined:
        first = int(starts[unlisted[0]])
        notes.append(
            s.warning(
                "unknown_format",
                f"the records hold {len(unlisted)} step(s) sheet {as_written(sheet, None)} does not list, first cycle "
                f"{_shown(keys[unlisted[0]][0])} step {_shown(keys[unlisted[0]][1])}, at sheet {as_written(origins[first][0], None)} "
                f"row {origins[first][1]}",
                path,
            )
        )
    if not matched:
        return notes
    runs = np.array([k for k, _ in matched])
    rows_at = [j for _, j in matched]
    first_rows, last_rows = starts[runs], ends[runs]
    mine = [table[j] for j in rows_at]
    header = cell_texts(steps[0])
    notes += _types(
        path, header, step_english, [numbered[j][0] for j in rows_at], mine, english, data, first_rows
    )
    dated = _at(english, "Date")
    stamps = (
        cell_stamps(_cells(data, dated)) if dated is not None else np.full(len(data), np.datetime64("NaT"))
    )
    if np.isfinite(times).any():
        gaps = np.r_[0.0, np.diff(np.nan_to_num(times, nan=0.0))]
    else:
        gaps = np.r_[0.0, np.diff(stamps).astype("timedelta64[ns]").astype("float64") / 1e9]
    gaps = np.where(np.isfinite(gaps) & (gaps > 0), gaps, 0.0)
    interval = np.array(
        [gaps[a + 1 : b + 1].max(initial=0.0) for a, b in zip(first_rows, last_rows, strict=True)]
    )
    slack = DATE_TOLERANCE_S + interval
    labels = [(numbered[j][0], (float(keys[k][0]), float(keys[k][1]))) for k, j in matched]
    timed = _at(step_english, "Step Time")
    if timed is not None:
        theirs = _seconds(_cells(mine, timed))
        ours = times[last_rows]
        bad = np.flatnonzero(np.isfinite(theirs) & np.isfinite(ours) & (np.abs(theirs - ours) > slack))
        if len(bad):
            k = int(bad[0])
            pair = (f"{_shown(theirs[k])} s", f"{_shown(ours[k])} s")
            notes.append(_disagreement(path, *labels[k], header[timed], pair, len(bad), slack[k]))
    for name, at_rows in (("Oneset Date", first_rows), ("End Date", last_rows)):
        column = _at(step_english, name)
        if column is None:
            continue
        told = cell_stamps(_cells(mine, column))
        found = stamps[at_rows]
        apart = np.abs((told - found).astype("timedelta64[ns]").astype("float64")) / 1e9
        known = ~np.isnat(told) & ~np.isnat(found)
        bad = np.flatnonzero(known & (np.where(known, apart, 0.0) > slack))
        if len(bad):
            k = int(bad[0])
            pair = (str(pd.Timestamp(told[k])), str(pd.Timestamp(found[k])))
            notes.append(_disagreement(path, *labels[k], header[column], pair, len(bad), slack[k]))
    notes += check_step_capacities(
        path, step_english, [numbered[j] for j in rows_at], english, [data[b] for b in last_rows]
    )
    return notes


def _types(
    path: Path,
    header: list[str],
    step_english: list[str],
    where: list[Place],
    mine: list[list[object]],
    english: list[str],
    data: Sequence[Sequence[object]],
    first_rows: np.ndarray,
) -> list[dict[str, str]]:
    """The warning where the step sheet's ``Step Type`` of a step is not its first record's (none where agreed)."""
    theirs_at, ours_at = _at(step_english, "Step Type"), _at(english, "Step Type")
    if theirs_at is None or ours_at is None:
        return []
    theirs = np.array([cell_text(v) for v in _cells(mine, theirs_at)], dtype=object)
    ours = np.array([cell_text(v) for v in _cells([data[int(a)] for a in first_rows], ours_at)], dtype=object)
    bad = np.flatnonzero(
        (english_step_types(theirs) != english_step_types(ours)) & (theirs != "") & (ours != "")
    )
    if not len(bad):
        return []
    k = int(bad[0])
    cycle, index = (cell_number(mine[k][step_english.index(n)]) for n in ("Cycle Index", "Step Index"))
    pair = (str(theirs[k]), str(ours[k]))
    return [_disagreement(path, where[k], (cycle, index), header[theirs_at], pair, len(bad), None)]


CHECKED_COLUMNS = ("Step Type", "Step Time", "Oneset Date", "End Date", "Capacity")
"""The step sheet's columns checked against the records, each where both have it."""


def _unchecked(path: Path, sheet: str, step_english: list[str], english: list[str]) -> list[dict[str, str]]:
    """The warning naming the columns of :data:`CHECKED_COLUMNS` not checked: the sheet or the records lack them."""
    record_side = {
        "Step Type": "Step Type",
        "Step Time": _base(clock) if (clock := step_clock(english)) else "\0",
        "Oneset Date": "Date",
        "End Date": "Date",
        "Capacity": "Capacity",
    }
    missing = [
        n for n in CHECKED_COLUMNS if _at(step_english, n) is None or _at(english, record_side[n]) is None
    ]
    if not missing:
        return []
    return [
        s.warning(
            "unknown_format",
            f"sheet {as_written(sheet, None)}: column(s) {', '.join(map(repr, missing))} not checked against the "
            "records (the step sheet or the record sheet lacks them)",
            path,
        )
    ]
