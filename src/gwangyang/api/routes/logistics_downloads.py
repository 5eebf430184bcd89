"""Forecast downloads (``/api/v1/logistics/forecast/.../csv``): the CSV file ``gwangyang forecast --csv`` writes.

The bytes are :func:`gwangyang.logistics.forecast_service.forecast_csv` of the job's result (or of the latest forecast), the
very function the CLI writes its file with: ``period,ds,mean,lo,hi``, UTF-8 without a byte-order mark, LF line
ends. The file is named after the series (``forecast-물동량.csv``: RFC 6266 ``filename*`` in UTF-8, with an ASCII
``filename`` for clients that know no other).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Response

from ...errors import NotFoundError
from ...logistics import forecast_service, service
from ..common import StoreDep
from ..error_responses import errors
from ..fields import JobId
from ..orgs import ScopeDep, ScopedJobsDep

router = APIRouter()

FORECAST_JOB = "logistics.forecast"
"""The kind of the jobs ``POST /forecast`` and ``POST /forecast/file`` submit."""

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"

CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "`period,ds,mean,lo,hi`, one row per period ahead: the file `gwangyang forecast --csv` "
        "writes (UTF-8, no byte-order mark).",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def csv_response(view: dict[str, Any]) -> Response:
    """The CSV of a forecast view as a download named after its series."""
    name = _UNSAFE.sub("_", str(view.get("series") or "series")).strip(" ._") or "series"
    filename = f"forecast-{name[:80]}.csv"
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(
        forecast_service.forecast_csv(view),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": disposition},
    )


@router.get(
    "/forecast/latest/csv",
    summary="The latest forecast kept in the store, as CSV",
    response_class=Response,
    responses={**CSV_RESPONSE, **errors(404)},
)
def latest_forecast_csv(store: StoreDep, scope: ScopeDep) -> Response:
    """The CSV of the forecast ``GET /forecast/latest`` answers (its organisation's or the shared one, newer first)."""
    return csv_response(service.latest_view(store, "forecast", scope.visible))


@router.get(
    "/forecast/{job_id}/csv",
    summary="A forecast job's result as CSV",
    response_class=Response,
    responses={
        **CSV_RESPONSE,
        **errors(
            400,
            404,
            409,
            _404="No such job, another organisation's, or not a forecast.",
            _409="The job has not finished (try again after `Retry-After`) or failed (its error is the detail).",
        ),
    },
)
def forecast_job_csv(job_id: JobId, jobs: ScopedJobsDep) -> Response:
    """The CSV of a finished forecast job (``POST /forecast``, ``POST /forecast/file``): the CLI's ``--csv`` file.

    A job still queued or running answers 409 with ``Retry-After``; a failed one 409 with its error, without it.
    """
    record = jobs.get(job_id)
    if record.get("kind") != FORECAST_JOB:
        raise NotFoundError(f"job {job_id}: not a forecast job (it is {record.get('kind')!r}).")
    state = record.get("status")
    if state == "failed":
        raise HTTPException(409, f"job {job_id}: the forecast failed: {record.get('error')}")
    if state != "done":
        raise HTTPException(
            409, f"job {job_id}: the forecast is {state}; try again when it is done.", {"Retry-After": "5"}
        )
    return csv_response(record["result"])
