"""Early cycle-life models (``/api/v1/battery/life``): fit as a job, list, predict."""

from __future__ import annotations

from functools import partial
from typing import Any, Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field
from starlette.requests import Request

from ....battery import service
from ...common import JobsDep, StoreDep, WaitQuery
from ...error_responses import JOB_ERRORS, errors
from ...fields import Name
from ...orgs import ScopeDep
from ...responses import finish_job

router = APIRouter(prefix="/life", tags=["battery life"])
"""Mounted under the guarded battery router: paths start with ``/api/v1/battery/life``."""


class FitRequest(BaseModel):
    """What to fit and on which cells."""

    name: str = Field(service.DEMO_MODEL, description="Model name (letters, digits, '_', '-', '.').")
    model: Literal[
        "variance",
        "discharge",
        "full",
        "gbm",
        "extended",
        "robust",
        "multipair",
        "ensemble",
        "charging",
        "auto",
    ] = Field(
        "variance",
        description="A model of docs/life.md, or 'auto': the candidate of lowest cross-validated RMSE on "
        "the training cells (folds by batch, else charging policy, else shuffled); the result's "
        "'selection' says what was chosen and why.",
    )
    dataset: Literal["sample", "store"] = Field(
        "sample",
        description="'sample': the shipped Severson cells (train split; test1 predicted). "
        "'store': store cells of known life with 100 cycles of Q(V) curves.",
    )
    coverage: float = Field(0.9, strict=True, gt=0, lt=1, description="Nominal coverage of the intervals.")
    conformal: Literal["group-cv+", "cv+", "jackknife+", "normalized-cv+", "split", "cv"] = Field(
        "group-cv+",
        description="Intervals: group-cv+ (default: for cells of another batch; CV+ with folds by batch, "
        "else by charging policy plus the lot shift, else shuffled folds plus the lot shift, with a "
        "warning), CV+ or jackknife+ (Barber et al. 2021, shuffled folds: for cells exchangeable with the "
        "training cells), CV+ normalised by distance to the training cells, or split conformal ('cv' is "
        "the old name of 'cv+').",
    )


class PredictRequest(BaseModel):
    """Cells to predict: store cell ids, or a split of the shipped sample."""

    model: str = Field(service.DEMO_MODEL, description="A model name from /life/models.")
    cells: list[str] | None = Field(None, max_length=500, description="Store cell ids.")
    sample: Literal["train", "test1"] | None = Field(
        None, description="Predict a split of the shipped sample."
    )


@router.get("/models", summary="Saved cycle-life models, newest first")
def models(store: StoreDep, scope: ScopeDep) -> list[dict[str, Any]]:
    """Each model's name, kind, training cells and train/test metrics (the user's organisation's and shared ones)."""
    return [m for m in service.list_life_models(store) if scope.sees(m.get("org"))]


@router.get(
    "/models/{name}",
    summary="One model: metrics and the predictions made when it was fitted",
    responses=errors(400, 404),
)
def model(name: Name, store: StoreDep) -> dict[str, Any]:
    """The model's record."""
    return service.life_model_record(store, name)


@router.post(
    "/fit",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Fit a cycle-life model (a job)",
    responses={201: {"description": "Fitted (with `wait`)"}, **errors(400, 409, *JOB_ERRORS)},
)
async def fit(
    body: FitRequest,
    request: Request,
    response: Response,
    store: StoreDep,
    jobs: JobsDep,
    scope: ScopeDep,
    wait: WaitQuery = 0,
) -> dict[str, Any]:
    """Fit early cycle-life prediction (Severson et al. 2019) with conformal intervals; the job's result has metrics."""
    from ....store import artifacts

    artifacts.check_name(body.name, "model name")
    scope.check_free_life_model(store, body.name)
    work = partial(
        service.fit_life_model,
        store,
        body.name,
        body.model,
        body.dataset,
        body.coverage,
        body.conformal,
        org=jobs.scope.owner,
    )
    job = jobs.submit("battery.life.fit", work, params=body.model_dump(), isolated=True)
    return await finish_job(request, response, job, wait)


@router.post("/predict", summary="Predicted cycle life with intervals", responses=errors(400, 404, 422))
def predict(body: PredictRequest, store: StoreDep, scope: ScopeDep) -> dict[str, Any]:
    """Per cell: ``predicted_cycle_life``, ``lower``, ``upper`` (the model's conformal interval) and ``coverage``."""
    scope.check_life_model(store, body.model)
    for cell_id in body.cells or []:
        scope.check_cell(store, cell_id)
    return service.predict_life(store, body.model, body.cells, body.sample)
