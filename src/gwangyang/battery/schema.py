"""The canonical battery time-series schema: one table for every cycler, units in column names.

Conventions
-----------
* Positive current charges the cell.
* ``test_time_s`` is seconds since the start of the test and never decreases.
* ``cycle_index`` never decreases; ``step_index`` counts steps as the cycler numbers them.
  At ingest, cycles come from the signal (:func:`gwangyang.battery.pairing.apply_signal_cycles`);
  the cycler's own counter is kept as ``vendor_cycle_index``.
* ``charge_capacity_ah`` / ``discharge_capacity_ah`` (and the energies) are cumulative **within a
  cycle**: they start near zero at the cycle's first row and do not decrease within the cycle, so
  a cycle's charge capacity is its maximum. Readers convert the vendors' own conventions
  (cumulative over the test, reset per step) to this one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CorruptFileError

TIME = "test_time_s"
CYCLE = "cycle_index"
VENDOR_CYCLE = "vendor_cycle_index"
STEP = "step_index"
CURRENT = "current_a"
VOLTAGE = "voltage_v"
CHARGE_CAPACITY = "charge_capacity_ah"
DISCHARGE_CAPACITY = "discharge_capacity_ah"
CHARGE_ENERGY = "charge_energy_wh"
DISCHARGE_ENERGY = "discharge_energy_wh"
TEMPERATURE = "temperature_c"
RESISTANCE = "internal_resistance_ohm"
DATE_TIME = "date_time"

REQUIRED_COLUMNS: tuple[str, ...] = (TIME, CYCLE, CURRENT, VOLTAGE)
"""Columns every reader must deliver."""

FLOAT_COLUMNS: tuple[str, ...] = (
    TIME,
    CURRENT,
    VOLTAGE,
    CHARGE_CAPACITY,
    DISCHARGE_CAPACITY,
    CHARGE_ENERGY,
    DISCHARGE_ENERGY,
    TEMPERATURE,
    RESISTANCE,
)
INT_COLUMNS: tuple[str, ...] = (CYCLE, STEP, VENDOR_CYCLE)
CANONICAL_COLUMNS: tuple[str, ...] = (
    TIME,
    CYCLE,
    STEP,
    VENDOR_CYCLE,
    CURRENT,
    VOLTAGE,
    CHARGE_CAPACITY,
    DISCHARGE_CAPACITY,
    CHARGE_ENERGY,
    DISCHARGE_ENERGY,
    TEMPERATURE,
    RESISTANCE,
    DATE_TIME,
)
"""Every canonical column, in order; columns a cycler does not record are absent, never zero-filled."""


@dataclass
class CyclerData:
    """What a reader returns: one test's canonical time series and its metadata.

    Attributes
    ----------
    timeseries
        Canonical columns (see the module docstring); at least :data:`REQUIRED_COLUMNS`.
    vendor
        Reader name, e.g. ``"arbin"``.
    source
        The file read.
    cell_id
        Suggested cell id (usually from the file name or the file's own metadata).
    channel
        Cycler channel, when known.
    start_time
        Start of the test (timezone-aware UTC, or naive when the file gives no zone), when known.
    nominal_capacity_ah
        Nominal capacity, when the file or its metadata gives it.
    vendor_cycles
        The cycler's own per-cycle summary, when the file carries one (canonical column names),
        kept to check our summaries against.
    extra
        Any other metadata the file carries (schedule name, barcode, ...), JSON-serialisable.
    warnings
        What is suspect in the file (see :func:`warning`), never silently dropped.
    steps
        The steps table of ``timeseries`` once computed (see :mod:`gwangyang.battery.steps`).
    """

    timeseries: pd.DataFrame
    vendor: str
    source: Path
    cell_id: str
    channel: str | None = None
    start_time: pd.Timestamp | None = None
    nominal_capacity_ah: float | None = None
    vendor_cycles: pd.DataFrame | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[dict[str, str]] = field(default_factory=list)
    steps: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def rows(self) -> int:
        """Number of time-series rows."""
        return len(self.timeseries)

    @property
    def cycles(self) -> int:
        """Number of distinct cycles."""
        return int(self.timeseries[CYCLE].nunique()) if len(self.timeseries) else 0


WARNING_KINDS: tuple[str, ...] = (
    "cycle_too_large",
    "coulombic_efficiency",
    "time_backwards",
    "truncated_file",
    "unknown_column",
    "unknown_format",
    "counter_overridden",
    "incomplete_cycles",
    "current_derived",
    "test_restarted",
    "undecodable_text",
    "text_encoding",
    "rows_dropped",
    "time_zone",
    "start_time_mismatch",
    "end_time_mismatch",
    "orphan_companion",
)
"""What an ingest warns about (``{"file", "cell_id", "kind", "detail"}``)."""

WARNINGS_ATTR = "gwangyang_warnings"
"""Key in a table's ``attrs`` under which a reader's helpers leave warnings for :func:`read_cycler`."""


def warning(
    kind: str, detail: str, file: str | Path | None = None, cell_id: str | None = None
) -> dict[str, str]:
    """One warning record: ``{"file", "cell_id", "kind", "detail"}``."""
    return {
        "file": "" if file is None else Path(file).name,
        "cell_id": cell_id or "",
        "kind": kind,
        "detail": detail,
    }


SHOWN_COLUMNS = 10
"""Unread columns a warning names one by one; the rest are counted."""


def unread_columns(names: Sequence[str], source: str | Path, what: str = "column(s)") -> list[dict[str, str]]:
    """An ``unknown_column`` warning naming the columns a reader did not read (none when there are none)."""
    if not names:
        return []
    shown = ", ".join(repr(str(n)) for n in names[:SHOWN_COLUMNS])
    if len(names) > SHOWN_COLUMNS:
        shown += f" and {len(names) - SHOWN_COLUMNS} more"
    return [warning("unknown_column", f"{what} not read: {shown}", source)]


def add_table_warning(df: pd.DataFrame, kind: str, detail: str, source: Path) -> None:
    """Attach a warning to a table a reader is building (collected by ``read_cycler``)."""
    df.attrs.setdefault(WARNINGS_ATTR, []).append(warning(kind, detail, source))


def join_restarts(time: np.ndarray, cycles: np.ndarray) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Put a second test appended to a file after the first: its time and cycles carry on.

    A test restarts at a row where the test time goes back and either the cycle counter goes back
    too or the time is back at (or before) the file's first time after having passed it: two exports of one channel
    written into one file. From there the time is shifted to follow the row before, and the
    cycles to follow the largest cycle so far when they would repeat one.

    Returns
    -------
    tuple
        The time and cycles (new arrays when changed), and a one-line note of what was done
        (None when the file holds one test).
    """
    time = np.asarray(time, dtype="float64")
    cycles = np.asarray(cycles, dtype="float64")
    if len(time) < 2:
        return time, cycles, None
    finite = np.isfinite(time)
    with np.errstate(invalid="ignore"):
        back = (np.diff(time) < 0) & finite[1:] & finite[:-1]  # a damaged value (NaN, inf) is no restart
        restart = back & ((np.diff(cycles) < 0) | ((time[1:] <= time[0]) & (time[:-1] > time[0])))
    rows = np.flatnonzero(restart) + 1
    if len(rows) == 0:
        return time, cycles, None
    time, cycles = time.copy(), cycles.copy()
    for row in rows:
        time[row:] += time[row - 1] - time[row]
        before = cycles[:row][np.isfinite(cycles[:row])]  # all NaN (damaged): nothing to number on from
        shift = before.max() + 1 - cycles[row] if len(before) else 0.0
        if shift > 0:
            cycles[row:] += shift
    first = int(rows[0])
    note = (
        f"test time starts again at data row {first + 1} ({len(rows)} time(s)): a test appended to another; "
        f"its rows follow the previous test's, its cycles numbered on from {cycles[first]:g}"
    )
    return time, cycles, note


def finalize(df: pd.DataFrame, source: Path) -> pd.DataFrame:
    """Check and coerce a reader's table to the canonical schema.

    Keeps only canonical columns, in canonical order, with float64 / int64 dtypes; drops rows
    whose time, current or voltage is not finite; sorts by time (stable) when needed.

    Parameters
    ----------
    df
        A table with canonical column names.
    source
        The file it came from, named in errors.

    Returns
    -------
    pandas.DataFrame
        The canonical table.

    Raises
    ------
    CorruptFileError
        A required column is missing, or no valid row is left.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise CorruptFileError(f"{source}: missing required column(s) {', '.join(missing)}.")
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for column in CANONICAL_COLUMNS:
        if column not in df.columns:
            continue
        values = df[column]
        if column in FLOAT_COLUMNS:
            out[column] = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
        elif column in INT_COLUMNS:
            numeric = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
            out[column] = numeric  # cast after dropping bad rows
        else:
            out[column] = pd.to_datetime(values, errors="coerce").to_numpy()
    valid = np.ones(len(out), dtype=bool)
    for column in (TIME, CURRENT, VOLTAGE, CYCLE):
        valid &= np.isfinite(out[column].to_numpy(dtype="float64"))
    dropped = np.flatnonzero(~valid)
    out = out.loc[valid].reset_index(drop=True)
    if len(out) == 0:
        raise CorruptFileError(
            f"{source}: no valid rows (time, cycle, current and voltage must be finite numbers)."
        )
    carried = list(df.attrs.get(WARNINGS_ATTR, []))
    if len(dropped):
        carried.append(
            warning(
                "rows_dropped",
                f"{len(dropped)} of {len(valid)} row(s) left out: their test time, cycle, current or voltage is "
                f"not a number (the first is data row {dropped[0] + 1} as the reader read the file)",
                source,
            )
        )
    for column in INT_COLUMNS:
        if column in out.columns:
            out[column] = np.nan_to_num(out[column].to_numpy(dtype="float64"), nan=-1).astype("int64")
    joined_time, joined_cycles, note = join_restarts(out[TIME].to_numpy(), out[CYCLE].to_numpy())
    if note is not None:
        out[TIME] = joined_time
        out[CYCLE] = joined_cycles.astype("int64")
        carried.append(warning("test_restarted", note, source))
    time = out[TIME].to_numpy()
    back = np.flatnonzero(np.diff(time) < 0)
    if len(back):
        i = int(back[0])
        carried.append(
            warning(
                "time_backwards",
                f"test time goes back {len(back)} time(s), first from {time[i]:g} s to {time[i + 1]:g} s "
                f"(row {i + 2}); rows sorted by time",
                source,
            )
        )
        out = out.sort_values(TIME, kind="stable").reset_index(drop=True)
    if carried:
        out.attrs[WARNINGS_ATTR] = carried
    return out


def cumulative_within_cycle(values: np.ndarray, cycles: np.ndarray) -> np.ndarray:
    """Turn a test-cumulative counter (Arbin style) into one that restarts at each cycle.

    Parameters
    ----------
    values
        A counter that grows over the whole test (it may also be reset by the cycler now and then).
    cycles
        Cycle index of each row.

    Returns
    -------
    numpy.ndarray
        ``values`` minus the counter's value at the first row of each cycle, floored at zero.
    """
    values = np.asarray(values, dtype="float64")
    cycles = np.asarray(cycles)
    if len(values) == 0:
        return values
    starts = np.r_[0, np.flatnonzero(np.diff(cycles) != 0) + 1]
    lengths = np.diff(np.r_[starts, len(values)])
    baseline = np.repeat(values[starts], lengths)
    return np.maximum(values - baseline, 0.0)


def cumulative_from_steps(values: np.ndarray, cycles: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Turn a counter that resets at every step (Maccor style) into one cumulative within a cycle.

    Parameters
    ----------
    values
        Counter that restarts at zero with each step.
    cycles
        Cycle index of each row.
    steps
        Step index (or any label that changes when the counter resets).

    Returns
    -------
    numpy.ndarray
        Per row, the sum of the final values of the cycle's earlier steps plus the current value.
    """
    values = np.nan_to_num(np.asarray(values, dtype="float64"))
    cycles = np.asarray(cycles)
    steps = np.asarray(steps)
    n = len(values)
    if n == 0:
        return values
    change = np.r_[True, (np.diff(steps) != 0) | (np.diff(cycles) != 0)]
    seg_id = np.cumsum(change) - 1
    seg_starts = np.flatnonzero(change)
    seg_ends = np.r_[seg_starts[1:], n] - 1
    seg_final = values[seg_ends]
    seg_cycle = cycles[seg_starts]
    new_cycle = np.r_[True, np.diff(seg_cycle) != 0]
    # offset of each segment = sum of finals of earlier segments in the same cycle
    csum = np.cumsum(seg_final) - seg_final
    cycle_start_seg = np.maximum.accumulate(np.where(new_cycle, np.arange(len(seg_final)), 0))
    offset = csum - csum[cycle_start_seg]
    return values + offset[seg_id]
