"""ISO-week labels as dates: ``2024-W01``, ``2024 W01``, ``2024년 1주`` (the week's Monday), ``2024-W01-3`` (the day).

Also without hyphens: ``2024W01``, ``2024W013``.

Plant and terminal reports often name weeks by ISO 8601 number; pandas does not read them. A week label becomes the
Monday of the ISO week (``2024-W01`` is 2024-01-01, ``2021-W01`` is 2021-01-04), so a column of them is a weekly
``W-MON`` series; a label with a weekday (1 Monday .. 7 Sunday) becomes that day. A week that does not exist
(``2023-W53``: 2023 has 52 ISO weeks; ``W00``) is refused. Week 53 of a 53-week year (2020, 2026) is a week like
any other; :func:`week_53_note` tells the forecaster's user how it meets a 52-week season.

Korean reports write ``2026년 14주`` (also ``2026년 14주차``, ``2026년 제14주``): read as ISO week 14 of 2026, the
numbering Korean calendars and planning sheets use. Output names such weeks ``2026-W14``
(:data:`gwangyang.logistics.frequency.ISO_WEEK_LABEL`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import pandas as pd

from ..errors import InputError

ISO_WEEK = re.compile(r"^\s*(\d{4})(?:-|\s)?[Ww](\d{2})(?:-?([1-7]))?\s*$")
"""An ISO week label: year, ``W`` and a two-digit week, optionally a weekday 1-7, with or without hyphens."""

KOREAN_WEEK = re.compile(r"^\s*(\d{4})\s*년\s*(?:제\s*)?(\d{1,2})\s*주(?:차)?\s*$")
"""A Korean week label: ``2026년 14주``, ``2026년 14주차``, ``2026년 제14주`` (the ISO week of that number)."""


def _match(value: object) -> re.Match[str] | None:
    """The label's match (groups: year, week, optional weekday), or None for other values."""
    if not isinstance(value, str):
        return None
    return ISO_WEEK.match(value) or KOREAN_WEEK.match(value)


def is_iso_week(value: object) -> bool:
    """Whether ``value`` is text spelling an ISO week label, ISO or Korean (valid or not)."""
    return _match(value) is not None


def iso_week_dates(values: Sequence[object], where: str) -> pd.DatetimeIndex:
    """The dates of ISO week labels: each week's Monday, or the day a label names.

    Raises
    ------
    InputError
        A value that is not an ISO week label (mixed spellings), or a week the year does not have.
    """
    dates = []
    for row, value in enumerate(values, start=1):
        match = _match(value)
        if match is None:
            raise InputError(
                f"{where} mixes ISO week labels with other values: data row {row} holds {value!r}; "
                "write every row as a week like 2024-W01"
            )
        year, week = int(match[1]), int(match[2])
        day = int(match[3]) if match.re is ISO_WEEK and match[3] else 1
        try:
            dates.append(dt.date.fromisocalendar(year, week, day))
        except ValueError as exc:
            weeks = dt.date(year, 12, 28).isocalendar()[1]
            raise InputError(
                f"{where}: data row {row} holds {match[0].strip()!r}, not an ISO week ({year} has weeks 01 to {weeks})"
            ) from exc
    return pd.DatetimeIndex(dates)


def week_53_note(dates: pd.Series, season_length: int) -> str | None:
    """A line naming the ISO weeks 53 a weekly or fortnightly series holds, or None when it holds none.

    With a season of 52 weeks (26 fortnights, 364 days) each week is compared with the week 52 weeks before, which
    after a week 53 is the week one number later a year before: the seasonal pattern slips a week.
    """
    calendar = pd.DatetimeIndex(dates).isocalendar()
    weeks_53 = calendar[calendar["week"] == 53]
    if weeks_53.empty:
        return None
    labels = ", ".join(f"{year}-W53" for year in sorted(set(weeks_53["year"].astype(int))))
    return (
        f"the series holds ISO week 53 ({labels}); the season is {season_length} periods (364 days), so after "
        "a week 53 each week is compared with the week one number later a year before"
    )
