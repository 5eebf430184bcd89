"""One read-only SQL query over the store (``POST /api/v1/battery/sql``): any known user, the viewer role too."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from starlette.requests import Request

from ....battery import service
from ...auth import require_token
from ...common import StoreDep
from ...error_responses import AUTH_ERRORS, errors
from ...orgs import ScopeDep


class SqlRequest(BaseModel):
    """One read-only query."""

    query: str = Field(..., max_length=20_000, description="One SELECT statement.")
    max_rows: int = Field(
        service.SQL_MAX_ROWS, strict=True, ge=1, le=10_000, description="Most rows returned."
    )


def require_reader(request: Request) -> Any:
    """As :func:`require_token`, but any known user may send it (the query only reads): 401 without a token."""
    from ...auth import current_user

    user = current_user(request)
    if user is None:
        return require_token(request)  # answers 401, or 403 for a cross-site cookie
    return user


router = APIRouter(
    prefix="/api/v1/battery", tags=["battery"], dependencies=[Depends(require_reader)], responses=AUTH_ERRORS
)
"""Routes that take a body but change nothing, so the viewer role may call them."""


@router.post("/sql", summary="Run one read-only SQL query over the store", responses=errors(400, 422))
def sql(body: SqlRequest, store: StoreDep, scope: ScopeDep) -> dict[str, Any]:
    """``columns``, ``rows`` and ``truncated`` (more rows than ``max_rows``) of one SELECT, and its ``warnings``.

    Views: ``cells``, ``cycles``, ``timeseries``, ``curves``, ``steps`` (also as ``cells_<table>``) and
    ``production``. Stopped after 10 s. 400 for anything but one SELECT (no writes, no settings, no files
    outside the store). Any known user may query (viewer role); a user who does not see every
    organisation's cells queries views of the cells they see only, and no file; its ``production`` holds its
    organisation's production tables and the shared ones. ``warnings``: each column of a view the query names
    that is text in some cells and numbers in others (the view reads it as text), naming example cells and files.
    """
    return service.query_store(
        store, body.query, body.max_rows, cells=scope.cell_ids(store), visible=scope.visible
    )
