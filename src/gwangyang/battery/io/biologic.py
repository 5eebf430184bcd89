"""BioLogic (EC-Lab / BT-Lab) files: binary ``.mpr`` and text exports (``.mpt`` with or without header, ``;`` CSV).

Conventions of the canonical table for BioLogic:

* current: EC-Lab's ``I/mA`` (positive = oxidation at the working electrode = charging a cell
  whose positive electrode is the working electrode), divided by 1000;
* cycles: **full** cycles as EC-Lab numbers them, from 0: its ``cycle number`` column where the
  file has one, otherwise ``half cycle // 2`` (two half cycles, a charge and a discharge, make a
  cycle), otherwise one cycle 0;
* steps: EC-Lab's sequence number ``Ns``;
* capacities and energies: accumulated within each cycle from the charge passed between points
  (``dq``, or the change of ``(Q-Qo)``, or ``I·dt``), split by its sign; energy adds ``|dq|·|Ewe|``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import CorruptFileError, GwangyangError, one_line
from .. import schema as s
from ..schema import CyclerData, cumulative_within_cycle, finalize
from .base import Reader, head_text, looks_binary, safe_cell_id
from .biologic_mpr import MAGIC, read_mpr
from .textdates import FALLBACK_DATETIME_FORMATS, best_reading, english_meridiem, parse_stamp
from .textfile import scan_text
from .textparse import numbers
from .textrows import check_rows

VOLTAGE_NAMES = ("Ewe/V", "Ecell/V", "<Ewe>/V", "<Ecell>/V")
CURRENT_NAMES = ("I/mA", "<I>/mA")
DQ_NAMES = ("dq/mA.h", "dQ/mA.h")
OCV_MODE = 3
"""EC-Lab's ``mode`` flag: 1 galvanostatic, 2 potentiostatic, 3 open circuit."""
GALVANOSTATIC = 1
CONTROL = "control/V/mA"
"""EC-Lab's control value: the set current (mA) in galvanostatic mode, the set voltage otherwise."""
CONTROL_TOLERANCE = 0.02
"""The set current integrated over time must match ``dq`` within this (relative) to be used."""
_TEMPERATURE = re.compile(r"^(Temperature|T)/.{0,3}C$")
_TEXT_MAGIC = ("EC-Lab ASCII FILE", "BT-Lab ASCII FILE")
_HEADER_LINES = re.compile(r"Nb header lines\s*:\s*(\d+)")
_STARTED = re.compile(r"Acquisition started on\s*:\s*(.+)")
_DATE_FORMATS = ("%m/%d/%Y %H:%M:%S.%f", "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S.%f", "%d.%m.%Y %H:%M:%S.%f")
"""EC-Lab's absolute time formats ('Time format : Absolute MMDDYYYY' and the European ones)."""
_USED = frozenset(
    {
        "time/s",
        "cycle number",
        "half cycle",
        "Ns",
        "(Q-Qo)/mA.h",
        "mode",
        "ox/red",
        CONTROL,
        *VOLTAGE_NAMES,
        *CURRENT_NAMES,
        *DQ_NAMES,
    }
)
"""Columns the canonical table is built from; the text readers parse only these."""
_SIGNATURE = frozenset({*CURRENT_NAMES, "mode", "ox/red", "Ns", "control/V/mA", "(Q-Qo)/mA.h"})
"""Beside ``time/s`` and a voltage, a header needs one of these (an OCV export has no current)."""
_UNITLESS = frozenset(
    {
        "mode",
        "ox",
        "error",
        "control changes",
        "Ns changes",
        "counter inc.",
        "Ns",
        "I Range",
        "half cycle",
        "cycle number",
        "x",
        "Tech Num",
        "End buf",
        "z cycle",
        "Loop",
        "step time",
    }
)
"""EC-Lab columns without a unit; any other column without ``name/unit`` form is not EC-Lab's and is warned about."""
_CAUGHT = (ValueError, TypeError, KeyError, IndexError, OverflowError, UnicodeError, AttributeError)


def _first(table: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in table.columns and table[name].notna().any():
            return name
    return None


def _numeric(table: pd.DataFrame, name: str) -> np.ndarray:
    return numbers(table[name]).to_numpy(dtype="float64")


def _time(table: pd.DataFrame, source: Path) -> tuple[np.ndarray, pd.Series | None]:
    """Seconds from ``time/s``; when the export wrote absolute dates there, also the date-times."""
    if "time/s" not in table.columns:
        raise CorruptFileError(f"{source}: BioLogic table has no 'time/s' column.")
    raw = table["time/s"]
    if pd.api.types.is_numeric_dtype(raw):
        return raw.to_numpy(dtype="float64"), None
    sample = numbers(raw.dropna().iloc[:200])
    if len(sample) and sample.notna().mean() > 0.5:
        return numbers(raw).to_numpy(dtype="float64"), None
    # a decimal-comma export writes 22,757 s; Korean Windows writes 오후 for PM
    text = english_meridiem(raw.astype(str).str.strip().str.replace(",", ".", regex=False))
    forms = _DATE_FORMATS + FALLBACK_DATETIME_FORMATS
    # EC-Lab writes the PC's date order: the form that reads every value, runs forward, spans least
    found = best_reading(text[raw.notna()], forms)
    stamps = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    if found is not None:
        stamps[raw.notna()] = found
    else:  # some values damaged: the first form that reads most of them
        for fmt in forms:
            stamps = pd.to_datetime(text.where(raw.notna()), format=fmt, errors="coerce")
            if stamps.notna().mean() > 0.5:
                break
    if stamps.notna().mean() <= 0.5:
        raise CorruptFileError(f"{source}: 'time/s' holds neither seconds nor date-times of a known form.")
    first = stamps.dropna().iloc[0]
    seconds = (stamps - first).dt.total_seconds().to_numpy(dtype="float64")
    return seconds, stamps


def to_canonical(table: pd.DataFrame, source: Path, start_time: pd.Timestamp | None = None) -> pd.DataFrame:
    """Map a BioLogic table (EC-Lab column names) onto the canonical schema.

    Parameters
    ----------
    table
        Columns as EC-Lab names them (``time/s``, ``Ewe/V``, ``I/mA``, ``dq/mA.h``, ...).
    source
        The file, named in errors.
    start_time
        Acquisition start, to give ``date_time`` when ``time/s`` is relative.

    Returns
    -------
    pandas.DataFrame
        The canonical table (see the module docstring for the conventions).

    Raises
    ------
    CorruptFileError
        No time, voltage or current column, or no valid row.
    """
    carried = list(table.attrs.get(s.WARNINGS_ATTR, []))
    skipped = [w["detail"].split(" (")[0] for w in carried if w["kind"] == "unknown_column"]
    if skipped and "time/s" not in table.columns:
        raise CorruptFileError(
            f"{source}: BioLogic table has no 'time/s' column ({'; '.join(skipped)} skipped)."
        )
    voltage_name = _first(table, VOLTAGE_NAMES)
    current_name = _first(table, CURRENT_NAMES)
    open_circuit = "mode" in table.columns and bool((_numeric(table, "mode") == OCV_MODE).all())
    derivable = _first(table, DQ_NAMES) is not None or CONTROL in table.columns
    if voltage_name is None or (current_name is None and not open_circuit and not derivable):
        raise CorruptFileError(
            f"{source}: BioLogic table needs a voltage ({'/'.join(VOLTAGE_NAMES)}) and a current "
            f"({'/'.join(CURRENT_NAMES)}, or {CONTROL} in galvanostatic mode, or dq/mA.h) column."
        )
    seconds, stamps = _time(table, source)
    voltage = _numeric(table, voltage_name)
    if current_name is not None:
        current_ma = _numeric(table, current_name)
    elif open_circuit:
        # an open-circuit record (every point in mode 3) carries no current column: no current flows
        current_ma = np.zeros(len(table))
    else:
        current_ma, note = derived_current(table, seconds)
        carried.append(s.warning("current_derived", note, source))
    out = pd.DataFrame({s.TIME: seconds, s.CURRENT: current_ma / 1000.0, s.VOLTAGE: voltage})
    if "cycle number" in table.columns:
        cycles = np.floor(_numeric(table, "cycle number"))
    elif "half cycle" in table.columns:
        cycles = np.floor(_numeric(table, "half cycle") / 2)
    else:
        cycles = np.zeros(len(table))
    joined_time, cycles, restart = s.join_restarts(out[s.TIME].to_numpy(), cycles)
    if restart is not None:  # before the counters, so that the second test's cycles count from zero
        out[s.TIME] = joined_time
        carried.append(s.warning("test_restarted", restart, source))
    out[s.CYCLE] = cycles
    if "Ns" in table.columns:
        out[s.STEP] = _numeric(table, "Ns")
    # keep only rows the canonical table keeps, so increments are taken between kept rows
    keep = np.isfinite(seconds) & np.isfinite(voltage) & np.isfinite(current_ma) & np.isfinite(cycles)
    out = out.loc[keep].reset_index(drop=True)
    table = table.loc[keep].reset_index(drop=True)
    voltage = voltage[keep]
    dq_name = _first(table, DQ_NAMES)
    if dq_name is not None:
        dq = np.nan_to_num(_numeric(table, dq_name))
    elif "(Q-Qo)/mA.h" in table.columns:
        dq = np.nan_to_num(np.diff(_numeric(table, "(Q-Qo)/mA.h"), prepend=np.nan))
    else:
        t = out[s.TIME].to_numpy()
        dq = np.nan_to_num(current_ma[keep] * np.diff(t, prepend=np.nan) / 3600.0)
    cycle_values = out[s.CYCLE].to_numpy()
    level = np.abs(np.nan_to_num((voltage + np.r_[voltage[:1], voltage[:-1]]) / 2))
    for name, part in (
        (s.CHARGE_CAPACITY, np.maximum(dq, 0.0)),
        (s.DISCHARGE_CAPACITY, np.maximum(-dq, 0.0)),
    ):
        out[name] = cumulative_within_cycle(np.cumsum(part), cycle_values) / 1000.0
        energy = s.CHARGE_ENERGY if name == s.CHARGE_CAPACITY else s.DISCHARGE_ENERGY
        out[energy] = cumulative_within_cycle(np.cumsum(part * level), cycle_values) / 1000.0
    temperature = next(
        (c for c in table.columns if _TEMPERATURE.match(str(c)) and np.isfinite(_numeric(table, c)).any()),
        None,
    )
    if temperature is not None:
        out[s.TEMPERATURE] = _numeric(table, temperature)
    if stamps is not None:
        out[s.DATE_TIME] = stamps.loc[keep].to_numpy()
    elif start_time is not None:
        out[s.DATE_TIME] = start_time + pd.to_timedelta(out[s.TIME].to_numpy(), unit="s")
    if carried:
        out.attrs[s.WARNINGS_ATTR] = carried
    return finalize(out, source)


def derived_current(table: pd.DataFrame, seconds: np.ndarray) -> tuple[np.ndarray, str]:
    """Current (mA) of a table without ``I/mA``, and a line saying how it was found.

    In galvanostatic mode (``mode`` 1) the set current ``control/V/mA`` is the current, when it
    integrates over time to the charge the file records (``dq/mA.h``, within
    :data:`CONTROL_TOLERANCE`); open circuit (``mode`` 3) carries none; anywhere else, and where
    the set current disagrees with ``dq``, the current is ``dq`` over the time since the previous
    point.
    """
    n = len(table)
    dt_h = np.diff(seconds, prepend=np.nan) / 3600.0
    dq_name = _first(table, DQ_NAMES)
    from_dq = np.full(n, np.nan)
    if dq_name is not None:
        dq = _numeric(table, dq_name)
        with np.errstate(divide="ignore", invalid="ignore"):
            from_dq = np.where(dt_h > 0, dq / dt_h, np.nan)
        # the first point of a record has no interval: it takes the next point's current
        from_dq = pd.Series(from_dq).bfill().to_numpy()
    mode = _numeric(table, "mode") if "mode" in table.columns else np.full(n, np.nan)
    current = from_dq.copy()
    current[mode == OCV_MODE] = 0.0
    how = "from dq/mA.h over time"
    if CONTROL in table.columns and "mode" in table.columns:
        galvanostatic = mode == GALVANOSTATIC
        control = _numeric(table, CONTROL)
        if "ox/red" in table.columns and not (control < 0).any():
            control = np.where(_numeric(table, "ox/red") == 0, -np.abs(control), np.abs(control))
        agrees = True
        if dq_name is not None and galvanostatic.any():
            dq = np.nan_to_num(_numeric(table, dq_name))
            passed = np.nansum(np.abs(dq[galvanostatic]))
            set_passed = np.nansum(np.abs(control[galvanostatic] * np.nan_to_num(dt_h[galvanostatic])))
            agrees = passed > 0 and abs(set_passed / passed - 1) <= CONTROL_TOLERANCE
        if agrees:
            current = np.where(galvanostatic, control, current)
            how = f"from {CONTROL} in galvanostatic mode, elsewhere from dq/mA.h over time"
        else:
            how = f"from dq/mA.h over time ({CONTROL} disagrees with dq/mA.h by more than {CONTROL_TOLERANCE:.0%})"
    return current, f"no I/mA column: current {how}"


class BiologicMprReader:
    """EC-Lab binary ``.mpr`` files (read by our own parser, :mod:`.biologic_mpr`)."""

    name = "biologic"

    def can_load(self, path: Path, head: bytes) -> bool:
        """True when the file starts with the ``BIO-LOGIC MODULAR FILE`` magic."""
        return head.startswith(MAGIC)

    def read(self, path: Path) -> CyclerData:
        """Read an ``.mpr`` file into the canonical schema."""
        path = Path(path)
        mpr = read_mpr(path)
        if mpr.data.empty:
            raise CorruptFileError(f"{path}: .mpr data module holds no data points.")
        timeseries = to_canonical(mpr.data, path, mpr.start_time)
        return CyclerData(
            timeseries=timeseries,
            vendor=self.name,
            source=path,
            cell_id=safe_cell_id(path.stem),
            start_time=mpr.start_time,
            extra={"format": "mpr", "modules": mpr.modules, "column_ids": mpr.column_ids},
        )


def _header_line(text: str) -> tuple[int, str | None]:
    """Lines to skip before the column header, and the start time, of an EC-Lab text export."""
    lines = text.splitlines()
    if lines and lines[0].strip().startswith(_TEXT_MAGIC):
        match = _HEADER_LINES.search("\n".join(lines[:3]))
        if match is None:
            return -1, None
        count = int(match.group(1))
        # the whole header, however long (a modulo-bat or multi-technique settings block runs past 200 lines)
        started = next((m.group(1).strip() for line in lines[:count] if (m := _STARTED.search(line))), None)
        return count - 1, started
    return 0, None


def _separator(line: str) -> str:
    return "\t" if "\t" in line else ";" if ";" in line else ","


def _is_biologic_header(line: str) -> bool:
    names = {part.strip() for part in re.split(r"[\t;]", line)}
    return "time/s" in names and bool(names & set(VOLTAGE_NAMES)) and bool(names & _SIGNATURE)


class BiologicTextReader:
    """EC-Lab / BT-Lab text exports: ``.mpt`` (with or without its header) and ``;``-separated CSV."""

    name = "biologic"

    def can_load(self, path: Path, head: bytes) -> bool:
        """True for an EC-Lab ASCII header, or a first line of EC-Lab column names (tab or ``;``)."""
        if looks_binary(head):
            return False
        text = head_text(head)
        first = text.split("\n", 1)[0].strip("\r")
        if first.strip().startswith(_TEXT_MAGIC):
            return True
        return _is_biologic_header(first)

    def read(self, path: Path) -> CyclerData:
        """Read a text export into the canonical schema."""
        path = Path(path)
        try:
            return self._read(path)
        except GwangyangError:
            raise
        except _CAUGHT as exc:
            raise CorruptFileError(one_line(f"{path}: not a readable BioLogic text export ({exc}).")) from exc

    def _read(self, path: Path) -> CyclerData:
        with open(path, "rb") as handle:
            head = handle.read(1 << 20)
        scan = scan_text(path)
        text = head.decode(scan.encoding, errors="replace")
        skip, started = _header_line(text)
        if skip < 0:
            raise CorruptFileError(f"{path}: EC-Lab text header has no 'Nb header lines' entry.")
        lines = text.splitlines()
        if skip >= len(lines):
            raise CorruptFileError(f"{path}: EC-Lab text export ends inside its {skip}-line header.")
        header = lines[skip]
        if not _is_biologic_header(header):
            raise CorruptFileError(f"{path}: no EC-Lab column header (time/s, Ewe/V or Ecell/V, I/mA) found.")
        sep = _separator(header)
        sample = "\n".join(lines[skip + 1 : skip + 20])
        decimal = "," if sep != "," and re.search(r"\d,\d", sample) else "."
        check_rows(path, skip, sep, None, scan.encoding)
        table = pd.read_csv(
            path,
            sep=sep,
            skiprows=skip,
            encoding=scan.encoding,
            encoding_errors="replace",
            decimal=decimal,
            float_precision=scan.float_precision,
            low_memory=False,
            on_bad_lines="skip",
            usecols=lambda name: str(name).strip() in _USED or bool(_TEMPERATURE.match(str(name).strip())),
        )
        table.columns = [str(c).strip() for c in table.columns]
        table = table.loc[:, [not c.startswith("Unnamed:") for c in table.columns]]
        if table.empty:
            raise CorruptFileError(f"{path}: BioLogic text export has a header but no data rows.")
        start_time = parse_stamp(started, _DATE_FORMATS)
        unknown = [
            n
            for n in (part.strip() for part in header.split(sep))
            if n and "/" not in n and n not in _UNITLESS and not _TEMPERATURE.match(n)
        ]
        notes = [*scan.warnings, *s.unread_columns(unknown, path)]
        if notes:
            table.attrs[s.WARNINGS_ATTR] = notes
        timeseries = to_canonical(table, path, start_time)
        if start_time is None and s.DATE_TIME in timeseries.columns:
            start_time = pd.Timestamp(timeseries[s.DATE_TIME].iloc[0])
        return CyclerData(
            timeseries=timeseries,
            vendor=self.name,
            source=path,
            cell_id=safe_cell_id(path.stem),
            start_time=start_time,
            extra={"format": "mpt" if sep == "\t" else "csv"},
        )


READERS: list[Reader] = [BiologicMprReader(), BiologicTextReader()]
