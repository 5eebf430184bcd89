"""A pool of PyVRP searches (:class:`~gwangyang.logistics.search.Search`) in worker processes that share the best.

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
from ..written import as_written
from .search import Report, Routes, Search, solution_cost, to_routes


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
        raise GwangyangError(f"pyvrp: iterations per epoch must be 1 or more, got {as_written(every)}")
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
