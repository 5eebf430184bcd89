"""Early-life predictions as rows: each cell's predicted cycle life with its interval and warnings; scoring.

:func:`predict_cells` turns a fitted life pipeline (:func:`~gwangyang.battery.life.make_life_model`) and cells
into the JSON-ready rows the CLI, the API, the pages and the benchmarks show; :func:`life_metrics` scores
predictions against known lives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from ..errors import InputError
from .features_curves import CellCurves
from .policy import policy_notes

EXTRAPOLATION_SD = 1.0
"""A cell whose feature lies more than this many training standard deviations beyond the training
range gets a warning: the model extrapolates there, and its interval was not calibrated on such cells."""


def predict_cells(pipeline: Pipeline, cells: Sequence[CellCurves]) -> list[dict[str, Any]]:
    """JSON-ready predictions: ``{"cell", "predicted_cycle_life", "lower", "upper"}`` per cell.

    A cell whose features lie beyond the training range (:data:`EXTRAPOLATION_SD`) also gets
    ``"beyond_training_range": True`` and a ``"warning"`` naming the farthest feature and how far out it
    is; a ``charging`` model's cell whose policy name carries words it did not read gets them named in the
    ``"warning"`` too (:func:`~gwangyang.battery.policy.policy_notes`), joined by "; ".
    """
    features = pipeline[:-1].transform(list(cells))
    regressor = pipeline[-1]
    predicted, lower, upper = regressor.predict_interval(features)
    distance = regressor.extrapolation(features) if hasattr(regressor, "extrapolation") else None
    names = _feature_names(pipeline[:-1], np.asarray(features).shape[1])
    reads_policy = getattr(pipeline[0], "feature_set", None) == "charging"
    notes = policy_notes(cells) if reads_policy else {}
    out = []
    for k, (c, p, lo, hi) in enumerate(zip(cells, predicted, lower, upper, strict=True)):
        row: dict[str, Any] = {
            "cell": c.cell,
            "predicted_cycle_life": float(p),
            "lower": float(lo),
            "upper": float(hi),
        }
        said = []
        if distance is not None and distance.shape[1] and float(distance[k].max()) > EXTRAPOLATION_SD:
            j = int(np.argmax(distance[k]))
            row["beyond_training_range"] = True
            said.append(
                f"feature {names[j]} lies {distance[k, j]:.1f} training standard deviations outside the "
                "training cells' range: the prediction extrapolates and its interval was not calibrated there"
            )
        if k in notes:
            said.append(notes[k])
        if said:
            row["warning"] = "; ".join(said)
        out.append(row)
    return out


def unpredictable(pipeline: Pipeline, cells: Sequence[CellCurves]) -> dict[int, str]:
    """The cells whose features ``pipeline`` cannot compute, by position, each with its one-line error.

    A cell read from a matrix file is named by that file (``CellCurves.source``), as read errors are,
    so that a batch with one unusable curve (too few Q(V) rows in the ΔQ(V) window, identical curves)
    can still predict its other cells.
    """
    bad: dict[int, str] = {}
    features = pipeline[:-1]
    for k, cell in enumerate(cells):
        try:
            features.transform([cell])
        except InputError as exc:
            bad[k] = str(exc) if cell.source is None else f"{cell.source}: {exc}"
    return bad


def _feature_names(transform: Any, count: int) -> list[str]:
    try:
        names = [str(n) for n in transform.get_feature_names_out()]
    except (AttributeError, ValueError, TypeError):
        names = []
    return names if len(names) == count else [f"#{i + 1}" for i in range(count)]


def life_metrics(
    actual: np.ndarray,
    predicted: np.ndarray,
    lower: np.ndarray | None = None,
    upper: np.ndarray | None = None,
) -> dict[str, float]:
    """RMSE (cycles), mean absolute percentage error, and interval coverage and mean width."""
    actual = np.asarray(actual, dtype="float64")
    predicted = np.asarray(predicted, dtype="float64")
    out = {
        "rmse_cycles": float(np.sqrt(np.mean((predicted - actual) ** 2))),
        "mean_percent_error": float(np.mean(np.abs(predicted - actual) / actual) * 100.0),
        "cells": float(len(actual)),
    }
    if lower is not None and upper is not None:
        out["coverage"] = float(np.mean((actual >= lower) & (actual <= upper)))
        out["mean_width_cycles"] = float(np.mean(np.asarray(upper) - np.asarray(lower)))
    return out
