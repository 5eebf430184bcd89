"""A forecast series refused for its table, dates, values or length, the ortools baseline's refusal and an empty
store's 404, as the API and the CLI answer them (English) and as the Korean pages read them.

The English lines are the real answers (``POST /logistics/forecast/file`` and ``/forecast``, ``GET
/logistics/routes/latest``, ``gwangyang routes solve --solver ortools``, the forecaster's own checks);
:func:`gwangyang.api.i18n.phrase` and the pages' ``common.js`` (under Node) must give the Korean written here by
hand: file and column names, dates and counts as the English gave them, a period's unit as Korean counts it.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from gwangyang.api import i18n
from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.logistics import baseline
from gwangyang.logistics.forecast_input import load_series
from gwangyang.logistics.frequency import ONE_ROW_A_PERIOD as ONE_ROW
from gwangyang.logistics.frequency import frequency_of

from .page_script import page_phrases

HAULAGE = (
    Path(__file__).resolve().parents[2] / "src" / "gwangyang" / "logistics" / "scenarios" / "haulage.toml"
)

_GAP = "\n".join(
    f"{d:%Y-%m-%d},{1000 + i}"
    for i, d in enumerate(pd.bdate_range("2024-01-01", periods=60))
    if not 10 <= i < 17
)

UPLOADS = [
    (  # task: the week label's column was English inside its place
        "주간 물동량.csv",
        "주차,teu\n2021-W51,1\n2021-W52,2\n2021-W53,3\n",
        "주간 물동량.csv: column '주차': data row 3 holds '2021-W53', not an ISO week (2021 has weeks 01 to 52)",
        "주간 물동량.csv: 열 '주차': 데이터 3행의 값 '2021-W53'은(는) ISO 주가 아닙니다(2021년의 주는 01~52)",
    ),
    (
        "주간 물동량.csv",
        "주차,teu\n2021-W50,1\n2021-12-20,2\n",
        "주간 물동량.csv: column '주차' mixes ISO week labels with other values: data row 2 holds '2021-12-20'; "
        "write every row as a week like 2024-W01",
        "주간 물동량.csv: 열 '주차'에 ISO 주 표기와 다른 값이 섞여 있습니다: 데이터 2행이 '2021-12-20'입니다; "
        "모든 행을 2024-W01처럼 주로 쓰세요",
    ),
    (
        "판매 실적.csv",
        "월,판매\n1.5,1\n2.5,2\n",
        "판매 실적.csv: column '월' holds numbers (e.g. 1.5), not dates; write the dates as dates (2024-01 or "
        "2024-01-01, a year alone as 2024)",
        "판매 실적.csv: 열 '월'에 날짜가 아니라 숫자가 있습니다 (예: 1.5); 날짜는 날짜로 쓰세요 (2024-01이나 "
        "2024-01-01, 연도만 쓸 때는 2024)",
    ),
    (
        "판매 실적.csv",
        "월,판매,비고\n2024-01,1,a\n",
        "판매 실적.csv: name the date column and the target column; the table has 3 columns (월, 판매, 비고), not two",
        "판매 실적.csv: 날짜 열과 대상 열의 이름을 주세요; 표의 열이 두 개가 아니라 3개입니다 (월, 판매, 비고)",
    ),
    (
        "판매 실적.csv",
        "월,판매\n2024-01,1\n,2\n",
        "판매 실적.csv: column '월' has 1 missing date(s), the first in data row 2",
        "판매 실적.csv: 열 '월'에 빠진 날짜가 1개 있습니다 (첫 번째는 데이터 2행)",
    ),
    (
        "판매 실적.csv",
        "월,판매\n2024-01,1\n2024-02,x\n2024-03,\n",
        "판매 실적.csv: column '판매' has 2 missing or non-numeric value(s), the first in data row 2 ('x')",
        "판매 실적.csv: 열 '판매'에 비었거나 숫자가 아닌 값이 2개 있습니다 (첫 번째는 데이터 2행의 'x')",
    ),
    (
        "판매 실적.csv",
        "월,판매\n2024-01,1\n2024-02,2\n2024-04,3\n2024-05,3\n2024-07,3\n",
        "판매 실적.csv: months must be consecutive with no gaps: 2024-03 is missing (2 month(s) missing in all)",
        "판매 실적.csv: 개월 단위 기간이 빠짐없이 이어져야 합니다: 2024-03이(가) 없습니다 (모두 2개월 빠짐)",
    ),
    (
        "게이트 반출입.csv",
        "영업일,반출입(대)\n" + _GAP + "\n",
        "게이트 반출입.csv: 7 business days in a row are missing, 2024-01-15 to 2024-01-23 (7 of 60 missing in "
        "all); at most 5 in a row are filled as holidays, a longer gap is missing data",
        "게이트 반출입.csv: 2024-01-15부터 2024-01-23까지 영업일 7일이 연달아 빠졌습니다 (모두 60일 중 7일 빠짐); "
        "연달아 5일까지만 휴일로 채우며, 더 긴 공백은 빠진 데이터입니다",
    ),
]
"""Uploaded tables refused before any job: (file, its text, the API's detail, its Korean)."""

ROWS = [
    (
        {"series": [{"ds": f"2024-{m:02d}", "y": float(m)} for m in range(1, 13)], "horizon": 3},
        "series: 12 months is too short for 3 backtest windows of 3 months plus 24 months of history (two seasons "
        "of 12, at least 8); shorten --horizon or --windows",
        "series: 12개월은(는) 백테스트 창 3개(각 3개월)와 이력 24개월(계절 12의 두 배, 최소 8)에 모자랍니다; "
        "--horizon이나 --windows를 줄이세요",
    ),
    (
        {"series": [{"ds": "2024-01", "y": 1.0}, {"ds": "2024-02", "y": 2e101}]},
        "series: values must lie within ±1e+100, got 2e+101 (the models square them); rescale the series",
        "series: 값은 ±1e+100 안에 있어야 합니다 (입력: 2e+101, 모델이 값을 제곱합니다); 시계열 값의 단위를 줄이세요",
    ),
]
"""Rows given as JSON, refused before any job: (body, the API's detail, its Korean)."""


def korean(english: str, expected: str) -> None:
    """``english`` read Korean as ``expected`` (and left as it is in English)."""
    assert i18n.phrase(english, "ko") == expected
    assert i18n.phrase(english, "en") == english


@pytest.mark.parametrize(("name", "text", "english", "expected"), UPLOADS)
def test_an_uploaded_series_refusal_reads_korean(
    fresh_client: TestClient, name: str, text: str, english: str, expected: str
) -> None:
    reply = fresh_client.post("/api/v1/logistics/forecast/file", files={"files": (name, text.encode())})
    assert reply.status_code == 400 and reply.json()["detail"] == english, reply.text
    korean(english, expected)


@pytest.mark.parametrize(("body", "english", "expected"), ROWS)
def test_a_series_given_as_rows_refusal_reads_korean(
    fresh_client: TestClient, body: dict[str, Any], english: str, expected: str
) -> None:
    reply = fresh_client.post("/api/v1/logistics/forecast", json=body)
    assert reply.status_code == 400 and reply.json()["detail"] == english, reply.text
    korean(english, expected)


def test_an_empty_store_s_latest_reads_korean(fresh_client: TestClient) -> None:
    for kind, korean_kind in (("routes", "경로가"), ("forecast", "예측이")):
        reply = fresh_client.get(f"/api/v1/logistics/{kind}/latest")
        english = f"no {kind} in the store yet: run a job or `gwangyang demo`."
        assert reply.status_code == 404 and reply.json()["detail"] == english
        korean(
            english, f"저장소에 아직 {korean_kind} 없습니다: 작업을 실행하거나 `gwangyang demo`를 실행하세요."
        )


ORTOOLS = (
    "gwangyang-haulage: the ortools baseline does not model pickup-delivery pairs, duration or distance limits, "
    "duration costs or breaks; use --solver pyvrp"
)


def test_the_cli_s_ortools_baseline_refusal_reads_korean(capsys: pytest.CaptureFixture[str]) -> None:
    # the CLI stays English (exit 2, one line); the routes page reads the same line Korean
    assert main(["routes", "solve", str(HAULAGE), "--time-limit", "1", "--solver", "ortools"]) == 2
    assert capsys.readouterr().err.strip() == f"error: {ORTOOLS}"
    korean(
        ORTOOLS,
        "gwangyang-haulage: ortools 기준 해법은 상차·하차 쌍, 운행 시간이나 거리 한도, 운행 시간 비용이나 휴식을(를) "
        "다루지 않습니다; --solver pyvrp를 쓰세요",
    )


def test_every_feature_the_baseline_refuses_reads_korean() -> None:
    # an instance with every feature (the attributes refuse() reads); the last feature holds ", " itself
    vehicle = SimpleNamespace(
        reload_depots=[0],
        max_duration=60.0,
        max_distance=float("inf"),
        unit_duration_cost=1,
        break_duration=0,
    )
    instance: Any = SimpleNamespace(
        name="광양 배차",
        vehicles=[vehicle],
        shipments=[(1, 2)],
        pickup=np.array([0, 1]),
        release=np.array([0, 5]),
        has_choices=True,
    )
    with pytest.raises(InputError) as caught:
        baseline.refuse(instance)
    english = str(caught.value)
    assert english == (
        "광양 배차: the ortools baseline does not model reloads, pickup-delivery pairs, backhauls, release times, "
        "duration or distance limits, duration costs or breaks, prizes, client groups or allowed clients; use "
        "--solver pyvrp"
    )
    korean(
        english,
        "광양 배차: ortools 기준 해법은 재적재, 상차·하차 쌍, 회수(backhaul), 출고 시각, 운행 시간이나 거리 한도, "
        "운행 시간 비용이나 휴식, 보상, 고객 그룹이나 허용 고객을(를) 다루지 않습니다; --solver pyvrp를 쓰세요",
    )


def test_a_period_s_unit_reads_as_korean_counts_it() -> None:
    forecast = importlib.import_module(
        "gwangyang.logistics.forecast"
    )  # the package's forecast is the function
    from gwangyang.logistics.forecast_input import rows_to_series

    def series(freq: str, start: str = "2020-01-06") -> pd.DataFrame:
        dates = (
            pd.bdate_range(start, periods=30) if freq == "B" else pd.date_range(start, periods=30, freq=freq)
        )
        return pd.DataFrame({"ds": dates, "y": np.arange(30.0)})

    days = pd.bdate_range("2024-01-01", periods=60)
    cases: list[tuple[Any, str | None, str]] = [
        (
            lambda: forecast.check_length(30, forecast.frequency_for(series("D")), 12, 3),
            "series: 30 days is too short for 3 backtest windows of 12 days plus 14 days of history (two seasons "
            "of 7, at least 8); shorten --horizon or --windows",
            "series: 30일은 백테스트 창 3개(각 12일)와 이력 14일(계절 7의 두 배, 최소 8)에 모자랍니다; "
            "--horizon이나 --windows를 줄이세요",
        ),
        (
            lambda: forecast.check_length(30, forecast.frequency_for(series("B")), 12, 3),
            "series: 30 business days is too short for 3 backtest windows of 12 business days plus 10 business "
            "days of history (two seasons of 5, at least 8); shorten --horizon or --windows",
            "series: 30영업일은(는) 백테스트 창 3개(각 12영업일)와 이력 10영업일(계절 5의 두 배, 최소 8)에 "
            "모자랍니다; --horizon이나 --windows를 줄이세요",
        ),
        (
            lambda: forecast.forecast(series("2W-MON"), 0),
            "horizon: expected at least 1 fortnight, got 0",
            "horizon: 1격주 이상이어야 합니다 (입력: 0)",
        ),
        (
            lambda: forecast.forecast(series("D"), 0),
            "horizon: expected at least 1 day, got 0",
            "horizon: 1일 이상이어야 합니다 (입력: 0)",
        ),
        (
            lambda: forecast.holdout_evaluation(series("D"), holdout=40),
            "holdout: expected 1 to 29 days, got 40",
            "holdout: 1에서 29일 사이여야 합니다 (입력: 40)",
        ),
        (
            lambda: forecast.holdout_evaluation(series("W-MON"), holdout=0),
            "holdout: expected 1 to 29 weeks, got 0",
            "holdout: 1에서 29주 사이여야 합니다 (입력: 0)",
        ),
        (
            lambda: rows_to_series(
                [(f"{d:%Y-%m-%d}", 1.0) for i, d in enumerate(days) if i % 4 != 1 or i < 3]
            ),
            "series: 14 of 60 business days are missing (23%, the first 2024-01-08); at most 10% are filled as "
            "holidays",
            "series: 영업일 60일 중 14일(23%)이 빠졌습니다 (첫 날 2024-01-08); 휴일로 채우는 것은 최대 10%까지입니다",
        ),
        (
            lambda: rows_to_series([]),
            "series: no rows; expected one row per month, quarter, half-year, year, week, fortnight, day or "
            "business day",
            "series: 행이 없습니다; 월, 분기, 반기, 연, 주, 격주, 일 또는 영업일마다 한 행이 필요합니다",
        ),
        (
            lambda: rows_to_series([("2024-01", 1.0), ("내일", 2.0)]),
            None,
            "series: 날짜가 아닌 'ds' 값이 있습니다 (",
        ),
    ]
    for build, english, expected in cases:
        with pytest.raises(InputError) as caught:
            build()
        if english is None:  # pandas' reason stays as pandas wrote it
            assert i18n.phrase(str(caught.value), "ko").startswith(expected), str(caught.value)
            assert i18n.phrase(str(caught.value), "ko").endswith(
                "; '2024-01'이나 '2024-01-15' 같은 날짜여야 합니다"
            )
            continue
        assert str(caught.value) == english
        korean(english, expected)


def test_the_pages_script_reads_them_as_the_server() -> None:
    lines = [english for *_, english, _ in UPLOADS] + [english for _, english, _ in ROWS] + [ORTOOLS]
    lines += ["holdout: expected 1 to 29 days, got 40", "horizon: expected at least 1 fortnight, got 0"]
    assert page_phrases(lines) == [i18n.phrase(line, "ko") for line in lines]


WHERE = "판매.csv: column '일자'"
ONE_ROW_KO = "예측기는 월, 분기, 반기, 연, 주, 2주, 일 또는 영업일마다 한 행씩 고른 간격으로 받습니다"


def _table(text: str) -> Path:
    path = Path("판매 실적.csv")
    path.write_text(text, encoding="utf-8")
    return path


def _dates(*texts: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(list(texts), format="ISO8601"))


_SAT = [f"{d:%Y-%m-%d}" for d in pd.bdate_range("2024-01-01", periods=60)] + ["2024-01-13"]

SEMICOLON_LINES: list[tuple[Any, str, str]] = [
    # i18n.phrase cuts a line at "; " and reads each part on its own (a msgid never holds "; "): these real lines
    # of the forecaster hold "; " between whole clauses, so each part is a sentence of its own and the Korean
    # reads right part by part. The one that held "; " inside parentheses ("(2024-01 or 2024-01-01; a year alone
    # as 2024)", cut in two mid-bracket) and the one whose "; got 2e+101;" made a part of two words now write
    # those with ", " (UPLOADS and ROWS above)
    (
        lambda: frequency_of(_dates("2024-01-01 00:00", "2024-01-01 06:00", "2024-01-01 12:00"), WHERE),
        "판매.csv: column '일자' holds sub-daily dates (a median of 6 hours apart); give one row per day at most; "
        + ONE_ROW,
        "판매.csv: 열 '일자'의 날짜 간격이 하루보다 짧습니다 (중앙값 6시간); 하루에 한 행까지만 주세요; "
        + ONE_ROW_KO,
    ),
    (
        lambda: frequency_of(_dates("2024-01-01 00:00", "2024-01-02 08:30", "2024-01-03 00:00"), WHERE),
        "판매.csv: column '일자' holds times of day (2024-01-02 08:30); give one row per day at most; "
        + ONE_ROW,
        "판매.csv: 열 '일자'에 하루 중 시각이 있습니다 (2024-01-02 08:30); 하루에 한 행까지만 주세요; "
        + ONE_ROW_KO,
    ),
    (
        lambda: frequency_of(_dates("2024-01-01", "2024-01-04", "2024-01-07"), WHERE),
        "판매.csv: column '일자' holds dates a median of 3 days apart (not daily, weekly or fortnightly); "
        + ONE_ROW,
        "판매.csv: 열 '일자'의 날짜 간격 중앙값이 3일입니다 (일별, 주별, 격주별이 아님); " + ONE_ROW_KO,
    ),
    (
        lambda: frequency_of(_dates("2024-01-01", "2024-01-08", "2024-01-17", "2024-01-22"), WHERE),
        "판매.csv: column '일자' holds irregular dates (mostly 7 day(s) apart, but 2024-01-17 is 9 day(s) after "
        "2024-01-08); " + ONE_ROW,
        "판매.csv: 열 '일자'의 날짜 간격이 고르지 않습니다 (대개 7일 간격이지만 2024-01-17은(는) 2024-01-08보다 9일 "
        "뒤); " + ONE_ROW_KO,
    ),
    (
        lambda: frequency_of(_dates(*_SAT), WHERE),
        "판매.csv: column '일자' holds business days with 1 weekend date(s) among them (the first 2024-01-13, a "
        "Saturday); a business-day series holds Monday to Friday only: move or drop those rows; " + ONE_ROW,
        "판매.csv: 열 '일자': 영업일 사이에 주말 날짜가 1개 있음 (첫 날짜 2024-01-13, 토요일); 영업일 시계열은 "
        "월요일부터 금요일까지만 담습니다: 그 행을 옮기거나 빼십시오; " + ONE_ROW_KO,
    ),
    (
        lambda: frequency_of(_dates("2024-01-01", "2024-02-01", "2024-03-01"), WHERE, (0, 1, 2, 3, 4, 5)),
        "판매.csv: column '일자' holds monthly dates; working days Mon Tue Wed Thu Fri Sat are given for daily dates "
        "only",
        "판매.csv: 열 '일자': 월별 날짜; 근무일 월 화 수 목 금 토은(는) 일 단위 날짜에만 줄 수 있습니다",
    ),
    (
        lambda: load_series(_table("월,판매\n2024-01,1\n"), "월", "매출"),
        "판매 실적.csv: no column '매출' (target); columns are 월, 판매",
        "판매 실적.csv: 열 '매출'이(가) 없습니다 (target); 있는 열: 월, 판매",
    ),
]


def test_lines_holding_semicolons_read_right_part_by_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the table is named by its relative path, as an upload names it
    for build, english, expected in SEMICOLON_LINES:
        with pytest.raises(InputError) as caught:
            build()
        assert str(caught.value) == english
        korean(english, expected)


def test_a_place_s_column_reads_korean_but_a_field_named_like_it_does_not() -> None:
    # the value piece ": column '...'" (value_phrases) in a pattern's place; a field such as size_column is a name
    lines = {
        "판매.csv: column '일자' does not hold dates": "판매.csv: 열 '일자'에 날짜로 읽을 수 없는 값이 있습니다",
        "판매.csv: size_column '일자' does not hold dates": "판매.csv: size_column '일자'에 날짜로 읽을 수 없는 값이 있습니다",
        "column '일자' does not hold dates": "column '일자'에 날짜로 읽을 수 없는 값이 있습니다",
    }
    for english, expected in lines.items():
        korean(english, expected)
    assert page_phrases(list(lines)) == list(lines.values())


@pytest.mark.parametrize(
    "units", ["months", "quarters", "half-years", "years", "weeks", "fortnights", "business days"]
)
def test_a_span_reads_alike_on_the_forecast_page_and_in_the_lines(units: str) -> None:
    """The page's span (``{n} fortnights``, logistics.js) and a line's count (``%(n)s%(word_units)s``) agree.

    Before, the lines read ``1격주`` and ``10영업일`` and the page ``격주 1회`` and ``영업일 10일``.
    """
    catalogue = i18n.translations("ko")
    assert catalogue.gettext("{n} " + units).format(n=12) == "12" + catalogue.gettext(units)
