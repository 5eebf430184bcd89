"""ISO week labels in and out: ``2026-W14`` and ``2026년 14주`` read as the week's Monday; weekly output named so.

The expected Mondays are computed with :meth:`datetime.date.fromisocalendar` (another route than the reader's regex)
and the expected labels with :meth:`datetime.date.isocalendar`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.api import i18n
from gwangyang.cli.main import main
from gwangyang.logistics.forecast import forecast, load_series
from gwangyang.logistics.forecast_input import rows_to_series
from gwangyang.logistics.views import forecast_view

WEEKS = (
    [(2024, w) for w in range(1, 53)] + [(2025, w) for w in range(1, 53)] + [(2026, w) for w in range(1, 15)]
)
"""118 ISO weeks, 2024-W01 .. 2026-W14 (2024 and 2025 have 52 weeks)."""


def label(year: int, week: int) -> str:
    return f"{year}-W{week:02d}"


@pytest.fixture(scope="module")
def values() -> np.ndarray:
    rng = np.random.default_rng(5)
    return np.resize(300 + 40 * np.sin(np.arange(52) * 2 * np.pi / 52), len(WEEKS)) + rng.normal(
        0, 5, len(WEEKS)
    )


@pytest.mark.parametrize(
    "spell",
    [
        lambda y, w: f"{y}년 {w}주",
        lambda y, w: f"{y}년 {w:02d}주차",
        lambda y, w: f"{y}년 제{w}주",
        lambda y, w: f"{y} W{w:02d}",
    ],
)
def test_korean_and_spaced_week_labels_read_as_mondays(spell: object, values: np.ndarray) -> None:
    rows = [(spell(y, w), v) for (y, w), v in zip(WEEKS, values, strict=True)]  # type: ignore[operator]
    series = rows_to_series(rows)
    assert list(series["ds"]) == [pd.Timestamp(dt.date.fromisocalendar(y, w, 1)) for y, w in WEEKS]


def test_korean_week_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "주간.csv"
    pd.DataFrame({"주": ["2025년 52주", "2025년 53주"], "y": [1, 2]}).to_csv(path, index=False)
    with pytest.raises(
        Exception, match="'2025년 53주', not an ISO week \\(2025 has weeks 01 to 52\\)"
    ) as caught:
        load_series(path, "주", "y")
    # the page's Korean reads the whole line (a reader's "column ... holds ..., not ..." once read it in part), its
    # place's column too (it once kept "column '주'" English)
    assert i18n.phrase(str(caught.value), "ko") == (
        f"{path}: 열 '주': 데이터 2행의 값 '2025년 53주'은(는) ISO 주가 아닙니다(2025년의 주는 01~52)"
    )


def test_weekly_output_named_by_iso_week(tmp_path: Path, values: np.ndarray) -> None:
    series = rows_to_series([(label(y, w), v) for (y, w), v in zip(WEEKS, values, strict=True)])
    result = forecast(series, horizon=4, models=("seasonal_naive",))
    d = result.to_dict()
    assert [r["period"] for r in d["forecast"]] == ["2026-W15", "2026-W16", "2026-W17", "2026-W18"]
    assert [r["ds"] for r in d["forecast"]] == ["2026-04-06", "2026-04-13", "2026-04-20", "2026-04-27"]
    # seasonal naive: the week 52 weeks before (2025-W15 .. W18 = positions 66..69)
    assert [r["mean"] for r in d["forecast"]] == pytest.approx(list(values[66:70]), rel=1e-9)
    view = forecast_view(result, "물동량", "test")
    assert view["history"][0] == {"period": "2024-W01", "ds": "2024-01-01", "y": pytest.approx(values[0])}
    lines = result.summary().splitlines()
    assert lines[1].split()[0] == "2026-W15" and "2026-04-06" not in result.summary()


def test_cli_csv_and_text_show_week_labels(
    tmp_path: Path, values: np.ndarray, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "주간물동량.csv"
    pd.DataFrame({"주차": [f"{y}년 {w}주" for y, w in WEEKS], "물동량": values}).to_csv(path, index=False)
    out = tmp_path / "예측.csv"
    args = ["forecast", str(path), "--date-column", "주차", "--target", "물동량", "--horizon", "3"]
    assert main([*args, "--windows", "1", "--csv", str(out), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["period"] for r in rows] == ["2026-W15", "2026-W16", "2026-W17"]
    assert [r["ds"] for r in rows] == ["2026-04-06", "2026-04-13", "2026-04-20"]
    assert [float(r["mean"]) for r in rows] == [f["mean"] for f in doc["forecast"]]
    assert main([*args, "--windows", "1"]) == 0
    assert "  2026-W15  " in capsys.readouterr().err


def test_weeks_not_on_mondays_keep_their_dates() -> None:
    ds = pd.date_range("2022-01-02", periods=120, freq="W-SUN")
    series = rows_to_series([(f"{d:%Y-%m-%d}", float(i % 52)) for i, d in enumerate(ds)])
    d = forecast(series, horizon=2, models=("seasonal_naive",)).to_dict()
    assert [r["period"] for r in d["forecast"]] == ["2024-04-21", "2024-04-28"]
