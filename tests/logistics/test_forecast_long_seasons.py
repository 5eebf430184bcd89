"""Long seasons (52 weeks, 26 fortnights): MSTL takes AutoARIMA's place among the default candidates.

The accuracy check is against the generating function: a noise-free weekly series (a fixed 52-week pattern on a
straight line) must be continued as that pattern on that line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsforecast.models import MSTL, AutoARIMA

from gwangyang.errors import InputError
from gwangyang.logistics.forecast import forecast, smape
from gwangyang.logistics.forecast_models import LONG_SEASON_MODELS, MODELS, candidates, make_models

N, AHEAD = 156, 13


def pattern(length: int) -> np.ndarray:
    """A 52-week pattern of two harmonics on 1,000 + 2 a week, ``length`` weeks."""
    week = np.arange(length) % 52
    return (
        1_000
        + 2.0 * np.arange(length)
        + 200 * np.sin(week * 2 * np.pi / 52)
        + 80 * np.cos(week * 4 * np.pi / 52)
    )


def test_candidates_by_season() -> None:
    assert candidates(12) == MODELS == ("seasonal_naive", "ets", "arima", "theta")
    assert candidates(24) == MODELS and candidates(7) == MODELS
    assert (
        candidates(52) == candidates(26) == LONG_SEASON_MODELS == ("seasonal_naive", "ets", "mstl", "theta")
    )
    mstl, arima = make_models(("mstl", "arima"), 52)
    assert isinstance(mstl, MSTL) and isinstance(
        arima, AutoARIMA
    )  # arima by name stays AutoARIMA at any season
    with pytest.raises(
        InputError, match="unknown model 'prophet' \\(expected seasonal_naive, ets, arima, theta, mstl\\)"
    ):
        make_models(("prophet",), 52)


def test_mstl_continues_a_known_weekly_pattern() -> None:
    y = pattern(N + AHEAD)
    ds = pd.date_range("2021-01-04", periods=N, freq="W-MON")
    result = forecast(pd.DataFrame({"ds": ds, "y": y[:N]}), horizon=AHEAD, n_windows=2, models=("mstl",))
    assert result.model == "mstl"
    # the truth continues the line and the pattern: within 0.5 of values near 1,300 (seasonal range 480)
    assert np.max(np.abs(result.forecast["mean"].to_numpy() - y[N:])) < 0.5


def test_weekly_default_candidates_hold_mstl_not_arima() -> None:
    rng = np.random.default_rng(4)
    ds = pd.date_range("2021-01-04", periods=N, freq="W-MON")
    series = pd.DataFrame({"ds": ds, "y": pattern(N) + rng.normal(0, 10, N)})
    result = forecast(series, horizon=AHEAD, n_windows=2)
    assert set(result.backtest["models"]) == set(LONG_SEASON_MODELS)


def test_smape_by_hand() -> None:
    truth, guess = np.array([100.0, 200.0, 0.0]), np.array([110.0, 180.0, 0.0])
    hand = 100 * (20 / 210 + 40 / 380 + 0) / 3
    assert smape(truth, guess) == pytest.approx(hand, rel=1e-12)


@pytest.mark.parametrize(("n", "freq", "season", "horizon"), [(143, "W-MON", 52, 13), (70, "2W-MON", 26, 6)])
def test_shortest_long_season_series_backtest_mstl(n: int, freq: str, season: int, horizon: int) -> None:
    """The shortest series the backtest takes (3 windows + two seasons) leaves STL two whole seasons at the first
    origin; seasonal naive's MASE is recomputed by hand to show the windows are the documented ones."""
    rng = np.random.default_rng(8)
    y = 500 + 50 * np.sin(np.arange(n) * 2 * np.pi / season) + rng.normal(0, 5, n)
    series = pd.DataFrame({"ds": pd.date_range("2021-01-04", periods=n, freq=freq), "y": y})
    result = forecast(series)
    mase = result.backtest["models"]
    assert set(mase) == set(LONG_SEASON_MODELS) and np.isfinite(list(mase.values())).all()
    cutoffs = [n - horizon * (3 - w) - 1 for w in range(3)]
    errors = [abs(y[c + 1 + k] - y[c - season + 1 + k % season]) for c in cutoffs for k in range(horizon)]
    first = y[: cutoffs[0] + 1]
    assert cutoffs[0] + 1 == 2 * season
    assert mase["seasonal_naive"] == pytest.approx(
        np.mean(errors) / np.mean(np.abs(first[season:] - first[:-season])), rel=1e-12
    )
