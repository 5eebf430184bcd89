"""Background jobs with progress and a result, persisted in the store as JSON.

A job's record lives in ``<store>/jobs/<id>.json`` and is rewritten (to a temporary file, then
renamed) on every change, so a page reload, another API worker or a restarted server sees it.
Jobs that were queued or running when a server stopped are marked failed on the next start.
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import GwangyangError, InputError, NotFoundError, one_line

Progress = Callable[[int, int], None]
"""Called by a job as ``progress(done, total)``."""

JobFunction = Callable[[Progress], dict[str, Any]]
"""The work of a job: takes a progress callback, returns a JSON-ready result."""

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
FINISHED = ("done", "failed")


def finite_json(value: Any) -> Any:
    """``value`` with NaN and infinities replaced by None (JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_json(v) for v in value]
    return value


def _now() -> str:
    return datetime.now(UTC).isoformat()


class JobManager:
    """Runs jobs in background threads and keeps their records in ``<store>/jobs``.

    Parameters
    ----------
    store_root
        The store folder.
    workers
        Jobs run at once; 1 serialises writers (the store takes one writer at a time).
    """

    def __init__(self, store_root: Path, workers: int = 1) -> None:
        self.dir = store_root / "jobs"
        self.dir.mkdir(parents=True, exist_ok=True)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gwangyang-job")
        self._lock = threading.Lock()
        self._mark_interrupted()

    def _path(self, job_id: str) -> Path:
        if not _JOB_ID.match(job_id):
            raise InputError(f"job id: expected 32 hex digits, got {job_id[:40]!r}.")
        return self.dir / f"{job_id}.json"

    def _write(self, record: dict[str, Any]) -> None:
        path = self._path(record["id"])
        tmp = path.with_name(f".{path.name}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(finite_json(record), allow_nan=False, default=str))
        os.replace(tmp, path)

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

    def submit(self, kind: str, work: JobFunction, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Queue a job and return its record (status ``queued``).

        Parameters
        ----------
        kind
            What the job does, e.g. ``"battery.ingest"``.
        work
            The function to run; a ``GwangyangError`` it raises fails the job with its message.
        params
            JSON-ready parameters, stored with the record.
        """
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
        }
        with self._lock:
            self._write(record)
        self._pool.submit(self._run, record["id"], work)
        return record

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
        now = _now()
        record: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "kind": kind,
            "status": "done",
            "params": params or {},
            "progress": {"done": 1, "total": 1, "fraction": 1.0},
            "result": result,
            "error": None,
            "created_at": now,
            "started_at": now,
            "finished_at": now,
        }
        with self._lock:
            self._write(record)
        return record

    def latest(self, *kinds: str) -> dict[str, Any] | None:
        """The newest finished-and-done job of any of ``kinds``, or None."""
        for record in self.list(limit=10_000):
            if record.get("kind") in kinds and record.get("status") == "done":
                return record
        return None

    def _run(self, job_id: str, work: JobFunction) -> None:
        self._update(job_id, status="running", started_at=_now())

        def progress(done: int, total: int) -> None:
            fraction = done / total if total else 0.0
            self._update(job_id, progress={"done": done, "total": total, "fraction": round(fraction, 4)})

        try:
            result = work(progress)
        except GwangyangError as exc:
            self._update(job_id, status="failed", error=one_line(str(exc)), finished_at=_now())
        except Exception as exc:  # a bug: keep the server up, record it
            message = one_line(f"{type(exc).__name__}: {exc}")
            self._update(
                job_id,
                status="failed",
                error=f"internal error: {message}",
                finished_at=_now(),
                traceback=traceback.format_exc(limit=5),
            )
        else:
            self._update(
                job_id,
                status="done",
                result=result,
                finished_at=_now(),
                progress={"done": 1, "total": 1, "fraction": 1.0},
            )

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

    def list(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest ``limit`` job records, newest first."""
        records = []
        for path in self.dir.glob("*.json"):
            try:
                records.append(json.loads(path.read_text()))
            except (OSError, json.JSONDecodeError):
                continue
        records.sort(key=lambda r: r.get("created_at", ""), reverse=True)
        return records[:limit]

    def wait(self, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
        """Block until a job finishes (or ``timeout`` seconds pass) and return its record."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            record = self.get(job_id)
            if record["status"] in FINISHED or time.monotonic() > deadline:
                return record
            time.sleep(0.05)

    def shutdown(self) -> None:
        """Stop taking jobs; wait for the running ones."""
        self._pool.shutdown(wait=True)
