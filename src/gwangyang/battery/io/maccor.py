"""Maccor cycler files: raw text exports (``.0NN``) and CSV exports.

Both are read through shipped column maps (``maps/maccor_text.toml``, ``maps/maccor_csv.toml``):
Amp-hr / Watt-hr reset at each step and become cumulative within each cycle; the raw export's
current is signed from its State column (C charges, D discharges; a stop, control or pause row, S, O or P, takes
its step's way, and a letter not known is warned about: :mod:`.maccor_states`).

Clock handling (raw export). Maccor's own test time stands still while a test is paused (and
through an impedance sweep), and the PC's wall clock (``DPt Time``) jumps at a daylight-saving or
time-zone change. Comparing the two row by row:

* the wall clock running ahead of the test clock by more than :data:`PAUSE_THRESHOLD_S`, or
  running on while the test clock stands still, is a pause: its length is added to
  ``test_time_s``, so that test time is elapsed real time;
* the wall clock going back, or leaping exactly one hour forward at night on a spring Sunday, is
  a clock change: it is removed from ``date_time``, which stays monotonic in the UTC offset in
  force at the file's first row.

Both are listed in ``CyclerData.extra`` (``pauses``, ``clock_changes``). Maccor's date-only stamp
at midnight (``10/22/2019`` with no time) is read as 00:00:00.

Preambles recognised (raw text export). The data header is found by its column names, not by its line
number: the first line among the first :data:`PREAMBLE_LINES` that starts ``Rec#`` (or ``Rec``) and a tab and
names two or more of Maccor's columns (``Cyc#``, ``Step``, ``Amps``, ``Volts``, ...; one the reader needs and does
not find is then refused by name). Above it may stand

* Maccor's one metadata line, ``Today's Date ... Date of Test: ... Filename: ... Procedure: ...
  Comment/Barcode: ...`` (MacTest32's export, BEEP's files: the header on line 2);
* those fields over several lines, with blank or other lines among them (exports with two or twelve
  comment rows, as cellpy's ``maccor_txt`` models two and three know them): every preamble line's
  fields go into ``extra``, lines without one are passed over;
* nothing: the header on line 1.

Column namings (``maps/maccor_text.toml``). MacTest32's (``Rec#``, ``Cyc#``, ``Test (Sec)`` or ``TestTime``,
``Amp-hr``, ``Watt-hr``, ``Amps``, ``Volts``, ``State``, ``DPt Time``: BEEP's files, cellpy's models zero,
one and three), and the one cellpy's ``maccor_txt`` models two and four (KIT) read: ``Rec``, ``Cycle C`` or
``Cycle P``, ``TestTime``, ``StepTime``, ``Cap. [Ah]``, ``Ener. [Wh]``, ``Current [A]`` (unsigned, signed by
the state), ``Voltage [V]``, ``Md`` (C, D, R), ``DPT Time``, usually with decimal commas and day-first dates
(``21.10.2019 10:59:59``) from a German Windows. Numbers with thousands grouped by commas (cellpy's model
three, ``thousands = ","``) read as numbers. WMG's milli-units (``mAmps``, ``mAmp-hr``, ``mWatt-hr``) and
capacity or energy carried on across steps are read by :mod:`.maccor_counters`.

A file whose first line is the raw export's tab-separated ``Today's Date`` line and that has no such
header line within the first :data:`PREAMBLE_LINES` lines, nor a ``Rec,`` CSV header, is refused in one
line saying the header was expected on line 2 (a ``Today's Date`` line without a tab is no Maccor file this
reader takes: a CSV export written with ``;``, for one). The CSV export is told by a ``Rec,`` line among its first five, below a
``Today's Date`` line.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...errors import CorruptFileError
from .. import schema as s
from ..schema import CyclerData
from .base import Reader, file_encoding, head_text, looks_binary, read_head, safe_cell_id
from .column_map import ColumnMap, load_shipped_map
from .generic import read_mapped
from .maccor_counters import STEP_TIME, STEP_TIME_SPEC, StepCounters, milli_map

PAUSE_THRESHOLD_S = 60.0
"""Wall clock ahead of the test clock by more than this between two rows is a pause."""

_FROZEN_MIN_S = 2.0
_ZONE_STEP_S = 900.0  # time zones and daylight saving move clocks by multiples of 15 minutes
_METADATA_FIELDS = ("Today's Date", "Date of Test:", "Filename:", "Procedure:", "Comment/Barcode:")
PREAMBLE_LINES = 40
"""How many lines from the top of a raw text export its data header is looked for in."""
_TEXT_NAMES = frozenset(
    {
        "Cyc#",
        "Cycle",
        "Step",
        "Test (Sec)",
        "TestTime",
        "Amp-hr",
        "Watt-hr",
        "Amps",
        "Volts",
        "State",
        "DPt Time",
        # cellpy's maccor_txt models "two" and "four" (KIT): the header starts "Rec", not "Rec#"
        "Cycle C",
        "Cycle P",
        "StepTime",
        "Cap. [Ah]",
        "Ener. [Wh]",
        "Current [A]",
        "Voltage [V]",
        "Md",
        "DPT Time",
    }
)
"""Maccor's column names; the raw text export's data header holds at least two (a missing one the column map
names)."""


@cache
def _map(name: str) -> ColumnMap:
    return load_shipped_map(name)


def _first_lines(head: bytes, count: int) -> list[str]:
    return head_text(head).splitlines()[:count]


def parse_metadata_line(line: str) -> dict[str, str]:
    """Split Maccor's first line (``Today's Date ... Date of Test: ... Filename: ...``) into fields."""
    fields: dict[str, str] = {}
    positions = [(line.find(name), name) for name in _METADATA_FIELDS if name in line]
    positions.sort()
    for index, (start, name) in enumerate(positions):
        end = positions[index + 1][0] if index + 1 < len(positions) else len(line)
        key = name.rstrip(":").lower().replace("'", "").replace("/", "_").replace(" ", "_")
        fields[key] = line[start + len(name) : end].strip(" \t,")
    return fields


def _spring_forward(moments: np.ndarray) -> np.ndarray:
    """True where a wall-clock time could follow a daylight-saving spring-forward (Sunday night)."""
    stamps = pd.DatetimeIndex(moments)
    spring_months = np.isin(stamps.month, (3, 4, 9, 10))  # northern and southern hemispheres
    return np.asarray(spring_months & (stamps.dayofweek == 6) & np.isin(stamps.hour, (1, 2, 3, 4)))


def correct_clock(
    test_time: np.ndarray, wall: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]], list[dict[str, Any]]]:
    """Add pauses to test time and remove clock changes from the wall clock (see the module docstring).

    Parameters
    ----------
    test_time
        The cycler's test time in seconds.
    wall
        The PC's wall-clock time of each row (``datetime64[ns]``, NaT where unreadable).

    Returns
    -------
    tuple
        Corrected test time, corrected wall clock, the pauses (consecutive rows merged) and the
        clock changes found.
    """
    valid = np.flatnonzero(~np.isnat(wall) & np.isfinite(test_time))
    if len(valid) < 2:
        return test_time, wall, [], []
    seconds = (wall[valid] - wall[valid[0]]) / np.timedelta64(1, "s")
    advance = np.diff(test_time[valid])
    excess = np.diff(seconds) - advance
    after = wall[valid[1:]]
    spring = (np.abs(excess - 3600.0) <= 90.0) & _spring_forward(after)
    change = (excess < -PAUSE_THRESHOLD_S) | spring
    # the test clock stood still (EIS sweeps) while the wall clock ran on beyond its 1 s resolution
    frozen = (advance <= 0) & (excess >= _FROZEN_MIN_S)
    pause = ((excess > PAUSE_THRESHOLD_S) | frozen) & ~change
    rounded = np.round(excess / _ZONE_STEP_S) * _ZONE_STEP_S
    shift = np.where(change, np.where(np.abs(excess - rounded) <= 90.0, rounded, excess), 0.0)
    added = np.zeros(len(test_time))
    added[valid[1:]] = np.where(pause, excess, 0.0)
    removed = np.zeros(len(test_time))
    removed[valid[1:]] = shift
    new_time = test_time + np.cumsum(added)
    new_wall = wall - (np.cumsum(removed) * 1e9).astype("timedelta64[ns]")
    changes = [{"at": str(after[i]), "shift_s": float(shift[i])} for i in np.flatnonzero(change)]
    pauses = _merge_pauses(
        pause | (advance <= 0), np.where(pause, excess, 0.0), wall[valid[:-1]], test_time[valid[:-1]]
    )
    return new_time, new_wall, pauses, changes


def _merge_pauses(
    group: np.ndarray, added: np.ndarray, wall: np.ndarray, test_time: np.ndarray
) -> list[dict[str, Any]]:
    """One entry per run of consecutive paused (or clock-stopped) row intervals that added time."""
    if not (added > 0).any():
        return []
    edges = np.diff(np.r_[0, group.astype(np.int8), 0])
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    running = np.r_[0.0, np.cumsum(added)]
    totals = running[stops] - running[starts]
    return [
        {
            "at": str(wall[a]),
            "after_test_time_s": float(test_time[a]),
            "duration_s": float(total),
            "rows": int(b - a),
        }
        for a, b, total in zip(starts, stops, totals, strict=True)
        if total > 0
    ]


class MaccorReader:
    """Maccor exports: the raw text export (``.0NN``) and the CSV export, told apart by content."""

    name = "maccor"

    def can_load(self, path: Path, head: bytes) -> bool:
        """A first line starting ``Today's Date`` and a ``Rec#`` (tab) or ``Rec,`` header."""
        return self._kind(head) is not None

    @staticmethod
    def _kind(head: bytes) -> str | None:
        if looks_binary(head):
            return None
        lines = _first_lines(head, PREAMBLE_LINES)
        if not lines:
            return None
        preamble = lines[0].lstrip("\ufeff").startswith("Today's Date")
        if preamble and any(line.startswith("Rec,") for line in lines[:5]):
            return "csv"
        if text_header(lines) is not None:
            return "text"
        # the raw export's metadata line is tab-separated (the CSV's, "Today's Date ,28-Nov-23", is not):
        # read() says which line was expected
        return "text" if preamble and "\t" in lines[0] else None

    def read(self, path: Path) -> CyclerData:
        """Read either export; see the module docstring for the clock handling of the text export."""
        path = Path(path)
        if not path.is_file():
            raise CorruptFileError(f"{path}: no such file.")
        kind = self._kind(read_head(path))
        if kind is None:
            raise CorruptFileError(
                f'{path}: not a Maccor export (expected a "Today\'s Date" line and a Rec# or Rec, header).'
            )
        return _read_text(path) if kind == "text" else _read_csv(path)


def text_header(lines: list[str]) -> int | None:
    """0-based line of the raw text export's data header among ``lines`` (see the module docstring)."""
    for index, line in enumerate(lines[:PREAMBLE_LINES]):
        if line.lstrip("\ufeff").startswith(("Rec#\t", "Rec\t")):
            names = {name.strip() for name in line.split("\t")}
            if len(names & _TEXT_NAMES) >= 2:
                return index
    return None


def _read_text(path: Path) -> CyclerData:
    lines = _first_lines(read_head(path), PREAMBLE_LINES)
    header = text_header(lines)
    if header is None:
        raise CorruptFileError(
            f'{path}: Maccor text export: expected its data header on line 2, after the "Today\'s Date" line '
            "(a tab-separated line starting Rec# or Rec with Maccor's columns: Cyc#, Step, Amps, Volts, ...); none in the first "
            f"{min(len(lines), PREAMBLE_LINES)} lines."
        )
    # the header line found by its names (a preamble line may start with Rec# too)
    cmap = dataclasses.replace(_map("maccor_text"), header_marker=None, skip_lines=header)
    table, extra = _read_counted(path, cmap, [name.strip() for name in lines[header].split("\t")])
    if s.DATE_TIME in table.columns:
        time, wall, pauses, changes = correct_clock(
            table[s.TIME].to_numpy(dtype="float64"), table[s.DATE_TIME].to_numpy(dtype="datetime64[ns]")
        )
        table[s.TIME] = time
        table[s.DATE_TIME] = wall
        extra.update(pauses=pauses, clock_changes=changes)
    table = s.finalize(table, path)
    with open(path, encoding=file_encoding(path), errors="replace") as handle:
        for _, line in zip(range(header), handle, strict=False):  # every preamble line above the header
            extra.update(parse_metadata_line(line.rstrip("\r\n").lstrip("\ufeff")))
    channel = path.suffix[1:] if re.fullmatch(r"\.\d+", path.suffix) else None
    return CyclerData(
        timeseries=table,
        vendor="maccor",
        source=path,
        cell_id=safe_cell_id(path.name),
        channel=str(int(channel)) if channel else None,
        start_time=_start_time(table),
        extra=extra,
    )


def _read_counted(path: Path, cmap: ColumnMap, names: list[str]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read with the map: milli-unit columns scaled, counters that run on across steps made per-step.

    See :mod:`.maccor_counters`; ``extra["counters"]`` names what each counter does.
    """
    cmap = milli_map(cmap, names, path)
    sources: dict[str, str] = {
        column: next((n for n in cmap.columns[column].sources if n in names), column)
        for column in ("capacity_ah", "energy_wh")
        if column in cmap.columns
    }
    if cmap.state is not None:
        sources["state"] = next((n for n in cmap.state.sources if n in names), "State")
    counters = StepCounters(path, sources)
    table = read_mapped(path, cmap, counters, {STEP_TIME: STEP_TIME_SPEC})
    if counters.notes:
        table.attrs[s.WARNINGS_ATTR] = [*table.attrs.get(s.WARNINGS_ATTR, []), *counters.notes]
    return table, {"counters": dict(counters.found)} if counters.found else {}


def _read_csv(path: Path) -> CyclerData:
    lines = _first_lines(read_head(path), 5)
    names = next((line.split(",") for line in lines if line.startswith("Rec,")), [])
    table, extra = _read_counted(path, _map("maccor_csv"), [name.strip() for name in names])
    table = s.finalize(table, path)
    with open(path, encoding=file_encoding(path), errors="replace") as handle:
        for line in (handle.readline(), handle.readline()):
            key, _, value = line.partition(",")
            if key.strip() and not key.startswith("Rec"):
                extra[key.strip().rstrip(":").lower().replace("'", "").replace(" ", "_")] = value.strip()
    return CyclerData(
        timeseries=table,
        vendor="maccor",
        source=path,
        cell_id=safe_cell_id(path.stem),
        start_time=_start_time(table),
        extra=extra,
    )


def _start_time(table: pd.DataFrame) -> pd.Timestamp | None:
    """The test's start: the first row's wall clock less its test time."""
    if s.DATE_TIME not in table.columns:
        return None
    stamps = table[s.DATE_TIME]
    valid = stamps.notna().to_numpy()
    if not valid.any():
        return None
    first = int(np.flatnonzero(valid)[0])
    return pd.Timestamp(stamps.iloc[first]) - pd.Timedelta(seconds=float(table[s.TIME].iloc[first]))


READERS: list[Reader] = [MaccorReader()]
