"""The resumable PyVRP search and the cooperative pool: restarts never lose the best, results check out."""

from __future__ import annotations

import math
import pickle
import time

from gwangyang.logistics import read_instance
from gwangyang.logistics.parallel import Search, cooperative, solution_cost, to_routes
from gwangyang.logistics.solver import PyVRPSolver, to_problem_data

from .independent import check_cvrp, check_solomon
from .test_solver import CVRP, VRPTW


def test_search_resumes_from_a_given_solution() -> None:
    instance = read_instance(VRPTW / "R101.txt")
    data = to_problem_data(instance)
    search = Search(data, seed=0)
    first = search.run(time.monotonic() + 0.3)
    start = to_routes(first)
    again = Search(data, seed=5).run(time.monotonic() + 0.3, start)
    # A restart from a feasible solution keeps it or improves it (the ILS only replaces its best by a better one).
    assert again.is_feasible() and solution_cost(again) <= solution_cost(first)
    # Client k of the PyVRP data is Solomon customer k + 1; the route distance re-checked on the raw file.
    routes = [[k + 1 for _, k in visits] for _, visits in to_routes(again)]
    assert math.isclose(check_solomon(VRPTW / "R101.txt", routes), solution_cost(again) / 1000, rel_tol=1e-3)


def test_cooperative_pool() -> None:
    instance = read_instance(CVRP / "X-n101-k25.vrp")
    costs: list[float] = []
    routes, iterations = cooperative(
        to_problem_data(instance), 0, time.monotonic() + 1.5, 2, 3, lambda cost, feasible: costs.append(cost)
    )
    assert iterations > 0 and costs
    cost = check_cvrp(CVRP / "X-n101-k25.vrp", [[k + 2 for _, k in visits] for _, visits in routes])
    assert cost == min(costs)  # the pool returns the best any worker reported


def test_instance_pickles_and_solver_options() -> None:
    instance = read_instance(CVRP / "X-n101-k25.vrp")
    clone = pickle.loads(pickle.dumps(instance))
    assert (clone.distance == instance.distance).all() and clone.client_label == instance.client_label
    result = PyVRPSolver(workers=2, sync_every=None).solve(instance, 1.0)
    assert result.is_feasible() and result.workers == 2
