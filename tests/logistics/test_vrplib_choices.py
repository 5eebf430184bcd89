"""Prize-collecting clients, mutually exclusive groups and vehicle-client restrictions (PyVRP's VRPLIB sections).

Independent routes: each hand-made instance (7-8 clients) is solved by brute force here (every subset of clients
per vehicle, every visiting order, with ``itertools``) on distances computed here from the coordinates (TSPLIB
``nint``); our solver must reach that optimum and our checker must give the same score. Our reading of each file is
compared with ``pyvrp.read`` of the same file (prizes, required clients, groups, allowed clients), and our routes are
re-scored by PyVRP's own ``Solution`` (distance plus uncollected prizes).
"""

from __future__ import annotations

import functools
import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from gwangyang.errors import CorruptFileError, InputError
from gwangyang.logistics.check import check_solution, evaluate
from gwangyang.logistics.instance import Instance
from gwangyang.logistics.solver import PyVRPSolver
from gwangyang.logistics.vrplib_io import read_instance
from gwangyang.logistics.vrplib_solution import read_solution, solution_visits, write_solution

COORDS = [(50, 50), (20, 80), (25, 70), (80, 85), (90, 60), (75, 20), (40, 15), (10, 30), (55, 95)]
"""Depot (node 1) and eight clients (nodes 2-9)."""

DEMANDS = [0, 4, 3, 5, 4, 6, 3, 5, 2]


def vrp_text(
    name: str,
    vehicles: int,
    capacity: int,
    prizes: list[int] | None = None,
    groups: list[list[int]] | None = None,
    allowed: list[list[int]] | None = None,
    clients: int = 8,
) -> str:
    """A VRPLIB file in PyVRP's dialect (nodes numbered from 1, the depot first)."""
    n = clients + 1
    lines = [
        f"NAME : {name}",
        "TYPE : CVRP",
        f"DIMENSION : {n}",
        f"VEHICLES : {vehicles}",
        f"CAPACITY : {capacity}",
        "EDGE_WEIGHT_TYPE : EUC_2D",
        "NODE_COORD_SECTION",
        *(f"{i + 1} {x} {y}" for i, (x, y) in enumerate(COORDS[:n])),
        "DEMAND_SECTION",
        *(f"{i + 1} {d}" for i, d in enumerate(DEMANDS[:n])),
    ]
    if prizes is not None:
        lines += ["PRIZE_SECTION", *(f"{i + 1} {p}" for i, p in enumerate(prizes))]
    if groups is not None:
        lines += [
            "MUTUALLY_EXCLUSIVE_GROUP_SECTION",
            *(f"{g + 1} {' '.join(map(str, m))}" for g, m in enumerate(groups)),
        ]
    if allowed is not None:
        lines += [
            "VEHICLES_ALLOWED_CLIENTS_SECTION",
            *(f"{k + 1} {' '.join(map(str, a))}" for k, a in enumerate(allowed)),
        ]
    lines += ["DEPOT_SECTION", "1", "-1", "EOF", ""]
    return "\n".join(lines)


PRIZES = [0, 30, 0, 55, 12, 0, 70, 25, 40]
"""Nodes 3 and 6 required (prize 0), the others optional with a prize."""

GROUPS = [[2, 3, 4], [7, 8]]
"""Exactly one of nodes 2, 3, 4 and exactly one of 7, 8 (the others required)."""

ALLOWED = [[2, 3, 4, 5, 9], [4, 5, 6, 7, 8]]
"""Vehicle 1 serves the north (and 5), vehicle 2 the south (and 4, 5)."""


def nint(a: tuple[int, int], b: tuple[int, int]) -> int:
    return math.floor(math.hypot(a[0] - b[0], a[1] - b[1]) + 0.5)


@functools.cache
def shortest_tours(clients: int) -> dict[frozenset[int], float]:
    """The shortest tour from the depot through each subset of nodes 2..clients+1, over every visiting order."""
    nodes = list(range(2, clients + 2))
    best_order: dict[frozenset[int], float] = {}
    for size in range(len(nodes) + 1):
        for subset in itertools.combinations(nodes, size):
            cost = math.inf
            for order in itertools.permutations(subset):
                path = [1, *order, 1]
                cost = min(cost, sum(nint(COORDS[a - 1], COORDS[b - 1]) for a, b in itertools.pairwise(path)))
            best_order[frozenset(subset)] = cost if subset else 0.0
    return best_order


def brute_force(
    clients: int,
    capacity: list[int],
    prizes: list[int],
    groups: list[list[int]],
    allowed: list[list[int]] | None,
) -> tuple[float, float, frozenset[int]]:
    """Best objective (route distances + prizes of unserved nodes), its distance and served nodes, by enumeration.

    Each vehicle serves a subset of nodes (an allowed one, within its capacity) in its best order (every
    permutation tried); the subsets are disjoint, cover every required node and exactly one node of each group.
    """
    nodes = list(range(2, clients + 2))
    grouped = {v for g in groups for v in g}
    required = {v for v in nodes if prizes[v - 1] == 0 and v not in grouped}
    best_order = shortest_tours(clients)
    total_prize = sum(prizes[v - 1] for v in nodes)
    best = (math.inf, math.inf, frozenset[int]())
    vehicles = len(capacity)

    def fits(k: int, subset: frozenset[int]) -> bool:
        load = sum(DEMANDS[v - 1] for v in subset)
        return load <= capacity[k] and (allowed is None or subset <= set(allowed[k]))

    for assign in itertools.product(range(vehicles + 1), repeat=len(nodes)):  # vehicles: unserved
        parts = [frozenset(v for v, a in zip(nodes, assign, strict=True) if a == k) for k in range(vehicles)]
        served = frozenset().union(*parts)
        if not required <= served or any(len(served & set(g)) != 1 for g in groups):
            continue
        if not all(fits(k, p) for k, p in enumerate(parts)):
            continue
        distance = sum(best_order[p] for p in parts)
        objective = distance + total_prize - sum(prizes[v - 1] for v in served)
        if objective < best[0]:
            best = (objective, distance, served)
    return best


def solve(instance: Instance) -> tuple[float, list[tuple[int, list[int]]]]:
    result = PyVRPSolver(workers=1, max_iterations=3000).solve(instance, time_limit=120, seed=1)
    assert result.is_feasible(), result.summary()
    return result.cost, [
        (
            next(t for t, v in enumerate(instance.vehicles) if v.name == r.vehicle_type),
            [s.client for s in r.stops],
        )
        for r in result.routes
    ]


def pyvrp_score(path: Path, instance: Instance, routes: list[tuple[int, list[int]]]) -> tuple[int, int]:
    """PyVRP's distance and uncollected prizes of our routes, on ``pyvrp.read`` of the same file."""
    import pyvrp

    data = pyvrp.read(str(path), round_func="round")
    first = {int(i): t for t, vt in enumerate(data.vehicle_types()) for i in vt.name.split(",")}
    used: list[int] = []
    pv_routes = []
    for vt, visits in routes:
        vehicle = next(k for k, t in enumerate(instance.fleet) if t == vt and k not in used)
        used.append(vehicle)
        pv_routes.append(pyvrp.Route(data, [int(c) for c in visits], first[vehicle]))
    solution = pyvrp.Solution(data, pv_routes)
    assert solution.is_feasible()
    return solution.distance(), solution.uncollected_prizes()


CASES = {
    "prizes": (2, 15, PRIZES, None, None),
    "groups": (2, 15, None, GROUPS, None),
    "allowed": (2, 20, None, None, ALLOWED),
    "all three": (2, 15, [0, 30, 0, 55, 12, 0, 0, 25, 40], [[2, 3], [7, 8]], ALLOWED),
}


@pytest.mark.parametrize("case", list(CASES))
def test_solver_and_checker_reach_the_brute_force_optimum(tmp_path: Path, case: str) -> None:
    vehicles, capacity, prizes, groups, allowed = CASES[case]
    path = tmp_path / f"{case.replace(' ', '_')}.vrp"
    path.write_text(vrp_text(f"광양 {case}", vehicles, capacity, prizes, groups, allowed), encoding="utf-8")
    instance = read_instance(path)
    assert instance.name == f"광양 {case}"
    prize_list = prizes or [0] * 9
    objective, distance, served = brute_force(8, [capacity] * vehicles, prize_list, groups or [], allowed)
    assert math.isfinite(objective)
    ours, routes = solve(instance)
    assert ours == pytest.approx(objective)
    # Our checker on our routes: the same score, split into distance and prizes forgone.
    result = evaluate(instance, routes, "check")
    assert result.is_feasible()
    forgone = sum(prize_list[1:]) - sum(prize_list[v - 1] for v in served)
    assert result.prize_forgone == pytest.approx(objective - result.distance)
    assert result.routing_cost == pytest.approx(result.distance)
    # PyVRP's own score of the same routes, on its own reading of the file.
    pv_distance, pv_forgone = pyvrp_score(path, instance, routes)
    assert (pv_distance, pv_forgone) == (round(result.distance), round(result.prize_forgone))
    # The served set may differ from the enumerated one only where the two tie.
    if set(instance.client_label[c] for _, r in routes for c in r) != served:
        assert result.distance + result.prize_forgone == pytest.approx(distance + forgone)
    unserved = {u["order"] for u in result.unserved}
    assert unserved == set(range(2, 10)) - {instance.client_label[c] for _, r in routes for c in r}


def test_brute_force_optima_are_not_trivial() -> None:
    """Each hand instance makes a choice: some optional clients served, some not; both vehicles used."""
    objective, distance, served = brute_force(8, [15, 15], PRIZES, [], None)
    assert {3, 6} <= served and 0 < len(served - {3, 6}) < 6
    assert objective > distance
    objective, distance, served = brute_force(8, [15, 15], [0] * 9, GROUPS, None)
    assert objective == distance and len(served) == 5


@pytest.mark.parametrize("case", list(CASES))
def test_reading_matches_pyvrp_read(tmp_path: Path, case: str) -> None:
    import pyvrp
    from pyvrp.constants import MAX_VALUE

    vehicles, capacity, prizes, groups, allowed = CASES[case]
    path = tmp_path / "same.vrp"
    path.write_text(vrp_text("same", vehicles, capacity, prizes, groups, allowed))
    ours = read_instance(path)
    data = pyvrp.read(str(path), round_func="round")
    theirs = data.clients()
    assert [int(c.prize) for c in theirs] == [int(p) for p in ours.prize]
    assert [bool(c.required) for c in theirs] == [ours.is_required(c) for c in range(ours.num_clients)]
    assert [list(g.clients) for g in data.groups()] == [list(g) for g in ours.groups]
    assert [c.group for c in theirs] == [ours.group_of().get(c) for c in range(ours.num_clients)]
    for vt in data.vehicle_types():
        matrix = data.distance_matrix(vt.profile)
        reachable = tuple(c for c, client in enumerate(theirs) if matrix[0, client.location] < MAX_VALUE)
        for vehicle in map(int, vt.name.split(",")):
            mine = ours.vehicles[ours.fleet[vehicle]].allowed_clients
            assert (mine if mine is not None else tuple(range(ours.num_clients))) == reachable


def test_checker_flags_each_broken_rule(tmp_path: Path) -> None:
    path = tmp_path / "all.vrp"
    path.write_text(vrp_text("all", *CASES["all three"]))
    instance = read_instance(path)
    node = {label: c for c, label in enumerate(instance.client_label)}
    # Vehicle 1 (north) serves node 6, which only vehicle 2 may; node 2 and 3 both served (one group).
    routes = [[node[2], node[3], node[6]], [node[4], node[7]]]
    result = check_solution(instance, routes)
    assert not result.is_feasible()
    assert any(
        "serves 6, which its vehicle type may not visit" in v for r in result.routes for v in r.violations
    )
    assert result.group_violations == ["group 1 (2 3): 2 served, exactly one must be"]
    # Hand score: distances by nint, prizes of 5, 8, 9 forgone (12 + 25 + 40).
    hand = sum(
        nint(COORDS[a - 1], COORDS[b - 1])
        for r in ([1, 2, 3, 6, 1], [1, 4, 7, 1])
        for a, b in itertools.pairwise(r)
    )
    assert result.distance == hand
    assert result.prize_forgone == 77
    assert result.prize_collected == 30 + 55
    assert result.cost == hand + 77
    reasons = {u["order"]: u["reason"] for u in result.unserved}
    assert reasons[8] == "group 2: member 7 served instead; prize 25 forgone"
    assert reasons[5] == "optional client, not worth its detour; prize 12 forgone"
    assert "objective" in result.summary() and "group broken" in result.summary()


def test_messages_name_groups_by_the_file_s_numbers(tmp_path: Path) -> None:
    # Groups numbered 1, 10, 20, the first of one member (no constraint, dropped): the messages say 10 and 20, the
    # numbers the file gives (they said 1 and 2, the positions among the groups kept). Same routes as above.
    text = vrp_text("numbered", *CASES["all three"]).replace(
        "MUTUALLY_EXCLUSIVE_GROUP_SECTION\n1 2 3\n2 7 8\n",
        "MUTUALLY_EXCLUSIVE_GROUP_SECTION\n1 5\n10 2 3\n20 7 8\n",
    )
    assert "20 7 8" in text
    path = tmp_path / "numbered.vrp"
    path.write_text(text)
    instance = read_instance(path)
    node = {label: c for c, label in enumerate(instance.client_label)}
    assert instance.groups == [(node[2], node[3]), (node[7], node[8])]
    result = check_solution(instance, [[node[2], node[3], node[6]], [node[4], node[7]]])
    assert result.group_violations == ["group 10 (2 3): 2 served, exactly one must be"]
    reasons = {u["order"]: u["reason"] for u in result.unserved}
    assert reasons[8] == "group 20: member 7 served instead; prize 25 forgone"
    assert reasons[5] == "optional client, not worth its detour; prize 12 forgone"  # its group of one is none


def test_solution_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "pc.vrp"
    path.write_text(vrp_text("pc", *CASES["all three"]))
    instance = read_instance(path)
    result = PyVRPSolver(workers=1, max_iterations=500).solve(instance, time_limit=120, seed=0)
    sol = tmp_path / "pc.sol"
    write_solution(result, instance, sol)
    routes, cost = read_solution(sol)
    assert cost == pytest.approx(result.cost)
    again = check_solution(instance, solution_visits(instance, routes))
    assert again.is_feasible()
    assert again.cost == pytest.approx(result.cost)
    assert again.prize_forgone == pytest.approx(result.prize_forgone)


@pytest.mark.parametrize(
    ("prizes", "groups", "allowed", "message"),
    [
        (
            [0, 30, -5, 0, 0, 0, 0, 0, 0],
            None,
            None,
            r"PRIZE_SECTION line 30: node 3: a prize must be >= 0, got -5",
        ),
        (
            [0, 30, 0, 0, 0, 0, 0, 0],
            None,
            None,
            r"PRIZE_SECTION \(from line 28\) has 8 rows, expected DIMENSION = 9",
        ),
        (
            [5, 30, 0, 0, 0, 0, 0, 0, 0],
            None,
            None,
            r"PRIZE_SECTION line 28: depot node 1 cannot have a prize",
        ),
        (
            None,
            [[2, 3], [4, 12]],
            None,
            r"MUTUALLY_EXCLUSIVE_GROUP_SECTION line 29: names node 12, which is not a node of the file",
        ),
        (None, [[2, 3], [3, 4]], None, r"GROUP_SECTION line 29: node 3 is in group 2 and in group 1"),
        (None, [[1, 3]], None, r"GROUP_SECTION line 28: group 1 names depot node 1"),
        (
            None,
            None,
            [[2, 3, 4, 5, 6, 7, 8, 9], []],
            r"ALLOWED_CLIENTS_SECTION line 29: vehicle 2 may visit no client",
        ),
        (
            None,
            None,
            [[2, 3, 4, 5, 6, 7, 8, 9]],
            r"ALLOWED_CLIENTS_SECTION \(from line 28\) has 1 rows, expected VEHICLES = 2",
        ),
        (None, None, [[2, 3], [4, 99]], r"ALLOWED_CLIENTS_SECTION line 29: names node 99"),
        (
            None,
            None,
            [[2, 3], [3, 4]],
            r"ALLOWED_CLIENTS_SECTION: node 5 must be served but no vehicle may visit it",
        ),
    ],
)
def test_broken_sections_are_refused_in_one_line(
    tmp_path: Path,
    prizes: list[int] | None,
    groups: list[list[int]] | None,
    allowed: list[list[int]] | None,
    message: str,
) -> None:
    path = tmp_path / "broken.vrp"
    path.write_text(vrp_text("broken", 2, 40, prizes, groups, allowed))
    with pytest.raises((CorruptFileError, InputError), match=message) as caught:
        read_instance(path)
    assert str(caught.value).startswith(str(path)) and "\n" not in str(caught.value)


def test_choices_are_refused_by_the_ortools_baseline(tmp_path: Path) -> None:
    from gwangyang.logistics.baseline import ORToolsSolver

    path = tmp_path / "pc.vrp"
    path.write_text(vrp_text("pc", 2, 15, PRIZES))
    with pytest.raises(InputError, match="prizes, client groups or allowed clients"):
        ORToolsSolver().solve(read_instance(path), 1.0)


def test_instance_refuses_bad_choices() -> None:
    base = dict(
        name="t",
        source="vrplib",
        location_names=["1", "2", "3"],
        coordinates=np.zeros((3, 2)),
        num_depots=1,
        distance=np.zeros((3, 3)),
        duration=np.zeros((3, 3)),
        client_location=np.array([1, 2]),
        client_label=[2, 3],
        demand=np.zeros((2, 1)),
        service=np.zeros(2),
        tw_early=np.zeros(2),
        tw_late=np.full(2, np.inf),
        depot_tw=np.array([[0.0, np.inf]]),
    )
    from gwangyang.logistics.instance import VehicleSpec

    with pytest.raises(InputError, match="prizes must be finite and >= 0"):
        Instance(**base, vehicles=[VehicleSpec("v", 1, (1.0,))], prize=np.array([1.0, -1.0]))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="more than one group"):
        Instance(**base, vehicles=[VehicleSpec("v", 1, (1.0,))], groups=[(0, 1), (1,)])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="may serve no client"):
        Instance(**base, vehicles=[VehicleSpec("v", 1, (1.0,), allowed_clients=())])  # type: ignore[arg-type]


def test_problem_file_orders_with_prizes_and_groups() -> None:
    """Our problem file: ``prize`` and ``group`` on orders (A is 0.5 degree north of the depot, B 1 degree)."""
    from gwangyang.logistics.problem import RoutingProblem

    problem = RoutingProblem.from_dict(
        {
            "name": "상품 수집",
            "settings": {"dimensions": ["pallets"], "circuity": 1.0, "speed_kmh": 60.0},
            "sites": [
                {"id": "D", "kind": "depot", "latitude": 35.0, "longitude": 127.0},
                {"id": "A", "latitude": 35.5, "longitude": 127.0},
                {"id": "B", "latitude": 36.0, "longitude": 127.0},
            ],
            "vehicles": [{"name": "t", "count": 1, "capacity": [10], "start_depot": "D"}],
            "orders": [
                {"id": "near", "site": "A", "quantity": [1]},
                {"id": "g1", "site": "A", "quantity": [1], "group": "산소"},
                {"id": "g2", "site": "B", "quantity": [1], "group": "산소"},
                {"id": "far", "site": "B", "quantity": [1], "prize": 10},
                {"id": "free", "site": "A", "quantity": [1], "prize": 5},
            ],
        }
    )
    result = PyVRPSolver(workers=1, max_iterations=200).solve(problem.to_instance(), time_limit=120)
    assert result.is_feasible()
    assert sorted(map(str, result.routes[0].labels)) == ["free", "g1", "near"]
    reasons = {u["order"]: u["reason"] for u in result.unserved}
    assert reasons == {
        "g2": "group 산소: member g1 served instead",  # the group as the file names it (it read 'group 1')
        "far": "optional client, not worth its detour; prize 10 forgone",
    }
    # Serving 'far' adds the 55.6 km from A to B and back (more than its prize 10): it is left out.
    assert result.distance == pytest.approx(2 * 6371.0 * math.radians(0.5), rel=2e-3)
    assert (result.prize_forgone, result.prize_collected) == (10.0, 5.0)
    assert result.cost == pytest.approx(result.routing_cost + 10.0)
    assert result.routing_cost == pytest.approx(result.distance)


def test_cli_reports_unserved_clients_and_both_parts_of_the_objective(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from gwangyang.cli.main import main

    path = tmp_path / "광양.vrp"
    path.write_text(vrp_text("광양 수거", *CASES["prizes"][:3]), encoding="utf-8")
    objective = brute_force(8, [15, 15], PRIZES, [], None)[0]
    args = ["routes", "solve", str(path), "--time-limit", "120", "--max-iterations", "3000", "--workers", "1"]
    assert main([*args, "--json", "--seed", "1"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["instance"] == "광양 수거"
    assert doc["cost"] == pytest.approx(objective)
    assert doc["routing_cost"] + doc["prize_forgone"] == pytest.approx(doc["cost"])
    assert doc["prize_collected"] + doc["prize_forgone"] == sum(PRIZES)
    left = {u["order"]: u["prize"] for u in doc["unserved"]}
    assert sum(left.values()) == doc["prize_forgone"]
    assert set(left) == set(range(2, 10)) - {v for r in doc["routes"] for v in r}
    assert main([*args, "--seed", "1"]) == 0
    assert f"objective {objective:,.2f} = routing cost" in capsys.readouterr().err
