"""The factory page in headless Chromium: fit a monitor and score a table through the page; results survive a reload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gwangyang.samples import sample_dir
from gwangyang.store import Store

from .test_battery_pages import plotted

pytestmark = pytest.mark.e2e

TEP_FAULT_START = 160
"""Fault 1 enters the TEP test run after sample 160 (Chiang, Russell & Braatz 2000)."""


def test_fit_and_score_through_page(page: Any, server: tuple[str, Store], tmp_path: Path) -> None:
    _base, store = server
    page.get_by_test_id("nav-factory").click()
    page.wait_for_url("**/factory")
    folder = sample_dir("factory")
    page.get_by_test_id("fit-name").fill("line1")
    page.get_by_test_id("fit-time-column").fill("time_min")
    page.get_by_test_id("fit-input").set_input_files(str(folder / "tep_normal_d00.csv.gz"))
    page.get_by_test_id("fit-submit").click()
    page.locator('[data-testid="monitor-row"][data-name="line1"]').wait_for(timeout=120_000)

    page.get_by_test_id("score-input").set_input_files(str(folder / "tep_fault01_d01_te.csv.gz"))
    page.get_by_test_id("score-submit").click()
    t2 = plotted(page, "plot-t2")
    q = plotted(page, "plot-q")

    from gwangyang.factory.io import read_table
    from gwangyang.factory.streaming import StreamingMonitor, store_monitor_path

    direct = StreamingMonitor.load(store_monitor_path(store.root, "line1")).score_table(
        read_table(folder / "tep_fault01_d01_te.csv.gz", "time_min")
    )
    np.testing.assert_allclose(np.array(t2[0]["y"], dtype=float), direct.t2, rtol=1e-9)
    np.testing.assert_allclose(np.array(q[0]["y"], dtype=float), direct.q, rtol=1e-9)
    assert page.get_by_test_id("alarm-row").count() == len(direct.alarms) >= 1
    assert direct.alarms[0].start_index >= TEP_FAULT_START  # no alarm before the fault
    page.screenshot(path=str(tmp_path / "factory.png"), full_page=True)

    assert "job=" in page.url
    page.reload()  # the scoring job's record is in the store: the charts come back
    reloaded = plotted(page, "plot-t2")
    np.testing.assert_allclose(np.array(reloaded[0]["y"], dtype=float), direct.t2, rtol=1e-9)


def test_factory_page_fits_phone_width(browser: Any, server: tuple[str, Store], tmp_path: Path) -> None:
    from .conftest import TOKEN

    base, _store = server
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.goto(f"{base}/factory?token={TOKEN}")
    tab.get_by_test_id("fit-form").wait_for()
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= 390
    tab.screenshot(path=str(tmp_path / "factory-phone.png"), full_page=True)
    context.close()


def test_page_shows_the_demo_scoring_without_a_job_in_the_address(
    page: Any, server: tuple[str, Store]
) -> None:
    from gwangyang.demo import factory_step as factory_demo_step

    base, store = server
    summary = factory_demo_step(store)  # writes the monitor and a finished factory.score job into the store
    page.goto(f"{base}/factory")
    page.locator('[data-testid="monitor-row"][data-name="tep-pca"]').wait_for()
    t2 = plotted(page, "plot-t2")
    assert len(t2[0]["y"]) == summary["summary"]["rows"] == 960
    assert page.get_by_test_id("alarm-row").count() == summary["summary"]["alarms"] >= 1


def test_korean_export_through_page(page: Any, server: tuple[str, Store], tmp_path: Path) -> None:
    """A cp949 CSV with a title line fits; a workbook with a cover sheet scores; names and notes shown as written."""
    from tests.battery.io.xlsx import write_xlsx
    from tests.factory.test_customer_tables import NAMES, _excel_csv, _process

    normal = _excel_csv(tmp_path / "정상.csv", _process(300, 3))
    drift = _process(120, 4)
    drift[60:, 1] += 1.0  # 압력 rises: the alarm is blamed on it
    rows = [["시간", *NAMES]] + [[float(i), *map(float, r)] for i, r in enumerate(drift)]
    book = write_xlsx(tmp_path / "점검.xlsx", {"표지": [["작성자", "김"]], "데이터": rows})
    page.get_by_test_id("nav-factory").click()
    page.wait_for_url("**/factory")
    page.get_by_test_id("fit-name").fill("line-kr")
    page.get_by_test_id("fit-time-column").fill("시간")
    page.get_by_test_id("fit-input").set_input_files(str(normal))
    page.get_by_test_id("fit-submit").click()
    page.locator('[data-testid="monitor-row"][data-name="line-kr"]').wait_for(timeout=120_000)
    page.get_by_test_id("score-monitor").select_option("line-kr")
    page.get_by_test_id("score-input").set_input_files(str(book))
    page.get_by_test_id("score-submit").click()
    page.get_by_test_id("score-summary").filter(has_text="점검.xlsx").wait_for(timeout=120_000)
    first = page.get_by_test_id("alarm-row").first.inner_text()
    assert "압력 [bar]" in first
    assert "점검.xlsx: sheet '데이터' read" in page.get_by_test_id("score-warnings").inner_text()


def test_attribute_chart_through_page(page: Any, server: tuple[str, Store], tmp_path: Path) -> None:
    """OK/NG items of a cp949 CSV in lots of 10 and 20: the page draws the p chart with its per-lot limits."""
    from gwangyang.factory import service
    from tests.factory.test_spc_attributes import _items

    path = tmp_path / "검사 결과.csv"
    _items([1, 2, 5, 0], [10, 20, 10, 20], fail="NG", ok="OK").to_csv(path, index=False, encoding="cp949")
    direct, _ = service.spc(path, "판정", subgroup_column="로트")
    page.get_by_test_id("nav-factory").click()
    page.wait_for_url("**/factory")
    page.get_by_test_id("spc-column").fill("판정")
    page.get_by_test_id("spc-subgroup-column").fill("로트")
    page.get_by_test_id("spc-input").set_input_files(str(path))
    page.get_by_test_id("spc-submit").click()
    traces = {t["name"]: t for t in plotted(page, "plot-spc")}
    chart = direct["charts"][0]
    assert traces["p"]["x"] == ["로트-01", "로트-02", "로트-03", "로트-04"]
    np.testing.assert_allclose(traces["p"]["y"], [0.1, 0.1, 0.5, 0.0])
    np.testing.assert_allclose(traces["upper limit"]["y"], chart["upper"], rtol=1e-12)
    assert traces["upper limit"]["y"][0] == pytest.approx(
        0.455824, abs=1e-6
    )  # by hand, see test_spc_attributes
    assert traces["out of control"]["x"] == ["로트-03"]
    summary = page.get_by_test_id("spc-summary").inner_text()
    assert summary == (
        "검사 결과.csv, 판정: p chart (chosen from the column), 1 chart(s), "
        f"{len(direct['rule_violations'])} run-rule violation(s) on the p chart."
    )
    lines = page.get_by_test_id("spc-chart-lines").locator("li").all_inner_texts()
    assert lines == ["p: 4 point(s), centre 0.1333, 1 out of control."]  # p̄ = 8/60, lot 3 by hand
    page.get_by_test_id("spc-results").screenshot(path=str(tmp_path / "factory-spc.png"))

    page.get_by_test_id("spc-chart").select_option("c")
    page.get_by_test_id("spc-submit").click()
    page.get_by_test_id("spc-status").filter(has_text="Refused").wait_for()
    assert "column '판정': holds pass/fail words" in page.get_by_test_id("spc-status").inner_text()


def test_every_spc_chart_through_page(page: Any, server: tuple[str, Store], tmp_path: Path) -> None:
    """Measurements: the page draws every chart of the answer (I, MR, EWMA, CUSUM+, CUSUM-), each with the
    answer's values and limits; the moving range is placed from the second sample; a following one-chart
    answer leaves one chart drawn."""
    import pandas as pd

    from gwangyang.factory import service
    from tests.factory.test_spc_attributes import _items

    path = tmp_path / "두께.csv"
    rng = np.random.default_rng(7)
    values = np.round(2.0 + 0.01 * rng.normal(size=25), 5)
    values[20] += 0.08  # one shift: out of control on I
    pd.DataFrame({"두께": values}).to_csv(path, index=False, encoding="cp949")
    direct, _ = service.spc(path, "두께")
    assert [c["name"] for c in direct["charts"]] == ["I", "MR", "EWMA", "CUSUM+", "CUSUM-"]
    page.get_by_test_id("nav-factory").click()
    page.wait_for_url("**/factory")
    page.get_by_test_id("spc-column").fill("두께")
    page.get_by_test_id("spc-input").set_input_files(str(path))
    page.get_by_test_id("spc-submit").click()
    for i, chart in enumerate(direct["charts"]):
        traces = {t["name"]: t for t in plotted(page, "plot-spc" if i == 0 else f"plot-spc-{i}")}
        np.testing.assert_allclose(traces[chart["name"]]["y"], chart["values"], rtol=1e-12)
        upper = [np.nan if u is None else u for u in chart["upper"]]
        drawn = [np.nan if u is None else u for u in traces["upper limit"]["y"]]
        np.testing.assert_allclose(drawn, upper, rtol=1e-12)
        first = 2 if chart["name"] == "MR" else 1  # |x2 - x1| is the second sample's moving range
        assert traces[chart["name"]]["x"] == list(range(first, 26))
    drawn_charts = page.locator('[data-testid^="plot-spc"][data-plotted="true"]')
    assert drawn_charts.count() == len(direct["charts"]) == 5
    lines = page.get_by_test_id("spc-chart-lines").locator("li").all_inner_texts()
    assert [line.split(":")[0] for line in lines] == ["I", "MR", "EWMA", "CUSUM+", "CUSUM-"]  # every chart
    for line, entry in zip(lines, direct["summary"], strict=True):
        assert line.startswith(f"{entry['name']}: {entry['points']} point(s), centre ")
        assert line.endswith(f", {entry['out_of_control']} out of control.")
    assert lines[1].startswith("MR: 24 point(s)")  # one moving range fewer than the 25 values
    mr = {t["name"]: t for t in plotted(page, "plot-spc-1")}["MR"]["y"]
    assert mr[0] == pytest.approx(abs(values[1] - values[0]), abs=1e-12)  # by hand
    page.get_by_test_id("spc-results").screenshot(path=str(tmp_path / "factory-spc-all.png"))

    items = tmp_path / "검사.csv"
    _items([1, 2, 5, 0], [10, 20, 10, 20], fail="NG", ok="OK").to_csv(items, index=False, encoding="cp949")
    page.get_by_test_id("spc-column").fill("판정")
    page.get_by_test_id("spc-subgroup-column").fill("로트")
    page.get_by_test_id("spc-input").set_input_files(str(items))
    page.get_by_test_id("spc-submit").click()
    page.get_by_test_id("spc-summary").filter(has_text="검사.csv").wait_for()
    assert page.locator('[data-testid^="plot-spc"][data-plotted="true"]').count() == 1
    assert page.get_by_test_id("spc-chart-lines").locator("li").count() == 1  # the earlier 5 lines are gone


def test_spc_summary_reads_korean(browser: Any, server: tuple[str, Store], tmp_path: Path) -> None:
    """A Korean browser: the summary and each chart's line come from the catalogue, numbers as the answer's."""
    from tests.factory.test_spc_attributes import _items

    from .conftest import TOKEN

    base, _store = server
    path = tmp_path / "검사.csv"
    _items([1, 2, 5, 0], [10, 20, 10, 20], fail="NG", ok="OK").to_csv(path, index=False, encoding="cp949")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    tab = context.new_page()
    tab.goto(f"{base}/factory?token={TOKEN}")
    tab.get_by_test_id("spc-column").fill("판정")
    tab.get_by_test_id("spc-subgroup-column").fill("로트")
    tab.get_by_test_id("spc-input").set_input_files(str(path))
    tab.get_by_test_id("spc-submit").click()
    tab.get_by_test_id("spc-summary").filter(has_text="검사.csv").wait_for()
    assert (
        tab.get_by_test_id("spc-summary").inner_text()
        == (
            "검사.csv, 판정: p 관리도(열 내용으로 선택), 관리도 1개, p 관리도의 런 규칙 위반 1건."  # rule 1: lot 3
        )
    )
    lines = tab.get_by_test_id("spc-chart-lines").locator("li").all_inner_texts()
    assert lines == ["p: 4점, 중심선 0.1333, 관리 이탈 1점."]
    # the answer's notes read Korean too (they were shown as the API's English)
    counts = tmp_path / "두께.csv"
    counts.write_text("두께\n" + "\n".join(str(3 + k % 4) for k in range(30)) + "\n", encoding="utf-8")
    tab.get_by_test_id("spc-column").fill("두께")
    tab.get_by_test_id("spc-subgroup-column").fill("")
    tab.get_by_test_id("spc-input").set_input_files(str(counts))
    tab.get_by_test_id("spc-submit").click()
    tab.get_by_test_id("spc-summary").filter(has_text="두께.csv").wait_for()
    assert tab.get_by_test_id("spc-warnings").locator("li").all_inner_texts() == [
        "두께.csv: '두께' 열은 0 이상의 정수이며 측정값으로 관리도를 그렸습니다; "
        "결점 수라면 c 관리도(또는 크기 열과 함께 u 관리도)를 지정하세요."
    ]
    context.close()
