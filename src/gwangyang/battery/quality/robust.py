"""Minimum covariance determinant (MCD) location and scatter, FAST-MCD style, in plain numpy.

Rousseeuw & Van Driessen (1999), "A fast algorithm for the minimum covariance determinant estimator",
Technometrics 41:212: from several starting subsets of ``h = ceil((n + p + 1) / 2)`` rows, C-steps (take the
``h`` rows closest to the subset's own mean and covariance) lower the covariance determinant until it stops
falling; the subset of lowest determinant gives the raw estimate, which is then made consistent at the normal
(scaled by ``median(d²) / χ²_p(0.5)``) and reweighted (rows with ``d² < χ²_p(0.975)``), as scikit-learn's
``MinCovDet`` does. Starts: the ``h`` rows of smallest squared robust z (a deterministic start in the spirit of
DetMCD, Hubert, Rousseeuw & Verdonck 2012) and ``n_starts`` random ``(p + 1)``-row subsets; two C-steps each,
then the best few to convergence (the FAST-MCD schedule). Without scikit-learn's per-call checks it costs a
few milliseconds on the few hundred rows a lot is fitted on.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from ...errors import InputError

MAX_C_STEPS = 50
"""C-steps per start at most (they converge in a handful)."""


def _fit_subset(x: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    subset = x[rows]
    location = subset.mean(axis=0)
    centred = subset - location
    covariance = centred.T @ centred / len(subset)
    sign, logdet = np.linalg.slogdet(covariance)
    return location, covariance, (logdet if sign > 0 else -np.inf)


def _distances(x: np.ndarray, location: np.ndarray, covariance: np.ndarray) -> np.ndarray:
    centred = x - location
    try:
        precision = np.linalg.inv(covariance)
    except np.linalg.LinAlgError:  # singular: h rows on a hyperplane
        precision = np.linalg.pinv(covariance, hermitian=True)
    return np.asarray(((centred @ precision) * centred).sum(axis=1))


def _stacked_fits(x: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and ML covariance of each subset (rows: starts × size) as stacked arrays."""
    subsets = x[rows]
    locations = subsets.mean(axis=1)
    centred = subsets - locations[:, None, :]
    return locations, np.matmul(centred.transpose(0, 2, 1), centred) / rows.shape[1]


def _stacked_distances(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Squared Mahalanobis distances of every row of ``x`` from each subset's estimate (starts × n)."""
    locations, covariances = _stacked_fits(x, rows)
    precisions = np.linalg.pinv(covariances, hermitian=True)  # a (p + 1)-row start may be near singular
    centred = x[None, :, :] - locations[:, None, :]
    return np.asarray((np.matmul(centred, precisions) * centred).sum(axis=2))


def _stacked_logdets(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Log-determinant of each subset's covariance (-inf when singular)."""
    sign, logdet = np.linalg.slogdet(_stacked_fits(x, rows)[1])
    return np.where(sign > 0, logdet, -np.inf)


def _c_steps(x: np.ndarray, rows: np.ndarray, h: int, steps: int) -> tuple[np.ndarray, float]:
    location, covariance, logdet = _fit_subset(x, rows)
    for _ in range(steps):
        if logdet == -np.inf:  # an exact fit: h rows on a hyperplane, the determinant cannot fall further
            break
        new_rows = np.argpartition(_distances(x, location, covariance), h - 1)[:h]
        new_location, new_covariance, new_logdet = _fit_subset(x, new_rows)
        if new_logdet >= logdet - 1e-12:
            break
        rows, location, covariance, logdet = new_rows, new_location, new_covariance, new_logdet
    return rows, logdet


def min_cov_det(
    values: np.ndarray, random_state: int = 0, n_starts: int = 10, keep: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """Reweighted MCD location and covariance of the rows of ``values`` (n × p, finite, n > p).

    Parameters
    ----------
    values
        Data.
    random_state
        Seed of the random starts.
    n_starts
        Random ``(p + 1)``-row starting subsets.
    keep
        Starts carried from two C-steps to convergence.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Location (p) and covariance (p × p).
    """
    x = np.asarray(values, dtype="float64")
    n, p = x.shape
    if n <= p or not np.isfinite(x).all():
        raise InputError(f"MCD: expected finite data with more rows than columns, got {n} × {p}.")
    h = math.ceil(0.5 * (n + p + 1))
    rng = np.random.default_rng(random_state)
    median = np.median(x, axis=0)
    mad = np.median(np.abs(x - median), axis=0)
    z = (x - median) / np.where(mad > 0, mad, 1.0)
    # every start at once: its (p + 1)-row subset's estimate, then two C-steps (stacked arrays, one call each)
    random_rows = np.stack([rng.choice(n, p + 1, replace=False) for _ in range(n_starts)])
    starts = np.argpartition(_stacked_distances(x, random_rows), h - 1, axis=1)[:, :h]
    starts = np.concatenate([np.argpartition((z**2).sum(axis=1), h - 1)[:h][None], starts])
    for _ in range(2):
        starts = np.argpartition(_stacked_distances(x, starts), h - 1, axis=1)[:, :h]
    logdets = _stacked_logdets(x, starts)
    tried = starts[np.argsort(logdets, kind="stable")[:keep]]
    best = min((_c_steps(x, rows, h, MAX_C_STEPS) for rows in tried), key=lambda item: item[1])
    location, covariance, _ = _fit_subset(x, best[0])
    distances = _distances(x, location, covariance)
    correction = np.median(distances) / stats.chi2.isf(0.5, p)
    if correction > 0:
        covariance = covariance * correction
        distances = distances / correction
    inliers = distances < stats.chi2.isf(0.025, p)
    if inliers.sum() > p:
        location, covariance, _ = _fit_subset(x, np.flatnonzero(inliers))
    return location, covariance
