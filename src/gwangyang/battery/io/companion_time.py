"""A companion's start time held against the data file's own time stamps.

Arbin's ``<stem>_Metadata.csv`` gives the test's start (``First_Start_DateTime``, unix seconds, UTC); the data file
gives a wall clock on each row (``DateTime``: unix seconds, or text dates in the cycler PC's local time). The
data file's start is its first dated row's time less its test time. Where both are known:

* within :data:`TOLERANCE_S` of each other: nothing to say (the shared MATR files: 0 s and 19.5 s apart);
* a whole number of hours apart (1 to :data:`MAX_ZONE_HOURS`, give or take :data:`TOLERANCE_S`): a ``time_zone``
  warning: one clock is in another time zone (text dates written in local time, a PC set to UTC);
* otherwise (minutes or hours off, or a day or more): a ``start_time_mismatch`` warning: the two files may not
  belong together (a companion copied beside the wrong export), or a clock was wrong.

Its end (``Last_End_DateTime``) cannot be before its start, nor before the data file's last time stamp (by more
than :data:`TOLERANCE_S`, the data's clock taken in the companion's time zone where the start shows one): either is
an ``end_time_mismatch`` warning (BEEP's FastCharge companion ends 2 h 22 min before it starts). An end well after
the data's last row (more than the file's longest logging interval and :data:`TOLERANCE_S`) is a ``truncated_file``
warning (:func:`cut_end_warning`, :mod:`.cut_end`): rows at the file's end are missing.

Each warning names both files and both times. The companion's start (UTC) is kept as the cell's start time, as
before; the rows keep their own time stamps. Novonix's companion (per-cycle figures) and the other readers carry
no start time of their own beside the data file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema as s
from .cut_end import cut_warning, longest_interval

TOLERANCE_S = 300.0
"""How far (seconds) a companion's start may be from the data file's before it is reported."""

MAX_ZONE_HOURS = 14
"""The largest whole-hour offset read as a time zone (UTC-12 to UTC+14); more is another day."""


def _dated(table: pd.DataFrame) -> tuple[pd.Series, pd.Series, np.ndarray] | None:
    """The table's time stamps, test times and which rows have both; None where no row has."""
    if s.DATE_TIME not in table or s.TIME not in table or not len(table):
        return None
    dates = table[s.DATE_TIME]
    # a canonical table's is datetime64 already; to_datetime would look at every value first (12 ms for 4,000)
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates, errors="coerce")
    times = pd.to_numeric(table[s.TIME], errors="coerce")
    ok = (dates.notna() & np.isfinite(times)).to_numpy()
    return (dates, times, ok) if ok.any() else None


def _naive_utc(stamp: pd.Timestamp) -> pd.Timestamp:
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo is not None else stamp


def data_start(table: pd.DataFrame) -> pd.Timestamp | None:
    """The test's start by the data file's own clock: its first dated row's time less its test time; None if none."""
    dated = _dated(table)
    if dated is None:
        return None
    dates, times, ok = dated
    first = int(np.argmax(ok))
    stamp = _naive_utc(pd.Timestamp(dates.iloc[first]))
    return stamp - pd.Timedelta(seconds=float(times.iloc[first]))


def data_end(table: pd.DataFrame) -> pd.Timestamp | None:
    """The data file's last time stamp (its last dated row's, naive: UTC or the file's local time); None if none."""
    dated = _dated(table)
    if dated is None:
        return None
    dates, _, ok = dated
    return _naive_utc(pd.Timestamp(dates.iloc[int(np.flatnonzero(ok)[-1])]))


def _last_utc(
    last: pd.Timestamp, begun: pd.Timestamp | None, table: pd.DataFrame
) -> tuple[int, pd.Timestamp]:
    """The data's last time stamp in UTC (the companion's zone, see :func:`zone_hours`) and the hours taken off."""
    own = data_start(table)
    hours = 0 if begun is None or own is None else zone_hours(own, begun)
    return hours, last - pd.Timedelta(hours=hours)


def cut_end_warning(
    companion: Path, end: pd.Timestamp, start: pd.Timestamp | None, data_file: Path, table: pd.DataFrame
) -> dict[str, str] | None:
    """A ``truncated_file`` warning when a companion's end is well after the data's last row (:mod:`.cut_end`).

    The last row's time is its time stamp in UTC (the companion's zone, as :func:`end_warning` takes it), or where
    the rows carry no time stamp the companion's start plus the last row's test time; None where neither is known.
    """
    told = _naive_utc(end)
    begun = None if start is None else _naive_utc(start)
    last = data_end(table)
    if last is not None:
        last_utc = _last_utc(last, begun, table)[1]
    elif begun is not None and len(table):
        last_utc = begun + pd.Timedelta(seconds=float(pd.to_numeric(table[s.TIME]).iloc[-1]))
    else:
        return None
    gap = (told - last_utc).total_seconds()
    return cut_warning(
        data_file, companion.name, last_utc, told, gap, TOLERANCE_S, longest_interval(table), " UTC"
    )


def zone_hours(own: pd.Timestamp, told: pd.Timestamp) -> int:
    """Whole hours the data file's clock is ahead of the companion's (a time zone, see the module); else 0."""
    apart = (own - told).total_seconds()
    hours = round(apart / 3600)
    if 1 <= abs(hours) <= MAX_ZONE_HOURS and abs(apart - hours * 3600) <= TOLERANCE_S:
        return hours
    return 0


def _span(seconds: float) -> str:
    """``2 d 03:04:05``, ``03:04:05``: a duration for a message (its sign apart)."""
    whole = round(abs(seconds))
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    clock = f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{days} d {clock}" if days else clock


def start_warning(
    companion: Path, start: pd.Timestamp, data_file: Path, table: pd.DataFrame
) -> dict[str, str] | None:
    """A warning when a companion's start time (UTC) disagrees with the data file's rows; None when it agrees.

    Parameters
    ----------
    companion
        The companion file (named in the warning).
    start
        Its start time (time-zone aware, or naive UTC).
    data_file
        The data file the warning is filed under.
    table
        The data file's canonical table (``date_time``: naive, UTC or local; ``test_time_s``).

    Returns
    -------
    dict or None
        A ``time_zone`` or ``start_time_mismatch`` warning (see the module docstring), or None.
    """
    own = data_start(table)
    if own is None:
        return None
    told = _naive_utc(start)
    apart = (own - told).total_seconds()
    if abs(apart) <= TOLERANCE_S:
        return None
    hours = zone_hours(own, told)
    shown = (
        f"{companion.name} gives the test's start as {told:%Y-%m-%d %H:%M:%S} UTC, {data_file.name}'s time stamps "
        f"as {own:%Y-%m-%d %H:%M:%S} (its first dated row less its test time): "
        f"{data_file.name} is {_span(apart)} {'ahead' if apart > 0 else 'behind'}"
    )
    if hours:
        detail = (
            f"{shown}, a whole {abs(hours)} h: its clock is in another time zone (UTC{hours:+d} if the companion's "
            "is UTC); the companion's start is kept as the cell's, the rows keep their own time stamps"
        )
        return s.warning("time_zone", detail, data_file)
    day = " (another day)" if own.date() != told.date() else ""
    detail = (
        f"{shown}{day}, more than {TOLERANCE_S / 60:.0f} minutes and no whole number of hours: the companion may "
        "belong to another test, or a clock was wrong; the companion's start is kept as the cell's"
    )
    return s.warning("start_time_mismatch", detail, data_file)


def end_warning(
    companion: Path, end: pd.Timestamp, start: pd.Timestamp | None, data_file: Path, table: pd.DataFrame
) -> dict[str, str] | None:
    """A warning when a companion's end time (UTC) cannot be: before its start, or before the data's last row.

    Parameters
    ----------
    companion
        The companion file (named in the warning).
    end
        Its end time (``Last_End_DateTime``; time-zone aware, or naive UTC).
    start
        Its start time (``First_Start_DateTime``), or None where it gives none.
    data_file
        The data file the warning is filed under.
    table
        The data file's canonical table (``date_time``: naive, UTC or local; ``test_time_s``).

    Returns
    -------
    dict or None
        An ``end_time_mismatch`` warning naming both files and the times, or None. An end after the data's last
        row is :func:`cut_end_warning`'s to judge; the data's clock is taken in the
        companion's time zone where the start shows a whole number of hours between them (:func:`zone_hours`).
    """
    told = _naive_utc(end)
    begun = None if start is None else _naive_utc(start)
    faults = []
    if begun is not None and told < begun:
        faults.append(
            f"{_span((begun - told).total_seconds())} before its start (First_Start_DateTime, "
            f"{begun:%Y-%m-%d %H:%M:%S} UTC)"
        )
    last = data_end(table)
    if last is not None:
        hours, last_utc = _last_utc(last, begun, table)
        if (last_utc - told).total_seconds() > TOLERANCE_S:
            zone = f", UTC{hours:+d}" if hours else ""
            faults.append(
                f"{_span((last_utc - told).total_seconds())} before {data_file.name}'s last time stamp "
                f"({last:%Y-%m-%d %H:%M:%S}{zone})"
            )
    if not faults:
        return None
    detail = (
        f"{companion.name} gives the test's end (Last_End_DateTime) as {told:%Y-%m-%d %H:%M:%S} UTC, "
        f"{' and '.join(faults)}: a test cannot end before it started or before its last row was recorded; the "
        "companion may belong to another test, or a clock was wrong; its end time is not used"
    )
    return s.warning("end_time_mismatch", detail, data_file)
