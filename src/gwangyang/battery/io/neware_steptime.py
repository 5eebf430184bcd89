"""Neware record tables with only the time within each step: the test time built from the steps.

BTS 7.6's record sheet (``Detail_...``; ``记录序号,状态,跳转,循环,步次,电流(mA),...,
相对时间(h:min:s.ms),绝对时间``, in English ``Record Index,Status,JumpTo,Cycle,Step,Cur(mA),...,Relative Time(h:min:s.ms),
Absolute Time``) has no ``Total Time``: each record's relative time restarts with its step. The test time is
built step by step (:func:`step_test_time`): a step starts where the previous one ended, at its last record's
relative time, and each record comes its own relative time after its step's start (a step's first record
one logging interval in, or at 0). Where the absolute time is there, it is preferred for where each step
starts (it counts pauses and does not gather the relative times' rounding over hundreds of steps), never
before the previous record; the relative times give the time within the step. Where the two disagree by
more than :data:`~.neware_time.PAUSE_TOLERANCE_S` (the absolute time's whole seconds and the clocks' drift),
a warning names the first record. A step is a run of records with one cycle and step number whose relative
time does not go back.

The record-table reader (:mod:`.neware_record`) reads such a table with its column map; the test time's
placeholder there (the cycle column) is replaced by :class:`StepClock` before the counters are summed. The binary
``.nda``/``.ndax`` reader (:mod:`.neware`) builds its test time here too, its whole-second ``Timestamp`` counted
for pauses only (``pauses_only``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...errors import CorruptFileError
from ...written import as_written
from .. import schema as s
from .base import read_head, sniff_encoding
from .neware_time import PAUSE_TOLERANCE_S
from .textparse import locate_header, parse_duration, read_table

BTS7_NAMES = {
    "Record Index": "DataPoint",
    "Record ID": "DataPoint",
    "Record number": "DataPoint",
    "Status": "Step Type",
    "State": "Step Type",
    "Cycle": "Cycle Index",
    "CyCle": "Cycle Index",
    "Step": "Step Index",
    "Cur": "Current",
    "CapaCity": "Capacity",
    "Relative Time": "Time",
    "Absolute Time": "Date",
    "Realtime": "Date",
}
"""BTS 7.6's English record names (as BEEP-era scripts and BTSDA 7 exports have them), in BTSDA 8's names;
taken only where a header lacks BTSDA 8's own (``DataPoint``, ``Cycle Index``, ``Step Index``)."""
STEP_CLOCKS = ("Time", "Step Time")
"""The names (without unit or form) of a column holding the time within each step, first found first."""


def step_starts(step_time: np.ndarray, cycle: np.ndarray, step: np.ndarray | None) -> np.ndarray:
    """The rows where a step starts: the first, a new cycle or step number, or a relative time going back."""
    change = np.diff(cycle) != 0
    if step is not None:
        change |= np.diff(np.nan_to_num(step, nan=-1.0)) != 0
    change |= np.diff(step_time) < 0
    return np.r_[0, np.flatnonzero(change) + 1]


def step_test_time(
    step_time: np.ndarray,
    cycle: np.ndarray,
    step: np.ndarray | None,
    stamps: np.ndarray | None,
    pauses_only: bool = False,
) -> tuple[np.ndarray, tuple[float, int] | None]:
    """Test time from per-step relative times, each step starting where the previous one ended.

    Parameters
    ----------
    step_time
        Seconds since the start of each record's step (finite).
    cycle, step
        Each record's cycle and step number (the step's may be None).
    stamps
        Each record's absolute time (datetime64; NaT where unknown), or None.
    pauses_only
        Move a step's start to where the absolute time says only where that lies more than
        :data:`~.neware_time.PAUSE_TOLERANCE_S` later than the steps say (a pause): for a clock of whole seconds
        (``.nda``/``.ndax``'s ``Timestamp``), which would otherwise shift each step's start by its rounding.

    Returns
    -------
    tuple
        Seconds since the test's start (the first record at its own relative time), never decreasing; and,
        where the absolute time disagrees with the relative times by more than
        :data:`~.neware_time.PAUSE_TOLERANCE_S`, the largest disagreement (s) and the first row of one, else None.
    """
    n = len(step_time)
    starts = step_starts(step_time, cycle, step)
    ends = np.r_[starts[1:], n] - 1
    lengths = ends - starts + 1
    wall_start = np.full(len(starts), -np.inf)
    wall = None
    if stamps is not None and not np.isnat(stamps).all():
        first = int(np.flatnonzero(~np.isnat(stamps))[0])
        wall = (stamps - stamps[first]) / np.timedelta64(1, "s") + _time_by_steps(
            step_time, starts, ends, first
        )
        anchored = wall[starts] - step_time[starts]
        wall_start = np.where(np.isfinite(anchored), anchored, -np.inf)
    offsets = np.zeros(len(starts))
    for k in range(1, len(starts)):
        previous_end = offsets[k - 1] + step_time[ends[k - 1]]  # the last step's end, at its last record
        if pauses_only:  # where the steps say, later only by a pause
            late = wall_start[k] > previous_end + PAUSE_TOLERANCE_S
            offsets[k] = wall_start[k] if late else previous_end
        elif np.isfinite(wall_start[k]):  # where the absolute time says, but not before the previous record
            offsets[k] = max(wall_start[k], previous_end - step_time[starts[k]])
            while step_time[starts[k]] + offsets[k] < previous_end:  # the subtraction's rounding (-3.6e-15 s)
                offsets[k] = np.nextafter(offsets[k], np.inf)
        else:
            offsets[k] = previous_end
    time = step_time + np.repeat(offsets, lengths)
    if wall is None:
        return time, None
    gap = np.abs(time - wall)
    bad = np.flatnonzero(np.isfinite(gap) & (gap > PAUSE_TOLERANCE_S))
    return time, (float(gap[bad].max()), int(bad[0])) if len(bad) else None


def whole_seconds(step_time: np.ndarray) -> bool:
    """True when every finite relative time is a whole second (the clock as coarse as a whole-second wall clock).

    Such relative times lose up to 1 s per step against the test's clock (each step's last one rounded down), so
    the wall clock is trusted for where each step starts (:func:`step_test_time` without ``pauses_only``); finer
    ones (``h:min:s.ms``, ``.nda``) are summed, the wall clock counted for pauses only.
    """
    finite = step_time[np.isfinite(step_time)]
    return bool(np.all(finite == np.round(finite)))


def _time_by_steps(step_time: np.ndarray, starts: np.ndarray, ends: np.ndarray, row: int) -> float:
    """The test time of ``row`` by the relative times alone (where the absolute time is first known)."""
    k = int(np.searchsorted(starts, row, side="right") - 1)
    return float(step_time[ends[:k]].sum() + step_time[row])


class StepClock:
    """Rebuilds a record table's test time from its relative times, as :func:`.generic.read_mapped`'s hook.

    Parameters
    ----------
    path
        The table (CSV, header on its first line).
    column
        The relative time's column as written.
    date
        The absolute time's column as written (its values come through the column map), or None.
    encoding
        The encoding to read the table in (None: sniffed).
    """

    def __init__(self, path: Path, column: str, date: str | None, encoding: str | None) -> None:
        self.path, self.column, self.date = path, column, date
        encoding = encoding or sniff_encoding(read_head(path))
        header_line, names = locate_header(path, ",", encoding)
        raw = read_table(path, header_line, names, [column], ",", encoding, precision="round_trip")
        self.step_time = parse_duration(raw[column])
        self.notes: list[dict[str, str]] = []

    def __call__(self, values: dict[str, Any], first_line: int) -> dict[str, Any]:
        """Put the test time built from the steps in ``values`` (the column map's converted columns).

        Raises
        ------
        CorruptFileError
            A relative time that is no time (naming the column and line), or rows not as read here.
        """
        step_time = self.step_time
        if len(step_time) != len(values[s.CYCLE]):
            raise CorruptFileError(
                f"{self.path}: the rows of column {as_written(self.column, None)} could not be matched."
            )
        bad = np.flatnonzero(~np.isfinite(step_time) | (step_time < 0))
        if len(bad):
            row = int(bad[0])
            raise CorruptFileError(
                f"{self.path}: column {as_written(self.column, None)} (the time within each step) is missing or no time in data "
                f"row {row + 1} (line {first_line + row})."
            )
        stamps = values.get(s.DATE_TIME)
        time, disagreement = step_test_time(step_time, values[s.CYCLE], values.get(s.STEP), stamps)
        values[s.TIME] = time
        if disagreement is not None:
            largest, row = disagreement
            self.notes.append(
                s.warning(
                    "unknown_format",
                    f"the test time built from column {as_written(self.column, None)} (the time within each step) and column "
                    f"{as_written(self.date, None)} (absolute time) disagree by up to {largest:.3g} s, first at data row {row + 1} "
                    f"(line {first_line + row}); the steps start where the absolute time says, but not before "
                    "the previous record",
                    self.path,
                )
            )
        return values
