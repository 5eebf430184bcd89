"""Early cycle-life prediction with conformal intervals (Severson et al. 2019, Nature Energy 4:383).

:class:`CycleLifeRegressor` works on a feature matrix (see :mod:`gwangyang.battery.features_cell`) and
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
  include the shift to a group the fold model has not seen. It is what :func:`~gwangyang.battery.life_fit.fit_life`, the CLI
  and the API fit by default (:mod:`gwangyang.battery.life_fit`): an
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
from .features import SeversonFeatures

if TYPE_CHECKING:
    pass

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
            from .features_sets import ENSEMBLE_MEMBERS, FEATURE_SETS

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
        # precompute=False: with a precomputed Gram matrix scikit-learn's enet_path validates it again
        # for every alpha (356,506 check_array calls, 70 % of `auto`'s time on 41 cells); the same
        # coordinate descent on X gives the same CV RMSEs to 3 decimals in 0.4 of the time.
        net = ElasticNetCV(l1_ratio=list(L1_RATIOS), cv=splitter, max_iter=100_000, precompute=False)
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
        self.feature_low_, self.feature_high_ = matrix.min(axis=0), matrix.max(axis=0)
        self.feature_sd_ = matrix.std(axis=0, ddof=1)
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

    def extrapolation(self, X: Any) -> np.ndarray:
        """How far each cell's features lie outside the training cells' range (cells × features).

        In training standard deviations beyond the training minimum or maximum; 0 inside the range.
        Zeros for a model fitted before the range was kept.
        """
        matrix = self._checked(X)
        low = getattr(self, "feature_low_", None)
        if low is None:
            return np.zeros_like(matrix)
        outside = np.maximum(low - matrix, 0.0) + np.maximum(matrix - self.feature_high_, 0.0)
        sd = np.where(self.feature_sd_ > 0, self.feature_sd_, np.inf)
        return np.asarray(outside / sd, dtype="float64")

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


__all__ = [
    "LIFE_MODELS",
    "CycleLifeRegressor",
    "conformal_mode",
    "make_life_model",
]
