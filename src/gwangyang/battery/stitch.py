"""Stitch several files of one test into one continuous test."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InputError
from . import schema as s
from .io.base import safe_cell_id
from .schema import CyclerData

# Trailing date or part markers that vary between files of one test, e.g. CALCE "CS2_35_10_15_10"
# (month_day_year) or "cell7_2021-03-04" or "cell7_part2".
_TRAILING = re.compile(r"([_-](\d{1,2}[_-]\d{1,2}[_-]\d{2,4}|\d{4}-\d{2}-\d{2}|part\d+|\d{8}))+$", re.IGNORECASE)


def stitch_key(path: Path) -> str:
    """The cell id a file belongs to: its stem less trailing date or part markers."""
    stem = path.stem
    stripped = _TRAILING.sub("", stem)
    return safe_cell_id(stripped or stem)


def _order_key(part: CyclerData) -> tuple[int, float, str]:
    if part.start_time is not None:
        stamp = pd.Timestamp(part.start_time)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return (0, stamp.value / 1e9, part.source.name)
    return (1, 0.0, part.source.name)


def stitch(parts: list[CyclerData], cell_id: str | None = None) -> CyclerData:
    """Join parts of one test in time order, so test time and cycle index keep increasing.

    Parts are ordered by their start time (by file name where unknown). Each part's time is shifted
    to start at its real start time relative to the first part (or right after the previous part
    when start times are unknown); its cycles are renumbered to follow the previous part's last cycle.

    Parameters
    ----------
    parts
        Canonical data of each file.
    cell_id
        The stitched cell's id; default: the first part's.

    Returns
    -------
    CyclerData
        One test; ``extra["parts"]`` lists each source with its time and cycle offsets.
    """
    if not parts:
        raise InputError("stitch: no parts given.")
    if len(parts) == 1 and cell_id is None:
        return parts[0]
    ordered = sorted(parts, key=_order_key)
    first = ordered[0]
    frames = []
    offsets = []
    prev_end_time = 0.0
    prev_last_cycle: int | None = None
    first_start = _order_key(first)
    for k, part in enumerate(ordered):
        ts = part.timeseries
        t0 = float(ts[s.TIME].iloc[0])
        key = _order_key(part)
        if k == 0:
            shift = -t0
        elif key[0] == 0 and first_start[0] == 0:
            shift = max(key[1] - first_start[1], prev_end_time) - t0
        else:
            shift = prev_end_time - t0
        cycles = ts[s.CYCLE].to_numpy()
        cycle_shift = 0 if prev_last_cycle is None else prev_last_cycle + 1 - int(cycles.min())
        shifted = ts.copy()
        shifted[s.TIME] = ts[s.TIME].to_numpy() + shift
        shifted[s.CYCLE] = cycles + cycle_shift
        frames.append(shifted)
        offsets.append(
            {"file": part.source.name, "time_offset_s": shift, "cycle_offset": cycle_shift, "rows": len(ts)}
        )
        prev_end_time = float(shifted[s.TIME].iloc[-1])
        prev_last_cycle = int(shifted[s.CYCLE].max())
    timeseries = pd.concat(frames, ignore_index=True)
    extra = dict(first.extra)
    extra["parts"] = offsets
    return CyclerData(
        timeseries=timeseries,
        vendor=first.vendor,
        source=first.source,
        cell_id=cell_id or first.cell_id,
        channel=first.channel,
        start_time=first.start_time,
        nominal_capacity_ah=first.nominal_capacity_ah,
        vendor_cycles=None,
        extra=extra,
    )
