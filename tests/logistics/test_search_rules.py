"""The search's own rules: the sweep start for large instances and the growing late-acceptance history.

The sweep's routes are checked by our checker (not PyVRP) and against the file's coordinates read independently;
the history rule against its stated formula and the late-acceptance order it must keep.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gwangyang.logistics.check import evaluate
from gwangyang.logistics.construct import SWEEP_MIN_CLIENTS, sweep_routes, use_sweep
from gwangyang.logistics.integers import to_integers
from gwangyang.logistics.late_acceptance import History, history_length
from gwangyang.logistics.search import Search, solution_cost, to_routes
from gwangyang.logistics.solver import to_problem_data, to_visits
from gwangyang.logistics.vrplib_io import read_instance

from .test_variants import C201, PR11A, VRPB, X101, violations


def raw_coordinates(path: Path) -> np.ndarray:
    """NODE_COORD_SECTION of a VRPLIB file, read here without the project's reader."""
    lines = path.read_text().splitlines()
    start = lines.index("NODE_COORD_SECTION") + 1
    rows = []
    for line in lines[start:]:
        parts = line.split()
        if len(parts) != 3 or not parts[0].isdigit():
            break
        rows.append((float(parts[1]), float(parts[2])))
    return np.array(rows)


def test_sweep_applies_from_200_required_clients() -> None:
    assert SWEEP_MIN_CLIENTS == 200
    assert use_sweep(to_problem_data(read_instance(VRPB)))  # 1,000 clients
    assert use_sweep(to_problem_data(read_instance(PR11A)))  # 360 clients
    assert not use_sweep(to_problem_data(read_instance(C201)))  # 100 clients
    assert not use_sweep(to_problem_data(read_instance(X101)))


def test_sweep_routes_serve_everyone_within_capacity_backhauls_last() -> None:
    instance = read_instance(VRPB)
    ints = to_integers(instance)
    data = to_problem_data(instance, ints)
    routes = sweep_routes(data, seed=0)
    assert routes is not None
    client = 1  # PyVRP's ActivityType.CLIENT
    ours = [(vt, to_visits(instance, ints, [(client, c) for c in visits])) for vt, visits in routes]
    result = evaluate(instance, ours, "sweep")
    assert not result.missing_required and not result.fleet_exceeded
    problems = violations(result)
    assert not [p for p in problems if "capacity" in p or "load" in p]
    # Backhauls after linehauls on every route (a route of backhauls only may start with one: the search repairs it).
    assert not [p for p in problems if "after backhaul" in p]
    # Loads re-added from the instance's demand and pickup columns: within the capacity of 131 on every route.
    for _, visits in ours:
        assert instance.demand[visits].sum() <= 131 and instance.pickup[visits].sum() <= 131


def test_sweep_sends_each_client_to_its_nearest_depot() -> None:
    instance = read_instance(PR11A)
    ints = to_integers(instance)
    data = to_problem_data(instance, ints)
    routes = sweep_routes(data, seed=3)
    assert routes is not None
    xy = raw_coordinates(PR11A)  # nodes 1-4 are PR11A's depots (its DEPOT_SECTION), 5-364 its clients
    depots, clients = xy[:4], xy[4:]
    nearest = np.linalg.norm(clients[:, None, :] - depots[None, :, :], axis=2).argmin(axis=1)
    served = []
    for vt, visits in routes:
        depot = instance.vehicles[vt].start_depot
        labels = [int(instance.client_label[c]) for c in to_visits(instance, ints, [(1, c) for c in visits])]
        # Client labels are the file's node numbers.
        assert all(nearest[label - 5] == depot for label in labels)
        served += labels
    assert sorted(served) == list(range(5, 365))


def test_search_from_the_sweep_is_feasible_and_costed_as_our_checker_says() -> None:
    instance = read_instance(VRPB)
    ints = to_integers(instance)
    search = Search(to_problem_data(instance, ints), seed=0, max_iterations=20)
    assert search.best.is_feasible()
    ours = [(vt, to_visits(instance, ints, acts)) for vt, acts in to_routes(search.best)]
    result = evaluate(instance, ours, "start")
    assert result.is_feasible(), violations(result)[:3]
    assert result.cost == pytest.approx(solution_cost(search.best) / ints.cost_scale, rel=1e-9)


def test_history_grows_with_iterations_up_to_pyvrps_length() -> None:
    assert [history_length(n, 300) for n in (0, 1_249, 1_250, 3_000, 7_500, 10**6)] == [
        50,
        50,
        50,
        120,
        300,
        300,
    ]


def test_growing_history_keeps_late_acceptance_order() -> None:
    history = History(3)
    for x in (1, 2, 3):
        history.append(x)
    history.grow(5)
    history.grow(4)  # never shrinks
    seen = []
    for x in (4, 5, 6, 7, 8, 9, 10):
        seen.append(history.peek())
        history.append(x)
    # The oldest entry stays the reference for the two added slots, then the order goes on as before.
    assert seen == [1, 1, 1, 2, 3, 4, 5]


def test_history_grows_from_200_clients_only() -> None:
    small = Search(to_problem_data(read_instance(C201)), seed=0, max_iterations=1)  # 100 clients: PyVRP's 300
    large = Search(
        to_problem_data(read_instance(PR11A)), seed=0, max_iterations=1
    )  # 360 clients: grows from 50
    assert (small.grow, len(small.history.buffer)) == (False, 300)
    assert (large.grow, len(large.history.buffer)) == (True, 50)
