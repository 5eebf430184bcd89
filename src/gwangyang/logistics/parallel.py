"""PyVRP's iterated local search kept alive between epochs, and a pool of such searches that share the best.

:class:`Search` builds PyVRP's components once (neighbourhoods, local search, penalty manager, random stream) and
runs the search to a deadline, optionally restarting from a given solution: the state PyVRP's ``solve`` rebuilds on
every call survives from one epoch to the next. :func:`cooperative` runs one search per core in forked processes;
after each epoch every search restarts from the best solution any of them has found, so the cores work together
on the leading trajectory instead of racing separately (with ``epochs=1`` they are independent seeds).
"""

from __future__ import annotations

import math
import multiprocessing as mp
import queue
import time
from collections.abc import Callable
from typing import Any

from ..errors import GwangyangError

Routes = list[tuple[int, list[int]]]
Report = Callable[[float, bool], None]


def solution_cost(solution: Any) -> float:
    """Objective of a PyVRP solution with zero penalties (unserved prizes included); ``inf`` when infeasible."""
    from pyvrp import CostEvaluator

    return float(CostEvaluator([0] * len(solution.excess_load()), 0, 0).cost(solution))


def to_routes(solution: Any) -> Routes:
    """``(vehicle type, [PyVRP client indices])`` per route."""
    return [
        (int(r.vehicle_type()), [a.idx for a in r.schedule() if a.is_client()]) for r in solution.routes()
    ]


class Deadline:
    """PyVRP stopping criterion: stop at an absolute ``time.monotonic()`` instant.

    PyVRP's ``MaxRuntime`` starts its clock at the first iteration, after the set-up (neighbourhoods, the first
    local search); a deadline counts that set-up too, so the whole call keeps to the time limit.
    """

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def __call__(self, best_cost: float) -> bool:
        """Whether the deadline has passed."""
        return time.monotonic() >= self.deadline


class Search:
    """One PyVRP iterated local search whose state lasts across :meth:`run` calls.

    Parameters
    ----------
    data
        PyVRP ``ProblemData``.
    seed
        Seed of the search's random stream.
    report
        Called with ``(cost, feasible)`` on each new best and about every quarter second.
    """

    def __init__(self, data: Any, seed: int, report: Report | None = None) -> None:
        import pyvrp
        from pyvrp.IteratedLocalSearch import IteratedLocalSearchCallbacks, IteratedLocalSearchParams
        from pyvrp.PenaltyManager import PenaltyManager
        from pyvrp.search import LocalSearch, PerturbationManager, compute_neighbours

        params = pyvrp.SolveParams()
        self.data = data
        self.iterations = 0
        rng = pyvrp.RandomNumberGenerator(seed=seed)
        self.search = LocalSearch(
            data,
            rng,
            compute_neighbours(data, params.neighbourhood),
            PerturbationManager(params.perturbation),
        )
        for op in params.operators:
            if op.supports(data):
                self.search.add_operator(op(data))
        self.penalties = PenaltyManager(params.penalty.midpoint_penalties(data), params.penalty)
        self.best = self.search(
            pyvrp.Solution.make_random(data, rng), self.penalties.max_cost_evaluator(), exhaustive=True
        )
        owner = self

        class _Callbacks(IteratedLocalSearchCallbacks):
            # New bests are reported at once; otherwise a heartbeat every quarter second keeps progress bars moving.
            last = time.monotonic()

            def on_iteration(self, current: Any, candidate: Any, best: Any, cost_evaluator: Any) -> None:
                owner.iterations += 1
                if owner.iterations % 32 == 0 and time.monotonic() - self.last > 0.25:
                    self.on_best(best)

            def on_best(self, best: Any) -> None:
                self.last = time.monotonic()
                if report is not None:
                    report(solution_cost(best), bool(best.is_feasible()))

        self.ils_params = IteratedLocalSearchParams(callbacks=_Callbacks())

    def run(self, deadline: float, start: Routes | None = None) -> Any:
        """Search until ``deadline`` (``time.monotonic()``), from ``start`` if given, else from the best so far."""
        import pyvrp
        from pyvrp.IteratedLocalSearch import IteratedLocalSearch

        initial = self.best
        if start is not None:
            initial = pyvrp.Solution(self.data, [pyvrp.Route(self.data, visits, vt) for vt, visits in start])
        algo = IteratedLocalSearch(self.data, self.penalties, self.search, initial, self.ils_params)
        found = algo.run(Deadline(deadline), collect_stats=False).best
        if _better(found, self.best) or start is not None:
            self.best = found
        return self.best


def _better(a: Any, b: Any) -> bool:
    return (not a.is_feasible(), solution_cost(a)) < (not b.is_feasible(), solution_cost(b))


def _worker(data: Any, seed: int, wid: int, commands: Any, out: Any) -> None:
    last = [0.0]

    def report(cost: float, feasible: bool) -> None:
        if time.monotonic() - last[0] > 0.1:
            last[0] = time.monotonic()
            out.put(("progress", wid, cost, feasible))

    search = Search(data, seed, report)
    while (command := commands.get()) is not None:
        deadline, start = command
        best = search.run(deadline, start)
        out.put(
            ("epoch", wid, solution_cost(best), bool(best.is_feasible()), to_routes(best), search.iterations)
        )


def cooperative(
    data: Any, seed: int, deadline: float, workers: int, epochs: int, notify: Report
) -> tuple[Routes, int]:
    """Run ``workers`` searches in forked processes for ``epochs`` epochs up to ``deadline``; return the best.

    Returns
    -------
    tuple
        The best routes (PyVRP client indices) and the total iterations of all searches.
    """
    context = mp.get_context("fork")
    out = context.Queue()
    commands = [context.Queue() for _ in range(workers)]
    procs = [
        context.Process(target=_worker, args=(data, seed + w, w, commands[w], out), daemon=True)
        for w in range(workers)
    ]
    for proc in procs:
        proc.start()
    best: tuple[bool, float, Routes] | None = None
    best_seen = math.inf
    iterations = [0] * workers
    start = time.monotonic()
    try:
        for epoch in range(epochs):
            epoch_end = start + (deadline - start) * (epoch + 1) / epochs
            for w in range(workers):
                commands[w].put((epoch_end, best[2] if best is not None and epoch > 0 else None))
            done = 0
            while done < workers:
                try:
                    message = out.get(timeout=max(1.0, deadline - time.monotonic() + 30.0))
                except queue.Empty as exc:
                    raise GwangyangError("pyvrp: a worker process stopped answering") from exc
                _, wid, cost, feasible = message[:4]
                if feasible and cost < best_seen:
                    best_seen = cost
                notify(best_seen, math.isfinite(best_seen))
                if message[0] == "epoch":
                    done += 1
                    iterations[wid] = message[5]
                    if best is None or (not feasible, cost) < (not best[0], best[1]):
                        best = (feasible, cost, message[4])
    finally:
        for w in range(workers):
            commands[w].put(None)
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
    if best is None:
        raise GwangyangError("pyvrp: no worker returned a solution")
    return best[2], sum(iterations)
