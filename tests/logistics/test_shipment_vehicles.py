"""Shipments a vehicle type may carry: the type's ``allowed_shipments`` / ``forbidden_shipments`` and the
shipment's ``allowed_vehicles`` / ``forbidden_vehicles``, in our problem files, with Korean names.

The optimum of a four-shipment instance (two trucks at two terminals, one shipment from terminal to terminal) is
found here by brute force: every assignment of shipments to the trucks, every order of their pickups and
deliveries with each pickup before its delivery, distances from this file's own haversine. Once with the
restrictions and once without, so that the test shows they bind; PyVRP must reach the restricted optimum, and our
checker must flag a route that breaks them.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.logistics.check import evaluate
from gwangyang.logistics.problem import RoutingProblem
from gwangyang.logistics.solver import PyVRPSolver

PROBLEM = """
name = "화물 차종 제한"

[[sites]]
id = "광양항"
kind = "depot"
latitude = 34.900
longitude = 127.700

[[sites]]
id = "여수항"
kind = "depot"
latitude = 34.740
longitude = 127.740

[[sites]]
id = "제철소"
latitude = 34.930
longitude = 127.740

[[sites]]
id = "율촌"
latitude = 34.880
longitude = 127.600

[[sites]]
id = "여수산단"
latitude = 34.830
longitude = 127.680

[[vehicles]]
name = "근거리트럭"
count = 1
capacity = [10]
start_depot = "광양항"
fixed_cost = 30
cost_per_km = 2

[[vehicles]]
name = "원거리트럭"
count = 1
capacity = [10]
start_depot = "여수항"
fixed_cost = 30
cost_per_km = 2
forbidden_shipments = ["화물2"]

[[shipments]]
id = "화물1"
pickup = "제철소"
delivery = "율촌"
quantity = [1]
allowed_vehicles = ["원거리트럭"]

[[shipments]]
id = "화물2"
pickup = "여수산단"
delivery = "제철소"
quantity = [1]

[[shipments]]
id = "화물3"
pickup = "율촌"
delivery = "여수산단"
quantity = [1]

[[shipments]]
id = "화물4"
pickup = "광양항"
delivery = "여수항"
quantity = [1]
forbidden_vehicles = ["원거리트럭"]
"""

TRUCKS = {"근거리트럭": "광양항", "원거리트럭": "여수항"}
SHIPMENTS = {
    "화물1": ("제철소", "율촌"),
    "화물2": ("여수산단", "제철소"),
    "화물3": ("율촌", "여수산단"),
    "화물4": ("광양항", "여수항"),
}
MAY_CARRY = {"근거리트럭": {"화물2", "화물3", "화물4"}, "원거리트럭": {"화물1", "화물3"}}


def table() -> dict[str, Any]:
    return tomllib.loads(PROBLEM)


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance by the haversine formula, Earth radius 6371.0088 km (the IUGG mean radius)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


WHERE = {s["id"]: (s["latitude"], s["longitude"]) for s in table()["sites"]}


@cache
def best_route_km(depot: str, shipments: tuple[str, ...]) -> float:
    """The shortest depot -> pickups and deliveries -> depot (each pickup before its delivery), x 1.3 circuity."""
    events = [(s, end) for s in shipments for end in (0, 1)]
    best = math.inf
    for order in itertools.permutations(events):
        if any(order.index((s, 0)) > order.index((s, 1)) for s in shipments):
            continue
        path = [depot, *(SHIPMENTS[s][end] for s, end in order), depot]
        best = min(best, sum(1.3 * haversine_km(WHERE[a], WHERE[b]) for a, b in itertools.pairwise(path)))
    return best


def brute_force(restricted: bool) -> float:
    """The cheapest assignment of every shipment to one of the two trucks: 30 per truck used plus 2 per km."""
    best = math.inf
    names = list(SHIPMENTS)
    for choice in itertools.product(TRUCKS, repeat=len(names)):
        if restricted and any(s not in MAY_CARRY[t] for s, t in zip(names, choice, strict=True)):
            continue
        cost = 0.0
        for truck, depot in TRUCKS.items():
            mine = tuple(s for s, t in zip(names, choice, strict=True) if t == truck)
            if mine:
                cost += 30 + 2 * best_route_km(depot, mine)
        best = min(best, cost)
    return best


def test_restrictions_bind_and_the_solver_reaches_the_brute_force_optimum() -> None:
    problem = RoutingProblem.from_dict(table())
    restricted, free = brute_force(True), brute_force(False)
    assert restricted > free + 1  # the lists change the answer
    result = PyVRPSolver(workers=1, max_iterations=2000).solve(problem.to_instance(), 60, seed=0)
    assert result.is_feasible() and result.unserved == []
    assert result.cost == pytest.approx(restricted, rel=1e-9)
    for route in result.routes:
        carried = {str(label).split("/")[0] for label in route.labels}
        assert carried <= MAY_CARRY[route.vehicle_type]
    # Without the lists the same search finds the free optimum (the lists, not the search, made the difference).
    free_table = table()
    for raw in free_table["vehicles"] + free_table["shipments"]:
        for key in ("forbidden_shipments", "allowed_vehicles", "forbidden_vehicles"):
            raw.pop(key, None)
    unrestricted = RoutingProblem.from_dict(free_table).to_instance()
    assert all(v.allowed_clients is None for v in unrestricted.vehicles)
    result = PyVRPSolver(workers=1, max_iterations=2000).solve(unrestricted, 60, seed=0)
    assert result.cost == pytest.approx(free, rel=1e-9)


def test_checker_flags_a_shipment_its_vehicle_type_may_not_carry() -> None:
    instance = RoutingProblem.from_dict(table()).to_instance()
    index = {label: k for k, label in enumerate(instance.client_label)}
    ends = {s: (index[f"{s}/pickup"], index[f"{s}/delivery"]) for s in SHIPMENTS}
    # The short-haul truck with 화물1 (allowed only on the long-haul one) and 화물4; the long-haul truck with 화물2
    # (forbidden by its own list) and 화물3.
    routes = [(0, [*ends["화물1"], *ends["화물4"]]), (1, [*ends["화물2"], *ends["화물3"]])]
    result = evaluate(instance, routes, "hand")
    assert [r.violations for r in result.routes] == [
        (
            "serves 화물1/pickup, which its vehicle type may not visit",
            "serves 화물1/delivery, which its vehicle type may not visit",
        ),
        (
            "serves 화물2/pickup, which its vehicle type may not visit",
            "serves 화물2/delivery, which its vehicle type may not visit",
        ),
    ]
    assert not result.is_feasible()
    # The same shipments on the trucks that may carry them: no violation.
    allowed = evaluate(
        instance, [(1, [*ends["화물1"], *ends["화물3"]]), (0, [*ends["화물2"], *ends["화물4"]])], "hand"
    )
    assert allowed.is_feasible() and all(r.violations == () for r in allowed.routes)


def test_problem_file_with_korean_names_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "화물 차종.toml"
    path.write_text(PROBLEM, encoding="utf-8")
    args = ["routes", "solve", str(path), "--time-limit", "60", "--max-iterations", "2000", "--workers", "1"]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["feasible"] and doc["unserved"] == [] and doc["warnings"] == []
    assert doc["cost"] == pytest.approx(brute_force(True), rel=1e-9)
    for route in doc["route_details"]:
        assert {o.split("/")[0] for o in route["orders"]} <= MAY_CARRY[route["vehicle_type"]]


def with_changes(
    vehicle: dict[str, Any] | None = None, shipment: dict[str, Any] | None = None
) -> dict[str, Any]:
    data = copy.deepcopy(table())
    data["vehicles"][0].update(vehicle or {})
    data["shipments"][0].update(shipment or {})
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            with_changes(shipment={"allowed_vehicles": ["덤프트럭"]}),
            "shipment 화물1: allowed_vehicles: '덤프트럭' is not a vehicle type (expected one of 근거리트럭, 원거리트럭)",
        ),
        (
            with_changes(shipment={"forbidden_vehicles": ["근거리"]}),
            "shipment 화물1: forbidden_vehicles: '근거리' is not a vehicle type",
        ),
        (
            with_changes(vehicle={"allowed_shipments": ["화물9"]}),
            "vehicle 근거리트럭: allowed_shipments: '화물9' is not a shipment id",
        ),
        (
            with_changes(
                vehicle={"forbidden_shipments": ["화물1"]}, shipment={"allowed_vehicles": ["근거리트럭"]}
            ),
            "shipment 화물1: no vehicle type may carry it",
        ),
        (
            with_changes(shipment={"allowed_vehicles": "원거리트럭"}),
            "shipments[0].allowed_vehicles: expected a list of names",
        ),
        (
            with_changes(vehicle={"forbidden_shipments": ["화물2", "화물2"]}),
            "vehicles[0].forbidden_shipments: '화물2' is listed twice",
        ),
        (
            with_changes(vehicle={"allowed_shipments": ["화물1"]}),
            "vehicle 근거리트럭: the allowed and forbidden lists (its own and the shipments') leave it no order or "
            "shipment to serve",
        ),
    ],
)
def test_bad_restrictions_are_refused_naming_the_field(data: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as caught:
        RoutingProblem.from_dict(data)
    assert str(caught.value).startswith(message), str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_order_named_as_a_shipment_is_pointed_to_its_own_list() -> None:
    data = with_changes(vehicle={"allowed_shipments": ["주문1"]})
    data["sites"].append({"id": "현장", "latitude": 34.9, "longitude": 127.72})
    data["orders"] = [{"id": "주문1", "site": "현장", "quantity": [1]}]
    with pytest.raises(InputError, match="'주문1' is not a shipment id \\(an order: use allowed_orders"):
        RoutingProblem.from_dict(data)
