"""The worker processes of isolated jobs (see :mod:`gwangyang.api.jobs`): one pool shared by every job manager.

The pool's workers are spawned (they inherit no open file, so no lock), started and kept by a thread
of their own (so they outlive the job manager that first used them), and die with the server. A worker
reports a job's progress by rewriting the job's record (:class:`RecordProgress`).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..files import read_json, write_json

PROCESS_WORKERS = 1
"""Worker processes shared by the isolated jobs of every job manager in a process (a manager runs one job at a time)."""
PROGRESS_EVERY_S = 0.25
"""A worker rewrites a job's record with its progress at most this often (and at the end)."""

_POOL: ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()
_POOL_KEEPERS: dict[int, threading.Event] = {}  # id(pool) -> what ends the thread that started its workers


def _start_pool() -> ProcessPoolExecutor:
    """A pool whose workers are started, and kept, by a thread of its own.

    The kernel kills a worker when the *thread* that started it ends (``PR_SET_PDEATHSIG``), and a
    pool starts workers from the thread that submits; so they are started here, by a thread that
    lives as long as the pool, never by a job manager's thread (which ends with its manager).
    """
    from ..compute import _worker_init  # ties each worker's life to this process's

    made: list[ProcessPoolExecutor] = []
    ready, stop = threading.Event(), threading.Event()

    def keep() -> None:
        pool = ProcessPoolExecutor(
            max_workers=PROCESS_WORKERS,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
            initargs=(os.getpid(),),
        )
        for _ in range(PROCESS_WORKERS):
            pool.submit(os.getpid)  # each submit that finds no idle worker starts one
        made.append(pool)
        ready.set()
        stop.wait()

    threading.Thread(target=keep, name="gwangyang-job-pool", daemon=True).start()
    ready.wait()
    _POOL_KEEPERS[id(made[0])] = stop
    return made[0]


def process_pool() -> ProcessPoolExecutor:
    """The worker processes of isolated jobs, started on first use and shared by every manager."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = _start_pool()
        return _POOL


def current_pool() -> ProcessPoolExecutor | None:
    """The pool isolated jobs use now (None before the first one, or after :func:`discard_pool`)."""
    with _POOL_LOCK:
        return _POOL


def discard_pool(pool: ProcessPoolExecutor, kill: bool) -> None:
    """Forget ``pool`` (the next isolated job starts a new one); with ``kill``, end its workers now."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is pool:
            _POOL = None
    if kill:
        # A running job would otherwise keep a stopping server alive: the pool joins its workers at exit.
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    stop = _POOL_KEEPERS.pop(id(pool), None)
    if stop is not None:
        stop.set()


class RecordProgress:
    """The progress callback of an isolated job: rewrites the job's record (at most every :data:`PROGRESS_EVERY_S`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        """Write ``done`` of ``total`` into the job's record (unless the last write was too recent)."""
        now = time.monotonic()
        if now - self._last < PROGRESS_EVERY_S and done < total:
            return
        self._last = now
        fraction = done / total if total else 0.0
        record = read_json(self.path)
        record["progress"] = {"done": done, "total": total, "fraction": round(fraction, 4)}
        write_json(self.path, record)
