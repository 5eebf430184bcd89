"""The frequency of a forecast series, recognised from its dates: monthly .. yearly, weekly, fortnightly, (business) daily.

A series is one of eight regular frequencies. Month-based ones (dates 1, 3, 6 or 12 months apart) are kept as the
first day of each date's month, whatever day of the month was written, so ``2024-01-15`` and ``2024-01`` are the
same month; the step is the coarsest of 12, 6, 3, 1 months that divides every spacing between the dates, so a
monthly series with gaps stays monthly (the gaps are named) and a quarterly one with a missing quarter stays
quarterly. Day-based ones (dates a median of 1, 7 or 14 days apart) are kept as days; every spacing must be a
whole multiple of the step (else the dates are irregular), and weeks and fortnights are anchored on the weekday they
fall on (``W-MON`` for Mondays, ``2W-MON`` for every other Monday, as :func:`pandas.infer_freq` names them). Daily
dates that are all Monday to Friday while the span holds a weekend are business days (``B``, season 5); the
weekdays missing among them are holidays, filled by :mod:`gwangyang.logistics.holidays` and reported. Other weekly
working patterns are found the same way: daily dates that never fall on some weekdays although the span holds four
of each (a Monday-to-Saturday plant: no Sunday in the series) are business days of that calendar (``C``, a custom
business day; season 6 for a 6-day week), so the closed days are not gaps; a weekday missing among the working
days is still named (filled as a holiday and reported, or refused as a gap).

Horizon and holdout are counted in periods of the frequency; the defaults are what a planner would ask for:
12 months, 8 quarters (two years), 4 half-years, 3 years, 13 weeks (a quarter), 6 fortnights (12 weeks),
14 days (two weeks) and 10 business days (two working weeks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

MIN_HISTORY = 8
"""Fewest points of history before the first backtest origin, whatever the season (a yearly series has season 1)."""


@dataclass(frozen=True)
class Frequency:
    """A regular frequency: its name, its pandas alias, its season and the words for one period."""

    name: str
    """``monthly``, ``quarterly``, ``half-yearly``, ``yearly``, ``weekly``, ``fortnightly``, ``daily`` or
    ``business-daily``."""
    alias: str
    """The pandas offset alias of consecutive dates (``MS``, ``3MS``, ``W-MON``, ``2W-MON``, ``D``, ``B``...)."""
    season_length: int
    """Periods in a seasonal cycle (1: no season)."""
    horizon: int
    """Default periods ahead."""
    unit: str
    """One period (``month``, ``quarter``, ``week``...)."""
    units: str
    """Several periods (``months``, ``quarters``...)."""
    label: str
    """strftime pattern naming one period in messages and summaries."""
    weekmask: str = ""
    """The working weekdays of a business-day calendar (``Mon Tue Wed Thu Fri Sat``); empty for other frequencies."""

    @property
    def offset(self) -> str | pd.offsets.CustomBusinessDay:
        """What pandas and statsforecast step by: the alias, or a custom business day of the working weekdays."""
        if self.alias == CUSTOM_ALIAS:
            return pd.offsets.CustomBusinessDay(weekmask=self.weekmask)
        return self.alias

    @property
    def working_days(self) -> tuple[int, ...]:
        """The working weekdays (0 Monday .. 6 Sunday) of a business-day calendar; empty for other frequencies."""
        return tuple(WEEKDAY_NAMES.index(day) for day in self.weekmask.split())

    @property
    def min_history(self) -> int:
        """Points before the first backtest origin: two seasons, at least :data:`MIN_HISTORY` (24 for months)."""
        return max(2 * self.season_length, MIN_HISTORY)

    def name_of(self, date: Any) -> str:
        """One period as written: ``2024-01`` (months, quarters), ``2024`` (years), ``2026-W14``, or the day.

        Weeks and fortnights that start on Mondays are ISO weeks and named so; other weeks by their first day.
        """
        return f"{pd.Timestamp(date):{self.label}}"

    def to_dict(self) -> dict[str, Any]:
        """``{"name", "alias", "season_length", "unit"}`` for a result, and ``working_days`` for business days.

        ``working_days`` names the calendar's weekdays (``["Mon", ..., "Sat"]``).
        """
        found: dict[str, Any] = {
            "name": self.name,
            "alias": self.alias,
            "season_length": self.season_length,
            "unit": self.unit,
        }
        if self.weekmask:
            found["working_days"] = self.weekmask.split()
        return found


MONTHLY = Frequency("monthly", "MS", 12, 12, "month", "months", "%Y-%m")
QUARTERLY = Frequency("quarterly", "3MS", 4, 8, "quarter", "quarters", "%Y-%m")
HALF_YEARLY = Frequency("half-yearly", "6MS", 2, 4, "half-year", "half-years", "%Y-%m")
YEARLY = Frequency("yearly", "12MS", 1, 3, "year", "years", "%Y")
DAILY = Frequency("daily", "D", 7, 14, "day", "days", "%Y-%m-%d")
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""Weekday names as pandas' ``weekmask`` spells them, Monday first."""
BUSINESS_DAILY = Frequency(
    "business-daily", "B", 5, 10, "business day", "business days", "%Y-%m-%d", "Mon Tue Wed Thu Fri"
)
"""Monday to Friday: season 5 (the working week), 10 business days ahead by default."""
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
CUSTOM_ALIAS = "C"
"""pandas' alias of a custom business day: a business-day calendar of other working weekdays than Monday-Friday."""


def business_days(working: tuple[int, ...]) -> Frequency:
    """The business-day calendar of the ``working`` weekdays (0 Monday .. 6 Sunday): season one working week.

    Monday to Friday is :data:`BUSINESS_DAILY` (``B``); another week (``Mon``-``Sat``: a 6-day week) is a custom
    business day (``C``) of season 6, two working weeks ahead by default.
    """
    if tuple(working) == (0, 1, 2, 3, 4):
        return BUSINESS_DAILY
    n = len(working)
    mask = " ".join(WEEKDAY_NAMES[d] for d in sorted(working))
    return Frequency(
        "business-daily", CUSTOM_ALIAS, n, 2 * n, "business day", "business days", "%Y-%m-%d", mask
    )


ISO_WEEK_LABEL = "%G-W%V"
"""strftime pattern of an ISO week (``2026-W14``): the label of a period that starts on a Monday."""


def weekly(weekday: int) -> Frequency:
    """Weeks anchored on ``weekday`` (0 Monday .. 6 Sunday): alias ``W-MON`` .. ``W-SUN``, season 52.

    Weeks that start on Mondays are ISO weeks and are named so (``2026-W14``); others by their first day.
    """
    label = ISO_WEEK_LABEL if weekday == 0 else "%Y-%m-%d"
    return Frequency("weekly", f"W-{WEEKDAYS[weekday]}", 52, 13, "week", "weeks", label)


def fortnightly(weekday: int) -> Frequency:
    """Every other ``weekday`` (0 Monday .. 6 Sunday): alias ``2W-MON`` .. ``2W-SUN``, season 26 (364 days).

    Fortnights that start on Mondays are named by their first ISO week (``2026-W14`` for weeks 14 and 15).
    """
    label = ISO_WEEK_LABEL if weekday == 0 else "%Y-%m-%d"
    return Frequency("fortnightly", f"2W-{WEEKDAYS[weekday]}", 26, 6, "fortnight", "fortnights", label)


BY_MONTHS = {12: YEARLY, 6: HALF_YEARLY, 3: QUARTERLY, 1: MONTHLY}
"""Months between consecutive dates → the frequency; coarsest first (the step is the coarsest that divides all)."""

NAMES = (
    "monthly",
    "quarterly",
    "half-yearly",
    "yearly",
    "weekly",
    "fortnightly",
    "daily",
    "business-daily",
)
"""Every frequency recognised."""

DAY = 86_400 * 10**9
"""One day in nanoseconds."""


def detect(dates: Any) -> Frequency | str:
    """The frequency of ``dates`` (any order, repeats and missing dates ignored), or what they are if irregular.

    Returns
    -------
    Frequency or str
        The frequency; or, for dates no frequency fits, a phrase for a one-line refusal (``"irregular dates
        (2 to 9 days apart)"``). Fewer than two distinct dates read as monthly (too short anyway).
    """
    unique = pd.DatetimeIndex(pd.Series(dates).dropna().unique()).sort_values()
    if len(unique) < 2:
        return MONTHLY
    gaps = np.diff(unique.asi8)
    days = float(np.median(gaps)) / DAY
    if days < 1:
        return f"sub-daily dates (a median of {days * 24:.3g} hours apart); give one row per day at most"
    if days < 25:
        return _day_based(unique, gaps, days)
    months = np.diff(unique.to_period("M").asi8)
    steps = months[months > 0]
    if steps.size == 0:  # two dates in one month: the repeat is named by the series check
        return MONTHLY
    for step, frequency in BY_MONTHS.items():
        if (steps % step == 0).all():
            return frequency
    return MONTHLY  # unreachable: every whole number of months is a multiple of one


def _day_based(unique: pd.DatetimeIndex, gaps: np.ndarray, days: float) -> Frequency | str:
    """Daily, business-daily, weekly or fortnightly dates, or why they are none of these."""
    if (unique != unique.normalize()).any():
        first = unique[unique != unique.normalize()][0]
        return f"times of day ({first:%Y-%m-%d %H:%M}); give one row per day at most"
    whole = gaps // DAY
    step = 14 if days >= 10.5 else 7 if days >= 5 else 1
    if round(days) != step:
        return f"dates a median of {days:.3g} days apart (not daily, weekly or fortnightly)"
    off = np.flatnonzero(whole % step != 0)
    if off.size:
        i = int(off[0])
        return (
            f"irregular dates (mostly {step} day(s) apart, but {unique[i + 1]:%Y-%m-%d} is {int(whole[i])} "
            f"day(s) after {unique[i]:%Y-%m-%d})"
        )
    if step == 14:
        return fortnightly(unique[0].weekday())
    if step == 7:
        return weekly(unique[0].weekday())
    weekend = unique[unique.weekday >= 5]
    if len(weekend) and len(weekend) <= WEEKEND_SLIP * len(unique):
        first = weekend[0]
        return (
            f"business days with {len(weekend)} weekend date(s) among them (the first {first:%Y-%m-%d}, a "
            f"{first.day_name()}); a business-day series holds Monday to Friday only: move or drop those rows"
        )
    if _business_days(unique):
        return BUSINESS_DAILY
    closed = closed_weekdays(unique)
    if closed:
        return business_days(tuple(d for d in range(7) if d not in closed))
    return _slipped(unique) or DAILY


def _slipped(unique: pd.DatetimeIndex) -> str | None:
    """Why daily dates of a working week with a few dates on a closed weekday (a Sunday worked) are refused, or None.

    A weekday is such a slip when it is present on at most :data:`WEEKEND_SLIP` x 2 of its days in a span of
    :data:`CLOSED_WEEKS` or more, while every other weekday is present on most of its days.
    """
    span = pd.date_range(unique[0], unique[-1], freq="D")
    counts = np.bincount(span.weekday, minlength=7)
    present = np.bincount(unique.weekday, minlength=7)
    if counts.min() < CLOSED_WEEKS:
        return None
    share = present / counts
    rare = [d for d in range(7) if 0 < share[d] <= 2 * WEEKEND_SLIP]
    if not rare or any(share[d] <= 0.5 for d in range(7) if d not in rare and present[d] > 0):
        return None
    working = " ".join(WEEKDAY_NAMES[d] for d in range(7) if d not in rare and present[d] > 0)
    strays = unique[np.isin(unique.weekday, rare)]
    first, closed = strays[0], " or ".join(pd.Timestamp(2024, 1, 1 + d).day_name() for d in rare)
    return (
        f"working days {working} with {len(strays)} date(s) on {closed} among them (the first "
        f"{first:%Y-%m-%d}, a {first.day_name()}); a business-day series holds its working weekdays only: move or "
        "drop those rows"
    )


CLOSED_WEEKS = 4
"""Fewest weeks a weekday must be absent throughout (four of it in the span) to read as a closed day, not a gap."""


def closed_weekdays(unique: pd.DatetimeIndex) -> tuple[int, ...]:
    """The weekdays (0 Monday .. 6 Sunday) never among daily dates whose span holds :data:`CLOSED_WEEKS` of each.

    A weekly working pattern (a 6-day week is closed on Sundays); empty when there is none, or when another weekday
    is absent from too short a span to tell.
    """
    span = pd.date_range(unique[0], unique[-1], freq="D")
    present = set(unique.weekday.tolist())
    counts = np.bincount(span.weekday, minlength=7)
    closed = tuple(d for d in range(7) if d not in present and counts[d] >= CLOSED_WEEKS)
    absent = [d for d in range(7) if d not in present]
    return closed if closed and len(closed) == len(absent) and len(closed) < 6 else ()


WEEKEND_SLIP = 0.05
"""Largest share of Saturdays and Sundays among daily dates that reads as business days with a slip (a daily
series has 2 in 7)."""


def _business_days(unique: pd.DatetimeIndex) -> bool:
    """Whether daily dates are Monday to Friday only, over a span that holds at least one Saturday or Sunday."""
    weekdays = unique.weekday
    spans_weekend = int((unique[-1] - unique[0]).days) + int(weekdays[0]) >= 5
    return bool((weekdays < 5).all()) and spans_weekend


WORKING_DAYS = "working_days"
"""The key in a series' ``attrs`` of its declared working weekdays (0 Monday .. 6 Sunday), when they were given
rather than read from the dates: every later check of the series keeps that calendar
(:func:`gwangyang.logistics.forecast_input.validate_series`, ``series_frequency``)."""


def frequency_of(dates: Any, where: str, working: tuple[int, ...] | None = None) -> Frequency:
    """:func:`detect`, refusing irregular dates in one line that starts with ``where`` (the file and column).

    ``working`` (0 Monday .. 6 Sunday) declares the working weekdays of a daily series instead of reading them
    from the dates (:func:`declared`): a Monday-to-Saturday series too short to show its closed Sundays.
    """
    if working is not None:
        return declared(dates, where, working)
    found = detect(dates)
    if isinstance(found, str):
        raise InputError(f"{where} holds {found}; {ONE_ROW_A_PERIOD}")
    return found


def declared(dates: Any, where: str, working: tuple[int, ...]) -> Frequency:
    """The business-day calendar of the declared ``working`` weekdays (all seven: daily), checked against the dates.

    The dates must be days (a median of less than 5 days apart, no times) and fall on working weekdays only;
    working days missing among them are holidays or gaps, as for a calendar read from the dates.

    Raises
    ------
    InputError
        Dates of another frequency, or a date on a closed weekday (the first named, with its weekday).
    """
    days = tuple(sorted(set(working)))
    names = " ".join(WEEKDAY_NAMES[d] for d in days)
    unique = pd.DatetimeIndex(pd.Series(dates).dropna().unique()).sort_values()
    if len(unique) >= 2:
        spacing = float(np.median(np.diff(unique.asi8))) / DAY
        if (unique != unique.normalize()).any() or not 0.5 <= spacing < 5:
            found = detect(unique)
            what = found if isinstance(found, str) else f"{found.name} dates"
            raise InputError(f"{where} holds {what}; working days {names} are given for daily dates only")
    closed = unique[~np.isin(unique.weekday, days)]
    if len(closed):
        first = closed[0]
        raise InputError(
            f"{where}: working days {names} with {len(closed)} date(s) on other weekdays (the first "
            f"{first:%Y-%m-%d}, a {first.day_name()}); move or drop those rows, or give that weekday as working"
        )
    return DAILY if len(days) == 7 else business_days(days)


ONE_ROW_A_PERIOD = (
    "the forecaster takes one row per month, quarter, half-year, year, week, fortnight, day or business day, "
    "evenly spaced"
)
"""What an irregular series is told."""


def periods(dates: Any, frequency: Frequency) -> pd.Series:
    """The dates as the start of their period: the first of the month for month-based frequencies, else the day."""
    series = pd.Series(pd.DatetimeIndex(dates))
    if frequency.alias.endswith("MS"):
        return pd.Series(series.dt.to_period("M").dt.to_timestamp())
    return pd.Series(series.dt.normalize())
