r"""Generic CSV reader driven by a TOML column map, for any cycler without a reader of its own.

Column-map format
-----------------
A column map is a small TOML file (see ``maps/example.toml``)::

    name = "prime"                       # vendor name stored with the cell (default "generic")

    [file]
    delimiter = ";"                      # one character; "\\t" for tab (default ",")
    header_marker = "index;test_time"    # the header is the first line starting with this text ...
    skip_lines = 0                       # ... or the number of lines above the header (default 0)
    encoding = "utf-8"                   # held to for the whole file (default "utf-8"); bytes that do
                                         # not decode become U+FFFD, with an undecodable_text warning;
                                         # written, "utf-8" refuses a UTF-16 file (left out, it is read);
                                         # "auto": UTF-8 (BOM or not), cp949 (Korean Windows) or latin-1
                                         # "utf-16", "utf-16-le", "utf-16-be": held against the file's
                                         # byte-order mark or bytes (map_utf16), decoded once
    decimal = "."                        # decimal mark, "." or "," or "auto" (from the first rows) (default ".")
    quoted_lines = false                 # true when every line is wrapped in one pair of quotes (Novonix)
    known_columns = ["Loop1"]            # columns of the file not read on purpose (others are warned about)

    [options]
    allow_cycle_gaps = false             # a cycle index jumping by more than one is an error unless true
    on_invalid = "error"                 # a missing/non-finite time, cycle, current or voltage: "error" or "drop"

    [columns.current_a]                  # one table per canonical column (units in the name)
    source = "current"                   # header name in the file; a list means "the first one present"
    scale = 0.001                        # multiply by this: mA -> A is 0.001, hours -> s is 3600 (default 1)
    sign = "positive_charge"             # current only: "positive_charge", "negative_charge" or "unsigned"
    optional = false                     # true: skip the column when the file lacks it (not for required ones)

    [columns.charge_capacity_ah]
    source = "charge_capacity"
    scale = 0.001
    convention = "per_cycle"             # "per_cycle" (default), "per_step" (needs step_index) or "test_cumulative"

    [columns.date_time]
    source = "date_stamp"
    format = "excel_days"                # "number" (default), "duration", "datetime" or "excel_days"

    [state]                              # only for sign = "unsigned" or a single capacity column
    source = "State"
    charge = ["C"]
    discharge = ["D"]
    follow = ["S"]                       # optional: rows that take their step's direction
    neutral = ["R"]                      # optional: rows that count neither way

Use it with ``read_cycler(path, column_map="map.toml")`` or ``gwangyang battery ingest PATH
--column-map map.toml``; a bare name (``cellpy_custom``, ``maccor_text``, ``maccor_csv``,
``novonix``, ``basytec``) picks a map shipped in ``gwangyang/battery/io/maps/``.

Columns. Canonical names are those of :mod:`gwangyang.battery.schema`, units in the name;
``test_time_s``, ``cycle_index``, ``current_a`` and ``voltage_v`` are required. A mapped column
that the file lacks is an error unless ``optional = true``.

Capacity conventions (capacities and energies are taken as magnitudes):
``per_cycle`` -- restarts at each cycle (the canonical convention); ``per_step`` -- restarts at
each step (Maccor), summed over the steps of each cycle; ``test_cumulative`` -- grows over the
whole test (Arbin), made to restart at each cycle.

One column for both directions. ``capacity_ah`` and ``energy_wh`` take a single unsigned column
and split it into the charge and discharge columns, by the ``[state]`` codes or else by the sign
of the current over each step. Their conventions: ``per_cycle``, ``per_step``, or ``running`` (a
counter that runs on through the steps of a cycle, up or down; each change counts as charge or
discharge by that direction, as Novonix's Capacity).

State codes. ``follow`` codes take the direction of their step's last ``charge`` / ``discharge`` row before
them (Maccor's ``S``, the test stopped in that step, with the step's counter at the stop; ``O``, ``P``);
``neutral`` codes count neither way. A code named in none of the four counts neither way and is an
``unknown_format`` warning naming the column, the code, its first line and its count.

Time formats: ``number`` (times ``scale``); ``duration`` reads ``[Nd ]HH:MM:SS[.f]`` or plain
seconds; ``datetime`` reads ``datetime_format`` (strftime codes; a list tries each in turn;
default ISO 8601); ``excel_days`` reads days since 1899-12-30. A ``test_time_s`` given as a date
becomes seconds since the first row.

Columns the map does not read are listed in an ``unknown_column`` warning, but for those named
in ``known_columns``. Dates that fit no format (nor the other locales' forms tried after them,
see :data:`~gwangyang.battery.io.textdates.FALLBACK_DATETIME_FORMATS`) are warned about
(``unknown_format``). A second test appended to the file (test time and cycle counter starting
again) is put after the first, with a ``test_restarted`` warning.

Checks. The file must have the header and every mapped column; its last line must have all
the header's fields (else it is truncated); time, cycle, current and voltage must be finite
numbers (``on_invalid``); the cycle index must not skip a cycle or go back (``allow_cycle_gaps``).
Each failure is a one-line :class:`~gwangyang.errors.CorruptFileError` naming the file, the
column and the data row.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...errors import CorruptFileError, InputError
from ...written import as_written
from .. import schema as s
from ..schema import CyclerData
from .base import safe_cell_id
from .column_map import DIRECTIONS, MAGNITUDE_COLUMNS, SPLIT_COLUMNS, STATE_CODES, ColumnMap, ColumnSpec
from .mapped_counters import accumulate, direction_of, split_running
from .mapped_values import check_required, convert, resolve_column, seconds_since_first, unread_columns
from .state_codes import state_warning
from .textdates import unread_dates
from .textfile import scan_text
from .textparse import cycle_gaps, locate_header, read_table, sniff_decimal
from .textrows import check_rows


def read_mapped(
    path: Path,
    cmap: ColumnMap,
    counters: Callable[[dict[str, Any], int], dict[str, Any]] | None = None,
    helpers: dict[str, ColumnSpec] | None = None,
    given: bool = False,
) -> pd.DataFrame:
    """Read a delimited text file with a column map into canonical columns (not yet finalized).

    ``counters``: called with the converted values (and the file line of the first data row) before the
    capacity and energy counters are split and accumulated; returns them, changed where it must
    (:class:`.maccor_counters.StepCounters`); it finds the state column's text under
    :data:`.column_map.STATE_CODES` and may return each row's direction under :data:`.column_map.DIRECTIONS`.
    ``helpers``: columns read for ``counters`` alone (under their keys, where the header has one of their
    sources), not kept in the table. ``given``: the map is the user's (``--column-map``, an upload's ``.toml``),
    which a missing column's refusal names with the field that asks for it; a built-in reader's map is not named.

    Raises
    ------
    CorruptFileError
        A mapped column is missing, the file is truncated, a required value is not a finite
        number (with ``on_invalid = "error"``) or the cycle index skips a cycle.
    """
    text = scan_text(path, None if cmap.encoding == "auto" else cmap.encoding)
    encoding = text.encoding
    header_line, names = locate_header(
        path, cmap.delimiter, encoding, cmap.header_marker, cmap.skip_lines, cmap.quoted_lines
    )
    decimal = cmap.decimal
    if decimal == "auto":
        decimal = sniff_decimal(path, header_line, cmap.delimiter, encoding)
    origin = cmap.origin if given else None
    resolved = {
        c: resolve_column(path, spec.sources, c, names, header_line, (origin, f"columns.{c}.source"))
        for c, spec in cmap.columns.items()
        if not spec.optional or any(source in names for source in spec.sources)
    }
    state_column = (
        resolve_column(path, cmap.state.sources, "state", names, header_line, (origin, "state.source"))
        if cmap.state
        else None
    )
    last = check_rows(
        path,
        header_line,
        cmap.delimiter,
        len(names),
        encoding,
        cmap.quoted_lines,
        truncation_checked=True,
        trailing_ok=True,
    )
    if last is not None and last < len(names):
        raise CorruptFileError(
            f"{path}: the last line has {last} of {len(names)} fields; the file looks truncated."
        )
    helping = {
        key: next(source for source in spec.sources if source in names)
        for key, spec in (helpers or {}).items()
        if any(source in names for source in spec.sources)
    }
    wanted = sorted({*resolved.values(), *helping.values(), *([state_column] if state_column else [])})
    notes = [*text.warnings, *unread_columns(names, cmap, path)]
    raw = read_table(
        path,
        header_line,
        names,
        wanted,
        cmap.delimiter,
        encoding,
        decimal,
        cmap.quoted_lines,
        text.float_precision,
    )
    if len(raw) == 0:
        raise CorruptFileError(f"{path}: no data rows after the header on line {header_line + 1}.")
    values = {c: convert(raw[src], cmap.columns[c], decimal) for c, src in resolved.items()}
    for canonical, source in resolved.items():
        if values[canonical].dtype.kind == "M" and cmap.columns[canonical].format == "datetime":
            unread = unread_dates(raw[source], values[canonical])
            if unread is not None:
                notes.append(
                    s.warning(
                        "unknown_format",
                        f"column {as_written(source, None)} ({canonical}): {unread[0]} of {len(raw)} values are no date "
                        f"this reader knows, e.g. {as_written(unread[1])}; left empty there",
                        path,
                    )
                )
    values[s.TIME] = seconds_since_first(values[s.TIME])
    joined_time, joined_cycles, restart = s.join_restarts(values[s.TIME], values[s.CYCLE])
    if restart is not None:
        values[s.TIME], values[s.CYCLE] = joined_time, joined_cycles
        notes.append(s.warning("test_restarted", restart, path))
    first_line = header_line + 2
    keep = check_required(path, values, resolved, cmap.on_invalid, first_line)
    if not keep.all():
        values = {c: v[keep] for c, v in values.items()}
        raw = raw.loc[keep].reset_index(drop=True)
    cycles = values[s.CYCLE]
    if not cmap.allow_cycle_gaps:
        problem = cycle_gaps(cycles)
        if problem is not None:
            row, before, after = problem
            what = "skips cycle(s)" if after > before else "goes back"
            raise CorruptFileError(
                f"{path}: cycle index {what} from {before:g} to {after:g} at data row {row + 1}; "
                "set options.allow_cycle_gaps = true in the column map to accept it."
            )
    if counters is not None:
        extra = {key: convert(raw[source], (helpers or {})[key], decimal) for key, source in helping.items()}
        if state_column:
            extra[STATE_CODES] = (
                raw[state_column].astype("string").str.strip().to_numpy(dtype=object, na_value="")
            )
        values = {key: v for key, v in counters({**values, **extra}, first_line).items() if key not in extra}
    current = values[s.CURRENT]
    states = raw[state_column] if state_column else None
    spec_current = cmap.columns[s.CURRENT]
    if spec_current.sign == "negative_charge":
        current = -current
    direction = values.pop(DIRECTIONS, None)
    if direction is None:
        direction, unnamed = direction_of(states, cmap.state, current, cycles, values.get(s.STEP))
        for letter, row, count in unnamed:
            notes.append(state_warning(path, str(state_column), letter, first_line + row, count))
    if spec_current.sign == "unsigned":
        current = np.where(direction > 0, np.abs(current), np.where(direction < 0, -np.abs(current), current))
    out: dict[str, Any] = {s.CURRENT: current}
    for canonical, array in values.items():
        if canonical == s.CURRENT:
            continue
        spec = cmap.columns[canonical]
        if canonical in SPLIT_COLUMNS:
            charge_name, discharge_name = SPLIT_COLUMNS[canonical]
            if spec.convention == "running":
                out[charge_name], out[discharge_name] = split_running(array, direction, cycles)
                continue
            magnitude = np.abs(array)
            out[charge_name] = accumulate(
                np.where(direction > 0, magnitude, 0.0), spec, cycles, values.get(s.STEP)
            )
            out[discharge_name] = accumulate(
                np.where(direction < 0, magnitude, 0.0), spec, cycles, values.get(s.STEP)
            )
        elif canonical in MAGNITUDE_COLUMNS:
            out[canonical] = accumulate(np.abs(array), spec, cycles, values.get(s.STEP))
        else:
            out[canonical] = array
    table = pd.DataFrame(out)
    if notes:
        table.attrs[s.WARNINGS_ATTR] = notes
    return table


class ColumnMapReader:
    """Reads a delimited text file whose columns a TOML column map names.

    Parameters
    ----------
    column_map
        The validated map.
    """

    def __init__(self, column_map: ColumnMap) -> None:
        self.column_map = column_map
        self.name = column_map.name

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> ColumnMapReader:
        """Load a column map from a TOML file (see the module docstring for the format)."""
        return cls(ColumnMap.from_file(path))

    def can_load(self, path: Path, head: bytes) -> bool:
        """Never auto-detected: used only with an explicit column map."""
        return False

    def read(self, path: Path) -> CyclerData:
        """Read a file with this column map.

        Raises
        ------
        InputError
            The file is missing or does not fit the map; the message names the file and the problem.
        """
        path = Path(path)
        if not path.is_file():
            raise InputError(f"{path}: no such file.")
        table = s.finalize(read_mapped(path, self.column_map, given=True), path)
        return CyclerData(
            timeseries=table,
            vendor=self.name,
            source=path,
            cell_id=safe_cell_id(path.stem),
            extra={"column_map": self.column_map.origin},
        )
