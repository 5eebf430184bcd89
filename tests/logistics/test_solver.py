"""PyVRP through our interface: gaps to best-known solutions, independent feasibility, unserved orders, errors."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gwangyang.errors import InputError
from gwangyang.logistics import RoutingProblem, read_instance, solve
from gwangyang.logistics.result import RoutingResult
from gwangyang.logistics.solver import Progress, PyVRPSolver, make_solver

from .independent import check_cvrp, check_solomon

ROOT = Path(__file__).resolve().parents[2]
CVRP = ROOT / ".." / "shared" / "data" / "logistics" / "cvrp"
VRPTW = ROOT / ".." / "shared" / "data" / "logistics" / "vrptw"
SCENARIO = ROOT / "src" / "gwangyang" / "logistics" / "scenarios" / "gwangyang.toml"


def sol_cost(path: Path) -> float:
    """Best-known cost: the 'Cost N' line of a CVRPLIB .sol file (Uchoa et al. 2017, via PyVRP/Instances)."""
    return float(next(line.split()[1] for line in path.read_text().splitlines() if line.startswith("Cost")))


def bks_distance(name: str) -> float:
    """Best-known distance from vrptw/bks.csv (VROOM-Project/vroom-scripts BKS.json)."""
    with (VRPTW / "bks.csv").open() as handle:
        return next(float(r["best_known_distance"]) for r in csv.DictReader(handle) if r["instance"] == name)


BKS_X_N101_K25 = sol_cost(CVRP / "X-n101-k25.sol")  # 27591
BKS_X_N148_K46 = sol_cost(CVRP / "X-n148-k46.sol")  # 43448
BKS_C101 = bks_distance("C101")  # 828.94
BKS_R101 = bks_distance("R101")  # 1645.79


ITERATIONS = 2_000
"""Iterations of each of two searches (sharing the best every :data:`SYNC_ITERATIONS`): about 2 s of both cores,
and the same answer at any load, unlike the 2 s time limit these tests had (they missed their bounds at load 8-10).
Measured 2026-12-07: X-n101-k25 +0.23 %, X-n148-k46 +0.88 %, C101 0.00 %, R101 -0.18 % against the best known."""

SYNC_ITERATIONS = 250
"""Iterations of each search between two exchanges of the best."""


def _budgeted(path: Path, seed: int) -> RoutingResult:
    """The instance solved on a work budget, not a clock (the time limit is only a safety net)."""
    solver = PyVRPSolver(workers=2, max_iterations=ITERATIONS, sync_every_iterations=SYNC_ITERATIONS)
    result = solver.solve(read_instance(path), time_limit=600.0, seed=seed)
    assert result.iterations == 2 * ITERATIONS  # the budget ended it, not the clock
    return result


@pytest.mark.parametrize(
    ("name", "bks", "max_gap"), [("X-n101-k25", BKS_X_N101_K25, 0.02), ("X-n148-k46", BKS_X_N148_K46, 0.03)]
)
def test_cvrp_gap_and_independent_feasibility(name: str, bks: float, max_gap: float) -> None:
    path = CVRP / f"{name}.vrp"
    result = _budgeted(path, seed=1)
    # Re-score on the raw file with TSPLIB's nint distances: the cost we report must match exactly.
    cost = check_cvrp(path, [[int(n) for n in r] for r in result.to_dict()["routes"]])
    assert cost == result.cost
    assert result.is_feasible()
    assert bks <= cost <= bks * (1 + max_gap)


def test_best_known_solution_scores_to_its_cost() -> None:
    # The .sol routes number customers 1..n-1 (node id - 1); scored independently they give the file's Cost line.
    routes = [
        [int(v) + 1 for v in line.split(":", 1)[1].split()]
        for line in (CVRP / "X-n101-k25.sol").read_text().splitlines()
        if line.startswith("Route")
    ]
    assert check_cvrp(CVRP / "X-n101-k25.vrp", routes) == BKS_X_N101_K25


@pytest.mark.parametrize(("name", "bks"), [("C101", BKS_C101), ("R101", BKS_R101)])
def test_solomon_feasible_on_exact_times(name: str, bks: float) -> None:
    path = VRPTW / f"{name}.txt"
    result = _budgeted(path, seed=0)
    distance = check_solomon(path, result.to_dict()["routes"])
    assert distance == pytest.approx(result.distance, rel=1e-9)
    assert result.is_feasible()
    # The listed best-known distances come from a fewest-vehicles-first objective; distance-only solutions may be
    # a little shorter, so the gap is bounded on both sides.
    assert -0.02 < distance / bks - 1 < 0.02


def test_progress_callbacks_report_improving_costs() -> None:
    events: list[Progress] = []
    result = PyVRPSolver(workers=1).solve(
        read_instance(CVRP / "X-n101-k25.vrp"), 1.0, callbacks=[events.append]
    )
    assert events, "at least one new best is reported"
    costs = [e.best_cost for e in events]
    assert costs == sorted(costs, reverse=True)
    assert costs[-1] == result.cost
    assert all(e.feasible for e in events)


def test_parallel_workers_report_their_count() -> None:
    result = PyVRPSolver(workers=2).solve(read_instance(CVRP / "X-n101-k25.vrp"), 1.0, seed=3)
    assert result.workers == 2
    assert result.is_feasible()


def test_scenario_all_orders_served_and_on_time() -> None:
    problem = RoutingProblem.from_file(SCENARIO)
    instance = problem.to_instance()
    result = solve(instance, time_limit=1.0, workers=1)
    assert result.is_feasible()
    assert not result.unserved
    # Independent re-check of the windows from the problem's own orders.
    windows = {o.id: o.window for o in problem.orders}
    for route in result.routes:
        for stop in route.stops:
            assert stop.arrival <= windows[str(stop.label)][1] + 1e-9
            assert stop.start >= windows[str(stop.label)][0] - 1e-9


def _small_problem(orders: list[dict[str, object]], count: int = 1) -> RoutingProblem:
    return RoutingProblem.from_dict(
        {
            "name": "small",
            "settings": {"dimensions": ["pallets"], "circuity": 1.0, "speed_kmh": 60.0},
            "sites": [
                {"id": "D", "kind": "depot", "latitude": 35.0, "longitude": 127.0},
                # 0.5 degree of latitude north: 55.6 km great-circle, 55.6 minutes at 60 km/h.
                {"id": "A", "latitude": 35.5, "longitude": 127.0},
            ],
            "vehicles": [
                {
                    "name": "t",
                    "count": count,
                    "capacity": [10],
                    "start_depot": "D",
                    "shift": ["06:00", "20:00"],
                }
            ],
            "orders": orders,
        }
    )


def test_order_unreachable_in_its_window_is_reported_unserved() -> None:
    # The truck leaves at 06:00 and needs about 56 minutes: a window closing at 06:30 cannot be met.
    problem = _small_problem(
        [
            {"id": "early", "site": "A", "quantity": [1], "window": ["06:00", "06:30"]},
            {"id": "fine", "site": "A", "quantity": [1], "window": ["08:00", "09:00"]},
        ]
    )
    result = solve(problem.to_instance(), time_limit=0.5, workers=1)
    assert [u["order"] for u in result.unserved] == ["early"]
    assert "after the window closes at 06:30" in result.unserved[0]["reason"]
    assert result.to_dict()["routes"] == [["fine"]]
    assert result.is_feasible()


def test_order_left_out_by_the_solver_is_reported_with_a_reason() -> None:
    # One truck; two full loads due at A by 07:30: each is reachable alone, but not both (a round trip is ~111 min).
    problem = _small_problem(
        [
            {"id": "x", "site": "A", "quantity": [10], "window": ["06:00", "07:30"]},
            {"id": "y", "site": "A", "quantity": [10], "window": ["06:00", "07:30"]},
        ]
    )
    for name in ("pyvrp", "ortools"):
        result = make_solver(name, workers=1).solve(problem.to_instance(), time_limit=0.5)
        assert len(result.unserved) == 1
        assert "no feasible route" in result.unserved[0]["reason"]
        assert len(result.routes) == 1
        assert result.is_feasible()


def test_bad_arguments() -> None:
    instance = read_instance(CVRP / "X-n101-k25.vrp")
    with pytest.raises(InputError, match="time_limit"):
        solve(instance, time_limit=0)
    with pytest.raises(InputError, match="seed"):
        solve(instance, time_limit=1, seed=-1)
    with pytest.raises(InputError, match="solver"):
        solve(instance, time_limit=1, solver="gurobi")
    with pytest.raises(InputError, match="sync_every"):
        PyVRPSolver(sync_every=0)


@pytest.mark.slow
def test_every_cvrplib_x_instance_ten_seconds() -> None:
    # The acceptance run: every shipped X instance, 10 s each, every route re-checked on the raw file. Measured on
    # 2 idle cores: mean gap 0.53 % (PyVRP alone 0.74 %); on cores shared with other work, 0.91-1.18 %.
    gaps = []
    for path in sorted(CVRP.glob("X-*.vrp")):
        result = solve(read_instance(path), time_limit=10.0, seed=0)
        cost = check_cvrp(path, result.to_dict()["routes"])
        assert cost == result.cost and result.is_feasible()
        gaps.append(cost / sol_cost(path.with_suffix(".sol")) - 1)
    assert len(gaps) == 17 and min(gaps) >= 0
    assert sum(gaps) / len(gaps) <= 0.01
