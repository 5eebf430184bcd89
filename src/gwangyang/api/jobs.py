"""Background jobs with progress and a result, persisted in the store as JSON.

A job's record lives in ``<store>/jobs/<id>.json`` and is rewritten (to a temporary file, then
renamed) on every change, so a page reload, another API worker or a restarted server sees it.
Jobs that were queued or running when a server stopped are marked failed on the next start.

Finished records are pruned: those older than ``keep_days`` and those beyond the newest
``keep_records`` go (the newest finished record of each kind stays, for the pages). Listing reads
only the records of the page asked for; the rest come from an index kept by file modification time.
A failed job's record holds one line; the traceback of a bug goes to the server's log.

Jobs submitted with ``isolated=True`` (the API's simulations, solvers, fits and ingests) run in a
worker process, so the server process keeps its GIL for requests: a long simulation in a thread of
the server used to stretch ``/health`` to seconds. The worker writes the job's progress into its
record; the result or the one-line error comes back to the job's thread, which writes the rest.
The worker processes are :mod:`gwangyang.api.job_pool`'s.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import pickle
import queue
import re
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import (
    CellConflictError,
    GwangyangError,
    InputError,
    NotFoundError,
    StoreError,
    UnknownFormatError,
    one_line,
)
from ..files import write_json
from ..store import artifacts
from .job_pool import RecordProgress, current_pool, discard_pool, process_pool
from .uploads import UploadError

Progress = Callable[[int, int], None]
"""Called by a job as ``progress(done, total)``."""

JobFunction = Callable[[Progress], dict[str, Any]]
"""The work of a job: takes a progress callback, returns a JSON-ready result."""

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
FINISHED = ("done", "failed")

KEEP_DAYS_ENV = "GWANGYANG_JOBS_KEEP_DAYS"
KEEP_RECORDS_ENV = "GWANGYANG_JOBS_KEEP"
DEFAULT_KEEP_DAYS = 30.0
"""Finished job records older than this many days are deleted."""
DEFAULT_KEEP_RECORDS = 1000
"""At most this many finished job records are kept (the newest)."""
MAX_WAITERS = 200
"""Requests that may wait for a job at once; more get 429 (a waiter holds no thread, only a coroutine)."""

log = logging.getLogger(__name__)


class TooManyWaitersError(GwangyangError):
    """More requests wait for jobs than :data:`MAX_WAITERS`; answered with 429."""


class _IsolatedError(GwangyangError):
    """A ``GwangyangError`` an isolated job raised in its worker process: its message and HTTP status."""

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


class _IsolatedBugError(Exception):
    """A bug an isolated job hit in its worker process (the message is the exception's type name)."""


def status_of(exc: GwangyangError) -> int:
    """The HTTP status that answers an error: 4xx for bad input or a busy store, 500 for the rest."""
    if isinstance(exc, UploadError):
        return exc.status_code
    if isinstance(exc, TooManyWaitersError):
        return 429
    if isinstance(exc, UnknownFormatError):
        return 415
    if isinstance(exc, CellConflictError):
        return 409
    if isinstance(exc, InputError):
        return 400
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, StoreError):
        return 409
    return 500


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"${name}: expected a number, got {raw[:20]!r}.") from None
    if not math.isfinite(value) or value < 0:
        raise InputError(f"${name}: expected 0 or more, got {raw[:20]!r}.")
    return value


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _run_isolated(record_path: str, job_id: str, work: JobFunction) -> dict[str, Any]:
    """Run ``work`` in a worker process; return ``{"result": ...}`` or the error as plain data.

    Exceptions do not cross the process boundary (one that cannot be unpickled would break the
    pool): a ``GwangyangError`` comes back as its message and status, a bug as its type name,
    with the traceback logged here (the worker's stderr is the server's).
    """
    try:
        return {"result": work(RecordProgress(Path(record_path)))}
    except GwangyangError as exc:
        return {"error": one_line(str(exc)), "status_code": status_of(exc)}
    except Exception as exc:
        log.exception("job %s failed", job_id)
        return {"bug": type(exc).__name__}


class JobManager:
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
        self.dir = artifacts.jobs_dir(store_root)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._store_root = str(store_root)
        self.keep_days = _env_number(KEEP_DAYS_ENV, DEFAULT_KEEP_DAYS) if keep_days is None else keep_days
        self.keep_records = (
            int(_env_number(KEEP_RECORDS_ENV, DEFAULT_KEEP_RECORDS)) if keep_records is None else keep_records
        )
        # Daemon threads, not a ThreadPoolExecutor (whose threads are joined at exit): a server
        # asked to stop while a long job runs exits now; the job is marked interrupted next start.
        self._queue: queue.Queue[tuple[str, JobFunction, bool] | None] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._serve_queue, name=f"gwangyang-job-{k}", daemon=True)
            for k in range(workers)
        ]
        for thread in self._threads:
            thread.start()
        self._lock = threading.Lock()
        self._index: dict[str, tuple[int, dict[str, Any]]] = {}  # path name -> (mtime_ns, summary)
        self._status: dict[str, str] = {}  # this manager's jobs, for waiters
        self._waiters = 0
        self._in_pool = 0  # isolated jobs of this manager running in the worker processes
        self._finished_since_prune = 0
        self._mark_interrupted()
        self.prune()

    def _path(self, job_id: str) -> Path:
        if not _JOB_ID.match(job_id):
            raise InputError(f"job id: expected 32 hex digits, got {job_id[:40]!r}.")
        return self.dir / f"{job_id}.json"

    def _write(self, record: dict[str, Any]) -> None:
        write_json(self._path(record["id"]), record)
        self._status[record["id"]] = record.get("status", "")

    def _scrub(self, message: str) -> str:
        """A message without the store's location on the server (it is nobody's business)."""
        return message.replace(self._store_root + os.sep, "").replace(self._store_root, "the store")

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            record = self.get(job_id)
            record.update(changes)
            self._write(record)

    def _mark_interrupted(self) -> None:
        for path in self.dir.glob("*.json"):
            try:
                record = json.loads(path.read_text())
            except (OSError, json.JSONDecodeError):
                continue
            if record.get("status") not in FINISHED:
                record.update(
                    status="failed",
                    error="interrupted: the server stopped before the job finished.",
                    finished_at=_now(),
                )
                self._write(record)

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
            "created_at": _now(),
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

    def record(
        self, kind: str, result: dict[str, Any], params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Store work done elsewhere (``gwangyang demo``'s steps) as a finished job, so pages can show it.

        Parameters
        ----------
        kind
            What was done, e.g. ``"demo.port"``.
        result
            Its JSON-ready result.
        params
            JSON-ready parameters.
        """
        record = artifacts.done_job_record(kind, result, params)
        with self._lock:
            self._write(record)
        return record

    def latest(self, *kinds: str) -> dict[str, Any] | None:
        """The newest finished-and-done job of any of ``kinds``, or None."""
        for summary in self._summaries():
            if summary.get("kind") in kinds and summary.get("status") == "done":
                try:
                    return self.get(summary["id"])
                except (NotFoundError, OSError, json.JSONDecodeError):
                    continue
        return None

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
        self._update(job_id, status="running", started_at=_now())

        def progress(done: int, total: int) -> None:
            fraction = done / total if total else 0.0
            self._update(job_id, progress={"done": done, "total": total, "fraction": round(fraction, 4)})

        try:
            if isolated:
                outcome = self._run_in_pool(job_id, work)
                if "bug" in outcome:
                    raise _IsolatedBugError(outcome["bug"])
                if "error" in outcome:
                    raise _IsolatedError(outcome["error"], outcome["status_code"])
                result = outcome["result"]
            else:
                result = work(progress)
        except _IsolatedError as exc:
            self._update(
                job_id,
                status="failed",
                error=self._scrub(str(exc)),
                finished_at=_now(),
                status_code=exc.status_code,
            )
        except _IsolatedBugError as exc:  # its traceback was logged by the worker
            self._update(
                job_id,
                status="failed",
                error=f"internal error: {exc} (details in the server log, job {job_id})",
                finished_at=_now(),
            )
        except GwangyangError as exc:
            self._update(
                job_id,
                status="failed",
                error=self._scrub(one_line(str(exc))),
                finished_at=_now(),
                status_code=status_of(exc),
            )
        except Exception as exc:  # a bug: keep the server up, log the traceback, record one line
            log.exception("job %s failed", job_id)
            self._update(
                job_id,
                status="failed",
                error=f"internal error: {type(exc).__name__} (details in the server log, job {job_id})",
                finished_at=_now(),
            )
        else:
            self._update(
                job_id,
                status="done",
                result=result,
                finished_at=_now(),
                progress={"done": 1, "total": 1, "fraction": 1.0},
            )
        self._finished_since_prune += 1
        if self._finished_since_prune >= 50:
            self._finished_since_prune = 0
            self.prune()

    def get(self, job_id: str) -> dict[str, Any]:
        """A job's record.

        Raises
        ------
        NotFoundError
            No such job.
        """
        path = self._path(job_id)
        if not path.exists():
            raise NotFoundError(f"job {job_id}: no such job.")
        record: dict[str, Any] = json.loads(path.read_text())
        return record

    def _summaries(self) -> list[dict[str, Any]]:
        """``id``, ``kind``, ``status``, ``created_at`` and ``finished_at`` of every record, newest first.

        Each file is parsed once per modification (the index is keyed by name and mtime), and a
        finished record, which never changes, is not even looked at again: a listing costs a
        directory scan, not a read of every record.
        """
        seen: dict[str, tuple[int, dict[str, Any]]] = {}
        with os.scandir(self.dir) as entries:
            for entry in entries:
                if not entry.name.endswith(".json") or entry.name.startswith("."):
                    continue
                cached = self._index.get(entry.name)
                if cached is not None and cached[1].get("status") in FINISHED:
                    seen[entry.name] = cached
                    continue
                try:
                    mtime = entry.stat().st_mtime_ns
                except OSError:
                    continue
                if cached is not None and cached[0] == mtime:
                    seen[entry.name] = cached
                    continue
                try:
                    record = json.loads(Path(entry.path).read_text())
                except (OSError, json.JSONDecodeError):
                    continue
                keys = ("id", "kind", "status", "created_at", "finished_at", "org")
                seen[entry.name] = (mtime, {k: record.get(k) for k in keys})
        self._index = seen
        summaries = [summary for _mtime, summary in seen.values() if isinstance(summary.get("id"), str)]
        summaries.sort(key=lambda r: str(r.get("created_at") or ""), reverse=True)
        return summaries

    def _visible(self, visible: Callable[[Any], bool] | None) -> list[dict[str, Any]]:
        summaries = self._summaries()
        return summaries if visible is None else [s for s in summaries if visible(s.get("org"))]

    def count(self, visible: Callable[[Any], bool] | None = None) -> int:
        """Number of job records in the store (those whose ``org`` passes ``visible``, when given)."""
        return len(self._visible(visible))

    def list(
        self, limit: int = 50, offset: int = 0, visible: Callable[[Any], bool] | None = None
    ) -> list[dict[str, Any]]:
        """Job records, newest first: ``limit`` of them after skipping ``offset`` (only those whose ``org`` passes ``visible``)."""
        records = []
        for summary in self._visible(visible)[offset : offset + limit]:
            try:
                records.append(self.get(summary["id"]))
            except (NotFoundError, InputError, OSError, json.JSONDecodeError):
                continue  # pruned or damaged meanwhile
        return records

    def prune(self) -> int:
        """Delete finished records older than ``keep_days`` or beyond the newest ``keep_records``.

        The newest finished record of each kind is kept whatever its age, so the pages that show
        "the latest run" keep something to show. Returns the number of records deleted.
        """
        cutoff = (datetime.now(UTC) - timedelta(days=self.keep_days)).isoformat()
        kept_kinds: set[str] = set()
        finished = 0
        doomed = []
        for summary in self._summaries():
            if summary.get("status") not in FINISHED:
                continue
            finished += 1
            kind = str(summary.get("kind"))
            first_of_kind = kind not in kept_kinds and summary.get("status") == "done"
            if first_of_kind:
                kept_kinds.add(kind)
            too_old = str(summary.get("finished_at") or summary.get("created_at") or "") < cutoff
            if not first_of_kind and (finished > self.keep_records or too_old):
                doomed.append(summary["id"])
        for job_id in doomed:
            try:
                self._path(job_id).unlink(missing_ok=True)
            except (OSError, InputError):
                continue
            self._status.pop(job_id, None)
        return len(doomed)

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
