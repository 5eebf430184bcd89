"""PyVRP's iterated local search kept alive between epochs, and a pool of such searches that share the best.

:class:`Search` builds PyVRP's components once (neighbourhoods, local search, penalty manager, random stream) and
runs the search to a deadline, optionally restarting from a given solution.
Two rules differ from PyVRP's ``solve`` on 200 clients or more, both for short budgets (measured in
:func:`history_length` and :mod:`gwangyang.logistics.construct`): the late-acceptance history starts at 50 and grows
with the iterations done to PyVRP's 300, and the search starts from a sweep rather than a random solution.
:func:`cooperative` runs one search per core in processes forked from a fork server. Search 0 runs undisturbed (the
trajectory of one search with its seed); after each epoch every other search restarts from the best solution any of
them has found, so the extra cores intensify around the leading solution, each with its own random stream. The best
of all is kept, so the pool is never behind one search alone but for the CPU it shares (with ``epochs=1`` the
searches are independent seeds). Its epochs are fractions of the time, so its result depends on the machine's load;
:func:`cooperative_iterations` ends each epoch after a number of iterations of every search (a barrier), which
makes a run capped by iterations reproducible.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from ..errors import GwangyangError
from .construct import SWEEP_MIN_CLIENTS, sweep_start, use_sweep

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
            if self.grow and self.iterations % HISTORY_ITERATIONS_PER_SLOT == 0:
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


HISTORY_MIN = 50
"""Late-acceptance history of a search's first iterations (PyVRP's default is 300 throughout)."""
HISTORY_ITERATIONS_PER_SLOT = 25
"""Iterations done per slot of late-acceptance history (once above :data:`HISTORY_MIN`)."""


def history_length(iterations: int, longest: int) -> int:
    """Late-acceptance history after ``iterations``: ``iterations / 25``, at least 50, at most ``longest``.

    Late acceptance (Burke & Bykov 2017) takes a candidate better than the solution ``h`` iterations back. PyVRP's
    ``h = 300`` suits its long runs; in a 10-30 s budget a search of a few hundred clients does only thousands of
    iterations (about 300 a second on 500-1,000 clients), and comparing with a solution 300 iterations back while
    the cost is still falling accepts nearly every candidate. Measured at equal CPU time (one search, seeds 0 and 1,
    ``benchmarks/logistics_routing_tune.py``), 15 CPU-s: ``h = 50`` against 300 took PR11A from 5.40 % to 2.93 %
    above its best known, PR12A from 9.21 % to 4.49 %, X-n1001-50-k22 from 6.66 % to 5.24 %; 5 CPU-s: X-n303-k21
    from 2.42 % to 1.40 %. A fixed 50 stalls later (PR11A at 25 CPU-s: 2.72 % against 2.23 % with 300), so the
    history grows with the iterations done; one slot per 25 iterations was the best of 10, 25, 50 and 100 at 25
    CPU-s (PR11A 1.82, 1.66, 2.16, 2.72 %; PR12A 3.74, 2.88, 3.59, 3.58 %), though X-n1001-50-k22, further from
    converged, did better with 100 (4.35 % against 5.03 %). It reaches PyVRP's 300 after 7,500 iterations, so a
    long run ends with PyVRP's own setting; it counts iterations, not time, so a run capped by iterations is
    reproducible.
    """
    return max(HISTORY_MIN, min(longest, iterations // HISTORY_ITERATIONS_PER_SLOT))


class History:
    """Late-acceptance ring buffer (as PyVRP's ``RingBuffer``) that can grow without losing its contents."""

    def __init__(self, maxlen: int) -> None:
        self.buffer: list[Any] = [None] * maxlen
        self.idx = 0

    def clear(self) -> None:
        """Empty it, keeping its length."""
        self.buffer = [None] * len(self.buffer)
        self.idx = 0

    def append(self, value: Any) -> None:
        """Overwrite the oldest entry."""
        self.buffer[self.idx % len(self.buffer)] = value
        self.idx += 1

    def peek(self) -> Any:
        """The entry that the next append overwrites (``None`` while it is not full)."""
        return self.buffer[self.idx % len(self.buffer)]

    def skip(self) -> None:
        """Keep the oldest entry; move on."""
        self.idx += 1

    def grow(self, maxlen: int) -> None:
        """Lengthen to ``maxlen`` (never shorten): the oldest entry is repeated, so it stays the reference longer."""
        extra = maxlen - len(self.buffer)
        if extra > 0:
            pos = self.idx % len(self.buffer)
            self.buffer[pos:pos] = [self.buffer[pos]] * extra
            self.idx = pos


def _better(a: Any, b: Any) -> bool:
    return (not a.is_feasible(), solution_cost(a)) < (not b.is_feasible(), solution_cost(b))


def _exit_with_caller() -> None:
    """End this worker as soon as the process that started it is gone, even mid-search.

    A worker's parent process is the fork server, not the caller, so ``os.getppid()`` says nothing about the
    caller; and the fork server outlives the caller too: it ends when the last holder of its "alive" pipe closes
    it, and every worker it forks holds one. :func:`multiprocessing.parent_process` is the caller (its sentinel is
    a pipe whose write end only the caller holds, so it reads end of file once the caller dies, SIGKILL included);
    a daemon thread waits on it and ends the process. Once the workers are gone, so is the fork server.
    """
    caller = mp.parent_process()
    if caller is None:  # pragma: no cover - always started by a _Pool
        return

    def watch() -> None:
        caller.join()
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-caller", daemon=True).start()


def _worker(data: Any, seed: int, wid: int, commands: Any, out: Any, max_iterations: int | None) -> None:
    last = [0.0]

    def report(cost: float, feasible: bool) -> None:
        if time.monotonic() - last[0] > 0.1:
            last[0] = time.monotonic()
            out.put(("progress", wid, cost, feasible))

    _exit_with_caller()
    search = Search(data, seed, report, max_iterations)
    while True:
        command = commands.get()
        if command is None:
            return
        deadline, start, until = command
        best = search.run(deadline, start, until)
        out.put(
            ("epoch", wid, solution_cost(best), bool(best.is_feasible()), to_routes(best), search.iterations)
        )


class EpochResult(NamedTuple):
    """What one search returns at the end of an epoch: its best so far and the iterations it has done in all."""

    worker: int
    feasible: bool
    cost: float
    routes: Routes
    iterations: int


def _key(result: EpochResult) -> tuple[bool, float, int]:
    """Feasible first, then the cheaper, then the lower worker id: never the order in which answers arrive."""
    return (not result.feasible, result.cost, result.worker)


class _Pool:
    """``workers`` searches (seeds ``seed``, ``seed + 1``, ...) in processes forked from a fork server."""

    def __init__(self, data: Any, seed: int, workers: int, max_iterations: int | None) -> None:
        context = mp.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        self.out = context.Queue()
        self.commands = [context.Queue() for _ in range(workers)]
        self.procs = [
            context.Process(
                target=_worker,
                args=(data, seed + w, w, self.commands[w], self.out, max_iterations),
                daemon=True,
            )
            for w in range(workers)
        ]
        self.best_seen = math.inf
        for proc in self.procs:
            proc.start()

    def epoch(
        self, deadline: float, best: EpochResult | None, share: bool, notify: Report, until: int | None = None
    ) -> list[EpochResult]:
        """Run one epoch; with ``share``, every search but the first restarts from ``best``; results by worker id.

        With one worker, that worker restarts (there is no other to run undisturbed).
        """
        workers = len(self.procs)
        for w, commands in enumerate(self.commands):
            # Search 0 keeps its own trajectory (PyVRP alone with this seed); the others restart from the best.
            restart = share and best is not None and (w > 0 or workers == 1)
            commands.put((deadline, best.routes if restart and best is not None else None, until))
        results: list[EpochResult | None] = [None] * workers
        done = 0
        while done < workers:
            try:
                wait = deadline - time.monotonic() + 30.0
                message = self.out.get(timeout=max(1.0, wait) if math.isfinite(wait) else None)
            except queue.Empty as exc:
                raise GwangyangError("pyvrp: a worker process stopped answering") from exc
            _, wid, cost, feasible = message[:4]
            if feasible and cost < self.best_seen:
                self.best_seen = cost
            notify(self.best_seen, math.isfinite(self.best_seen))
            if message[0] == "epoch":
                done += 1
                results[wid] = EpochResult(wid, feasible, cost, message[4], message[5])
        return [r for r in results if r is not None]

    def close(self) -> None:
        """Tell every worker to stop; end those that do not within 5 s."""
        for commands in self.commands:
            commands.put(None)
        for proc in self.procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()


def _keep_better(best: EpochResult | None, results: list[EpochResult]) -> EpochResult:
    """The best of an epoch's results (ties to the lower worker id), unless the best so far is as good."""
    leader = min(results, key=_key)
    if best is None or _key(leader)[:2] < _key(best)[:2]:
        return leader
    return best


def cooperative(
    data: Any,
    seed: int,
    deadline: float,
    workers: int,
    epochs: int,
    notify: Report,
    max_iterations: int | None = None,
) -> tuple[Routes, int]:
    """Run ``workers`` searches in worker processes for ``epochs`` epochs up to ``deadline``; return the best.

    Epochs end at equal fractions of the time to ``deadline``, so what is shared, and the result, depend on the
    machine's speed and load; :func:`cooperative_iterations` shares by iterations instead.
    Workers are forked from a fork server (started once per process, with this module imported), not from
    the caller: a caller with native threads (a browser driver, DuckDB, BLAS pools) must not be forked, its
    child can crash at once (seen: a segmentation fault in the child under Playwright). The workers end with the
    caller, even one killed by SIGKILL, and the fork server with them (:func:`_exit_with_caller`).

    Returns
    -------
    tuple
        The best routes (PyVRP client indices) and the total iterations of all searches.
    """
    pool = _Pool(data, seed, workers, max_iterations)
    best: EpochResult | None = None
    results: list[EpochResult] = []
    start = time.monotonic()
    try:
        for epoch in range(epochs):
            epoch_end = start + (deadline - start) * (epoch + 1) / epochs
            results = pool.epoch(epoch_end, best, epoch > 0, notify)
            best = _keep_better(best, results)
    finally:
        pool.close()
    if best is None:
        raise GwangyangError("pyvrp: no worker returned a solution")
    return best.routes, sum(r.iterations for r in results)


def cooperative_iterations(
    data: Any,
    seed: int,
    deadline: float,
    workers: int,
    every: int,
    notify: Report,
    max_iterations: int | None = None,
    on_epoch: Callable[[list[EpochResult]], None] | None = None,
) -> tuple[Routes, int]:
    """As :func:`cooperative`, but each epoch is ``every`` iterations of each search: reproducible.

    Every search runs ``every`` iterations (the last epoch fewer, to end at ``max_iterations``) and stops; once
    all have stopped, the best of them (feasible first, then the cheapest, ties to the lower worker id) is kept
    if it beats the best so far, and every search but the first restarts from the best so far (as in
    :func:`cooperative`: search 0 keeps the trajectory of one search with its seed). The searches count
    iterations, never time, and the parent waits for all of them, so with ``max_iterations`` the result is the
    same at any load. ``deadline`` is the only clock: a search still running then stops mid-epoch, after as many
    iterations as the machine allowed, and that is the only way two runs with the same seed can differ.
    ``on_epoch`` is called with each epoch's results (by worker id).

    Returns
    -------
    tuple
        The best routes (PyVRP client indices) and the total iterations of all searches.
    """
    if every < 1:
        raise GwangyangError(f"pyvrp: iterations per epoch must be 1 or more, got {every}")
    pool = _Pool(data, seed, workers, max_iterations)
    best: EpochResult | None = None
    results: list[EpochResult] = []
    until = 0
    try:
        while True:
            until += every
            if max_iterations is not None:
                until = min(until, max_iterations)
            results = pool.epoch(deadline, best, best is not None, notify, until)
            best = _keep_better(best, results)
            if on_epoch is not None:
                on_epoch(results)
            if until == max_iterations or any(r.iterations < until for r in results):
                break  # the budget is spent, or the deadline came first
    finally:
        pool.close()
    if best is None:
        raise GwangyangError("pyvrp: no worker returned a solution")
    return best.routes, sum(r.iterations for r in results)
