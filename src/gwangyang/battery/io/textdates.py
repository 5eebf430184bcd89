"""Wall-clock dates in cycler text exports: the forms vendors' software writes, and picking the one that reads.

Every helper returns NaT where a value is no date of a known form (and :func:`unread_dates` says how many and
which), never a pandas exception.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

_MERIDIEM = {"오전": "AM", "오후": "PM", "上午": "AM", "下午": "PM", "午前": "AM", "午後": "PM"}
"""Korean, Chinese and Japanese Windows locales write AM/PM in their own words."""

FALLBACK_DATETIME_FORMATS: tuple[str, ...] = (
    "ISO8601",
    "%Y-%m-%d %p %I:%M:%S",
    "%Y-%m-%d %p %I:%M:%S.%f",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %I:%M:%S.%f %p",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S.%f",
    "%Y/%m/%d %p %I:%M:%S",
    "%Y.%m.%d %H:%M:%S",
    "%Y. %m. %d. %p %I:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S.%f",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M:%S.%f %p",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S.%f",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M:%S.%f",
    "%d-%b-%y %I:%M:%S %p",
    "%d-%b-%Y %H:%M:%S",
)
"""Date-time forms cyclers write on other locales, tried after a reader's own formats; each must
read every value still unread (all or none), so that day and month are never mixed up."""


def _to_datetime(text: pd.Series, fmt: str) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = pd.to_datetime(text, format=fmt, errors="coerce", utc=True)
        except (ValueError, OverflowError):
            return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    return found.dt.tz_localize(None).astype("datetime64[ns]")


def english_meridiem(text: pd.Series) -> pd.Series:
    """Date texts with the Korean, Chinese and Japanese words for AM/PM (``오전``/``오후``) in English."""
    for word, english in _MERIDIEM.items():
        text = text.str.replace(word, english, regex=False)
    return text


def best_reading(text: pd.Series, formats: tuple[str, ...]) -> pd.Series | None:
    """The reading of date texts (in file order) by the form that reads them all; None when none does.

    Where several forms read every value (``05/06/2021`` is May or June), the one whose times
    never go back and span the least time wins: a cycler logs forward, and reading day for month
    makes jumps of a month.
    """
    best: pd.Series | None = None
    best_key: tuple[bool, float] | None = None
    for fmt in formats:
        found = _to_datetime(text, fmt)
        if not found.notna().all():
            continue
        values = found.to_numpy(dtype="datetime64[ns]").astype("int64")
        key = (bool((np.diff(values) < 0).any()), float(values.max() - values.min()) if len(values) else 0.0)
        if best_key is None or key < best_key:
            best, best_key = found, key
    return best


def parse_datetime(series: pd.Series, formats: tuple[str, ...] = ()) -> np.ndarray:
    """Naive ``datetime64[ns]`` from text; each format is tried on the values still unparsed.

    After ``formats`` (default ISO 8601), the forms of :data:`FALLBACK_DATETIME_FORMATS` are
    tried on the values left, as :func:`best_reading` chooses; Korean, Chinese and Japanese AM/PM words
    (``오전``/``오후``) are read as AM/PM. Zone-aware stamps are converted to UTC; text that fits
    nothing becomes NaT (see :func:`unread_dates`). Each distinct value is parsed once (cycler
    stamps repeat many times at one-second resolution).
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    text = pd.Series(uniques).astype(str).str.strip().str.strip('"')
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for fmt in formats or ("ISO8601",):
        missing = parsed.isna().to_numpy()
        if not missing.any():
            break
        parsed[missing] = _to_datetime(text[missing], fmt)
    missing = (parsed.isna() & (text != "") & (text.str.lower() != "nan")).to_numpy()
    if missing.any():
        left = english_meridiem(text[missing])
        found = best_reading(left, FALLBACK_DATETIME_FORMATS)
        if found is not None:
            parsed[missing] = found.to_numpy()
    values = parsed.to_numpy(dtype="datetime64[ns]")
    out = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
    present = codes >= 0
    out[present] = values[codes[present]]
    return out


def parse_stamp(text: str | None, formats: tuple[str, ...] = ()) -> pd.Timestamp | None:
    """One date-time from a metadata field (as :func:`parse_datetime` reads a column); None when it is none."""
    if not text or not text.strip():
        return None
    value = parse_datetime(pd.Series([text]), formats)[0]
    return None if np.isnat(value) else pd.Timestamp(value)


def unread_dates(series: pd.Series, parsed: np.ndarray) -> tuple[int, str] | None:
    """How many non-blank values of a date column did not parse, and the first of them; None if all did."""
    if not np.isnat(parsed).any():
        return None
    text = series.astype(str).str.strip().str.strip('"')
    blank = series.isna().to_numpy() | (text == "").to_numpy() | (text.str.lower() == "nan").to_numpy()
    bad = np.isnat(parsed) & ~blank
    if not bad.any():
        return None
    return int(bad.sum()), str(text.iloc[int(np.flatnonzero(bad)[0])])
