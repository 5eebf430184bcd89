"""Upload cycler files and ingest them as a job (``POST /api/v1/battery/uploads``)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from starlette.requests import Request

from ....battery import service
from ....errors import InputError, UnknownFormatError, one_line
from ...common import JobsDep, StoreDep
from ...error_responses import JOB_ERRORS, UPLOAD_ERRORS, errors
from ...responses import finish_job
from ...upload_reading import read_upload
from ...uploads import SavedUpload, UploadError, multipart_form

router = APIRouter()
"""Mounted under the guarded battery router (:mod:`gwangyang.api.routes.battery`)."""


def _parts(saved: SavedUpload) -> tuple[list[Path], Path | None]:
    """The upload's cycler files and its column map (the one ``.toml`` among its files, if any)."""
    return service.upload_parts(saved.files)


def _validate_files(files: list[Path], column_map: Path | None) -> None:
    """Refuse an upload none of whose files any reader recognises (cheap content check, no full read), or a bad map.

    With a map the files are left to the map's reader, as the CLI's ``--column-map`` leaves them.
    """
    if column_map is not None:
        try:
            service.check_cycler_files(files, column_map)
        except InputError as exc:
            raise UploadError(one_line(str(exc)).replace(str(column_map), column_map.name)) from exc
        return
    for path in files:
        try:
            service.check_cycler_files([path], upload=True)
        except UnknownFormatError as exc:
            message = one_line(str(exc)).replace(str(path), path.name)
            raise UploadError(message, status.HTTP_415_UNSUPPORTED_MEDIA_TYPE) from exc
        except InputError as exc:
            raise UploadError(one_line(str(exc)).replace(str(path), path.name)) from exc


@router.post(
    "/uploads",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Upload cycler files and ingest them as a job",
    responses={
        201: {"description": "Ingested (with `wait`)"},
        **errors(
            *UPLOAD_ERRORS,
            409,
            *JOB_ERRORS,
            _409="A file is named after a stored cell it does not continue, or the store is busy.",
        ),
    },
    openapi_extra=multipart_form(
        {"chemistry": "The cells' chemistry, e.g. LFP or NMC (optional)."},
        description="The cycler files, up to 100 (repeat the field), and at most one column map (.toml) "
        "that reads every one of them, as gwangyang battery ingest --column-map does.",
    ),
)
async def upload(
    request: Request,
    response: Response,
    store: StoreDep,
    jobs: JobsDep,
    wait: Annotated[float, Query(ge=0, le=300, description="Seconds to wait for the ingest to finish.")] = 0,
) -> dict[str, Any]:
    """Stream cycler files (multipart field ``files``; optional field ``chemistry``) into the store and ingest them.

    A ``.toml`` among the files is a column map (at most one, with at least one cycler file): every other
    file is read with it, as ``gwangyang battery ingest --column-map`` reads it; a map that is not valid
    TOML or names an unknown field is 400 before anything is ingested. Answers 202 with the ingest job; poll ``/api/v1/jobs/{id}``. 413 when too large, 415 when no
    reader recognises a file, 400 when the body is truncated or a file name is not a plain name,
    409 when a file is named after a stored cell it does not continue (another cycler; with
    ``wait`` also another channel or an earlier start). The job's result has ``warnings``.
    With ``wait``, waits up to that many seconds: 201 when the ingest is done, 422 with the
    reader's message when it failed (a truncated or corrupt file), 202 when still running.
    """

    def read(
        parts: tuple[list[Path], Path | None], saved: SavedUpload
    ) -> tuple[dict[str, Any], list[str], int]:
        files, column_map = parts
        _validate_files(files, column_map)
        chemistry = service.check_chemistry(saved.fields.get("chemistry") or None)
        # with a map the cheap vendor check has no vendor to hold up: the ingest's own check judges
        conflicts = [] if column_map is not None else service.upload_conflicts(files, store)
        if conflicts:
            raise UploadError(conflicts[0], status.HTTP_409_CONFLICT)
        names = [p.name for p in files]
        # In a worker process: parsing cycler files in the server's process would hold its GIL.
        work = partial(
            service.ingest_upload, store, saved.folder, chemistry, org=jobs.scope.owner, column_map=column_map
        )
        params = {"files": names, "bytes": saved.size_bytes, "chemistry": chemistry}
        if column_map is not None:
            params["column_map"] = column_map.name
        return jobs.submit("battery.ingest", work, params=params, isolated=True), names, saved.size_bytes

    job, names, size = await read_upload(request, _parts, read, keep=True)
    answer = await finish_job(request, response, job, wait)
    return {**answer, "files": names, "bytes": size}
