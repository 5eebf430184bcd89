"""Stitch several files of one test into one continuous test."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..written import as_written
from . import schema as s
from .io.base import safe_cell_id
from .schema import CyclerData

# Trailing date or part markers that vary between files of one test, e.g. CALCE "CS2_35_10_15_10"
# (month_day_year) or "cell7_2021-03-04" or "cell7_part2".
_TRAILING = re.compile(
    r"([_-](\d{1,2}[_-]\d{1,2}[_-]\d{2,4}|\d{4}-\d{2}-\d{2}|part\d+|\d{8}))+$", re.IGNORECASE
)


_COPY = re.compile(r"(\s*-\s*copy(\s*\(\d+\))?|\s+copy)$", re.IGNORECASE)
"""A copy marker an operating system adds to a file name: ``name - Copy``, ``name - Copy (2)``, ``name copy``."""

_NUMBERED_COPY = re.compile(r"\s*\(\d+\)$")
"""``name (2)``: a copy where the rest ends with a date or part marker (``CS2_35_10_15_10 (2)``); else a name
(``cell (2)`` is cell 2)."""


def stitch_key(path: Path) -> str:
    """The cell id a file belongs to: its stem less a copy marker and trailing date or part markers."""
    stem = _COPY.sub("", path.stem)
    uncopied = _NUMBERED_COPY.sub("", stem)
    if uncopied != stem and _TRAILING.search(uncopied):
        stem = uncopied
    stripped = _TRAILING.sub("", stem)
    return safe_cell_id(stripped or stem)


def _order_key(part: CyclerData) -> tuple[int, float, str]:
    if part.start_time is not None:
        stamp = pd.Timestamp(part.start_time)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return (0, stamp.value / 1e9, part.source.name)
    return (1, 0.0, part.source.name)


MIN_GAP_S = 1e-3
"""Smallest time step put between two parts, so test time keeps strictly increasing across files."""


def _same_test(a: CyclerData, b: CyclerData) -> bool:
    """Two exports of one run: the same known start time (a later export holds the earlier one's rows)."""
    key_a, key_b = _order_key(a), _order_key(b)
    return key_a[0] == 0 and key_b[0] == 0 and key_a[1] == key_b[1]


def _edge_steps(part: CyclerData) -> pd.DataFrame:
    from .steps import step_table

    if part.steps is None:
        part.steps = step_table(part.timeseries)
    return part.steps


def continues_cycle(previous: CyclerData, part: CyclerData) -> bool:
    """Whether ``part`` begins by going on with the cycle ``previous`` was cut in.

    True when the previous file's last cycle is not complete (see
    :func:`~gwangyang.battery.kinds.annotate_cycles`) and it and this file's first cycle make one
    sound cycle together (at most one charge and one discharge): a charge cut by the end of a file
    and finished in the next, or a discharge cut and resumed.
    """
    from .kinds import annotate_cycles
    from .pairing import sound, step_phases

    before, after = _edge_steps(previous), _edge_steps(part)
    if len(before) == 0 or len(after) == 0:
        return False
    if bool(annotate_cycles(before)["complete"].iloc[-1]):
        return False
    last = before[s.CYCLE].to_numpy() == before[s.CYCLE].iloc[-1]
    first = after[s.CYCLE].to_numpy() == after[s.CYCLE].iloc[0]
    return sound(np.r_[step_phases(before)[last], step_phases(after)[first]])


def stitch(parts: list[CyclerData], cell_id: str | None = None) -> CyclerData:
    """Join parts of one test in time order, so test time and cycle index keep increasing.

    Parts are ordered by their start time (by file name where unknown). Test time counts from the
    first part's start; each later part starts at its real start relative to the first part's when
    both are known (else right after the previous part), and never before the previous part has
    ended; its cycles are renumbered to follow the previous part's last cycle, except that a part
    going on with a cycle the previous part was cut in (:func:`continues_cycle`) continues that
    cycle, its within-cycle capacities and energies carried on. Several exports of
    the same run (the same start time, e.g. a test exported twice while it ran) are one part: the
    one with the most rows is kept and the others are listed as duplicates.

    Parameters
    ----------
    parts
        Canonical data of each file.
    cell_id
        The stitched cell's id; default: the first part's.

    Returns
    -------
    CyclerData
        One test; ``extra["parts"]`` lists each source with its time and cycle offsets;
        ``vendor_cycles`` are joined with the same cycle offsets where every part has them.
    """
    if not parts:
        raise InputError("stitch: no parts given.")
    if len(parts) == 1 and cell_id is None:
        return parts[0]
    ordered = sorted(parts, key=_order_key)
    kept: list[CyclerData] = []
    duplicates: list[dict[str, Any]] = []
    for part in ordered:
        if kept and _same_test(kept[-1], part):
            small, large = sorted((kept[-1], part), key=lambda p: p.rows)
            kept[-1] = large
            duplicates.append(
                {"file": small.source.name, "rows": small.rows, "duplicate_of": large.source.name}
            )
        else:
            kept.append(part)
    first = kept[0]
    first_key = _order_key(first)
    frames, vendor_frames, offsets = [], [], []
    prev_end_time = 0.0
    prev_last_cycle: int | None = None
    prev_tail: dict[str, float] = {}
    for k, part in enumerate(kept):
        ts = part.timeseries
        t0 = float(ts[s.TIME].iloc[0])
        key = _order_key(part)
        # time counts from the first part's start; a part's own test time counts from its own start,
        # which is its start time's distance from the first part's, and never before the previous end
        shift = 0.0 if k == 0 else prev_end_time - t0 + max(t0, MIN_GAP_S)
        if k > 0 and key[0] == 0 and first_key[0] == 0:
            shift = max(shift, key[1] - first_key[1])
        cycles = ts[s.CYCLE].to_numpy()
        continues = k > 0 and continues_cycle(kept[k - 1], part)
        cycle_shift = 0 if prev_last_cycle is None else prev_last_cycle + 1 - int(cycles.min())
        shifted = ts.copy()
        shifted[s.TIME] = ts[s.TIME].to_numpy() + shift
        if continues and prev_last_cycle is not None:
            # the file goes on with the cycle the previous one was cut in: one cycle, its
            # within-cycle counters carried on from where the previous file left them
            cycle_shift -= 1
            head = cycles == cycles[0]
            for column, value in prev_tail.items():
                if column in shifted.columns:
                    values = shifted[column].to_numpy(dtype="float64").copy()
                    values[head] += value
                    shifted[column] = values
        shifted[s.CYCLE] = cycles + cycle_shift
        frames.append(shifted)
        if part.vendor_cycles is not None and s.CYCLE in part.vendor_cycles.columns:
            vendor = part.vendor_cycles.copy()
            vendor[s.CYCLE] = vendor[s.CYCLE] + cycle_shift
            vendor_frames.append(vendor)
        offsets.append(
            {
                "file": part.source.name,
                "time_offset_s": shift,
                "cycle_offset": cycle_shift,
                "rows": len(ts),
                "first_cycle": int(shifted[s.CYCLE].iloc[0]),
                "last_cycle": int(shifted[s.CYCLE].iloc[-1]),
                "continues_cycle": bool(continues),
                # the part's own start and end as its metadata gives them (readers' extra), where it does
                **{key: part.extra[key] for key in _PART_TIMES if key in part.extra},
            }
        )
        prev_end_time = float(shifted[s.TIME].iloc[-1])
        prev_last_cycle = int(shifted[s.CYCLE].max())
        tail = shifted[s.CYCLE].to_numpy() == prev_last_cycle
        prev_tail = {
            c: float(np.nanmax(shifted[c].to_numpy(dtype="float64")[tail]))
            for c in (s.CHARGE_CAPACITY, s.DISCHARGE_CAPACITY, s.CHARGE_ENERGY, s.DISCHARGE_ENERGY)
            if c in shifted.columns
        }
    timeseries = pd.concat(frames, ignore_index=True)
    extra = {key: value for key, value in first.extra.items() if key not in _PART_TIMES}
    extra.update({key: first.extra[key] for key in ("test_start",) if key in first.extra})
    extra.update({key: kept[-1].extra[key] for key in ("test_end",) if key in kept[-1].extra})
    extra["parts"] = offsets
    if duplicates:
        extra["duplicate_parts"] = duplicates
    return CyclerData(
        timeseries=timeseries,
        vendor=first.vendor,
        source=first.source,
        cell_id=cell_id or first.cell_id,
        channel=first.channel,
        start_time=first.start_time,
        nominal_capacity_ah=first.nominal_capacity_ah,
        vendor_cycles=pd.concat(vendor_frames, ignore_index=True)
        if len(vendor_frames) == len(kept)
        else None,
        extra=extra,
    )


_SERIAL_KEYS = ("barcode", "comment_barcode", "serial", "serial_number")


def continuation_problem(meta: dict[str, Any], part: CyclerData) -> str | None:
    """Why a file does not continue a stored cell (None when it does).

    It continues the cell when it comes from the same cycler, on the same channel and with the same
    barcode / serial where both are known, and starts after the cell's last row (or is another
    export of the same run: the same start time). A file whose start is unknown cannot be shown to
    continue the cell.

    Parameters
    ----------
    meta
        The stored cell's metadata (``vendor``, ``channel``, ``start_time``, ``last_time``, ``extra``).
    part
        The new file, read.
    """
    if part.vendor != meta.get("vendor"):
        return f"it comes from another cycler ({part.vendor}; the cell's is {meta.get('vendor')})"
    if part.channel and meta.get("channel") and str(part.channel) != str(meta["channel"]):
        return f"it was recorded on channel {part.channel}, the cell on channel {meta['channel']}"
    extra = meta.get("extra") or {}
    for key in _SERIAL_KEYS:
        mine, theirs = part.extra.get(key), extra.get(key)
        if mine and theirs and str(mine).strip() != str(theirs).strip():
            return f"its {key} is {as_written(mine)}, the cell's is {as_written(theirs)}"
    if part.start_time is None or not meta.get("last_time"):
        return "its start time or the cell's end is unknown, so it cannot be shown to continue the cell"
    start = _naive_utc(pd.Timestamp(part.start_time))
    if meta.get("start_time") and start == _naive_utc(pd.Timestamp(meta["start_time"])):
        return None  # another export of the same run
    last = _naive_utc(pd.Timestamp(meta["last_time"]))
    if start < last:
        return f"it starts at {start.isoformat()}, before the cell's last row at {last.isoformat()}"
    return None


_PART_TIMES = ("test_start", "test_end", "test_end_s")
"""A reader's start and end of a file's test (``extra``): per part in ``extra["parts"]``; the stitched cell's start
is the first part's, its end the last part's (``test_end_s``, on a part's own clock, only per part)."""


def _naive_utc(stamp: pd.Timestamp) -> pd.Timestamp:
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo is not None else stamp
