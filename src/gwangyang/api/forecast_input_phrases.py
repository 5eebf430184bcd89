"""A forecast series refused for its table, its dates, its values or its length, as the forecast page shows it.

:mod:`gwangyang.logistics.forecast_input`, :mod:`~gwangyang.logistics.holidays` and
:mod:`~gwangyang.logistics.forecast` compose these refusals; the file, the column, dates, counts and values stay as
they are. A period's unit (``months``, ``business days``) is a ``word_*`` group, read as a term of
:data:`FORECAST_INPUT_TERMS` and written after its number as Korean counts it (``12개월``, ``10영업일``). The
catalogue's ``days`` is already the port form's label (``일수``), so a line whose Korean shows ``days`` has a
pattern of its own with ``days`` written in it (a twin of the line for the other units).
"""

from __future__ import annotations

import re

from .forecast_phrases import ISO_DATE
from .phrases import N_, phrase

UNIT = "month|quarter|half-year|year|week|fortnight|day|business day"
"""One period of a frequency (``Frequency.unit``), each a term."""

UNITS = "months|quarters|half-years|years|weeks|fortnights|business days"
"""Several periods (``Frequency.units``) but ``days``, each a term; ``days`` has lines of its own."""

FORECAST_INPUT_TERMS: tuple[str, ...] = (
    # a period's unit, as Korean writes it after a number (Frequency.unit, Frequency.units)
    N_("month"),
    N_("months"),
    N_("quarter"),
    N_("quarters"),
    N_("half-year"),
    N_("half-years"),
    N_("year"),
    N_("years"),
    N_("week"),
    N_("weeks"),
    N_("fortnight"),
    N_("fortnights"),
    N_("day"),
    N_("business day"),
    N_("business days"),
    # the parts after "; " that never change
    N_("shorten --horizon or --windows"),
    N_("write the dates as dates (2024-01 or 2024-01-01, a year alone as 2024)"),
    N_("expected one row per month, quarter, half-year, year, week, fortnight, day or business day"),
    N_("rescale the series"),
    N_("expected dates like '2024-01' or '2024-01-15'"),
    N_("give one row per day at most"),
)
"""Units of a period and whole parts of the forecast input's refusals; listed for the extractor."""

FORECAST_INPUT_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.logistics.forecast: a series too short for its backtest, a horizon or holdout out of range
    phrase(
        N_(
            "series: %(length)s %(word_units)s is too short for %(windows)s backtest windows of %(horizon)s "
            "%(word_units_h)s plus %(history)s %(word_units_p)s of history (two seasons of %(season)s, at least 8)"
        ),
        length=r"\d+",
        word_units=UNITS,
        windows=r"\d+",
        horizon=r"\S+",
        word_units_h=UNITS,
        history=r"\d+",
        word_units_p=UNITS,
        season=r"\d+",
    ),
    phrase(
        N_(
            "series: %(length)s days is too short for %(windows)s backtest windows of %(horizon)s days plus "
            "%(history)s days of history (two seasons of %(season)s, at least 8)"
        ),
        length=r"\d+",
        windows=r"\d+",
        horizon=r"\S+",
        history=r"\d+",
        season=r"\d+",
    ),
    phrase(N_("horizon: expected at least 1 %(word_unit)s, got %(value)s"), word_unit=UNIT),
    phrase(
        N_("holdout: expected 1 to %(most)s %(word_units)s, got %(value)s"), most=r"\S+", word_units=UNITS
    ),
    phrase(N_("holdout: expected 1 to %(most)s days, got %(value)s"), most=r"\S+"),
    # gwangyang.logistics.forecast_input: the table, its date column and its values
    phrase(
        N_(
            "%(file)s: column %(column)s has %(n)s missing or non-numeric value(s), the first in data row %(row)s "
            "(%(value)s)"
        ),
        column=r"'[^']*'|\"[^\"]*\"",
        n=r"\d+",
        row=r"\d+",
    ),
    phrase(
        N_("%(file)s: no column %(column)s (%(role)s)"),
        column=r"'[^']*'|\"[^\"]*\"",
        role=r"date_column|target",
    ),
    phrase(N_("%(file)s: name the date column and the target column")),
    phrase(N_("the table has %(n)s columns (%(columns)s), not two"), n=r"\d+"),
    phrase(N_("%(file)s: not a readable Parquet table (%(why)s)")),
    phrase(N_("%(file)s: not a readable CSV table (%(why)s)")),
    phrase(N_("%(where)s holds numbers (e.g. %(example)s), not dates")),
    phrase(N_("%(where)s does not hold dates")),
    phrase(N_("%(where)s has %(n)s missing date(s), the first in data row %(row)s"), n=r"\d+", row=r"\d+"),
    phrase(N_("%(where)s: no rows")),
    phrase(N_("%(where)s: row %(row)s is not a date (empty or NaT)"), row=r"\d+"),
    phrase(
        N_(
            "%(where)s: %(word_units)s must be consecutive with no gaps: %(period)s is missing (%(n)s "
            "%(word_unit)s(s) missing in all)"
        ),
        word_units=UNITS,
        period=r"\S+",
        n=r"\d+",
        word_unit=UNIT,
    ),
    phrase(
        N_(
            "%(where)s: days must be consecutive with no gaps: %(period)s is missing (%(n)s day(s) missing in all)"
        ),
        period=r"\S+",
        n=r"\d+",
    ),
    phrase(
        N_(
            "%(where)s: %(word_units)s must be consecutive with no gaps (dates that are not %(word_unit)s starts)"
        ),
        word_units=UNITS,
        word_unit=UNIT,
    ),
    phrase(N_("%(where)s: days must be consecutive with no gaps (dates that are not day starts)")),
    phrase(N_("%(where)s: values must be finite")),
    phrase(
        N_("%(where)s: values must lie within ±%(limit)s, got %(value)s (the models square them)"),
        limit=r"\S+",
        value=r"\S+",
    ),
    phrase(N_("%(where)s: a 'ds' value is not a date (%(reason)s)")),
    # gwangyang.logistics.frequency.detect: dates no frequency fits (ONE_ROW_A_PERIOD or the advice follows)
    phrase(N_("%(where)s holds sub-daily dates (a median of %(hours)s hours apart)"), hours=r"\S+"),
    phrase(N_("%(where)s holds times of day (%(first)s)"), first=r"[\d:\- ]+"),
    phrase(
        N_("%(where)s holds dates a median of %(days)s days apart (not daily, weekly or fortnightly)"),
        days=r"\S+",
    ),
    phrase(
        N_(
            "%(where)s holds irregular dates (mostly %(step)s day(s) apart, but %(date)s is %(n)s day(s) after "
            "%(before)s)"
        ),
        step=r"\d+",
        date=ISO_DATE,
        n=r"\d+",
        before=ISO_DATE,
    ),
    # gwangyang.logistics.holidays: too many business days missing to be holidays
    phrase(
        N_(
            "%(where)s: %(run)s business days in a row are missing, %(first)s to %(last)s (%(n)s of %(total)s "
            "missing in all)"
        ),
        run=r"\d+",
        first=ISO_DATE,
        last=ISO_DATE,
        n=r"\d+",
        total=r"\d+",
    ),
    phrase(N_("at most %(most)s in a row are filled as holidays, a longer gap is missing data"), most=r"\d+"),
    phrase(
        N_("%(where)s: %(n)s of %(total)s business days are missing (%(share)s, the first %(date)s)"),
        n=r"\d+",
        total=r"\d+",
        share=r"\d+%",
        date=ISO_DATE,
    ),
    phrase(N_("at most %(share)s are filled as holidays"), share=r"\d+%"),
)
"""Patterns of a forecast series' refusals for its table, dates, values and length, each with its msgid."""
