"""Port page: scenario KPIs side by side and a berth plan's Gantt chart."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ..store import Store
from .jobs import JobManager
from .port import shipped
from .web import page_auth, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_auth)])


def example_berths() -> dict[str, Any]:
    """The berth form's example request: the demo's small instance (imported here, not at start-up)."""
    from ..port.demo import DEMO_BERTHS

    return {**DEMO_BERTHS, "method": "cpsat", "time_limit": 5}


def demo_result(store: Store, jobs: JobManager) -> dict[str, Any] | None:
    """``gwangyang demo``'s port summary: its job ``demo.port``, else the file the port step saves."""
    demo = jobs.latest("demo.port")
    if demo is not None:
        result: dict[str, Any] = demo["result"]
        return result
    from ..port.demo import demo_path

    path = demo_path(store)
    try:
        saved: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return saved


def saved_results(store: Store, jobs: JobManager) -> dict[str, Any]:
    """What the store already holds: the newest comparison and berth plan jobs, and ``gwangyang demo``'s port step."""
    compare = jobs.latest("port.compare")
    plan = jobs.latest("port.berths")
    demo = demo_result(store, jobs)
    demo_plan = demo.get("berth_plan") if demo else None
    return {
        "compare": compare["id"] if compare else None,
        "plan": plan["id"] if plan else None,
        "demo_plan": demo_plan if plan is None else None,
        "demo_scenarios": (demo or {}).get("scenarios"),
        "demo_days": (demo or {}).get("days"),
    }


@router.get("/port", response_class=HTMLResponse)
def port_page(request: Request) -> HTMLResponse:
    """Compare scenarios (``?compare=<job>`` shows a finished one) and plan berths (``?plan=<job>``).

    Without those, the newest finished comparison and plan in the store are shown, or the demo's.
    """
    saved = saved_results(request.app.state.store, request.app.state.jobs)
    scenarios, example = shipped(), example_berths()
    page_data = {"page": "port", "scenarios": scenarios, "example": example, "saved": saved}
    demo = saved["demo_scenarios"] or {}
    names = list(demo)
    kpis = sorted({k for values in demo.values() for k in values})
    rows = [(k, [demo[n].get(k) for n in names]) for k in kpis]
    context = {
        "scenarios": scenarios,
        "example": example,
        "saved": saved,
        "demo_names": names,
        "demo_rows": rows,
        "page_data": page_data,
    }
    return render(request, "port/port.html", context)
