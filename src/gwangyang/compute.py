"""A small ``Executor`` protocol with ``serial``, ``processes`` and ``dask`` back ends.

Work is sent in batches (``batch_size`` items per task), because tiny tasks drown in scheduler
overhead; each function and item must round-trip through pickle.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

from .errors import InputError, WorkerLostError

T = TypeVar("T")
R = TypeVar("R")

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each finished item."""

OnResult = Callable[[int, Any], None]
"""Called in the calling process as ``on_result(index, result)`` as soon as an item's result arrives."""

EXECUTORS = ("serial", "processes", "dask")

MAX_WORKERS = 512
"""Most worker processes one executor starts (a typo of --workers must not fork thousands)."""


class Executor(Protocol):
    """Maps a function over items, in order, reporting progress."""

    name: str

    def map(
        self,
        fn: Callable[[T], R],
        items: Sequence[T],
        progress: Progress | None = None,
        on_result: OnResult | None = None,
    ) -> list[R]:
        """Apply ``fn`` to every item and return the results in the order of ``items``."""
        ...

    def close(self) -> None:
        """Release workers or clusters this executor started."""
        ...


PARENT_POLL_S = 1.0
"""How often a pool worker checks that the process that started it is still alive."""


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(PARENT_POLL_S)
        if os.getppid() != parent:
            os._exit(1)


def _worker_init(parent: int) -> None:
    """Tie a pool worker's life to its parent's, so no orphan outlives a killed ``gwangyang``.

    On Linux the kernel sends SIGKILL when the parent dies (``PR_SET_PDEATHSIG``); everywhere a
    daemon thread also polls the parent's pid and exits once the worker has been re-parented.
    """
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):  # else the polling thread below still ends it
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="gwangyang-parent-watch", daemon=True).start()


def _run_batch(fn: Callable[[T], R], batch: Sequence[T]) -> list[R]:
    return [fn(item) for item in batch]


def _batches(items: Sequence[T], size: int) -> Iterator[tuple[int, Sequence[T]]]:
    for start in range(0, len(items), size):
        yield start, items[start : start + size]


class SerialExecutor:
    """Runs everything in this process, one item after another."""

    name = "serial"

    def map(
        self,
        fn: Callable[[T], R],
        items: Sequence[T],
        progress: Progress | None = None,
        on_result: OnResult | None = None,
    ) -> list[R]:
        """Apply ``fn`` to every item in turn."""
        results: list[R] = []
        for item in items:
            results.append(fn(item))
            if on_result is not None:
                on_result(len(results) - 1, results[-1])
            if progress is not None:
                progress(len(results), len(items))
        return results

    def close(self) -> None:
        """Nothing to release."""


class ProcessExecutor:
    """Runs batches of items in a pool of worker processes.

    Workers are spawned, not forked: they inherit no open file, so none of them can hold the store's
    write lock, and each dies with the process that started it. A worker that dies mid-batch makes
    :meth:`map` raise :class:`WorkerLostError` after the results that did arrive were passed on.

    Parameters
    ----------
    workers
        Number of processes; default: the machine's cores.
    batch_size
        Items per task.
    """

    name = "processes"

    def __init__(self, workers: int | None = None, batch_size: int = 8) -> None:
        if workers is not None and not 1 <= workers <= MAX_WORKERS:
            raise InputError(f"--workers: expected 1 to {MAX_WORKERS}, got {workers}.")
        self.workers = workers or os.cpu_count() or 1
        self.batch_size = batch_size

    def map(
        self,
        fn: Callable[[T], R],
        items: Sequence[T],
        progress: Progress | None = None,
        on_result: OnResult | None = None,
    ) -> list[R]:
        """Apply ``fn`` to every item in worker processes, keeping the order of ``items``."""
        results: list[Any] = [None] * len(items)
        done = 0
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
            initargs=(os.getpid(),),
        )
        with pool:
            futures = {
                pool.submit(_run_batch, fn, batch): start for start, batch in _batches(items, self.batch_size)
            }
            for future in as_completed(futures):
                start = futures[future]
                try:
                    batch_results = future.result()
                except BrokenProcessPool as exc:
                    for other in futures:
                        other.cancel()
                    raise WorkerLostError(
                        f"a worker process died (killed or out of memory); {done} of {len(items)} items finished."
                    ) from exc
                results[start : start + len(batch_results)] = batch_results
                if on_result is not None:
                    for offset, result in enumerate(batch_results):
                        on_result(start + offset, result)
                done += len(batch_results)
                if progress is not None:
                    progress(done, len(items))
        return results

    def close(self) -> None:
        """The pool is closed after each map."""


class DaskExecutor:
    """Runs batches on a Dask cluster.

    Connects to ``$DASK_SCHEDULER_ADDRESS`` (or ``address``); with none, starts a local cluster of
    ``workers`` single-threaded worker processes, closed again by :meth:`close`.
    """

    name = "dask"

    def __init__(self, address: str | None = None, workers: int | None = None, batch_size: int = 8) -> None:
        if workers is not None and not 1 <= workers <= MAX_WORKERS:
            raise InputError(f"--workers: expected 1 to {MAX_WORKERS}, got {workers}.")
        from distributed import Client, LocalCluster

        self.batch_size = batch_size
        self._cluster: Any = None
        address = address or os.environ.get("DASK_SCHEDULER_ADDRESS")
        if address:
            self.client = Client(address)
        else:
            self._cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self.client = Client(self._cluster)

    def map(
        self,
        fn: Callable[[T], R],
        items: Sequence[T],
        progress: Progress | None = None,
        on_result: OnResult | None = None,
    ) -> list[R]:
        """Apply ``fn`` to every item on the cluster, keeping the order of ``items``."""
        from distributed import as_completed as dask_completed

        results: list[Any] = [None] * len(items)
        futures = {}
        for start, batch in _batches(items, self.batch_size):
            future = self.client.submit(_run_batch, fn, list(batch), pure=False)
            futures[future] = start
        done = 0
        for future in dask_completed(list(futures)):
            start = futures[future]
            batch_results = future.result()
            results[start : start + len(batch_results)] = batch_results
            if on_result is not None:
                for offset, result in enumerate(batch_results):
                    on_result(start + offset, result)
            done += len(batch_results)
            if progress is not None:
                progress(done, len(items))
        return results

    def close(self) -> None:
        """Close the client and the local cluster, if this executor started one."""
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(name: str, workers: int | None = None, batch_size: int = 8) -> Executor:
    """Build an executor by name.

    Parameters
    ----------
    name
        ``serial``, ``processes`` or ``dask``.
    workers
        Worker count for ``processes`` and a local Dask cluster.
    batch_size
        Items per task for the parallel back ends.

    Returns
    -------
    Executor
        The executor; call its ``close`` when done.
    """
    if name == "serial":
        return SerialExecutor()
    if name == "processes":
        return ProcessExecutor(workers=workers, batch_size=batch_size)
    if name == "dask":
        return DaskExecutor(workers=workers, batch_size=batch_size)
    raise InputError(f"--executor: expected one of {', '.join(EXECUTORS)}, got {name!r}.")
