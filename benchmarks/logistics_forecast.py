"""Forecast benchmark: our backtest-selected, calibrated forecast against statsforecast's plain AutoETS and a
seasonal naive, on the Port of Vancouver monthly series with the last 12 months held out.

Data: ``shared/data/logistics/forecast/port_of_vancouver_monthly_2008-2023.csv`` (xiyang-zhang/Container_Forecast,
MIT, from the port authority's statistics). MASE = holdout MAE / in-sample seasonal-naive MAE of the training part
(Hyndman & Koehler 2006); coverage = share of held-out months inside the 90 % interval.

    .venv/bin/python benchmarks/logistics_forecast.py               # TEU total only
    .venv/bin/python benchmarks/logistics_forecast.py --all         # every TEU and box column
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from gwangyang.logistics.forecast import holdout_evaluation, load_series, seasonal_naive_scale

SERIES = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "data"
    / "logistics"
    / "forecast"
    / "port_of_vancouver_monthly_2008-2023.csv"
)
HOLDOUT = 12
LEVEL = 90


def plain(series: pd.DataFrame, model: str) -> tuple[float, float, float]:
    """MASE, coverage and seconds of statsforecast's AutoETS or SeasonalNaive fitted on the training part."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, SeasonalNaive

    train, test = series.iloc[:-HOLDOUT], series["y"].to_numpy()[-HOLDOUT:]
    start = time.perf_counter()
    candidate = (
        AutoETS(season_length=12, alias="m") if model == "ets" else SeasonalNaive(season_length=12, alias="m")
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = StatsForecast(models=[candidate], freq="MS").forecast(
            df=train.assign(unique_id="s"), h=HOLDOUT, level=[LEVEL]
        )
    seconds = time.perf_counter() - start
    scale = seasonal_naive_scale(train["y"].to_numpy(), 12)
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
    args = parser.parse_args()
    columns = (
        [c for c in pd.read_csv(SERIES, nrows=1).columns if "COUNT" in c]
        if args.all
        else ["TEU COUNT_Total_Total"]
    )
    print(f"holdout {HOLDOUT} months, {LEVEL} % intervals; MASE (lower is better) | coverage | seconds")
    print(f"{'series':34} {'ours model':>10} {'ours':>22} {'AutoETS':>22} {'seasonal naive':>22}")
    rows = []
    for column in columns:
        series = load_series(SERIES, "ds", column)
        start = time.perf_counter()
        ours = holdout_evaluation(series, HOLDOUT, LEVEL)
        ours_s = time.perf_counter() - start
        ets, naive = plain(series, "ets"), plain(series, "naive")
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
