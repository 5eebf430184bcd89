"""Forecast benchmark: our backtest-selected, calibrated forecast against statsforecast's plain AutoETS and a
seasonal naive, on the Port of Vancouver monthly series with the last 12 months held out (or summed by quarter,
the last 8 quarters held out; by year, the last 2 years).

Data: ``shared/data/logistics/forecast/port_of_vancouver_monthly_2008-2023.csv`` (xiyang-zhang/Container_Forecast,
MIT, from the port authority's statistics). MASE = holdout MAE / in-sample seasonal-naive MAE of the training part
(Hyndman & Koehler 2006); coverage = share of held-out periods inside the 90 % interval.

    .venv/bin/python benchmarks/logistics_forecast.py               # TEU total only
    .venv/bin/python benchmarks/logistics_forecast.py --all         # every TEU and box column
    .venv/bin/python benchmarks/logistics_forecast.py --by quarter  # quarterly sums (also: year)
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from gwangyang.logistics.forecast import frequency_for, holdout_evaluation, load_series, seasonal_naive_scale
from gwangyang.logistics.forecast_models import statsforecast_freq

SERIES = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "data"
    / "logistics"
    / "forecast"
    / "port_of_vancouver_monthly_2008-2023.csv"
)
HOLDOUT = {"month": 12, "quarter": 8, "year": 2}
"""Periods held out per aggregation."""
LEVEL = 90


def aggregate(series: pd.DataFrame, by: str) -> pd.DataFrame:
    """The monthly series as it is, or summed by quarter or by year (first month of each as its date)."""
    if by == "month":
        return series
    period = series["ds"].dt.to_period("Q" if by == "quarter" else "Y")
    sums = series.groupby(period)["y"].sum()
    return pd.DataFrame({"ds": pd.PeriodIndex(sums.index).to_timestamp(), "y": sums.to_numpy()})


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
        fc = StatsForecast(models=[candidate], freq=statsforecast_freq(frequency)).forecast(
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
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--all", action="store_true", help="every TEU and container-count column")
    parser.add_argument(
        "--by", choices=tuple(HOLDOUT), default="month", help="sum the months by quarter or year"
    )
    args = parser.parse_args()
    holdout = HOLDOUT[args.by]
    columns = (
        [c for c in pd.read_csv(SERIES, nrows=1).columns if "COUNT" in c]
        if args.all
        else ["TEU COUNT_Total_Total"]
    )
    print(f"holdout {holdout} {args.by}s, {LEVEL} % intervals; MASE (lower is better) | coverage | seconds")
    print(f"{'series':34} {'ours model':>10} {'ours':>22} {'AutoETS':>22} {'seasonal naive':>22}")
    rows = []
    for column in columns:
        series = aggregate(load_series(SERIES, "ds", column), args.by)
        start = time.perf_counter()
        ours = holdout_evaluation(series, holdout, LEVEL)
        ours_s = time.perf_counter() - start
        ets, naive = plain(series, "ets", holdout), plain(series, "naive", holdout)
        rows.append((ours["mase"], ets[0], naive[0], ours["coverage"], ets[1], naive[1]))
        print(
            f"{column:34} {ours['model']:>10} {ours['mase']:8.3f} {ours['coverage']:6.0%} {ours_s:6.1f} "
            f"{ets[0]:8.3f} {ets[1]:6.0%} {ets[2]:6.1f} {naive[0]:8.3f} {naive[1]:6.0%} {naive[2]:6.1f}",
            flush=True,
        )
    mean = np.mean(np.array(rows), axis=0)
    print(
        f"{'mean':34} {'':>10} {mean[0]:8.3f} {mean[3]:6.0%} {'':>6} {mean[1]:8.3f} {mean[4]:6.0%} {'':>6} "
        f"{mean[2]:8.3f} {mean[5]:6.0%}"
    )
    print(f"MASE ratio ours / AutoETS {mean[0] / mean[1]:.3f}; ours / seasonal naive {mean[0] / mean[2]:.3f}")


if __name__ == "__main__":
    main()
