"""Port API (``/api/v1/port``): simulate a terminal, compare scenarios, plan berths, schedule quay cranes; all run as jobs.

Only the shipped scenarios can be simulated by name (a request never names a file on the server); a planner's own
scenario is uploaded (``POST /simulate/file``; two compared: ``POST /compare/file``, :mod:`.port_upload`). Every job's result is a document of
:mod:`gwangyang.port.service`.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel, Field, model_validator

from ...port import service
from ..auth import require_token
from ..common import JobsDep, WaitQuery
from ..error_responses import AUTH_ERRORS, JOB_ERRORS, errors
from ..fields import Seed, TimeLimit
from ..jobs import Progress
from ..responses import finish_job
from .port_upload import CompareOptions, SimulateOptions
from .port_upload import router as upload_router

router = APIRouter(
    prefix="/api/v1/port", tags=["port"], dependencies=[Depends(require_token)], responses=AUTH_ERRORS
)

JOB_RESPONSES = {201: {"description": "Done (with `wait`)"}, **errors(400, *JOB_ERRORS)}
"""What a port job's endpoint answers besides 202: a scenario not shipped or a bad instance (400), ``wait``."""


# BaseModel named as a base too: the catalogue's extractor takes the docstring of a class based on BaseModel
class SimulateRequest(SimulateOptions, BaseModel):
    """One shipped scenario simulated (``replications`` > 1: KPI means with confidence intervals)."""

    scenario: str = Field("gwangyang-today", description="A shipped scenario name.")


class CraneRequest(BaseModel):
    """A quay-crane scheduling instance shaped like the TOML file (default: the shipped example)."""

    instance: dict[str, Any] | None = Field(
        None, description="``name, bays, cranes, tasks...`` as in the TOML file; null: the shipped example."
    )
    time_limit: TimeLimit = 10.0
    seed: Seed = 0
    budget: float | None = Field(
        None,
        strict=True,
        gt=0,
        le=120,
        description="Reproducible: CP-SAT's deterministic seconds (counted work) instead of ``time_limit``; "
        "the same schedule on every run.",
    )


class CompareRequest(CompareOptions, BaseModel):
    """Two shipped scenarios simulated with common random numbers."""

    a: str = Field("gwangyang-today", description="Baseline scenario (a shipped name).")
    b: str = Field("gwangyang-automated", description="Scenario compared with it.")


class TimelapseRequest(BaseModel):
    """A time-lapse of a shipped scenario's AGVs (the port page asks for the defaults)."""

    scenario: str = Field(service.TIMELAPSE_SCENARIO, description="A shipped scenario name.")
    minutes: float = Field(
        10.0, strict=True, gt=0, le=120, description="Minutes shown, after a quarter-hour warm-up."
    )
    step_s: float = Field(15.0, strict=True, ge=1, le=600, description="Seconds between frames.")


MAX_HOURS = 10**9
"""Largest magnitude of a time in a berth request (hours; far beyond any plan, far below int64)."""

Hours = Annotated[int, Field(ge=-MAX_HOURS, le=MAX_HOURS, strict=True)]


class BerthRequest(BaseModel):
    """A berth allocation instance (times in hours; ``handling[i][k] < 0``: vessel i cannot use berth k)."""

    name: str = Field("instance", max_length=80)
    arrival: list[Hours] = Field(max_length=2000)
    opening: list[Hours] = Field(max_length=100)
    closing: list[Hours] = Field(max_length=100)
    handling: list[Annotated[list[Hours], Field(max_length=100)]] = Field(max_length=2000)
    deadline: list[Hours] = Field(max_length=2000)
    method: Literal["cpsat", "fcfs", "greedy", "spt"] = "cpsat"
    time_limit: TimeLimit = 10.0
    budget_s: float | None = Field(
        None,
        strict=True,
        gt=0,
        le=120,
        description="Reproducible: the work of about this many seconds on two quiet cores, counted "
        "(``SearchBudget.like_seconds``), instead of ``time_limit``; the same plan on every run.",
    )

    @model_validator(mode="after")
    def _shapes(self) -> BerthRequest:
        if self.budget_s is not None and self.method != "cpsat":
            raise ValueError(f"budget_s: only for method cpsat, not {self.method}")
        n, m = len(self.arrival), len(self.opening)
        if len(self.handling) != n:
            raise ValueError(f"handling: expected {n} rows (one per vessel), got {len(self.handling)}")
        ragged = [i for i, row in enumerate(self.handling) if len(row) != m]
        if ragged:
            raise ValueError(
                f"handling: row {ragged[0]} has {len(self.handling[ragged[0]])} values, expected {m}"
            )
        if len(self.closing) != m:
            raise ValueError(f"closing: expected {m} values (one per berth), got {len(self.closing)}")
        if len(self.deadline) != n:
            raise ValueError(f"deadline: expected {n} values (one per vessel), got {len(self.deadline)}")
        return self


def _compare(body: CompareRequest, progress: Progress) -> dict[str, Any]:
    return service.compare(
        body.a, body.b, body.days, body.replications, body.seed, body.warmup_days, progress=progress
    )


def _simulate(body: SimulateRequest, progress: Progress) -> dict[str, Any]:
    document, _ = service.simulate(
        body.scenario, body.days, body.seed, body.replications, body.warmup_days, progress=progress
    )
    return document


def _timelapse(body: TimelapseRequest, progress: Progress) -> dict[str, Any]:
    return service.timelapse(body.scenario, body.minutes, body.step_s, progress=progress)


def _cranes(instance: Any, body: CraneRequest, progress: Progress) -> dict[str, Any]:
    document, _ = service.schedule_cranes(instance, body.time_limit, body.seed, workers=1, budget=body.budget)
    return document


def _plan(
    instance: Any, method: str, time_limit: float, budget_s: float | None, progress: Progress
) -> dict[str, Any]:
    budget = service.berth_budget(budget_s)
    document, _ = service.plan_berths(instance, method, time_limit, workers=1, budget=budget)
    return document


@router.get("/scenarios", summary="Shipped terminal scenarios")
def scenarios() -> list[str]:
    """Names accepted by ``/compare``."""
    return service.scenarios()


@router.post(
    "/simulate",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Simulate a terminal scenario",
    responses=JOB_RESPONSES,
)
async def simulate(
    body: SimulateRequest, request: Request, response: Response, jobs: JobsDep, wait: WaitQuery = 0
) -> dict[str, Any]:
    """A job whose result is the KPIs (with confidence intervals over replications) and the berth plan."""
    service.check_shipped("scenario", body.scenario)
    job = jobs.submit("port.simulate", partial(_simulate, body), params=body.model_dump(), isolated=True)
    return await finish_job(request, response, job, wait)


@router.post(
    "/compare",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Simulate two scenarios and compare KPIs",
    responses=JOB_RESPONSES,
)
async def compare(
    body: CompareRequest, request: Request, response: Response, jobs: JobsDep, wait: WaitQuery = 0
) -> dict[str, Any]:
    """A job whose result is each KPI's mean in A and B and the B - A difference with its confidence interval."""
    service.check_shipped("a", body.a)
    service.check_shipped("b", body.b)
    # In a worker process: a long simulation in the server's process would hold its GIL.
    job = jobs.submit("port.compare", partial(_compare, body), params=body.model_dump(), isolated=True)
    return await finish_job(request, response, job, wait)


@router.post(
    "/timelapse",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Time-lapse of a scenario's yard and AGVs",
    responses=JOB_RESPONSES,
)
async def timelapse(
    body: TimelapseRequest, request: Request, response: Response, jobs: JobsDep, wait: WaitQuery = 0
) -> dict[str, Any]:
    """A job whose result is the time-lapse: the lane layout, cranes, blocks and every AGV's position per frame.

    The port page shows the newest one when the store keeps none (``gwangyang demo`` keeps one).
    """
    service.check_shipped("scenario", body.scenario)
    job = jobs.submit("port.timelapse", partial(_timelapse, body), params=body.model_dump(), isolated=True)
    return await finish_job(request, response, job, wait)


@router.post(
    "/berths/plan",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Allocate berths to vessels",
    responses=JOB_RESPONSES,
)
async def berth_plan(
    body: BerthRequest, request: Request, response: Response, jobs: JobsDep, wait: WaitQuery = 0
) -> dict[str, Any]:
    """A job whose result is the plan (vessel, berth, start, end), its objective, and the baselines beside it."""
    instance = service.berth_instance(body.model_dump(), "request")
    params = {
        "name": body.name,
        "method": body.method,
        "vessels": len(body.arrival),
        "budget_s": body.budget_s,
    }
    work = partial(_plan, instance, body.method, body.time_limit, body.budget_s)
    job = jobs.submit("port.berths", work, params=params, isolated=True)
    return await finish_job(request, response, job, wait)


@router.post(
    "/cranes", status_code=status.HTTP_202_ACCEPTED, summary="Schedule quay cranes", responses=JOB_RESPONSES
)
async def cranes(
    body: CraneRequest, request: Request, response: Response, jobs: JobsDep, wait: WaitQuery = 0
) -> dict[str, Any]:
    """A job whose result is the crane schedule minimising the makespan (tasks per crane with start and end)."""
    instance = service.crane_instance(body.instance)
    params = {"instance": instance.name, "time_limit": body.time_limit, "budget": body.budget}
    job = jobs.submit("port.cranes", partial(_cranes, instance, body), params=params, isolated=True)
    return await finish_job(request, response, job, wait)


router.include_router(upload_router)
