"""The records of background jobs, persisted in the store as JSON: written, read, listed and pruned.

A job's record lives in ``<store>/jobs/<id>.json`` and is rewritten (to a temporary file, then
renamed) on every change, so a page reload, another API worker or a restarted server sees it.
Jobs that were queued or running when a server stopped are marked failed on the next start.

Finished records are pruned: those older than ``keep_days`` and those beyond the newest
``keep_records`` go (the newest finished record of each kind stays, for the pages). Listing reads
only the records of the page asked for; the rest come from an index kept by file modification time.
:class:`~gwangyang.api.jobs.JobManager` runs the jobs whose records these are.
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import InputError, NotFoundError
from ..files import write_json
from ..store import artifacts

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
FINISHED = ("done", "failed")

KEEP_DAYS_ENV = "GWANGYANG_JOBS_KEEP_DAYS"
KEEP_RECORDS_ENV = "GWANGYANG_JOBS_KEEP"
DEFAULT_KEEP_DAYS = 30.0
"""Finished job records older than this many days are deleted."""
DEFAULT_KEEP_RECORDS = 1000
"""At most this many finished job records are kept (the newest)."""


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


def now() -> str:
    """The current UTC time in ISO 8601, as job records carry it."""
    return datetime.now(UTC).isoformat()


class JobStore:
    """The job records in ``<store>/jobs``: written on every change, read, listed newest first and pruned.

    Parameters
    ----------
    store_root
        The store folder.
    keep_days
        Finished records older than this are pruned; default ``$GWANGYANG_JOBS_KEEP_DAYS`` or 30.
    keep_records
        At most this many finished records are kept; default ``$GWANGYANG_JOBS_KEEP`` or 1000.
    """

    def __init__(
        self,
        store_root: Path,
        keep_days: float | None = None,
        keep_records: int | None = None,
    ) -> None:
        self.dir = artifacts.jobs_dir(store_root)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.keep_days = _env_number(KEEP_DAYS_ENV, DEFAULT_KEEP_DAYS) if keep_days is None else keep_days
        self.keep_records = (
            int(_env_number(KEEP_RECORDS_ENV, DEFAULT_KEEP_RECORDS)) if keep_records is None else keep_records
        )
        self._lock = threading.Lock()
        self._index: dict[str, tuple[int, dict[str, Any]]] = {}  # path name -> (mtime_ns, summary)
        self._status: dict[str, str] = {}  # the jobs written through this store, for waiters
        self._mark_interrupted()
        self.prune()

    def _path(self, job_id: str) -> Path:
        if not _JOB_ID.fullmatch(job_id):
            raise InputError(f"job id: expected 32 hex digits, got {job_id[:40]!r}.")
        return self.dir / f"{job_id}.json"

    def _write(self, record: dict[str, Any]) -> None:
        write_json(self._path(record["id"]), record)
        self._status[record["id"]] = record.get("status", "")

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
                    finished_at=now(),
                )
                self._write(record)

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
