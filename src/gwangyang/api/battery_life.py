"""Early cycle-life API (``/api/v1/battery/life``): fit a model as a job, list models, predict with intervals.

Models live in the store as ``<store>/models/life/<name>.gwm`` (:mod:`gwangyang.battery.modelfile`)
with a JSON sidecar ``<name>.json`` holding the fit's metrics and the predictions made at fit time
(the fleet page shows those). A request names a model by a plain name, never by a path, and only
files this API wrote are ever unpickled: there is no model upload.
"""

from __future__ import annotations

import json
import os
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, Field

from ..errors import InputError, NotFoundError, one_line
from ..store import Store
from .auth import require_token
from .jobs import JobManager, Progress, finite_json
from .responses import finish_job

router = APIRouter(prefix="/life", tags=["battery life"], dependencies=[Depends(require_token)])
"""Mounted under the battery router: paths start with ``/api/v1/battery/life``."""

_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,79}$")
SAMPLE_SPLITS = ("train", "test1")
"""Splits of the shipped Severson sample a request may name."""
DEMO_MODEL = "demo"
"""Name of the model :func:`demo_step` saves."""


class FitRequest(BaseModel):
    """What to fit and on which cells."""

    name: str = Field(DEMO_MODEL, description="Model name (letters, digits, '_', '-', '.').")
    model: Literal["variance", "discharge", "full", "gbm", "extended"] = "variance"
    dataset: Literal["sample", "store"] = Field(
        "sample",
        description="'sample': the shipped Severson cells (train split; test1 predicted). "
        "'store': store cells of known life with 100 cycles of Q(V) curves.",
    )
    coverage: float = Field(0.9, gt=0, lt=1, description="Nominal coverage of the intervals.")
    conformal: Literal["cv", "split"] = "cv"


class PredictRequest(BaseModel):
    """Cells to predict: store cell ids, or a split of the shipped sample."""

    model: str = Field(DEMO_MODEL, description="A model name from /life/models.")
    cells: list[str] | None = Field(None, max_length=500, description="Store cell ids.")
    sample: Literal["train", "test1"] | None = Field(
        None, description="Predict a split of the shipped sample."
    )


def check_model_name(name: str) -> str:
    """Return a plain model name; refuse anything that could leave the models folder."""
    if not _NAME.match(name) or ".." in name:
        raise InputError(
            f"model name {name[:60]!r}: expected letters, digits, '_', '-' and '.' (no leading dot, no '..')."
        )
    return name


def models_dir(store: Store) -> Path:
    """``<store>/models/life``."""
    return store.root / "models" / "life"


def _paths(store: Store, name: str) -> tuple[Path, Path]:
    folder = models_dir(store)
    return folder / f"{check_model_name(name)}.gwm", folder / f"{name}.json"


@lru_cache(maxsize=4)
def _sample(split: str) -> Any:
    from ..battery.severson import load_severson
    from ..demo import sample_dir

    return load_severson(sample_dir("severson"), split=split, require_life=True)


def _write_json(path: Path, value: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(finite_json(value), allow_nan=False))
    os.replace(tmp, path)


def fit_model(
    store: Store,
    name: str = DEMO_MODEL,
    model: str = "variance",
    dataset: str = "sample",
    coverage: float = 0.9,
    conformal: str = "cv",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Fit a cycle-life model, save it in the store with its metrics and predictions, return the summary.

    Parameters
    ----------
    store
        The store (the model goes to ``<store>/models/life/<name>.gwm``).
    name
        Model name.
    model
        One of :data:`gwangyang.battery.life.LIFE_MODELS`.
    dataset
        ``sample`` (shipped Severson train split; its test1 split is predicted and scored) or
        ``store`` (store cells of known life; they are predicted back).
    coverage, conformal
        See :class:`gwangyang.battery.life.CycleLifeRegressor`.
    progress
        Called as ``progress(done, total)`` over the three stages.

    Returns
    -------
    dict
        ``name``, ``model``, ``dataset``, ``training_cells``, ``train`` metrics, ``test`` metrics
        (sample only) and ``predictions`` (cell, predicted, lower, upper, observed cycle life).
    """
    from ..battery.life import fit_life, life_metrics, predict_cells
    from ..battery.severson import load_store

    model_path, sidecar = _paths(store, name)
    report = progress or (lambda done, total: None)
    report(0, 3)
    if dataset == "sample":
        train, held = _sample("train"), _sample("test1")
        source = "shipped Severson sample (train split)"
    elif dataset == "store":
        train, held = load_store(store, require_life=True), None
        source = f"store cells of known life ({store.root.name})"
    else:
        raise InputError(f"dataset: expected 'sample' or 'store', got {dataset!r}.")
    report(1, 3)
    models_dir(store).mkdir(parents=True, exist_ok=True)
    fitted = fit_life(train, model, coverage=coverage, conformal=conformal, out=model_path, source=source)
    pipeline = fitted.pop("pipeline")
    report(2, 3)
    scored = held if held is not None else train
    rows = predict_cells(pipeline, scored.cells)
    for row, life in zip(rows, scored.cycle_life, strict=True):
        row["cycle_life"] = float(life) if np.isfinite(life) else None
    summary: dict[str, Any] = {
        "name": name,
        "model": model,
        "dataset": dataset,
        "source": source,
        "coverage": coverage,
        "conformal": conformal,
        "training_cells": len(train.cells),
        "interval_factor": fitted["interval_factor"],
        "train": fitted["train"],
    }
    if held is not None:
        summary["test"] = life_metrics(
            held.cycle_life,
            np.array([r["predicted_cycle_life"] for r in rows]),
            np.array([r["lower"] for r in rows]),
            np.array([r["upper"] for r in rows]),
        )
    summary["predictions"] = rows
    _write_json(sidecar, summary)
    report(3, 3)
    return summary


def demo_step(store: Store) -> dict[str, Any]:
    """The demo's life-model step: fit ``variance`` on the shipped sample, save it as ``demo`` in the store.

    The fleet page shows its test-cell predictions with intervals; ``/life/predict`` uses it.
    """
    summary = fit_model(store, DEMO_MODEL)
    return {k: v for k, v in summary.items() if k != "predictions"} | {
        "predicted": len(summary["predictions"])
    }


def list_models(store: Store) -> list[dict[str, Any]]:
    """Saved models, newest first: name, model, training cells, metrics (no predictions)."""
    folder = models_dir(store)
    out = []
    for path in folder.glob("*.json") if folder.exists() else []:
        if path.name.startswith(".") or not path.with_suffix(".gwm").exists():
            continue
        try:
            record = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        record.pop("predictions", None)
        record["saved_at"] = path.stat().st_mtime
        out.append(record)
    out.sort(key=lambda r: r["saved_at"], reverse=True)
    return out


def model_record(store: Store, name: str) -> dict[str, Any]:
    """A model's sidecar (metrics and fit-time predictions)."""
    model_path, sidecar = _paths(store, name)
    if not model_path.exists() or not sidecar.exists():
        raise NotFoundError(
            f"life model {name!r}: not in store (fit one with POST /api/v1/battery/life/fit)."
        )
    record: dict[str, Any] = json.loads(sidecar.read_text())
    return record


_LOADED: dict[str, tuple[int, Any]] = {}
_LOADED_LOCK = threading.Lock()


def _loaded(store: Store, name: str) -> Any:
    """A model file (:class:`gwangyang.battery.modelfile.ModelFile`), loaded once per file version."""
    from ..battery.modelfile import load_model

    model_path, _sidecar = _paths(store, name)
    try:
        stamp = model_path.stat().st_mtime_ns
    except FileNotFoundError:
        raise NotFoundError(
            f"life model {name!r}: not in store (fit one with POST /api/v1/battery/life/fit)."
        ) from None
    key = str(model_path)
    with _LOADED_LOCK:
        hit = _LOADED.get(key)
        if hit is None or hit[0] != stamp:
            hit = (stamp, load_model(model_path))
            _LOADED[key] = hit
    return hit[1]


def predict(store: Store, name: str, cells: list[str] | None, sample: str | None) -> dict[str, Any]:
    """Predicted cycle life with its interval for store cells or a sample split.

    A store cell that cannot be predicted (fewer than 100 cycles of Q(V) curves) is listed under
    ``errors`` with the reason; the others are predicted.
    """
    from ..battery.life import predict_cells
    from ..battery.severson import load_store_cell
    from .battery_data import check_cell_id

    if (cells is None) == (sample is None):
        raise InputError("predict: give either 'cells' (store cell ids) or 'sample' (train or test1).")
    loaded = _loaded(store, name)
    pipeline = loaded.model
    last_cycle = int(tuple(loaded.info.get("cycles", (10, 100)))[1])
    errors: list[dict[str, str]] = []
    observed: list[float | None]
    if sample is not None:
        data = _sample(sample)
        inputs = list(data.cells)
        observed = [float(v) for v in data.cycle_life]
    else:
        assert cells is not None
        if not cells:
            raise InputError("cells: expected at least one store cell id.")
        inputs, observed = [], []
        for cell_id in cells:
            store.meta(check_cell_id(cell_id))
            try:
                inputs.append(load_store_cell(store, cell_id, last_cycle))
            except InputError as exc:
                errors.append({"cell": cell_id, "error": one_line(str(exc))})
                continue
            observed.append(None)
    rows = predict_cells(pipeline, inputs) if inputs else []
    coverage = float(pipeline[-1].coverage)
    for row, life in zip(rows, observed, strict=True):
        row["cycle_life"] = life
        row["coverage"] = coverage
    return {"model": name, "predictions": rows, "errors": errors}


@router.get("/models", summary="Saved cycle-life models, newest first")
def models(request: Request) -> list[dict[str, Any]]:
    """Each model's name, kind, training cells and train/test metrics."""
    return list_models(request.app.state.store)


@router.get("/models/{name}", summary="One model: metrics and the predictions made when it was fitted")
def model(name: str, request: Request) -> dict[str, Any]:
    """The model's record."""
    return model_record(request.app.state.store, name)


@router.post("/fit", status_code=status.HTTP_202_ACCEPTED, summary="Fit a cycle-life model (a job)")
async def fit(
    body: FitRequest,
    request: Request,
    response: Response,
    wait: Annotated[float, Query(ge=0, le=600, description="Seconds to wait for the job.")] = 0,
) -> dict[str, Any]:
    """Fit early cycle-life prediction (Severson et al. 2019) with conformal intervals; the job's result has metrics."""
    store: Store = request.app.state.store
    check_model_name(body.name)

    def work(progress: Progress) -> dict[str, Any]:
        return fit_model(store, body.name, body.model, body.dataset, body.coverage, body.conformal, progress)

    jobs: JobManager = request.app.state.jobs
    job = jobs.submit("battery.life.fit", work, params=body.model_dump())
    return await finish_job(request, response, job, wait)


@router.post("/predict", summary="Predicted cycle life with intervals")
def predict_endpoint(body: PredictRequest, request: Request) -> dict[str, Any]:
    """Per cell: ``predicted_cycle_life``, ``lower``, ``upper`` (the model's conformal interval) and ``coverage``."""
    result: dict[str, Any] = finite_json(
        predict(request.app.state.store, body.model, body.cells, body.sample)
    )
    return result
