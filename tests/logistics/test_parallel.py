"""The resumable PyVRP search and the cooperative pool: restarts never lose the best, results check out."""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gwangyang.errors import InputError
from gwangyang.logistics import read_instance
from gwangyang.logistics.parallel import EpochResult, cooperative, cooperative_iterations
from gwangyang.logistics.search import Search, solution_cost, to_routes
from gwangyang.logistics.solver import PyVRPSolver, to_problem_data

from .independent import check_cvrp, check_solomon
from .test_solver import CVRP, ROOT, VRPTW


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
    # Capped by iterations (the first of three epochs spends them), so that a loaded machine still gets there.
    routes, iterations = cooperative(
        to_problem_data(instance),
        0,
        time.monotonic() + 60.0,
        2,
        3,
        lambda cost, feasible: costs.append(cost),
        200,
    )
    assert iterations == 2 * 200 and costs
    cost = check_cvrp(CVRP / "X-n101-k25.vrp", [[k + 2 for _, k in visits] for _, visits in routes])
    assert cost == min(costs)  # the pool returns the best any worker reported


def test_instance_pickles_and_solver_options() -> None:
    instance = read_instance(CVRP / "X-n101-k25.vrp")
    clone = pickle.loads(pickle.dumps(instance))
    assert (clone.distance == instance.distance).all() and clone.client_label == instance.client_label
    result = PyVRPSolver(workers=2, sync_every=None).solve(instance, 1.0)
    assert result.is_feasible() and result.workers == 2


def test_sharing_by_iterations_is_reproducible_and_spends_the_budget() -> None:
    instance = read_instance(CVRP / "X-n101-k25.vrp")
    solver = PyVRPSolver(workers=2, max_iterations=400, sync_every_iterations=60)
    first, second = (solver.solve(instance, time_limit=600.0, seed=3) for _ in range(2))
    assert first.is_feasible() and first.iterations == second.iterations == 2 * 400
    assert [r.labels for r in first.routes] == [r.labels for r in second.routes]
    assert first.cost == second.cost
    # The cost re-checked on the raw file (node k + 1 of the file is our client k; the depot is node 1).
    routes = [[int(label) for label in r.labels] for r in first.routes]
    assert check_cvrp(CVRP / "X-n101-k25.vrp", routes) == first.cost


def test_each_epoch_shares_its_best_by_iterations() -> None:
    instance = read_instance(CVRP / "X-n101-k25.vrp")
    data = to_problem_data(instance)
    epochs: list[list[EpochResult]] = []
    routes, iterations = cooperative_iterations(
        data, 7, time.monotonic() + 3600.0, 2, 150, lambda cost, feasible: None, 500, epochs.append
    )
    assert iterations == 2 * 500
    # Epochs of 150 iterations of each search, the last one shorter to end at the budget: 150, 300, 450, 500.
    assert [[r.iterations for r in results] for results in epochs] == [
        [150, 150],
        [300, 300],
        [450, 450],
        [500, 500],
    ]
    assert all([r.worker for r in results] == [0, 1] for results in epochs)
    shared = math.inf
    for results in epochs:
        # Search 1 restarted from the best of the previous epoch: it never ends an epoch above it (its best
        # becomes the shared solution unless its own is better, and the search only replaces it by a better one).
        assert results[1].cost <= shared
        shared = min(r.cost for r in results)
    # Search 0 runs undisturbed: after its 500 iterations it is where one search with its seed is.
    alone = Search(data, seed=7, max_iterations=500).run(math.inf)
    assert epochs[-1][0].cost == solution_cost(alone)
    # The pool returns the best of the last epoch, re-checked on the raw file.
    assert check_cvrp(CVRP / "X-n101-k25.vrp", [[k + 2 for _, k in visits] for _, visits in routes]) == shared


def test_a_restart_puts_a_search_on_the_shared_solution() -> None:
    instance = read_instance(CVRP / "X-n101-k25.vrp")
    data = to_problem_data(instance)
    leader = Search(data, seed=0)
    leader.run(math.inf, until=300)
    behind = Search(data, seed=1)
    behind.run(math.inf, until=20)
    assert solution_cost(behind.best) > solution_cost(leader.best)
    # An epoch of no iterations returns the restart solution itself: the shared best, route for route.
    again = behind.run(math.inf, to_routes(leader.best), until=20)
    assert to_routes(again) == to_routes(leader.best) and behind.iterations == 20
    assert to_routes(behind.current) == to_routes(leader.best)


def test_sync_options_are_checked() -> None:
    assert PyVRPSolver().sync_every == 1.0 and PyVRPSolver().sync_every_iterations is None
    by_iterations = PyVRPSolver(sync_every_iterations=150)
    assert by_iterations.sync_every is None and by_iterations.sync_every_iterations == 150
    assert PyVRPSolver(sync_every=None, sync_every_iterations=150).sync_every_iterations == 150
    with pytest.raises(
        InputError, match=r"^sync_every \(2.0 s\) and sync_every_iterations \(150\): give one"
    ):
        PyVRPSolver(sync_every=2.0, sync_every_iterations=150)
    for bad in (0, -5, 1.5, True):
        with pytest.raises(InputError, match=r"^sync_every_iterations: expected a whole number, 1 or more"):
            PyVRPSolver(sync_every_iterations=bad)  # type: ignore[arg-type]


ORPHAN_SCRIPT = """
import sys
import time

from gwangyang.logistics import read_instance
from gwangyang.logistics.parallel import cooperative
from gwangyang.logistics.solver import to_problem_data


def ready(cost, feasible):
    print("searching", flush=True)


if __name__ == "__main__":
    data = to_problem_data(read_instance(sys.argv[1]))
    cooperative(data, 0, time.monotonic() + 3600.0, 2, 1, ready)
"""


def _descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid`` (children, theirs, ...) by pid, with its start time: psutil, else /proc."""
    try:
        import psutil
    except ImportError:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        found, frontier = {}, [pid]
        while frontier:
            below = [p for p, parent in parents.items() if parent in frontier]
            found.update({p: _started(p) for p in below})
            frontier = below
        return found
    return {p.pid: _started(p.pid) for p in psutil.Process(pid).children(recursive=True)}


def _started(pid: int) -> str:
    """Start time (field 22 of /proc/PID/stat), '' once gone or a zombie: a pid reused later reads as another."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return ""
    return "" if fields[0] == "Z" else fields[19]


def test_workers_and_fork_server_end_when_the_caller_is_killed() -> None:
    # The parent of a worker is the fork server, not the process that started the search: the workers must watch
    # that process itself, and the fork server (held open by the workers) ends once they are gone.
    caller = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_SCRIPT, str(CVRP / "X-n101-k25.vrp")],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert caller.stdout is not None and caller.stdout.readline() == "searching\n"
        spawned = _descendants(caller.pid)
        # The fork server, the two workers and the resource tracker of the queues' semaphores.
        assert len(spawned) >= 3
    finally:
        caller.kill()
        caller.wait()
        if caller.stdout is not None:
            caller.stdout.close()
    left = spawned
    for _ in range(600):  # a bounded poll (up to a minute), not a claim on speed
        left = {pid: start for pid, start in left.items() if start and _started(pid) == start}
        if not left:
            break
        time.sleep(0.1)
    for pid in left:  # do not leave them behind on failure
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    assert not left, f"still running after the caller was killed: {sorted(left)}"
