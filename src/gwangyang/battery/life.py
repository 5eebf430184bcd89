"""Early cycle-life prediction with conformal intervals (Severson et al. 2019, Nature Energy 4:383).

:class:`CycleLifeRegressor` works on a feature matrix (see :mod:`gwangyang.battery.features`) and
learns log10 cycle life, as the paper does: an elastic net on standardised features with its
penalty chosen by cross-validation, or LightGBM gradient boosting. Prediction intervals are
conformal, built from absolute residuals in log10 space, so they are multiplicative
(``[ŷ / f, ŷ · f]``):

* ``conformal="cv"`` (default): residuals are out-of-fold predictions of a K-fold split of the
  training cells and the point model is refit on all of them (cross-conformal / CV+ style).
  With ~40 training cells, holding out a quarter for calibration costs the point model too much.
* ``conformal="split"``: the textbook split-conformal recipe: fit on a random part, calibrate on
  the rest (``calibration_size``), which gives the finite-sample guarantee
  P(y in interval) ≥ coverage for exchangeable cells.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ..errors import InputError
from .features import FEATURE_SETS, CellCurves, SeversonFeatures

if TYPE_CHECKING:
    from ..store import Store
    from .modelfile import ModelFile
    from .severson import EarlyLifeSet

LIFE_MODELS: dict[str, tuple[str, str]] = {
    "variance": ("variance", "elasticnet"),
    "discharge": ("discharge", "elasticnet"),
    "full": ("full", "elasticnet"),
    "gbm": ("discharge", "gbm"),
    "extended": ("extended", "elasticnet"),
}
"""CLI model name → (feature set, regression method)."""

L1_RATIOS: tuple[float, ...] = (0.1, 0.5, 0.7, 0.9, 0.95, 0.99, 1.0)
"""Elastic-net mixing values searched by cross-validation."""


def conformal_quantile(residuals: np.ndarray, coverage: float) -> float:
    """The ⌈(n+1)·coverage⌉-th smallest absolute residual (infinite when n is too small)."""
    scores = np.sort(np.abs(np.asarray(residuals, dtype="float64")))
    n = len(scores)
    rank = math.ceil((n + 1) * coverage)
    return float("inf") if rank > n else float(scores[rank - 1])


class CycleLifeRegressor(RegressorMixin, BaseEstimator):
    """Cycle life from early-life features, with conformal prediction intervals.

    Parameters
    ----------
    method
        ``elasticnet`` (the paper's) or ``gbm`` (LightGBM).
    coverage
        Nominal coverage of :meth:`predict_interval`, in (0, 1).
    conformal
        ``cv`` (K-fold out-of-fold residuals) or ``split`` (held-out calibration cells).
    n_folds
        Folds of the ``cv`` residuals and of the elastic net's penalty search.
    calibration_size
        Fraction of cells held out for calibration with ``conformal="split"``.
    random_state
        Seed of the fold and calibration shuffles and of LightGBM.
    """

    def __init__(
        self,
        method: str = "elasticnet",
        coverage: float = 0.9,
        conformal: str = "cv",
        n_folds: int = 4,
        calibration_size: float = 0.25,
        random_state: int | None = 0,
    ) -> None:
        self.method = method
        self.coverage = coverage
        self.conformal = conformal
        self.n_folds = n_folds
        self.calibration_size = calibration_size
        self.random_state = random_state

    def _check_params(self) -> None:
        if self.method not in ("elasticnet", "gbm"):
            raise InputError(f"method: expected 'elasticnet' or 'gbm', got {self.method!r}.")
        if not 0.0 < float(self.coverage) < 1.0:
            raise InputError(f"coverage: expected a fraction in (0, 1), got {self.coverage}.")
        if self.conformal not in ("cv", "split"):
            raise InputError(f"conformal: expected 'cv' or 'split', got {self.conformal!r}.")
        if int(self.n_folds) < 2:
            raise InputError(f"n_folds: expected at least 2, got {self.n_folds}.")
        if not 0.0 < float(self.calibration_size) < 1.0:
            raise InputError(f"calibration_size: expected a fraction in (0, 1), got {self.calibration_size}.")

    def _base(self, n_samples: int) -> Any:
        from sklearn.model_selection import KFold
        from sklearn.preprocessing import StandardScaler

        if self.method == "gbm":
            from lightgbm import LGBMRegressor

            # Few cells: shallow trees with small leaves, and no console chatter.
            return LGBMRegressor(
                n_estimators=300,
                learning_rate=0.05,
                num_leaves=7,
                min_child_samples=3,
                subsample=0.8,
                subsample_freq=1,
                n_jobs=1,
                random_state=self.random_state,
                verbose=-1,
            )
        from sklearn.linear_model import ElasticNetCV

        folds = KFold(min(int(self.n_folds), n_samples), shuffle=True, random_state=self.random_state)
        net = ElasticNetCV(l1_ratio=list(L1_RATIOS), cv=folds, max_iter=100_000)
        return Pipeline([("scale", StandardScaler()), ("net", net)])

    def _validate(self, X: Any, y: Any = None) -> tuple[np.ndarray, np.ndarray | None]:
        from sklearn.utils.validation import check_array

        try:
            matrix = check_array(X, dtype="float64")
        except ValueError as exc:
            raise InputError(f"features: {exc}".splitlines()[0]) from exc
        if y is None:
            return matrix, None
        life = np.asarray(y, dtype="float64").ravel()
        if len(life) != len(matrix):
            raise InputError(f"cycle life: expected {len(matrix)} values, got {len(life)}.")
        if not (np.isfinite(life).all() and (life > 0).all()):
            raise InputError("cycle life: every value must be a positive number.")
        return matrix, life

    def fit(self, X: Any, y: Any) -> CycleLifeRegressor:
        """Fit on features ``X`` (cells × features) and cycle lives ``y``."""
        from sklearn.model_selection import KFold, train_test_split

        self._check_params()
        matrix, life = self._validate(X, y)
        assert life is not None
        if len(matrix) < 2 * int(self.n_folds):
            raise InputError(
                f"training set: {len(matrix)} cells; at least {2 * int(self.n_folds)} are needed."
            )
        target = np.log10(life)
        self.n_features_in_ = matrix.shape[1]
        if self.conformal == "split":
            fit_idx, cal_idx = train_test_split(
                np.arange(len(matrix)), test_size=self.calibration_size, random_state=self.random_state
            )
            self.model_ = clone(self._base(len(fit_idx))).fit(matrix[fit_idx], target[fit_idx])
            residuals = target[cal_idx] - self.model_.predict(matrix[cal_idx])
        else:
            residuals = np.empty(len(matrix))
            folds = KFold(int(self.n_folds), shuffle=True, random_state=self.random_state)
            for train, held in folds.split(matrix):
                part = clone(self._base(len(train))).fit(matrix[train], target[train])
                residuals[held] = target[held] - part.predict(matrix[held])
            self.model_ = clone(self._base(len(matrix))).fit(matrix, target)
        self.calibration_residuals_ = residuals
        self.log_halfwidth_ = conformal_quantile(residuals, float(self.coverage))
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted cycle life of each cell."""
        check_is_fitted(self, "model_")
        matrix, _ = self._validate(X)
        if matrix.shape[1] != self.n_features_in_:
            raise InputError(f"features: expected {self.n_features_in_} columns, got {matrix.shape[1]}.")
        return np.asarray(10.0 ** self.model_.predict(matrix), dtype="float64")

    def predict_interval(self, X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Point prediction and conformal interval ``(predicted, lower, upper)`` in cycles."""
        predicted = self.predict(X)
        factor = 10.0**self.log_halfwidth_
        return predicted, predicted / factor, predicted * factor


def make_life_model(
    model: str = "variance", cycles: tuple[int, int] = (10, 100), **regressor: Any
) -> Pipeline:
    """A pipeline ``features → CycleLifeRegressor`` for one of :data:`LIFE_MODELS`."""
    if model not in LIFE_MODELS:
        raise InputError(f"model: expected one of {', '.join(LIFE_MODELS)}, got {model!r}.")
    feature_set, method = LIFE_MODELS[model]
    return Pipeline(
        [
            ("features", SeversonFeatures(feature_set=feature_set, cycles=cycles)),
            ("regressor", CycleLifeRegressor(method=method, **regressor)),
        ]
    )


def predict_cells(pipeline: Pipeline, cells: Sequence[CellCurves]) -> list[dict[str, Any]]:
    """JSON-ready predictions: ``{"cell", "predicted_cycle_life", "lower", "upper"}`` per cell."""
    features = pipeline[:-1].transform(list(cells))
    predicted, lower, upper = pipeline[-1].predict_interval(features)
    return [
        {"cell": c.cell, "predicted_cycle_life": float(p), "lower": float(lo), "upper": float(hi)}
        for c, p, lo, hi in zip(cells, predicted, lower, upper, strict=True)
    ]


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


STORE_PREFIX = "store:"
"""A dataset or cell named ``store:...`` comes from the store, not from a folder."""


def load_training_set(
    dataset: str | Path, split: str | None = None, store: Store | None = None
) -> tuple[EarlyLifeSet, str]:
    """Cells of known cycle life to fit on, and a description of where they came from.

    Parameters
    ----------
    dataset
        A folder in the Severson layout whose ``cells.csv`` gives ``cycle_life``; or ``store:``
        (every store cell of known life with 100 cycles of Q(V) curves); or ``store:ID,ID,...``.
    split
        Keep only the ``cells.csv`` rows of this split (folders only).
    store
        The store for ``store:`` datasets (default: :class:`gwangyang.store.Store` ()).

    Returns
    -------
    tuple
        The :class:`~gwangyang.battery.severson.EarlyLifeSet`, sorted by cell name, and its source.
    """
    from .severson import load_severson, load_store

    text = str(dataset)
    if text.startswith(STORE_PREFIX):
        from ..store import Store as StoreClass

        opened = store if store is not None else StoreClass()
        ids = [part for part in text.removeprefix(STORE_PREFIX).split(",") if part]
        data = load_store(opened, ids or None, require_life=True)
        missing = [i for i in ids if i not in set(data.table["cell"])]
        if missing:
            raise InputError(f"{text}: cell {missing[0]!r} has no known cycle life.")
        return data.sorted(), f"store {opened.root}"
    return load_severson(Path(text), split=split, require_life=True).sorted(), text


def fit_life(
    data: EarlyLifeSet,
    model: str = "variance",
    cycles: tuple[int, int] = (10, 100),
    coverage: float = 0.9,
    conformal: str = "cv",
    out: str | Path | None = None,
    source: str = "",
) -> dict[str, Any]:
    """Fit a cycle-life model on cells of known life; optionally save it.

    Parameters
    ----------
    data
        Training cells (see :func:`load_training_set`).
    model
        One of :data:`LIFE_MODELS`.
    cycles
        Cycle pair (a, b) of ΔQ(V) = Q_b − Q_a.
    coverage, conformal
        See :class:`CycleLifeRegressor`.
    out
        Model file to write (:func:`gwangyang.battery.modelfile.save_model`); None: do not save.
    source
        Where the cells came from (recorded in the model file).

    Returns
    -------
    dict
        JSON-ready summary: ``model``, ``feature_set``, ``out``, ``cells``, ``training_hash``,
        ``interval_factor`` (the interval is [ŷ / f, ŷ · f]), ``train`` metrics (in-sample),
        ``versions``; and the fitted pipeline under ``pipeline`` (drop it before printing).
    """
    from .modelfile import library_versions, save_model

    if model not in LIFE_MODELS:
        raise InputError(f"model: expected one of {', '.join(LIFE_MODELS)}, got {model!r}.")
    pipeline = make_life_model(model, cycles=cycles, coverage=coverage, conformal=conformal)
    pipeline.fit(data.cells, data.cycle_life)
    predicted, lower, upper = pipeline[-1].predict_interval(pipeline[:-1].transform(data.cells))
    feature_set = LIFE_MODELS[model][0]
    training_hash = data.data_hash()
    versions = library_versions()
    if out is not None:
        info = {
            "cycles": list(cycles),
            "coverage": coverage,
            "conformal": conformal,
            "training_cells": len(data.cells),
            "source": source,
        }
        versions = save_model(out, pipeline, model, feature_set, training_hash, info).versions
    return {
        "model": model,
        "feature_set": feature_set,
        "out": None if out is None else str(out),
        "cells": len(data.cells),
        "training_hash": training_hash,
        "interval_factor": float(10.0 ** pipeline[-1].log_halfwidth_),
        "train": life_metrics(data.cycle_life, predicted, lower, upper),
        "versions": versions,
        "pipeline": pipeline,
    }


def load_prediction_inputs(
    items: Sequence[str], store: Store | None = None, last_cycle: int = 100
) -> list[CellCurves]:
    """Cells to predict: Severson-layout folders or matrix files, or store cell ids (``store:`` optional)."""
    from .severson import load_severson, load_store_cell

    cells: list[CellCurves] = []
    opened = store
    for item in items:
        path = Path(item)
        if not item.startswith(STORE_PREFIX) and path.exists():
            cells.extend(load_severson(path).cells)
            continue
        if opened is None:
            from ..store import Store as StoreClass

            opened = StoreClass()
        cells.append(load_store_cell(opened, item.removeprefix(STORE_PREFIX), last_cycle))
    if not cells:
        raise InputError("predict: no cells given.")
    return cells


def predict_life(
    model: str | Path | ModelFile, items: Sequence[str], store: Store | None = None
) -> list[dict[str, Any]]:
    """Predicted cycle life with its conformal interval for each cell.

    Parameters
    ----------
    model
        A model file from :func:`fit_life` (or an already loaded :class:`~gwangyang.battery.modelfile.ModelFile`).
    items
        Severson-layout folders or files, or store cell ids.
    store
        The store holding the cell ids.

    Returns
    -------
    list of dict
        ``{"cell", "predicted_cycle_life", "lower", "upper"}`` per cell.
    """
    from .modelfile import ModelFile, load_model

    loaded = model if isinstance(model, ModelFile) else load_model(model)
    pair = tuple(loaded.info.get("cycles", (10, 100)))
    cells = load_prediction_inputs(items, store, int(pair[1]))
    return predict_cells(loaded.model, cells)


__all__ = [
    "FEATURE_SETS",
    "LIFE_MODELS",
    "CycleLifeRegressor",
    "fit_life",
    "life_metrics",
    "load_prediction_inputs",
    "load_training_set",
    "make_life_model",
    "predict_cells",
    "predict_life",
]
