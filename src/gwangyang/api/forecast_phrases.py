"""The forecast's composed lines as the forecast page shows them: its notes and a series refused for its dates.

:mod:`gwangyang.logistics.holidays`, :mod:`~gwangyang.logistics.iso_weeks`, :mod:`~gwangyang.logistics.frequency`
and :mod:`~gwangyang.logistics.weekdays` compose them; dates and counts stay as they are, weekday names are
translated word by word (a ``weekdays`` group) or as a term (a ``word`` group, :data:`FORECAST_TERMS`).
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

DAY_NAME = "(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
"""A weekday's English name in a composed line (a ``word`` group: translated as a term)."""

SHORT_DAYS = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)(?: (?:Mon|Tue|Wed|Thu|Fri|Sat|Sun))*"
"""Working weekdays as a calendar's ``working_days`` spell them, space-separated (``Mon Tue Wed``)."""

ISO_DATE = r"\d{4}-\d{2}-\d{2}"

FORECAST_TERMS: tuple[str, ...] = (
    N_("write every row as a week like 2024-W01"),
    N_("the forecast is of ordinary business days"),
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
    # the working weekdays of a forecast's business-day calendar (its frequency's working_days)
    N_("Mon"),
    N_("Tue"),
    N_("Wed"),
    N_("Thu"),
    N_("Fri"),
    N_("Sat"),
    N_("Sun"),
    N_("or"),
    # the parts of a forecast series' refusals that never change (frequency.ONE_ROW_A_PERIOD and the advice)
    N_(
        "the forecaster takes one row per month, quarter, half-year, year, week, fortnight, day or business day, "
        "evenly spaced"
    ),
    N_("a business-day series holds Monday to Friday only: move or drop those rows"),
    N_("a business-day series holds its working weekdays only: move or drop those rows"),
    N_("move or drop those rows, or give that weekday as working"),
    N_("a weekday worked only some weeks is not holidays: give it every week or drop it"),
)
"""Weekday names and whole parts of the forecast's lines; listed for the extractor."""

ISO_WEEK_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.logistics.iso_weeks: a week label past its year's last ISO week; tried before the readers' lines,
    # whose "column ... holds ..., not ..." would read it only in part
    phrase(
        N_(
            "%(where)s: data row %(row)s holds %(value)s, not an ISO week (%(year)s has weeks 01 to %(weeks)s)"
        ),
        row=r"\d+",
        value=r"'[^']*'",
        year=r"\d{4}",
        weeks=r"5[23]",
    ),
)
"""A forecast series' week label refused: before :data:`.reader_phrases.READER_PHRASES` in :data:`.i18n.PATTERNS`."""

FORECAST_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.logistics.forecast, forecast_models, weekdays, iso_weeks: a forecast's settings and labels refused
    phrase(N_("series: need more than %(n)s periods to scale errors"), n=r"\d+"),
    phrase(N_("season_length: expected at least 1, got %(value)s")),
    phrase(N_("windows: expected at least 1, got %(value)s")),
    phrase(N_("level: expected a percentage between 0 and 100, got %(value)s")),
    phrase(N_("models: unknown model %(model)s (expected %(known)s)"), model=r"'[^']*'|\S+"),
    phrase(N_("%(where)s: expected weekday names, got %(part)s")),
    phrase(
        N_("%(where)s mixes ISO week labels with other values: data row %(row)s holds %(value)s"), row=r"\d+"
    ),
    # gwangyang.logistics.holidays / iso_weeks: a forecast's notes ("; "-separated parts)
    phrase(
        N_(
            "%(n)s missing business day(s) taken as holidays and filled with the same weekday interpolated "
            "between the weeks around them: %(days)s"
        ),
        n=r"\d+",
    ),
    phrase(N_("the series holds ISO week 53 (%(weeks)s)"), weeks=r"[^()]+"),
    phrase(
        N_(
            "working calendar of %(n)s days a week: no %(words)s in the series' %(weeks)s weeks, so those are "
            "closed days, not missing days"
        ),
        n=r"\d",
        weeks=r"\d+",
    ),
    phrase(
        N_(
            "the season is %(season)s periods (364 days), so after a week 53 each week is compared with the "
            "week one number later a year before"
        ),
        season=r"\d+",
    ),
    phrase(N_("working calendar of %(n)s days a week, as given: %(words)s closed"), n=r"\d"),
    # gwangyang.logistics.frequency / holidays: a forecast series refused for dates on the wrong weekdays
    phrase(
        N_(
            "%(where)s holds business days with %(n)s weekend date(s) among them (the first %(date)s, a %(word)s)"
        ),
        n=r"\d+",
        date=ISO_DATE,
        word=DAY_NAME,
    ),
    phrase(
        N_(
            "%(where)s holds working days %(weekdays)s with %(n)s date(s) on %(weekdays_closed)s among them (the "
            "first %(date)s, a %(word)s)"
        ),
        weekdays=SHORT_DAYS,
        n=r"\d+",
        weekdays_closed=f"{DAY_NAME}(?: or {DAY_NAME})*",
        date=ISO_DATE,
        word=DAY_NAME,
    ),
    phrase(
        N_(
            "%(where)s: working days %(weekdays)s with %(n)s date(s) on other weekdays (the first %(date)s, a %(word)s)"
        ),
        weekdays=SHORT_DAYS,
        n=r"\d+",
        date=ISO_DATE,
        word=DAY_NAME,
    ),
    phrase(N_("working days %(weekdays)s are given for daily dates only"), weekdays=SHORT_DAYS),
    # gwangyang.logistics.weekdays: a working_days value that names no weekday
    phrase(
        N_(
            "%(where)s: %(got)s is not a weekday (expected Mon..Sun, Monday..Sunday, 월..일 or 월요일..일요일, as a "
            "list or a range such as Mon-Sat or 월~토)"
        ),
        where=r"[^:]+",
    ),
    phrase(
        N_(
            "%(where)s: no weekday given (expected Mon..Sun, Monday..Sunday, 월..일 or 월요일..일요일, as a list "
            "or a range such as Mon-Sat or 월~토)"
        ),
        where=r"[^:]+",
    ),
    phrase(
        N_("%(where)s holds %(word)s dates"), word=r"monthly|quarterly|half-yearly|yearly|weekly|fortnightly"
    ),
    phrase(
        N_("%(where)s: %(n)s of %(total)s %(word)ss are missing (the first %(date)s)"),
        n=r"\d+",
        total=r"\d+",
        word=DAY_NAME,
        date=ISO_DATE,
    ),
)
"""Patterns of the forecast's notes and refusals, each with the msgid that translates it."""
