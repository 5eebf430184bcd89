"""Logistics API (``/api/v1/logistics``): truck routing and monthly throughput forecasting, both run as jobs.

A routing request names a shipped scenario or carries a problem (JSON object, or the text of a TOML/JSON problem
file); a problem may not name matrix files (a request never reads a file on the server). A forecast request uses
the shipped monthly TEU series or carries its own ``[{"ds", "y"}]`` rows. The latest result of each is kept in the
store, where the routes and forecast pages find it.
"""

from __future__ import annotations

import json
import math
import tomllib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, Field

from ..errors import InputError
from ..store import Store
from .auth import require_token
from .jobs import JobManager, Progress
from .parts import Part
from .responses import finish_job

router = APIRouter(prefix="/api/v1/logistics", tags=["logistics"], dependencies=[Depends(require_token)])

WaitQuery = Annotated[float, Query(ge=0, le=600, description="Seconds to wait for the job to finish.")]

MAX_PROBLEM_CHARS = 2_000_000
"""Largest problem text accepted (characters)."""


class RouteRequest(BaseModel):
    """Solve a shipped scenario (``scenario``) or a given problem (``problem`` or ``problem_text``)."""

    scenario: str | None = Field(
        "gwangyang", description="A shipped scenario; ignored when a problem is given."
    )
    problem: dict[str, Any] | None = Field(None, description="A problem as a JSON object (the file format).")
    problem_text: str | None = Field(
        None, max_length=MAX_PROBLEM_CHARS, description="The text of a TOML or JSON problem file."
    )
    time_limit: float = Field(5.0, gt=0, le=120, description="Solver wall-clock seconds.")
    seed: int = Field(0, ge=0, le=2**31 - 1)
    solver: Literal["pyvrp", "ortools"] = "pyvrp"


class SeriesPoint(BaseModel):
    """One month of a series."""

    ds: str = Field(max_length=32, description="Month, e.g. 2024-01 or 2024-01-01.")
    y: float


class ForecastRequest(BaseModel):
    """Forecast the shipped TEU series (no ``series``) or the given monthly rows."""

    series: list[SeriesPoint] | None = Field(None, max_length=2400)
    name: str = Field("series", max_length=80, description="Name of the given series, for display.")
    horizon: int = Field(12, ge=1, le=36, description="Months ahead.")
    level: int = Field(90, ge=50, le=99, description="Prediction-interval level, percent.")
    windows: int = Field(3, ge=1, le=6, description="Rolling origins in the backtest.")


def shipped() -> list[str]:
    """Names of the routing scenarios a request may name."""
    from ..logistics.demo import shipped_scenarios

    return shipped_scenarios()


def parse_problem(body: RouteRequest) -> Any:
    """The :class:`~gwangyang.logistics.model.RoutingProblem` a request describes.

    Raises
    ------
    InputError
        An unknown scenario, unparsable text, a problem that names matrix files, or any invalid field.
    """
    from ..logistics.demo import scenario_path
    from ..logistics.model import RoutingProblem

    data: Any = body.problem
    if data is None and body.problem_text is not None:
        text = body.problem_text.strip()
        try:
            data = json.loads(text) if text.startswith("{") else tomllib.loads(text)
        except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"problem_text: not valid TOML or JSON ({exc})") from exc
    if data is None:
        names = shipped()
        if body.scenario not in names:
            raise InputError(
                f"scenario: expected one of {', '.join(names)}, got {str(body.scenario)[:60]!r}."
            )
        return RoutingProblem.from_file(scenario_path(body.scenario))
    if not isinstance(data, dict):
        raise InputError("problem: expected a table (JSON object) at the top level")
    settings = data.get("settings")
    if isinstance(settings, dict):
        for key in ("distance_matrix", "duration_matrix"):
            if key in settings:
                raise InputError(
                    f"settings.{key}: matrix files cannot be named in a request (use coordinates)"
                )
    try:
        return RoutingProblem.from_dict(data)
    except InputError as exc:
        raise InputError(f"problem: {exc}") from exc


@router.get("/scenarios", summary="Shipped routing scenarios")
def scenarios() -> list[str]:
    """Names accepted by ``/routes`` as ``scenario``."""
    return shipped()


@router.get("/scenarios/{name}", summary="A shipped scenario as a problem (JSON)")
def scenario(name: str) -> dict[str, Any]:
    """The scenario's problem file as JSON: a starting point for a problem of one's own."""
    from ..logistics.demo import scenario_path

    if name not in shipped():
        raise InputError(f"scenario: expected one of {', '.join(shipped())}, got {name[:60]!r}.")
    return tomllib.loads(scenario_path(name).read_text(encoding="utf-8"))


@router.post("/routes", status_code=status.HTTP_202_ACCEPTED, summary="Route trucks (a job)")
async def solve_routes(
    body: RouteRequest, request: Request, response: Response, wait: WaitQuery = 0
) -> dict[str, Any]:
    """A job that routes the trucks; its result is kept as the latest routes.

    The result: routes (order ids in visiting order), per-route load, distance, schedule and cost, the unserved
    orders with reasons, the GeoJSON of the routes and the sites.
    """
    problem = parse_problem(body)
    instance = problem.to_instance()
    store: Store = request.app.state.store

    def work(progress: Progress) -> dict[str, Any]:
        from ..logistics.protocol import Progress as SolverProgress
        from ..logistics.solver import make_solver
        from ..logistics.views import routing_view, save_view

        total = max(1, math.ceil(body.time_limit * 4))
        shown = [-1]

        def on_progress(event: SolverProgress) -> None:
            done = min(total, int(event.elapsed_s * 4))
            if done > shown[0]:  # a few updates a second at most: each rewrites the job record
                shown[0] = done
                progress(done, total)

        result = make_solver(body.solver).solve(instance, body.time_limit, body.seed, [on_progress])
        view = routing_view(result, instance, problem)
        save_view(store.root, "routes", view)
        return view

    jobs: JobManager = request.app.state.jobs
    params = {
        "problem": problem.name,
        "orders": len(problem.orders),
        "solver": body.solver,
        "time_limit": body.time_limit,
        "seed": body.seed,
    }
    job = jobs.submit("logistics.routes", work, params=params)
    return await finish_job(request, response, job, wait)


@router.get("/routes/latest", summary="The latest routes kept in the store")
def latest_routes(request: Request) -> dict[str, Any]:
    """The result of the latest routing job (or of ``gwangyang demo``)."""
    from ..logistics.views import load_view

    return load_view(request.app.state.store.root, "routes")


def _series(body: ForecastRequest) -> tuple[Any, str, str]:
    import pandas as pd

    from ..logistics.demo import SAMPLE_SOURCE, SAMPLE_TARGET, sample_series_path
    from ..logistics.forecast import load_series, validate_series

    if body.series is None:
        return load_series(sample_series_path(), "ds", SAMPLE_TARGET), SAMPLE_TARGET, SAMPLE_SOURCE
    try:
        ds = pd.to_datetime([p.ds for p in body.series])
    except (ValueError, TypeError) as exc:
        raise InputError(f"series: a 'ds' value is not a date ({exc})") from exc
    frame = pd.DataFrame({"ds": ds.to_period("M").to_timestamp(), "y": [p.y for p in body.series]})
    return validate_series(frame.sort_values("ds"), "series"), body.name, "request"


@router.post("/forecast", status_code=status.HTTP_202_ACCEPTED, summary="Forecast a monthly series (a job)")
async def run_forecast(
    body: ForecastRequest, request: Request, response: Response, wait: WaitQuery = 0
) -> dict[str, Any]:
    """A job that forecasts the series; its result is kept as the latest forecast.

    The result: ``{"model", "level", "forecast": [{"ds", "mean", "lo", "hi"}], "backtest": {"mase", "coverage",
    ...}, "history"}``.
    """
    series, name, source = _series(body)
    if len(series) < body.horizon * body.windows + 24:
        raise InputError(
            f"series: {len(series)} months is too short for {body.windows} backtest windows of {body.horizon} "
            "months plus two years of history"
        )
    store: Store = request.app.state.store

    def work(progress: Progress) -> dict[str, Any]:
        from ..logistics.forecast import forecast
        from ..logistics.views import forecast_view, save_view

        progress(0, 1)
        result = forecast(series, horizon=body.horizon, level=body.level, n_windows=body.windows)
        view = forecast_view(result, name, source)
        save_view(store.root, "forecast", view)
        return view

    jobs: JobManager = request.app.state.jobs
    params = {"series": name, "months": len(series), "horizon": body.horizon, "level": body.level}
    job = jobs.submit("logistics.forecast", work, params=params)
    return await finish_job(request, response, job, wait)


@router.get("/forecast/latest", summary="The latest forecast kept in the store")
def latest_forecast(request: Request) -> dict[str, Any]:
    """The result of the latest forecast job (or of ``gwangyang demo``)."""
    from ..logistics.views import load_view

    return load_view(request.app.state.store.root, "forecast")


def _pages() -> APIRouter:
    from .logistics_pages import router as pages

    return pages


PART = Part(name="logistics", title="Logistics", api=router, pages=_pages, home="/logistics")
"""The logistics part: its API router and its routes and forecast pages."""
