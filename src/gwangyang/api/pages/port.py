"""Port page: scenario KPIs side by side and a berth plan's Gantt chart, from :mod:`gwangyang.port.service`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ...port import service
from ..orgs import ScopeDep
from ..web import page_auth, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_auth)])


@router.get("/port", response_class=HTMLResponse)
def port_page(request: Request, scope: ScopeDep) -> HTMLResponse:
    """Compare scenarios (``?compare=<job>`` shows a finished one) and plan berths (``?plan=<job>``).

    Without those, the newest finished comparison and plan in the store are shown, or the demo's run.
    """
    state = service.page_state(request.app.state.store)
    for key in ("compare", "plan"):  # another organisation's newest run is not this user's to see
        state["saved"][key] = scope.visible_job(request.app.state.jobs, state["saved"][key])
    scenarios, example = service.scenarios(), service.example_berths()
    page_data = {
        "page": "port",
        "scenarios": scenarios,
        "example": example,
        "saved": state["saved"],
        "timelapse": service.timelapse(),
    }
    lapse = page_data["timelapse"]
    note = (
        f"{lapse['scenario']}: {lapse['agvs']} AGVs serving {lapse['cranes']} quay cranes "
        f"({lapse['dispatch']} dispatch), one frame every {lapse['step_s']:g} s of the move-level model "
        "(seed 0, after a quarter-hour warm-up). Grey: lanes; squares: quay cranes (red while waiting for "
        "a vehicle); green: blocks; dots: AGVs (filled: carrying a box)."
    )
    context = {
        "scenarios": scenarios,
        "example": example,
        **state,
        "page_data": page_data,
        "timelapse_note": note,
    }
    return render(request, "port/port.html", context)
