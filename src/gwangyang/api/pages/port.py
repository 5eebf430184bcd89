"""Port page: scenario KPIs side by side and a berth plan's Gantt chart, from :mod:`gwangyang.port.service`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ...port import service
from ..i18n import N_
from ..orgs import ScopeDep
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
    context = {
        "scenarios": scenarios,
        "example": example,
        **state,
        "dispatch_name": DISPATCH_NAMES,
        "page_data": page_data,
        "lapse": page_data["timelapse"],
    }
    return render(request, "port/port.html", context)
