"""Neware BTSDA "regular export" CSV: three nested levels in one comma-separated file.

The first three lines are the headers of the levels: cycle (``Cycle Index,Chg. Cap.(Ah),...``),
step (``,Step Index,Step Number,Step Type,...``) and record (``,,DataPoint,Time,Total Time,...``).
Then each cycle row (no leading comma) is followed by its steps (one leading comma), each followed
by its records (two leading commas). The first cycle row may carry its first step on the same line.
Record times are ``H:MM:SS`` (hours may pass 24); currents are signed (negative on discharge);
capacity and energy restart at every step.

The older BTSDA 7 layout (as BEEP reads it) has the same three levels under other names: ``Cycle ID``,
``Step ID``, and records ``Record ID, Time(h:min:s.ms), Voltage(V), Current(mA), Capacity(mAh), ...,
Realtime`` with fields in quotes and text behind a tab. Its records carry only the time within the
step: the test time is built from the steps' times by :func:`.neware_steptime.step_test_time`, each step
starting where the previous ended; whole-second relative times (which lose up to 1 s per step) start each step
where the wall clock says, never before the previous record, finer ones count the wall clock for pauses only.

Each step row's ``Step Time`` and ``Capacity`` are checked against the records under it (:mod:`.neware_bts_steps`);
the units in the headers' brackets are read by :mod:`.neware_bts_units`.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ...errors import CorruptFileError, GwangyangError, one_line
from ...written import as_written
from .. import schema as s
from ..schema import CyclerData, cumulative_from_steps, finalize
from .base import safe_cell_id
from .neware_bts_steps import check_step_level
from .neware_bts_units import find_column
from .neware_steptime import step_test_time, whole_seconds
from .neware_time import clock_seconds
from .neware_zh import (
    CYCLE_NAMES,
    RECORD_NAMES,
    STEP_NAMES,
    check_unique,
    english_step_types,
    header_lines,
    translate,
)
from .textdates import parse_datetime, unread_dates
from .textfile import scan_text
from .textparse import numbers
from .textrecords import check_levels, join_records

_CAUGHT = (ValueError, TypeError, KeyError, IndexError, OverflowError, UnicodeError, AttributeError)


_TEXT_COLUMNS = frozenset(
    {"Time", "Total Time", "Date", "Step Time", "Step Type", "Time(h:min:s.ms)", "Realtime"}
)
_CYCLE_NAMES = ("Cycle Index", "Cycle ID")
_DATE_NAMES = ("Date", "Realtime")


def _names(line: str) -> list[str]:
    """A header line's fields, CSV quoting honoured (a quoted name may hold a comma), BTSDA 7's tabs out."""
    return [name.strip() for name in next(csv.reader([line.replace("\t", "")]))]


def _parse(
    lines: list[bytes],
    width: int,
    encoding: str,
    precision: Literal["round_trip"] | None,
    text: list[int] | None = None,
) -> pd.DataFrame:
    """Parse comma-separated lines with the C parser into ``width`` positional columns.

    The caller has checked every line's field count (:func:`.textrecords.check_levels`): a cycle row without a step
    is the only shorter row, padded with NaN. ``precision`` is pandas' ``float_precision``, found for the
    whole file by :func:`.textfile.scan_text`.
    """
    if not lines:
        return pd.DataFrame({i: pd.Series(dtype="float64") for i in range(width)})
    dtypes = dict.fromkeys(text or [], "object")
    data = b"\n".join(lines)
    return pd.read_csv(
        io.BytesIO(data),
        float_precision=precision,
        header=None,
        names=list(range(width)),
        encoding=encoding,
        encoding_errors="replace",
        index_col=False,
        dtype=dtypes or None,
        skip_blank_lines=False,
    )


def _headers(head: bytes) -> tuple[list[list[str]], list[list[str]], str | None]:
    """The first three lines' names (cycle, step and record header): in English, and as written.

    Chinese names are brought to English, and a Chinese header in GBK gives the encoding to declare (GB18030;
    :func:`.neware_zh.header_lines`), else None.
    """
    lines, declared = header_lines(head, 3)
    written = [_names(line) for line in lines]
    tables = (CYCLE_NAMES, STEP_NAMES, RECORD_NAMES)
    return [translate(n, table) for n, table in zip(written, tables, strict=False)], written, declared


def _previous(event_rows: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each row, the index of the last event at or before it (-1 when none)."""
    return np.searchsorted(event_rows, rows, side="right") - 1


class NewareBtsCsvReader:
    """Neware BTSDA three-level CSV export (cycle / step / record)."""

    name = "neware"

    def can_load(self, path: Path, head: bytes) -> bool:
        """True when the first three lines are the cycle, step and record headers."""
        lines = [",".join(names) for names in _headers(head)[0]]
        return (
            len(lines) == 3
            and (
                (lines[0].startswith("Cycle Index,") and "Chg. Cap." in lines[0])
                or lines[0].startswith("Cycle ID,")
            )
            and lines[1].startswith(",Step")
            and lines[2].startswith(",,")
            and "Voltage" in lines[2]
        )

    def read(self, path: Path) -> CyclerData:
        """Read the export: records as the time series, the cycle level as ``vendor_cycles``."""
        path = Path(path)
        try:
            return self._read(path)
        except GwangyangError:
            raise
        except _CAUGHT as exc:
            raise CorruptFileError(
                one_line(f"{path}: not a readable Neware BTS CSV export ({exc}).")
            ) from exc

    def _read(self, path: Path) -> CyclerData:
        with open(path, "rb") as handle:
            head = handle.read(1 << 16)
        headers, written, declared = _headers(head)
        if len(head.splitlines()[:4]) < 4 or not self.can_load(path, head):
            raise CorruptFileError(f"{path}: Neware BTS CSV needs its three header lines and data.")
        for line, (names, shown) in enumerate(zip(headers, written, strict=True), start=1):
            check_unique(names, shown, path, line)
        cycle_header = headers[0]
        step_header = headers[1][1:]
        record_header = headers[2][2:]
        data = path.read_bytes()
        scan = scan_text(path, declared, data=data)
        encoding, precision = scan.encoding, scan.float_precision
        # sort the lines into the three levels (by their leading commas), then parse each level in C
        body = data.splitlines()[3:]
        del data
        if b"\t" in head:  # BTSDA 7: quoted fields (kept for the parser), text behind a tab
            body = [line.replace(b"\t", b"") for line in body]
        # a quoted remark that holds a line break is one record (RFC 4180): its lines are joined
        body, starts = join_records(path, body, b",", first_line=4)
        kinds = np.array(
            [
                (2 if line[1:2] == b"," else 1) if line[:1] == b"," else (0 if line.strip() else -1)
                for line in body
            ],
            dtype="int8",
        )
        positions = np.arange(len(body))
        cycle_rows, step_rows, record_rows = (positions[kinds == k] for k in (0, 1, 2))
        if not len(record_rows) or not len(cycle_rows):
            raise CorruptFileError(f"{path}: Neware BTS CSV has no cycle or no record rows.")
        n_cycle, n_step = len(cycle_header), len(step_header)
        # a cycle row: the cycle header's fields, or those and its first step's; a step row: one leading
        # empty field and the step header's; a record row: two and the record header's
        check_levels(
            path,
            body,
            kinds,
            {0: (n_cycle, n_cycle + n_step), 1: (n_step + 1,), 2: (len(record_header) + 2,)},
            {0: "the cycle header (line 1)", 1: "the step header (line 2)", 2: "the record header (line 3)"},
            first_line=4,
            starts=starts,
        )
        cycle_table = _parse([body[i] for i in cycle_rows], n_cycle + n_step + 2, encoding, precision)
        cycles = cycle_table.iloc[:, :n_cycle].set_axis(cycle_header, axis=1)
        # steps: their own rows, plus a step carried on a cycle row after the cycle's fields
        own = _parse([body[i] for i in step_rows], n_step + 3, encoding, precision).iloc[:, 1 : 1 + n_step]
        carries = cycle_table[n_cycle].notna().to_numpy()
        carried = cycle_table.loc[carries, list(range(n_cycle, n_cycle + n_step))]
        steps = pd.concat(
            [
                own.set_axis(step_header, axis=1).set_axis(step_rows),
                carried.set_axis(step_header, axis=1).set_axis(cycle_rows[carries]),
            ]
        ).sort_index(kind="stable")
        text_columns = [i + 2 for i, name in enumerate(record_header) if name in _TEXT_COLUMNS]
        records = _parse(
            [body[i] for i in record_rows], len(record_header) + 4, encoding, precision, text_columns
        )
        records = records.iloc[:, 2 : 2 + len(record_header)].set_axis(record_header, axis=1)

        cycle_of = _previous(cycle_rows, record_rows)
        step_of = _previous(steps.index.to_numpy(), record_rows)
        if (cycle_of < 0).any() or (step_of < 0).any():
            raise CorruptFileError(f"{path}: Neware BTS CSV has records before their cycle or step row.")
        cycle_name = next((n for n in _CYCLE_NAMES if n in cycle_header), cycle_header[0])
        cycle_index = numbers(cycles[cycle_name]).to_numpy(dtype="float64")[cycle_of]
        step_number_name = "Step Number" if "Step Number" in steps.columns else step_header[0]
        step_number = numbers(steps[step_number_name]).to_numpy(dtype="float64")[step_of]
        step_index = numbers(steps[step_header[0]]).to_numpy(dtype="float64")[step_of]
        step_type = None
        if "Step Type" in steps:  # Chinese names (恒流放电) in English (CC DChg), the steps' few rows
            step_type = english_step_types(steps["Step Type"].astype(str).to_numpy())[step_of]

        def optional(base: str) -> np.ndarray | None:
            found = find_column(record_header, base, path, written=written[2][2:])
            if found is None:
                return None
            values = records[record_header[found[0]]]
            if not pd.api.types.is_float_dtype(values):
                values = numbers(values)
            return values.to_numpy(dtype="float64") * found[1]

        def column(base: str) -> np.ndarray:
            values = optional(base)
            if values is None:
                raise CorruptFileError(f"{path}: Neware BTS CSV record level has no {base!r} column.")
            return values

        current = column("Current")
        step_notes: list[dict[str, str]] = []
        date_name = next((n for n in _DATE_NAMES if n in record_header), None)
        stamps = None if date_name is None else parse_datetime(records[date_name], ("%Y-%m-%d %H:%M:%S",))
        step_clock = find_column(record_header, "Time", path, units=False)
        if "Total Time" in record_header:
            time = clock_seconds(records["Total Time"])
        elif step_clock is not None:  # BTSDA 7: the time within each step
            step_time = clock_seconds(records[record_header[step_clock[0]]])
            pauses_only = not whole_seconds(step_time)
            time, disagreement = step_test_time(
                step_time, np.zeros(len(step_of)), step_of, stamps, pauses_only=pauses_only
            )
            if disagreement is not None and date_name is not None:
                shown = written[2][2:]
                row = disagreement[1]
                late = (
                    f"the test time built from column {as_written(shown[step_clock[0]], None)} (the time within "
                    f"each step) and column {as_written(shown[record_header.index(date_name)], None)} (absolute "
                    f"time) disagree by up to {disagreement[0]:.3g} s, first at data row {row + 1} "
                    f"(line {starts[record_rows[row]] + 4})"
                )
                if not pauses_only:
                    late += (
                        "; the steps start where the absolute time says, but not before the previous record"
                    )
                step_notes.append(s.warning("unknown_format", late, path))
        else:
            raise CorruptFileError(f"{path}: Neware BTS CSV record level has no 'Total Time' column.")
        out = pd.DataFrame(
            {
                s.TIME: time,
                s.CYCLE: cycle_index,
                s.STEP: step_index,
                s.CURRENT: current,
                s.VOLTAGE: column("Voltage"),
            }
        )
        if step_type is not None:
            lowered = np.char.lower(step_type.astype("U"))
            discharge = np.char.find(lowered, "dchg") >= 0
            charge = (np.char.find(lowered, "chg") >= 0) & ~discharge
            unknown = ~(charge | discharge)
        else:
            charge = discharge = np.zeros(len(out), dtype=bool)
            unknown = np.ones(len(out), dtype=bool)
        charge = charge | (unknown & (current > 0))
        discharge = discharge | (unknown & (current < 0))
        block = np.nan_to_num(step_number, nan=-1.0)
        cycle_values = np.nan_to_num(cycle_index, nan=-1.0)
        for base, targets in (
            ("Capacity", (s.CHARGE_CAPACITY, s.DISCHARGE_CAPACITY)),
            ("Energy", (s.CHARGE_ENERGY, s.DISCHARGE_ENERGY)),
        ):
            values = optional(base)
            if values is None:
                continue
            values = np.abs(values)
            out[targets[0]] = cumulative_from_steps(np.where(charge, values, 0.0), cycle_values, block)
            out[targets[1]] = cumulative_from_steps(np.where(discharge, values, 0.0), cycle_values, block)
        temperature = next(
            (name for name in record_header if re.fullmatch(r"(T\d*|Temperature)\(.*\)", name)), None
        )
        if temperature is not None:
            out[s.TEMPERATURE] = numbers(records[temperature]).to_numpy(dtype="float64")
        notes = [*scan.warnings, *_unread_columns(record_header, path), *step_notes]
        at = steps.index.to_numpy()
        where = (
            starts[at] + 4,  # the step row's line in the file (the body starts at line 4)
            numbers(cycles[cycle_name]).to_numpy(dtype="float64")[_previous(cycle_rows, at)],
            numbers(steps[step_header[0]]).to_numpy(dtype="float64"),
        )
        notes += check_step_level(path, steps, written[1][1:], where, step_of, records)
        if date_name is not None and stamps is not None:
            out[s.DATE_TIME] = stamps
            unread = unread_dates(records[date_name], stamps)
            if unread is not None:
                notes.append(
                    s.warning(
                        "unknown_format",
                        f"column {as_written(date_name, None)} (date_time): {unread[0]} of {len(out)} values are no date this "
                        f"reader knows, e.g. {as_written(unread[1])}; left empty there",
                        path,
                    )
                )
        out.attrs[s.WARNINGS_ATTR] = notes
        timeseries = finalize(out, path)
        start = None
        if s.DATE_TIME in timeseries.columns and timeseries[s.DATE_TIME].notna().any():
            start = pd.Timestamp(timeseries[s.DATE_TIME].dropna().iloc[0])
        return CyclerData(
            timeseries=timeseries,
            vendor=self.name,
            source=path,
            cell_id=safe_cell_id(path.stem),
            start_time=start,
            vendor_cycles=_vendor_cycles(cycles, cycle_header, cycle_name, path, written[0]),
            extra={"format": "bts_csv"},
        )


_KNOWN_RECORD = re.compile(
    r"^(DataPoint|Record ID|Time|Total Time|Step Time|Current|Voltage|Capacity|Energy|Date|Realtime|Power"
    r"|Chg\. Cap\.|DChg\. Cap\.|Chg\. Energy|DChg\. Energy|[VT]\d+|CPU\d*|Aux\..*|Temperature"
    r"|Capacity Density|CmpEng|Min-T|Max-T|Avg-T|Capacitance_Chg|Capacitance_DChg|Engy_Chg|Engy_DChg"
    r"|dQ/dV|dQm/dV|DCIR|Spec\. Cap\.|Chg\. Spec\. Cap\.|DChg\. Spec\. Cap\.|Spec\. Energy|Chg\. Spec\. Energy"
    r"|DChg\. Spec\. Energy)\s*(\(.*\))?$"
)
"""Record-level columns BTSDA writes (auxiliary voltages, temperatures and their statistics included)."""


def _unread_columns(header: list[str], path: Path) -> list[dict[str, str]]:
    return s.unread_columns([n for n in header if n and not _KNOWN_RECORD.match(n)], path, "record column(s)")


def _vendor_cycles(
    cycles: pd.DataFrame, header: list[str], cycle_name: str, path: Path, written: list[str]
) -> pd.DataFrame:
    """The cycle level in canonical names (capacities in Ah, energies in Wh, efficiency as a fraction)."""
    out = pd.DataFrame({s.CYCLE: numbers(cycles[cycle_name]).to_numpy()})
    for base, target in (
        ("Chg. Cap.", s.CHARGE_CAPACITY),
        ("DChg. Cap.", s.DISCHARGE_CAPACITY),
        ("Chg. Energy", s.CHARGE_ENERGY),
        ("DChg. Energy", s.DISCHARGE_ENERGY),
    ):
        found = find_column(header, base, path, written=written)
        if found is not None:
            values = numbers(cycles[header[found[0]]]).to_numpy(dtype="float64")
            out[target] = values * found[1]
    found = find_column(header, "Chg.-DChg. Eff", path, written=written)
    if found is not None:
        out["coulombic_efficiency"] = numbers(cycles[header[found[0]]]).to_numpy() / 100.0
    return out.dropna(subset=[s.CYCLE]).reset_index(drop=True)
