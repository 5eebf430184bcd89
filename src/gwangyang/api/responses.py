"""How an endpoint that submits a job answers: at once (202), or after waiting for the job (201)."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response, status

from .jobs import JobManager
from .uploads import UploadError


async def finish_job(
    request: Request, response: Response, job: dict[str, Any], wait: float
) -> dict[str, Any]:
    """``{"job": job}``, after waiting up to ``wait`` seconds for it when ``wait`` > 0.

    A job that finished in time answers 201; one that failed answers 422 with its error (409 when
    the store was busy); one still running keeps the endpoint's 202. Waiting holds no thread.
    """
    if wait > 0:
        jobs: JobManager = request.app.state.jobs
        job = await jobs.wait_async(job["id"], wait)
        if job["status"] == "failed":
            raise UploadError(f"{job['error']} (job {job['id']})", failed_status(job))
        if job["status"] == "done":
            response.status_code = status.HTTP_201_CREATED
    return {"job": job}


def failed_status(job: dict[str, Any]) -> int:
    """HTTP status for a failed job: 409 when the store was busy (try again), else 422."""
    code = job.get("status_code")
    return (
        status.HTTP_409_CONFLICT
        if code == status.HTTP_409_CONFLICT
        else status.HTTP_422_UNPROCESSABLE_CONTENT
    )


def int_field(document: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    """``document[name]`` as an integer within ``[low, high]`` (``default`` when absent).

    Raises
    ------
    fastapi.exceptions.RequestValidationError
        422 naming the field, as FastAPI answers for a typed body.
    """
    from fastapi.exceptions import RequestValidationError

    value = document.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RequestValidationError(
            [
                {
                    "type": "int_range",
                    "loc": ("body", name),
                    "msg": f"expected an integer from {low} to {high}",
                    "input": str(value)[:40],
                }
            ]
        )
    return value
