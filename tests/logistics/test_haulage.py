"""The container haulage scenario: import boxes and empty returns as pickup-delivery pairs, appointment windows,
driver shifts with a break and overtime, wages by the hour.

Every figure of the solved day is re-derived here from the raw TOML (read with ``tomllib``, not our model) and the
stop coordinates in the result: distances by the haversine formula times the circuity, windows, order of each pair,
loads, the break, overtime and the cost formula.
"""

from __future__ import annotations

import itertools
import json
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest

from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.logistics.problem import RoutingProblem
from gwangyang.logistics.solver import PyVRPSolver

HAULAGE = (
    Path(__file__).resolve().parents[2] / "src" / "gwangyang" / "logistics" / "scenarios" / "haulage.toml"
)


def minutes(text: str) -> float:
    hours, mins = text.split(":")
    return int(hours) * 60 + int(mins)


def haversine_km(a: list[float], b: list[float]) -> float:
    """Great-circle distance of two [lon, lat] points (mean Earth radius 6371.0088 km)."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def solved() -> tuple[dict[str, Any], dict[str, Any]]:
    raw = tomllib.loads(HAULAGE.read_text(encoding="utf-8"))
    instance = RoutingProblem.from_file(HAULAGE).to_instance()
    result = PyVRPSolver(workers=1, max_iterations=200).solve(instance, time_limit=600.0)
    return raw, result.to_dict()


def test_every_box_is_moved_within_its_windows_in_order(
    solved: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    raw, doc = solved
    assert doc["feasible"] and not doc["unserved"]
    windows = {}
    for s in raw["shipments"]:
        windows[f"{s['id']}/pickup"] = (s["pickup"], *map(minutes, s["pickup_window"]), s["quantity"][0])
        windows[f"{s['id']}/delivery"] = (
            s["delivery"],
            *map(minutes, s["delivery_window"]),
            -s["quantity"][0],
        )
    seen: list[str] = []
    for route in doc["route_details"]:
        load = 0.0
        picked: set[str] = set()
        for stop in route["stops"]:
            site, opens, closes, change = windows[stop["order"]]
            assert stop["location"] == site
            assert opens - 1e-6 <= stop["start"] <= closes + 1e-6
            box, end = stop["order"].split("/")
            if end == "pickup":
                picked.add(box)
            else:
                assert box in picked  # delivered after it was picked up, by the same truck
            load += change
            assert 0 <= load <= raw["vehicles"][0]["capacity"][0]
            seen.append(stop["order"])
        assert load == 0
    assert sorted(seen) == sorted(windows)


def test_distances_times_and_costs_from_the_raw_file(solved: tuple[dict[str, Any], dict[str, Any]]) -> None:
    raw, doc = solved
    truck = raw["vehicles"][0]
    circuity, speed = raw["settings"]["circuity"], raw["settings"]["speed_kmh"]
    total = 0.0
    for route in doc["route_details"]:
        points = [route["start_depot"]["coordinates"], *(s["coordinates"] for s in route["stops"])]
        points.append(route["end_depot"]["coordinates"])
        km = sum(haversine_km(a, b) * circuity for a, b in itertools.pairwise(points))
        assert route["distance"] == pytest.approx(km, rel=1e-9)
        # Driving between consecutive stops takes distance / speed; never arrive before leaving the previous stop.
        previous = route["start_time"]
        for a, b, stop in zip(points, points[1:], route["stops"], strict=False):
            assert stop["arrival"] == pytest.approx(
                previous + haversine_km(a, b) * circuity / speed * 60, abs=1e-6
            )
            previous = stop["departure"]
        shift_open, shift_close = map(minutes, truck["shift"])
        assert shift_open <= route["start_time"] and route["end_time"] <= shift_close
        duration = route["end_time"] - route["start_time"] + truck["break_min"]
        assert route["duration"] == pytest.approx(duration)
        overtime = max(0.0, duration - truck["max_duration_min"])
        assert route["overtime"] == pytest.approx(overtime) and overtime <= truck["max_overtime_min"] + 1e-6
        cost = (
            truck["fixed_cost"]
            + truck["cost_per_km"] * km
            + truck["cost_per_hour"] / 60 * duration
            + truck["overtime_cost_per_hour"] / 60 * overtime
        )
        assert route["cost"] == pytest.approx(cost, rel=1e-9)
        total += cost
    assert doc["cost"] == pytest.approx(total, rel=1e-9)
    assert len(doc["route_details"]) <= truck["count"]


def test_the_scenario_needs_fewer_trucks_than_boxes(solved: tuple[dict[str, Any], dict[str, Any]]) -> None:
    raw, doc = solved
    # 24 boxes; a truck carries at most 2 TEU, so it chains several boxes per shift.
    assert len(raw["shipments"]) == 24
    assert len(doc["route_details"]) < len(raw["shipments"]) / 3


# PyVRP's own note that its penalties hit their bound stays a warning (the CLI shows it), not an error
@pytest.mark.filterwarnings("default::pyvrp.exceptions.PenaltyBoundWarning")
def test_cli_solves_the_haulage_file(capsys: pytest.CaptureFixture[str]) -> None:
    # a fixed number of iterations, not of seconds: the same search on a loaded machine as on an idle one
    args = [
        "routes",
        "solve",
        str(HAULAGE),
        "--time-limit",
        "600",
        "--max-iterations",
        "3000",
        "--workers",
        "1",
    ]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    stops = [s for r in doc["route_details"] for s in r["stops"]]
    assert doc["feasible"] and {s["kind"] for s in stops} == {"pickup", "dropoff"}
    assert all(len(s["coordinates"]) == 2 for s in stops)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('pickup = "GWCT"', 'pickup = "NOWHERE"', r"shipment IMP01: pickup site 'NOWHERE' is not a site"),
        ("quantity = [2]", "quantity = [3]", r"shipment IMP01: quantity \[3.0\] exceeds the capacity"),
        ("break_min = 60", "break_min = 600", "break_min is longer than max_duration_min"),
        ('cargo = "import"', 'cargo = "import"\ncolour = "red"', r"shipments\[0\]: unknown field 'colour'"),
    ],
)
def test_bad_haulage_files(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = HAULAGE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        RoutingProblem.from_file(path)
