"""Working weekdays through the API and in Korean: ``working_days`` in English or Korean (JSON text or list, form
field), the result's days and every refusal or note naming a weekday read in Korean, by the server and by the
pages' script alike (hand-written Korean)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from gwangyang.api import i18n
from gwangyang.errors import InputError
from gwangyang.logistics.forecast import forecast
from gwangyang.logistics.forecast_input import rows_to_series
from gwangyang.logistics.weekdays import parse_working_days
from tests.logistics.test_working_days import six_day_rows

ROOT = Path(__file__).resolve().parents[2]
LOG = "/api/v1/logistics"
SIX = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]


@pytest.mark.parametrize("days", ["월요일~토요일", ["Mon", "화", "수요일", "Thursday", "금", "토"]])
def test_json_series_with_working_days(fresh_client: TestClient, days: str | list[str]) -> None:
    rows = [{"ds": ds, "y": y} for ds, y in six_day_rows()]
    body = {"series": rows, "name": "출하량", "horizon": 3, "windows": 1, "working_days": days}
    response = fresh_client.post(f"{LOG}/forecast", params={"wait": 120}, json=body)
    assert response.status_code == 201, response.text
    job = response.json()["job"]
    assert job["params"]["working_days"] == SIX
    result = job["result"]
    assert result["frequency"]["working_days"] == SIX
    assert [f["ds"] for f in result["forecast"]] == ["2024-01-22", "2024-01-23", "2024-01-24"]
    assert result["notes"] == ["working calendar of 6 days a week, as given: Sunday closed"]


def test_form_field_and_refusals(fresh_client: TestClient, tmp_path: Path) -> None:
    rows = six_day_rows()
    table = pd.DataFrame({"작업일": [r[0] for r in rows], "출하량": [r[1] for r in rows]})
    content = table.to_csv(index=False).encode("utf-8")
    data = {"horizon": "2", "windows": "1"}
    upload = {"files": ("공장 출하.csv", content, "text/csv")}
    refused = fresh_client.post(f"{LOG}/forecast/file", files=upload, data=data)
    assert refused.status_code == 400 and "2024-01-07 is missing" in refused.json()["detail"]
    done = fresh_client.post(
        f"{LOG}/forecast/file", params={"wait": 120}, files=upload, data={**data, "working_days": "월-토"}
    )
    assert done.status_code == 201, done.text
    assert done.json()["job"]["result"]["frequency"]["working_days"] == SIX
    bad = fresh_client.post(f"{LOG}/forecast/file", files=upload, data={**data, "working_days": "월-토요"})
    assert bad.status_code == 400
    assert i18n.phrase(bad.json()["detail"], "ko") == (
        "working_days: '토요'은(는) 요일이 아닙니다 (Mon..Sun, Monday..Sunday, 월..일 또는 월요일..일요일을 목록이나 "
        "Mon-Sat, 월~토 같은 범위로 주십시오)"
    )
    sample = fresh_client.post(f"{LOG}/forecast", json={"working_days": "Mon-Fri"})
    assert sample.status_code == 400
    assert sample.json()["detail"].endswith(
        "holds monthly dates; working days Mon Tue Wed Thu Fri are given for daily dates only"
    )


def refusal(rows: list[tuple[str, float]], working: str | None = None) -> str:
    """The one line a series is refused with (the code's own words)."""
    with pytest.raises(InputError) as caught:
        series = rows_to_series(rows, working_days=None if working is None else parse_working_days(working))
        forecast(series, horizon=2, n_windows=1, models=("seasonal_naive",))
    return str(caught.value)


def business_rows(weeks: int, extra: str | None = None) -> list[tuple[str, float]]:
    days = [f"{d:%Y-%m-%d}" for d in pd.bdate_range("2024-01-01", periods=5 * weeks)]
    return [(ds, 100.0) for ds in sorted([*days, *([extra] if extra else [])])]


def six_rows(weeks: int, drop_saturdays: bool = False, extra: str | None = None) -> list[tuple[str, float]]:
    rows = six_day_rows(weeks)
    if drop_saturdays:  # every other Saturday, from the first (2024-01-06)
        saturdays = [ds for ds, _ in rows if pd.Timestamp(ds).weekday() == 5][::2]
        rows = [r for r in rows if r[0] not in saturdays]
    return sorted([*rows, *([(extra, 1.0)] if extra else [])])


def cases() -> list[tuple[str, str]]:
    """Each line naming a weekday, as the code writes it, with its Korean (hand-written)."""
    one_row = "예측기는 월, 분기, 반기, 연, 주, 2주, 일 또는 영업일마다 한 행씩 고른 간격으로 받습니다"
    return [
        (
            refusal(business_rows(8, "2024-01-13")),
            "series: 'ds': 영업일 사이에 주말 날짜가 1개 있음 (첫 날짜 2024-01-13, 토요일); "
            "영업일 시계열은 월요일부터 금요일까지만 담습니다: 그 행을 옮기거나 빼십시오; " + one_row,
        ),
        (
            refusal(six_rows(12, extra="2024-01-14")),
            "series: 'ds': 근무일 월 화 수 목 금 토 사이에 일요일 날짜가 1개 있음 (첫 날짜 2024-01-14, 일요일); "
            "영업일 시계열은 근무 요일만 담습니다: 그 행을 옮기거나 빼십시오; " + one_row,
        ),
        (
            refusal(six_rows(20, drop_saturdays=True)),
            "series: 토요일 20일 중 10일이 빠짐 (첫 날짜 2024-01-06); "
            "일부 주에만 일한 요일은 휴일이 아닙니다: 매주 주거나 빼십시오",
        ),
        (
            refusal(six_rows(2), "월~금"),
            "series: 'ds': 근무일 월 화 수 목 금 밖의 요일에 날짜가 2개 있음 (첫 날짜 2024-01-06, 토요일); "
            "그 행을 옮기거나 빼거나, 그 요일을 근무일로 주십시오",
        ),
        (
            "series: 'ds' holds weekly dates; working days Sun Mon Tue Wed Thu are given for daily dates only",
            "series: 'ds': 주별 날짜; 근무일 일 월 화 수 목은(는) 일 단위 날짜에만 줄 수 있습니다",
        ),
        (
            "working calendar of 6 days a week, as given: Sunday closed",
            "주 6일 근무 달력(지정한 대로): 일요일 휴무",
        ),
        (
            "working calendar of 6 days a week: no Sunday in the series' 20 weeks, so those are closed days, not "
            "missing days",
            "주 6일 근무 달력: 시계열의 20주 동안 일요일 날짜가 한 번도 없어, 빠진 날이 아니라 쉬는 날로 봅니다",
        ),
    ]


def test_lines_naming_weekdays_read_korean() -> None:
    found = cases()
    for english, korean in found:
        assert i18n.phrase(english, "ko") == korean, english
        assert i18n.phrase(english, "en") == english
    assert not any(day in korean for _, korean in found for day in ("Monday", "Saturday", "Sunday", " Mon "))


def test_the_pages_script_reads_them_as_the_server() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    lines = [english for english, _ in cases()]
    script = (
        "const vm = require('vm'); const fs = require('fs');"
        "const [messages, phrases, lines, days] = JSON.parse(fs.readFileSync(0, 'utf8'));"
        "const context = { window: { gwangyangMessages: messages, gwangyangPhrases: phrases },"
        " document: { getElementById: () => ({ textContent: '{}' }), documentElement: { lang: 'ko' } } };"
        "vm.runInNewContext(fs.readFileSync(process.argv[1], 'utf8'), context);"
        "const g = context.window.gwangyang;"
        "process.stdout.write(JSON.stringify([lines.map((l) => g.phrase(l)), days.map((d) => g.t(d)).join(' ')]));"
    )
    payload = json.dumps([i18n.messages("ko"), i18n.script_phrases("ko"), lines, SIX])
    done = subprocess.run(
        [node, "-e", script, str(ROOT / "src" / "gwangyang" / "web" / "static" / "common.js")],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
    )
    phrased, days = json.loads(done.stdout)
    assert phrased == [korean for _, korean in cases()]
    assert days == "월 화 수 목 금 토"  # the forecast page's working-days card (logistics.js: g.t of each)
