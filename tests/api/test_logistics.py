"""Logistics API: routing and forecast jobs with results re-checked independently, the latest kept, bad requests."""

from __future__ import annotations

import itertools
import math
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from gwangyang.store import artifacts

LOG = "/api/v1/logistics"
SCENARIO = (
    Path(__file__).resolve().parents[2] / "src" / "gwangyang" / "logistics" / "scenarios" / "gwangyang.toml"
)
EARTH_KM = 6371.0088


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance of two (lat, lon) points, written out here from the formula."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def small_problem() -> dict[str, object]:
    # One depot, two sites 0.1 degree of latitude north and east; one truck, windows that both fit.
    return {
        "name": "api-small",
        "settings": {"circuity": 1.2, "speed_kmh": 30},
        "sites": [
            {"id": "D", "kind": "depot", "latitude": 35.0, "longitude": 127.0},
            {"id": "N", "latitude": 35.1, "longitude": 127.0},
            {"id": "E", "latitude": 35.0, "longitude": 127.1},
        ],
        "vehicles": [{"name": "t", "count": 1, "capacity": 10, "start_depot": "D", "cost_per_km": 1000}],
        "orders": [
            {"id": "n1", "site": "N", "quantity": 4, "window": ["08:00", "12:00"]},
            {"id": "e1", "site": "E", "quantity": 5, "window": ["08:00", "12:00"]},
            {"id": "far", "site": "E", "quantity": 1, "window": ["00:00", "00:05"]},
        ],
    }


def test_scenarios(client: TestClient) -> None:
    assert client.get(f"{LOG}/scenarios").json() == ["gwangyang", "haulage"]
    problem = client.get(f"{LOG}/scenarios/gwangyang").json()
    assert problem == tomllib.loads(SCENARIO.read_text())
    assert client.get(f"{LOG}/scenarios/..%2F..%2Fetc%2Fpasswd").status_code in (400, 404)


def test_route_job_small_problem_rechecked(fresh_client: TestClient) -> None:
    assert fresh_client.get(f"{LOG}/routes/latest").status_code == 404
    body = {"problem": small_problem(), "time_limit": 0.5, "solver": "pyvrp"}
    response = fresh_client.post(f"{LOG}/routes", params={"wait": 60}, json=body)
    assert response.status_code == 201, response.text
    job = response.json()["job"]
    result = job["result"]
    assert job["progress"]["fraction"] == 1.0 and result["feasible"]
    # "far" cannot be reached by 00:05 (the shift starts at 00:00 and the drive takes ~16 min): reported unserved.
    assert [u["order"] for u in result["unserved"]] == ["far"] and "after the window closes" in result[
        "unserved"
    ][0]["reason"]
    (route,) = result["routes"]
    assert sorted(route) == ["e1", "n1"]
    # Distance re-computed with the haversine formula x circuity over depot -> sites -> depot.
    where = {"D": (35.0, 127.0), "N": (35.1, 127.0), "E": (35.0, 127.1)}
    path = ["D", *("N" if o == "n1" else "E" for o in route), "D"]
    km = sum(1.2 * haversine_km(where[a], where[b]) for a, b in itertools.pairwise(path))
    assert result["distance"] == pytest.approx(km, rel=1e-9)
    assert result["cost"] == pytest.approx(1000 * km, rel=1e-9)
    assert fresh_client.get(f"{LOG}/routes/latest").json()["routes"] == result["routes"]


def test_route_job_scenario_with_ortools(fresh_client: TestClient) -> None:
    response = fresh_client.post(
        f"{LOG}/routes",
        params={"wait": 60},
        json={"scenario": "gwangyang", "time_limit": 1, "solver": "ortools"},
    )
    assert response.status_code == 201, response.text
    result = response.json()["job"]["result"]
    problem = tomllib.loads(SCENARIO.read_text())
    assert result["solver"] == "ortools" and result["feasible"] and result["unserved"] == []
    assert sorted(o for r in result["routes"] for o in r) == sorted(o["id"] for o in problem["orders"])
    # Each route's load per dimension is the sum of its orders' quantities from the TOML.
    quantity = {o["id"]: np.array(o["quantity"], dtype=float) for o in problem["orders"]}
    for detail in result["route_details"]:
        np.testing.assert_allclose(detail["load"], sum(quantity[o] for o in detail["orders"]), rtol=1e-9)
    # The map's lines start and end at the truck's depot, in GeoJSON [longitude, latitude] order.
    sites = {s["id"]: (s["longitude"], s["latitude"]) for s in problem["sites"]}
    depot = {v["name"]: v["start_depot"] for v in problem["vehicles"]}
    lines = [f for f in result["geojson"]["features"] if f["geometry"]["type"] == "LineString"]
    for line in lines:
        start = line["geometry"]["coordinates"][0]
        assert tuple(start) == sites[depot[line["properties"]["vehicle_type"]]]


def test_forecast_job_sample_and_given_series(fresh_client: TestClient, shared: Path) -> None:
    response = fresh_client.post(f"{LOG}/forecast", params={"wait": 120}, json={"horizon": 6, "level": 80})
    assert response.status_code == 201, response.text
    result = response.json()["job"]["result"]
    raw = pd.read_csv(shared / "logistics" / "forecast" / "port_of_vancouver_monthly_2008-2023.csv")
    assert [h["y"] for h in result["history"]] == raw["TEU COUNT_Total_Total"].astype(float).tolist()
    assert [f["ds"] for f in result["forecast"]] == [f"2024-{m:02d}-01" for m in range(1, 7)]
    assert all(f["lo"] <= f["mean"] <= f["hi"] for f in result["forecast"]) and result["level"] == 80
    assert fresh_client.get(f"{LOG}/forecast/latest").json()["forecast"] == result["forecast"]
    # A given series: an exact seasonal pattern is forecast exactly by seasonal naive (MASE scale guarded).
    pattern = [100.0 + 10 * (m % 12) for m in range(60)]
    rows = [{"ds": f"{2015 + m // 12}-{m % 12 + 1:02d}", "y": y} for m, y in enumerate(pattern)]
    response = fresh_client.post(
        f"{LOG}/forecast",
        params={"wait": 120},
        json={"series": rows, "name": "pattern", "horizon": 3, "windows": 2},
    )
    assert response.status_code == 201, response.text
    given = response.json()["job"]["result"]
    assert given["series"] == "pattern" and given["backtest"]["models"]["seasonal_naive"] == 0.0
    np.testing.assert_allclose([f["mean"] for f in given["forecast"]], [100.0, 110.0, 120.0], atol=1e-6)


def test_forecast_job_weekly_series(fresh_client: TestClient) -> None:
    # Weekly rows (Sundays) under a Korean name: recognised as weekly, 13 weeks ahead by default, and an exact
    # 52-week cycle forecast exactly by seasonal naive; the job's parameters and the page data say the frequency.
    pattern = [500.0 + 7 * (w % 52) - 90 * (w % 52 == 30) for w in range(156)]
    weeks = pd.date_range("2021-01-03", periods=156, freq="W-SUN")
    rows = [{"ds": f"{d:%Y-%m-%d}", "y": y} for d, y in zip(weeks, pattern, strict=True)]
    response = fresh_client.post(
        f"{LOG}/forecast", params={"wait": 120}, json={"series": rows, "name": "광양항 주간"}
    )
    assert response.status_code == 201, response.text
    job = response.json()["job"]
    result = job["result"]
    assert result["frequency"] == {"name": "weekly", "alias": "W-SUN", "season_length": 52, "unit": "week"}
    assert job["params"]["frequency"] == "weekly" and job["params"]["horizon"] == 13
    assert [f["ds"] for f in result["forecast"]] == [
        f"{d:%Y-%m-%d}" for d in pd.date_range("2023-12-31", periods=13, freq="W-SUN")
    ]  # the week after the last, 2023-12-24
    np.testing.assert_allclose([f["mean"] for f in result["forecast"]], pattern[:13], atol=1e-6)
    page = fresh_client.get("/logistics/forecast")
    assert '"name": "weekly"' in page.text or '"name":"weekly"' in page.text
    irregular = [{"ds": f"2021-01-{d:02d}", "y": 1.0} for d in (4, 11, 19, 25)]
    refused = fresh_client.post(f"{LOG}/forecast", json={"series": irregular})
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("series: 'ds' holds irregular dates (mostly 7 day(s) apart")


def test_forecast_job_business_days_and_iso_weeks(fresh_client: TestClient) -> None:
    # 12 working weeks of a Monday-to-Friday cycle, Seollal (2024-02-09, 2024-02-12) missing: business days,
    # season 5, the holidays filled with their weekday (the cycle's value) and named; seasonal naive exact.
    cycle = [1_250.0, 1_410.0, 1_380.0, 1_440.0, 1_120.0]
    days = pd.bdate_range("2024-01-08", periods=60)
    rows = [
        {"ds": f"{d:%Y-%m-%d}", "y": cycle[i % 5]}
        for i, d in enumerate(days)
        if f"{d:%Y-%m-%d}" not in ("2024-02-09", "2024-02-12")
    ]
    response = fresh_client.post(
        f"{LOG}/forecast", params={"wait": 120}, json={"series": rows, "name": "게이트"}
    )
    assert response.status_code == 201, response.text
    job = response.json()["job"]
    result = job["result"]
    assert result["frequency"] == {
        "name": "business-daily",
        "alias": "B",
        "season_length": 5,
        "unit": "business day",
        "working_days": ["Mon", "Tue", "Wed", "Thu", "Fri"],
    }
    assert job["params"]["frequency"] == "business-daily" and job["params"]["horizon"] == 10
    assert job["params"]["periods"] == 60  # the two holidays filled
    assert [f["ds"] for f in result["forecast"]] == [
        f"{d:%Y-%m-%d}" for d in pd.bdate_range("2024-04-01", periods=10)
    ]
    np.testing.assert_allclose([f["mean"] for f in result["forecast"]], cycle * 2, atol=1e-6)
    assert "2 missing business day(s) taken as holidays" in result["notes"][0]
    # ISO week labels: read as Mondays, a weekly series; 2020-W53 is named in a note.
    mondays = pd.date_range("2019-12-30", periods=140, freq="W-MON")
    weeks = [
        {"ds": f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}", "y": 100.0 + (i % 52)}
        for i, d in enumerate(mondays)
    ]
    response = fresh_client.post(
        f"{LOG}/forecast", params={"wait": 120}, json={"series": weeks, "horizon": 4}
    )
    assert response.status_code == 201, response.text
    result = response.json()["job"]["result"]
    assert result["frequency"]["alias"] == "W-MON" and result["history"][0]["ds"] == "2019-12-30"
    assert any("2020-W53" in note for note in result["notes"])
    assert result["history"][0]["period"] == "2020-W01"  # Monday 2019-12-30 is in ISO week 1 of 2020
    after = pd.date_range(mondays[-1], periods=5, freq="W-MON")[1:]
    assert [f["period"] for f in result["forecast"]] == [
        f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in after
    ]
    korean = [
        {"ds": f"{d.isocalendar()[0]}년 {d.isocalendar()[1]}주", "y": w["y"]}
        for d, w in zip(mondays, weeks, strict=True)
    ]
    again = fresh_client.post(f"{LOG}/forecast", params={"wait": 120}, json={"series": korean, "horizon": 4})
    assert again.status_code == 201, again.text
    assert again.json()["job"]["result"]["forecast"] == result["forecast"]
    refused = fresh_client.post(f"{LOG}/forecast", json={"series": [{"ds": "2023-W53", "y": 1.0}]})
    assert refused.status_code == 400 and "2023 has weeks 01 to 52" in refused.json()["detail"]


def gate_csv(columns: tuple[str, ...] = ("영업일", "반출입(대)")) -> tuple[bytes, list[float]]:
    """A business-day gate table (UTF-8 CSV, Excel's byte-order mark), Seollal 2024-02-09 and -12 missing."""
    cycle = [1_250.0, 1_410.0, 1_380.0, 1_440.0, 1_120.0]
    days = pd.bdate_range("2024-01-08", periods=60)
    keep = ~days.isin(pd.to_datetime(["2024-02-09", "2024-02-12"]))
    frame = pd.DataFrame({columns[0]: days[keep].strftime("%Y-%m-%d"), columns[1]: np.tile(cycle, 12)[keep]})
    for extra in columns[2:]:
        frame[extra] = 1
    return frame.to_csv(index=False).encode("utf-8-sig"), cycle


def test_forecast_file_upload(fresh_client: TestClient) -> None:
    # A two-column table needs no column names; read as `gwangyang forecast` reads it: business days, holidays
    # filled and noted, an exact working-week cycle forecast exactly by seasonal naive; the upload is not kept.
    content, cycle = gate_csv()
    response = fresh_client.post(
        f"{LOG}/forecast/file",
        params={"wait": 120},
        files={"files": ("게이트 반출입.csv", content, "text/csv")},
        data={"horizon": "5", "windows": "2"},
    )
    assert response.status_code == 201, response.text
    job = response.json()["job"]
    result = job["result"]
    assert result["series"] == "반출입(대)" and result["source"] == "게이트 반출입.csv"
    assert result["frequency"]["name"] == "business-daily" and job["params"]["frequency"] == "business-daily"
    assert [f["ds"] for f in result["forecast"]] == [
        f"{d:%Y-%m-%d}" for d in pd.bdate_range("2024-04-01", periods=5)
    ]
    np.testing.assert_allclose([f["mean"] for f in result["forecast"]], cycle, atol=1e-6)
    assert result["notes"][0].startswith("2 missing business day(s) taken as holidays")
    assert fresh_client.get(f"{LOG}/forecast/latest").json()["source"] == "게이트 반출입.csv"
    store = fresh_client.app.state.store  # type: ignore[attr-defined]
    assert not any(artifacts.uploads_dir(store).glob("*"))


def test_forecast_file_upload_parquet_iso_weeks(fresh_client: TestClient) -> None:
    # A Parquet table of three columns, ISO week labels named as the date column: weeks from Monday 2019-12-30
    # (2020-W01), 2020-W53 among them; a 52-week cycle repeated, so seasonal naive forecasts the weeks a year on.
    import io

    mondays = pd.date_range("2019-12-30", periods=140, freq="W-MON")
    weeks = [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in mondays]
    cycle = [300.0 + 5 * (w % 52) for w in range(140)]
    frame = pd.DataFrame({"주차": weeks, "비고": "-", "물동량": cycle})
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    response = fresh_client.post(
        f"{LOG}/forecast/file",
        params={"wait": 120},
        files={"files": ("주간.parquet", buffer.getvalue())},
        data={"date_column": "주차", "target": "물동량", "horizon": "4", "windows": "1"},
    )
    assert response.status_code == 201, response.text
    result = response.json()["job"]["result"]
    assert result["series"] == "물동량" and result["frequency"]["alias"] == "W-MON"
    assert result["history"][0]["ds"] == "2019-12-30" and len(result["history"]) == 140
    assert [f["ds"] for f in result["forecast"]] == [
        f"{d:%Y-%m-%d}" for d in pd.date_range(mondays[-1], periods=5, freq="W-MON")[1:]
    ]
    assert any("ISO week 53 (2020-W53)" in note for note in result["notes"])


@pytest.mark.parametrize(
    ("columns", "data", "name", "code", "words"),
    [
        (
            ("일자", "값", "비고"),
            {},
            "g.csv",
            400,
            "name the date column and the target column; the table has 3",
        ),
        (
            ("일자", "값", "비고"),
            {"date_column": "일자", "target": "없음"},
            "g.csv",
            400,
            "no column '없음' (target)",
        ),
        (("일자", "값"), {"horizon": "열"}, "g.csv", 400, "horizon: expected a whole number, got '열'"),
        (("일자", "값"), {"level": "100"}, "g.csv", 400, "level: expected 50 to 99, got 100"),
        (("일자", "값"), {}, "g.xlsx", 415, "g.xlsx: unknown table format"),
    ],
)
def test_forecast_file_refusals(
    fresh_client: TestClient, columns: tuple[str, ...], data: dict[str, str], name: str, code: int, words: str
) -> None:
    content, _ = gate_csv(columns)
    response = fresh_client.post(f"{LOG}/forecast/file", files={"files": (name, content)}, data=data)
    assert response.status_code == code and words in response.json()["detail"], response.text
    assert "uploads/" not in response.json()["detail"]
    store = fresh_client.app.state.store  # type: ignore[attr-defined]
    assert not any(artifacts.uploads_dir(store).glob("*"))


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({"scenario": "../../etc/passwd"}, 400, "expected one of"),
        ({"problem": {**small_problem(), "colour": "red"}}, 400, "unknown field 'colour'"),
        (
            {"problem": {**small_problem(), "settings": {"distance_matrix": "/etc/passwd"}}},
            400,
            "settings.distance_matrix",
        ),
        ({"problem_text": "name = \n"}, 400, "not valid TOML or JSON"),
        ({"time_limit": 0}, 422, "time_limit"),
        ({"solver": "gurobi"}, 422, "solver"),
    ],
)
def test_route_bad_requests(client: TestClient, body: dict[str, object], code: int, words: str) -> None:
    response = client.post(f"{LOG}/routes", json=body)
    assert response.status_code == code and words in str(response.json()["detail"])


def test_route_order_heavier_than_every_truck(client: TestClient) -> None:
    problem = small_problem()
    problem["orders"] = [{"id": "big", "site": "N", "quantity": 11}]
    response = client.post(f"{LOG}/routes", json={"problem": problem})
    assert response.status_code == 400
    assert (
        "order big: quantity [11.0] exceeds the capacity of every vehicle type" in response.json()["detail"]
    )


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"series": [{"ds": "2020-01", "y": 1.0}] * 40}, "appears twice"),
        ({"series": [{"ds": "not a date", "y": 1.0}]}, "not a date"),
        ({"series": [{"ds": f"2020-{m:02d}", "y": 1.0} for m in range(1, 13)]}, "too short"),
        ({"horizon": 0}, "horizon"),
    ],
)
def test_forecast_bad_requests(client: TestClient, body: dict[str, object], words: str) -> None:
    response = client.post(f"{LOG}/forecast", json=body)
    assert response.status_code in (400, 422) and words in str(response.json()["detail"])


def test_logistics_needs_the_token(anonymous: TestClient) -> None:
    assert anonymous.get(f"{LOG}/scenarios").status_code == 401
    assert anonymous.post(f"{LOG}/routes", json={}).status_code == 401
    assert anonymous.get("/logistics").status_code == 303


def test_pages_render_latest(fresh_client: TestClient) -> None:
    page = fresh_client.get("/logistics")
    assert page.status_code == 200 and 'data-testid="plot-route-map"' in page.text
    page = fresh_client.get("/logistics/forecast")
    assert page.status_code == 200 and 'data-testid="plot-forecast"' in page.text


def test_route_job_with_orders_per_vehicle_type(fresh_client: TestClient) -> None:
    """Plants named in Korean in a truck's allowed and forbidden lists: each truck serves only its plant."""
    problem = small_problem()
    problem["sites"][1]["name"] = "북쪽 공장"  # type: ignore[index]
    problem["vehicles"] = [
        {"name": "탱크로리", "count": 1, "capacity": 10, "start_depot": "D", "allowed_sites": ["북쪽 공장"]},
        {"name": "카고", "count": 1, "capacity": 10, "start_depot": "D", "forbidden_sites": ["북쪽 공장"]},
    ]
    problem["orders"] = problem["orders"][:2]  # type: ignore[index]
    response = fresh_client.post(
        f"{LOG}/routes", params={"wait": 60}, json={"problem": problem, "time_limit": 1}
    )
    assert response.status_code == 201, response.text
    result = response.json()["job"]["result"]
    assert result["feasible"] and result["warnings"] == []
    served = {d["vehicle_type"]: d["orders"] for d in result["route_details"]}
    assert served == {"탱크로리": ["n1"], "카고": ["e1"]}
    # Two out-and-back trips, by the haversine formula x circuity 1.2, at 1 per km (the default).
    km = 2 * 1.2 * (haversine_km((35.0, 127.0), (35.1, 127.0)) + haversine_km((35.0, 127.0), (35.0, 127.1)))
    assert result["cost"] == pytest.approx(km, rel=1e-9)

    problem["vehicles"][0]["allowed_sites"] = ["북쪽"]  # type: ignore[index]
    refused = fresh_client.post(f"{LOG}/routes", json={"problem": problem})
    assert refused.status_code == 400
    assert (
        refused.json()["detail"]
        == "problem: vehicle 탱크로리: allowed_sites: '북쪽' is not the id or name of a site"
    )
