"""The candidate models of the forecaster, as statsforecast builds them, and which are tried for a season.

Candidates are seasonal naive, AutoETS, AutoARIMA and AutoTheta (:data:`MODELS`). A season longer than
:data:`LONG_SEASON` periods (52 weeks, 26 fortnights) replaces AutoARIMA by ``mstl``: the seasonal part is taken off
by STL (MSTL at that season) and a non-seasonal AutoARIMA forecasts the rest; the seasonal part is carried on.
AutoARIMA's seasonal order search at season 52 fits models with lags of 52 and more: a 520-week forecast took 342 s
with it and 4.8 s with ``mstl`` (``benchmarks/logistics_forecast_weekly.py``, 2 loaded cores), at holdout MASE 0.804
and 0.827; over its three generated series the mean holdout MASE is 0.755 before and 0.761 after. ``arima`` may
still be asked for by name at any season.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from ..errors import InputError
from .frequency import Frequency

MODELS = ("seasonal_naive", "ets", "arima", "theta")
"""Candidate model names, simplest first (ties go to the simpler)."""

LONG_SEASON = 24
"""Longest season at which AutoARIMA is a default candidate (24: two years of months, four weeks of 6 days)."""

LONG_SEASON_MODELS = ("seasonal_naive", "ets", "mstl", "theta")
"""Candidates at a season longer than :data:`LONG_SEASON`: ``mstl`` in place of ``arima``."""

KNOWN = (*MODELS, "mstl")
"""Every model name :func:`make_models` builds."""


def candidates(season_length: int) -> tuple[str, ...]:
    """The default candidates at ``season_length``: :data:`MODELS`, or :data:`LONG_SEASON_MODELS` past 24."""
    return LONG_SEASON_MODELS if season_length > LONG_SEASON else MODELS


@contextmanager
def quiet() -> Iterator[None]:
    """Silence the convergence warnings of ARIMA's order search, so results do not depend on warning filters."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def as_pandas(frame: Any) -> pd.DataFrame:
    """The answer of statsforecast as a pandas frame (it returns the type of its input; the input is pandas)."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame from statsforecast, got {type(frame).__name__}")
    return frame


def make_models(names: tuple[str, ...], season_length: int) -> list[Any]:
    """The statsforecast models of ``names`` at ``season_length``, each aliased by its name.

    Raises
    ------
    InputError
        A name that is none of :data:`KNOWN`.
    """
    from statsforecast.models import MSTL, AutoARIMA, AutoETS, AutoTheta, SeasonalNaive

    make = {
        "seasonal_naive": lambda: SeasonalNaive(season_length=season_length, alias="seasonal_naive"),
        "ets": lambda: AutoETS(season_length=season_length, alias="ets"),
        "arima": lambda: AutoARIMA(season_length=season_length, approximation=True, alias="arima"),
        "theta": lambda: AutoTheta(season_length=season_length, alias="theta"),
        "mstl": lambda: MSTL(
            season_length=season_length, trend_forecaster=AutoARIMA(approximation=True), alias="mstl"
        ),
    }
    unknown = [n for n in names if n not in make]
    if unknown:
        raise InputError(f"models: unknown model {unknown[0]!r} (expected {', '.join(KNOWN)})")
    return [make[n]() for n in names]


def statsforecast_freq(frequency: Frequency) -> Any:
    """The frequency as statsforecast takes it: an alias, or a custom business day.

    statsforecast types ``freq`` as ``str | int`` but hands it to pandas, which steps by an offset too (checked in
    ``tests/logistics/test_forecast_work_weeks.py``).
    """
    return frequency.offset
