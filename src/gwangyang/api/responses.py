"""How an endpoint that submits a job answers: at once (202), or after waiting for the job (201)."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response, status
from fastapi.concurrency import run_in_threadpool

from .jobs import JobManager
from .uploads import UploadError


async def finish_job(
    request: Request, response: Response, job: dict[str, Any], wait: float
) -> dict[str, Any]:
    """``{"job": job}``, after waiting up to ``wait`` seconds for it when ``wait`` > 0.

    A job that finished in time answers 201; one that failed answers 422 with its error; one still
    running keeps the endpoint's 202.
    """
    if wait > 0:
        jobs: JobManager = request.app.state.jobs
        job = await run_in_threadpool(jobs.wait, job["id"], wait)
        if job["status"] == "failed":
            raise UploadError(f"{job['error']} (job {job['id']})", status.HTTP_422_UNPROCESSABLE_CONTENT)
        if job["status"] == "done":
            response.status_code = status.HTTP_201_CREATED
    return {"job": job}
