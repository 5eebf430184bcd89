"""Logistics pages: the routes (a map of the routes and a table) and the forecast (series, forecast, interval)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ..errors import NotFoundError
from .logistics import shipped
from .web import page_auth, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_auth)])


def _latest(request: Request, kind: str) -> dict[str, Any] | None:
    from ..logistics.views import load_view

    try:
        return load_view(request.app.state.store.root, kind)
    except NotFoundError:
        return None


@router.get("/logistics", response_class=HTMLResponse)
def routes_page(request: Request) -> HTMLResponse:
    """The latest routes kept in the store, a form to solve a scenario or a problem file (``?job=<id>``)."""
    page_data = {"page": "routes", "scenarios": shipped(), "latest": _latest(request, "routes")}
    return render(request, "logistics/routes.html", {"scenarios": shipped(), "page_data": page_data})


@router.get("/logistics/forecast", response_class=HTMLResponse)
def forecast_page(request: Request) -> HTMLResponse:
    """The latest forecast kept in the store and a form to forecast the sample series (``?job=<id>``)."""
    page_data = {"page": "forecast", "latest": _latest(request, "forecast")}
    return render(request, "logistics/forecast.html", {"page_data": page_data})
