"""Conformal prediction intervals for regression: split conformal, CV+, jackknife+ and normalised CV+.

References: Vovk, Gammerman & Shafer 2005 (split / inductive conformal); Barber, Candès, Ramdas &
Tibshirani 2021, "Predictive inference with the jackknife+", Annals of Statistics 49:486 (CV+ and
jackknife+); Lei, G'Sell, Rinaldo, Tibshirani & Wasserman 2018, JASA 113:1094 (normalised,
"locally weighted" scores).

Every mode works on the target as given (the life models use log10 cycle life, so the intervals
are multiplicative in cycles). For exchangeable cells:

* ``split``: fit on one part, calibrate on the rest; P(y ∈ C(x)) ≥ 1 − α.
* ``cv+``: K-fold; for a new x, the interval runs from the ⌊α(n+1)⌋-th smallest of
  μ̂₋ₖ₍ᵢ₎(x) − Rᵢ to the ⌈(1−α)(n+1)⌉-th smallest of μ̂₋ₖ₍ᵢ₎(x) + Rᵢ, where μ̂₋ₖ is the model
  fitted without fold k and Rᵢ = |yᵢ − μ̂₋ₖ₍ᵢ₎(xᵢ)|. Guarantee ≥ 1 − 2α − √(2/n) (Barber et al.,
  Theorem 4); in practice close to 1 − α.
* ``jackknife+``: CV+ with one cell per fold; guarantee ≥ 1 − 2α.
* ``group-cv+``: CV+ with folds that keep a group together (batch; charging policy where the cells
  hold one batch), one fold per group up to K groups (leave-one-group-out), K grouped folds beyond.
  Each residual is the error on a group its fold model has not seen, so the interval carries the
  shift between groups. Exchangeable cells are no longer assumed, only exchangeable groups; with
  two or three batches that is little to lean on, so the coverage is measured (leave one batch
  out), not guaranteed. With groups of one batch each, it is the only mode whose residuals include
  batch-to-batch shift. It is the default of :func:`gwangyang.battery.life_fit.fit_life` (and so of the
  CLI and the API): an early-life model is used on the next batch.
* ``normalized-cv+``: CV+ on scores Rᵢ / σ̂₋ₖ₍ᵢ₎(xᵢ), the interval being μ̂₋ₖ₍ᵢ₎(x) ± Rᵢ σ̂₋ₖ₍ᵢ₎(x).
  σ̂ is :class:`KNNDifficulty`: the distance from x to its nearest training cells in standardised
  feature space, plus the median of that distance. Intervals widen for cells unlike the training
  cells (another batch, another protocol). The guarantee is CV+'s, since each σ̂₋ₖ is fitted
  without fold k.

A fitted CV+ model also yields the point prediction of the model refitted on all cells; intervals
are widened, if need be, to contain it (a wider set keeps the guarantee).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

CONFORMAL_MODES: dict[str, str] = {
    "cv+": "CV+ (Barber et al. 2021), K folds",
    "jackknife+": "jackknife+ (Barber et al. 2021), one cell per fold",
    "normalized-cv+": "CV+ on residuals scaled by nearest-neighbour distance (widens off the training data)",
    "group-cv+": "CV+ with folds that keep a batch (else a charging policy) together",
    "split": "split conformal (held-out calibration cells)",
}
"""Interval modes and what each is."""

CONFORMAL_ALIASES: dict[str, str] = {"cv": "cv+"}
"""Older names: ``cv`` was out-of-fold residuals around a refit (no guarantee); it now means CV+."""


def conformal_quantile(residuals: np.ndarray, coverage: float) -> float:
    """The ⌈(n+1)·coverage⌉-th smallest absolute residual (infinite when n is too small)."""
    scores = np.sort(np.abs(np.asarray(residuals, dtype="float64")))
    n = len(scores)
    rank = math.ceil((n + 1) * coverage - 1e-9)  # 0.9 · 20 is 18.000000000000004 in floating point
    return float("inf") if rank > n else float(scores[rank - 1])


def cv_plus_bounds(
    fold_predictions: np.ndarray, fold_of: np.ndarray, scores: np.ndarray, scale: np.ndarray, coverage: float
) -> tuple[np.ndarray, np.ndarray]:
    """CV+ interval of each new point.

    Parameters
    ----------
    fold_predictions
        μ̂₋ₖ(x) of each new point and fold, shape (points, folds).
    fold_of
        Fold of each calibration cell, shape (n,).
    scores
        Rᵢ of each calibration cell (absolute residuals, or normalised ones), shape (n,).
    scale
        σ̂₋ₖ(x) of each new point and fold (ones for plain CV+), shape (points, folds).
    coverage
        1 − α.

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper ends, shape (points,); ±inf where n is too small for the coverage.
    """
    n = len(scores)
    alpha = 1.0 - coverage
    centre = fold_predictions[:, fold_of]  # (points, n)
    spread = scores[None, :] * scale[:, fold_of]
    # The guards keep 0.1 · 20 = 1.9999999999999996 at rank 2 (floating point).
    low_rank = math.floor(alpha * (n + 1) + 1e-9)
    high_rank = math.ceil((1.0 - alpha) * (n + 1) - 1e-9)
    points = fold_predictions.shape[0]
    lower = np.full(points, -np.inf)
    upper = np.full(points, np.inf)
    if low_rank >= 1:
        lower = np.partition(centre - spread, low_rank - 1, axis=1)[:, low_rank - 1]
    if high_rank <= n:
        upper = np.partition(centre + spread, high_rank - 1, axis=1)[:, high_rank - 1]
    return lower, upper


class KNNDifficulty:
    """σ̂(x) = β + mean distance from x to its k nearest training rows (standardised features).

    β is the median of the same distance over the training rows (each left out of its own
    neighbours), so that σ̂ is about 2β for a typical cell and grows for cells far from all of them.

    Parameters
    ----------
    k
        Neighbours.
    """

    def __init__(self, k: int = 5) -> None:
        self.k = k

    def fit(self, X: Any) -> KNNDifficulty:
        """Remember the standardised training rows."""
        matrix = np.asarray(X, dtype="float64")
        self.mean_ = matrix.mean(axis=0)
        std = matrix.std(axis=0)
        self.std_ = np.where(std > 0, std, 1.0)
        self.rows_ = (matrix - self.mean_) / self.std_
        self.k_ = max(1, min(int(self.k), len(matrix) - 1))
        self.beta_ = 0.0
        own = self._distance(self.rows_, leave_self_out=True)
        self.beta_ = float(np.median(own)) if len(own) else 1.0
        if self.beta_ <= 0:
            self.beta_ = 1.0
        return self

    def _distance(self, rows: np.ndarray, leave_self_out: bool = False) -> np.ndarray:
        d = np.sqrt(((rows[:, None, :] - self.rows_[None, :, :]) ** 2).sum(axis=2))
        if leave_self_out:
            np.fill_diagonal(d, np.inf)
        k = min(self.k_, d.shape[1] - (1 if leave_self_out else 0))
        nearest = np.partition(d, k - 1, axis=1)[:, :k]
        return np.asarray(nearest.mean(axis=1))

    def __call__(self, X: Any) -> np.ndarray:
        """σ̂ of each row of ``X``."""
        rows = (np.asarray(X, dtype="float64") - self.mean_) / self.std_
        return self.beta_ + self._distance(rows)
