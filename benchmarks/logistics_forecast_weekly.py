"""Long weekly series: the forecaster's candidates before (AutoARIMA at season 52) and after (MSTL in its place).

AutoARIMA's seasonal order search at season 52 made a 520-week forecast slow. At a season over 24 the default
candidates now hold ``mstl`` (STL takes the 52-week seasonal part off, a non-seasonal AutoARIMA forecasts the rest)
in place of ``arima`` (:mod:`gwangyang.logistics.forecast_models`). This runs both candidate sets on the same
series, holding out the last 13 weeks (the default horizon), and prints for each the chosen model, holdout MASE
(holdout MAE / in-sample seasonal-naive MAE of the training part), sMAPE (percent), 90 % interval coverage, the
seconds of the whole forecast (3-window backtest of the four candidates and the refit) and the before/after ratio.

The series are generated (seeded), each with a known yearly seasonality: ``cycle`` a smooth yearly cycle (two
harmonics of the day of the year) on a trend; ``peak`` the same with a sharp one-week peak early in the year (a
Seollal-like week); ``iso`` a cycle by ISO week number (weeks 53 of 2020 and 2026 included). The shared data hold
no weekly series (the port statistics are monthly), so there is no real weekly series to add.

    .venv/bin/python benchmarks/logistics_forecast_weekly.py                 # the three series, 520 weeks
    .venv/bin/python benchmarks/logistics_forecast_weekly.py --series cycle  # one of them
    .venv/bin/python benchmarks/logistics_forecast_weekly.py --weeks 260
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from gwangyang.logistics.forecast import holdout_evaluation
from gwangyang.logistics.forecast_models import MODELS

LEVEL = 90
HOLDOUT = 13


def cycle(n: int, seed: int = 0, peak: bool = False) -> pd.DataFrame:
    """``n`` Mondays from 2016-01-04: level 10,000, trend 3 a week, two yearly harmonics, noise sd 250."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2016-01-04", periods=n, freq="W-MON")
    year = ds.dayofyear.to_numpy() / 365.25
    season = 1_500 * np.sin(2 * np.pi * year) + 600 * np.cos(4 * np.pi * year)
    if peak:
        season = season + 2_500 * np.exp(-(((year - 0.12) * 365 / 7) ** 2))
    return pd.DataFrame({"ds": ds, "y": 10_000 + 3 * np.arange(n) + season + rng.normal(0, 250, n)})


def by_iso_week(n: int, seed: int = 2) -> pd.DataFrame:
    """``n`` Mondays from 2016-01-04 with a cycle by ISO week number (week 53 like week 52) and noise sd 15."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2016-01-04", periods=n, freq="W-MON")
    week = np.minimum(ds.isocalendar().week.to_numpy(dtype=float), 52)
    return pd.DataFrame({"ds": ds, "y": 500 + 80 * np.cos(week * 2 * np.pi / 52) + rng.normal(0, 15, n)})


SERIES: dict[str, Callable[[int], pd.DataFrame]] = {
    "cycle": lambda n: cycle(n),
    "peak": lambda n: cycle(n, seed=1, peak=True),
    "iso": by_iso_week,
}


def run(series: pd.DataFrame, models: tuple[str, ...] | None) -> tuple[dict, float]:
    start = time.perf_counter()
    found = holdout_evaluation(series, HOLDOUT, LEVEL, models=models)
    return found, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--series", choices=sorted(SERIES), action="append", help="default: all")
    parser.add_argument("--weeks", type=int, default=520)
    args = parser.parse_args()
    print(
        f"{args.weeks} weeks, last {HOLDOUT} held out, {LEVEL} % intervals; model MASE sMAPE% coverage seconds"
    )
    header = f"{'series':8} {'before (arima)':>38} {'after (mstl)':>38} {'ratio':>6}"
    print(header)
    for name in args.series or list(SERIES):
        series = SERIES[name](args.weeks)
        before, before_s = run(series, MODELS)
        after, after_s = run(series, None)
        cells = [
            f"{r['model']:>14} {r['mase']:6.3f} {r['smape']:5.2f} {r['coverage']:5.0%} {s:6.1f}"
            for r, s in ((before, before_s), (after, after_s))
        ]
        print(f"{name:8} {cells[0]} {cells[1]} {before_s / after_s:6.1f}", flush=True)
        for label, r in (("before", before), ("after", after)):
            marks = ", ".join(f"{m} {v:.3f}" for m, v in r["backtest"]["models"].items())
            print(f"  {label} backtest MASE: {marks}", flush=True)


if __name__ == "__main__":
    main()
