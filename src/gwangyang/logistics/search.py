"""One PyVRP iterated local search kept alive between epochs, and the routes it returns.

:class:`Search` builds PyVRP's components once (neighbourhoods, local search, penalty manager, random stream) and
runs the search to a deadline, optionally restarting from a given solution. Two rules differ from PyVRP's
``solve`` on 200 clients or more, both for short budgets (measured in
:func:`~gwangyang.logistics.late_acceptance.history_length` and :mod:`gwangyang.logistics.construct`): the
late-acceptance history starts at 50 and grows with the iterations done to PyVRP's 300, and the search starts from
a sweep rather than a random solution. :mod:`gwangyang.logistics.parallel` runs several of them that share the best.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from . import late_acceptance
from .construct import SWEEP_MIN_CLIENTS, sweep_start, use_sweep
from .late_acceptance import History, history_length

Routes = list[tuple[int, list[tuple[int, int]]]]
"""Per route: the vehicle type and its activities between the start and end depots as ``(ActivityType value, index)``:
clients, reload depots and the ends of shipments."""
Report = Callable[[float, bool], None]


def solution_cost(solution: Any) -> float:
    """Objective of a PyVRP solution with zero penalties (unserved prizes included); ``inf`` when infeasible."""
    from pyvrp import CostEvaluator

    return float(CostEvaluator([0] * len(solution.excess_load()), 0, 0).cost(solution))


def to_routes(solution: Any) -> Routes:
    """``(vehicle type, [(activity type, index)])`` per route, the start and end depots left out."""
    return [
        (int(r.vehicle_type()), [(int(a.type.value), int(a.idx)) for a in r.schedule()[1:-1]])
        for r in solution.routes()
    ]


class Search:
    """One PyVRP iterated local search whose whole state lasts across :meth:`run` calls.

    The loop is PyVRP's ``IteratedLocalSearch.run`` (late-acceptance hill climbing, restarts after
    ``num_iters_no_improvement``), kept here so that the search's components, penalties and counters survive
    from one epoch to the next; :meth:`restart` puts it back on a given solution with a fresh acceptance history.

    Parameters
    ----------
    data
        PyVRP ``ProblemData``.
    seed
        Seed of the search's random stream.
    report
        Called with ``(cost, feasible)`` on each new best and about every quarter second.
    max_iterations
        Stop after this many iterations in all (besides the deadline); for reproducible short runs.
    params
        PyVRP ``SolveParams``; default PyVRP's own.
    sweep
        Start from a sweep (:mod:`gwangyang.logistics.construct`) rather than PyVRP's random solution; default
        where :func:`~gwangyang.logistics.construct.use_sweep` says so (200 clients or more). Falls back to the
        random start when the fleet is too small for the sweep's routes.
    grow_history
        Late-acceptance history that grows with the iterations done (:func:`history_length`) rather than PyVRP's
        fixed ``params.ils.history_length``; default from 200 clients (as the sweep start), where it was measured
        to help; below, the effect was within the spread of seeds and PyVRP's setting is kept.
    """

    def __init__(
        self,
        data: Any,
        seed: int,
        report: Report | None = None,
        max_iterations: int | None = None,
        params: Any = None,
        sweep: bool | None = None,
        grow_history: bool | None = None,
    ) -> None:
        import pyvrp
        from pyvrp.PenaltyManager import PenaltyManager
        from pyvrp.search import LocalSearch, PerturbationManager, compute_neighbours

        params = params or pyvrp.SolveParams()
        self.data = data
        self.iterations = 0
        self.report = report
        self.max_iterations = max_iterations
        self.params = params.ils
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
        start = sweep_start(data, seed) if (use_sweep(data) if sweep is None else sweep) else None
        if start is None:
            start = pyvrp.Solution.make_random(data, rng)
        self.best = self.search(start, self.penalties.max_cost_evaluator(), exhaustive=True)
        self.init = self.current = self.best
        self.grow = data.num_clients >= SWEEP_MIN_CLIENTS if grow_history is None else grow_history
        self.history = History(
            history_length(0, self.params.history_length) if self.grow else self.params.history_length
        )
        self.no_improvement = 0
        self.last_report = time.monotonic()

    def restart(self, solution: Any) -> None:
        """Restart from ``solution``, with a fresh acceptance history; it becomes the best unless it is worse."""
        if not _better(self.best, solution):
            self.best = solution
        self.init = self.current = solution
        self.history.clear()
        self.no_improvement = 0

    def _notify(self) -> None:
        self.last_report = time.monotonic()
        if self.report is not None:
            self.report(solution_cost(self.best), bool(self.best.is_feasible()))

    def run(self, deadline: float, start: Routes | None = None, until: int | None = None) -> Any:
        """Search until ``deadline`` (``time.monotonic()``), first restarting from ``start`` if given.

        ``until``: also stop once :attr:`iterations` (counted over all calls) reaches it, as at ``max_iterations``.
        """
        import pyvrp

        if start is not None:
            routes = [
                pyvrp.Route(self.data, [pyvrp.Activity(pyvrp.ActivityType(t), i) for t, i in visits], vt)
                for vt, visits in start
            ]
            self.restart(pyvrp.Solution(self.data, routes))
        pm, search, history = self.penalties, self.search, self.history
        best, curr = self.best, self.current
        cap = min(
            math.inf if self.max_iterations is None else self.max_iterations,
            math.inf if until is None else until,
        )
        while time.monotonic() < deadline and self.iterations < cap:
            self.iterations += 1
            if self.no_improvement == self.params.num_iters_no_improvement:
                history.clear()
                curr, self.no_improvement = best, 0
            if self.grow and self.iterations % late_acceptance.HISTORY_ITERATIONS_PER_SLOT == 0:
                history.grow(history_length(self.iterations, self.params.history_length))
            cost_eval = pm.cost_evaluator()
            cand = search(curr, cost_eval, exhaustive=False)
            pm.register(cand)
            self.no_improvement += 1
            if cost_eval.cost(cand) < cost_eval.cost(best):
                best, self.no_improvement = cand, 0
                if self.params.exhaustive_on_best:
                    cand = search(cand, cost_eval, exhaustive=True)
                    if cand.is_feasible():
                        best = cand
                self.best = best
                self._notify()
            elif self.iterations % 32 == 0 and time.monotonic() - self.last_report > 0.25:
                self._notify()  # a heartbeat keeps progress bars moving
            cand_cost, curr_cost = cost_eval.penalised_cost(cand), cost_eval.penalised_cost(curr)
            late = history.peek()
            late_cost = cost_eval.penalised_cost(self.init if late is None else late)
            if cand_cost < late_cost or cand_cost < curr_cost:  # late acceptance (Burke & Bykov 2017)
                curr, curr_cost = cand, cand_cost
            if curr_cost < late_cost or late is None:
                history.append(curr)
            else:
                history.skip()
        self.best, self.current = best, curr
        return self.best


def _better(a: Any, b: Any) -> bool:
    return (not a.is_feasible(), solution_cost(a)) < (not b.is_feasible(), solution_cost(b))
