"""Optimize page: the campaigns kept in the store, each with its rounds, best result and recommendation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from .web import page_auth, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_auth)])


def campaign_summaries(store: Any) -> list[dict[str, Any]]:
    """Status of every campaign in ``<store>/optimize/campaigns`` with its observed ``values`` (round, value).

    A broken campaign is listed with its error.
    """
    from ..errors import GwangyangError
    from ..optimize.campaign import STATE_FILE, Campaign

    folder = store.root / "optimize" / "campaigns"
    out = []
    for path in sorted(folder.glob(f"*/{STATE_FILE}")) if folder.is_dir() else []:
        try:
            campaign = Campaign.open(path.parent)
            values = [{"round": o["round"], "value": o["value"]} for o in campaign.state.observations]
            out.append({"name": path.parent.name, **campaign.status(), "values": values})
        except GwangyangError as exc:
            out.append({"name": path.parent.name, "error": str(exc)})
    return out


@router.get("/optimize", response_class=HTMLResponse)
def optimize_page(request: Request) -> HTMLResponse:
    """Campaigns with their history of rounds, best observed value and the surrogate's recommendation."""
    campaigns = campaign_summaries(request.app.state.store)
    return render(
        request,
        "optimize/campaigns.html",
        {
            "campaigns": campaigns,
            "page_data": {
                "page": "optimize",
                "campaigns": [c["name"] for c in campaigns],
                "plots": [
                    {k: c[k] for k in ("name", "objective", "values", "history")}
                    for c in campaigns
                    if c.get("values")
                ],
            },
        },
    )
