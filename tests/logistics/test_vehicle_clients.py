"""Orders a vehicle type may serve, in our problem files: ``allowed_sites`` / ``allowed_orders`` less
``forbidden_sites`` / ``forbidden_orders``, sites by id or (Korean) name.

The optimum of a five-order instance is found here by brute force (every assignment of orders to the two trucks,
every visiting order, distances from this file's own haversine), once with the restrictions and once without, so
that the test shows they bind; PyVRP must reach the restricted optimum, and our checker must flag a route that
breaks them. Two orders at one site with different allowed vehicle types get a PyVRP location each.
"""

from __future__ import annotations

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
from gwangyang.logistics.solver import PyVRPSolver, to_problem_data

PROBLEM = """
name = "제한 차종"

[settings]
dimensions = ["톤"]
circuity = 1.3
speed_kmh = 40

[[sites]]
id = "GWCT"
name = "광양항"
kind = "depot"
latitude = 34.900
longitude = 127.700

[[sites]]
id = "S1"
name = "포스코 광양제철소"
latitude = 34.930
longitude = 127.740

[[sites]]
id = "S2"
name = "율촌 산단"
latitude = 34.880
longitude = 127.600

[[sites]]
id = "S3"
name = "여수 산단"
latitude = 34.830
longitude = 127.680

[[sites]]
id = "S4"
name = "포스코퓨처엠"
latitude = 34.950
longitude = 127.660

[[vehicles]]
name = "탱크로리"
count = 1
capacity = 15
start_depot = "GWCT"
fixed_cost = 50
cost_per_km = 2
allowed_sites = ["포스코 광양제철소", "율촌 산단"]
forbidden_orders = ["O2"]

[[vehicles]]
name = "카고트럭"
count = 1
capacity = 15
start_depot = "GWCT"
fixed_cost = 50
cost_per_km = 2
forbidden_orders = ["산소-1"]

[[orders]]
id = "산소-1"
site = "S1"
quantity = 4

[[orders]]
id = "O2"
site = "S1"
quantity = 3

[[orders]]
id = "O3"
site = "S2"
quantity = 5

[[orders]]
id = "O4"
site = "S3"
quantity = 4

[[orders]]
id = "O5"
site = "S4"
quantity = 3
"""
"""Two trucks of capacity 15 for 19 tonnes; the tanker only to the steelworks and Yulchon (named in Korean) and
never with O2, the cargo truck never with 산소-1, which shares its site S1 with O2."""

MAY_SERVE = {"탱크로리": {"산소-1", "O3"}, "카고트럭": {"O2", "O3", "O4", "O5"}}
"""What the lists above allow, worked out by hand."""


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (la1, lo1), (la2, lo2) = (tuple(math.radians(v) for v in p) for p in (a, b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def table() -> dict[str, Any]:
    return tomllib.loads(PROBLEM)


def tour_km(sites: tuple[str, ...]) -> float:
    """Shortest depot → sites → depot road distance (great circle × 1.3), over every visiting order."""
    where = {s["id"]: (s["latitude"], s["longitude"]) for s in table()["sites"]}

    @cache
    def best(rest: frozenset[str]) -> float:
        return min(
            (
                sum(
                    haversine_km(where[a], where[b]) * 1.3
                    for a, b in itertools.pairwise(("GWCT", *p, "GWCT"))
                )
                for p in itertools.permutations(sorted(rest))
            ),
            default=0.0,
        )

    return best(frozenset(sites))


def brute_force(restricted: bool) -> float:
    """The cheapest cost serving every order: 50 per truck used + 2 per km."""
    data = table()
    orders = {o["id"]: (o["site"], o["quantity"]) for o in data["orders"]}
    trucks = [v["name"] for v in data["vehicles"]]
    best = math.inf
    for assignment in itertools.product(trucks, repeat=len(orders)):
        cost = 0.0
        for truck in trucks:
            mine = [o for o, t in zip(orders, assignment, strict=True) if t == truck]
            if restricted and not set(mine) <= MAY_SERVE[truck]:
                break
            if sum(orders[o][1] for o in mine) > 15:
                break
            if mine:
                cost += 50 + 2 * tour_km(tuple({orders[o][0] for o in mine}))
        else:
            best = min(best, cost)
    return best


def test_restrictions_bind_and_the_solver_reaches_the_brute_force_optimum() -> None:
    problem = RoutingProblem.from_dict(table())
    instance = problem.to_instance()
    restricted, free = brute_force(True), brute_force(False)
    assert restricted > free + 1  # the lists change the answer

    result = PyVRPSolver(workers=1, max_iterations=2000).solve(instance, 60, seed=0)
    assert result.is_feasible() and result.unserved == []
    assert result.cost == pytest.approx(restricted, rel=1e-9)
    where = {s["id"]: (s["latitude"], s["longitude"]) for s in table()["sites"]}
    for route in result.routes:
        assert set(route.labels) <= MAY_SERVE[route.vehicle_type]
        # The checker's distance is this file's for the same visits.
        visited = ["GWCT", *(problem.orders[s.client].site for s in route.stops), "GWCT"]
        km = sum(haversine_km(where[a], where[b]) * 1.3 for a, b in itertools.pairwise(visited))
        assert route.distance == pytest.approx(km, rel=1e-9)


def test_two_orders_at_one_site_with_different_vehicle_types_get_a_location_each() -> None:
    instance = RoutingProblem.from_dict(table()).to_instance()
    first, second = instance.client_label.index("산소-1"), instance.client_label.index("O2")
    assert instance.client_location[first] == instance.client_location[second]
    data = to_problem_data(instance)
    assert data.num_locations == len(instance.location_names) + 1
    clients = data.clients()
    copy = clients[second].location
    assert clients[first].location != copy
    original = clients[first].location
    # The copy lies where the site is: distance 0 from it, and the site's distances to everything else.
    matrix = data.distance_matrix(0)
    assert matrix[original, copy] == matrix[copy, original] == 0
    others = [k for k in range(data.num_locations) if k not in (original, copy)]
    assert [matrix[original, k] for k in others] == [matrix[copy, k] for k in others]
    # The cargo truck's profile closes 산소-1's location only, not O2's copy.
    cargo = data.vehicle_type(1).profile
    closed = data.distance_matrix(cargo)
    assert closed[0, original] > 10**9 and closed[0, copy] == matrix[0, copy]


def test_checker_flags_an_order_its_vehicle_type_may_not_serve() -> None:
    instance = RoutingProblem.from_dict(table()).to_instance()
    index = {label: k for k, label in enumerate(instance.client_label)}
    # The cargo truck with 산소-1 and O4; the tanker with O2 (forbidden), O3 and O5 (S4 is not one of its sites).
    routes = [(1, [index["산소-1"], index["O4"]]), (0, [index["O2"], index["O3"], index["O5"]])]
    result = evaluate(instance, routes, "hand")
    assert [r.violations for r in result.routes] == [
        ("serves 산소-1, which its vehicle type may not visit",),
        (
            "serves O2, which its vehicle type may not visit",
            "serves O5, which its vehicle type may not visit",
        ),
    ]
    assert not result.is_feasible()


def test_problem_file_with_korean_names_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "제한 차종.toml"
    path.write_text(PROBLEM, encoding="utf-8")
    args = ["routes", "solve", str(path), "--time-limit", "60", "--max-iterations", "2000", "--workers", "1"]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["feasible"] and doc["unserved"] == [] and doc["warnings"] == []
    assert doc["cost"] == pytest.approx(brute_force(True), rel=1e-9)
    for route in doc["route_details"]:
        assert set(route["orders"]) <= MAY_SERVE[route["vehicle_type"]]


def with_vehicle(index: int, **fields: Any) -> dict[str, Any]:
    data = table()
    vehicle = data["vehicles"][index]
    for key in ("allowed_sites", "forbidden_orders"):
        vehicle.pop(key, None)
    vehicle.update(fields)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            with_vehicle(0, allowed_sites=["광양 제철소"]),
            "vehicle 탱크로리: allowed_sites: '광양 제철소' is not the id or name of a site",
        ),
        (
            with_vehicle(0, forbidden_sites=["광양항"]),
            "vehicle 탱크로리: forbidden_sites: '광양항' is a depot, not a site orders go to",
        ),
        (
            with_vehicle(1, allowed_orders=["O9"]),
            "vehicle 카고트럭: allowed_orders: 'O9' is not an order id",
        ),
        (
            with_vehicle(1, allowed_sites="S1"),
            r"vehicles\[1\].allowed_sites: expected a list \(each item text or a whole number\), got 'S1'",
        ),
        (
            with_vehicle(1, forbidden_sites=["포스코 광양제철소"]),
            "order O2: no vehicle type may serve it",
        ),
        (
            with_vehicle(1, allowed_orders=["O4"], forbidden_orders=["O4"]),
            "vehicle 카고트럭: its allowed and forbidden lists leave it no order to serve",
        ),
        (
            with_vehicle(1, allowed_sites=["S3", "S4", "S3"]),
            r"vehicles\[1\].allowed_sites: 'S3' is listed twice",
        ),
    ],
)
def test_bad_lists_are_refused_in_one_line(data: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        RoutingProblem.from_dict(data)


def test_a_site_name_shared_by_two_sites_must_be_given_by_id() -> None:
    data = table()
    data["sites"][2]["name"] = "포스코 광양제철소"
    with pytest.raises(InputError, match=r"'포스코 광양제철소' names 2 sites \(S1, S2\); give the id"):
        RoutingProblem.from_dict(data)
    data["vehicles"][0]["allowed_sites"] = ["S1", "S2"]
    assert RoutingProblem.from_dict(data).vehicles[0].allowed_sites == ("S1", "S2")


def test_an_order_too_heavy_for_every_vehicle_type_allowed_to_serve_it() -> None:
    data = table()
    data["vehicles"][0]["capacity"] = 3  # 산소-1 (4 t) may only go by tanker
    with pytest.raises(
        InputError,
        match=r"order 산소-1: quantity \[4.0\] exceeds the capacity of every vehicle type allowed to serve it "
        r"\(탱크로리\)",
    ):
        RoutingProblem.from_dict(data)


def test_cli_refuses_a_bad_name_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(PROBLEM.replace('["포스코 광양제철소", "율촌 산단"]', '["율촌"]'), encoding="utf-8")
    assert main(["routes", "solve", str(path), "--time-limit", "1"]) == 2
    err = capsys.readouterr().err
    assert "bad.toml: vehicle 탱크로리: allowed_sites: '율촌' is not the id or name of a site" in " ".join(
        err.split()
    )


def test_the_ortools_baseline_refuses_them() -> None:
    from gwangyang.logistics.baseline import ORToolsSolver

    with pytest.raises(InputError, match="prizes, client groups or allowed clients"):
        ORToolsSolver().solve(RoutingProblem.from_dict(table()).to_instance(), 1.0)
