"""Declared working weekdays of a daily series (``--working-days``, the API's ``working_days``), in English or Korean.

Names are read as ``Mon``, ``Monday``, ``월``, ``월요일`` (lists, ranges, wrapping ranges, runs of Korean letters);
a declared calendar is kept through every later check of the series, so a Monday-to-Saturday series too short to
show its closed Sundays (fewer than four) forecasts Monday-to-Saturday dates. Values are checked by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.logistics.forecast import forecast
from gwangyang.logistics.forecast_input import load_series, rows_to_series
from gwangyang.logistics.weekdays import parse_working_days

MON_SAT = (0, 1, 2, 3, 4, 5)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Mon-Sat", MON_SAT),
        ("월-토", MON_SAT),
        ("월~토", MON_SAT),
        ("월요일~토요일", MON_SAT),
        ("Monday - Saturday", MON_SAT),
        ("monday..saturday", MON_SAT),
        ("월화수목금토", MON_SAT),
        ("월, 화, 수, 목, 금, 토", MON_SAT),
        ("Mon Tue Wed Thu Fri Sat", MON_SAT),
        ("월 Tue 수요일 THURSDAY fri 토", MON_SAT),
        ("월-금, 토", MON_SAT),
        ("Sun-Thu", (0, 1, 2, 3, 6)),  # wraps past Sunday: a Sunday-to-Thursday week
        ("일~목", (0, 1, 2, 3, 6)),
        ("월, 월요일, Mon, Monday", (0,)),  # one day named four ways counts once
        ("월요일", (0,)),
        ("일", (6,)),
        ("월-일", (0, 1, 2, 3, 4, 5, 6)),
    ],
)
def test_weekday_names_in_english_and_korean(text: str, days: tuple[int, ...]) -> None:
    assert parse_working_days(text) == days


def test_a_list_of_names() -> None:
    assert parse_working_days(["Mon", "화", "수요일", "Thursday", "금~토"]) == MON_SAT


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Mob", "'Mob'"),
        ("월-", "'월-'"),
        ("Monday Funday", "'Funday'"),
        ("월욜", "'월욜'"),
        ("", "no weekday"),
    ],
)
def test_a_word_that_is_no_weekday_is_refused_naming_it(text: str, named: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_working_days(text, "--working-days")
    message = str(caught.value)
    assert message.startswith("--working-days: ") and named in message and "월~토" in message


def six_day_rows(weeks: int = 3) -> list[tuple[str, float]]:
    """Monday-to-Saturday days from 2024-01-01 (a Monday): value 100 + 10 x weekday (Monday 100 .. Saturday 150)."""
    days = pd.bdate_range("2024-01-01", periods=6 * weeks, freq="C", weekmask="Mon Tue Wed Thu Fri Sat")
    return [(f"{d:%Y-%m-%d}", 100.0 + 10 * d.weekday()) for d in days]


def test_a_declared_six_day_week_too_short_to_read_forecasts_six_day_dates() -> None:
    rows = six_day_rows()
    with pytest.raises(InputError, match="days must be consecutive with no gaps: 2024-01-07 is missing"):
        rows_to_series(rows)  # two Sundays absent: too few to call them closed days
    series = rows_to_series(rows, working_days=parse_working_days("월~토"))
    result = forecast(series, horizon=3, n_windows=1, models=("seasonal_naive",))
    d = result.to_dict()
    assert d["frequency"]["working_days"] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    assert d["frequency"]["season_length"] == 6
    # the series ends Saturday 2024-01-20; the next working days are Monday 22 to Wednesday 24 (Sunday 21 closed),
    # and seasonal naive repeats the same weekday a week before: 100, 110, 120
    assert [f["ds"] for f in d["forecast"]] == ["2024-01-22", "2024-01-23", "2024-01-24"]
    assert [f["mean"] for f in d["forecast"]] == [100.0, 110.0, 120.0]
    assert d["notes"] == ["working calendar of 6 days a week, as given: Sunday closed"]


def test_a_declared_calendar_fills_a_holiday_by_weekday() -> None:
    rows = [r for r in six_day_rows(3) if r[0] != "2024-01-10"]  # the second Wednesday missing
    rows = [(ds, y + (5.0 if ds < "2024-01-10" else 25.0)) for ds, y in rows]
    series = rows_to_series(rows, working_days=parse_working_days(["Mon-Sat"]))
    filled = series.loc[series["ds"] == pd.Timestamp("2024-01-10")]
    # the Wednesdays a week before and after: 120 + 5 and 120 + 25; the holiday takes their mean, 135
    assert filled["y"].tolist() == [135.0] and filled["filled"].tolist() == [True]


def test_a_date_on_a_closed_weekday_is_refused_naming_it() -> None:
    rows = six_day_rows(2)
    with pytest.raises(InputError) as caught:
        rows_to_series(rows, working_days=parse_working_days("월요일-금요일"))
    assert str(caught.value) == (
        "series: 'ds': working days Mon Tue Wed Thu Fri with 2 date(s) on other weekdays (the first 2024-01-06, a "
        "Saturday); move or drop those rows, or give that weekday as working"
    )


def test_working_days_of_a_monthly_series_are_refused() -> None:
    rows = [
        (f"{d:%Y-%m}", float(i)) for i, d in enumerate(pd.date_range("2020-01-01", periods=40, freq="MS"))
    ]
    with pytest.raises(InputError) as caught:
        rows_to_series(rows, working_days=parse_working_days("Mon-Fri"))
    assert str(caught.value) == (
        "series: 'ds' holds monthly dates; working days Mon Tue Wed Thu Fri are given for daily dates only"
    )


def test_a_file_with_declared_days_and_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "공장 출하.csv"
    rows = six_day_rows(3)
    pd.DataFrame({"작업일": [r[0] for r in rows], "출하량": [r[1] for r in rows]}).to_csv(path, index=False)
    series = load_series(path, "작업일", "출하량", parse_working_days("월~토"))
    assert len(series) == 18 and np.array_equal(series["y"], [r[1] for r in rows])
    args = [
        "forecast",
        str(path),
        "--date-column",
        "작업일",
        "--target",
        "출하량",
        "--horizon",
        "2",
        "--windows",
        "1",
    ]
    assert main([*args, "--working-days", "월~토", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["frequency"]["alias"] == "C" and [f["ds"] for f in doc["forecast"]] == [
        "2024-01-22",
        "2024-01-23",
    ]
    assert main([*args, "--working-days", "월~토요"]) == 2
    err = capsys.readouterr().err
    assert "--working-days: '토요' is not a weekday" in err
