"""Battery API (``/api/v1/battery``): upload and ingest cycler files as a job, cells, cycles, curves, time series."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from ..errors import CellConflictError, InputError, UnknownFormatError, one_line
from ..store import Store
from . import battery_data as data
from .auth import require_token
from .jobs import JobManager, Progress
from .parts import Part
from .responses import failed_status
from .uploads import UploadError, receive_files

router = APIRouter(prefix="/api/v1/battery", tags=["battery"], dependencies=[Depends(require_token)])


def get_store(request: Request) -> Store:
    """The app's store."""
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def _validate_files(files: list[Path]) -> None:
    """Refuse an upload none of whose files any reader recognises (cheap content check, no full read)."""
    from ..battery.io.registry import detect, is_companion

    for path in files:
        if is_companion(path):
            continue
        try:
            detect(path)
        except UnknownFormatError as exc:
            message = one_line(str(exc)).replace(str(path), path.name)
            raise UploadError(message, status.HTTP_415_UNSUPPORTED_MEDIA_TYPE) from exc
        except InputError as exc:
            raise UploadError(one_line(str(exc)).replace(str(path), path.name)) from exc


def _ingest_job(store: Store, folder: Path, chemistry: str | None) -> Any:
    def work(progress: Progress) -> dict[str, Any]:
        from ..battery.ingest import ingest

        try:
            report = ingest([folder], store=store, progress=progress, chemistry=chemistry).to_dict()
        except BaseException:  # a busy store, a bug: the upload stays nowhere
            shutil.rmtree(folder, ignore_errors=True)
            raise
        if not report["ingested"]:  # duplicates or failures: nothing in the store refers to the files
            shutil.rmtree(folder, ignore_errors=True)
        for items in report.values():
            for item in items:
                item["file"] = Path(item["file"]).name
                if "error" in item:
                    item["error"] = item["error"].replace(str(folder) + "/", "")
        if report["failed"] and not report["ingested"] and not report["skipped"]:
            shutil.rmtree(folder, ignore_errors=True)
            if report["failed"][0].get("conflict"):
                raise CellConflictError(report["failed"][0]["error"])
            raise InputError(report["failed"][0]["error"])
        report["cells"] = sorted({item["cell_id"] for item in report["ingested"]})
        return report

    return work


@router.post(
    "/uploads",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Upload cycler files and ingest them as a job",
    responses={
        201: {"description": "Ingested (with `wait`)"},
        422: {"description": "Ingest failed (with `wait`)"},
    },
)
async def upload(
    request: Request,
    response: Response,
    wait: Annotated[float, Query(ge=0, le=300, description="Seconds to wait for the ingest to finish.")] = 0,
) -> dict[str, Any]:
    """Stream cycler files (multipart field ``files``; optional field ``chemistry``) into the store and ingest them.

    Answers 202 with the ingest job; poll ``/api/v1/jobs/{id}``. 413 when too large, 415 when no
    reader recognises a file, 400 when the body is truncated or a file name is not a plain name,
    409 when a file is named after a stored cell it does not continue (another cycler; with
    ``wait`` also another channel or an earlier start). The job's result has ``warnings``.
    With ``wait``, waits up to that many seconds: 201 when the ingest is done, 422 with the
    reader's message when it failed (a truncated or corrupt file), 202 when still running.
    """
    store: Store = request.app.state.store
    saved = await receive_files(request, store.root / "uploads", request.app.state.max_upload_bytes)
    try:
        await run_in_threadpool(_validate_files, saved.files)
    except UploadError:
        saved.discard()
        raise
    from ..battery.ingest import vendor_conflicts

    conflicts = await run_in_threadpool(vendor_conflicts, saved.files, store)
    if conflicts:
        saved.discard()
        raise UploadError(conflicts[0], status.HTTP_409_CONFLICT)
    chemistry = saved.fields.get("chemistry") or None
    if chemistry is not None:
        from ..battery.cycles import CHEMISTRY_GRIDS

        if chemistry.lower() not in CHEMISTRY_GRIDS:
            saved.discard()
            raise InputError(
                f"chemistry: expected one of {', '.join(CHEMISTRY_GRIDS)}, got {chemistry[:20]!r}."
            )
    jobs: JobManager = request.app.state.jobs
    names = [p.name for p in saved.files]
    job = jobs.submit(
        "battery.ingest",
        _ingest_job(store, saved.folder, chemistry),
        params={"files": names, "bytes": saved.size_bytes, "chemistry": chemistry},
    )
    if wait > 0:
        job = await jobs.wait_async(job["id"], wait)
        if job["status"] == "failed":
            raise UploadError(f"{job['error']} (job {job['id']})", failed_status(job))
        if job["status"] == "done":
            response.status_code = status.HTTP_201_CREATED
    return {"job": job, "files": names, "bytes": saved.size_bytes}


def _json(store: Store, key: str, compute: Callable[[], Any]) -> Response:
    body = data.cached(store, f"json:{key}", lambda: data.to_json_bytes(compute()))
    return Response(content=body, media_type="application/json")


@router.get("/cells", summary="Cells in the store with capacity figures", response_model=list[dict[str, Any]])
def list_cells(store: StoreDep) -> Response:
    """One record per cell: metadata, first/max/last discharge capacity, retention, median coulombic efficiency."""
    return _json(store, "cells", lambda: data.fleet_summary(store))


@router.get(
    "/fleet/capacity",
    summary="Discharge capacity against cycle for every cell",
    response_model=list[dict[str, Any]],
)
def fleet_capacity(store: StoreDep) -> Response:
    """Per cell, arrays ``cycle_index`` and ``discharge_capacity_ah``."""
    return _json(store, "fade", lambda: data.capacity_fade(store))


@router.get("/cells/{cell_id}", summary="One cell's metadata")
def cell_meta(cell_id: str, store: StoreDep) -> dict[str, Any]:
    """The cell's metadata (vendor, channel, sources and their hashes, voltage grid)."""
    meta = store.meta(data.check_cell_id(cell_id))
    for source in meta.get("sources", []):
        source.pop("file", None)  # server paths stay on the server
    return meta


@router.get("/cells/{cell_id}/cycles", summary="Per-cycle summary", response_model=dict[str, Any])
def cell_cycles(cell_id: str, store: StoreDep) -> Response:
    """The per-cycle summary table as records."""
    data.check_cell_id(cell_id)
    return _json(
        store, f"cycles:{cell_id}", lambda: {"cell_id": cell_id, "cycles": data.cycles_table(store, cell_id)}
    )


@router.get("/cells/{cell_id}/curves", summary="Discharge Q(V) and incremental capacity dQ/dV")
def cell_curves(
    cell_id: str,
    store: StoreDep,
    cycle: Annotated[
        list[int] | None, Query(description="Cycles to return (repeat); default: spread over life.")
    ] = None,
    count: Annotated[int, Query(ge=1, le=50, description="Cycles to pick when none are named.")] = 8,
) -> dict[str, Any]:
    """Q(V) on the cell's voltage grid and ``-dQ/dV`` for the chosen cycles."""
    return data.curves(store, cell_id, cycle, count)


@router.get("/cells/{cell_id}/timeseries", summary="A page of the canonical time series")
def cell_timeseries(
    cell_id: str,
    store: StoreDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=data.MAX_PAGE_ROWS)] = 1000,
    columns: Annotated[str | None, Query(description="Comma-separated column names.")] = None,
) -> dict[str, Any]:
    """Rows ``offset`` to ``offset + limit`` and the total row count."""
    names = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    return data.timeseries_page(store, cell_id, offset, limit, names)


@router.get("/cells/{cell_id}/health", summary="SOH per cycle, knee and remaining useful life")
def cell_health(cell_id: str, store: StoreDep) -> dict[str, Any]:
    """SOH (capacity over the median of the first 5 cycles), Bacon–Watts knee, RUL with interval."""
    result: dict[str, Any] = data.cached(store, f"health:{cell_id}", lambda: data.cell_health(store, cell_id))
    return result


def _with_life(battery: APIRouter) -> APIRouter:
    from .battery_life import router as life

    battery.include_router(life)
    return battery


def _pages() -> APIRouter:
    from .battery_pages import router as pages

    return pages


PART = Part(name="battery", title="Batteries", api=_with_life(router), pages=_pages, home="/battery")
"""The battery part: its API router and its pages."""
