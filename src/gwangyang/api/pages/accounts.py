"""Admin page: the audit log of writes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from ... import accounts
from ...store import Store
from ..web import page_admin, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_admin)])


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(request: Request, limit: Annotated[int, Query(ge=1, le=100_000)] = 200) -> HTMLResponse:
    """The newest ``limit`` records of the audit log, and the users."""
    store: Store = request.app.state.store
    return render(
        request,
        "accounts/audit.html",
        {"records": accounts.audit_log(store, limit), "users": accounts.list_users(store), "limit": limit},
    )
