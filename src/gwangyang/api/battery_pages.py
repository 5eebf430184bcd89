"""Battery pages: the fleet overview and one page per cell."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ..errors import InputError, NotFoundError, one_line
from ..store import Store
from . import battery_data as data
from .battery_fleet import cell_anomalies, fleet_extras
from .jobs import JobManager
from .web import page_auth, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_auth)])


def newest_life_model(store: Store, jobs: JobManager) -> dict[str, Any] | None:
    """The newest saved cycle-life model's record with its fit-time predictions, else ``gwangyang demo``'s.

    The demo's life step (job ``demo.life``) fits on the shipped Severson sample and predicts its
    test cells; its summary has the same ``predictions`` and ``test`` fields.
    """
    from .battery_life import list_models, model_record

    for entry in list_models(store):
        try:
            return model_record(store, entry["name"])
        except (InputError, NotFoundError):
            continue
    demo = jobs.latest("demo.life")
    result = demo["result"] if demo else None
    if not result or not result.get("predictions"):
        return None
    return {
        "name": "gwangyang demo",
        "source": "shipped Severson sample (train split)",
        "coverage": 0.9,
        **result,
    }


@router.get("/battery", response_class=HTMLResponse)
def fleet_page(request: Request) -> HTMLResponse:
    """Fleet overview: cells, capacity fade, predicted life and flags, upload."""
    store: Store = request.app.state.store
    cells = [dict(c) for c in data.cached(store, "cells", lambda: data.fleet_summary(store))]
    life_available = fleet_extras(store, cells)
    flagged = sum(1 for c in cells if c.get("flag"))
    life = newest_life_model(store, request.app.state.jobs)
    page_data = {
        "page": "battery-fleet",
        "fade": data.cached(store, "fade", lambda: data.capacity_fade(store)),
        "life": life,
    }
    return render(
        request,
        "battery/fleet.html",
        {
            "cells": cells,
            "total_cycles": sum(int(c["cycles"] or 0) for c in cells),
            "flagged": flagged,
            "life_available": life_available,
            "life": life,
            "page_data": page_data,
        },
    )


@router.get("/battery/cells/{cell_id}", response_class=HTMLResponse)
def cell_page(request: Request, cell_id: str) -> HTMLResponse:
    """One cell: metadata, capacity and efficiency per cycle, Q(V) and dQ/dV."""
    store: Store = request.app.state.store
    meta = store.meta(data.check_cell_id(cell_id))
    cycles = data.cycles_table(store, cell_id)
    try:
        health: dict[str, Any] | None = data.cached(
            store, f"health:{cell_id}", lambda: data.cell_health(store, cell_id)
        )
        note = None
    except (InputError, NotFoundError) as exc:
        health, note = None, one_line(str(exc))
    page_data = {
        "page": "battery-cell",
        "cell_id": cell_id,
        "cycles": cycles,
        "curves": data.curves(store, cell_id),
        "health": health,
    }
    anomalies = data.cached(store, "fleet-anomalies", lambda: cell_anomalies(store)).get(cell_id, [])
    context = {
        "meta": meta,
        "cycles": cycles,
        "health": health,
        "health_note": note,
        "anomalies": anomalies,
        "page_data": page_data,
    }
    return render(request, "battery/cell.html", context)
