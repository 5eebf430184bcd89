"""Series that are not the Vancouver file: other columns, other frequencies, missing periods, one column.

Each is generated; a series must read back exactly under any column names (Korean ones too) with the frequency
of its dates, and a series with gaps or irregular dates must be refused in one line naming the column and what
it found.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.logistics.forecast import forecast, load_series
from gwangyang.logistics.forecast_service import series_from_rows

DATE, VALUE = "기간", "물동량(TEU)"


def monthly(start: str, months: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ds = pd.date_range(start, periods=months, freq="MS")
    return pd.DataFrame({DATE: ds.strftime("%Y-%m"), VALUE: rng.integers(1_000, 90_000, size=months)})


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    year=st.integers(1990, 2030),
    month=st.integers(1, 12),
    months=st.integers(3, 300),
    spelling=st.sampled_from(["%Y-%m", "%Y-%m-%d", "%b %Y", "%Y/%m/%d"]),
    seed=st.integers(0, 2**31),
)
def test_monthly_series_under_other_names_reads_back(
    tmp_path_factory: pytest.TempPathFactory, year: int, month: int, months: int, spelling: str, seed: int
) -> None:
    table = monthly(f"{year}-{month:02d}-01", months, seed)
    table[DATE] = pd.to_datetime(table[DATE]).dt.strftime(spelling)
    path = tmp_path_factory.mktemp("series") / "부산항_월별.csv"
    table.sample(frac=1.0, random_state=seed).to_csv(path, index=False)  # rows in any order
    series = load_series(path, DATE, VALUE)
    assert series["ds"].tolist() == list(pd.date_range(f"{year}-{month:02d}-01", periods=months, freq="MS"))
    assert series["y"].tolist() == table[VALUE].astype(float).tolist()


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    months=st.integers(6, 200),
    drop=st.lists(st.integers(1, 198), min_size=1, max_size=5, unique=True),
)
def test_missing_months_are_named(
    tmp_path_factory: pytest.TempPathFactory, months: int, drop: list[int]
) -> None:
    drop = sorted(d for d in drop if d < months - 1)  # keep the first and the last month
    if not drop:
        return
    table = monthly("2010-01-01", months)
    path = tmp_path_factory.mktemp("gaps") / "gaps.csv"
    table.drop(index=drop).to_csv(path, index=False)
    first = pd.Timestamp("2010-01-01") + pd.DateOffset(months=drop[0])
    with pytest.raises(InputError) as raised:
        load_series(path, DATE, VALUE)
    message = str(raised.value)
    assert f"{first:%Y-%m} is missing ({len(drop)} month(s) missing in all)" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("freq", "periods", "name", "alias", "first"),
    [
        ("QS", 40, "quarterly", "3MS", "2015-01-01"),
        ("QE", 40, "quarterly", "3MS", "2015-03-01"),  # quarter ends kept as the first of their month
        ("YS", 12, "yearly", "12MS", "2015-01-01"),
        ("6MS", 20, "half-yearly", "6MS", "2015-01-01"),
        ("W-MON", 200, "weekly", "W-MON", "2015-01-05"),
        ("W-SUN", 200, "weekly", "W-SUN", "2015-01-04"),
        ("D", 400, "daily", "D", "2015-01-01"),
    ],
)
def test_other_frequencies_read_back_with_their_frequency(
    tmp_path: Path, freq: str, periods: int, name: str, alias: str, first: str
) -> None:
    # Were refused (one row per month only); now read as written, the frequency recognised from the dates.
    from gwangyang.logistics.forecast import frequency_for

    ds = pd.date_range("2015-01-01", periods=periods, freq=freq)
    path = tmp_path / "s.csv"
    values = np.arange(periods) + 100
    pd.DataFrame({DATE: ds.strftime("%Y-%m-%d"), VALUE: values}).to_csv(path, index=False)
    series = load_series(path, DATE, VALUE)
    found = frequency_for(series)
    assert (found.name, found.alias) == (name, alias)
    assert f"{series['ds'].iloc[0]:%Y-%m-%d}" == first and len(series) == periods
    assert series["y"].tolist() == values.astype(float).tolist()
    by_rows = series_from_rows([(f"{d:%Y-%m-%d}", float(v)) for d, v in zip(ds, values, strict=True)], "teu")
    assert by_rows["ds"].tolist() == series["ds"].tolist()


FREQUENCIES = {
    "MS": "monthly",
    "QS": "quarterly",
    "QE": "quarterly",
    "6MS": "half-yearly",
    "YS": "yearly",
    "YE": "yearly",
    "W-MON": "weekly",
    "W-THU": "weekly",
    "W-SUN": "weekly",
    "D": "daily",
}


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    freq=st.sampled_from(sorted(FREQUENCIES)),
    start=st.dates(min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2030-12-31").date()),
    periods=st.integers(3, 250),
    seed=st.integers(0, 2**31),
)
def test_any_frequency_reads_back_in_any_order(
    tmp_path_factory: pytest.TempPathFactory, freq: str, start: object, periods: int, seed: int
) -> None:
    from gwangyang.logistics.forecast import frequency_for

    ds = pd.date_range(pd.Timestamp(str(start)), periods=periods, freq=freq)
    values = np.random.default_rng(seed).integers(0, 10**6, size=periods)
    table = pd.DataFrame({DATE: ds.strftime("%Y-%m-%d"), VALUE: values})
    path = tmp_path_factory.mktemp("freq") / "부산항.csv"
    table.sample(frac=1.0, random_state=seed).to_csv(path, index=False)
    series = load_series(path, DATE, VALUE)
    assert frequency_for(series).name == FREQUENCIES[freq]
    month_based = FREQUENCIES[freq] not in ("weekly", "daily")
    expected = ds.to_period("M").to_timestamp() if month_based else ds
    assert series["ds"].tolist() == list(expected)
    assert series["y"].tolist() == values.astype(float).tolist()


@pytest.mark.parametrize(
    ("dates", "found"),
    [
        (
            pd.date_range("2015-01-01", periods=30, freq="10D"),  # 14 days apart are fortnights
            "dates a median of 10 days apart (not daily, weekly or fortnightly)",
        ),
        (pd.date_range("2015-01-01", periods=50, freq="h"), "sub-daily dates (a median of 1 hours apart)"),
        (
            pd.DatetimeIndex(["2015-01-05", "2015-01-12", "2015-01-20", "2015-01-26", "2015-02-02"]),
            "irregular dates (mostly 7 day(s) apart, but 2015-01-20 is 8 day(s) after 2015-01-12)",
        ),
    ],
)
def test_irregular_dates_are_refused_naming_the_column(
    tmp_path: Path, dates: pd.DatetimeIndex, found: str
) -> None:
    path = tmp_path / "s.csv"
    pd.DataFrame({DATE: dates.strftime("%Y-%m-%d %H:%M"), VALUE: np.arange(len(dates))}).to_csv(
        path, index=False
    )
    with pytest.raises(InputError) as raised:
        load_series(path, DATE, VALUE)
    message = str(raised.value)
    assert message.startswith(f"{path}: column '{DATE}' holds {found}") and "\n" not in message
    rows = [(f"{d:%Y-%m-%dT%H:%M}", float(i)) for i, d in enumerate(dates)]
    with pytest.raises(InputError, match=re.escape(f"series: 'ds' holds {found}")):
        series_from_rows(rows, "teu")


@pytest.mark.parametrize(
    ("freq", "drop", "message"),
    [
        (
            "QS",
            [5, 6, 9],
            "quarters must be consecutive with no gaps: 2016-04 is missing (3 quarter(s) missing",
        ),
        (
            "W-WED",
            [3],
            "weeks must be consecutive with no gaps: 2015-01-28 is missing (1 week(s) missing in all)",
        ),
        (
            "D",
            [2, 3],
            "days must be consecutive with no gaps: 2015-01-03 is missing (2 day(s) missing in all)",
        ),
        ("YS", [4], "years must be consecutive with no gaps: 2019 is missing (1 year(s) missing in all)"),
    ],
)
def test_missing_periods_are_named(tmp_path: Path, freq: str, drop: list[int], message: str) -> None:
    ds = pd.date_range("2015-01-01", periods=30, freq=freq)
    path = tmp_path / "gaps.csv"
    table = pd.DataFrame({DATE: ds.strftime("%Y-%m-%d"), VALUE: np.arange(30)})
    table.drop(index=drop).to_csv(path, index=False)
    with pytest.raises(InputError, match=re.escape(f"{path}: {message}")):
        load_series(path, DATE, VALUE)


def test_one_column_and_numeric_dates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "one.csv"
    pd.DataFrame({VALUE: np.arange(60) + 1}).to_csv(path, index=False)
    with pytest.raises(InputError, match=re.escape(f"no column 'month' (date_column); columns are {VALUE}")):
        load_series(path, "month", VALUE)
    with pytest.raises(InputError, match=re.escape(f"column '{VALUE}' holds numbers (e.g. 1), not dates")):
        load_series(path, VALUE, VALUE)
    yyyymm = tmp_path / "yyyymm.csv"
    pd.DataFrame({"ym": [200801, 200802, 200803], "teu": [1, 2, 3]}).to_csv(yyyymm, index=False)
    assert main(["forecast", str(yyyymm), "--date-column", "ym", "--target", "teu"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "column 'ym' holds numbers (e.g. 200801), not dates" in err


def test_another_ports_seasonal_series_is_forecast_exactly(tmp_path: Path) -> None:
    # A series that repeats one year exactly: the seasonal naive forecast (and any model that wins the backtest)
    # is that year again, worked by hand; MASE 0 for the seasonal naive.
    pattern = np.array([100, 120, 130, 90, 80, 150, 160, 140, 110, 100, 95, 170], dtype=float) * 1_000
    table = pd.DataFrame(
        {
            DATE: pd.date_range("2012-04-01", periods=84, freq="MS").strftime("%Y-%m"),
            VALUE: np.tile(np.roll(pattern, -3), 7),
        }
    )
    path = tmp_path / "port.csv"
    table.to_csv(path, index=False)
    series = load_series(path, DATE, VALUE)
    result = forecast(series, horizon=12, level=90, models=("seasonal_naive", "ets"), n_windows=2)
    assert result.backtest["models"]["seasonal_naive"] == pytest.approx(0.0, abs=1e-9)
    assert result.forecast["ds"].iloc[0] == pd.Timestamp("2019-04-01")
    assert result.forecast["mean"].to_numpy() == pytest.approx(np.roll(pattern, -3), rel=1e-6)


def test_thousands_separators_read_and_a_bad_cell_named(tmp_path: Path) -> None:
    # Port statistics are often written 185,511 (quoted in the CSV); read as the number, by hand.
    table = monthly("2018-01-01", 30)
    written = table.assign(**{VALUE: [f"{v:,}" for v in table[VALUE]]})
    path = tmp_path / "commas.csv"
    written.to_csv(path, index=False)
    assert load_series(path, DATE, VALUE)["y"].tolist() == table[VALUE].astype(float).tolist()
    written.loc[7, VALUE] = "12,34"  # not a thousands grouping: refused, not read as 1234
    written.to_csv(path, index=False)
    with pytest.raises(
        InputError, match=re.escape("1 missing or non-numeric value(s), the first in data row 8 ('12,34')")
    ):
        load_series(path, DATE, VALUE)
