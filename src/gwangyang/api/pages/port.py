"""Port page: scenario KPIs side by side and a berth plan's Gantt chart, from :mod:`gwangyang.port.service`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ...port import service
from ..orgs import ScopeDep
from ..phrases import N_
from ..web import page_auth, render

DISPATCH_NAMES = {
    "nearest": N_("nearest idle vehicle"),
    "earliest_due": N_("earliest due job"),
    "lookahead": N_("look-ahead assignment"),
}
"""The AGV dispatch policies' names as the page shows them (translated in the template)."""

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_auth)])


@router.get("/port", response_class=HTMLResponse)
def port_page(request: Request, scope: ScopeDep) -> HTMLResponse:
    """Compare scenarios (``?compare=<job>`` shows a finished one) and plan berths (``?plan=<job>``).

    Without those, the newest finished comparison and plan in the store are shown, or the demo's run.
    The time-lapse is the kept one (``gwangyang demo`` or ``gwangyang port timelapse --keep`` keep it), else
    the newest ``port.timelapse`` job's (the script fetches it); with neither, the script computes one as a
    job (operators) or the page says how to keep one. The page never simulates while it renders.
    """
    state = service.page_state(request.app.state.store)
    for key in (
        "compare",
        "plan",
        "timelapse",
    ):  # another organisation's newest run is not this user's to see
        state["saved"][key] = scope.visible_job(request.app.state.jobs, state["saved"][key])
    lapse = state.pop("timelapse")
    if lapse is not None:  # the kept one is shown; a job's only stands in for it
        state["saved"]["timelapse"] = None
    scenarios, example = service.scenarios(), service.example_berths()
    page_data = {
        "page": "port",
        "scenarios": scenarios,
        "example": example,
        "saved": state["saved"],
        "timelapse": lapse,
        "dispatch_names": DISPATCH_NAMES,
    }
    context = {
        "scenarios": scenarios,
        "example": example,
        **state,
        "dispatch_name": DISPATCH_NAMES,
        "page_data": page_data,
        "lapse": lapse,
    }
    return render(request, "port/port.html", context)
