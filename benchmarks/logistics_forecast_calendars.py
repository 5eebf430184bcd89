"""Forecast benchmark for business-day, fortnightly and ISO-week series: ours against plain AutoETS and seasonal naive.

The series are generated (seeded), as terminal gate and plant demand data come: a business-day gate count with a
working-week cycle, a slow trend and Korean holidays missing (filled by the forecaster, named in a note); a
fortnightly plant demand with a yearly cycle; ISO-week labels (``2020-W53`` included) of a weekly volume. The last
default horizon of each is held out (10 business days, 6 fortnights, 13 weeks). MASE = holdout MAE / in-sample
seasonal-naive MAE of the training part; coverage = share of held-out periods inside the 90 % interval; the
MASE ratios ours / AutoETS and ours / seasonal naive close each row.

    .venv/bin/python benchmarks/logistics_forecast_calendars.py
    .venv/bin/python benchmarks/logistics_forecast_calendars.py --holidays   # how to treat the holidays

``--holidays`` compares three ways of treating the gate series' missing weekdays on the same 10 ordinary business
days (2024-12-02 .. 12-13, no holiday among them) after training up to 2024-11-29: filled with their weekday
interpolated between the weeks around them (ours), filled with 0 (the gate was closed), or dropped (the days
present taken as consecutive business days, which shifts the weekday pattern by a day at each holiday). The
forecast is ours (backtest-chosen model) in each case; the error is the MAE on the same truth.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from gwangyang.logistics.forecast import frequency_for, holdout_evaluation
from gwangyang.logistics.forecast_input import rows_to_series, validate_series

sys.path.insert(0, str(Path(__file__).resolve().parent))
from logistics_forecast import plain

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
    return validate_series(gate_raw(rng), "gate")


def gate_raw(rng: np.random.Generator) -> pd.DataFrame:
    """The gate series as it comes: the days present only."""
    ds = pd.bdate_range("2023-01-02", "2024-12-31")
    cycle = np.array([1_250.0, 1_410, 1_380, 1_440, 1_120])
    y = cycle[ds.weekday] * (1 + 0.1 * np.arange(len(ds)) / len(ds)) + rng.normal(0, 45, len(ds))
    keep = ~ds.isin(pd.to_datetime(HOLIDAYS))
    return pd.DataFrame({"ds": ds[keep], "y": y[keep]})


def holiday_treatments(raw: pd.DataFrame) -> None:
    """MAE on 2024-12-02 .. 12-13 of ours trained to 2024-11-29 with the holidays filled, zeroed or dropped."""
    from gwangyang.logistics.forecast import forecast

    end = pd.Timestamp("2024-12-13")
    raw = raw[raw["ds"] <= end].reset_index(drop=True)
    truth = raw["y"].to_numpy()[-10:]
    train = raw.iloc[:-10]
    full = pd.bdate_range(train["ds"].iloc[0], train["ds"].iloc[-1])
    zeroed = pd.Series(train["y"].to_numpy(), index=pd.DatetimeIndex(train["ds"])).reindex(
        full, fill_value=0.0
    )
    dropped = pd.DataFrame(
        {"ds": pd.bdate_range(end=full[-1], periods=len(train)), "y": train["y"].to_numpy()}
    )
    print(
        f"holidays in training: {len(full) - len(train)}; MAE on the same 10 ordinary business days | model | s"
    )
    for name, series in (
        ("filled by weekday (ours)", train),
        ("filled with 0", pd.DataFrame({"ds": full, "y": zeroed.to_numpy()})),
        ("dropped (days shift)", dropped),
    ):
        start = time.perf_counter()
        result = forecast(series, horizon=10, level=LEVEL)
        mae = float(np.mean(np.abs(truth - result.forecast["mean"].to_numpy())))
        print(f"{name:28} {mae:8.1f} {result.model:>15} {time.perf_counter() - start:6.1f}", flush=True)


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--holidays", action="store_true", help="compare treatments of the gate's holidays")
    args = parser.parse_args()
    rng = np.random.default_rng(2024)
    if args.holidays:
        holiday_treatments(gate_raw(rng))
        return
    print(f"{LEVEL} % intervals, last default horizon held out; MASE | coverage | seconds")
    print(
        f"{'series':40} {'ours model':>10} {'ours':>22} {'AutoETS':>22} {'seasonal naive':>22}"
        f" {'MASE ratio ours/ETS ours/naive':>31}"
    )
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
            f"{ets[0]:8.3f} {ets[1]:6.0%} {ets[2]:6.1f} {naive[0]:8.3f} {naive[1]:6.0%} {naive[2]:6.1f}"
            f" {ours['mase'] / ets[0]:15.3f} {ours['mase'] / naive[0]:9.3f}",
            flush=True,
        )
        for note in ours["notes"]:
            print(f"  note: {note}")


if __name__ == "__main__":
    main()
