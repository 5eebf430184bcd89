"""Battery pages: the fleet overview and one page per cell."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ..errors import InputError, NotFoundError, one_line
from ..store import Store
from . import battery_data as data
from .web import page_auth, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_auth)])


def fleet_extras(store: Store, cells: list[dict[str, Any]]) -> bool:
    """Fill each cell's ``predicted_life`` and ``flag``; return True when the health analysis supplied them.

    This is the plug-in point for life prediction and screening: today the predicted end of life
    comes from :mod:`gwangyang.battery.health` (capacity-history RUL with its interval); cells with
    too few cycles, or a build without it, keep empty fields and the page says so.
    """
    health = data.cached(store, "fleet-health", lambda: data.fleet_health(store))
    for cell in cells:
        found = health.get(cell["cell_id"], {})
        eol = found.get("eol_cycle")
        low, high = found.get("eol_lower"), found.get("eol_upper")
        if eol is None:
            cell["predicted_life"] = None
        elif low is not None and high is not None:
            cell["predicted_life"] = f"{eol:.0f} [{low:.0f}, {high:.0f}]"
        else:
            cell["predicted_life"] = f"{eol:.0f}"
        cell["flag"] = found.get("flag")
    return bool(health)


@router.get("/battery", response_class=HTMLResponse)
def fleet_page(request: Request) -> HTMLResponse:
    """Fleet overview: cells, capacity fade, predicted life and flags, upload."""
    store: Store = request.app.state.store
    cells = [dict(c) for c in data.cached(store, "cells", lambda: data.fleet_summary(store))]
    life_available = fleet_extras(store, cells)
    flagged = sum(1 for c in cells if c.get("flag")) if life_available else None
    page_data = {
        "page": "battery-fleet",
        "fade": data.cached(store, "fade", lambda: data.capacity_fade(store)),
    }
    return render(
        request,
        "battery/fleet.html",
        {
            "cells": cells,
            "total_cycles": sum(int(c["cycles"] or 0) for c in cells),
            "flagged": flagged,
            "life_available": life_available,
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
    context = {"meta": meta, "cycles": cycles, "health": health, "health_note": note, "page_data": page_data}
    return render(request, "battery/cell.html", context)
