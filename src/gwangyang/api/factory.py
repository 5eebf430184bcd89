"""Factory API (``/api/v1/factory``): fit a process monitor on a normal sensor table, score tables, list monitors.

Monitors live in the store (``<store>/factory/monitors/<name>.npz``, see
:func:`gwangyang.factory.streaming.store_monitor_path`); fitting and scoring run as jobs whose
results (limits, T² and Q per row, alarms with the variables behind them) stay in the job record.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status

from ..errors import InputError, NotFoundError
from ..store import Store
from .auth import require_token
from .jobs import JobManager, Progress
from .parts import Part
from .responses import finish_job
from .uploads import SavedUpload, UploadError, receive_files

router = APIRouter(prefix="/api/v1/factory", tags=["factory"], dependencies=[Depends(require_token)])

TABLE_SUFFIXES = (".csv", ".csv.gz", ".txt", ".tsv", ".parquet", ".pq", ".dat", ".dat.gz")
_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,79}$")
METHODS = ("pca", "dpca", "kpca")


def check_monitor_name(name: str) -> str:
    """Return a plain monitor name; refuse anything that could leave the monitors folder."""
    if not _NAME.match(name) or ".." in name:
        raise InputError(
            f"monitor name {name[:60]!r}: expected letters, digits, '_', '-' and '.' (no leading dot)."
        )
    return name


def monitors_dir(store: Store) -> Path:
    """``<store>/factory/monitors``."""
    return store.root / "factory" / "monitors"


def list_monitors(store: Store) -> list[dict[str, Any]]:
    """Name, method, time column, variables and alarm run length of each saved monitor."""
    from ..factory.streaming import StreamingMonitor

    out = []
    folder = monitors_dir(store)
    for path in sorted(folder.glob("*.npz")) if folder.exists() else []:
        monitor = StreamingMonitor.load(path)
        out.append(
            {
                "name": path.name[: -len(".npz")],
                "method": monitor.method,
                "time_column": monitor.time_column,
                "columns": len(monitor.columns),
                "k": monitor.k,
            }
        )
    return out


async def _one_table(request: Request, store: Store) -> tuple[SavedUpload, Path]:
    saved = await receive_files(request, store.root / "uploads", request.app.state.max_upload_bytes)
    if len(saved.files) != 1:
        saved.discard()
        raise UploadError(f"upload: expected one table file, got {len(saved.files)}.")
    table = saved.files[0]
    if not table.name.lower().endswith(TABLE_SUFFIXES):
        saved.discard()
        raise UploadError(
            f"{table.name}: unknown table format (expected {', '.join(TABLE_SUFFIXES)}).",
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        )
    return saved, table


def _number(fields: dict[str, str], name: str, default: float, kind: type) -> float:
    """An optional numeric form field (``kind`` int or float), or ``default`` when it is absent or empty."""
    text = (fields.get(name) or "").strip()
    if not text:
        return default
    try:
        return float(kind(text))
    except ValueError as exc:
        raise InputError(
            f"{name}: expected {'an integer' if kind is int else 'a number'}, got {text[:20]!r}."
        ) from exc


WaitQuery = Annotated[float, Query(ge=0, le=600, description="Seconds to wait for the job to finish.")]


@router.get("/monitors", summary="Saved process monitors")
def monitors(request: Request) -> list[dict[str, Any]]:
    """Every monitor saved in the store."""
    return list_monitors(request.app.state.store)


@router.post(
    "/monitors", status_code=status.HTTP_202_ACCEPTED, summary="Fit a monitor on a normal-operation table"
)
async def fit_monitor(request: Request, response: Response, wait: WaitQuery = 0) -> dict[str, Any]:
    """Fit a monitor on one uploaded table of normal operation, as a job.

    Multipart: one table file (``files``) and fields ``name``, ``time_column``, optional ``method``
    (pca, dpca, kpca), ``alpha`` (false-alarm rate of each limit, default 0.01) and ``k``
    (consecutive violations per alarm, default 3). The job's result is the fit summary
    (variables, limits, training violation rates).
    """
    store: Store = request.app.state.store
    saved, table = await _one_table(request, store)
    try:
        name = check_monitor_name(saved.fields.get("name", ""))
        time_column = saved.fields.get("time_column", "").strip()
        if not time_column:
            raise InputError("time_column: expected the name of the table's time column.")
        method = saved.fields.get("method") or "pca"
        if method not in METHODS:
            raise InputError(f"method: expected one of {', '.join(METHODS)}, got {method[:20]!r}.")
        alpha = _number(saved.fields, "alpha", 0.01, float)
        k = int(_number(saved.fields, "k", 3, int))
    except InputError:
        saved.discard()
        raise

    def work(progress: Progress) -> dict[str, Any]:
        from ..factory.fitting import fit_table
        from ..factory.io import read_table
        from ..factory.streaming import store_monitor_path

        try:
            data = read_table(table, time_column)
            fitted = fit_table(data, time_column, method, alpha=alpha, k=k, source=table.name)
            fitted.monitor.save(store_monitor_path(store.root, name))
        finally:
            shutil.rmtree(saved.folder, ignore_errors=True)
        return {"name": name, **fitted.to_dict()}

    jobs: JobManager = request.app.state.jobs
    params = {"name": name, "file": table.name, "method": method, "alpha": alpha, "k": k}
    job = jobs.submit("factory.fit", work, params=params)
    return await finish_job(request, response, job, wait)


@router.post(
    "/monitors/{name}/score",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Score a sensor table with a monitor",
)
async def score(name: str, request: Request, response: Response, wait: WaitQuery = 0) -> dict[str, Any]:
    """Score one uploaded sensor table (multipart field ``files``) with a saved monitor, as a job.

    The job's result is T² and Q per row with their limits, the alarms (``k`` consecutive
    violations) and the variables behind each alarm.
    """
    from ..factory.streaming import store_monitor_path

    store: Store = request.app.state.store
    path = store_monitor_path(store.root, check_monitor_name(name))
    if not path.exists():
        raise NotFoundError(f"monitor {name!r}: not in store.")
    saved, table = await _one_table(request, store)

    def work(progress: Progress) -> dict[str, Any]:
        from ..factory.io import read_table
        from ..factory.streaming import StreamingMonitor

        try:
            monitor = StreamingMonitor.load(path)
            result = monitor.score_table(read_table(table, monitor.time_column), source=table.name)
        finally:
            shutil.rmtree(saved.folder, ignore_errors=True)
        return {"monitor": name, "file": table.name, **result.to_dict()}

    jobs: JobManager = request.app.state.jobs
    job = jobs.submit("factory.score", work, params={"monitor": name, "file": table.name})
    return await finish_job(request, response, job, wait)


def _pages() -> APIRouter:
    from .factory_pages import router as pages

    return pages


PART = Part(name="factory", title="Factory", api=router, pages=_pages, home="/factory")
"""The factory part: its API router and its page."""
