"""Production data (``/api/v1/battery/production``): keep a table of per-cell measurements, list what is kept."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request

from ....battery import service
from ...common import StoreDep
from ...error_responses import UPLOAD_ERRORS, errors
from ...orgs import ScopeDep
from ...upload_reading import one_table, read_upload
from ...uploads import SavedUpload, multipart_form

router = APIRouter()
"""Mounted under the guarded battery router (:mod:`gwangyang.api.routes.battery`)."""

PRODUCTION_SUFFIXES = (".csv", ".csv.gz", ".xlsx", ".xls", ".parquet", ".pq")
"""File names a production upload may have."""


@router.post(
    "/production",
    summary="Keep a production table (end-of-line and formation measurements per cell)",
    responses=errors(*UPLOAD_ERRORS, 409),
    openapi_extra=multipart_form({"id_column": "The column of cell ids (default: found by name)."}, files=1),
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

    def read(files: tuple[Path, Path | None], saved: SavedUpload) -> dict[str, Any]:
        table = files[0]
        id_column = (saved.fields.get("id_column") or "").strip() or None
        return service.ingest_production(
            store, table, id_column, table.name, org=scope.owner, visible=scope.visible
        )

    return await read_upload(request, one_table(PRODUCTION_SUFFIXES), read)


@router.get(
    "/production",
    summary="The production data kept: tables, cells, columns, first rows",
    responses=errors(422),
)
def production_list(
    store: StoreDep,
    scope: ScopeDep,
    limit: Annotated[int, Query(ge=0, le=1000, description="Rows to return.")] = 20,
) -> dict[str, Any]:
    """Tables (source, hash, rows, columns, time, org), cell count, columns, cells with cycling data, first rows.

    The user's organisation's tables and the shared ones only (an admin: all).
    """
    return service.production_overview(store, limit, scope.visible)
