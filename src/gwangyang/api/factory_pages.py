"""Factory page: saved monitors, fit and score forms, T² / Q charts with limits and the alarms of a scoring job."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from .factory import list_monitors
from .jobs import JobManager
from .web import page_auth, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_auth)])


def latest_score_job(jobs: JobManager, limit: int = 200) -> str | None:
    """Id of the newest finished ``factory.score`` job (what the page shows without ``?job=``), or None."""
    for record in jobs.list(limit):
        if record.get("kind") == "factory.score" and record.get("status") == "done":
            return str(record["id"])
    return None


@router.get("/factory", response_class=HTMLResponse)
def factory_page(request: Request) -> HTMLResponse:
    """Monitors, the fit and score forms, and one scoring job's charts and alarms (``?job=<id>``, else the newest)."""
    monitors = list_monitors(request.app.state.store)
    page_data = {
        "page": "factory",
        "monitors": [m["name"] for m in monitors],
        "latest_score": latest_score_job(request.app.state.jobs),
    }
    return render(request, "factory/monitor.html", {"monitors": monitors, "page_data": page_data})
