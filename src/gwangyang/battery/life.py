"""Early cycle-life prediction with conformal intervals (Severson et al. 2019, Nature Energy 4:383).

:class:`CycleLifeRegressor` works on a feature matrix (see :mod:`gwangyang.battery.features`) and
learns log10 cycle life, as the paper does: an elastic net on standardised features with its
penalty chosen by cross-validation (plain four-fold, or the paper's "four-fold cross-validation and
Monte Carlo sampling": ``penalty_cv="montecarlo"``), or LightGBM gradient boosting. Prediction
intervals are conformal (:mod:`gwangyang.battery.conformal`) in log10 space, so they are
multiplicative in cycles:

* ``conformal="cv+"`` (the estimator's default): CV+ (Barber et al. 2021) over ``n_folds``
  shuffled folds: for cells exchangeable with the training cells;
* ``"jackknife+"``: one cell per fold;
* ``"normalized-cv+"``: CV+ on residuals scaled by the distance to the nearest training cells:
  wider for cells unlike those the model was fitted on;
* ``"split"``: split conformal on held-out calibration cells (``calibration_size``);
* ``"group-cv+"``: CV+ with folds that keep each group together, one fold per group up to
  ``n_folds`` groups (``fit(..., groups=...)``: batch, else charging policy), so that the residuals
  include the shift to a group the fold model has not seen. It is what :func:`fit_life`, the CLI
  and the API fit by default (:data:`DEFAULT_CONFORMAL`, :func:`cross_batch_interval`): an
  early-life model is used on the next batch, and shuffled folds calibrate on the batches at hand
  only (leave-one-batch-out coverage 0.13–0.43 on the shared 2017 batches, docs/life.md).

``lot_shift=True`` widens any of them on one side for a *lot* of cells predicted together (a new
batch): by the lot's mean predicted log life minus the training cells' mean, on the side the lot
moves to. A model fitted on one batch under-predicts how far another batch's life moves (the
within-batch slope is shallower than the between-batch one: on the shared 2017 batches, −0.36 within
each batch, −0.63 between their means), so the lot's true shift can be about twice the predicted
one; this is a bound by assumption, not a conformal guarantee.

``"cv"`` is accepted as the old name of ``"cv+"`` (it used to mean out-of-fold residuals around a
refit, which carries no guarantee).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ..errors import InputError
from .conformal import (
    CONFORMAL_ALIASES,
    CONFORMAL_MODES,
    KNNDifficulty,
    conformal_quantile,
    cv_plus_bounds,
)
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
    "robust": ("robust", "elasticnet"),
    "multipair": ("multipair", "elasticnet"),
    "ensemble": ("ensemble", "ensemble"),
    "charging": ("charging", "elasticnet"),
}
"""CLI model name → (feature set, regression method)."""

L1_RATIOS: tuple[float, ...] = (0.1, 0.5, 0.7, 0.9, 0.95, 0.99, 1.0)
"""Elastic-net mixing values searched by cross-validation."""

PENALTY_FOLDS = 4
"""Folds of the elastic net's penalty search (Severson et al.: four-fold)."""

METHODS = ("elasticnet", "gbm", "ensemble")
"""Regression methods of :class:`CycleLifeRegressor`."""


class BlockEnsemble(RegressorMixin, BaseEstimator):
    """One copy of ``estimator`` per block of columns; the prediction is their mean.

    Parameters
    ----------
    sizes
        Columns of each block, in order.
    estimator
        The (unfitted) model fitted on each block.
    """

    def __init__(self, sizes: tuple[int, ...], estimator: Any) -> None:
        self.sizes = sizes
        self.estimator = estimator

    def _blocks(self, matrix: np.ndarray) -> list[np.ndarray]:
        if matrix.shape[1] != sum(self.sizes):
            raise InputError(f"features: expected {sum(self.sizes)} columns, got {matrix.shape[1]}.")
        edges = np.cumsum((0, *self.sizes))
        return [matrix[:, lo:hi] for lo, hi in itertools.pairwise(edges)]

    def fit(self, X: Any, y: Any) -> BlockEnsemble:
        """Fit one model per block."""
        blocks = self._blocks(np.asarray(X, dtype="float64"))
        self.models_ = [clone(self.estimator).fit(block, y) for block in blocks]
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Mean of the block models' predictions."""
        check_is_fitted(self, "models_")
        blocks = self._blocks(np.asarray(X, dtype="float64"))
        return np.asarray(np.mean([m.predict(b) for m, b in zip(self.models_, blocks, strict=True)], axis=0))


def conformal_mode(name: str) -> str:
    """Canonical conformal mode of ``name`` (aliases resolved); InputError if unknown."""
    mode = CONFORMAL_ALIASES.get(name, name)
    if mode not in CONFORMAL_MODES:
        raise InputError(f"conformal: expected one of {', '.join(CONFORMAL_MODES)}, got {name!r}.")
    return mode


class CycleLifeRegressor(RegressorMixin, BaseEstimator):
    """Cycle life from early-life features, with conformal prediction intervals.

    Parameters
    ----------
    method
        ``elasticnet`` (the paper's), ``gbm`` (LightGBM) or ``ensemble`` (one elastic net per block of
        columns of the ``ensemble`` feature set, log10 predictions averaged).
    coverage
        Nominal coverage of :meth:`predict_interval`, in (0, 1).
    conformal
        ``cv+``, ``jackknife+``, ``normalized-cv+``, ``split`` or ``group-cv+`` (see
        :mod:`gwangyang.battery.conformal`).
    n_folds
        Folds of CV+ (and of its normalised variant).
    calibration_size
        Fraction of cells held out for calibration with ``conformal="split"``.
    random_state
        Seed of the fold and calibration shuffles and of LightGBM.
    penalty_cv
        ``kfold`` (four-fold) or ``montecarlo`` (four-fold repeated ``penalty_repeats`` times, as
        the paper): how the elastic net's penalty and mixing value are chosen.
    penalty_repeats
        Repeats of the ``montecarlo`` penalty search.
    lot_shift
        Widen :meth:`predict_interval` on one side by the shift of the predicted lot's mean log life
        from the training cells' (see the module docstring).
    """

    def __init__(
        self,
        method: str = "elasticnet",
        coverage: float = 0.9,
        conformal: str = "cv+",
        n_folds: int = 5,
        calibration_size: float = 0.25,
        random_state: int | None = 0,
        penalty_cv: str = "kfold",
        penalty_repeats: int = 20,
        lot_shift: bool = False,
    ) -> None:
        self.method = method
        self.coverage = coverage
        self.conformal = conformal
        self.n_folds = n_folds
        self.calibration_size = calibration_size
        self.random_state = random_state
        self.penalty_cv = penalty_cv
        self.penalty_repeats = penalty_repeats
        self.lot_shift = lot_shift

    def _check_params(self) -> str:
        if self.method not in METHODS:
            raise InputError(f"method: expected one of {', '.join(METHODS)}, got {self.method!r}.")
        if not 0.0 < float(self.coverage) < 1.0:
            raise InputError(f"coverage: expected a fraction in (0, 1), got {self.coverage}.")
        mode = conformal_mode(str(self.conformal))
        if int(self.n_folds) < 2:
            raise InputError(f"n_folds: expected at least 2, got {self.n_folds}.")
        if not 0.0 < float(self.calibration_size) < 1.0:
            raise InputError(f"calibration_size: expected a fraction in (0, 1), got {self.calibration_size}.")
        if self.penalty_cv not in ("kfold", "montecarlo"):
            raise InputError(f"penalty_cv: expected 'kfold' or 'montecarlo', got {self.penalty_cv!r}.")
        return mode

    def _base(self, n_samples: int) -> Any:
        from sklearn.model_selection import KFold, RepeatedKFold
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
        if self.method == "ensemble":
            from .features import ENSEMBLE_MEMBERS, FEATURE_SETS

            sizes = tuple(len(FEATURE_SETS[member]) for member in ENSEMBLE_MEMBERS)
            single = clone(self).set_params(method="elasticnet")
            return BlockEnsemble(sizes, single._base(n_samples))
        from sklearn.linear_model import ElasticNetCV

        folds = min(PENALTY_FOLDS, n_samples)
        splitter: Any = (
            RepeatedKFold(n_splits=folds, n_repeats=int(self.penalty_repeats), random_state=self.random_state)
            if self.penalty_cv == "montecarlo"
            else KFold(folds, shuffle=True, random_state=self.random_state)
        )
        net = ElasticNetCV(l1_ratio=list(L1_RATIOS), cv=splitter, max_iter=100_000, precompute=True)
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

    @staticmethod
    def _group_labels(groups: Any, n_cells: int) -> np.ndarray:
        """The ``group-cv+`` labels, checked: one per cell, two distinct values at least."""
        if groups is None:
            raise InputError(
                "groups: conformal 'group-cv+' needs a group (batch or charging policy) per cell."
            )
        labels = np.asarray(groups).ravel()
        if len(labels) != n_cells:
            raise InputError(f"groups: expected {n_cells} labels, got {len(labels)}.")
        if len(set(labels.tolist())) < 2:
            raise InputError("groups: conformal 'group-cv+' needs at least two groups.")
        return labels

    def fit(self, X: Any, y: Any, groups: Any = None) -> CycleLifeRegressor:
        """Fit on features ``X`` (cells × features) and cycle lives ``y``, then calibrate the intervals.

        ``groups`` (one label per cell, e.g. batch or charging policy) keeps each group in one CV+
        fold, so that the calibration residuals include the error on a group the fold model has
        not seen; with fewer groups than ``n_folds``, there is one fold per group. ``group-cv+``
        needs ``groups``.
        """
        from sklearn.model_selection import GroupKFold, KFold, LeaveOneGroupOut, train_test_split

        mode = self._check_params()
        matrix, life = self._validate(X, y)
        assert life is not None
        if len(matrix) < 2 * int(self.n_folds):
            raise InputError(
                f"training set: {len(matrix)} cells; at least {2 * int(self.n_folds)} are needed."
            )
        target = np.log10(life)
        self.n_features_in_ = matrix.shape[1]
        self.mode_ = mode
        self.model_ = clone(self._base(len(matrix))).fit(matrix, target)
        self.train_log_mean_ = float(np.mean(self.model_.predict(matrix)))
        if mode == "split":
            fit_idx, cal_idx = train_test_split(
                np.arange(len(matrix)), test_size=self.calibration_size, random_state=self.random_state
            )
            part = clone(self._base(len(fit_idx))).fit(matrix[fit_idx], target[fit_idx])
            residuals = target[cal_idx] - part.predict(matrix[cal_idx])
            self.fold_models_ = [part]
            self.fold_of_ = np.zeros(len(cal_idx), dtype=int)
            self.difficulty_: list[KNNDifficulty] | None = None
            self.scores_ = np.abs(residuals)
        else:
            k = len(matrix) if mode == "jackknife+" else int(self.n_folds)
            splits: Any
            if mode == "group-cv+":
                labels = self._group_labels(groups, len(matrix))
                n_groups = len(set(labels.tolist()))
                splits = (
                    LeaveOneGroupOut().split(matrix, target, labels)
                    if n_groups <= k
                    else GroupKFold(k).split(matrix, target, labels)
                )
            elif groups is not None and mode != "jackknife+":
                labels = np.asarray(groups).ravel()
                if len(labels) != len(matrix):
                    raise InputError(f"groups: expected {len(matrix)} labels, got {len(labels)}.")
                n_groups = len(set(labels.tolist()))
                if n_groups < 2:
                    raise InputError("groups: CV+ by group needs at least two groups.")
                splits = GroupKFold(min(k, n_groups)).split(matrix, target, labels)
            else:
                splits = KFold(k, shuffle=True, random_state=self.random_state).split(matrix)
            residuals = np.empty(len(matrix))
            self.fold_of_ = np.empty(len(matrix), dtype=int)
            self.fold_models_ = []
            self.difficulty_ = [] if mode == "normalized-cv+" else None
            scale = np.ones(len(matrix))
            for fold, (train, held) in enumerate(splits):
                part = clone(self._base(len(train))).fit(matrix[train], target[train])
                self.fold_models_.append(part)
                self.fold_of_[held] = fold
                residuals[held] = target[held] - part.predict(matrix[held])
                if self.difficulty_ is not None:
                    sigma = KNNDifficulty().fit(matrix[train])
                    self.difficulty_.append(sigma)
                    scale[held] = sigma(matrix[held])
            self.scores_ = np.abs(residuals) / scale
        self.calibration_residuals_ = residuals
        # A one-number summary of the interval: the conformal quantile of the raw residuals.
        self.log_halfwidth_ = conformal_quantile(residuals, float(self.coverage))
        return self

    def _checked(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "model_")
        matrix, _ = self._validate(X)
        if matrix.shape[1] != self.n_features_in_:
            raise InputError(f"features: expected {self.n_features_in_} columns, got {matrix.shape[1]}.")
        return matrix

    def predict(self, X: Any) -> np.ndarray:
        """Predicted cycle life of each cell (the model fitted on all training cells)."""
        matrix = self._checked(X)
        return np.asarray(10.0 ** self.model_.predict(matrix), dtype="float64")

    def predict_interval(self, X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Point prediction and conformal interval ``(predicted, lower, upper)`` in cycles.

        With ``lot_shift``, the rows of ``X`` are one lot: the widening uses their mean prediction.
        """
        matrix = self._checked(X)
        centre = np.asarray(self.model_.predict(matrix), dtype="float64")
        folds = np.column_stack([m.predict(matrix) for m in self.fold_models_])
        difficulty = getattr(self, "difficulty_", None)
        if difficulty:
            scale = np.column_stack([sigma(matrix) for sigma in difficulty])
        else:
            scale = np.ones_like(folds)
        low, high = cv_plus_bounds(folds, self.fold_of_, self.scores_, scale, float(self.coverage))
        low, high = np.minimum(low, centre), np.maximum(high, centre)
        if self.lot_shift and len(centre):
            shift = float(np.mean(centre)) - float(getattr(self, "train_log_mean_", np.mean(centre)))
            low, high = low - max(-shift, 0.0), high + max(shift, 0.0)
        return 10.0**centre, 10.0**low, 10.0**high


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


DEFAULT_CONFORMAL = "group-cv+"
"""The interval a user gets by default (:func:`fit_life`, ``battery life fit``, the API's fit): the one
that holds for cells of a batch the model has not seen (:func:`cross_batch_interval`). The estimator
:class:`CycleLifeRegressor` itself defaults to ``cv+``: ``group-cv+`` needs groups at fit time."""

NO_GROUPS_WARNING = (
    "the training cells name neither two batches nor two charging policies ('batch' or 'policy' "
    "column): the interval is CV+ over shuffled folds widened by the lot shift; its residuals hold no "
    "shift between batches, so on a new batch it covers less than it claims unless the lot shift "
    "bounds that shift"
)
"""Why the default interval falls back to ``cv+`` with the lot shift (e.g. store cells)."""


def interval_groups(data: EarlyLifeSet) -> tuple[np.ndarray | None, str | None]:
    """Groups of ``group-cv+`` and the column they come from: ``batch``, else ``policy``.

    Leaving one batch out calibrates the interval on the error for a batch the fold model has not
    seen. Cells of a single batch carry no batch-to-batch shift; leaving one charging policy out is
    the next coarsest grouping they name, and :func:`cross_batch_params` then adds the lot shift.
    ``(None, None)`` where neither column names two values.
    """
    for column in ("batch", "policy"):
        if column in data.table.columns:
            labels = data.table[column].astype(str).to_numpy()
            if len(set(labels.tolist())) >= 2:
                return labels, column
    return None, None


def cross_batch_interval(data: EarlyLifeSet) -> tuple[dict[str, Any], np.ndarray | None, str | None]:
    """Regressor settings, fold groups and a warning of the interval for a batch ``data`` does not hold.

    * two batches or more: ``group-cv+``, one fold per batch (up to ``n_folds``), no lot shift (the
      residuals are errors on a batch the fold model has not seen);
    * one batch, two charging policies or more: ``group-cv+`` by policy, plus the lot shift (the batch
      shift cannot be measured within one batch, so it is bounded by the lot's own predicted shift);
    * neither (e.g. store cells, which carry no batch or policy): ``cv+`` over shuffled folds plus the
      lot shift, and :data:`NO_GROUPS_WARNING`.

    Returns
    -------
    tuple
        ``{"conformal", "lot_shift"}`` for :class:`CycleLifeRegressor`, the groups to pass to its
        ``fit`` (None for shuffled folds) and the warning (None where groups were found).
    """
    groups, column = interval_groups(data)
    if column is None:
        return {"conformal": "cv+", "lot_shift": True}, None, NO_GROUPS_WARNING
    return {"conformal": "group-cv+", "lot_shift": column != "batch"}, groups, None


def cross_batch_params(data: EarlyLifeSet) -> dict[str, Any]:
    """The regressor settings of :func:`cross_batch_interval`."""
    return cross_batch_interval(data)[0]


def fit_life(
    data: EarlyLifeSet,
    model: str = "variance",
    cycles: tuple[int, int] = (10, 100),
    coverage: float = 0.9,
    conformal: str = DEFAULT_CONFORMAL,
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
        See :class:`CycleLifeRegressor`. ``group-cv+`` (the default, :data:`DEFAULT_CONFORMAL`) is
        the interval for cells of another batch (:func:`cross_batch_interval`): folds by batch; by
        charging policy with the lot shift where the cells hold one batch; shuffled CV+ folds with
        the lot shift, and a warning, where they name neither. The other modes fold cells at
        random (shuffled), whatever batches they hold.
    out
        Model file to write (:func:`gwangyang.battery.modelfile.save_model`); None: do not save.
    source
        Where the cells came from (recorded in the model file).

    Returns
    -------
    dict
        JSON-ready summary: ``model``, ``feature_set``, ``out``, ``cells``, ``training_hash``,
        ``interval_factor`` (typical interval [ŷ / f, ŷ · f]: the conformal quantile of the
        out-of-fold residuals), ``interval`` (``conformal``: the mode run, ``folds_by``: ``batch``,
        ``policy`` or ``shuffled``, ``lot_shift``), ``warnings``, ``train`` metrics (in-sample),
        ``versions``; and the fitted pipeline under ``pipeline`` (drop it before printing).
    """
    from .modelfile import library_versions, save_model

    if model not in LIFE_MODELS:
        raise InputError(f"model: expected one of {', '.join(LIFE_MODELS)}, got {model!r}.")
    conformal = conformal_mode(conformal)
    pipeline = make_life_model(model, cycles=cycles, coverage=coverage, conformal=conformal)
    groups: np.ndarray | None = None
    folds_by = "one cell" if conformal == "jackknife+" else "shuffled"
    warnings: list[str] = []
    if conformal == "group-cv+":
        params, groups, note = cross_batch_interval(data)
        pipeline[-1].set_params(**params)
        conformal = str(params["conformal"])
        folds_by = interval_groups(data)[1] or "shuffled"
        if note is not None:
            warnings.append(f"{source or 'training cells'}: {note}.")
    pipeline.fit(data.cells, data.cycle_life, **({} if groups is None else {"regressor__groups": groups}))
    predicted, lower, upper = pipeline[-1].predict_interval(pipeline[:-1].transform(data.cells))
    feature_set = LIFE_MODELS[model][0]
    training_hash = data.data_hash()
    versions = library_versions()
    if out is not None:
        info = {
            "cycles": list(cycles),
            "coverage": coverage,
            "conformal": conformal,
            "folds_by": folds_by,
            "lot_shift": bool(pipeline[-1].lot_shift),
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
        "interval": {"conformal": conformal, "folds_by": folds_by, "lot_shift": bool(pipeline[-1].lot_shift)},
        "warnings": warnings,
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
    "DEFAULT_CONFORMAL",
    "FEATURE_SETS",
    "LIFE_MODELS",
    "CycleLifeRegressor",
    "cross_batch_interval",
    "cross_batch_params",
    "fit_life",
    "interval_groups",
    "life_metrics",
    "load_prediction_inputs",
    "load_training_set",
    "make_life_model",
    "predict_cells",
    "predict_life",
]
