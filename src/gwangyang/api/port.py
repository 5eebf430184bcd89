"""Port API (``/api/v1/port``): compare terminal scenarios by simulation, plan berths; both run as jobs.

Only the shipped scenarios can be simulated by name (a request never names a file on the server).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, Field, model_validator

from ..errors import InputError
from .auth import require_token
from .jobs import JobManager, Progress
from .parts import Part
from .responses import finish_job

router = APIRouter(prefix="/api/v1/port", tags=["port"], dependencies=[Depends(require_token)])

WaitQuery = Annotated[float, Query(ge=0, le=600, description="Seconds to wait for the job to finish.")]

MAX_HOURS = 10**9
"""Largest magnitude of a time in a berth request (hours; far beyond any plan, far below int64)."""


class CompareRequest(BaseModel):
    """Two shipped scenarios simulated with common random numbers."""

    a: str = Field("gwangyang-today", description="Baseline scenario (a shipped name).")
    b: str = Field("gwangyang-automated", description="Scenario compared with it.")
    days: float = Field(30.0, gt=0, le=366, description="Simulated days per replication.")
    replications: int = Field(5, ge=1, le=50)
    seed: int = Field(0, ge=0)
    warmup_days: float = Field(0.0, ge=0, le=60)


Hours = Annotated[int, Field(ge=-MAX_HOURS, le=MAX_HOURS)]


class BerthRequest(BaseModel):
    """A berth allocation instance (times in hours; ``handling[i][k] < 0``: vessel i cannot use berth k)."""

    name: str = Field("instance", max_length=80)
    arrival: list[Hours] = Field(max_length=2000)
    opening: list[Hours] = Field(max_length=100)
    closing: list[Hours] = Field(max_length=100)
    handling: list[Annotated[list[Hours], Field(max_length=100)]] = Field(max_length=2000)
    deadline: list[Hours] = Field(max_length=2000)
    method: Literal["cpsat", "fcfs", "greedy"] = "cpsat"
    time_limit: float = Field(10.0, gt=0, le=120, description="CP-SAT time limit in seconds.")

    @model_validator(mode="after")
    def _shapes(self) -> BerthRequest:
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


def shipped() -> list[str]:
    """Names of the scenarios a request may name."""
    from ..port.terminal import shipped_scenarios

    return shipped_scenarios()


@router.get("/scenarios", summary="Shipped terminal scenarios")
def scenarios() -> list[str]:
    """Names accepted by ``/compare``."""
    return shipped()


@router.post(
    "/compare", status_code=status.HTTP_202_ACCEPTED, summary="Simulate two scenarios and compare KPIs"
)
async def compare(
    body: CompareRequest, request: Request, response: Response, wait: WaitQuery = 0
) -> dict[str, Any]:
    """A job whose result is each KPI's mean in A and B and the B - A difference with its confidence interval."""
    names = shipped()
    for field, name in (("a", body.a), ("b", body.b)):
        if name not in names:
            raise InputError(f"{field}: expected one of {', '.join(names)}, got {name[:60]!r}.")

    def work(progress: Progress) -> dict[str, Any]:
        from ..port.compare import compare as run_compare
        from ..port.terminal import load_scenario

        result = run_compare(
            load_scenario(body.a),
            load_scenario(body.b),
            body.days,
            body.replications,
            body.seed,
            body.warmup_days,
            progress=progress,
        )
        return result.to_dict()

    jobs: JobManager = request.app.state.jobs
    job = jobs.submit("port.compare", work, params=body.model_dump())
    return await finish_job(request, response, job, wait)


@router.post("/berths/plan", status_code=status.HTTP_202_ACCEPTED, summary="Allocate berths to vessels")
async def berth_plan(
    body: BerthRequest, request: Request, response: Response, wait: WaitQuery = 0
) -> dict[str, Any]:
    """A job whose result is the plan (vessel, berth, start, end), its objective, and the FCFS objective beside it."""
    from ..port.berth_model import BerthInstance

    instance = BerthInstance.build(
        body.name, body.arrival, body.opening, body.closing, body.handling, body.deadline, source="request"
    )

    def work(progress: Progress) -> dict[str, Any]:
        from ..port.berth_model import check_plan
        from ..port.berths import solve_cpsat, solve_fcfs, solve_greedy

        fcfs = solve_fcfs(instance)
        if body.method == "cpsat":
            plan = solve_cpsat(instance, time_limit=body.time_limit, workers=1)
        else:
            plan = fcfs if body.method == "fcfs" else solve_greedy(instance)
        return {
            **plan.to_dict(),
            "fcfs_objective": float(fcfs.objective),
            "problems": check_plan(instance, plan.assignments),
        }

    jobs: JobManager = request.app.state.jobs
    job = jobs.submit(
        "port.berths", work, params={"name": body.name, "method": body.method, "vessels": len(body.arrival)}
    )
    return await finish_job(request, response, job, wait)


def _pages() -> APIRouter:
    from .port_pages import router as pages

    return pages


PART = Part(name="port", title="Port", api=router, pages=_pages, home="/port")
"""The port part: its API router and its page."""
