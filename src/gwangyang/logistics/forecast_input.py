"""Reading a series to forecast: a date column and a value column of a CSV or Parquet table, or ``(date, value)`` rows.

The frequency is recognised from the dates (:mod:`gwangyang.logistics.frequency`); every period between the first
and the last must be there once, with a finite value, except holidays of a business-day series, which are filled
and marked (:mod:`gwangyang.logistics.holidays`). ISO week labels (``2024-W01``) are read as their Mondays
(:mod:`gwangyang.logistics.iso_weeks`). Every refusal is one line naming the file and the column.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CorruptFileError, InputError, one_line
from ..files import read_bytes, read_text
from .frequency import WORKING_DAYS, Frequency, frequency_of, periods
from .holidays import fill_business_days
from .iso_weeks import is_iso_week, iso_week_dates

MAX_ABS_VALUE = 1e100
"""Largest magnitude accepted: the models square and sum values, which overflows near 1e154."""

YEARS = (1000, 2999)
"""Whole numbers in this range in a date column are years (``2015``), as yearly figures are usually written."""


def load_series(
    path: str | Path, date_column: str, target: str, working_days: tuple[int, ...] | None = None
) -> pd.DataFrame:
    """Read a series from CSV or Parquet as columns ``ds`` (period start) and ``y``, of the frequency of its dates.

    ``working_days`` (0 Monday .. 6 Sunday) declares a daily series' working weekdays
    (:func:`gwangyang.logistics.frequency.declared`); None reads the calendar from the dates.

    Raises
    ------
    InputError
        A missing, unreadable or folder path (:func:`gwangyang.files.read_bytes`); a missing column, unparsable
        or irregular dates, non-numeric or missing values, a gap in the periods (but holidays among business
        days, which are filled and marked in a boolean ``filled`` column).
    CorruptFileError
        A CSV that is not UTF-8 text (a cp949 export is refused at its first non-UTF-8 byte, not guessed) or not
        CSV; a Parquet file that is not Parquet (truncated, garbage).
    """
    path = Path(path)
    table = _read_table(path)
    for column, role in ((date_column, "date_column"), (target, "target")):
        if column not in table.columns:
            raise InputError(
                f"{path}: no column {column!r} ({role}); columns are {', '.join(map(str, table.columns[:8]))}"
            )
    ds = _dates(table[date_column], f"{path}: column {date_column!r}")
    frequency = frequency_of(ds, f"{path}: column {date_column!r}", working_days)
    y = numbers_with_separators(table[target])
    if y.isna().any():
        first = int(np.flatnonzero(y.isna().to_numpy())[0])
        raise InputError(
            f"{path}: column {target!r} has {int(y.isna().sum())} missing or non-numeric value(s), "
            f"the first in data row {first + 1} ({table[target].iloc[first]!r})"
        )
    series = pd.DataFrame({"ds": periods(ds, frequency).to_numpy(), "y": y.astype(float).to_numpy()})
    return validate_series(
        _declared(series.sort_values("ds", kind="stable"), working_days), str(path), frequency
    )


def _declared(series: pd.DataFrame, working_days: tuple[int, ...] | None) -> pd.DataFrame:
    """``series`` carrying its declared working weekdays in its ``attrs`` (unchanged when None)."""
    if working_days is not None:
        series.attrs[WORKING_DAYS] = tuple(working_days)
    return series


def two_columns(path: str | Path) -> tuple[str, str]:
    """The date and value columns of a table of exactly two columns (for a form that names neither).

    Raises
    ------
    InputError
        A table of other than two columns: the columns must be named (the message lists them).
    """
    path = Path(path)
    columns = [str(c) for c in _read_table(path).columns]
    if len(columns) != 2:
        raise InputError(
            f"{path}: name the date column and the target column; the table has {len(columns)} columns "
            f"({', '.join(columns[:8])}), not two"
        )
    return columns[0], columns[1]


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".parquet":
        from pyarrow.lib import ArrowException

        raw = read_bytes(path, "Parquet table")
        try:
            return pd.read_parquet(io.BytesIO(raw))
        except (ValueError, OSError, ArrowException) as exc:  # read from memory: only the content can fail
            raise CorruptFileError(one_line(f"{path}: not a readable Parquet table ({exc})")) from exc
    text = read_text(path, "CSV table")
    try:
        return pd.read_csv(io.StringIO(text))
    except ValueError as exc:  # pandas' ParserError and EmptyDataError are ValueErrors
        raise CorruptFileError(one_line(f"{path}: not a readable CSV table ({exc})")) from exc


def _dates(raw: pd.Series, where: str) -> pd.Series:
    """A date column as timestamps; whole numbers 1000..2999 as years; other numbers and missing dates refused."""
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        values = raw.dropna()
        if (
            len(values)
            and (values == values.round()).all()
            and values.between(*YEARS).all()
            and raw.notna().all()
        ):
            return pd.Series(pd.to_datetime(raw.astype(int).astype(str), format="%Y"))
        example = values.iloc[0] if len(values) else "nothing"
        raise InputError(
            f"{where} holds numbers (e.g. {example}), not dates; "
            "write the dates as dates (2024-01 or 2024-01-01, a year alone as 2024)"
        )
    if raw.notna().any() and is_iso_week(raw.dropna().iloc[0]):
        return pd.Series(iso_week_dates(list(raw), where))
    try:
        with warnings.catch_warnings():  # pandas' "could not infer format" would print before our message
            warnings.simplefilter("ignore", UserWarning)
            ds = pd.to_datetime(raw)
    except (ValueError, TypeError, OverflowError) as exc:
        raise InputError(f"{where} does not hold dates") from exc
    if ds.isna().any():  # an empty cell, e.g. of a row cut short: not a gap in the periods
        first = int(np.flatnonzero(ds.isna().to_numpy())[0]) + 1
        raise InputError(f"{where} has {int(ds.isna().sum())} missing date(s), the first in data row {first}")
    return pd.Series(ds)


THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
"""A number written with thousands separators, as port statistics often are (``185,511``)."""


def numbers_with_separators(column: pd.Series) -> pd.Series:
    """A column as floats; text like ``185,511`` (commas every three digits) is read as 185511, nothing else changes.

    Cells that are neither numbers nor such text are NaN (the caller names them).
    """
    values = pd.to_numeric(column, errors="coerce")
    if values.isna().any() and column.dtype == object:
        text = column.astype(str).str.strip()
        grouped = text.str.match(THOUSANDS) & values.isna() & column.notna()
        values = values.where(
            ~grouped, pd.to_numeric(text.where(grouped).str.replace(",", ""), errors="coerce")
        )
    return values


def validate_series(
    series: pd.DataFrame, where: str = "series", frequency: Frequency | None = None
) -> pd.DataFrame:
    """Check a ``ds``/``y`` frame: at least one date, every period known, unique and consecutive, finite values.

    ``frequency`` is recognised from ``ds`` when not given. The holidays of a business-day series are filled
    (:func:`gwangyang.logistics.holidays.fill_business_days`, which adds a boolean ``filled`` column). Returns the
    frame with a clean index.
    """
    if len(series) == 0:
        raise InputError(
            f"{where}: no rows; expected one row per month, quarter, half-year, year, week, fortnight, day or "
            "business day"
        )
    missing = series["ds"].isna().to_numpy()
    if missing.any():
        raise InputError(f"{where}: row {int(np.argmax(missing)) + 1} is not a date (empty or NaT)")
    working = series.attrs.get(WORKING_DAYS)
    if frequency is None:
        frequency = frequency_of(series["ds"], f"{where}: 'ds'", working)
    f = frequency
    if series["ds"].duplicated().any():
        raise InputError(
            f"{where}: {f.unit} {f.name_of(series['ds'][series['ds'].duplicated()].iloc[0])} appears twice"
        )
    if f.weekmask:
        series = fill_business_days(series, where, f)
    present = pd.DatetimeIndex(series["ds"])
    expected = pd.date_range(present[0], periods=len(series), freq=f.offset)
    if not (present == expected).all():
        full = pd.date_range(present.min(), present.max(), freq=f.offset)
        absent = full.difference(present)
        detail = (
            f": {f.name_of(absent[0])} is missing ({len(absent)} {f.unit}(s) missing in all)"
            if len(absent) and present.isin(full).all()
            else f" (dates that are not {f.unit} starts)"
        )
        raise InputError(f"{where}: {f.units} must be consecutive with no gaps{detail}")
    values = series["y"].to_numpy()
    if not np.isfinite(values).all():
        raise InputError(f"{where}: values must be finite")
    if len(values) and np.abs(values).max() > MAX_ABS_VALUE:
        raise InputError(
            f"{where}: values must lie within ±{MAX_ABS_VALUE:.0e}, got {np.abs(values).max():.3g} (the models "
            "square them); rescale the series"
        )
    return _declared(series.reset_index(drop=True), working)


def series_frequency(series: pd.DataFrame) -> Frequency:
    """The frequency of a checked ``ds``/``y`` frame (as :func:`validate_series` recognised it, or declared)."""
    return frequency_of(series["ds"], "series: 'ds'", series.attrs.get(WORKING_DAYS))


def rows_to_series(
    rows: Any, where: str = "series", working_days: tuple[int, ...] | None = None
) -> pd.DataFrame:
    """A series from ``(date, value)`` rows (dates as text in any spelling pandas reads, or ISO weeks), checked.

    ``working_days`` as for :func:`load_series`.
    """
    values = [r[0] for r in rows]
    ds = _row_dates(values, where)
    if len(ds) == 0:
        return validate_series(pd.DataFrame({"ds": ds, "y": []}), where)
    if pd.isna(ds).any():
        return validate_series(pd.DataFrame({"ds": ds, "y": [r[1] for r in rows]}), where)
    frequency = frequency_of(ds, f"{where}: 'ds'", working_days)
    frame = pd.DataFrame({"ds": periods(ds, frequency).to_numpy(), "y": [r[1] for r in rows]})
    return validate_series(_declared(frame.sort_values("ds", kind="stable"), working_days), where, frequency)


def _row_dates(values: list[Any], where: str) -> pd.DatetimeIndex:
    """The dates of a request's rows: ISO week labels, or any spelling pandas reads."""
    if values and is_iso_week(values[0]):
        return iso_week_dates(values, f"{where}: 'ds'")
    try:
        return pd.DatetimeIndex(pd.to_datetime(values, format="ISO8601"))  # "2024-01", "2024-01-15" mixed
    except (ValueError, TypeError):
        try:  # other spellings ("Jan 2024", "01/2024"): read one by one; the periods are checked by the caller
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "Could not infer format", UserWarning)
                return pd.DatetimeIndex(pd.to_datetime(values))
        except (ValueError, TypeError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(
                f"{where}: a 'ds' value is not a date ({reason}); expected dates like '2024-01' or '2024-01-15'"
            ) from exc
