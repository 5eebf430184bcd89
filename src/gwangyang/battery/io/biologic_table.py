"""A BioLogic table (EC-Lab column names, from an ``.mpr`` or a text export) onto the canonical schema.

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

from ...errors import CorruptFileError
from .. import schema as s
from ..schema import cumulative_within_cycle, finalize
from .textdates import FALLBACK_DATETIME_FORMATS, best_reading, english_meridiem
from .textparse import numbers

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
TEMPERATURE = re.compile(r"^(Temperature|T)/.{0,3}C$")
"""A temperature column's name (``Temperature/°C``, ``T/°C``)."""
DATE_FORMATS = ("%m/%d/%Y %H:%M:%S.%f", "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S.%f", "%d.%m.%Y %H:%M:%S.%f")
"""EC-Lab's absolute time formats ('Time format : Absolute MMDDYYYY' and the European ones)."""
USED = frozenset(
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
    forms = DATE_FORMATS + FALLBACK_DATETIME_FORMATS
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
        (c for c in table.columns if TEMPERATURE.match(str(c)) and np.isfinite(_numeric(table, c)).any()),
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
