"""Factory page: kept monitors, fit and score forms, T² / Q charts with limits and the alarms of a scoring job, from :mod:`gwangyang.factory.service`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ...factory import service
from ..orgs import ScopeDep
from ..web import page_auth, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_auth)])


@router.get("/factory", response_class=HTMLResponse)
def factory_page(request: Request, scope: ScopeDep) -> HTMLResponse:
    """Monitors, the fit and score forms, and one scoring job's charts and alarms (``?job=<id>``, else the newest)."""
    store = request.app.state.store
    monitors = scope.keep_named(store, "monitor", service.list_monitors(store))
    page_data = {
        "page": "factory",
        "monitors": [m["name"] for m in monitors],
        "latest_score": scope.visible_job(request.app.state.jobs, service.latest_score_job(store)),
    }
    return render(request, "factory/monitor.html", {"monitors": monitors, "page_data": page_data})
