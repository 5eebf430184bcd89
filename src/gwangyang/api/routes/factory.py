"""Factory API (``/api/v1/factory``): fit a process monitor on a normal sensor table, score tables, list monitors, SPC.

Monitors are kept in the store; fitting and scoring run as jobs whose results (limits, T² and Q per row, alarms
with the variables behind them) stay in the job record. Every result is a document of
:mod:`gwangyang.factory.service`.
"""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request, Response, status

from ...errors import InputError
from ...factory import service
from ...store import Store, artifacts
from ..auth import require_token
from ..common import JobsDep, StoreDep, WaitQuery
from ..error_responses import AUTH_ERRORS, JOB_ERRORS, UPLOAD_ERRORS, errors
from ..fields import Name
from ..jobs import Progress
from ..orgs import ScopeDep, guard, record_owner
from ..responses import finish_job
from ..upload_reading import one_file, read_upload
from ..uploads import SavedUpload, multipart_form

router = APIRouter(
    prefix="/api/v1/factory",
    tags=["factory"],
    dependencies=[Depends(require_token), Depends(guard)],
    responses=AUTH_ERRORS,
)


def _fit(
    store: Store,
    folder: Path,
    name: str,
    table: Path,
    time_column: str,
    method: str,
    alpha: float,
    k: int,
    holdout: float,
    org: str | None,
    columns: list[str] | None,
    progress: Progress,
) -> dict[str, Any]:
    try:
        fitted = service.fit_store_monitor(
            store, name, table, time_column, method, alpha, k, holdout, table.name, columns
        )
        record_owner(store, "monitor", name, org)  # only once the monitor is there
        return fitted
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _score(store: Store, folder: Path, name: str, table: Path, progress: Progress) -> dict[str, Any]:
    try:
        return service.score_store_monitor(store, name, table, table.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_ONE_TABLE = one_file(service.TABLE_SUFFIXES)
"""What a factory upload takes: one table."""


def _number(fields: dict[str, str], name: str, default: float, kind: type) -> float:
    """An optional numeric form field (``kind`` int or float), or ``default`` when it is absent or empty."""
    text = (fields.get(name) or "").strip()
    if not text:
        return default
    try:
        return float(kind(text))
    except ValueError as exc:
        raise InputError(
            f"{name}: expected {'an integer' if kind is int else 'a number'}, got {text[:20]!r}."
        ) from exc


@router.get("/monitors", summary="Saved process monitors")
def monitors(store: StoreDep, scope: ScopeDep) -> list[dict[str, Any]]:
    """Every monitor saved in the store."""
    return scope.keep_named(store, "monitor", service.list_monitors(store))


@router.post(
    "/monitors",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Fit a monitor on a normal-operation table",
    responses={201: {"description": "Fitted (with `wait`)"}, **errors(*UPLOAD_ERRORS, 409, *JOB_ERRORS)},
    openapi_extra=multipart_form(
        {
            "name": "The monitor's name (a plain name).",
            "time_column": "The table's time column.",
            "method": "pca (default), dpca or kpca.",
            "alpha": "False-alarm rate of each limit (default 0.01).",
            "k": "Consecutive violations per alarm (default 3).",
            "holdout": "Share of the last rows that checks the limits (default 0.3).",
            "columns": "Variables to monitor, comma-separated (default: every numeric one).",
        },
        files=1,
        required=("name", "time_column"),
    ),
)
async def fit_monitor(
    request: Request, response: Response, store: StoreDep, jobs: JobsDep, wait: WaitQuery = 0
) -> dict[str, Any]:
    """Fit a monitor on one uploaded table of normal operation, as a job.

    Multipart: one table file (``files``) and fields ``name``, ``time_column``, optional ``method``
    (pca, dpca, kpca), ``alpha`` (false-alarm rate of each limit, default 0.01), ``k`` (consecutive
    violations per alarm, default 3) and ``holdout`` (share of the last rows that checks the limits,
    default 0.3), ``columns`` (comma-separated variables; default every numeric one). The job's result is the fit summary (variables, limits, training violation rates).
    """

    def read(table: Path, saved: SavedUpload) -> dict[str, Any]:
        fields = saved.fields
        name = artifacts.check_name(fields.get("name", ""), "monitor name")
        time_column = fields.get("time_column", "").strip()
        if not time_column:
            raise InputError("time_column: expected the name of the table's time column.")
        method = service.check_method(fields.get("method") or "pca")
        alpha = _number(fields, "alpha", 0.01, float)
        k = int(_number(fields, "k", 3, int))
        holdout = _number(fields, "holdout", 0.3, float)
        columns = service.parse_columns(fields.get("columns"))
        jobs.scope.check_free(store, "monitor", name)
        params = {"name": name, "file": table.name, "method": method, "alpha": alpha, "k": k}
        fit = (
            store,
            saved.folder,
            name,
            table,
            time_column,
            method,
            alpha,
            k,
            holdout,
            jobs.scope.owner,
            columns,
        )
        return jobs.submit("factory.fit", partial(_fit, *fit), params=params, isolated=True)

    job = await read_upload(request, _ONE_TABLE, read, keep=True)
    return await finish_job(request, response, job, wait)


@router.post(
    "/monitors/{name}/score",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Score a sensor table with a monitor",
    responses={201: {"description": "Scored (with `wait`)"}, **errors(*UPLOAD_ERRORS, 404, *JOB_ERRORS)},
    openapi_extra=multipart_form(files=1),
)
async def score(
    name: Name, request: Request, response: Response, store: StoreDep, jobs: JobsDep, wait: WaitQuery = 0
) -> dict[str, Any]:
    """Score one uploaded sensor table (multipart field ``files``) with a saved monitor, as a job.

    The job's result is T² and Q per row with their limits, the alarms (``k`` consecutive
    violations) and the variables behind each alarm.
    """
    service.monitor_file(store, name)

    def read(table: Path, saved: SavedUpload) -> dict[str, Any]:
        work = partial(_score, store, saved.folder, name, table)
        return jobs.submit("factory.score", work, params={"monitor": name, "file": table.name}, isolated=True)

    job = await read_upload(request, _ONE_TABLE, read, keep=True)
    return await finish_job(request, response, job, wait)


@router.post(
    "/spc",
    summary="Control charts of one column of a table",
    responses=errors(*UPLOAD_ERRORS),
    openapi_extra=multipart_form(
        {
            "column": "The column to chart.",
            "limits": "Specification limits L,U (either may be empty).",
            "subgroup": "1 for I-MR (default), 2-10 for X-bar and R; for pass/fail items, the items per subgroup.",
            "rules": "nelson (default) or western.",
            "subgroup_column": "A column of subgroup labels (lot, sample): X-bar and R of 2-10 rows each, "
            "or the subgroups of a p, np, c or u chart.",
            "chart": "auto (default: from the column), variables, p, np (pass/fail items), c or u (defect counts).",
            "size_column": "A column of items inspected (p, np) or units inspected (u) per row.",
        },
        files=1,
        required=("column",),
    ),
)
async def spc(request: Request) -> dict[str, Any]:
    """Control charts of one column: Shewhart, EWMA, CUSUM and capability, or a p, np, c or u chart.

    Multipart: one table file (``files``) and fields ``column``, optional ``limits`` (``L,U``, either may be
    empty), ``subgroup`` (1 for I-MR, 2-10 for X̄-R; default 1), ``rules`` (nelson or western),
    ``subgroup_column`` (a column of subgroup labels: X̄-R of those subgroups), ``chart`` (auto, variables, p,
    np, c or u; auto: pass/fail words give np or p, defect counts c, or u with ``size_column``) and
    ``size_column``. The answer's ``chart`` says which chart was drawn and why; its ``summary`` gives every
    chart's points, centre and points out of control.
    """

    def read(table: Path, saved: SavedUpload) -> dict[str, Any]:
        fields = saved.fields
        column = fields.get("column", "").strip()
        if not column:
            raise InputError("column: expected the name of the column to chart.")
        limits = service.parse_limits(fields.get("limits") or None)
        subgroup = int(_number(fields, "subgroup", 1, int))
        rules = (fields.get("rules") or "nelson").strip()
        grouped = (fields.get("subgroup_column") or "").strip() or None
        chart = (fields.get("chart") or "auto").strip()
        size_column = (fields.get("size_column") or "").strip() or None
        document, _ = service.spc(table, column, limits, subgroup, rules, grouped, chart, size_column)
        return document

    return await read_upload(request, _ONE_TABLE, read)
