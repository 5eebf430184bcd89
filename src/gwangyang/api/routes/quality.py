"""Quality API (``/api/v1/quality``): screen a production table, check cycling anomalies, triage retired cells.

* ``POST /screen``: multipart, one table (``files``) and fields ``id_column``, optional ``lot_column`` and
  ``columns`` (comma-separated) → the screening result (``flagged``, ``n_cells``, ``lot_alarms``).
* ``GET /production/screen``: screen the store's production data (``gwangyang battery production ingest``).
* ``GET /anomalies``: check the store's cells (or ``cell_id=...``, repeatable) incrementally → anomalies.
* ``POST /triage``: multipart, one cell table and optionally one rules ``.toml`` → grades and values;
  pulse tables are estimated with a model trained on the shipped PulseBat data.
* ``POST /formation``: multipart, one formation table with measured life and fields ``target``, ``features``,
  ``covariates`` (comma-separated) and ``id_column`` → the leave-one-out ranking.
* ``GET /summary``: the summary ``gwangyang demo`` saved (screening, anomalies, triage).

Every answer is a document of :mod:`gwangyang.battery.service`.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from ...battery import service
from ...errors import NotFoundError
from ..auth import require_token
from ..common import StoreDep
from ..error_responses import AUTH_ERRORS, UPLOAD_ERRORS, errors
from ..orgs import ScopeDep
from ..upload_reading import one_table, read_upload
from ..uploads import SavedUpload, multipart_form

router = APIRouter(
    prefix="/api/v1/quality", tags=["quality"], dependencies=[Depends(require_token)], responses=AUTH_ERRORS
)

TABLE_SUFFIXES = (".csv", ".csv.gz", ".txt", ".tsv", ".xlsx", ".xls", ".parquet", ".pq")


_TABLE = one_table(TABLE_SUFFIXES, ".toml", "rules .toml")
"""What a quality upload takes: one table and, for ``/triage``, at most one rules file."""


@router.post(
    "/screen",
    summary="Screen a per-cell production table",
    responses=errors(*UPLOAD_ERRORS),
    openapi_extra=multipart_form(
        {
            "id_column": "The column of cell ids.",
            "lot_column": "The column of lots (optional).",
            "columns": "Columns to screen, comma-separated (default: every numeric one).",
        },
        files=1,
        required=("id_column",),
    ),
)
async def screen_table(request: Request) -> dict[str, Any]:
    """Flagged cells with reasons and driving measurements, per lot; SPC lot alarms."""

    def read(files: tuple[Path, Path | None], saved: SavedUpload) -> dict[str, Any]:
        table = files[0]
        id_column = saved.fields.get("id_column", "").strip()
        lot_column = saved.fields.get("lot_column", "").strip() or None
        columns = [c.strip() for c in saved.fields.get("columns", "").split(",") if c.strip()] or None
        return service.screen_table(table, id_column, lot_column, columns, 3.5, None, table.name)

    return await read_upload(request, _TABLE, read)


@router.get(
    "/production/screen", summary="Screen the store's production data", responses=errors(400, 404, 422)
)
async def screen_production(
    store: StoreDep,
    scope: ScopeDep,
    z_threshold: Annotated[float, Query(gt=0, description="Robust z beyond which a cell is flagged.")] = 3.5,
    contamination: Annotated[
        float | None, Query(gt=0, le=0.5, description="Let the Isolation Forest flag this share of cells.")
    ] = None,
) -> dict[str, Any]:
    """As ``gwangyang battery screen`` without a table: every numeric measurement, lots compared within themselves.

    The user's organisation's production tables and the shared ones (an admin: all); 404 when there are none.
    """
    return await run_in_threadpool(
        partial(service.screen_production, visible=scope.visible), store, None, z_threshold, contamination
    )


@router.get("/anomalies", summary="Cycling anomalies of cells in the store", responses=errors(400, 404, 422))
async def anomalies(
    store: StoreDep,
    scope: ScopeDep,
    cell_id: Annotated[list[str] | None, Query(description="Cells to check (default: all).")] = None,
    recompute: Annotated[bool, Query(description="Ignore the saved detector state.")] = False,
) -> dict[str, Any]:
    """Checks only the cycles added since the last check; ``new`` marks anomalies found by this call."""
    for name in cell_id or []:
        scope.check_cell(store, name)
    result: dict[str, Any] = await run_in_threadpool(
        service.check_anomalies, store, cell_id or None, recompute
    )
    if not cell_id and not scope.sees_all:
        result["anomalies"] = scope.keep(store, result["anomalies"])
        if isinstance(result.get("new_cycles"), dict):
            visible = scope.cell_ids(store) or set()
            result["new_cycles"] = {k: v for k, v in result["new_cycles"].items() if k in visible}
    return result


@router.post(
    "/triage",
    summary="Grade retired cells and value their materials",
    responses=errors(*UPLOAD_ERRORS),
    openapi_extra=multipart_form(files=2),
)
async def triage_cells(request: Request) -> dict[str, Any]:
    """Per cell ``{id, soh, soh_low, soh_high, grade, reasons, value}`` and batch totals."""

    def read(files: tuple[Path, Path | None], saved: SavedUpload) -> dict[str, Any]:
        table, rules_file = files
        return service.triage_table(table, rules_file, None, "gbr", table.name)

    return await read_upload(request, _TABLE, read)


@router.post(
    "/formation",
    summary="Rank cells by expected life from formation data",
    responses=errors(*UPLOAD_ERRORS),
    openapi_extra=multipart_form(
        {
            "target": "The column of measured life (default cycles_to_80_pct).",
            "features": "Feature columns, comma-separated (default: the formation features).",
            "covariates": "Covariate columns, comma-separated; 'none' for none.",
            "id_column": "The column of cell ids (default cellid).",
        },
        files=1,
    ),
)
async def formation(request: Request) -> dict[str, Any]:
    """Leave-one-out predictions of each cell's life and their Spearman correlation with the measured life."""

    def read(files: tuple[Path, Path | None], saved: SavedUpload) -> dict[str, Any]:
        table = files[0]
        fields = saved.fields

        def names(key: str) -> list[str] | None:
            return [c.strip() for c in fields.get(key, "").split(",") if c.strip()] or None

        return service.rank_formation(
            table,
            fields.get("target", "").strip() or "cycles_to_80_pct",
            names("features"),
            names("covariates"),
            fields.get("id_column", "").strip() or "cellid",
        )

    return await read_upload(request, _TABLE, read)


@router.get("/summary", summary="The demo's quality summary", responses=errors(404))
def summary(store: StoreDep) -> dict[str, Any]:
    """Screening of the formation sample, the store's anomalies, triage of held-out PulseBat cells."""
    data = service.quality_summary(store)
    if data is None:
        raise NotFoundError("quality summary: not in store (run `gwangyang demo`).")
    return data
