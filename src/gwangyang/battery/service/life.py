"""Early cycle-life models: fit, list, predict (kept in the store)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ...compute import Executor, SerialExecutor
from ...errors import InputError, NotFoundError, one_line
from ...files import jsonable
from ...store import Store, artifacts
from .common import Progress, check_cell_id

if TYPE_CHECKING:
    pass

DEMO_MODEL = "demo"
"""Name of the cycle-life model the demo keeps."""

SAMPLE_SPLITS = ("train", "test1")
"""Splits of the shipped Severson sample a request may name."""


@lru_cache(maxsize=4)
def severson_sample(split: str) -> Any:
    """A split (``train`` or ``test1``) of the shipped Severson sample, cells of known life (read once)."""
    from ...samples import sample_dir
    from ..severson import load_severson

    if split not in SAMPLE_SPLITS:
        raise InputError(f"sample: expected one of {', '.join(SAMPLE_SPLITS)}, got {split!r}.")
    return load_severson(sample_dir("severson"), split=split, require_life=True)


def fit_life_model(
    store: Store,
    name: str = DEMO_MODEL,
    model: str = "variance",
    dataset: str = "sample",
    coverage: float = 0.9,
    conformal: str = "group-cv+",
    progress: Progress | None = None,
    org: str | None = None,
) -> dict[str, Any]:
    """Fit a cycle-life model on cells of known life, keep it in the store with its record, return the record.

    Parameters
    ----------
    store
        The store (the model is kept as ``models/life/<name>``).
    name
        Model name.
    model
        One of :data:`gwangyang.battery.life.LIFE_MODELS`, or ``auto`` (chosen by cross-validation on the
        training cells, :func:`gwangyang.battery.life_select.select_life_model`).
    dataset
        ``sample`` (shipped Severson train split; its test1 split is predicted and scored) or ``store``
        (store cells of known life; they are predicted back).
    coverage, conformal
        See :func:`gwangyang.battery.life_fit.fit_life`; the default ``group-cv+`` is the interval for
        cells of another batch (folds by batch, else by charging policy with the lot shift, else
        shuffled folds with the lot shift and a warning).
    progress
        Called as ``progress(done, total)`` over the three stages (and the ``auto`` selection's steps).
    org
        Organisation the model belongs to (``org`` of its record); None: shared with everyone.

    Returns
    -------
    dict
        ``name``, ``model`` (the one fitted), ``dataset``, ``source``, ``coverage``, ``conformal`` (as asked),
        ``selection`` (with ``auto``: each candidate's cross-validated RMSE and the choice),
        ``interval`` (the mode run, what its folds keep together, the lot shift), ``warnings``,
        ``training_cells``, ``interval_factor``, ``train`` metrics, ``test`` metrics (sample only) and ``predictions``
        (cell, predicted cycle life, lower, upper, observed cycle life).
    """
    from ..early_life_store import load_store
    from ..life_fit import fit_life
    from ..life_predict import predict_cells

    model_path = artifacts.life_model_path(store, name)
    report = progress or (lambda done, total: None)
    report(0, 3)
    if dataset == "sample":
        train, held = severson_sample("train"), severson_sample("test1")
        source = "shipped Severson sample (train split)"
    elif dataset == "store":
        train, held = load_store(store, require_life=True), None
        source = f"store cells of known life ({store.root.name})"
    else:
        raise InputError(f"dataset: expected 'sample' or 'store', got {dataset!r}.")
    report(1, 3)
    model_path.parent.mkdir(parents=True, exist_ok=True)
    steps = 0  # the auto selection's steps, once known

    def selecting(done: int, total: int) -> None:
        nonlocal steps
        steps = total
        report(1 + done, 3 + total)

    fitted = fit_life(
        train,
        model,
        coverage=coverage,
        conformal=conformal,
        out=model_path,
        source=source,
        progress=selecting,
    )
    pipeline = fitted.pop("pipeline")
    report(2 + steps, 3 + steps)
    scored = held if held is not None else train
    rows = predict_cells(pipeline, scored.cells)
    for row, life in zip(rows, scored.cycle_life, strict=True):
        row["cycle_life"] = float(life) if np.isfinite(life) else None
    summary: dict[str, Any] = {
        "name": name,
        "model": fitted["model"],
        **({"selection": fitted["selection"]} if "selection" in fitted else {}),
        "dataset": dataset,
        "source": source,
        "coverage": coverage,
        "conformal": conformal,
        "training_cells": len(train.cells),
        "interval": fitted["interval"],
        "warnings": fitted["warnings"],
        "interval_factor": fitted["interval_factor"],
        "train": fitted["train"],
    }
    if held is not None:
        summary["test"] = score_predictions(rows)
    summary["predictions"] = rows
    summary["org"] = org
    summary = jsonable(summary)
    artifacts.save(store, "life-model", name, summary)
    report(3 + steps, 3 + steps)
    return summary


def list_life_models(store: Store) -> list[dict[str, Any]]:
    """Models kept in the store, newest first: their records without the predictions, with ``saved_at``."""
    out = []
    for name in artifacts.names(store, "life-model"):
        if not artifacts.life_model_path(store, name).exists():
            continue
        try:
            record = artifacts.load(store, "life-model", name)
        except NotFoundError:
            continue
        record.pop("predictions", None)
        record["saved_at"] = artifacts.modified(store, "life-model", name)
        out.append(record)
    out.sort(key=lambda r: r["saved_at"], reverse=True)
    return out


def life_model_record(store: Store, name: str) -> dict[str, Any]:
    """A kept model's record (metrics and fit-time predictions)."""
    if not artifacts.life_model_path(store, name).exists():
        raise NotFoundError(
            f"life model {name!r}: not in store (fit one with POST /api/v1/battery/life/fit)."
        )
    record: dict[str, Any] = artifacts.load(store, "life-model", name)
    return record


def newest_life_model(store: Store, visible: Callable[[Any], bool] | None = None) -> dict[str, Any] | None:
    """The newest kept model's record with its fit-time predictions (of a model whose ``org`` passes ``visible``), or None."""
    for entry in list_life_models(store):
        if visible is not None and not visible(entry.get("org")):
            continue
        try:
            return life_model_record(store, entry["name"])
        except (InputError, NotFoundError):
            continue
    return None


_LOADED: dict[str, tuple[int, Any]] = {}
_LOADED_LOCK = threading.Lock()


def _loaded_model(path: Path, name: str) -> Any:
    """A model file, loaded once per file version."""
    from ..modelfile import load_model

    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise NotFoundError(
            f"life model {name!r}: not in store (fit one with POST /api/v1/battery/life/fit)."
        ) from None
    key = str(path)
    with _LOADED_LOCK:
        hit = _LOADED.get(key)
        if hit is None or hit[0] != stamp:
            hit = (stamp, load_model(path))
            _LOADED[key] = hit
    return hit[1]


def _store_cell_curves(item: tuple[str, str, int]) -> tuple[Any, str | None]:
    """One store cell's early-cycle curves, or the reason it has none (runs on any worker)."""
    from ..early_life_store import load_store_cell

    root, cell_id, last_cycle = item
    try:
        return load_store_cell(Store(root), cell_id, last_cycle), None
    except InputError as exc:
        return None, one_line(str(exc))


def predict_life(
    store: Store,
    name: str,
    cells: list[str] | None = None,
    sample: str | None = None,
    executor: Executor | None = None,
) -> dict[str, Any]:
    """Predicted cycle life with its interval, by a kept model, for store cells or a split of the shipped sample.

    A store cell that cannot be predicted (fewer than 100 cycles of Q(V) curves) is listed under ``errors``
    with the reason; the others are predicted. The store cells' curves are read as independent items of
    ``executor`` (serial by default); the model predicts them together.
    """
    from ..life_predict import predict_cells, unpredictable

    if (cells is None) == (sample is None):
        raise InputError("predict: give either 'cells' (store cell ids) or 'sample' (train or test1).")
    loaded = _loaded_model(artifacts.life_model_path(store, name), name)
    pipeline = loaded.model
    last_cycle = int(tuple(loaded.info.get("cycles", (10, 100)))[1])
    errors: list[dict[str, str]] = []
    observed: list[float | None]
    if sample is not None:
        data = severson_sample(sample)
        inputs = list(data.cells)
        observed = [float(v) for v in data.cycle_life]
    else:
        assert cells is not None
        if not cells:
            raise InputError("cells: expected at least one store cell id.")
        for cell_id in cells:
            store.meta(check_cell_id(cell_id))
        items = [(str(store.root), cell_id, last_cycle) for cell_id in cells]
        loaded_cells = (executor or SerialExecutor()).map(_store_cell_curves, items)
        inputs, observed = [], []
        for cell_id, (curves, error) in zip(cells, loaded_cells, strict=True):
            if error is not None:
                errors.append({"cell": cell_id, "error": error})
                continue
            inputs.append(curves)
            observed.append(None)
    bad = unpredictable(pipeline, inputs)
    errors.extend({"cell": inputs[k].cell, "error": error} for k, error in bad.items())
    observed = [life for k, life in enumerate(observed) if k not in bad]
    inputs = [c for k, c in enumerate(inputs) if k not in bad]
    rows = predict_cells(pipeline, inputs) if inputs else []
    coverage = float(pipeline[-1].coverage)
    for row, life in zip(rows, observed, strict=True):
        row["cycle_life"] = life
        row["coverage"] = coverage
    result: dict[str, Any] = jsonable({"model": name, "predictions": rows, "errors": errors})
    return result


def fit_life_file(
    dataset: str,
    out: Path,
    model: str = "variance",
    split: str | None = None,
    coverage: float = 0.9,
    conformal: str = "group-cv+",
    cycles: tuple[int, int] = (10, 100),
    store: Store | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Fit a cycle-life model on a Severson-layout folder (or ``store:`` cells) and write it to a model file.

    ``progress(done, total)`` follows the ``auto`` selection (see :func:`gwangyang.battery.life_fit.fit_life`).
    """
    from ..life_fit import fit_life, load_training_set

    data, source = load_training_set(dataset, split, store, max(cycles))
    summary = fit_life(data, model, cycles, coverage, conformal, out=out, source=source, progress=progress)
    summary.pop("pipeline")
    result: dict[str, Any] = jsonable(summary)
    return result


def score_predictions(rows: Sequence[dict[str, Any]]) -> dict[str, float] | None:
    """RMSE, mean % error, coverage and mean width of predictions over the rows of known ``cycle_life`` (None if none)."""
    from ..life_fit import score_predictions as run_score

    return run_score(rows)


def predict_life_file(
    model: Path, items: Sequence[str], store: Store | None = None, errors: list[dict[str, str]] | None = None
) -> list[dict[str, Any]]:
    """Predicted cycle life with its interval by a model file, for folders, files or store cell ids.

    With ``errors``, a folder's cells that cannot be read are listed there and the others predicted.
    """
    from ..life_fit import predict_life as run_predict

    result: list[dict[str, Any]] = jsonable(run_predict(model, items, store, errors))
    return result
