"""Logistics pages: the routes (a map and a table) and the forecast (series, forecast, interval), as kept in the store by :mod:`gwangyang.logistics.service`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ...logistics import service
from ..orgs import ScopeDep
from ..web import page_auth, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_auth)])


@router.get("/logistics", response_class=HTMLResponse)
def routes_page(request: Request, scope: ScopeDep) -> HTMLResponse:
    """The newest routes the user may see (its organisation's or the shared), a form to solve a scenario or a problem file (``?job=<id>``)."""
    scenarios = service.scenarios()
    latest = service.latest_view_or_none(request.app.state.store, "routes", scope.visible)
    page_data = {"page": "routes", "scenarios": scenarios, "latest": latest}
    return render(request, "logistics/routes.html", {"scenarios": scenarios, "page_data": page_data})


@router.get("/logistics/forecast", response_class=HTMLResponse)
def forecast_page(request: Request, scope: ScopeDep) -> HTMLResponse:
    """The newest forecast the user may see (its organisation's or the shared) and a form to forecast the sample series (``?job=<id>``)."""
    latest = service.latest_view_or_none(request.app.state.store, "forecast", scope.visible)
    return render(request, "logistics/forecast.html", {"page_data": {"page": "forecast", "latest": latest}})
