"""Forecast benchmark for business-day, fortnightly and ISO-week series: ours against plain AutoETS and seasonal naive.

The series are generated (seeded), as terminal gate and plant demand data come: a business-day gate count with a
working-week cycle, a slow trend and Korean holidays missing (filled by the forecaster, named in a note); a
fortnightly plant demand with a yearly cycle; ISO-week labels (``2020-W53`` included) of a weekly volume. The last
default horizon of each is held out (10 business days, 6 fortnights, 13 weeks). MASE = holdout MAE / in-sample
seasonal-naive MAE of the training part; coverage = share of held-out periods inside the 90 % interval.

    .venv/bin/python benchmarks/logistics_forecast_calendars.py
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from gwangyang.logistics.forecast import frequency_for, holdout_evaluation, seasonal_naive_scale
from gwangyang.logistics.forecast_input import rows_to_series, validate_series

LEVEL = 90
HOLIDAYS = [
    "2023-01-23",
    "2023-01-24",
    "2023-03-01",
    "2023-05-01",
    "2023-05-05",
    "2023-05-29",
    "2023-06-06",
    "2023-08-15",
    "2023-09-28",
    "2023-09-29",
    "2023-10-02",
    "2023-10-03",
    "2023-10-09",
    "2023-12-25",
    "2024-01-01",
    "2024-02-09",
    "2024-02-12",
    "2024-03-01",
    "2024-04-10",
    "2024-05-01",
    "2024-05-06",
    "2024-05-15",
    "2024-06-06",
    "2024-08-15",
    "2024-09-16",
    "2024-09-17",
    "2024-09-18",
    "2024-10-03",
    "2024-10-09",
    "2024-12-25",
]
"""Weekday public holidays of Korea in 2023-2024 (with substitute days), and May Day."""


def gate_business_days(rng: np.random.Generator) -> pd.DataFrame:
    """Two years of business days from 2023-01-02, holidays missing: working-week cycle, trend, noise."""
    ds = pd.bdate_range("2023-01-02", "2024-12-31")
    cycle = np.array([1_250.0, 1_410, 1_380, 1_440, 1_120])
    y = cycle[ds.weekday] * (1 + 0.1 * np.arange(len(ds)) / len(ds)) + rng.normal(0, 45, len(ds))
    keep = ~ds.isin(pd.to_datetime(HOLIDAYS))
    return validate_series(pd.DataFrame({"ds": ds[keep], "y": y[keep]}), "gate")


def demand_fortnights(rng: np.random.Generator) -> pd.DataFrame:
    """Five years of fortnights on Wednesdays: a yearly cycle and noise."""
    ds = pd.date_range("2019-01-02", periods=130, freq="2W-WED")
    phase = np.arange(130) * 2 * np.pi / 26
    return pd.DataFrame({"ds": ds, "y": 800 + 150 * np.sin(phase) + rng.normal(0, 25, 130)})


def iso_weeks(rng: np.random.Generator) -> pd.DataFrame:
    """Four years of ISO weeks from 2019-W01, as labels: a yearly cycle by week number and noise."""
    mondays = pd.date_range("2018-12-31", periods=209, freq="W-MON")
    rows = []
    for d in mondays:
        year, week, _ = d.isocalendar()
        rows.append((f"{year}-W{week:02d}", 500 + 80 * np.cos(week * 2 * np.pi / 52) + rng.normal(0, 15)))
    return rows_to_series(rows, "iso weeks")


def plain(series: pd.DataFrame, model: str, holdout: int) -> tuple[float, float, float]:
    """MASE, coverage and seconds of statsforecast's AutoETS or SeasonalNaive fitted on the training part."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, SeasonalNaive

    frequency = frequency_for(series)
    season = frequency.season_length
    train, test = series.iloc[:-holdout][["ds", "y"]], series["y"].to_numpy()[-holdout:]
    start = time.perf_counter()
    candidate = (
        AutoETS(season_length=season, alias="m")
        if model == "ets"
        else SeasonalNaive(season_length=season, alias="m")
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = StatsForecast(models=[candidate], freq=frequency.alias).forecast(
            df=train.assign(unique_id="s"), h=holdout, level=[LEVEL]
        )
    seconds = time.perf_counter() - start
    scale = seasonal_naive_scale(train["y"].to_numpy(), season)
    mase = float(np.mean(np.abs(test - fc["m"].to_numpy()))) / scale
    coverage = float(
        ((test >= fc[f"m-lo-{LEVEL}"].to_numpy()) & (test <= fc[f"m-hi-{LEVEL}"].to_numpy())).mean()
    )
    return mase, coverage, seconds


def main() -> None:
    rng = np.random.default_rng(2024)
    print(f"{LEVEL} % intervals, last default horizon held out; MASE | coverage | seconds")
    print(f"{'series':40} {'ours model':>10} {'ours':>22} {'AutoETS':>22} {'seasonal naive':>22}")
    for name, series in (
        ("gate, business days", gate_business_days(rng)),
        ("demand, fortnights", demand_fortnights(rng)),
        ("volume, ISO weeks", iso_weeks(rng)),
    ):
        f = frequency_for(series)
        start = time.perf_counter()
        ours = holdout_evaluation(series, None, LEVEL)
        ours_s = time.perf_counter() - start
        ets, naive = plain(series, "ets", f.horizon), plain(series, "naive", f.horizon)
        label = f"{name} ({len(series)} {f.units})"
        print(
            f"{label:40} {ours['model']:>10} {ours['mase']:8.3f} {ours['coverage']:6.0%} {ours_s:6.1f} "
            f"{ets[0]:8.3f} {ets[1]:6.0%} {ets[2]:6.1f} {naive[0]:8.3f} {naive[1]:6.0%} {naive[2]:6.1f}",
            flush=True,
        )
        for note in ours["notes"]:
            print(f"  note: {note}")


if __name__ == "__main__":
    main()
