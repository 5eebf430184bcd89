"""Optimize page: the campaigns kept in the store, each with its rounds, best result and recommendation, from :mod:`gwangyang.optimize.service`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ...optimize import service
from ..orgs import ScopeDep
from ..web import page_auth, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_auth)])


@router.get("/optimize", response_class=HTMLResponse)
def optimize_page(request: Request, scope: ScopeDep) -> HTMLResponse:
    """Campaigns with their history of rounds, best observed value and the surrogate's recommendation."""
    store = request.app.state.store
    campaigns = scope.keep_named(store, "campaign", service.campaigns(store))
    plots = [
        {k: c[k] for k in ("name", "objective", "values", "history")} for c in campaigns if c.get("values")
    ]
    page_data = {"page": "optimize", "campaigns": [c["name"] for c in campaigns], "plots": plots}
    return render(request, "optimize/campaigns.html", {"campaigns": campaigns, "page_data": page_data})
