"""Arbin cycler files: the channel columns all Arbin formats share, mapped onto the canonical schema.

CSV exports (:mod:`.arbin_csv`), DataPro / MITS Pro ``.xlsx`` exports (:mod:`.arbin_xlsx`) and ``.res``
databases (:mod:`.arbin_res`) carry the same channel columns (``Test_Time``, ``Cycle_Index``, ``Current``,
``Voltage``, ``Charge_Capacity`` ...; the ``.xlsx`` adds units in brackets). Arbin positive current
charges, as in the canonical schema. Arbin capacity and energy counters either run over the whole test
(MITS Pro exports such as CALCE's) or restart every cycle (``.res`` of newer software); both become
cumulative within the cycle by :func:`canonical_table`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...errors import CorruptFileError
from ...written import as_written
from .. import schema as s
from ..schema import CyclerData, finalize
from .base import safe_cell_id

_CANONICAL: dict[str, str] = {
    "test_time": s.TIME,
    "cycle_index": s.CYCLE,
    "step_index": s.STEP,
    "current": s.CURRENT,
    "voltage": s.VOLTAGE,
    "charge_capacity": s.CHARGE_CAPACITY,
    "discharge_capacity": s.DISCHARGE_CAPACITY,
    "charge_energy": s.CHARGE_ENERGY,
    "discharge_energy": s.DISCHARGE_ENERGY,
    "internal_resistance": s.RESISTANCE,
}
_COUNTERS = (s.CHARGE_CAPACITY, s.DISCHARGE_CAPACITY, s.CHARGE_ENERGY, s.DISCHARGE_ENERGY)
_ARBIN_NAME = {s.TIME: "Test_Time", s.CURRENT: "Current", s.VOLTAGE: "Voltage"}
_MICRO = ("u", "\u00b5", "\u03bc")
_UNITS: dict[str, dict[str, float]] = {
    s.TIME: {"": 1.0, "s": 1.0, "sec": 1.0, "ms": 1e-3, "min": 60.0, "h": 3600.0, "hr": 3600.0},
    s.CURRENT: {"": 1.0, "a": 1.0, "ma": 1e-3, **{f"{m}a": 1e-6 for m in _MICRO}, "na": 1e-9},
    s.VOLTAGE: {"": 1.0, "v": 1.0, "mv": 1e-3},
    s.CHARGE_CAPACITY: {"": 1.0, "ah": 1.0, "mah": 1e-3, **{f"{m}ah": 1e-6 for m in _MICRO}},
    s.CHARGE_ENERGY: {"": 1.0, "wh": 1.0, "mwh": 1e-3, **{f"{m}wh": 1e-6 for m in _MICRO}, "kwh": 1e3},
    s.RESISTANCE: {"": 1.0, "ohm": 1.0, "mohm": 1e-3, "\u03c9": 1.0, "m\u03c9": 1e-3},
}
"""Per canonical column, the units (lower case) Arbin writes in a header's brackets, and their factors to SI.
A mapped column in another unit (``Current(C)``, ``Charge_Capacity(mAh/g)``) is refused: read with a factor of
1 it would be wrong by orders of magnitude."""
_UNITS[s.DISCHARGE_CAPACITY] = _UNITS[s.CHARGE_CAPACITY]
_UNITS[s.DISCHARGE_ENERGY] = _UNITS[s.CHARGE_ENERGY]
_DATE_KEYS = ("date_time", "datetime")


def _key(name: object) -> tuple[str, str]:
    """Arbin header to (normalised name, unit): ``"Test_Time(s)"`` -> ``("test_time", "s")``."""
    text = str(name)
    unit = re.search(r"\(([^)]*)\)", text)
    bare = re.sub(r"\([^)]*\)", " ", text)
    return re.sub(r"[^a-z0-9]+", "_", bare.lower()).strip("_"), (
        unit.group(1).strip().lower() if unit else ""
    )


def _factor(name: object, target: str, unit: str, source: Path) -> float:
    """The factor that brings a column's unit to SI (temperatures and cycle/step indices: 1)."""
    if target not in _UNITS:
        return 1.0
    factors = _UNITS[target]
    if unit not in factors:
        raise CorruptFileError(
            f"{source}: Arbin column {as_written(str(name), None)}: unit {as_written(unit, None)} not known to this reader "
            f"(expected one of {', '.join(u for u in factors if u)})."
        )
    return factors[unit]


def _target(key: str) -> str | None:
    if key in _CANONICAL:
        return _CANONICAL[key]
    if key.startswith(("temperature", "aux_temperature")):
        return s.TEMPERATURE
    return None


def _forward_fill(values: np.ndarray) -> np.ndarray:
    """Fill NaNs with the last finite value before them (leading NaNs with the first finite value)."""
    finite = np.isfinite(values)
    if finite.all() or not finite.any():
        return values
    index = np.where(finite, np.arange(len(values)), 0)
    np.maximum.accumulate(index, out=index)
    filled = values[index]
    first = int(np.argmax(finite))
    filled[:first] = values[first]
    return filled


def within_cycle(values: np.ndarray, cycles: np.ndarray) -> np.ndarray:
    """Turn an Arbin capacity or energy counter into one cumulative within each cycle.

    Works whether the counter runs over the whole test or restarts with each cycle: a drop to
    below half its previous value is taken as a restart and undone, so the counter runs over the
    test; each cycle then counts from the counter's value at the previous cycle's last row (not
    its own first row, so what a cycle gathered before its first logged row is kept). The first
    cycle counts from zero, unless the counter starts above what the cycle adds (a file that
    begins mid-test), when it counts from its first row as
    :func:`gwangyang.battery.schema.cumulative_within_cycle` does.

    Parameters
    ----------
    values
        Counter per row (NaN where not logged).
    cycles
        Cycle index per row, non-decreasing.

    Returns
    -------
    numpy.ndarray
        The counter, restarting near zero with each cycle; never negative.
    """
    with np.errstate(all="ignore"):
        counter = np.nan_to_num(
            _forward_fill(np.asarray(values, dtype="float64")), nan=0.0, posinf=0.0, neginf=0.0
        )
        if len(counter) == 0:
            return counter
        previous = np.r_[counter[:1], counter[:-1]]
        restart = (counter < 0.5 * previous) & (previous - counter > 1e-12)
        running = counter + np.cumsum(np.where(restart, previous, 0.0))
        starts = np.r_[0, np.flatnonzero(np.diff(cycles) != 0) + 1]
        lengths = np.diff(np.r_[starts, len(running)])
        baseline = np.r_[0.0, running[starts[1:] - 1]]
        first_end = starts[1] - 1 if len(starts) > 1 else len(running) - 1
        if running[0] > running[first_end] - running[0]:
            baseline[0] = running[0]
        return np.maximum(running - np.repeat(baseline, lengths), 0.0)


def _increasing(cycles: np.ndarray) -> np.ndarray:
    """Cycle numbers that never decrease: where the cycler restarts its count, carry on after the last."""
    drops = np.diff(cycles, prepend=cycles[:1])
    offset = np.cumsum(np.where(drops < 0, 1 - drops, 0.0))
    return cycles + offset


def _numeric(column: Any) -> np.ndarray:
    """Any column (numbers, text, blanks) to float64, with NaN where not a number.

    Text is parsed by Python's ``float`` (through numpy), never by ``pandas.to_numeric``, whose
    parser crashes the process on exponents past 2**31 (pandas issue 63089).
    """
    array = np.asarray(column)
    if array.dtype.kind in "fiub":
        return array.astype("float64")
    try:
        return array.astype("float64")
    except (TypeError, ValueError, OverflowError):
        return np.frompyfunc(_number, 1, 1)(array).astype("float64")


def _epoch_to_datetime(seconds: np.ndarray) -> np.ndarray:
    """Unix seconds to naive UTC datetime64; NaT where missing or out of range."""
    ok = np.isfinite(seconds) & (seconds > 0) & (seconds < 4.1e9)
    micros = np.where(ok, seconds, 0.0) * 1e6
    out = micros.astype("int64").astype("datetime64[us]").astype("datetime64[ns]")
    out[~ok] = np.datetime64("NaT")
    return out


_KNOWN = re.compile(
    r"^(data_point|date_time|datetime|step_time|test_time|step_index|cycle_index|current|voltage"
    r"|charge_capacity|discharge_capacity|charge_energy|discharge_energy|internal_resistance|power|load"
    r"|dv_dt|dq_dv|dv_dq|ac_impedance|aci_phase_angle|is_fc_data|has_aux|temperature.*|aux_.*|tc_counter\d*"
    r"|test_id|channel_index|unnamed_\d+)$"
)
"""Arbin channel columns (normalised by :func:`_key`) that are passed over without a warning."""


def unknown_columns(names: Any, source: Path) -> list[dict[str, str]]:
    """An ``unknown_column`` warning naming the columns that are not Arbin's, or none."""
    unread = [str(n) for n in names if _target(_key(n)[0]) is None and not _KNOWN.match(_key(n)[0])]
    return s.unread_columns(unread, source)


def canonical_table(
    columns: dict[str, Any],
    source: Path,
    date_time: np.ndarray | None = None,
    notes: list[dict[str, str]] | None = None,
) -> pd.DataFrame:
    """Map Arbin channel columns onto the canonical schema.

    Parameters
    ----------
    columns
        Arbin column name (any case, units in brackets allowed) to values.
    source
        The file, named in errors.
    date_time
        Wall-clock time per row, when known.
    notes
        Warnings found so far, carried with the table (a test appended to another adds one).

    Returns
    -------
    pandas.DataFrame
        The canonical table (see :func:`gwangyang.battery.schema.finalize`).

    Raises
    ------
    CorruptFileError
        ``Test_Time``, ``Current`` or ``Voltage`` is missing, or no valid row is left.
    """
    table: dict[str, np.ndarray] = {}
    with np.errstate(all="ignore"):
        for name, values in columns.items():
            key, unit = _key(name)
            target = _target(key)
            if target is not None and target not in table:
                table[target] = _numeric(values) * _factor(name, target, unit, source)
        missing = [_ARBIN_NAME[c] for c in (s.TIME, s.CURRENT, s.VOLTAGE) if c not in table]
        if missing:
            raise CorruptFileError(
                f"{source}: not a complete Arbin export: missing column(s) {', '.join(missing)}."
            )
        rows = len(table[s.TIME])
        cycles = table.get(s.CYCLE)
        if cycles is None or not np.isfinite(cycles).any():
            # a channel that logs no cycle (BEEP's TC-contact test) is one cycle; Arbin counts from 1
            cycles = np.ones(rows)
        cycles = np.nan_to_num(_forward_fill(cycles), nan=1.0)
        table[s.TIME], cycles, restart = s.join_restarts(table[s.TIME], cycles)
        notes = list(notes or [])
        if restart is not None:
            notes.append(s.warning("test_restarted", restart, source))
        table[s.CYCLE] = _increasing(cycles)
        for counter in _COUNTERS:
            if counter in table:
                table[counter] = within_cycle(table[counter], table[s.CYCLE])
        if s.RESISTANCE in table:
            resistance = table[s.RESISTANCE]
            table[s.RESISTANCE] = np.where(resistance > 0, resistance, np.nan)  # 0 means not measured
    frame = pd.DataFrame(table)
    if date_time is not None and len(date_time) == rows:
        frame[s.DATE_TIME] = date_time
    if notes:
        frame.attrs[s.WARNINGS_ATTR] = notes
    return finalize(frame, source)


def _base_data(path: Path, ts: pd.DataFrame) -> CyclerData:
    return CyclerData(timeseries=ts, vendor="arbin", source=path, cell_id=safe_cell_id(path.stem))


def _number(value: Any) -> float:
    """A number, or NaN when the value is not one."""
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return float("nan")


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _copy_texts(data: CyclerData, values: Any, fields: tuple[tuple[str, str], ...]) -> None:
    """Copy each non-empty ``values[source]`` into ``data.extra[target]`` for ``(source, target)`` in ``fields``."""
    for source, target in fields:
        text = _text(values.get(source))
        if text:
            data.extra[target] = text
