"""Port page: scenario KPIs side by side and a berth plan's Gantt chart."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from .port import shipped
from .web import page_auth, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_auth)])

EXAMPLE_BERTHS: dict[str, Any] = {
    "name": "demo-12x3",
    "arrival": [0, 1, 2, 4, 5, 7, 8, 10, 12, 13, 15, 18],
    "opening": [0, 0, 0],
    "closing": [200, 200, 200],
    "handling": [
        [6, 8, -1],
        [4, 5, 6],
        [7, 7, 9],
        [3, 4, 3],
        [5, 6, 5],
        [8, 9, -1],
        [2, 3, 2],
        [6, 5, 6],
        [4, 4, 5],
        [5, 7, 6],
        [3, 3, 3],
        [6, 6, 7],
    ],
    "deadline": [200] * 12,
    "method": "cpsat",
    "time_limit": 5,
}
"""The demo's small instance (gwangyang.port.demo): twelve vessels, three berths, berth 2 refuses vessels 0 and 5."""


@router.get("/port", response_class=HTMLResponse)
def port_page(request: Request) -> HTMLResponse:
    """Compare scenarios (``?compare=<job>`` shows a finished one) and plan berths (``?plan=<job>``)."""
    page_data = {"page": "port", "scenarios": shipped(), "example": EXAMPLE_BERTHS}
    return render(
        request, "port/port.html", {"scenarios": shipped(), "example": EXAMPLE_BERTHS, "page_data": page_data}
    )
