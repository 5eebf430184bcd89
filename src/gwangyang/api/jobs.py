"""Background jobs with progress and a result: worker threads that run them and record every step.

:class:`JobManager` queues a job, runs it in one of its threads, and writes its progress and then its
result or its one-line error into the job's record (it is a :class:`~gwangyang.api.job_store.JobStore`).
A failed job's record holds one line; the traceback of a bug goes to the server's log.

Jobs submitted with ``isolated=True`` (the API's simulations, solvers, fits and ingests) run in a
worker process, so the server process keeps its GIL for requests: a long simulation in a thread of
the server used to stretch ``/health`` to seconds. The worker writes the job's progress into its
record; the result or the one-line error comes back to the job's thread, which writes the rest.
The worker processes are :mod:`gwangyang.api.job_pool`'s.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import queue
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from ..errors import GwangyangError, one_line
from .http_status import TooManyWaitersError, retry_after, status_of
from .job_pool import RecordProgress, current_pool, discard_pool, process_pool
from .job_store import FINISHED, JobStore, now
from .uploads import scrub_paths

Progress = Callable[[int, int], None]
"""Called by a job as ``progress(done, total)``."""

JobFunction = Callable[[Progress], dict[str, Any]]
"""The work of a job: takes a progress callback, returns a JSON-ready result."""

MAX_WAITERS = 200
"""Requests that may wait for a job at once; more get 429 (a waiter holds no thread, only a coroutine)."""

log = logging.getLogger(__name__)


class _IsolatedError(GwangyangError):
    """A ``GwangyangError`` an isolated job raised in its worker process: its message, status and retry.

    ``retry``: whether trying again may help (:func:`.http_status.retry_after`).
    """

    def __init__(self, message: str, status_code: int, retry: bool = False) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.retry = retry


class _IsolatedBugError(Exception):
    """A bug an isolated job hit in its worker process (the message is the exception's type name)."""


def _run_isolated(record_path: str, job_id: str, work: JobFunction) -> dict[str, Any]:
    """Run ``work`` in a worker process; return ``{"result": ...}`` or the error as plain data.

    Exceptions do not cross the process boundary (one that cannot be unpickled would break the
    pool): a ``GwangyangError`` comes back as its message and status, a bug as its type name,
    with the traceback logged here (the worker's stderr is the server's).
    """
    try:
        return {"result": work(RecordProgress(Path(record_path)))}
    except GwangyangError as exc:
        return {"error": one_line(str(exc)), "status_code": status_of(exc), "retry": retry_after(exc)}
    except Exception as exc:
        log.exception("job %s failed", job_id)
        return {"bug": type(exc).__name__}


class JobManager(JobStore):
    """Runs jobs in background threads (or, isolated, in worker processes) and keeps their records in ``<store>/jobs``.

    Parameters
    ----------
    store_root
        The store folder.
    workers
        Jobs run at once; 1 serialises writers (the store takes one writer at a time).
    keep_days
        Finished records older than this are pruned; default ``$GWANGYANG_JOBS_KEEP_DAYS`` or 30.
    keep_records
        At most this many finished records are kept; default ``$GWANGYANG_JOBS_KEEP`` or 1000.
    """

    def __init__(
        self,
        store_root: Path,
        workers: int = 1,
        keep_days: float | None = None,
        keep_records: int | None = None,
    ) -> None:
        super().__init__(store_root, keep_days, keep_records)
        self._store_root = str(store_root)
        self._waiters = 0
        self._in_pool = 0  # isolated jobs of this manager running in the worker processes
        self._finished_since_prune = 0
        # Daemon threads, not a ThreadPoolExecutor (whose threads are joined at exit): a server
        # asked to stop while a long job runs exits now; the job is marked interrupted next start.
        self._queue: queue.Queue[tuple[str, JobFunction, bool] | None] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._serve_queue, name=f"gwangyang-job-{k}", daemon=True)
            for k in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def _scrub(self, message: str) -> str:
        """A message without the store's location on the server (it is nobody's business)."""
        return scrub_paths(message, self._store_root)

    def submit(
        self,
        kind: str,
        work: JobFunction,
        params: dict[str, Any] | None = None,
        isolated: bool = False,
        org: str | None = None,
    ) -> dict[str, Any]:
        """Queue a job and return its record (status ``queued``).

        Parameters
        ----------
        kind
            What the job does, e.g. ``"battery.ingest"``.
        work
            The function to run; a ``GwangyangError`` it raises fails the job with its message.
        params
            JSON-ready parameters, stored with the record.
        isolated
            Run ``work`` in a worker process, not a thread of this one: for anything that computes
            long enough to hold the server's GIL. ``work`` must then pickle (a module-level function,
            or a ``functools.partial`` of one, with picklable arguments).
        org
            Organisation the job belongs to (``org`` of the record); None: shared with everyone.

        Raises
        ------
        TypeError
            ``isolated`` and ``work`` does not pickle (a bug of the caller).
        """
        if isolated:
            try:
                pickle.dumps(work)
            except (pickle.PicklingError, TypeError, AttributeError) as exc:
                raise TypeError(f"job {kind}: an isolated job's work must pickle ({exc}).") from None
        record: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "kind": kind,
            "status": "queued",
            "params": params or {},
            "progress": {"done": 0, "total": None, "fraction": 0.0},
            "result": None,
            "error": None,
            "created_at": now(),
            "started_at": None,
            "finished_at": None,
            "org": org,
        }
        with self._lock:
            self._write(record)
        self._queue.put((record["id"], work, isolated))
        return record

    def _serve_queue(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            self._run(*item)

    def _run_in_pool(self, job_id: str, work: JobFunction) -> dict[str, Any]:
        """Run an isolated job in a worker process; its result, or the error, as :func:`_run_isolated` gives it."""
        pool = process_pool()
        with self._lock:
            self._in_pool += 1
        try:
            try:
                future = pool.submit(_run_isolated, str(self._path(job_id)), job_id, work)
            except RuntimeError:  # the pool was shut down (a stopping server) or broke meanwhile
                discard_pool(pool, kill=False)
                future = process_pool().submit(_run_isolated, str(self._path(job_id)), job_id, work)
            outcome: dict[str, Any] = future.result()  # waiting here releases the GIL
            return outcome
        except BrokenProcessPool:
            discard_pool(pool, kill=False)
            return {
                "error": "the job's worker process died (killed, or out of memory).",
                "status_code": 500,
            }
        finally:
            with self._lock:
                self._in_pool -= 1

    def _run(self, job_id: str, work: JobFunction, isolated: bool = False) -> None:
        self._update(job_id, status="running", started_at=now())

        def progress(done: int, total: int) -> None:
            fraction = done / total if total else 0.0
            self._update(job_id, progress={"done": done, "total": total, "fraction": round(fraction, 4)})

        try:
            if isolated:
                outcome = self._run_in_pool(job_id, work)
                if "bug" in outcome:
                    raise _IsolatedBugError(outcome["bug"])
                if "error" in outcome:
                    raise _IsolatedError(
                        outcome["error"], outcome["status_code"], outcome.get("retry", False)
                    )
                result = outcome["result"]
            else:
                result = work(progress)
        except _IsolatedError as exc:
            self._update(
                job_id,
                status="failed",
                error=self._scrub(str(exc)),
                finished_at=now(),
                status_code=exc.status_code,
                retry=exc.retry,
            )
        except _IsolatedBugError as exc:  # its traceback was logged by the worker
            self._update(
                job_id,
                status="failed",
                error=f"internal error: {exc} (details in the server log, job {job_id})",
                finished_at=now(),
            )
        except GwangyangError as exc:
            self._update(
                job_id,
                status="failed",
                error=self._scrub(one_line(str(exc))),
                finished_at=now(),
                status_code=status_of(exc),
                retry=retry_after(exc),
            )
        except Exception as exc:  # a bug: keep the server up, log the traceback, record one line
            log.exception("job %s failed", job_id)
            self._update(
                job_id,
                status="failed",
                error=f"internal error: {type(exc).__name__} (details in the server log, job {job_id})",
                finished_at=now(),
            )
        else:
            self._update(
                job_id,
                status="done",
                result=result,
                finished_at=now(),
                progress={"done": 1, "total": 1, "fraction": 1.0},
            )
        self._finished_since_prune += 1
        if self._finished_since_prune >= 50:
            self._finished_since_prune = 0
            self.prune()

    def wait(self, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
        """Block until a job finishes (or ``timeout`` seconds pass) and return its record (for scripts and tests)."""
        deadline = time.monotonic() + timeout
        while True:
            record = self.get(job_id)
            if record["status"] in FINISHED or time.monotonic() > deadline:
                return record
            time.sleep(0.05)

    async def wait_async(self, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
        """Wait for a job without holding a thread: the request's coroutine sleeps between looks.

        A request waiting on the server used to hold one of the thread pool's 40 threads for the
        whole wait, so 45 waiters froze every synchronous endpoint, ``/health`` included.

        Raises
        ------
        TooManyWaitersError
            :data:`MAX_WAITERS` requests already wait.
        """
        if self._waiters >= MAX_WAITERS:
            raise TooManyWaitersError(
                f"wait: {MAX_WAITERS} requests already wait for jobs; poll the job instead."
            )
        self._waiters += 1
        try:
            deadline = time.monotonic() + timeout
            pause = 0.02
            while time.monotonic() < deadline:
                status = self._status.get(job_id)
                if status in FINISHED or (status is None and self.get(job_id)["status"] in FINISHED):
                    break
                await asyncio.sleep(min(pause, max(deadline - time.monotonic(), 0.0)))
                pause = min(pause * 1.5, 0.25)
            return self.get(job_id)
        finally:
            self._waiters -= 1

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking jobs; with ``wait``, finish the queued and running ones first.

        Without ``wait`` (a server that stops) nothing is waited for: the worker threads are
        daemons, so the process exits, and the next start marks the unfinished jobs interrupted.
        """
        for _ in self._threads:
            self._queue.put(None)
        if wait:
            for thread in self._threads:
                thread.join()
        elif self._in_pool and (pool := current_pool()) is not None:
            discard_pool(pool, kill=True)
