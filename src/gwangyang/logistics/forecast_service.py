"""The logistics forecast use case, once: a series (shipped, a table file or a request's rows), its forecast, its CSV.

:func:`forecast_series` returns the document the CLI prints with ``gwangyang forecast --json``, the API returns
as a forecast job's result and the forecast page shows: the forecast view (the forecast with its history). The
routing use cases and the latest views kept in the store are :mod:`gwangyang.logistics.service`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..files import atomic_write, jsonable


def sample_series() -> tuple[Any, str, str]:
    """The shipped monthly TEU series, its name and its source."""
    from ..samples import LOGISTICS_SOURCE, LOGISTICS_TARGET, logistics_series
    from .forecast import load_series

    return load_series(logistics_series(), "ds", LOGISTICS_TARGET), LOGISTICS_TARGET, LOGISTICS_SOURCE


FORECAST_SUFFIXES = (".csv", ".txt", ".parquet")
"""Table files a forecast reads (a CSV in UTF-8, or Parquet)."""


def series_from_file(
    path: Path, date_column: str | None, target: str | None, working_days: tuple[int, ...] | None = None
) -> tuple[Any, str]:
    """A series from a CSV or Parquet table and its name (the target column).

    ``date_column`` and ``target`` None (or empty) are the table's two columns, first the dates; a table of more
    columns must name them. ``working_days`` (0 Monday .. 6 Sunday; :func:`.weekdays.parse_working_days` reads
    them from ``Mon-Sat`` or ``월~토``) declares a daily series' working weekdays; None reads them from the dates.
    """
    from .forecast import load_series
    from .forecast_input import two_columns

    if not date_column or not target:
        first, second = two_columns(path)
        date_column, target = date_column or first, target or second
    return load_series(path, date_column, target, working_days), target


def working_days(value: str | Sequence[str], where: str = "working_days") -> tuple[int, ...]:
    """The working weekdays (0 Monday .. 6 Sunday) named in English or Korean: ``Mon-Sat``, ``월~토``, ``["월", "Tue"]``.

    See :func:`gwangyang.logistics.weekdays.parse_working_days`; a word that is no weekday is refused naming it.
    """
    from .weekdays import parse_working_days

    return parse_working_days(value, where)


def series_from_rows(
    rows: Sequence[tuple[str, float]], name: str, working_days: tuple[int, ...] | None = None
) -> Any:
    """A series from ``(date, value)`` rows of a request, of any frequency :mod:`.frequency` recognises."""
    from .forecast_input import rows_to_series

    return rows_to_series(rows, "series", working_days)


def series_frequency(series: Any) -> Any:
    """The :class:`~gwangyang.logistics.frequency.Frequency` of a checked series (recognised from its dates)."""
    from .forecast import frequency_for

    return frequency_for(series)


def check_series_length(series: Any, horizon: int | None, windows: int) -> None:
    """Refuse a series too short for ``windows`` backtest windows of ``horizon`` periods plus two seasons.

    ``horizon`` None is the frequency's default (12 months, 8 quarters, 13 weeks, 14 days...).
    """
    from .forecast import check_length, frequency_for

    frequency = frequency_for(series)
    check_length(len(series), frequency, frequency.horizon if horizon is None else horizon, windows)


def forecast_series(
    series: Any, name: str, source: str, horizon: int | None = None, level: int = 90, windows: int = 3
) -> tuple[dict[str, Any], Any]:
    """Forecast a series: model chosen by rolling-origin backtest (MASE), intervals checked for coverage.

    The series may be of any frequency :mod:`gwangyang.logistics.frequency` recognises; ``horizon`` counts its
    periods (None: the frequency's default).

    Returns
    -------
    (dict, ForecastResult)
        The forecast view (``model``, ``level``, ``forecast``, ``backtest``, ``frequency``, ``history``,
        ``series``, ``source``) and the result (for plots).
    """
    from .forecast import forecast
    from .views import forecast_view

    result = forecast(series, horizon=horizon, level=level, n_windows=windows)
    view: dict[str, Any] = jsonable(forecast_view(result, name, source))
    return view, result


def forecast_file(
    path: Path,
    date_column: str,
    target: str,
    horizon: int | None = None,
    level: int = 90,
    windows: int = 3,
    working_days: tuple[int, ...] | None = None,
) -> tuple[dict[str, Any], Any]:
    """:func:`forecast_series` of a column of a CSV or Parquet table with one row per period.

    ``working_days`` as for :func:`series_from_file`.
    """
    series, _ = series_from_file(path, date_column, target, working_days)
    try:
        return forecast_series(series, target, path.name, horizon, level, windows)
    except InputError as exc:  # the forecaster names the request's "series"; a file's refusal names the file
        message = str(exc)
        if not message.startswith("series: "):
            raise
        raise InputError(f"{path}: {message.removeprefix('series: ')}") from exc


def forecast_csv(view: dict[str, Any]) -> bytes:
    """A forecast view's periods ahead as a CSV file's bytes: ``period,ds,mean,lo,hi``, UTF-8 without BOM, LF.

    The one CSV of a forecast: ``gwangyang forecast --csv`` writes it, ``GET /logistics/forecast/{job}/csv`` answers it.
    """
    from .views import forecast_csv as text

    return text(view).encode("utf-8")


def write_forecast_csv(view: dict[str, Any], path: Path) -> None:
    """:func:`forecast_csv` written to ``path`` whole or not at all."""
    atomic_write(path, forecast_csv(view))


def plot_forecast(result: Any, path: Path, title: str = "") -> None:
    """History, forecast and interval, as a PNG."""
    from .forecast import plot_forecast as draw

    draw(result, path, title=title)
