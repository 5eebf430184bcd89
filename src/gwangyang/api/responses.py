"""How an endpoint that submits a job answers: at once (202), or after waiting for the job (201)."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response, status

from .http_status import JobFailedError
from .jobs import JobManager


async def finish_job(
    request: Request, response: Response, job: dict[str, Any], wait: float
) -> dict[str, Any]:
    """``{"job": job}``, after waiting up to ``wait`` seconds for it when ``wait`` > 0.

    A job that finished in time answers 201; one that failed answers 422 with its error (409 with
    ``Retry-After`` when the store was busy, 503 when it cannot serve); one still running keeps the endpoint's 202.
    Waiting holds no thread.
    """
    if wait > 0:
        jobs: JobManager = request.app.state.jobs
        job = await jobs.wait_async(job["id"], wait)
        if job["status"] == "failed":
            code = failed_status(job)
            retry = bool(job.get("retry", code == status.HTTP_409_CONFLICT))  # records before "retry": busy
            raise JobFailedError(f"{job['error']} (job {job['id']})", code, retry)
        if job["status"] == "done":
            response.status_code = status.HTTP_201_CREATED
    return {"job": job}


def failed_status(job: dict[str, Any]) -> int:
    """HTTP status for a failed job: 409 (store busy, name taken), 503 (store missing, unreadable), else 422."""
    code = job.get("status_code")
    if code in (status.HTTP_409_CONFLICT, status.HTTP_503_SERVICE_UNAVAILABLE):
        return int(code)
    return status.HTTP_422_UNPROCESSABLE_CONTENT


def int_field(document: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    """``document[name]`` as an integer within ``[low, high]`` (``default`` when absent).

    Raises
    ------
    fastapi.exceptions.RequestValidationError
        422 naming the field, as FastAPI answers for a typed body.
    """
    from fastapi.exceptions import RequestValidationError

    value = document.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        kind = "int_type"
    elif not low <= value <= high:
        kind = "int_range"
    else:
        return value
    raise RequestValidationError(
        [
            {
                "type": kind,
                "loc": ("body", name),
                "msg": f"expected an integer from {low} to {high}",
                "input": value if isinstance(value, (bool, int, float)) else str(value)[:40],
                "ctx": {"ge": low, "le": high},
            }
        ]
    )
