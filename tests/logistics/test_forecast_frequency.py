"""Series other than monthly: the frequency comes from the dates and sets the season, horizon and backtest history.

The quarterly and yearly series are the Port of Vancouver's monthly TEU summed by quarter and by year (a real
series); the seasonal-naive backtest is recomputed by hand with numpy. The weekly and daily series are generated
with a known cycle, which seasonal naive forecasts exactly.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.logistics.forecast import backtest, forecast, holdout_evaluation, load_series

from .test_forecast import SERIES, TARGET

DATE, VALUE = "기간", "물동량(TEU)"


@pytest.fixture(scope="module")
def quarterly() -> pd.DataFrame:
    teu = load_series(SERIES, "ds", TARGET)
    sums = teu.groupby(teu["ds"].dt.to_period("Q"))["y"].sum()
    return pd.DataFrame({"ds": pd.PeriodIndex(sums.index).to_timestamp(), "y": sums.to_numpy()})


@pytest.fixture(scope="module")
def yearly() -> pd.DataFrame:
    teu = load_series(SERIES, "ds", TARGET)
    sums = teu.groupby(teu["ds"].dt.year)["y"].sum()
    return pd.DataFrame({"year": sums.index.astype(int), "teu": sums.to_numpy()})


def test_quarterly_backtest_seasonal_naive_by_hand(quarterly: pd.DataFrame) -> None:
    # 64 quarters, 2008Q1 .. 2023Q4; default horizon 8 quarters, 3 windows: origins after quarters 40, 48 and 56.
    cv, mase, scale = backtest(quarterly, horizon=8, n_windows=3, models=("seasonal_naive",))
    y = quarterly["y"].to_numpy()
    errors = []
    for cutoff in (39, 47, 55):
        last_year = y[cutoff - 3 : cutoff + 1]  # the four quarters up to the origin, repeated twice
        errors.extend(np.abs(y[cutoff + 1 : cutoff + 9] - np.tile(last_year, 2)))
    first = y[:40]
    assert scale == pytest.approx(np.mean(np.abs(first[4:] - first[:-4])), rel=1e-12)
    assert mase["seasonal_naive"] == pytest.approx(np.mean(errors) / scale, rel=1e-12)
    assert mase["seasonal_naive"] == pytest.approx(1.4165, abs=5e-5)  # measured: the hand value above
    assert len(cv) == 24


def test_quarterly_forecast_says_its_frequency(quarterly: pd.DataFrame) -> None:
    result = forecast(quarterly, level=90)
    d = result.to_dict()
    assert d["frequency"] == {"name": "quarterly", "alias": "3MS", "season_length": 4, "unit": "quarter"}
    assert d["backtest"]["horizon"] == 8 and d["backtest"]["points"] == 24  # 8 quarters by default, 3 windows
    assert [f["ds"] for f in d["forecast"]] == [
        f"{y}-{m:02d}-01" for y in (2024, 2025) for m in (1, 4, 7, 10)
    ]
    # Measured: theta wins (MASE 1.118 against seasonal naive's 1.417), 21 of 24 backtest points covered.
    assert result.model == "theta"
    assert d["backtest"]["mase"] == pytest.approx(1.1178, abs=5e-4)
    assert d["backtest"]["mase"] < d["backtest"]["models"]["seasonal_naive"]
    assert d["backtest"]["coverage"] == pytest.approx(21 / 24)
    assert result.summary().startswith("quarterly series (season 4), 8 quarters ahead; model theta")


def test_yearly_sums_with_years_as_numbers(tmp_path: Path, yearly: pd.DataFrame) -> None:
    # Years written as 2008 .. 2023 (whole numbers): read as years; season 1, so seasonal naive is the naive
    # forecast (last year again), its MASE worked by hand.
    path = tmp_path / "연간.csv"
    yearly.rename(columns={"year": "연도", "teu": VALUE}).to_csv(path, index=False)
    series = load_series(path, "연도", VALUE)
    assert f"{series['ds'].iloc[0]:%Y-%m-%d}" == "2008-01-01" and len(series) == 16
    _, mase, scale = backtest(series, horizon=2, n_windows=3, models=("seasonal_naive",))
    y = series["y"].to_numpy()
    errors = [abs(y[c + k] - y[c]) for c in (9, 11, 13) for k in (1, 2)]
    assert scale == pytest.approx(np.mean(np.abs(np.diff(y[:10]))), rel=1e-12)
    assert mase["seasonal_naive"] == pytest.approx(np.mean(errors) / scale, rel=1e-12)
    with pytest.raises(
        InputError, match=re.escape("16 years is too short for 3 backtest windows of 3 years")
    ):
        forecast(series)  # default horizon 3 years: 3 x 3 + 8 years of history = 17 > 16
    result = forecast(series, horizon=2)
    assert [f"{d:%Y}" for d in result.forecast["ds"]] == ["2024", "2025"]
    assert result.to_dict()["frequency"]["season_length"] == 1


def test_weekly_pattern_forecast_exactly(tmp_path: Path) -> None:
    # A 52-week cycle repeated four times on Wednesdays: seasonal naive (season 52) forecasts the next 13 weeks as
    # the same weeks a year before, exactly; weeks stay anchored on Wednesday.
    pattern = 1_000 + 300 * np.sin(np.arange(52) * 2 * np.pi / 52) + 40 * (np.arange(52) % 3)
    ds = pd.date_range("2019-01-02", periods=208, freq="W-WED")
    path = tmp_path / "주간.csv"
    pd.DataFrame({DATE: ds.strftime("%Y-%m-%d"), VALUE: np.tile(pattern, 4)}).to_csv(path, index=False)
    result = forecast(load_series(path, DATE, VALUE), models=("seasonal_naive", "ets"))
    assert result.to_dict()["frequency"] == {
        "name": "weekly",
        "alias": "W-WED",
        "season_length": 52,
        "unit": "week",
    }
    assert result.backtest["models"]["seasonal_naive"] == pytest.approx(0.0, abs=1e-9)
    assert list(result.forecast["ds"]) == list(pd.date_range(ds[-1], periods=14, freq="W-WED")[1:])
    assert result.forecast["mean"].to_numpy() == pytest.approx(pattern[:13], rel=1e-9)


def test_daily_series_with_a_weekly_cycle() -> None:
    # Ten weeks of a Monday-to-Sunday cycle: the default 14 days ahead are two more weeks of it.
    cycle = np.array([520.0, 610, 580, 600, 700, 240, 90])
    ds = pd.date_range("2024-01-01", periods=70, freq="D")  # a Monday
    result = forecast(pd.DataFrame({"ds": ds, "y": np.tile(cycle, 10)}))
    d = result.to_dict()
    assert d["frequency"] == {"name": "daily", "alias": "D", "season_length": 7, "unit": "day"}
    assert d["backtest"]["horizon"] == 14 and d["backtest"]["models"]["seasonal_naive"] == pytest.approx(
        0, abs=1e-9
    )
    assert d["forecast"][0]["ds"] == "2024-03-11" and len(d["forecast"]) == 14
    np.testing.assert_allclose([f["mean"] for f in d["forecast"]], np.tile(cycle, 2), rtol=1e-9)
    # Too short: 6 weeks hold 3 windows of 14 days (42) but not the 14 days of history before them.
    with pytest.raises(
        InputError, match=re.escape("42 days is too short for 3 backtest windows of 14 days plus 14")
    ):
        forecast(pd.DataFrame({"ds": ds[:42], "y": np.tile(cycle, 6)}))


def test_holdout_counts_periods_of_the_frequency(quarterly: pd.DataFrame) -> None:
    report = holdout_evaluation(quarterly, level=90)  # default: the last 8 quarters held out
    y = quarterly["y"].to_numpy()
    train, test = y[:-8], y[-8:]
    scale = np.mean(np.abs(train[4:] - train[:-4]))
    assert report["seasonal_naive_mase"] == pytest.approx(
        np.mean(np.abs(test - np.tile(train[-4:], 2))) / scale
    )
    assert report["frequency"]["name"] == "quarterly"


def test_cli_quarterly_json_and_summary(
    tmp_path: Path, quarterly: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "분기.csv"
    quarterly.rename(columns={"ds": DATE, "y": VALUE}).to_csv(path, index=False)
    args = ["forecast", str(path), "--date-column", DATE, "--target", VALUE, "--horizon", "4"]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["frequency"]["name"] == "quarterly" and doc["series"] == VALUE
    assert [f["ds"] for f in doc["forecast"]] == ["2024-01-01", "2024-04-01", "2024-07-01", "2024-10-01"]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "quarterly series (season 4), 4 quarters ahead" in err
