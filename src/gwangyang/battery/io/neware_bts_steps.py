"""A Neware BTSDA three-level CSV export's step rows, checked against the records under them.

Each step row of the export (``,Step Index,Step Number,Step Type,Step Time,Capacity(Ah),...``) is BTSDA's summary of
the records that follow it (:mod:`.neware_bts`). :func:`check_step_level` checks it against them:

* its ``Step Time`` is its last record's time within the step (``Time``, BTSDA 7's ``Time(h:min:s.ms)``), within
  :data:`~.neware_stepjoin.DATE_TOLERANCE_S` (whole seconds) and the step's longest logging interval (the step may
  end after its last record);
* its ``Capacity`` is its last record's, within a unit of the column's last decimal
  (:func:`.neware_crosscheck.beyond_last_decimal`).

Each column that disagrees is warned about once (``unknown_format``), naming the file's line of the first step that
differs, its cycle and step, both values and how many steps differ; step rows with no records under them are named
too. Columns either level lacks are not checked. On the shared IFE export the 81 steps agree: each ``Step Time``
is its last record's ``Time`` exactly, each capacity within 4.71e-6 Ah of it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...written import as_written
from .. import schema as s
from .neware_bts_units import find_column
from .neware_crosscheck import beyond_last_decimal, decimals
from .neware_stepjoin import DATE_TOLERANCE_S
from .neware_time import clock_seconds
from .textparse import numbers


def _shown(value: float) -> str:
    return f"{value:.15g}"


def _values(table: pd.DataFrame, at: int) -> np.ndarray:
    values = table.iloc[:, at]
    if not pd.api.types.is_float_dtype(values):
        values = numbers(values)
    return values.to_numpy(dtype="float64")


def check_step_level(
    path: Path,
    steps: pd.DataFrame,
    written: list[str],
    where: tuple[np.ndarray, np.ndarray, np.ndarray],
    step_of: np.ndarray,
    records: pd.DataFrame,
) -> list[dict[str, str]]:
    """The warnings where the export's step rows disagree with their records (none where they agree).

    Parameters
    ----------
    path
        The export, named in the warnings.
    steps
        The step rows, in the file's order, their columns the step header's names in English.
    written
        The step header's names as the file writes them (Chinese ones), named in the warnings.
    where
        Each step row's line in the file, cycle and step index.
    step_of
        Each record's step (a position in ``steps``), in the file's order (never decreasing).
    records
        The records, their columns the record header's names in English.

    Returns
    -------
    list
        ``unknown_format`` warnings: one for the step rows with no records, one for each of ``Step Time`` and
        ``Capacity`` where a step's differs from its records', naming the first such step's line and both values.
    """
    lines, cycles, indices = where
    notes: list[dict[str, str]] = []
    counts = np.bincount(step_of, minlength=len(steps))
    empty = np.flatnonzero(counts == 0)
    if len(empty):
        k = int(empty[0])
        notes.append(
            s.warning(
                "unknown_format",
                f"{len(empty)} step row(s) have no records under them, first line {int(lines[k])} (cycle "
                f"{_shown(cycles[k])}, step {_shown(indices[k])})",
                path,
            )
        )
    if not len(step_of):
        return notes
    last = np.r_[np.flatnonzero(np.diff(step_of)), len(step_of) - 1]
    first = np.r_[0, last[:-1] + 1]
    held = step_of[last]
    step_header, record_header = list(steps.columns), list(records.columns)

    def label(k: int) -> str:
        at = int(held[k])
        return f"line {int(lines[at])} (cycle {_shown(cycles[at])}, step {_shown(indices[at])})"

    step_clock = find_column(step_header, "Step Time", path, units=False)
    record_clock = find_column(record_header, "Time", path, units=False)
    if step_clock is not None and record_clock is not None:
        clock = clock_seconds(records.iloc[:, record_clock[0]])
        gaps = np.r_[0.0, np.diff(clock)]
        gaps[first] = 0.0
        gaps = np.where(np.isfinite(gaps) & (gaps > 0), gaps, 0.0)
        slack = DATE_TOLERANCE_S + np.maximum.reduceat(gaps, first)
        theirs = clock_seconds(steps.iloc[:, step_clock[0]])[held]
        ours = clock[last]
        bad = np.flatnonzero(np.isfinite(theirs) & np.isfinite(ours) & (np.abs(theirs - ours) > slack))
        if len(bad):
            k = int(bad[0])
            notes.append(
                s.warning(
                    "unknown_format",
                    f"{label(k)}: {as_written(written[step_clock[0]], None)} is {_shown(theirs[k])} s there but {_shown(ours[k])} s "
                    f"from the step's records ({len(bad)} step(s) differ by more than a second and their longest "
                    f"logging interval, {_shown(slack[k])} s for this one)",
                    path,
                )
            )
    step_capacity = find_column(step_header, "Capacity", path)
    record_capacity = find_column(record_header, "Capacity", path)
    if step_capacity is not None and record_capacity is not None:
        theirs = _values(steps, step_capacity[0])[held]
        ours = np.abs(_values(records, record_capacity[0])[last]) * record_capacity[1] / step_capacity[1]
        places = decimals(theirs)
        unit = 10.0**-places
        bad = np.flatnonzero(beyond_last_decimal(np.abs(theirs), ours, unit))
        if len(bad):
            k = int(bad[0])
            notes.append(
                s.warning(
                    "unknown_format",
                    f"{label(k)}: {as_written(written[step_capacity[0]], None)} is {theirs[k]:.{places}f} there but "
                    f"{ours[k]:.{places + 3}f} from the step's last record ({len(bad)} step(s) differ by more than "
                    f"{unit:.0e}, a unit of the column's last decimal)",
                    path,
                )
            )
    return notes
