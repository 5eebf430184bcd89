"""What the API routes share: the app's store and job runner as dependencies, the ``wait`` query, uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends, Query, Request

from ..store import Store, artifacts
from .orgs import ScopedJobs, scoped_jobs
from .uploads import SavedUpload, receive_files


def get_store(request: Request) -> Store:
    """The app's store."""
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]
JobsDep = Annotated[ScopedJobs, Depends(scoped_jobs)]
"""The app's job runner as the request's user sees it (jobs stamped with, and limited to, its organisation)."""
WaitQuery = Annotated[float, Query(ge=0, le=600, description="Seconds to wait for the job to finish.")]


async def receive(request: Request) -> SavedUpload:
    """Stream a multipart upload into the store's uploads folder."""
    folder: Path = artifacts.uploads_dir(get_store(request))
    return await receive_files(request, folder, request.app.state.max_upload_bytes)
