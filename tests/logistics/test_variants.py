"""Richer VRPLIB files: every section read or refused, our checker confirms the published best-known solutions,
catches each kind of broken constraint, and the solver's answers pass it without beating the best known.

Best-known solutions: the ``.sol`` files of PyVRP/Instances (MIT) in ``shared/data/logistics/variants``:
MDVRPTW (Vidal et al. 2013), MTVRPTWR (Yang 2023), HFVRP (Pessoa et al. 2018), VRPB (Queiroga et al. 2020).
"""

from __future__ import annotations

import statistics
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from gwangyang.errors import CorruptFileError, InputError
from gwangyang.logistics.check import check_solution, evaluate
from gwangyang.logistics.instance import Instance
from gwangyang.logistics.route_check import reload_visit
from gwangyang.logistics.solver import PyVRPSolver
from gwangyang.logistics.vrplib_io import best_known, read_instance, read_vrplib_solution
from gwangyang.logistics.vrplib_solution import solution_visits

ROOT = Path(__file__).resolve().parents[2]
VARIANTS = ROOT / ".." / "shared" / "data" / "logistics" / "variants"
FILES = sorted(VARIANTS.glob("*/*.vrp"))
PR11A = VARIANTS / "MDVRPTW" / "PR11A.vrp"
C201 = VARIANTS / "MTVRPTWR" / "C201R0.25.vrp"
X101 = VARIANTS / "HFVRP" / "X101-FSMFD.vrp"
VRPB = VARIANTS / "VRPB" / "X-n1001-50-k22.vrp"

PICKUP_DELIVERY = """NAME: pd-tiny
TYPE: PDPTW
DIMENSION: 5
VEHICLES: 2
CAPACITY: 10
EDGE_WEIGHT_TYPE: EUC_2D
NODE_COORD_SECTION
1 0 0
2 10 0
3 20 0
4 0 10
5 0 20
PICKUP_AND_DELIVERY_SECTION
1 0 0 1000 0 0 0
2 4 0 1000 1 0 3
3 -4 0 1000 1 2 0
4 6 0 1000 1 0 5
5 -6 0 1000 1 4 0
DEPOT_SECTION
1
EOF
"""
"""Two pairs: 4 units from (10, 0) to (20, 0), 6 units from (0, 10) to (0, 20)."""

PICKUP_DELIVERY_OPTIMUM = 72.0
"""By hand: depot, 2, 3, 4, 5, depot = 10 + 10 + nint(sqrt(500)) = 22 + 10 + 20 (every other order is longer)."""


def best(path: Path) -> tuple[Instance, list[list[int]]]:
    instance = read_instance(path)
    routes, _ = read_vrplib_solution(path.with_suffix(".sol"))
    return instance, solution_visits(instance, routes)


def violations(result: object) -> list[str]:
    return [v for r in result.routes for v in r.violations]  # type: ignore[attr-defined]


def test_the_fixtures_are_there() -> None:
    assert {p.parent.name for p in FILES} == {"MDVRPTW", "MTVRPTWR", "HFVRP", "VRPB"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_best_known_solution_is_feasible_and_costs_what_the_paper_says(path: Path) -> None:
    instance, visits = best(path)
    result = check_solution(instance, visits)
    assert result.is_feasible(), violations(result)[:3]
    # Re-costed from the coordinates, the published solution costs its published value (HFVRP's .sol rounds to
    # 1/100 of the file's cost unit, the others are exact in theirs).
    assert result.cost == pytest.approx(best_known(path), rel=2e-7)


def test_sections_become_the_right_constraints() -> None:
    md = read_instance(PR11A)
    assert md.num_depots == 4 and [v.count for v in md.vehicles] == [10, 10, 10, 10]
    assert [v.start_depot for v in md.vehicles] == [0, 1, 2, 3]
    assert all(v.max_duration == 450 for v in md.vehicles) and md.has_time_windows
    mt = read_instance(C201)
    assert mt.vehicles[0].reload_depots == (0,) and mt.vehicles[0].count == 8
    assert (mt.release > 0).any() and (mt.service == 90).all()
    hf = read_instance(X101)
    assert sorted(v.capacity[0] for v in hf.vehicles) == [141, 168, 200, 238, 283]
    assert {v.count for v in hf.vehicles} == {100} and all(v.fixed_cost > 0 for v in hf.vehicles)
    assert len(hf.fleet) == 500
    vb = read_instance(VRPB)
    assert vb.backhauls_last and vb.pickup.any() and vb.demand.any()
    assert not (vb.pickup.any(axis=1) & vb.demand.any(axis=1)).any()


def test_checker_catches_a_broken_duration_limit() -> None:
    instance, visits = best(PR11A)
    result = check_solution(instance, visits)
    longest = max(r.duration for r in result.routes)
    assert longest <= 450
    tight = replace(instance, vehicles=[replace(v, max_duration=longest - 1) for v in instance.vehicles])
    assert any("over its duration limit" in v for v in violations(check_solution(tight, visits)))


def test_checker_catches_late_arrivals_and_wrong_depots() -> None:
    instance, visits = best(PR11A)
    reversed_routes = [list(reversed(v)) for v in visits]
    assert any("after its window closes" in v for v in violations(check_solution(instance, reversed_routes)))
    # Every route driven from the depot of the last type: other distances, so another cost.
    moved = check_solution(instance, visits, fleet=[3] * len(visits))
    assert moved.cost != pytest.approx(best_known(PR11A), rel=1e-3)


def test_checker_catches_reloads_not_allowed_and_honours_release_times() -> None:
    instance, visits = best(C201)
    result = check_solution(instance, visits)
    reloads = [s for r in result.routes for s in r.stops if s.kind == "reload"]
    assert reloads and max(r.trips for r in result.routes) == 5
    # Each trip leaves the depot only once all its clients are released.
    for route in result.routes:
        for k, stop in enumerate(route.stops):
            if stop.kind == "reload":
                trip = [s for s in route.stops[k + 1 :] if s.trip == stop.trip]
                assert stop.departure >= max(instance.release[s.client] for s in trip) - 1e-9
    none = replace(instance, vehicles=[replace(v, reload_depots=()) for v in instance.vehicles])
    assert any("not one of its reload depots" in v for v in violations(check_solution(none, visits)))
    few = replace(instance, vehicles=[replace(v, max_reloads=1) for v in instance.vehicles])
    assert any("more than its limit of 1" in v for v in violations(check_solution(few, visits)))
    late_release = instance.release.copy()
    late_release[visits[0][0]] = 10_000.0  # after the depot closes (3390)
    broken = replace(instance, release=late_release)
    assert not check_solution(broken, visits).is_feasible()


def test_checker_catches_excess_load() -> None:
    instance, visits = best(X101)
    small = min(range(len(instance.vehicles)), key=lambda t: instance.vehicles[t].capacity[0])
    result = check_solution(instance, visits, fleet=[small] * len(visits))
    assert any("over its capacity 141" in v for v in violations(result))


def test_checker_catches_backhauls_out_of_order() -> None:
    instance, visits = best(VRPB)
    route = next(v for v in visits if v)
    backhaul = next(c for c in route if instance.pickup[c].any())
    swapped = [backhaul, *[c for c in route if c != backhaul]]
    broken = [swapped if v is route else v for v in visits]
    found = violations(check_solution(instance, broken))
    assert any("starts with backhaul" in v for v in found)
    assert any("after backhaul" in v for v in found)


def test_pickup_delivery_pairs(tmp_path: Path) -> None:
    path = tmp_path / "pd.vrp"
    path.write_text(PICKUP_DELIVERY)
    instance = read_instance(path)
    assert [(s.pickup, s.delivery, s.amount) for s in instance.shipments] == [(0, 1, (4.0,)), (2, 3, (6.0,))]
    good = evaluate(instance, [(0, [0, 1, 2, 3])], "hand")
    assert good.is_feasible() and good.cost == PICKUP_DELIVERY_OPTIMUM
    assert [s.kind for s in good.routes[0].stops] == ["pickup", "dropoff", "pickup", "dropoff"]
    backwards = evaluate(instance, [(0, [1, 0, 2, 3])], "hand")
    assert any("before (or without) picking it up" in v for v in violations(backwards))
    split = evaluate(instance, [(0, [0, 2, 3]), (0, [1])], "hand")
    assert any("never delivers" in v for v in violations(split))
    solved = PyVRPSolver(workers=1, max_iterations=200).solve(instance, time_limit=60.0)
    assert solved.is_feasible() and solved.cost == PICKUP_DELIVERY_OPTIMUM


def test_reload_visits_are_reported_as_the_depot() -> None:
    instance, visits = best(C201)
    result = check_solution(instance, visits)
    assert reload_visit(0) in visits[3]
    assert 1 in result.routes[3].labels  # node 1 is the depot


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "DEPOT_SECTION",
            "PRIZE_SECTION\n1 0\nDEPOT_SECTION",
            r"PRIZE_SECTION \(from line 20\) has 1 rows, expected DIMENSION = 5",
        ),
        ("DEPOT_SECTION", "WEIRD_SECTION\n1 0\nDEPOT_SECTION", "unknown section WEIRD_SECTION"),
        ("EDGE_WEIGHT_TYPE", "COLOUR: red\nEDGE_WEIGHT_TYPE", "unknown specification COLOUR"),
        (
            "DEPOT_SECTION",
            "VEHICLES_ALLOWED_CLIENTS_SECTION\n1 2\nDEPOT_SECTION",
            r"VEHICLES_ALLOWED_CLIENTS_SECTION \(from line 20\) has 1 rows, expected VEHICLES = 2",
        ),
        ("4 6 0 1000 1 0 5", "4 6 0 1000 1 0 3", "does not name it as its pickup"),
        ("CAPACITY: 10", "CAPACITY: 5", "carries more than the capacity of every vehicle"),
        ("VEHICLES: 2", "VEHICLES: 2\nVEHICLES_DEPOT: 3", "VEHICLES_DEPOT vehicle 1 names node 3"),
    ],
)
def test_sections_not_handled_are_refused_by_name(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = tmp_path / "bad.vrp"
    assert old in PICKUP_DELIVERY
    path.write_text(PICKUP_DELIVERY.replace(old, new, 1))
    with pytest.raises(InputError, match=message):
        read_instance(path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("2 10 0\n", "2 nan 0\n", "NODE_COORD_SECTION node 2: expected a finite number"),
        ("2 10 0\n", "2 1e308 0\n", "NODE_COORD_SECTION node 2: 1e308 is too large"),
        ("2 10 0\n", "2 5e9 0\n", "NODE_COORD_SECTION node 2: coordinates beyond"),
        ("2 4 0 1000 1 0 3", "2 4 0 1000 -1 0 3", "PICKUP_AND_DELIVERY_SECTION node 2"),
        (
            "2 4 0 1000 1 0 3",
            "2 1e308 0 1000 1 0 3",
            "PICKUP_AND_DELIVERY_SECTION node 2: 1e308 is too large",
        ),
    ],
)
def test_bad_numbers_are_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = tmp_path / "bad.vrp"
    path.write_text(PICKUP_DELIVERY.replace(old, new, 1))
    with pytest.raises(CorruptFileError, match=message):
        read_instance(path)


@pytest.mark.parametrize("path", [X101, PR11A, C201, VRPB], ids=lambda p: p.stem)
def test_short_solve_is_feasible_and_never_beats_the_best_known(path: Path) -> None:
    instance = read_instance(path)
    result = PyVRPSolver(workers=1, max_iterations=150).solve(instance, time_limit=600.0)
    checked = check_solution(
        instance, [v for _, v in _typed(result, instance)], [t for t, _ in _typed(result, instance)]
    )
    assert result.is_feasible() and checked.is_feasible(), violations(result)[:3]
    assert checked.cost == pytest.approx(result.cost)
    assert result.cost >= best_known(path) * (1 - 0.001)


def _typed(result: object, instance: Instance) -> list[tuple[int, list[int]]]:
    """The result's routes as (type, visits), rebuilt from its stops alone."""
    names = [v.name for v in instance.vehicles]
    return [
        (names.index(r.vehicle_type), [s.client for s in r.stops])
        for r in result.routes  # type: ignore[attr-defined]
    ]


ITERATIONS = {
    "X101-FSMFD": 40_000,
    "X106-FSMD": 33_000,
    "PR11A": 16_000,
    "PR12A": 16_000,
    "C201R0.25": 18_000,
    "R201R0.5": 15_000,
    "X-n1001-50-k22": 7_000,
}
"""Iterations of each search in the slow comparison: about 30 s of one core, from the iterations per CPU second of
one search measured 2026-12-06 on the shared 2-core machine (X101-FSMFD 1,402, X106-FSMD 1,119, PR11A 549, PR12A 532,
C201R0.25 606, R201R0.5 507, X-n1001-50-k22 228). A budget of iterations, not seconds (PyVRP's ``MaxIterations``,
our ``max_iterations``), so the gaps are the same at any load: the test used to stop both sides at 30 s of wall
time, and its gaps grew with the load."""

MEASURED_MEAN_GAP = 1.62
"""Mean gap (%) of ours at 30 s on 2 workers over the seven variants, measured on the shared 2-core machine at load
0.4-1.4 with the sweep start and growing history (PyVRP alone in the same run: 2.18 %; docs/logistics.md). Under load
the gaps grew (2.67 % at load 4-8 with an earlier setting). The slow test keeps its bound of 1.5 points above it
(3.12 %), and requires ours not to fall behind PyVRP alone by more than a point. With :data:`ITERATIONS` instead of
30 s (two searches, seeds 0 and 1, sharing the best by iterations, the best kept; PyVRP alone seed 0) the run is
deterministic: :data:`MEASURED_DETERMINISTIC`, well inside both bounds, which are kept as they were."""

SYNC_EVERY_ITERATIONS = 3_000
"""Iterations of each search between restarts of search 1 from the best (``sync_every_iterations``): the best of
150, 1,000 and 3,000 on these seven (:data:`MEASURED_DETERMINISTIC`)."""

MEASURED_DETERMINISTIC = 1.71
"""Mean gap (%) of ours with :data:`ITERATIONS`, sharing the best every :data:`SYNC_EVERY_ITERATIONS` iterations
(2026-12-07, ``benchmarks/logistics_sync_iterations.py --every 3000``, the same at any load; PyVRP alone 2.46 %):
X101-FSMFD 0.516, X106-FSMD 0.176, PR11A 1.758, PR12A 2.882, C201R0.25 0.540, R201R0.5 1.684, X-n1001-50-k22
4.418 % (mean 1.711 %). Every 1,000 iterations: 0.516, 0.173, 1.988, 2.835, 0.540, 2.697, 4.015 % (mean 1.823 %);
every 150: 0.393, 0.211, 1.716, 2.708, 0.540, 3.716, 4.487 % (mean 1.967 %). Two independent searches
(``sync_every=None``, 2026-12-06): 0.449, 0.225, 1.559, 2.823, 0.253, 2.974, 4.706 % (mean 1.86 %). PyVRP alone:
0.516, 0.225, 1.977, 4.654, 0.540, 3.910, 5.395 %. Every 3,000 beats the independent searches by 0.15 points, most
of it on R201R0.5 (1.68 % against 2.97 %), which is within what one seed moves one instance (up to 1.5 points on
X-n1001-50-k22 and R201R0.5), and 3,000 was chosen on these same seven; it stays above the 1.62 % of 30 s with the
searches sharing every second."""


@pytest.mark.slow
def test_fixed_iterations_on_two_workers_against_pyvrp_alone() -> None:
    import pyvrp
    from pyvrp.stop import MaxIterations

    ours, alone = [], []
    for path in FILES:
        instance = read_instance(path)
        bks = best_known(path)
        budget = ITERATIONS[path.stem]
        # Sharing the best by iterations, not on a clock: each search stops after its budget, whatever the load.
        solver = PyVRPSolver(workers=2, max_iterations=budget, sync_every_iterations=SYNC_EVERY_ITERATIONS)
        result = solver.solve(instance, time_limit=24 * 3600.0)
        assert result.is_feasible()
        assert result.iterations == 2 * budget
        ours.append(100 * (result.cost / bks - 1))
        assert ours[-1] >= -0.1
        rounding = {"nint": "round", "exact": "exact", "dimacs": "dimacs"}[instance.convention]
        data = pyvrp.read(path, round_func=rounding)
        best = pyvrp.solve(data, stop=MaxIterations(budget), seed=0, display=False).best
        routes = []
        for route in best.routes():
            vt = instance.fleet[int(data.vehicle_type(route.vehicle_type()).name.split(",")[0])]
            visits = [a.idx if a.is_client() else reload_visit(a.idx) for a in route.schedule()[1:-1]]
            routes.append((vt, visits))
        checked = evaluate(instance, routes, "pyvrp")
        assert checked.is_feasible()
        alone.append(100 * (checked.cost / bks - 1))
    assert statistics.fmean(ours) <= MEASURED_MEAN_GAP + 1.5, ours
    assert statistics.fmean(ours) <= statistics.fmean(alone) + 1.0, (ours, alone)


def test_client_arrays_line_up() -> None:
    instance = read_instance(C201)
    assert instance.pickup.shape == instance.demand.shape and len(instance.release) == instance.num_clients
    assert np.isfinite(instance.distance).all()


@pytest.mark.parametrize(("path", "rounding", "scale"), [(PR11A, "exact", 1000), (C201, "dimacs", 10)])
def test_route_durations_agree_with_pyvrps_own(path: Path, rounding: str, scale: int) -> None:
    """Our schedule (waiting, releases, departure delayed as far as the windows allow) against PyVRP's route
    durations of the same published solution, read with PyVRP's own reader."""
    import pyvrp

    data = pyvrp.read(path, round_func=rounding)
    theirs = [r.duration() / scale for r in pyvrp.read_solution(path.with_suffix(".sol"), data).routes()]
    instance, visits = best(path)
    ours = [r.duration for r in check_solution(instance, visits).routes]
    assert ours == pytest.approx(theirs, abs=1e-9)
