"""Quality page: flagged cells, cycling anomalies (the one incremental check the cell pages show too) and triage grades with an SOH chart; every value comes from :mod:`gwangyang.battery.service`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ...battery import service
from ...store import Store
from ..orgs import ScopeDep
from ..web import page_auth, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_auth)])


@router.get("/quality", response_class=HTMLResponse)
def quality_page(request: Request, scope: ScopeDep) -> HTMLResponse:
    """Flagged cells, cycling anomalies (of the user's organisation's and shared cells) and triage grades with an SOH chart."""
    store: Store = request.app.state.store
    overview = service.quality_overview(store)
    overview["anomalies"] = scope.keep(store, overview["anomalies"])
    keys = ("id", "chemistry", "soh", "soh_low", "soh_high", "grade")
    page_data = {"page": "quality", "triage": [{k: c[k] for k in keys} for c in overview["triage_cells"]]}
    return render(request, "quality/quality.html", {**overview, "page_data": page_data})
