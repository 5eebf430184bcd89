"""Holidays in a business-day series: weekdays missing among Monday-to-Friday dates, filled and reported.

A gate-transaction or plant-demand series kept per business day lacks the weekdays the gate or the plant was
closed: New Year, Seollal, Chuseok, a substitute holiday. Refusing such a series would refuse almost every real one;
forecasting it on the days present would shift the weekday pattern by a day at each holiday. So a missing weekday
is filled with the value of the same weekday interpolated between the nearest weeks that have it (the mean of the
week before and the week after when both are there), and every filled date is reported: the forecast is of
ordinary business days, and a holiday ahead must be taken off by the planner.

Too many missing weekdays are a gap in the data, not holidays, and are refused: more than :data:`MAX_RUN`
consecutive business days (a whole working week), more than :data:`MAX_SHARE` of the business days in the span, or
more than :data:`MAX_WEEKDAY_SHARE` of one weekday's days (every other Saturday of a 6-day week).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from .frequency import BUSINESS_DAILY, WORKING_DAYS, Frequency

MAX_RUN = 5
"""Most consecutive business days that may be missing (Seollal or Chuseok with a substitute day fits)."""

MAX_SHARE = 0.1
"""Largest share of the business days in the span that may be missing (Korea has about 15 weekday holidays a year,
6 % of 250 business days)."""

MAX_WEEKDAY_SHARE = 1 / 3
"""Largest share of one working weekday's days that may be missing (with at least 3 missing): more is a weekday
worked only some weeks (every other Saturday), not holidays."""

FILLED = "filled"
"""The boolean column that marks filled business days in a checked series (absent when none was filled)."""


def fill_business_days(
    series: pd.DataFrame, where: str, calendar: Frequency = BUSINESS_DAILY
) -> pd.DataFrame:
    """A ``ds``/``y`` frame of working days with the missing business days between its first and last date filled.

    The working days are those of ``calendar`` (Monday to Friday; Monday to Saturday for a 6-day week).

    Each missing day takes its weekday's value interpolated linearly, by position, between the nearest present
    days of the same weekday (the first or last present one where there is none on one side). The returned frame
    has a boolean :data:`FILLED` column when a day was filled; a frame with no missing day is returned unchanged.

    Raises
    ------
    InputError
        A run of more than :data:`MAX_RUN` missing business days (named by its first and last day), or more
        than :data:`MAX_SHARE` of them missing (the first named).
    """
    present = pd.DatetimeIndex(series["ds"])
    full = pd.date_range(present.min(), present.max(), freq=calendar.offset)
    if len(full) == len(present) or not present.isin(full).all():
        return (
            series  # complete, or holding dates that are not business days: the consecutive check names them
        )
    absent = full.difference(present)
    run, end = _longest_run(full.isin(absent))
    if run > MAX_RUN:
        raise InputError(
            f"{where}: {run} business days in a row are missing, {full[end - run + 1]:%Y-%m-%d} to "
            f"{full[end]:%Y-%m-%d} ({len(absent)} of {len(full)} missing in all); at most {MAX_RUN} in a row "
            "are filled as holidays, a longer gap is missing data"
        )
    if len(absent) > MAX_SHARE * len(full):
        raise InputError(
            f"{where}: {len(absent)} of {len(full)} business days are missing ({len(absent) / len(full):.0%}, "
            f"the first {absent[0]:%Y-%m-%d}); at most {MAX_SHARE:.0%} are filled as holidays"
        )
    _refuse_partial_weekday(full, absent, where)
    values = pd.Series(series["y"].to_numpy(dtype=float), index=present).reindex(full)
    filled = values.copy()
    for weekday in calendar.working_days:
        same = values[full.weekday == weekday]
        if same.isna().any():
            line = same.reset_index(drop=True).interpolate(method="linear").bfill().ffill()
            filled[full.weekday == weekday] = line.to_numpy()
    return pd.DataFrame({"ds": full, "y": filled.to_numpy(), FILLED: values.isna().to_numpy()})


def _refuse_partial_weekday(full: pd.DatetimeIndex, absent: pd.DatetimeIndex, where: str) -> None:
    """Refuse a working weekday missing on more than :data:`MAX_WEEKDAY_SHARE` of its days (3 or more of them)."""
    for weekday in sorted(set(absent.weekday.tolist())):
        gone, days = int((absent.weekday == weekday).sum()), int((full.weekday == weekday).sum())
        if gone >= 3 and gone > MAX_WEEKDAY_SHARE * days:
            first = absent[absent.weekday == weekday][0]
            raise InputError(
                f"{where}: {gone} of {days} {first.day_name()}s are missing (the first {first:%Y-%m-%d}); "
                f"a weekday worked only some weeks is not holidays: give it every week or drop it"
            )


def _longest_run(missing: np.ndarray) -> tuple[int, int]:
    """The length of the longest run of True in a boolean array, and the index where it (the first so long) ends."""
    longest = current = end = 0
    for i, flag in enumerate(missing):
        current = current + 1 if flag else 0
        if current > longest:
            longest, end = current, i
    return longest, end


def filled_note(series: pd.DataFrame) -> str | None:
    """A line naming the business days :func:`fill_business_days` filled in ``series``, or None when none was."""
    if FILLED not in series.columns or not series[FILLED].any():
        return None
    days = pd.DatetimeIndex(series.loc[series[FILLED].to_numpy(dtype=bool), "ds"])
    shown = ", ".join(f"{d:%Y-%m-%d}" for d in days[:8]) + (", ..." if len(days) > 8 else "")
    return (
        f"{len(days)} missing business day(s) taken as holidays and filled with the same weekday interpolated "
        f"between the weeks around them: {shown}; the forecast is of ordinary business days"
    )


DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""Weekday names in notes, Monday first."""


def calendar_note(series: pd.DataFrame, calendar: Frequency) -> str | None:
    """A line naming the closed weekdays of a business-day calendar other than Monday to Friday, or None.

    A 6-day week reads ``working calendar of 6 days a week: no Sunday in the series' 20 weeks, so those are closed
    days, not missing days``; one declared (``working_days``, :data:`.frequency.WORKING_DAYS`) ``working calendar
    of 6 days a week, as given: Sunday closed``.
    """
    if not calendar.weekmask or calendar.weekmask == BUSINESS_DAILY.weekmask:
        return None
    closed = [DAY_NAMES[d] for d in range(7) if d not in calendar.working_days]
    if series.attrs.get(WORKING_DAYS) is not None:
        return f"working calendar of {len(calendar.working_days)} days a week, as given: {', '.join(closed)} closed"
    days = pd.DatetimeIndex(series["ds"])
    weeks = (days[-1] - days[0]).days // 7 + 1
    return (
        f"working calendar of {len(calendar.working_days)} days a week: no {', '.join(closed)} in the series' "
        f"{weeks} weeks, so those are closed days, not missing days"
    )
