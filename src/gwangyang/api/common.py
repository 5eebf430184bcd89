"""What the API routes share: the app's store and job runner as dependencies, the ``wait`` query (uploads: :mod:`.upload_reading`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from ..store import Store
from .orgs import ScopedJobs, scoped_jobs


def get_store(request: Request) -> Store:
    """The app's store."""
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]
JobsDep = Annotated[ScopedJobs, Depends(scoped_jobs)]
"""The app's job runner as the request's user sees it (jobs stamped with, and limited to, its organisation)."""
WaitQuery = Annotated[float, Query(ge=0, le=600, description="Seconds to wait for the job to finish.")]
