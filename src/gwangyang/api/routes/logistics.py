"""Logistics API (``/api/v1/logistics``): truck routing and throughput forecasting, both run as jobs.

A routing request names a shipped scenario or carries a problem (JSON object, or the text of a TOML/JSON problem
file); a problem may not name matrix files (a request never reads a file on the server). ``POST /routes/file``
uploads a VRPLIB ``.vrp``, Solomon ``.txt`` or problem file (and optionally a ``.sol``), read as
``gwangyang routes solve`` reads it. A forecast request uses
the shipped monthly TEU series or carries its own ``[{"ds", "y"}]`` rows, or uploads a CSV or Parquet table
(``POST /forecast/file``, read as ``gwangyang forecast`` reads it). The latest result of each is kept in the
store, one per organisation and one shared, where the routes and forecast pages find them. Every result is a view of
:mod:`gwangyang.logistics.service` (routes) or :mod:`gwangyang.logistics.forecast_service` (forecast).
"""

from __future__ import annotations

import pathlib
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response, status

from ...errors import InputError
from ...logistics import forecast_service, service
from ...store import Store
from ..auth import require_token
from ..common import JobsDep, StoreDep, WaitQuery
from ..error_responses import AUTH_ERRORS, JOB_ERRORS, UPLOAD_ERRORS, errors
from ..form_fields import form_model
from ..jobs import Progress
from ..orgs import ScopeDep, ScopedJobs
from ..phrases import N_
from ..responses import finish_job
from ..upload_reading import main_and_extra, one_file, read_upload
from ..uploads import SavedUpload, multipart_form
from .logistics_bodies import ROUTE_FILE_FIELDS, ForecastRequest, RouteFileForm, RouteRequest
from .logistics_downloads import router as downloads_router

router = APIRouter(
    prefix="/api/v1/logistics",
    tags=["logistics"],
    dependencies=[Depends(require_token)],
    responses=AUTH_ERRORS,
)

JOB_RESPONSES = {201: {"description": "Done (with `wait`)"}, **errors(400, *JOB_ERRORS)}
"""What a logistics job's endpoint answers besides 202: a bad problem or series (400), and with ``wait``."""


def _routes(
    store: Store, org: str | None, loaded: Any, body: RouteRequest, progress: Progress
) -> dict[str, Any]:
    view, _ = service.solve_route_file(
        loaded, body.time_limit, body.seed, body.solver, body.workers, progress, body.max_iterations
    )
    service.save_view(store, "routes", view, org)
    return view


def _forecast(
    store: Store,
    org: str | None,
    series: Any,
    name: str,
    source: str,
    body: ForecastRequest,
    progress: Progress,
) -> dict[str, Any]:
    progress(0, 1)
    view, _ = forecast_service.forecast_series(series, name, source, body.horizon, body.level, body.windows)
    service.save_view(store, "forecast", view, org)
    return view


@router.get("/scenarios", summary="Shipped routing scenarios")
def scenarios() -> list[str]:
    """Names accepted by ``/routes`` as ``scenario``."""
    return service.scenarios()


@router.get(
    "/scenarios/{name}",
    summary="A shipped scenario as a problem (JSON)",
    responses=errors(400, _400="Not a shipped scenario (the detail lists them)."),
)
def scenario(
    name: Annotated[
        str,
        Path(
            description="A shipped scenario (GET /scenarios).",
            json_schema_extra={"enum": service.scenarios()},
        ),
    ],
) -> dict[str, Any]:
    """The scenario's problem file as JSON: a starting point for a problem of one's own."""
    return service.scenario_document(name)


@router.post(
    "/routes", status_code=status.HTTP_202_ACCEPTED, summary="Route trucks (a job)", responses=JOB_RESPONSES
)
async def solve_routes(
    body: RouteRequest,
    request: Request,
    response: Response,
    store: StoreDep,
    jobs: JobsDep,
    wait: WaitQuery = 0,
) -> dict[str, Any]:
    """A job that routes the trucks; its result is kept as the latest routes.

    The result: routes (order ids in visiting order), per-route load, distance, schedule and cost, the unserved
    orders with reasons, the GeoJSON of the routes and the sites.
    """
    loaded = service.route_request(body.scenario, body.problem, body.problem_text)
    problem = loaded.problem

    params = {
        "problem": problem.name,
        "orders": len(problem.orders),
        "solver": body.solver,
        "time_limit": body.time_limit,
        "seed": body.seed,
        "workers": body.workers,
        "max_iterations": body.max_iterations,
    }
    work = partial(_routes, store, jobs.scope.owner, loaded, body)
    job = jobs.submit("logistics.routes", work, params=params, isolated=True)
    return await finish_job(request, response, job, wait)


@router.get("/routes/latest", summary="The latest routes kept in the store", responses=errors(404))
def latest_routes(store: StoreDep, scope: ScopeDep) -> dict[str, Any]:
    """The newest routes the user may see: its organisation's or the shared ones.

    Its organisation's latest routing job, or the shared latest (an admin's job, ``gwangyang demo``), whichever is
    newer; another organisation's routes are never shown (404 when there is none to show).
    """
    return service.latest_view(store, "routes", scope.visible)


@router.post(
    "/forecast",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Forecast a monthly, quarterly, half-yearly, yearly, weekly, fortnightly, daily or business-day "
    "series (a job)",
    responses=JOB_RESPONSES,
)
async def run_forecast(
    body: ForecastRequest,
    request: Request,
    response: Response,
    store: StoreDep,
    jobs: JobsDep,
    wait: WaitQuery = 0,
) -> dict[str, Any]:
    """A job that forecasts the series; its result is kept as the latest forecast.

    The result: ``{"model", "level", "forecast": [{"period", "ds", "mean", "lo", "hi"}], "backtest": {"mase",
    "coverage", ...}, "frequency": {"name", "alias", "season_length", "unit"}, "notes", "history"}``; ``period``
    names the period as the frequency does (``2026-W14`` for ISO weeks), ``ds`` is its first day.
    """
    if body.series is None:
        series, name, source = forecast_service.sample_series()
        if body.working_days is not None:  # the sample is monthly: refused as any monthly series would be
            series = forecast_service.series_from_rows(
                [(f"{d:%Y-%m-%d}", float(y)) for d, y in zip(series["ds"], series["y"], strict=True)],
                name,
                body.working(),
            )
    else:
        rows = [(p.ds, p.y) for p in body.series]
        series, name, source = (
            forecast_service.series_from_rows(rows, body.name, body.working()),
            body.name,
            "request",
        )
    return await _submit_forecast(request, response, store, jobs, wait, series, name, source, body)


async def _submit_forecast(
    request: Request,
    response: Response,
    store: Store,
    jobs: ScopedJobs,
    wait: float,
    series: Any,
    name: str,
    source: str,
    body: ForecastRequest,
) -> dict[str, Any]:
    """Check the series' length and submit the forecast job; its parameters name the frequency."""
    forecast_service.check_series_length(series, body.horizon, body.windows)
    frequency = forecast_service.series_frequency(series)
    params = {
        "series": name,
        "frequency": frequency.name,
        "periods": len(series),
        "horizon": frequency.horizon if body.horizon is None else body.horizon,
        "level": body.level,
    }
    if frequency.weekmask:
        params["working_days"] = frequency.weekmask.split()
    work = partial(_forecast, store, jobs.scope.owner, series, name, source, body)
    job = jobs.submit("logistics.forecast", work, params=params, isolated=True)
    return await finish_job(request, response, job, wait)


def _route_file(
    store: Store, org: str | None, loaded: Any, form: RouteFileForm, progress: Progress
) -> dict[str, Any]:
    view, _ = service.solve_route_file(
        loaded, form.time_limit, form.seed, form.solver, form.workers, progress, form.max_iterations
    )
    service.save_view(store, "routes", view, org)
    return view


def _route_files(saved: SavedUpload) -> tuple[pathlib.Path, pathlib.Path | None]:
    """The problem file and the optional ``.sol`` of an upload."""
    return main_and_extra(
        saved.files,
        service.ROUTE_SUFFIXES,
        ".sol",
        f"unknown problem format (expected {', '.join(service.ROUTE_SUFFIXES)}, and optionally a .sol)",
        "expected one problem file and at most one .sol",
    )


def _read_route_file(
    files: tuple[pathlib.Path, pathlib.Path | None], saved: SavedUpload
) -> tuple[RouteFileForm, Any]:
    form = form_model(saved.fields, RouteFileForm)
    problem, solution = files
    return form, service.read_route_file(problem, problem.name, solution, named_files=False)


@router.post(
    "/routes/file",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Route trucks for an uploaded VRPLIB, Solomon or problem file (a job)",
    responses={201: {"description": "Done (with `wait`)"}, **errors(*UPLOAD_ERRORS, *JOB_ERRORS)},
    openapi_extra=multipart_form(ROUTE_FILE_FIELDS, files=2),
)
async def solve_routes_file(
    request: Request, response: Response, store: StoreDep, jobs: JobsDep, wait: WaitQuery = 0
) -> dict[str, Any]:
    """A job that solves one uploaded problem file (multipart ``files``), as ``gwangyang routes solve FILE``.

    The file is a VRPLIB ``.vrp`` (every section the CLI reads), a Solomon ``.txt`` or our ``.toml``/``.json``
    problem; with it may come a ``.sol`` of the same instance to score against (``--sol``): the result then has
    ``best_known`` (its cost in our units, its routes re-checked) and ``gap_percent``. Both are read at once (a bad
    file is answered 400 before any job, naming it) and not kept. The result is the CLI's ``--json`` document,
    the file's name as its ``file``, and is kept as the latest routes.
    """
    form, loaded = await read_upload(request, _route_files, _read_route_file)
    params = {
        "file": loaded.name,
        "instance": loaded.instance.name,
        "solver": form.solver,
        "time_limit": form.time_limit,
        "seed": form.seed,
        "workers": form.workers,
        "max_iterations": form.max_iterations,
    }
    work = partial(_route_file, store, jobs.scope.owner, loaded, form)
    job = jobs.submit("logistics.routes", work, params=params, isolated=True)
    return await finish_job(request, response, job, wait)


FILE_FIELDS = {
    "date_column": N_("The column of dates (default: the first of a two-column table)."),
    "target": N_("The column to forecast (default: the second of a two-column table)."),
    "horizon": N_("Periods ahead, of the series' frequency (default per frequency, 1 to 104)."),
    "level": N_("Prediction-interval level, percent (50 to 99; default 90)."),
    "windows": N_("Rolling origins in the backtest (1 to 6; default 3)."),
    "working_days": N_(
        "Working weekdays of a daily series: Mon-Sat, Mon,Tue,Wed,Thu,Fri, or the Korean names (default: "
        "read from the dates)."
    ),
}
"""The text fields of ``POST /forecast/file``."""


@router.post(
    "/forecast/file",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Forecast a series uploaded as a CSV or Parquet table (a job)",
    responses={201: {"description": "Done (with `wait`)"}, **errors(*UPLOAD_ERRORS, *JOB_ERRORS)},
    openapi_extra=multipart_form(FILE_FIELDS, files=1),
)
async def forecast_file(
    request: Request, response: Response, store: StoreDep, jobs: JobsDep, wait: WaitQuery = 0
) -> dict[str, Any]:
    """A job that forecasts a column of one uploaded table (multipart field ``files``), as ``gwangyang forecast``.

    The table is read at once (a bad file, column or series is answered 400 before any job) and not kept; the
    job's result is that of ``POST /forecast``, the file's name as its source, and is kept as the latest forecast.
    """
    table, body, (series, name) = await read_upload(
        request, one_file(forecast_service.FORECAST_SUFFIXES), _read_forecast_file
    )
    return await _submit_forecast(request, response, store, jobs, wait, series, name, table.name, body)


def _read_forecast_file(
    table: pathlib.Path, saved: SavedUpload
) -> tuple[pathlib.Path, ForecastRequest, tuple[Any, str]]:
    """The uploaded table's series, read as ``gwangyang forecast`` reads it, and the form's settings."""
    fields = saved.fields
    body = ForecastRequest(
        series=None,
        name=table.name[:80],
        horizon=_form_int(fields, "horizon", None, 1, 104),
        level=_form_int(fields, "level", 90, 50, 99) or 90,
        windows=_form_int(fields, "windows", 3, 1, 6) or 3,
    )
    days = (fields.get("working_days") or "").strip()
    working = forecast_service.working_days(days) if days else None
    date_column = (fields.get("date_column") or "").strip() or None
    target = (fields.get("target") or "").strip() or None
    return table, body, forecast_service.series_from_file(table, date_column, target, working)


def _form_int(fields: dict[str, str], name: str, default: int | None, low: int, high: int) -> int | None:
    """An optional whole-number form field within ``low`` .. ``high``, or ``default`` when absent or empty."""
    text = (fields.get(name) or "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError as exc:
        raise InputError(f"{name}: expected a whole number, got {text[:20]!r}") from exc
    if not low <= value <= high:
        raise InputError(f"{name}: expected {low} to {high}, got {value}")
    return value


@router.get("/forecast/latest", summary="The latest forecast kept in the store", responses=errors(404))
def latest_forecast(store: StoreDep, scope: ScopeDep) -> dict[str, Any]:
    """The newest forecast the user may see: its organisation's or the shared one.

    Its organisation's latest forecast job, or the shared latest (an admin's job, ``gwangyang demo``), whichever is
    newer; another organisation's forecast is never shown (404 when there is none to show).
    """
    return service.latest_view(store, "forecast", scope.visible)


router.include_router(downloads_router)
