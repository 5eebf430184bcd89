"""Forecasting on the Port of Vancouver monthly TEU series, with errors re-computed independently."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.errors import InputError
from gwangyang.logistics.forecast import backtest, forecast, holdout_evaluation, load_series

SERIES = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "data"
    / "logistics"
    / "forecast"
    / "port_of_vancouver_monthly_2008-2023.csv"
)
TARGET = "TEU COUNT_Total_Total"


@pytest.fixture(scope="module")
def teu() -> pd.DataFrame:
    return load_series(SERIES, "ds", TARGET)


def test_series_loads(teu: pd.DataFrame) -> None:
    raw = pd.read_csv(SERIES)
    # 16 years x 12 months, January 2008 .. December 2023; first value from the file's first row.
    assert len(teu) == 192
    assert teu["ds"].iloc[0] == pd.Timestamp("2008-01-01") and teu["ds"].iloc[-1] == pd.Timestamp(
        "2023-12-01"
    )
    assert teu["y"].iloc[0] == raw[TARGET].iloc[0] == 185511


def test_holdout_beats_seasonal_naive(teu: pd.DataFrame) -> None:
    report = holdout_evaluation(teu, holdout=12, level=90)
    y = teu["y"].to_numpy()
    train, test = y[:-12], y[-12:]
    # MASE of the seasonal naive forecast of 2023 from 2022, scaled by the in-sample seasonal-naive MAE (Hyndman &
    # Koehler 2006), computed here with plain numpy.
    scale = np.mean(np.abs(train[12:] - train[:-12]))
    naive_mase = np.mean(np.abs(test - train[-12:])) / scale
    assert report["seasonal_naive_mase"] == pytest.approx(naive_mase, rel=1e-12)
    assert report["mase"] < naive_mase
    # 90 % intervals on the 12 held-out months: measured 11 of 12 covered (reported, not tuned to the holdout).
    assert 0.75 <= report["coverage"] <= 1.0


def test_backtest_seasonal_naive_by_hand(teu: pd.DataFrame) -> None:
    cv, mase, scale = backtest(teu, horizon=12, n_windows=3, models=("seasonal_naive",))
    y = teu["y"].to_numpy()
    errors = []
    for cutoff in (
        155,
        167,
        179,
    ):  # indices of Dec 2020, 2021 and 2022: origins of the three 12-month windows
        errors.extend(np.abs(y[cutoff + 1 : cutoff + 13] - y[cutoff - 11 : cutoff + 1]))
    first = y[:156]
    assert scale == pytest.approx(np.mean(np.abs(first[12:] - first[:-12])))
    assert mase["seasonal_naive"] == pytest.approx(np.mean(errors) / scale, rel=1e-12)
    assert len(cv) == 36


def test_forecast_shape_and_intervals(teu: pd.DataFrame) -> None:
    result = forecast(teu.iloc[:-24], horizon=6, level=80, models=("seasonal_naive", "ets"), n_windows=2)
    fc = result.forecast
    assert list(fc["ds"]) == list(pd.date_range("2022-01-01", periods=6, freq="MS"))
    assert (fc["lo"] <= fc["mean"]).all() and (fc["mean"] <= fc["hi"]).all()
    d = result.to_dict()
    assert set(d) >= {"model", "forecast", "backtest"} and set(d["backtest"]) >= {"mase", "coverage"}
    assert d["forecast"][0]["ds"] == "2022-01-01"
    assert result.model in ("seasonal_naive", "ets")
    assert "MASE" in result.summary()


def test_bad_series(tmp_path: Path, teu: pd.DataFrame) -> None:
    path = tmp_path / "s.csv"
    teu.to_csv(path, index=False)
    # the parameter the service names; the CLI says --target
    with pytest.raises(InputError, match="no column 'teu' \\(target\\)"):
        load_series(path, "ds", "teu")
    teu.drop(index=5).to_csv(path, index=False)
    with pytest.raises(InputError, match="consecutive"):
        load_series(path, "ds", "y")
    teu.assign(y=teu["y"].astype(object).where(teu.index != 3, "n/a")).to_csv(path, index=False)
    with pytest.raises(InputError, match="1 missing or non-numeric"):
        load_series(path, "ds", "y")
    pd.concat([teu, teu.iloc[[0]]]).to_csv(path, index=False)
    with pytest.raises(InputError, match="appears twice"):
        load_series(path, "ds", "y")
    with pytest.raises(InputError, match="too short"):
        forecast(teu.iloc[:40], horizon=12)
    with pytest.raises(InputError, match="horizon"):
        forecast(teu, horizon=0)
    with pytest.raises(InputError, match="unknown model"):
        forecast(teu, horizon=3, models=("prophet",))


def test_backtest_coverage_is_judged_out_of_window(teu: pd.DataFrame) -> None:
    models = ("seasonal_naive", "ets")
    series = teu.iloc[:-12]
    result = forecast(series, horizon=6, level=90, models=models, n_windows=3)
    cv, _, _ = backtest(series, horizon=6, level=90, n_windows=3, models=models)
    m = result.model
    y, mean, lo, hi = (cv[c].to_numpy() for c in ("y", m, f"{m}-lo-90", f"{m}-hi-90"))
    # Error over the interval's half-width on its side; a window is covered with the widening (the 90 % quantile
    # of that ratio, at least 1) learnt from the other two windows only.
    ratio = np.abs(y - mean) / np.where(y >= mean, hi - mean, mean - lo)
    cutoffs = cv["cutoff"].to_numpy()
    covered = []
    for cutoff in np.unique(cutoffs):
        others = ratio[cutoffs != cutoff]
        widen = max(1.0, float(np.sort(others)[int(np.ceil(0.9 * (len(others) - 1)))]))  # "higher" quantile
        covered.extend(ratio[cutoffs == cutoff] <= widen)
    assert result.backtest["coverage"] == pytest.approx(np.mean(covered), abs=1e-12)
    assert result.backtest["coverage_uncalibrated"] == pytest.approx(np.mean(ratio <= 1), abs=1e-12)
    assert result.backtest["points"] == 18


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [],
            "series: no rows; expected one row per month, quarter, half-year, year, week, fortnight, day or business day",
        ),
        ([("2024-01", 1.0), ("", 2.0)], "series: row 2 is not a date (empty or NaT)"),
        ([("2024-01", 1.0), ("nat", 2.0)], "series: row 2 is not a date (empty or NaT)"),
        (
            [("0", 1.0), ("1", 2.0)],
            "series: a 'ds' value is not a date (day is out of range for month: 0, at",
        ),
        ([("2024-01", 1.0), ("2024-03", 2.0)], "series: months must be consecutive with no gaps"),
    ],
)
def test_series_rows_without_months_are_refused_in_one_line(
    rows: list[tuple[str, float]], message: str
) -> None:
    # The service's own reader (the API checks each month too, but callers from Python reach this directly):
    # before, [] raised IndexError, a missing month a pandas error, and a mixed spelling a many-line one.
    from gwangyang.logistics.forecast_service import series_from_rows

    with pytest.raises(InputError) as raised:
        series_from_rows(rows, "teu")
    assert str(raised.value).startswith(message)


def test_series_rows_read_as_months() -> None:
    from gwangyang.logistics.forecast_service import series_from_rows

    series = series_from_rows([("2024-02", 2.0), ("2024-01", 1.0), ("2024-03-15", 3.0)], "teu")
    assert [f"{d:%Y-%m-%d}" for d in series["ds"]] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert series["y"].tolist() == [1.0, 2.0, 3.0]
    spelled = series_from_rows([("Jan 2024", 1.0), ("Feb 2024", 2.0)], "teu")  # not ISO: read one by one
    assert [f"{d:%Y-%m}" for d in spelled["ds"]] == ["2024-01", "2024-02"]
