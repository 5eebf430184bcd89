"""Battery pages: the fleet overview and one page per cell; every value comes from :mod:`gwangyang.battery.service`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ...battery import service
from ...errors import InputError, NotFoundError, one_line
from ...store import Store
from ..orgs import ScopeDep, guard
from ..web import page_auth, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_auth), Depends(guard)])


@router.get("/battery", response_class=HTMLResponse)
def fleet_page(request: Request, scope: ScopeDep) -> HTMLResponse:
    """Fleet overview (the user's organisation's and shared cells): cells, capacity fade, predicted life and flags, a read-only query box, upload."""
    store: Store = request.app.state.store
    overview = service.fleet_overview(store)
    cells = scope.keep(store, overview["cells"])
    overview["fade"] = scope.keep(store, overview["fade"])
    life = service.newest_life_model(store, None if scope.sees_all else scope.sees)
    page_data = {"page": "battery-fleet", "fade": overview["fade"], "life": life}
    views = service.sql_views(store, scope.visible)
    return render(
        request,
        "battery/fleet.html",
        {
            "cells": cells,
            "total_cycles": sum(int(c["cycles"] or 0) for c in cells),
            "flagged": sum(1 for c in cells if c.get("flag")),
            "life_available": overview["life_available"],
            "life": life,
            "page_data": page_data,
            "sql_views": views,
            "sql_example": service.sql_example(views),
            "sql_max_rows": service.SQL_MAX_ROWS,
            "sql_time_limit_s": service.SQL_TIME_LIMIT_S,
        },
    )


@router.get("/battery/cells/{cell_id}", response_class=HTMLResponse)
def cell_page(request: Request, cell_id: str) -> HTMLResponse:
    """One cell: metadata, capacity and efficiency per cycle, Q(V) and dQ/dV, health, anomalies."""
    store: Store = request.app.state.store
    meta = store.meta(service.check_cell_id(cell_id))
    cycles = service.cell_cycles(store, cell_id)["cycles"]
    try:
        health: dict[str, Any] | None = service.cached(
            store, f"health:{cell_id}:0.8:0.9", lambda: service.cell_health(store, cell_id)
        )
        note = None
    except (InputError, NotFoundError) as exc:
        health, note = None, one_line(str(exc))
    page_data = {
        "page": "battery-cell",
        "cell_id": cell_id,
        "cycles": cycles,
        "curves": service.cell_curves(store, cell_id),
        "health": health,
    }
    context = {
        "meta": meta,
        "cycles": cycles,
        "health": health,
        "health_note": note,
        "anomalies": service.anomalies_by_cell(store).get(cell_id, []),
        "page_data": page_data,
    }
    return render(request, "battery/cell.html", context)
