"""Weekly working patterns: a 6-day (Monday-Saturday) series is a business-day calendar, its Sundays not gaps.

The series are generated with gaps we choose; the expected calendar, filled values and the seasonal-naive backtest
are recomputed by hand with numpy on positions of the generated arrays (the same weekday a working week before and
after is 6 positions away in a 6-day week).
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
from gwangyang.logistics.forecast import backtest, forecast
from gwangyang.logistics.forecast_input import rows_to_series, validate_series
from gwangyang.logistics.frequency import detect

DATE, VALUE = "작업일", "출하량(t)"
CYCLE = np.array([820.0, 905, 930, 910, 870, 540])
"""Monday .. Saturday: a lighter Saturday shift."""


def six_day_days(weeks: int = 20) -> pd.DatetimeIndex:
    """Monday to Saturday from Monday 2024-01-01, built by dropping Sundays from a plain calendar."""
    days = pd.date_range("2024-01-01", periods=7 * weeks, freq="D")
    return days[days.weekday != 6]


@pytest.fixture(scope="module")
def six_day() -> pd.DataFrame:
    rng = np.random.default_rng(21)
    ds = six_day_days()
    return pd.DataFrame({"ds": ds, "y": np.tile(CYCLE, 20) + np.round(rng.normal(0, 25, len(ds)))})


def naive_backtest_mase(y: np.ndarray, season: int, horizon: int, windows: int) -> float:
    n = len(y)
    cutoffs = [n - horizon * (windows - w) - 1 for w in range(windows)]
    errors = []
    for c in cutoffs:
        errors.extend(np.abs(y[c + 1 : c + 1 + horizon] - np.resize(y[c - season + 1 : c + 1], horizon)))
    first = y[: cutoffs[0] + 1]
    return float(np.mean(errors) / np.mean(np.abs(first[season:] - first[:-season])))


def test_six_day_week_is_a_calendar_not_gaps(six_day: pd.DataFrame) -> None:
    f = detect(six_day["ds"])
    assert not isinstance(f, str)
    assert (f.name, f.alias, f.season_length, f.horizon) == ("business-daily", "C", 6, 12)
    assert f.to_dict()["working_days"] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    series = validate_series(six_day)
    assert len(series) == 120 and "filled" not in series.columns
    _, mase, _ = backtest(series, horizon=12, n_windows=3, models=("seasonal_naive",))
    assert mase["seasonal_naive"] == pytest.approx(
        naive_backtest_mase(six_day["y"].to_numpy(), 6, 12, 3), rel=1e-12
    )
    result = forecast(series, models=("seasonal_naive",))
    d = result.to_dict()
    # 2024-05-18 is the last Saturday (week 20); the next 12 working days skip Sundays 05-19 and 05-26
    expected = [d for d in pd.date_range("2024-05-20", "2024-06-01") if d.weekday() != 6]
    assert [r["ds"] for r in d["forecast"]] == [f"{x:%Y-%m-%d}" for x in expected]
    assert [r["mean"] for r in d["forecast"]] == pytest.approx(
        list(np.resize(six_day["y"].to_numpy()[-6:], 12))
    )
    assert d["notes"] == [
        "working calendar of 6 days a week: no Sunday in the series' 20 weeks, so those are closed days, "
        "not missing days"
    ]
    assert result.summary().startswith("business-daily series (season 6), 12 business days ahead")


def test_six_day_week_holidays_filled_and_a_missing_wednesday_named(six_day: pd.DataFrame) -> None:
    # Seollal Friday-Saturday 2024-02-09/10 and a Wednesday the plant did not report (2024-03-13)
    gone = pd.to_datetime(["2024-02-09", "2024-02-10", "2024-03-13"])
    series = validate_series(six_day[~six_day["ds"].isin(gone)])
    y = six_day["y"].to_numpy()
    for day in gone:
        i = int(np.flatnonzero(six_day["ds"] == day)[0])
        row = series[series["ds"] == day].iloc[0]
        assert bool(row["filled"]) and row["y"] == pytest.approx((y[i - 6] + y[i + 6]) / 2)
    notes = forecast(series, models=("seasonal_naive",)).notes
    assert notes[0].startswith("working calendar of 6 days a week: no Sunday")
    assert notes[1].startswith("3 missing business day(s) taken as holidays") and "2024-03-13" in notes[1]


def test_six_day_week_missing_a_working_week_is_refused(six_day: pd.DataFrame) -> None:
    gone = pd.date_range("2024-03-04", "2024-03-11")  # Monday to the next Monday: 7 working days
    with pytest.raises(
        InputError, match=re.escape("7 business days in a row are missing, 2024-03-04 to 2024-03-11")
    ):
        validate_series(six_day[~six_day["ds"].isin(gone)], "plant")


def test_seven_day_series_still_names_a_missing_wednesday() -> None:
    ds = pd.date_range("2024-01-01", periods=84, freq="D")
    keep = ds != pd.Timestamp("2024-02-14")
    with pytest.raises(
        InputError, match=re.escape("days must be consecutive with no gaps: 2024-02-14 is missing")
    ):
        validate_series(pd.DataFrame({"ds": ds[keep], "y": 1.0}), "gate")


def test_too_few_weeks_to_call_sundays_closed() -> None:
    ds = pd.date_range("2024-01-01", periods=21, freq="D")  # three weeks: three Sundays absent
    frame = pd.DataFrame({"ds": ds[ds.weekday != 6], "y": 1.0})
    assert detect(frame["ds"]).alias == "D"  # type: ignore[union-attr]
    with pytest.raises(InputError, match=re.escape("2024-01-07 is missing (2 day(s) missing in all)")):
        validate_series(frame, "short")


def test_friday_saturday_weekend_and_plain_business_days() -> None:
    ds = pd.date_range("2024-01-07", periods=70, freq="D")  # Sunday first
    sun_thu = detect(ds[~ds.weekday.isin([4, 5])])
    assert not isinstance(sun_thu, str)
    assert sun_thu.alias == "C" and sun_thu.to_dict()["working_days"] == ["Mon", "Tue", "Wed", "Thu", "Sun"]
    mon_fri = detect(ds[ds.weekday < 5])
    assert not isinstance(mon_fri, str)
    assert mon_fri.alias == "B" and mon_fri.season_length == 5
    assert mon_fri.to_dict()["working_days"] == ["Mon", "Tue", "Wed", "Thu", "Fri"]


def test_cli_six_day_week_korean_columns(
    tmp_path: Path, six_day: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "출하.csv"
    frame = six_day.assign(ds=six_day["ds"].dt.strftime("%Y-%m-%d"))
    frame.rename(columns={"ds": DATE, "y": VALUE}).to_csv(path, index=False)
    args = ["forecast", str(path), "--date-column", DATE, "--target", VALUE, "--windows", "2", "--json"]
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["frequency"]["working_days"] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    assert doc["frequency"]["season_length"] == 6 and len(doc["forecast"]) == 12
    assert doc["notes"][0].startswith("working calendar of 6 days a week: no Sunday in the series' 20 weeks")
    assert all(pd.Timestamp(r["ds"]).weekday() != 6 for r in doc["forecast"])


def test_request_rows_of_a_six_day_week(six_day: pd.DataFrame) -> None:
    rows = [(f"{d:%Y-%m-%d}", float(v)) for d, v in zip(six_day["ds"], six_day["y"], strict=True)]
    assert list(rows_to_series(rows)["ds"]) == list(six_day["ds"])


def test_calendar_note_reads_korean(six_day: pd.DataFrame) -> None:
    from gwangyang.api.i18n import phrase

    note = forecast(validate_series(six_day), models=("seasonal_naive",)).notes[0]
    assert phrase(note, "ko") == (
        "주 6일 근무 달력: 시계열의 20주 동안 일요일 날짜가 한 번도 없어, 빠진 날이 아니라 쉬는 날로 봅니다"
    )


def test_a_sunday_worked_in_a_six_day_week_is_named(tmp_path: Path, six_day: pd.DataFrame) -> None:
    path = tmp_path / "출하.csv"
    extra = pd.DataFrame({"ds": [pd.Timestamp("2024-03-10")], "y": [400.0]})  # a Sunday
    frame = pd.concat([six_day, extra]).sort_values("ds")
    frame.assign(ds=frame["ds"].dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
    from gwangyang.logistics.forecast import load_series

    with pytest.raises(InputError) as refused:
        load_series(path, "ds", "y")
    assert str(refused.value) == (
        f"{path}: column 'ds' holds working days Mon Tue Wed Thu Fri Sat with 1 date(s) on Sunday among them (the "
        "first 2024-03-10, a Sunday); a business-day series holds its working weekdays only: move or drop those "
        "rows; the forecaster takes one row per month, quarter, half-year, year, week, fortnight, day or business "
        "day, evenly spaced"
    )


def test_saturdays_worked_every_other_week_are_not_holidays(six_day: pd.DataFrame) -> None:
    saturdays = six_day["ds"][six_day["ds"].dt.weekday == 5]
    gone = saturdays.iloc[0:-1:2]  # 10 of the 20 Saturdays, the first 2024-01-06; the last (05-18) kept
    assert len(gone) == 10 and f"{gone.iloc[0]:%Y-%m-%d}" == "2024-01-06"
    with pytest.raises(InputError) as refused:
        validate_series(six_day[~six_day["ds"].isin(gone)], "plant")
    assert str(refused.value) == (
        "plant: 10 of 20 Saturdays are missing (the first 2024-01-06); a weekday worked only some weeks is not "
        "holidays: give it every week or drop it"
    )
