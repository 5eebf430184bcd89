"""Cells simulated on the PyBaMM twin as a job (``POST /api/v1/battery/twin/simulate``; nothing is stored)."""

from __future__ import annotations

from functools import partial
from typing import Any, Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field
from starlette.requests import Request

from ....battery import service
from ...common import JobsDep, WaitQuery
from ...error_responses import JOB_ERRORS, errors
from ...fields import Seed
from ...jobs import Progress
from ...responses import finish_job

router = APIRouter()
"""Mounted under the guarded battery router (:mod:`gwangyang.api.routes.battery`)."""


class TwinRequest(BaseModel):
    """Cells simulated on the PyBaMM twin (the shipped configuration; nothing is kept in the store)."""

    protocol: str = Field(
        max_length=200,
        description="CC1-CC2-CC3 (CC4 from 10 minutes) or CC1-CC2-CC3-CC4, in C; other steps: RATES@FROM-TO (% SOC), e.g. 6-5-4-3-2@0-80.",
    )
    cycles: int = Field(3, strict=True, ge=1, le=100)
    cells: int = Field(
        1, strict=True, ge=1, le=16, description="Cells, each with its own parameter variation."
    )
    model: Literal["SPM", "SPMe", "DFN"] | None = Field(None, description="Overrides the config's model.")
    seed: Seed = 0
    start_c: float = Field(
        1.0,
        strict=True,
        ge=service.START_C_RANGE[0],
        le=service.START_C_RANGE[1],
        description="C-rate of the charge from the discharged cell to a RATES@FROM-TO protocol's FROM.",
    )


def _twin(body: TwinRequest, progress: Progress) -> dict[str, Any]:
    document, _ = service.simulate_twin(
        body.protocol, body.cycles, body.cells, None, body.model, body.seed, None, body.start_c
    )
    return document


@router.post(
    "/twin/simulate",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Simulate cells on the twin (a job)",
    responses={201: {"description": "Simulated (with `wait`)"}, **errors(400, *JOB_ERRORS)},
)
async def twin_simulate(
    body: TwinRequest, request: Request, response: Response, jobs: JobsDep, wait: WaitQuery = 0
) -> dict[str, Any]:
    """Cells under a charging protocol with SEI growth and lithium plating; the job's result has each cell's cycles."""
    service.check_protocol(body.protocol)
    job = jobs.submit("battery.twin", partial(_twin, body), params=body.model_dump(), isolated=True)
    return await finish_job(request, response, job, wait)
