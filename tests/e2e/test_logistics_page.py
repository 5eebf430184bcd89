"""The logistics pages in headless Chromium: the route map and table show the job's routes; the forecast plot shows
the job's history, forecast and interval; both fit a phone-width screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gwangyang.store import Store

from .test_battery_pages import plotted

pytestmark = pytest.mark.e2e


def job_result(page: Any) -> dict[str, Any]:
    job_id = page.url.split("job=")[1].split("&")[0]
    record: dict[str, Any] = page.evaluate(f"() => fetch('/api/v1/jobs/{job_id}').then(r => r.json())")
    return record["result"]


def test_routes_and_forecast_pages(page: Any, server: tuple[str, Store], tmp_path: Path) -> None:
    page.get_by_test_id("nav-logistics").click()
    page.wait_for_url("**/logistics")
    page.get_by_test_id("route-time-limit").fill("1")
    page.get_by_test_id("route-submit").click()
    page.wait_for_url("**/logistics?job=*", timeout=60_000)
    traces = plotted(page, "plot-route-map")
    result = job_result(page)
    assert result["feasible"] and result["unserved"] == []
    lines = [f for f in result["geojson"]["features"] if f["geometry"]["type"] == "LineString"]
    drawn = [t for t in traces if t["name"].startswith("route ")]
    assert len(drawn) == len(lines) == len(result["routes"])
    for trace, line in zip(drawn, lines, strict=True):
        lon, lat = zip(*line["geometry"]["coordinates"], strict=True)
        np.testing.assert_allclose(trace["x"], lon, rtol=1e-12)
        np.testing.assert_allclose(trace["y"], lat, rtol=1e-12)
    rows = page.get_by_test_id("route-row")
    assert rows.count() == len(result["routes"])
    assert rows.nth(0).locator("td").nth(2).inner_text() == " → ".join(result["routes"][0])
    assert page.get_by_test_id("route-count").inner_text() == str(len(result["routes"]))
    page.screenshot(path=str(tmp_path / "routes.png"), full_page=True)

    page.get_by_test_id("tab-forecast").click()
    page.wait_for_url("**/logistics/forecast")
    page.get_by_test_id("forecast-horizon").fill("6")
    page.get_by_test_id("forecast-submit").click()
    page.wait_for_url("**/forecast?job=*", timeout=120_000)
    forecast_traces = {t["name"]: t for t in plotted(page, "plot-forecast")}
    fc = job_result(page)
    mean = forecast_traces[f"forecast ({fc['model']})"]
    assert mean["x"] == [f["ds"] for f in fc["forecast"]]
    np.testing.assert_allclose(mean["y"], [f["mean"] for f in fc["forecast"]], rtol=1e-12)
    np.testing.assert_allclose(
        forecast_traces["90 % interval"]["y"], [f["hi"] for f in fc["forecast"]], rtol=1e-12
    )
    np.testing.assert_allclose(forecast_traces["low"]["y"], [f["lo"] for f in fc["forecast"]], rtol=1e-12)
    np.testing.assert_allclose(
        forecast_traces["history"]["y"], [h["y"] for h in fc["history"][-72:]], rtol=1e-12
    )
    assert page.get_by_test_id("forecast-row").count() == 6
    assert page.get_by_test_id("forecast-title").inner_text().endswith(": 6 months ahead")
    assert page.get_by_test_id("forecast-frequency").inner_text() == "monthly, season 12"
    assert page.get_by_test_id("forecast-period-head").inner_text() == "Month"
    assert page.get_by_test_id("forecast-row").nth(0).locator("td").nth(0).inner_text() == "2024-01"
    coverage = page.get_by_test_id("forecast-coverage").inner_text()
    assert coverage.startswith(f"{round(100 * fc['backtest']['coverage'])} %")
    page.screenshot(path=str(tmp_path / "forecast.png"), full_page=True)

    # Phone width: the page reloads the finished job and nothing but the table scrolls sideways.
    for path, plot in (("/logistics", "plot-route-map"), ("/logistics/forecast", "plot-forecast")):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(page.url.split("/logistics")[0] + path)
        plotted(page, plot)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"{path}: page is {width} px wide on a 390 px screen"
        page.screenshot(path=str(tmp_path / f"phone-{path.strip('/').replace('/', '-')}.png"), full_page=True)


def test_haulage_routes_drawn_with_their_stops(page: Any, server: tuple[str, Store], tmp_path: Path) -> None:
    """A haulage view (pickup-delivery pairs) kept in the store: each stop drawn where the result puts it."""
    from gwangyang.logistics import service

    base, store = server
    problem = service.parse_problem("haulage")
    view, _ = service.solve_routes(problem.to_instance(), problem, 1.0, seed=0)
    service.save_view(store, "routes", view)
    page.goto(f"{base}/logistics")
    traces = {t["name"]: t for t in plotted(page, "plot-route-map")}
    stops = [s for d in view["route_details"] for s in d["stops"]]
    sites = {s["id"]: (s["x"], s["y"]) for s in view["sites"]}
    assert {s["kind"] for s in stops} >= {"pickup", "dropoff"}
    for kind, name in (("pickup", "pickups"), ("dropoff", "drop-offs (delivered pickups)")):
        mine = [s for s in stops if s["kind"] == kind]
        assert len(traces[name]["x"]) == len(mine) > 0
        np.testing.assert_allclose(traces[name]["x"], [s["coordinates"][0] for s in mine], rtol=1e-12)
        np.testing.assert_allclose(traces[name]["y"], [s["coordinates"][1] for s in mine], rtol=1e-12)
        # and those are the coordinates of the sites the stops name
        np.testing.assert_allclose(
            list(zip(traces[name]["x"], traces[name]["y"], strict=True)), [sites[s["location"]] for s in mine]
        )
    drawn = [t for t in traces.values() if t["name"].startswith("route ")]
    assert len(drawn) == len(view["route_details"])
    for trace, detail in zip(drawn, view["route_details"], strict=True):
        start, end = detail["start_depot"]["coordinates"], detail["end_depot"]["coordinates"]
        assert [trace["x"][0], trace["y"][0]] == start and [trace["x"][-1], trace["y"][-1]] == end
    page.screenshot(path=str(tmp_path / "haulage.png"), full_page=True)


def test_weekly_forecast_page_says_weeks(page: Any, server: tuple[str, Store], tmp_path: Path) -> None:
    """A weekly forecast kept in the store: the page counts weeks, names the frequency and its ISO weeks."""
    import pandas as pd

    from gwangyang.logistics import forecast_service, service

    base, store = server
    weeks = pd.date_range("2021-01-04", periods=160, freq="W-MON")
    rows = [(f"{d:%Y-%m-%d}", 400.0 + (i % 52) * 3) for i, d in enumerate(weeks)]
    series = forecast_service.series_from_rows(rows, "주간 물동량")
    view, _ = forecast_service.forecast_series(series, "주간 물동량", "test")
    service.save_view(store, "forecast", view)
    page.goto(f"{base}/logistics/forecast")
    plotted(page, "plot-forecast")
    assert page.get_by_test_id("forecast-title").inner_text() == "주간 물동량: 13 weeks ahead"
    assert page.get_by_test_id("forecast-frequency").inner_text() == "weekly, season 52"
    assert page.get_by_test_id("forecast-period-head").inner_text() == "Week"
    first = page.get_by_test_id("forecast-row").nth(0).locator("td").nth(0).inner_text()
    year, week, _ = (weeks[-1] + pd.Timedelta(days=7)).isocalendar()
    assert first == view["forecast"][0]["period"] == f"{year}-W{week:02d}" == "2024-W05"
    assert view["forecast"][0]["ds"] == f"{weeks[-1] + pd.Timedelta(days=7):%Y-%m-%d}"
    assert "13 weeks" in page.get_by_test_id("forecast-note").inner_text()
    page.screenshot(path=str(tmp_path / "weekly.png"), full_page=True)


NOTE_VRP = """NAME : 작은 문제
TYPE : XYZVRP
DIMENSION : 3
VEHICLES : 1
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 6
NODE_COORD_SECTION
1 0 0
2 3 4
3 6 8
DEMAND_SECTION
1 0
2 4
3 5
DEPOT_SECTION
1
-1
EOF
"""
"""Two clients (demands 4 and 5) and one vehicle of capacity 6, of a TYPE with no known rounding convention."""


def test_routes_page_shows_notes_and_warnings(page: Any, server: tuple[str, Store], tmp_path: Path) -> None:
    """A kept result's notes and every broken constraint are on the page, in English and in Korean."""
    from gwangyang.files import jsonable
    from gwangyang.logistics import service
    from gwangyang.logistics.check import evaluate
    from gwangyang.logistics.views import routing_view
    from gwangyang.logistics.vrplib_io import read_instance

    base, store = server
    path = tmp_path / "작은 문제.vrp"
    path.write_text(NOTE_VRP, encoding="utf-8")
    instance = read_instance(path)
    # Both clients on route 1 (4 + 5 = 9 on board, capacity 6), client 3 again on route 2: served twice, and two
    # routes for the one vehicle the file has.
    result = evaluate(instance, [(0, [0, 1]), (0, [1])], "check")
    service.save_view(store, "routes", jsonable(routing_view(result, instance)))
    vehicle = "type 1: capacity 6, depot 1"

    page.goto(f"{base}/logistics?lang=en")
    notes = page.get_by_test_id("route-note")
    assert notes.count() == 1
    assert notes.nth(0).inner_text() == (
        "note: TYPE XYZVRP: no distance rounding convention is known here for this family; Euclidean distances "
        "were rounded to the nearest integer (TSPLIB nint, as CVRP), so costs may differ from the family's "
        "published ones"
    )
    assert page.get_by_test_id("route-warning").all_inner_texts() == [
        f"⚠ route 1 ({vehicle}): carries 9 demand on trip 1, over its capacity 6",
        "⚠ required client(s) not served exactly once: 3",
        f"⚠ more routes than vehicles of type: {vehicle}",
    ]
    assert page.get_by_test_id("route-title").inner_text() == "작은 문제: check, NOT feasible"

    page.goto(f"{base}/logistics?lang=ko")
    assert page.get_by_test_id("route-note").all_inner_texts() == [
        "참고: TYPE XYZVRP: 이 문제 계열의 거리 반올림 규칙을 알 수 없음; 유클리드 거리를 가장 가까운 정수로 "
        "반올림했으므로(TSPLIB nint, CVRP와 같음) 비용이 이 계열의 발표 값과 다를 수 있음"
    ]
    assert page.get_by_test_id("route-warning").all_inner_texts() == [
        f"⚠ 경로 1 ({vehicle}): 운행 1에서 demand 9 적재: 용량 6 초과",
        "⚠ 정확히 한 번 배송되지 않은 필수 고객: 3",
        f"⚠ 보유 대수보다 경로가 많은 차종: {vehicle}",
    ]
    page.screenshot(path=str(tmp_path / "notes-ko.png"), full_page=True)

    # Client 3 left out alone: that one warning, no route violation.
    partial = evaluate(instance, [(0, [0])], "check")
    service.save_view(store, "routes", jsonable(routing_view(partial, instance)))
    page.goto(f"{base}/logistics?lang=en")
    assert page.get_by_test_id("route-warning").all_inner_texts() == [
        "⚠ required client(s) not served exactly once: 3"
    ]


def test_forecast_page_uploads_a_business_day_series(
    page: Any, server: tuple[str, Store], tmp_path: Path
) -> None:
    """A user's own table through the form: a business-day gate count (Korean file and column names, two holidays
    missing) is uploaded, forecast as business days and shown with the frequency, the period words and the note;
    a table of three unnamed columns is refused in one line."""
    import pandas as pd

    cycle = [1_250.0, 1_410.0, 1_380.0, 1_440.0, 1_120.0]
    days = pd.bdate_range("2024-01-08", periods=60)
    keep = ~days.isin(pd.to_datetime(["2024-02-09", "2024-02-12"]))
    path = tmp_path / "게이트 반출입.csv"
    frame = pd.DataFrame({"영업일": days[keep].strftime("%Y-%m-%d"), "반출입(대)": np.tile(cycle, 12)[keep]})
    frame.to_csv(path, index=False)

    base, _ = server
    page.goto(f"{base}/logistics/forecast")
    page.get_by_test_id("forecast-file").set_input_files(str(path))
    page.get_by_test_id("forecast-submit").click()
    page.wait_for_url("**/forecast?job=*", timeout=120_000)
    traces = {t["name"]: t for t in plotted(page, "plot-forecast")}
    fc = job_result(page)
    assert fc["source"] == path.name and fc["frequency"]["name"] == "business-daily"
    # The exact working-week cycle is forecast exactly by seasonal naive: two more weeks of it.
    mean = traces[f"forecast ({fc['model']})"]
    assert mean["x"] == [f"{d:%Y-%m-%d}" for d in pd.bdate_range("2024-04-01", periods=10)]
    np.testing.assert_allclose(mean["y"], cycle * 2, atol=1e-6)
    assert page.get_by_test_id("forecast-title").inner_text() == "반출입(대): 10 business days ahead"
    assert page.get_by_test_id("forecast-frequency").inner_text() == "business-daily, season 5"
    assert page.get_by_test_id("forecast-period-head").inner_text() == "Business day"
    assert page.get_by_test_id("forecast-row").count() == 10
    assert page.get_by_test_id("forecast-row").nth(0).locator("td").nth(0).inner_text() == "2024-04-01"
    assert f"Source: {path.name}." in page.get_by_test_id("forecast-note").inner_text()
    note = page.get_by_test_id("forecast-notes").inner_text()
    assert "2 missing business day(s) taken as holidays" in note and "2024-02-09, 2024-02-12" in note
    page.screenshot(path=str(tmp_path / "forecast-upload.png"), full_page=True)

    three = tmp_path / "세칸.csv"
    frame.assign(비고="-").to_csv(three, index=False)
    page.get_by_test_id("forecast-file").set_input_files(str(three))
    page.get_by_test_id("forecast-submit").click()
    status = page.get_by_test_id("forecast-status")
    status.filter(has_text="Refused").wait_for(timeout=30_000)
    assert (
        "세칸.csv: name the date column and the target column; the table has 3 columns" in status.inner_text()
    )


def test_business_day_forecast_reads_korean(browser: Any, server: tuple[str, Store]) -> None:
    """A business-day forecast with a filled holiday, on a Korean page: the period words and the note are Korean."""
    import pandas as pd

    from gwangyang.logistics import forecast_service, service

    from .test_i18n import korean_tab, settle

    base, store = server
    days = pd.bdate_range("2024-01-08", periods=60)
    rows = [(f"{d:%Y-%m-%d}", 1_000.0 + 90 * d.weekday() + i) for i, d in enumerate(days) if i != 23]
    series = forecast_service.series_from_rows(rows, "게이트")
    view, _ = forecast_service.forecast_series(series, "게이트", "test", windows=2)
    service.save_view(store, "forecast", view)
    context, tab = korean_tab(browser, base)
    try:
        tab.goto(f"{base}/logistics/forecast")
        settle(tab)
        assert tab.get_by_test_id("forecast-period-head").inner_text() == "영업일"
        assert tab.get_by_test_id("forecast-frequency").inner_text().startswith("영업일별")
        note = tab.get_by_test_id("forecast-notes").inner_text()
        assert note == (
            f"빠진 영업일 1일을 휴일로 보고 앞뒤 주의 같은 요일 값으로 보간해 채움: {days[23]:%Y-%m-%d}; "
            "예측은 평상시 영업일 기준입니다"
        )
    finally:
        context.close()


SMALL_VRP = (
    NOTE_VRP.replace("DIMENSION : 3", "DIMENSION : 5")
    .replace("VEHICLES : 1\n", "")
    .replace("CAPACITY : 6", "CAPACITY : 10")
    .replace("3 6 8\n", "3 6 8\n4 -3 4\n5 0 -5\n")
    .replace("3 5\nDEPOT", "3 4\n4 5\n5 5\nDEPOT")
)
"""Four clients (4, 4, 5, 5) on trucks of 10: by hand the optimum is {2,3} (20) and {4,5} (19), 39
(tests/api/test_logistics_upload.py enumerates it)."""


def test_routes_page_uploads_vrplib_files(page: Any, server: tuple[str, Store], tmp_path: Path) -> None:
    """A VRPLIB file through the form: Korean file and NAME, the note of its unknown TYPE and the warnings of the
    infeasible result (one truck of 6 for demands 4 and 5) on the page; a file with its .sol shows the gap; a cut
    file is refused in one line naming it; in Korean too."""
    base, _ = server
    crowded = tmp_path / "광양 배송.vrp"
    crowded.write_text(NOTE_VRP, encoding="utf-8")
    page.goto(f"{base}/logistics?lang=en")
    assert page.get_by_test_id("route-file").get_attribute("accept") == ".vrp,.txt,.toml,.json"
    assert page.get_by_test_id("route-sol").get_attribute("accept") == ".sol"
    page.get_by_test_id("route-file").set_input_files(str(crowded))
    page.get_by_test_id("route-time-limit").fill("0.5")
    page.get_by_test_id("route-submit").click()
    page.wait_for_url("**/logistics?lang=en&job=*", timeout=60_000)
    page.get_by_test_id("route-results").wait_for(timeout=30_000)
    result = job_result(page)
    assert result["file"] == "광양 배송.vrp" and not result["feasible"]
    assert page.get_by_test_id("route-source").inner_text() == "Source: 광양 배송.vrp."
    assert page.get_by_test_id("route-title").inner_text().startswith("작은 문제: pyvrp, NOT feasible")
    assert page.get_by_test_id("route-note").all_inner_texts() == [f"note: {result['notes'][0]}"]
    assert "TYPE XYZVRP: no distance rounding convention" in result["notes"][0]
    # Every broken constraint of the result is a line (one truck cannot carry 4 + 5 within 6, nor serve both apart)
    expected = [
        f"⚠ route {k + 1} ({d['vehicle_type']}): {v}"
        for k, d in enumerate(result["route_details"])
        for v in d["violations"]
    ] + [f"⚠ {w}" for w in result["warnings"]]
    assert expected and page.get_by_test_id("route-warning").all_inner_texts() == expected

    small = tmp_path / "소형.vrp"
    small.write_text(SMALL_VRP, encoding="utf-8")
    sol = tmp_path / "소형.sol"
    sol.write_text("Route #1: 1 2\nRoute #2: 3 4\nCost 39\n", encoding="utf-8")
    page.get_by_test_id("route-file").set_input_files(str(small))
    page.get_by_test_id("route-sol").set_input_files(str(sol))
    page.get_by_test_id("route-seed").fill("5")
    page.get_by_test_id("route-submit").click()
    page.get_by_test_id("route-source").filter(has_text="소형.vrp").wait_for(timeout=60_000)
    result = job_result(page)
    assert result["seed"] == 5 and result["cost"] == 39.0 and result["gap_percent"] == 0.0
    assert page.get_by_test_id("route-source").inner_text() == (
        "Source: 소형.vrp. Best known 39 (소형.sol; its routes re-checked: 39); gap 0 %."
    )
    assert page.get_by_test_id("route-cost").inner_text() == "39"
    assert page.get_by_test_id("route-warnings").is_hidden()
    rows = page.get_by_test_id("route-row")
    assert sorted(sorted(r) for r in result["routes"]) == [[2, 3], [4, 5]]
    assert sorted(rows.nth(k).locator("td").nth(2).inner_text() for k in range(rows.count())) == sorted(
        " → ".join(map(str, r)) for r in result["routes"]
    )
    page.goto(f"{base}/logistics?lang=ko")
    page.get_by_test_id("route-source").filter(has_text="소형.sol").wait_for(timeout=30_000)
    assert page.get_by_test_id("route-source").inner_text() == (
        "출처: 소형.vrp. 최적 기지해 39 (소형.sol; 그 경로 재검사: 39); 격차 0 %."
    )
    page.screenshot(path=str(tmp_path / "routes-upload-ko.png"), full_page=True)

    cut = tmp_path / "잘린.vrp"
    cut.write_text(SMALL_VRP.split("DEMAND_SECTION")[0].rsplit("\n", 3)[0] + "\n", encoding="utf-8")
    page.goto(f"{base}/logistics?lang=en")
    page.get_by_test_id("route-file").set_input_files(str(cut))
    page.get_by_test_id("route-submit").click()
    status = page.get_by_test_id("route-status")
    status.filter(has_text="Refused").wait_for(timeout=30_000)
    assert "잘린.vrp: NODE_COORD_SECTION" in status.inner_text() and "uploads/" not in status.inner_text()

    # a .sol without its problem file is refused on the page (it was dropped, and the scenario solved: "완료.")
    page.goto(f"{base}/logistics?lang=ko")
    page.get_by_test_id("route-sol").set_input_files(str(sol))
    page.get_by_test_id("route-submit").click()
    status = page.get_by_test_id("route-status")
    assert status.inner_text() == "최적 기지해(소형.sol)는 그 문제 파일과 함께 올려야 합니다."
    assert "job=" not in page.url


def test_six_day_week_forecast_page_names_its_calendar_in_korean(
    page: Any, server: tuple[str, Store], tmp_path: Path
) -> None:
    """A Monday-to-Saturday series kept in the store: the page's notes name the closed Sundays, in Korean too."""
    import pandas as pd

    from gwangyang.logistics import forecast_service, service

    base, store = server
    days = pd.date_range("2024-01-01", periods=7 * 20, freq="D")
    days = days[days.weekday != 6]
    rows = [(f"{d:%Y-%m-%d}", 800.0 + 20 * d.weekday() + (i % 5)) for i, d in enumerate(days)]
    series = forecast_service.series_from_rows(rows, "출하량")
    view, _ = forecast_service.forecast_series(series, "출하량", "test", windows=2)
    service.save_view(store, "forecast", view)
    page.goto(f"{base}/logistics/forecast?lang=ko")
    plotted(page, "plot-forecast")
    assert page.get_by_test_id("forecast-notes").locator("li").all_inner_texts() == [
        "주 6일 근무 달력: 시계열의 20주 동안 일요일 날짜가 한 번도 없어, 빠진 날이 아니라 쉬는 날로 봅니다"
    ]
    cells = page.get_by_test_id("forecast-row").all_inner_texts()
    assert len(cells) == 12 and all(pd.Timestamp(c.split()[0]).weekday() != 6 for c in cells)
