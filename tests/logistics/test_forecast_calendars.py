"""Business-day, fortnightly and ISO-week series: recognised, forecast at their season, their quirks reported.

Each series is generated (a cycle plus seeded noise); the seasonal-naive backtest is recomputed by hand with numpy
on the series as the docs say it is read (holidays filled with the mean of the same weekday a week before and
after; ISO weeks as their Mondays).
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
from gwangyang.logistics.forecast import backtest, forecast, load_series
from gwangyang.logistics.forecast_input import rows_to_series, validate_series
from gwangyang.logistics.frequency import detect

DATE, VALUE = "영업일", "반출입(대)"
HOLIDAYS = ("2024-02-09", "2024-02-12", "2024-03-01")  # Seollal Friday and its substitute Monday; 3·1 Day


def naive_backtest_mase(y: np.ndarray, season: int, horizon: int, windows: int) -> float:
    """Seasonal-naive MASE of ``windows`` rolling origins of ``horizon``, scaled by the history before the first."""
    n = len(y)
    cutoffs = [n - horizon * (windows - w) - 1 for w in range(windows)]
    errors = []
    for c in cutoffs:
        last = y[c - season + 1 : c + 1]
        errors.extend(np.abs(y[c + 1 : c + 1 + horizon] - np.resize(last, horizon)))
    first = y[: cutoffs[0] + 1]
    scale = np.mean(np.abs(first[season:] - first[:-season]))
    return float(np.mean(errors) / scale)


@pytest.fixture(scope="module")
def gate() -> pd.DataFrame:
    """Gate transactions of 14 working weeks from Monday 2024-01-08, Monday to Friday, three holidays missing."""
    rng = np.random.default_rng(7)
    ds = pd.bdate_range("2024-01-08", periods=70)
    cycle = np.array([1_250.0, 1_410, 1_380, 1_440, 1_120])
    y = np.tile(cycle, 14) + np.round(rng.normal(0, 40, 70))
    keep = ~ds.isin(pd.to_datetime(HOLIDAYS))
    return pd.DataFrame({"ds": ds[keep], "y": y[keep]})


def by_hand_filled(gate: pd.DataFrame) -> np.ndarray:
    """The gate series on every business day, each holiday the mean of its weekday a week before and after."""
    full = pd.bdate_range(gate["ds"].iloc[0], gate["ds"].iloc[-1])
    values = pd.Series(gate["y"].to_numpy(), index=pd.DatetimeIndex(gate["ds"])).reindex(full)
    y = values.to_numpy()
    for day in pd.to_datetime(HOLIDAYS):
        i = int(np.flatnonzero(full == day)[0])
        y[i] = (y[i - 5] + y[i + 5]) / 2  # five business days: the same weekday a week before and after
    return y


def test_business_days_recognised_and_holidays_filled(gate: pd.DataFrame) -> None:
    found = detect(gate["ds"])
    assert not isinstance(found, str)
    assert (found.name, found.alias, found.season_length, found.horizon) == ("business-daily", "B", 5, 10)
    series = validate_series(gate)
    assert len(series) == 70 and list(series["ds"]) == list(pd.bdate_range("2024-01-08", periods=70))
    np.testing.assert_allclose(series["y"].to_numpy(), by_hand_filled(gate), rtol=1e-12)
    assert list(series.loc[series["filled"], "ds"]) == list(pd.to_datetime(HOLIDAYS))


def test_business_day_backtest_by_hand(gate: pd.DataFrame) -> None:
    # 70 business days, 3 windows of 10: origins after days 40, 50 and 60, the 40 before the first as the scale.
    _, mase, _ = backtest(validate_series(gate), horizon=10, n_windows=3, models=("seasonal_naive",))
    hand = naive_backtest_mase(by_hand_filled(gate), 5, 10, 3)
    assert mase["seasonal_naive"] == pytest.approx(hand, rel=1e-12)
    assert mase["seasonal_naive"] == pytest.approx(1.2138, abs=5e-5)  # measured: the hand value above


def test_business_day_forecast_names_frequency_and_holidays(gate: pd.DataFrame) -> None:
    result = forecast(gate, models=("seasonal_naive", "ets"))
    d = result.to_dict()
    assert d["frequency"] == {
        "name": "business-daily",
        "alias": "B",
        "season_length": 5,
        "unit": "business day",
        "working_days": ["Mon", "Tue", "Wed", "Thu", "Fri"],
    }
    # 10 business days after Friday 2024-04-12: two working weeks, no weekend.
    assert [f["ds"] for f in d["forecast"]] == [
        f"{day:%Y-%m-%d}" for day in pd.bdate_range("2024-04-15", periods=10)
    ]
    assert len(d["notes"]) == 1
    assert d["notes"][0].startswith("3 missing business day(s) taken as holidays")
    assert "2024-02-09, 2024-02-12, 2024-03-01" in d["notes"][0]
    assert result.summary().startswith("business-daily series (season 5), 10 business days ahead")


def test_a_missing_working_week_is_a_gap_not_holidays(gate: pd.DataFrame) -> None:
    week = pd.bdate_range("2024-02-19", periods=6)  # Monday to the next Monday: 6 business days in a row
    gap = "gate.csv: 6 business days in a row are missing, 2024-02-19 to 2024-02-26 (9 of 70 missing in all)"
    with pytest.raises(InputError, match=re.escape(gap)):
        validate_series(gate[~gate["ds"].isin(week)], "gate.csv")


def test_too_many_holidays_refused() -> None:
    ds = pd.bdate_range("2024-01-01", periods=50)
    keep = np.arange(50) % 8 != 3  # every eighth day missing: 6 of 50, 12 % > 10 %
    with pytest.raises(
        InputError, match=re.escape("6 of 50 business days are missing (12%, the first 2024-01-04)")
    ):
        validate_series(pd.DataFrame({"ds": ds[keep], "y": np.ones(keep.sum())}), "gate.csv")


def test_a_weekend_date_among_business_days_is_named(tmp_path: Path, gate: pd.DataFrame) -> None:
    # One Saturday worked among 67 business days: not daily with 40 weekend days missing, but named.
    path = tmp_path / "게이트.csv"
    saturday = pd.DataFrame({"ds": [pd.Timestamp("2024-03-09")], "y": [600.0]})
    pd.concat([gate, saturday]).rename(columns={"ds": DATE, "y": VALUE}).to_csv(path, index=False)
    with pytest.raises(InputError) as raised:
        load_series(path, DATE, VALUE)
    assert str(raised.value) == (
        f"{path}: column '{DATE}' holds business days with 1 weekend date(s) among them (the first 2024-03-09, a "
        "Saturday); a business-day series holds Monday to Friday only: move or drop those rows; the forecaster "
        "takes one row per month, quarter, half-year, year, week, fortnight, day or business day, evenly spaced"
    )


def test_weekdays_of_a_single_week_are_daily() -> None:
    # Monday to Friday of one week hold no weekend: nothing says they are business days.
    found = detect(pd.date_range("2024-01-01", periods=5, freq="D"))
    assert not isinstance(found, str) and found.name == "daily"


def test_cli_business_days_korean_columns(
    tmp_path: Path, gate: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "게이트.csv"
    frame = gate.assign(ds=gate["ds"].dt.strftime("%Y-%m-%d"))
    frame.rename(columns={"ds": DATE, "y": VALUE}).to_csv(path, index=False)
    args = ["forecast", str(path), "--date-column", DATE, "--target", VALUE, "--windows", "2"]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["frequency"]["name"] == "business-daily" and doc["backtest"]["horizon"] == 10
    assert doc["notes"][0].startswith("3 missing business day(s)")
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "business-daily series (season 5), 10 business days ahead" in err
    assert "note: 3 missing business day(s) taken as holidays" in err


@pytest.fixture(scope="module")
def fortnights() -> pd.DataFrame:
    """Four years of fortnights on Thursdays with a 26-fortnight cycle and seeded noise."""
    rng = np.random.default_rng(11)
    cycle = 800 + 150 * np.sin(np.arange(26) * 2 * np.pi / 26)
    ds = pd.date_range("2020-01-02", periods=104, freq="2W-THU")
    return pd.DataFrame({"ds": ds, "y": np.tile(cycle, 4) + rng.normal(0, 20, 104)})


def test_fortnightly_backtest_by_hand(tmp_path: Path, fortnights: pd.DataFrame) -> None:
    path = tmp_path / "격주.csv"
    fortnights.assign(ds=fortnights["ds"].dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
    series = load_series(path, "ds", "y")
    found = detect(series["ds"])
    assert not isinstance(found, str)
    assert (found.name, found.alias, found.season_length, found.horizon) == ("fortnightly", "2W-THU", 26, 6)
    _, mase, _ = backtest(series, horizon=6, n_windows=3, models=("seasonal_naive",))
    hand = naive_backtest_mase(fortnights["y"].to_numpy(), 26, 6, 3)
    assert mase["seasonal_naive"] == pytest.approx(hand, rel=1e-12)
    assert mase["seasonal_naive"] == pytest.approx(1.0294, abs=5e-5)  # measured: the hand value above


def test_fortnightly_forecast_and_gap(fortnights: pd.DataFrame) -> None:
    result = forecast(fortnights, models=("seasonal_naive",))
    assert result.to_dict()["frequency"]["unit"] == "fortnight"
    assert list(result.forecast["ds"]) == list(pd.date_range("2023-12-28", periods=6, freq="2W-THU"))
    assert result.summary().startswith("fortnightly series (season 26), 6 fortnights ahead")
    with pytest.raises(
        InputError, match=re.escape("fortnights must be consecutive with no gaps: 2021-01-14 is missing")
    ):
        validate_series(fortnights.drop(index=27), "격주.csv")


def iso_label(day: pd.Timestamp, compact: bool = False) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}W{week:02d}" if compact else f"{year}-W{week:02d}"


@pytest.fixture(scope="module")
def iso_weeks() -> pd.DataFrame:
    """160 ISO weeks from 2019-W01 (Monday 2018-12-31), through 2020-W53, as labels, with seeded noise."""
    rng = np.random.default_rng(3)
    mondays = pd.date_range("2018-12-31", periods=160, freq="W-MON")
    cycle = 500 + 80 * np.cos(np.arange(52) * 2 * np.pi / 52)
    y = np.resize(cycle, 160) + rng.normal(0, 15, 160)
    return pd.DataFrame({"week": [iso_label(d) for d in mondays], "y": y, "monday": mondays})


def test_iso_weeks_read_as_mondays_and_week_53_noted(tmp_path: Path, iso_weeks: pd.DataFrame) -> None:
    path = tmp_path / "주차.csv"
    iso_weeks[["week", "y"]].rename(columns={"week": "주차"}).to_csv(path, index=False)
    series = load_series(path, "주차", "y")
    assert list(series["ds"]) == list(iso_weeks["monday"])
    assert "2020-W53" in set(iso_weeks["week"])
    _, mase, _ = backtest(series, horizon=13, n_windows=3, models=("seasonal_naive",))
    hand = naive_backtest_mase(iso_weeks["y"].to_numpy(), 52, 13, 3)
    assert mase["seasonal_naive"] == pytest.approx(hand, rel=1e-12)
    result = forecast(series, models=("seasonal_naive",))
    d = result.to_dict()
    assert d["frequency"]["alias"] == "W-MON" and d["frequency"]["name"] == "weekly"
    assert d["forecast"][0]["ds"] == "2022-01-24"  # the Monday of 2022-W04, after 2022-W03
    assert len(d["notes"]) == 1 and "ISO week 53 (2020-W53)" in d["notes"][0]


def test_iso_week_spellings_as_request_rows(iso_weeks: pd.DataFrame) -> None:
    compact = rows_to_series([(iso_label(d, compact=True), 1.0) for d in iso_weeks["monday"]])
    assert list(compact["ds"]) == list(iso_weeks["monday"])
    with_day = rows_to_series([(f"{w}-3", 1.0) for w in iso_weeks["week"]])  # Wednesdays
    assert list(with_day["ds"]) == list(iso_weeks["monday"] + pd.Timedelta(days=2))
    assert detect(with_day["ds"]).alias == "W-WED"  # type: ignore[union-attr]


def test_iso_week_refusals(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=re.escape("'2023-W53', not an ISO week (2023 has weeks 01 to 52)")):
        rows_to_series([("2023-W52", 1.0), ("2023-W53", 2.0)])
    path = tmp_path / "섞임.csv"
    pd.DataFrame({"주차": ["2024-W01", "2024-01-08"], "y": [1, 2]}).to_csv(path, index=False)
    with pytest.raises(InputError, match=re.escape("mixes ISO week labels with other values: data row 2")):
        load_series(path, "주차", "y")
