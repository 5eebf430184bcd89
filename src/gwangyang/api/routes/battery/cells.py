"""Cells in the store (``/api/v1/battery/cells``, ``/fleet``): list, delete, metadata, cycles, curves, time series, health."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from ....battery import service
from ....store import Store
from ...common import StoreDep
from ...error_responses import errors
from ...fields import CellId
from ...orgs import Scope, ScopeDep

router = APIRouter()
"""Mounted under the guarded battery router (:mod:`gwangyang.api.routes.battery`)."""


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


@router.delete("/cells/{cell_id}", summary="Delete a cell from the store", responses=errors(400, 404, 409))
def delete_cell(cell_id: CellId, store: StoreDep) -> dict[str, Any]:
    """Remove the cell and its tables (operator role; 404 for a missing cell or another organisation's)."""
    store.delete(service.check_cell_id(cell_id))
    return {"deleted": cell_id}


@router.get("/cells/{cell_id}", summary="One cell's metadata", responses=errors(400, 404))
def cell_meta(cell_id: CellId, store: StoreDep) -> dict[str, Any]:
    """The cell's metadata (vendor, channel, sources and their hashes, voltage grid)."""
    return service.cell_meta(store, cell_id)


@router.get(
    "/cells/{cell_id}/cycles",
    summary="Per-cycle summary",
    response_model=dict[str, Any],
    responses=errors(400, 404),
)
def cell_cycles(cell_id: CellId, store: StoreDep) -> Response:
    """The per-cycle summary table as records."""
    service.check_cell_id(cell_id)
    return _json(store, f"cycles:{cell_id}", lambda: service.cell_cycles(store, cell_id))


@router.get(
    "/cells/{cell_id}/curves",
    summary="Discharge Q(V) and incremental capacity dQ/dV",
    responses=errors(400, 404, 422),
)
def cell_curves(
    cell_id: CellId,
    store: StoreDep,
    cycle: Annotated[
        list[int] | None, Query(description="Cycles to return (repeat); default: spread over life.")
    ] = None,
    count: Annotated[int, Query(ge=1, le=50, description="Cycles to pick when none are named.")] = 8,
) -> dict[str, Any]:
    """Q(V) on the cell's voltage grid and ``-dQ/dV`` for the chosen cycles."""
    return service.cell_curves(store, cell_id, cycle, count)


@router.get(
    "/cells/{cell_id}/timeseries",
    summary="A page of the canonical time series",
    responses=errors(400, 404, 422),
)
def cell_timeseries(
    cell_id: CellId,
    store: StoreDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE_ROWS)] = 1000,
    columns: Annotated[str | None, Query(description="Comma-separated column names.")] = None,
) -> dict[str, Any]:
    """Rows ``offset`` to ``offset + limit`` and the total row count."""
    names = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    return service.timeseries_page(store, cell_id, offset, limit, names)


@router.get(
    "/cells/{cell_id}/health",
    summary="SOH per cycle, knee and remaining useful life",
    responses=errors(400, 404, 422),
)
def cell_health(
    cell_id: CellId,
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
