"""Every result the platform keeps besides cells: one layout, one name check, one atomic write, one JSON encoder.

The store folder holds, next to ``cells/``::

    models/life/<name>.gwm, <name>.json     cycle-life models and their records (metrics, fit-time predictions)
    factory/monitors/<name>.npz             process monitors
    optimize/campaigns/<name>/              optimisation campaigns (state.json and the round tables)
    logistics/<kind>.json                   the latest routing and forecast views (``routes``, ``forecast``)
    port/plans/<name>.json                  berth plans
    port/runs/<name>.json                   port simulations and comparisons
    quality/anomalies/<hash>.json           each cell's anomaly-detector state and the anomalies found
    quality/summary.json                    the quality summary the demo writes
    jobs/<id>.json                          job records (the API's background jobs and the demo's steps)
    accounts/users.json, audit.jsonl        users (roles, organisations, token hashes) and the audit log of writes
    uploads/                                files being received by the API
    twin-cache/                             cached twin simulations

Modules outside ``store/`` ask this module for a path or a document and never join paths under the store root
themselves. Names a user gives (models, monitors, campaigns, plans, runs) pass :func:`check_name`: letters of
any script (Korean included), digits, ``_ - .``; no leading dot, no ``..``, no separators; a campaign's name
may also hold spaces (not at either end), as the CLI's ``--state`` folder may.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import InputError, NotFoundError
from ..files import dumps, read_json, write_json
from ..written import as_written
from .lock import WriteLock
from .store import Store

_NAME = re.compile(r"^[\w-][\w.-]*$")
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_NAME = 80
"""Longest name of a kept result."""

JSON_KINDS: dict[str, str] = {
    "life-model": "models/life",
    "routing-view": "logistics",
    "berth-plan": "port/plans",
    "port-run": "port/runs",
    "quality": "quality",
    "job": "jobs",
}
"""Kinds of JSON documents and their folders under the store root."""

ROUTING_VIEWS = ("routes", "forecast")
"""Names of the routing views kept (the latest of each)."""

TWIN_CACHE = "twin-cache"
"""Folder of the twin's cached simulations."""


def root_of(store: Store | str | os.PathLike[str]) -> Path:
    """The store folder of a :class:`Store` or a path."""
    return store.root if isinstance(store, Store) else Path(store)


def check_name(name: str, what: str = "name", max_length: int = MAX_NAME, spaces: bool = False) -> str:
    """Return ``name`` if it is a plain name that stays inside its folder; raise ``InputError`` naming ``what``.

    Letters of any script, digits, ``_``, ``-`` and ``.``; not starting with a dot; no ``..``; at most
    ``max_length`` characters. With ``spaces`` (campaign names, ``급속충전 캠페인``), spaces too, but not at
    either end.
    """
    inner = name.replace(" ", "_") if spaces and isinstance(name, str) and name == name.strip(" ") else name
    if (
        not isinstance(name, str)
        or not 0 < len(name) <= max_length
        or ".." in name
        or not _NAME.fullmatch(inner)
    ):
        shown = name[:60] if isinstance(name, str) else name
        allowed = "'_', '-', '.' and spaces (none at either end; " if spaces else "'_', '-' and '.' ("
        raise InputError(
            f"{what} {shown!r}: expected a plain name of up to {max_length} letters, digits, {allowed}"
            "no leading dot, no '..')."
        )
    return name


def folder(store: Store | str | os.PathLike[str], kind: str) -> Path:
    """The folder of a JSON kind (see :data:`JSON_KINDS`)."""
    if kind not in JSON_KINDS:
        raise ValueError(f"kind: expected one of {', '.join(JSON_KINDS)}, got {as_written(kind)}")
    return root_of(store) / JSON_KINDS[kind]


def path(store: Store | str | os.PathLike[str], kind: str, name: str, suffix: str = ".json") -> Path:
    """``<folder of kind>/<name><suffix>`` after :func:`check_name`."""
    return folder(store, kind) / f"{check_name(name, kind + ' name')}{suffix}"


def save(store: Store | str | os.PathLike[str], kind: str, name: str, document: Any) -> Path:
    """Keep ``document`` as ``kind``/``name`` (strict JSON, written atomically); returns its path."""
    return write_json(path(store, kind, name), document)


def load(store: Store | str | os.PathLike[str], kind: str, name: str) -> Any:
    """The document kept as ``kind``/``name``.

    Raises
    ------
    NotFoundError
        Nothing kept under that name (or the file is unreadable).
    """
    target = path(store, kind, name)
    try:
        return read_json(target)
    except (OSError, ValueError):
        raise NotFoundError(f"{kind} {name!r}: not in store {root_of(store)}.") from None


def names(store: Store | str | os.PathLike[str], kind: str, suffix: str = ".json") -> list[str]:
    """Names kept of ``kind``, sorted (temporary and hidden files left out)."""
    where = folder(store, kind)
    if not where.is_dir():
        return []
    return sorted(p.name[: -len(suffix)] for p in where.glob(f"*{suffix}") if not p.name.startswith("."))


def modified(store: Store | str | os.PathLike[str], kind: str, name: str, suffix: str = ".json") -> float:
    """Modification time (seconds since the epoch) of ``kind``/``name``."""
    return path(store, kind, name, suffix).stat().st_mtime


def delete(store: Store | str | os.PathLike[str], kind: str, name: str, suffix: str = ".json") -> None:
    """Remove ``kind``/``name`` if it is kept."""
    path(store, kind, name, suffix).unlink(missing_ok=True)


# binary artifacts and folders ---------------------------------------------------------------------------


def life_model_path(store: Store | str | os.PathLike[str], name: str) -> Path:
    """The model file of a cycle-life model (``models/life/<name>.gwm``)."""
    return path(store, "life-model", name, ".gwm")


def monitor_path(store: Store | str | os.PathLike[str], name: str) -> Path:
    """The file of a process monitor (``factory/monitors/<name>.npz``)."""
    return monitors_dir(store) / f"{check_name(name, 'monitor name')}.npz"


def monitors_dir(store: Store | str | os.PathLike[str]) -> Path:
    """``factory/monitors``."""
    return root_of(store) / "factory" / "monitors"


def monitor_names(store: Store | str | os.PathLike[str]) -> list[str]:
    """Names of the saved process monitors, sorted."""
    where = monitors_dir(store)
    return sorted(p.name[: -len(".npz")] for p in where.glob("*.npz")) if where.is_dir() else []


def campaigns_dir(store: Store | str | os.PathLike[str]) -> Path:
    """``optimize/campaigns``."""
    return root_of(store) / "optimize" / "campaigns"


def campaign_dir(store: Store | str | os.PathLike[str], name: str) -> Path:
    """The folder of a campaign (``optimize/campaigns/<name>``)."""
    return campaigns_dir(store) / check_name(name, "campaign name", spaces=True)


def campaign_names(store: Store | str | os.PathLike[str], state_file: str = "state.json") -> list[str]:
    """Names of the campaigns kept (folders holding ``state_file``), sorted."""
    where = campaigns_dir(store)
    return sorted(p.parent.name for p in where.glob(f"*/{state_file}")) if where.is_dir() else []


def anomaly_state_path(store: Store | str | os.PathLike[str], cell_id: str) -> Path:
    """The file of one cell's anomaly-detector state (``quality/anomalies/<hash>.json``)."""
    digest = hashlib.blake2b(cell_id.encode(), digest_size=10).hexdigest()
    return anomaly_states_dir(store) / f"{digest}.json"


def anomaly_states_dir(store: Store | str | os.PathLike[str]) -> Path:
    """``quality/anomalies``."""
    return root_of(store) / "quality" / "anomalies"


def uploads_dir(store: Store | str | os.PathLike[str]) -> Path:
    """``uploads``: where the API receives files."""
    return root_of(store) / "uploads"


def twin_cache_dir(store: Store | str | os.PathLike[str]) -> Path:
    """``twin-cache``: the twin's cached simulations."""
    return root_of(store) / TWIN_CACHE


# jobs ---------------------------------------------------------------------------------------------------


API_TOKEN_FILE = ".api-token"
"""The store's API token file (mode 0600), made by the first ``gwangyang serve``."""


def api_token_path(store: Store | str | os.PathLike[str]) -> Path:
    """The store's API token file (see :data:`API_TOKEN_FILE`)."""
    return root_of(store) / API_TOKEN_FILE


def jobs_dir(store: Store | str | os.PathLike[str]) -> Path:
    """``jobs``: one JSON record per job."""
    return folder(store, "job")


def job_path(store: Store | str | os.PathLike[str], job_id: str) -> Path:
    """The record file of a job (ids are 32 hex digits)."""
    if not _JOB_ID.match(job_id):
        raise InputError(f"job id: expected 32 hex digits, got {job_id[:40]!r}.")
    return jobs_dir(store) / f"{job_id}.json"


def record_job(
    store: Store | str | os.PathLike[str],
    kind: str,
    result: dict[str, Any],
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Keep work done outside a job runner (the demo's steps) as a finished job record, as the pages read them.

    Returns
    -------
    dict
        The record (``id``, ``kind``, ``status`` done, ``params``, ``progress``, ``result``, times).
    """
    record = done_job_record(kind, result, params)
    write_json(job_path(store, record["id"]), record)
    return record


def done_job_record(
    kind: str, result: dict[str, Any], params: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A finished job's record (``id``, ``kind``, ``status`` done, ``params``, ``progress``, ``result``, times).

    The one shape of a job record, for :func:`record_job` and the API's job runner alike.
    """
    now = datetime.now(UTC).isoformat()
    return {
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


def jobs(store: Store | str | os.PathLike[str], limit: int = 50) -> list[dict[str, Any]]:
    """The newest ``limit`` job records, newest first (unreadable records left out)."""
    where = jobs_dir(store)
    out: list[dict[str, Any]] = []
    for item in where.glob("*.json") if where.is_dir() else []:
        if item.name.startswith("."):
            continue
        try:
            out.append(json.loads(item.read_text()))
        except (OSError, ValueError):
            continue
    out.sort(key=lambda r: str(r.get("created_at", "")), reverse=True)
    return out[:limit]


def latest_job(
    store: Store | str | os.PathLike[str], *kinds: str, limit: int = 10_000
) -> dict[str, Any] | None:
    """The newest finished-and-done job record of any of ``kinds``, or None."""
    for record in jobs(store, limit):
        if record.get("kind") in kinds and record.get("status") == "done":
            return record
    return None


# accounts and the audit log ------------------------------------------------------------------------------

ACCOUNTS_DIR = "accounts"
"""Folder of the users file and the audit log (mode 0700: the users file holds token hashes)."""


def accounts_dir(store: Store | str | os.PathLike[str]) -> Path:
    """``accounts``, created private (0700) if missing."""
    where = root_of(store) / ACCOUNTS_DIR
    where.mkdir(mode=0o700, parents=True, exist_ok=True)
    return where


def users_path(store: Store | str | os.PathLike[str]) -> Path:
    """``accounts/users.json``: the users, their roles, organisations and token hashes."""
    return root_of(store) / ACCOUNTS_DIR / "users.json"


def users_lock(store: Store | str | os.PathLike[str]) -> WriteLock:
    """The lock a change of the users file holds (its own: a long ingest does not block ``users add``)."""
    return WriteLock(accounts_dir(store), wait=10.0, name=".users.lock", what="the accounts")


def save_users(store: Store | str | os.PathLike[str], document: Any) -> Path:
    """Write the users file whole or not at all (call under :func:`users_lock`)."""
    accounts_dir(store)
    return write_json(users_path(store), document, indent=1)


def audit_path(store: Store | str | os.PathLike[str]) -> Path:
    """``accounts/audit.jsonl``: the audit log, one JSON document a line, only ever appended to."""
    return root_of(store) / ACCOUNTS_DIR / "audit.jsonl"


def append_audit(store: Store | str | os.PathLike[str], record: dict[str, Any]) -> None:
    """Append one record to the audit log as one line, in one ``write`` on an ``O_APPEND`` descriptor.

    Writers in several processes never interleave within a line: the kernel positions each
    ``O_APPEND`` write at the end of the file under the file's lock.
    """
    line = (dumps(record) + "\n").encode("utf-8")
    accounts_dir(store)
    fd = os.open(audit_path(store), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def audit_records(store: Store | str | os.PathLike[str], limit: int | None = None) -> list[dict[str, Any]]:
    """The audit log's records, newest first; the newest ``limit`` when given (a torn or foreign line is skipped)."""
    target = audit_path(store)
    try:
        lines = target.read_bytes().splitlines()
    except FileNotFoundError:
        return []
    out: list[dict[str, Any]] = []
    for raw in reversed(lines):
        if limit is not None and len(out) >= limit:
            break
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        if isinstance(record, dict):
            out.append(record)
    return out
