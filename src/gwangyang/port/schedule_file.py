"""A terminal's own vessel call list (``[arrivals] process = "file"``): a CSV read into vessel calls.

Columns: ``vessel`` (a name or number, unique; Korean names are kept), the arrival either as
``arrival_h`` (hours from the start of the run) or ``arrival`` (date and time: ISO 8601 with or
without a UTC offset, ``2026-12-07 14:30``, ``2026. 12. 7. 오후 2:30`` or ``2026년 12월 7일 14시 30분``;
hours are counted from midnight of the first arrival's day, in the first offset written), ``teu``,
``length_m``, and optionally ``service`` and ``max_cranes``. Anything else (an unknown column, a
duplicate vessel, a time that does not read, offsets on some rows only) is refused in one line naming
the file, the row (1 = the first data row) and what was expected.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .vessel_call import VesselCall

COLUMNS = ("vessel", "arrival_h", "arrival", "teu", "length_m", "service", "max_cranes")
"""The columns a call list may have."""

_KOREAN_DATE = re.compile(
    r"^\s*(\d{4})\s*(?:년|\.|-|/)\s*(\d{1,2})\s*(?:월|\.|-|/)\s*(\d{1,2})\s*(?:일|\.)?\s*"
    r"(오전|오후)?\s*(\d{1,2})\s*(?:시|:)\s*(?:(\d{1,2})\s*(?:분|:)?\s*)?(?:(\d{1,2})\s*초?)?\s*$"
)


def _korean(text: str) -> pd.Timestamp | None:
    """A date and time written the Korean way (``년 월 일 시 분``, ``2026. 12. 7. 오후 2:30``); None otherwise."""
    match = _KOREAN_DATE.match(text)
    if match is None:
        return None
    year, month, day, meridiem, hour, minute, second = match.groups()
    h = int(hour)
    if meridiem is not None:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if meridiem == "오후" else 0)
    try:
        return pd.Timestamp(int(year), int(month), int(day), h, int(minute or 0), int(second or 0))
    except ValueError:
        return None


def _stamp(text: str) -> pd.Timestamp | None:
    """One arrival date: ISO 8601 (with or without an offset) or a Korean form; None when it does not read."""
    korean = _korean(text)
    if korean is not None:
        return korean
    if not re.match(r"^\s*\d{4}-\d{1,2}-\d{1,2}", text):
        return None  # pandas would read "7/12/2026" as July or December: refused, not guessed
    try:
        return pd.Timestamp(text.strip())
    except ValueError:
        return None


def arrival_hours(path: Path, texts: list[str]) -> np.ndarray:
    """Hours of each arrival date from midnight of the first arrival's day (in the first row's offset).

    Raises
    ------
    InputError
        Naming the row of a date that does not read, or of a naive date among dates with offsets.
    """
    stamps: list[pd.Timestamp] = []
    for row, text in enumerate(texts, 1):
        stamp = _stamp(str(text))
        if stamp is None:
            raise InputError(
                f"{path}: row {row}: arrival: expected a date and time such as 2026-12-07T14:30+09:00, "
                f"2026-12-07 14:30 or 2026년 12월 7일 14시 30분, got {text!r}"
            )
        stamps.append(stamp)
    aware = [s.tzinfo is not None for s in stamps]
    if any(aware) and not all(aware):
        row = aware.index(not aware[0]) + 1
        raise InputError(
            f"{path}: row {row}: arrival: {texts[row - 1]!r} has {'no ' if aware[0] else 'a '}UTC offset "
            f"where row 1 has {'one' if aware[0] else 'none'}: write every arrival with an offset or none"
        )
    if all(aware):
        zone = stamps[0].tzinfo
        stamps = [s.tz_convert(zone) for s in stamps]
    first = min(stamps).normalize()
    return np.array([(s - first) / pd.Timedelta(hours=1) for s in stamps], dtype=float)


def read_schedule(path: Path, teu_per_move: float, horizon_h: float = float("inf")) -> list[VesselCall]:
    """Read a call list CSV into vessel calls sorted by arrival (see the module's docstring).

    Parameters
    ----------
    path
        The CSV file (UTF-8, with or without BOM, or CP949 as Korean Excel saves it).
    teu_per_move
        TEU per crane move (a call's moves are its TEU over this, at least 1).
    horizon_h
        Calls arriving at or after this are left out (the run's horizon).

    Raises
    ------
    InputError
        One line naming the file, the row or column, and what was expected.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such schedule file") from None
    # Korean Excel saves CSV in CP949: read it so rather than refuse it (UTF-8 first; a UTF-8 file of
    # Hangul is not valid CP949 text in general, and CP949 Hangul is not valid UTF-8).
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(f"{path}: not UTF-8 or CP949 text")
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path}: not a readable CSV ({type(exc).__name__})") from None
    table = table.apply(lambda column: column.str.normalize("NFC"))  # names as the scenario's (NFC)
    table.columns = [unicodedata.normalize("NFC", str(c)).strip() for c in table.columns]
    unknown = [c for c in table.columns if c not in COLUMNS]
    if unknown:
        raise InputError(f"{path}: column {unknown[0]!r} is not known (expected {', '.join(COLUMNS)})")
    for column in ("vessel", "teu", "length_m"):
        if column not in table.columns:
            raise InputError(f"{path}: column {column!r} is missing (need vessel, arrival_h, teu, length_m)")
    if ("arrival_h" in table.columns) == ("arrival" in table.columns):
        raise InputError(
            f"{path}: give the arrival as one column, arrival_h (hours) or arrival (date and time), "
            f"got {'both' if 'arrival_h' in table.columns else 'neither'}"
        )
    names = [v.strip() for v in table["vessel"]]
    seen: dict[str, int] = {}
    for row, name in enumerate(names, 1):
        if not name:
            raise InputError(f"{path}: row {row}: vessel: expected a name, got an empty cell")
        if name in seen:
            raise InputError(f"{path}: row {row}: vessel {name!r} is listed twice (also row {seen[name]})")
        seen[name] = row
    numbers = {}
    for column in ("arrival_h", "teu", "length_m"):
        if column not in table.columns:
            continue
        values = pd.to_numeric(table[column].str.strip(), errors="coerce").to_numpy(float)
        bad = np.isnan(values) | (values < 0) | ((values == 0) & (column == "length_m"))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            need = "> 0" if column == "length_m" else ">= 0"
            raise InputError(
                f"{path}: row {row + 1}: {column} must be a number {need}, got {table[column].iloc[row]!r}"
            )
        numbers[column] = values
    arrivals = numbers.get("arrival_h")
    if arrivals is None:
        arrivals = arrival_hours(path, list(table["arrival"]))
    max_cranes = np.full(len(table), 3)
    if "max_cranes" in table.columns:
        for row, text in enumerate(table["max_cranes"], 1):
            if text.strip():
                if not text.strip().isdigit() or int(text) < 1:
                    raise InputError(
                        f"{path}: row {row}: max_cranes must be a whole number >= 1, got {text!r}"
                    )
                max_cranes[row - 1] = int(text)
    services = (
        [s.strip() or "schedule" for s in table["service"]]
        if "service" in table.columns
        else ["schedule"] * len(table)
    )
    order = np.argsort(arrivals, kind="stable")
    calls: list[VesselCall] = []
    for row in order.tolist():
        arrival = float(arrivals[row])
        if arrival >= horizon_h:
            continue
        teu = float(numbers["teu"][row])
        moves = max(1, round(teu / teu_per_move))
        calls.append(
            VesselCall(
                len(calls),
                services[row],
                arrival,
                arrival,
                teu,
                moves,
                float(numbers["length_m"][row]),
                int(max_cranes[row]),
                arrival + 24.0 + moves / 60.0,
                name=names[row],
                row=row + 1,
            )
        )
    return calls
