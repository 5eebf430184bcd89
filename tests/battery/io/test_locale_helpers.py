"""The helpers behind the readers' handling of other locales: encoding sniffing, date forms, a
second test appended to a file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.io.base import sniff_encoding
from gwangyang.battery.io.textdates import parse_datetime, unread_dates
from gwangyang.battery.io.textparse import parse_duration, sniff_decimal, to_float
from gwangyang.battery.schema import join_restarts


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("T1[°C]\t3.5".encode("latin-1"), "latin-1"),  # decodes as cp949 too, to a rare syllable
        ("Current(µA)".encode("latin-1"), "latin-1"),
        ("T1(℃)".encode("cp949"), "cp949"),
        ("메모,정상".encode("cp949"), "cp949"),
        ("메모,정상".encode("cp949")[:-1], "cp949"),  # a head cut inside its last character
        ("메모,정상".encode()[:-1], "utf-8"),
        ("\ufeffTest_Time".encode(), "utf-8-sig"),
        (b"Test_Time,Current", "utf-8"),
    ],
)
def test_sniff_encoding(data: bytes, expected: str) -> None:
    assert sniff_encoding(data) == expected


def test_korean_and_english_twelve_hour_clocks() -> None:
    text = pd.Series(
        ["2024-01-02 오전 12:00:05", "2024-01-02 오후 12:00:05", "2024-01-02 오후 1:02:03", None]
    )
    parsed = parse_datetime(text)
    expected = ["2024-01-02T00:00:05", "2024-01-02T12:00:05", "2024-01-02T13:02:03", "NaT"]
    np.testing.assert_array_equal(parsed, np.array(expected, dtype="datetime64[ns]"))
    assert unread_dates(text, parsed) is None


def test_day_month_order_is_the_reading_that_runs_forward_and_spans_least() -> None:
    # 05/06 then 06/06: as month/day a jump of a month; as day/month one day
    text = pd.Series(["05/06/2021 23:59:59", "06/06/2021 00:00:01", "07/06/2021 00:00:02"])
    parsed = parse_datetime(text, ("%Y-%m-%d %H:%M:%S",))
    np.testing.assert_array_equal(
        parsed,
        np.array(
            ["2021-06-05T23:59:59", "2021-06-06T00:00:01", "2021-06-07T00:00:02"], dtype="datetime64[ns]"
        ),
    )


def test_dates_of_no_known_form_are_counted() -> None:
    text = pd.Series(["2024-01-02 10:00:00", "second tuesday", ""])
    parsed = parse_datetime(text)
    assert np.isnat(parsed[1:]).all()
    assert unread_dates(text, parsed) == (1, "second tuesday")


def test_a_second_test_appended_carries_on() -> None:
    time = np.array([0.0, 10.0, 20.0, 0.0, 10.0])
    cycles = np.array([1.0, 1.0, 2.0, 1.0, 1.0])
    joined_time, joined_cycles, note = join_restarts(time, cycles)
    np.testing.assert_array_equal(joined_time, [0, 10, 20, 20, 30])
    np.testing.assert_array_equal(joined_cycles, [1, 1, 2, 3, 3])
    assert note is not None and "data row 4" in note


def test_rows_out_of_order_are_not_a_restart() -> None:
    time = np.array([5.0, 10.0, 9.0, 20.0])
    cycles = np.array([1.0, 1.0, 1.0, 1.0])
    assert join_restarts(time, cycles)[2] is None
    # the first two rows swapped: time back at the first row's, but it had not gone past it
    assert join_restarts(np.array([2.0, 1.0, 3.0]), np.ones(3))[2] is None


def test_damaged_times_are_not_a_restart() -> None:
    # found by the fuzzer: a row whose time is -inf is dropped later, not taken for a second test
    time = np.array([0.0, 0.5, -np.inf, 1.0, np.nan, 2.0])
    joined_time, _, note = join_restarts(time, np.ones(6))
    assert note is None and joined_time is time


def test_a_huge_exponent_is_refused_not_a_crash(tmp_path: Path) -> None:
    # found by the fuzzer: pandas' fast float parser and to_numeric crash the process on 1e4003333335
    from gwangyang.battery.io import read_cycler
    from gwangyang.errors import InputError

    from .variants import CYCLERS

    lines = (CYCLERS / "basytec" / "sample_data_basytec.txt").read_bytes().split(b"\n")
    lines[60] = b"1e4003333335" + lines[60][lines[60].index(b"\t") :]
    path = tmp_path / "damaged.txt"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(
        InputError, match=r"damaged\.txt: column '~Time\[s\]' \(test_time_s\) is missing or not a finite"
    ):
        read_cycler(path)


def test_a_time_beyond_any_date_gets_no_date_not_an_overflow(tmp_path: Path) -> None:
    # found by the fuzzer: Basytec's date_time (start + test time) overflowed on a time of 2e298 s
    from gwangyang.battery.io.basytec import BasytecReader

    from .variants import CYCLERS

    lines = (CYCLERS / "basytec" / "sample_data_basytec.txt").read_bytes().split(b"\n")
    lines[40] = b"2e00298" + lines[40][lines[40].index(b"\t") :]
    path = tmp_path / "damaged.txt"
    path.write_bytes(b"\n".join(lines))
    data = BasytecReader().read(path)
    assert data.timeseries["date_time"].isna().sum() == 1


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("26:03:04", 26 * 3600 + 3 * 60 + 4),
        ("1d 02:03:04", 86400 + 2 * 3600 + 3 * 60 + 4),
        ("1.02:03:04.5", 86400 + 2 * 3600 + 3 * 60 + 4.5),  # .NET TimeSpan
        ("1-02:03:04", 86400 + 2 * 3600 + 3 * 60 + 4),
        ("1 day, 2:03:04", 86400 + 2 * 3600 + 3 * 60 + 4),  # Python's timedelta
        ("2 days 02:03:04", 2 * 86400 + 2 * 3600 + 3 * 60 + 4),  # pandas' Timedelta
        ("0:00:01,25", 1.25),
        ("12.5", 12.5),
    ],
)
def test_durations_with_days_written_apart(text: str, seconds: float) -> None:
    assert parse_duration(pd.Series([text]))[0] == pytest.approx(seconds, abs=1e-9)


def test_thousands_grouped_by_commas_and_what_is_not() -> None:
    values = pd.Series(["1,234.5", "12,345", "-1,234,567.25", "3.7", "1,5", "1,23.4", "x", None])
    expected = [1234.5, 12345.0, -1234567.25, 3.7, np.nan, np.nan, np.nan, np.nan]
    np.testing.assert_array_equal(to_float(values), expected)
    assert to_float(pd.Series(["1,5"]), ",")[0] == 1.5  # a decimal comma, where the file writes them


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("1\t3,45\t21.10.2019 10:59:59", ","),  # a day-first date's points are no decimal points
        ("1\t3.45\t21.10.2019 10:59:59", "."),
        ("1\t3,45\t10/21/2019 10:59:59.5", "."),  # fractional seconds written with a point
        ("1\t1,234.5\t3,5", ","),  # a thousands-grouped number says neither
        ("1\t2019.10.21\t4", "."),
    ],
)
def test_sniff_decimal_passes_over_dates(tmp_path: Path, row: str, expected: str) -> None:
    path = tmp_path / "rows.txt"
    path.write_text(f"a\tb\tc\n{row}\n", encoding="utf-8")
    assert sniff_decimal(path, 0, "\t", "utf-8") == expected
