"""Battery API (``/api/v1/battery``): upload and ingest cycler files as a job; cells, cycles, curves, time series, health; early cycle-life models under ``/life`` (fit as a job, list, predict); production data (``/production``: upload a table, list); one read-only SQL query (``/sql``, any known user).

Every answer is a document of :mod:`gwangyang.battery.service`. Models are kept in the store; a request names a
model by a plain name, never by a path, and only files this platform wrote are ever unpickled (no model upload).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from starlette.requests import Request

from ...battery import service
from ...errors import InputError, UnknownFormatError, one_line
from ...store import Store
from ..auth import require_token
from ..common import JobsDep, StoreDep, WaitQuery, receive
from ..jobs import Progress
from ..orgs import Scope, ScopeDep, guard
from ..responses import finish_job
from ..uploads import UploadError

# guard: a cell of another organisation answers 404, as a missing one (see api/orgs.py)
router = APIRouter(
    prefix="/api/v1/battery", tags=["battery"], dependencies=[Depends(require_token), Depends(guard)]
)
life = APIRouter(prefix="/life", tags=["battery life"])
"""Mounted under the battery router: paths start with ``/api/v1/battery/life``."""


def _validate_files(files: list[Path]) -> None:
    """Refuse an upload none of whose files any reader recognises (cheap content check, no full read)."""
    for path in files:
        try:
            service.check_cycler_files([path])
        except UnknownFormatError as exc:
            message = one_line(str(exc)).replace(str(path), path.name)
            raise UploadError(message, status.HTTP_415_UNSUPPORTED_MEDIA_TYPE) from exc
        except InputError as exc:
            raise UploadError(one_line(str(exc)).replace(str(path), path.name)) from exc


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
    store: StoreDep,
    jobs: JobsDep,
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
    saved = await receive(request)
    try:
        await run_in_threadpool(_validate_files, saved.files)
        chemistry = service.check_chemistry(saved.fields.get("chemistry") or None)
        conflicts = await run_in_threadpool(service.upload_conflicts, saved.files, store)
        if conflicts:
            raise UploadError(conflicts[0], status.HTTP_409_CONFLICT)
    except (UploadError, InputError):
        saved.discard()
        raise

    names = [p.name for p in saved.files]
    # In a worker process: parsing cycler files in the server's process would hold its GIL.
    work = partial(service.ingest_upload, store, saved.folder, chemistry, org=jobs.scope.owner)
    params = {"files": names, "bytes": saved.size_bytes, "chemistry": chemistry}
    job = jobs.submit("battery.ingest", work, params=params, isolated=True)
    answer = await finish_job(request, response, job, wait)
    return {**answer, "files": names, "bytes": saved.size_bytes}


def _json(store: Store, key: str, compute: Callable[[], Any]) -> Response:
    body = service.cached(
        store, f"json:{key}", lambda: json.dumps(compute(), allow_nan=False, separators=(",", ":")).encode()
    )
    return Response(content=body, media_type="application/json")


def _fleet_json(
    store: Store, scope: Scope, key: str, compute: Callable[[], list[dict[str, Any]]]
) -> Response:
    """A per-cell list as JSON: the cached text for an admin, the user's organisation's rows for anyone else."""
    if scope.sees_all:
        return _json(store, key, compute)
    rows = scope.keep(store, service.cached(store, key, compute))
    return Response(
        content=json.dumps(rows, allow_nan=False, separators=(",", ":")), media_type="application/json"
    )


@router.get("/cells", summary="Cells in the store with capacity figures", response_model=list[dict[str, Any]])
def list_cells(store: StoreDep, scope: ScopeDep) -> Response:
    """One record per cell (the user's organisation's and shared ones): metadata, first/max/last discharge capacity, retention, median coulombic efficiency."""
    return _fleet_json(store, scope, "cells", lambda: service.list_cells(store))


@router.get(
    "/fleet/capacity",
    summary="Discharge capacity against cycle for every cell",
    response_model=list[dict[str, Any]],
)
def fleet_capacity(store: StoreDep, scope: ScopeDep) -> Response:
    """Per cell, arrays ``cycle_index`` and ``discharge_capacity_ah``."""
    return _fleet_json(store, scope, "fade", lambda: service.capacity_fade(store))


@router.get("/fleet/health", summary="Predicted end of life and flags of every cell")
def fleet_health(store: StoreDep, scope: ScopeDep) -> dict[str, Any]:
    """Per cell with enough cycles: end of life with interval, last SOH, knee, end-of-life flag."""
    result: dict[str, Any] = service.cached(store, "fleet-health", lambda: service.fleet_health(store))
    visible = scope.cell_ids(store)
    return result if visible is None else {k: v for k, v in result.items() if k in visible}


@router.delete("/cells/{cell_id}", summary="Delete a cell from the store")
def delete_cell(cell_id: str, store: StoreDep) -> dict[str, Any]:
    """Remove the cell and its tables (operator role; 404 for a missing cell or another organisation's)."""
    store.delete(service.check_cell_id(cell_id))
    return {"deleted": cell_id}


@router.get("/cells/{cell_id}", summary="One cell's metadata")
def cell_meta(cell_id: str, store: StoreDep) -> dict[str, Any]:
    """The cell's metadata (vendor, channel, sources and their hashes, voltage grid)."""
    return service.cell_meta(store, cell_id)


@router.get("/cells/{cell_id}/cycles", summary="Per-cycle summary", response_model=dict[str, Any])
def cell_cycles(cell_id: str, store: StoreDep) -> Response:
    """The per-cycle summary table as records."""
    service.check_cell_id(cell_id)
    return _json(store, f"cycles:{cell_id}", lambda: service.cell_cycles(store, cell_id))


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
    return service.cell_curves(store, cell_id, cycle, count)


@router.get("/cells/{cell_id}/timeseries", summary="A page of the canonical time series")
def cell_timeseries(
    cell_id: str,
    store: StoreDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE_ROWS)] = 1000,
    columns: Annotated[str | None, Query(description="Comma-separated column names.")] = None,
) -> dict[str, Any]:
    """Rows ``offset`` to ``offset + limit`` and the total row count."""
    names = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    return service.timeseries_page(store, cell_id, offset, limit, names)


@router.get("/cells/{cell_id}/health", summary="SOH per cycle, knee and remaining useful life")
def cell_health(
    cell_id: str,
    store: StoreDep,
    eol: Annotated[float, Query(gt=0, lt=1, description="End-of-life SOH threshold.")] = 0.8,
    coverage: Annotated[float, Query(gt=0, lt=1, description="Nominal coverage of the RUL interval.")] = 0.9,
) -> dict[str, Any]:
    """SOH (capacity over the median of the first 5 cycles), Bacon–Watts knee, RUL with interval."""
    result: dict[str, Any] = service.cached(
        store,
        f"health:{cell_id}:{eol}:{coverage}",
        lambda: service.cell_health(store, cell_id, eol, coverage),
    )
    return result


class FitRequest(BaseModel):
    """What to fit and on which cells."""

    name: str = Field(service.DEMO_MODEL, description="Model name (letters, digits, '_', '-', '.').")
    model: Literal[
        "variance",
        "discharge",
        "full",
        "gbm",
        "extended",
        "robust",
        "multipair",
        "ensemble",
        "charging",
        "auto",
    ] = Field(
        "variance",
        description="A model of docs/life.md, or 'auto': the candidate of lowest cross-validated RMSE on "
        "the training cells (folds by batch, else charging policy, else shuffled); the result's "
        "'selection' says what was chosen and why.",
    )
    dataset: Literal["sample", "store"] = Field(
        "sample",
        description="'sample': the shipped Severson cells (train split; test1 predicted). "
        "'store': store cells of known life with 100 cycles of Q(V) curves.",
    )
    coverage: float = Field(0.9, gt=0, lt=1, description="Nominal coverage of the intervals.")
    conformal: Literal["group-cv+", "cv+", "jackknife+", "normalized-cv+", "split", "cv"] = Field(
        "group-cv+",
        description="Intervals: group-cv+ (default: for cells of another batch; CV+ with folds by batch, "
        "else by charging policy plus the lot shift, else shuffled folds plus the lot shift, with a "
        "warning), CV+ or jackknife+ (Barber et al. 2021, shuffled folds: for cells exchangeable with the "
        "training cells), CV+ normalised by distance to the training cells, or split conformal ('cv' is "
        "the old name of 'cv+').",
    )


class PredictRequest(BaseModel):
    """Cells to predict: store cell ids, or a split of the shipped sample."""

    model: str = Field(service.DEMO_MODEL, description="A model name from /life/models.")
    cells: list[str] | None = Field(None, max_length=500, description="Store cell ids.")
    sample: Literal["train", "test1"] | None = Field(
        None, description="Predict a split of the shipped sample."
    )


@life.get("/models", summary="Saved cycle-life models, newest first")
def models(store: StoreDep, scope: ScopeDep) -> list[dict[str, Any]]:
    """Each model's name, kind, training cells and train/test metrics (the user's organisation's and shared ones)."""
    return [m for m in service.list_life_models(store) if scope.sees(m.get("org"))]


@life.get("/models/{name}", summary="One model: metrics and the predictions made when it was fitted")
def model(name: str, store: StoreDep) -> dict[str, Any]:
    """The model's record."""
    return service.life_model_record(store, name)


@life.post("/fit", status_code=status.HTTP_202_ACCEPTED, summary="Fit a cycle-life model (a job)")
async def fit(
    body: FitRequest,
    request: Request,
    response: Response,
    store: StoreDep,
    jobs: JobsDep,
    scope: ScopeDep,
    wait: WaitQuery = 0,
) -> dict[str, Any]:
    """Fit early cycle-life prediction (Severson et al. 2019) with conformal intervals; the job's result has metrics."""
    from ...store import artifacts

    artifacts.check_name(body.name, "model name")
    scope.check_free_life_model(store, body.name)
    work = partial(
        service.fit_life_model,
        store,
        body.name,
        body.model,
        body.dataset,
        body.coverage,
        body.conformal,
        org=jobs.scope.owner,
    )
    job = jobs.submit("battery.life.fit", work, params=body.model_dump(), isolated=True)
    return await finish_job(request, response, job, wait)


@life.post("/predict", summary="Predicted cycle life with intervals")
def predict(body: PredictRequest, store: StoreDep, scope: ScopeDep) -> dict[str, Any]:
    """Per cell: ``predicted_cycle_life``, ``lower``, ``upper`` (the model's conformal interval) and ``coverage``."""
    scope.check_life_model(store, body.model)
    for cell_id in body.cells or []:
        scope.check_cell(store, cell_id)
    return service.predict_life(store, body.model, body.cells, body.sample)


class TwinRequest(BaseModel):
    """Cells simulated on the PyBaMM twin (the shipped configuration; nothing is kept in the store)."""

    protocol: str = Field(
        max_length=60, description="CC1-CC2-CC3 (CC4 from 10 minutes) or CC1-CC2-CC3-CC4, in C."
    )
    cycles: int = Field(3, ge=1, le=100)
    cells: int = Field(1, ge=1, le=16, description="Cells, each with its own parameter variation.")
    model: Literal["SPM", "SPMe", "DFN"] | None = Field(None, description="Overrides the config's model.")
    seed: int = Field(0, ge=0, le=2**32 - 1)


def _twin(body: TwinRequest, progress: Progress) -> dict[str, Any]:
    document, _ = service.simulate_twin(
        body.protocol, body.cycles, body.cells, None, body.model, body.seed, None
    )
    return document


@router.post(
    "/twin/simulate", status_code=status.HTTP_202_ACCEPTED, summary="Simulate cells on the twin (a job)"
)
async def twin_simulate(
    body: TwinRequest, request: Request, response: Response, jobs: JobsDep, wait: WaitQuery = 0
) -> dict[str, Any]:
    """Cells under a charging protocol with SEI growth and lithium plating; the job's result has each cell's cycles."""
    service.check_protocol(body.protocol)
    job = jobs.submit("battery.twin", partial(_twin, body), params=body.model_dump(), isolated=True)
    return await finish_job(request, response, job, wait)


router.include_router(life)

PRODUCTION_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".pq")
"""File names a production upload may have."""


@router.post(
    "/production", summary="Keep a production table (end-of-line and formation measurements per cell)"
)
async def production_ingest(request: Request, store: StoreDep, scope: ScopeDep) -> dict[str, Any]:
    """Multipart: one table (field ``files``; CSV or Parquet, one row per cell) and optionally ``id_column``.

    The table is the user's organisation's (shared for the store token's admin). 409 for a cell id another
    organisation's table holds (or the shared data's), naming neither. The same file twice from one
    organisation appends nothing (``appended`` false). Known columns are renamed to their canonical
    names (``ocv_v``, ``acir_mohm``, ``k_value_mv_per_day``, ``capacity_ah``, ``lot``, ``line``, ``date``);
    every other column is kept and listed in ``columns.extra_numeric`` / ``extra_text``. 400 for a missing
    id column, a duplicated cell id, a non-number in a numeric column; 415 for another kind of file.
    """
    saved = await receive(request)
    try:
        tables = [f for f in saved.files if f.name.lower().endswith(PRODUCTION_SUFFIXES)]
        if len(tables) != 1 or len(saved.files) != 1:
            names = ", ".join(f.name for f in saved.files) or "none"
            raise UploadError(
                f"upload: expected one table ({', '.join(PRODUCTION_SUFFIXES)}), got {names}.",
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            )
        id_column = (saved.fields.get("id_column") or "").strip() or None
        return await run_in_threadpool(
            partial(service.ingest_production, org=scope.owner, visible=scope.visible),
            store,
            tables[0],
            id_column,
            tables[0].name,
        )
    finally:
        saved.discard()


@router.get("/production", summary="The production data kept: tables, cells, columns, first rows")
def production_list(
    store: StoreDep,
    scope: ScopeDep,
    limit: Annotated[int, Query(ge=0, le=1000, description="Rows to return.")] = 20,
) -> dict[str, Any]:
    """Tables (source, hash, rows, columns, time, org), cell count, columns, cells with cycling data, first rows.

    The user's organisation's tables and the shared ones only (an admin: all).
    """
    return service.production_overview(store, limit, scope.visible)


class SqlRequest(BaseModel):
    """One read-only query."""

    query: str = Field(..., max_length=20_000, description="One SELECT statement.")
    max_rows: int = Field(service.SQL_MAX_ROWS, ge=1, le=10_000, description="Most rows returned.")


def require_reader(request: Request) -> Any:
    """As :func:`require_token`, but any known user may send it (the query only reads): 401 without a token."""
    from ..auth import current_user

    user = current_user(request)
    if user is None:
        return require_token(request)  # answers 401, or 403 for a cross-site cookie
    return user


reading = APIRouter(prefix="/api/v1/battery", tags=["battery"], dependencies=[Depends(require_reader)])
"""Routes that take a body but change nothing, so the viewer role may call them."""


@reading.post("/sql", summary="Run one read-only SQL query over the store")
def sql(body: SqlRequest, store: StoreDep, scope: ScopeDep) -> dict[str, Any]:
    """``columns``, ``rows`` and ``truncated`` (more rows than ``max_rows``) of one SELECT.

    Views: ``cells``, ``cycles``, ``timeseries``, ``curves``, ``steps`` (also as ``cells_<table>``) and
    ``production``. Stopped after 10 s. 400 for anything but one SELECT (no writes, no settings, no files
    outside the store). Any known user may query (viewer role); a user who does not see every
    organisation's cells queries views of the cells they see only, and no file; its ``production`` holds its
    organisation's production tables and the shared ones.
    """
    return service.query_store(
        store, body.query, body.max_rows, cells=scope.cell_ids(store), visible=scope.visible
    )


_guarded = router
router = APIRouter()
"""The battery API: the token-guarded routes (by method role) and the read-only query."""
router.include_router(_guarded)
router.include_router(reading)
