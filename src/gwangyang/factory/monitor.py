"""Multivariate process monitors fitted on a normal period: PCA, dynamic PCA and kernel PCA.

Each monitor is a scikit-learn estimator: ``fit(X)`` learns normal operation, ``transform(X)`` returns
the two monitoring statistics per row (column 0: Hotelling's T², column 1: Q, the squared prediction
error), ``predict(X)`` returns 1 where either statistic exceeds its control limit at false-alarm rate
``alpha``, and ``contributions(X)`` says how much each variable drives the statistics. A monitor works
on standardised rows; :class:`DynamicPCAMonitor` appends the ``lags`` previous rows to each row, so its
first ``lags`` rows have no statistics (NaN).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils.validation import check_is_fitted, validate_data

from ..errors import InputError
from ..written import as_written
from .components import choose_components
from .limits import check_alpha, q_limit, scaled_chi2_limit, t2_limit


class _Monitor(TransformerMixin, BaseEstimator):
    """What every monitor shares: standardisation, lag embedding, statistics, limits, contributions."""

    lags: int = 0
    alpha: float
    holdout: float
    alpha_: float
    mean_: np.ndarray
    scale_: np.ndarray
    t2_limit_: float
    q_limit_: float
    limit_scale_: np.ndarray
    n_components_: int
    n_features_in_: int

    def _standardize(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean_) / self.scale_

    def _embed(self, Z: np.ndarray) -> np.ndarray:
        """Rows ``[z_t, z_{t-1}, ..., z_{t-lags}]``; the first ``lags`` rows are dropped."""
        if self.lags == 0:
            return Z
        n = Z.shape[0] - self.lags
        if n <= 0:
            return np.empty((0, Z.shape[1] * (self.lags + 1)))
        return np.hstack([Z[self.lags - j : self.lags - j + n] for j in range(self.lags + 1)])

    def _fit_scaler(self, X: np.ndarray) -> np.ndarray:
        self.alpha_ = check_alpha(self.alpha)
        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0, ddof=1)
        self.scale_ = np.where(scale > 1e-12 * np.maximum(np.abs(self.mean_), 1.0), scale, 1.0)
        return self._embed(self._standardize(X))

    def _stats(self, E: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _calibrate(self, X: np.ndarray) -> None:
        """Widen the limits so that held-out normal rows exceed them at rate ``alpha`` at most.

        A copy is fitted on the first ``1 - holdout`` of the rows and scores the last rows; a scaled χ²
        fitted to the mean and variance of each held-out statistic (steadier than a raw quantile of a
        few hundred rows) gives its ``1 - alpha`` point, and its ratio to the copy's analytic limit
        scales this model's limit (never below 1): drifts the training window missed then raise
        fewer false alarms, and a model that generalises worse than its analytic limits assume is
        caught.
        """
        holdout = float(self.holdout)
        self.limit_scale_ = np.ones(2)
        if holdout == 0.0:
            return
        if not 0.0 < holdout < 0.9:
            raise InputError(f"holdout: expected a fraction in [0, 0.9), got {as_written(self.holdout)}.")
        cut = round(X.shape[0] * (1.0 - holdout))
        if X.shape[0] - cut < 10:
            raise InputError(
                f"holdout: {X.shape[0] - cut} held-out rows are too few to calibrate limits (need 10)."
            )
        part = clone(self).set_params(holdout=0.0).fit(X[:cut])
        held = part.transform(X[cut - self.lags :])[self.lags :]
        ratios = np.array(
            [
                scaled_chi2_limit(held[:, 0], self.alpha_) / part.t2_limit_,
                scaled_chi2_limit(held[:, 1], self.alpha_) / max(part.q_limit_, 1e-300),
            ]
        )
        self.limit_scale_ = np.maximum(ratios, 1.0)
        self.t2_limit_ = float(self.t2_limit_ * self.limit_scale_[0])
        self.q_limit_ = float(self.q_limit_ * self.limit_scale_[1])

    def _contrib(self, E: np.ndarray) -> np.ndarray:
        """Per embedded variable, the drop of ``T²/T²lim + Q/Qlim`` when it is set to its normal mean."""
        base = self._combined(E)
        out = np.empty_like(E)
        for j in range(E.shape[1]):
            replaced = E.copy()
            replaced[:, j] = 0.0
            out[:, j] = np.maximum(base - self._combined(replaced), 0.0)
        return out

    def _combined(self, E: np.ndarray) -> np.ndarray:
        t2, q = self._stats(E)
        return t2 / self.t2_limit_ + (q / self.q_limit_ if self.q_limit_ > 0 else 0.0)

    def _pad(self, values: np.ndarray, n_rows: int) -> np.ndarray:
        """Put back NaN rows for the first ``lags`` rows that have no history."""
        if values.shape[0] == n_rows:
            return values
        pad = np.full((n_rows - values.shape[0], *values.shape[1:]), np.nan)
        return np.concatenate([pad, values])

    def transform(self, X: Any) -> np.ndarray:
        """Monitoring statistics per row: column 0 is T², column 1 is Q (SPE).

        Parameters
        ----------
        X
            Rows to score, with the training columns in the same order.

        Returns
        -------
        numpy.ndarray
            Shape ``(n_rows, 2)``; NaN for rows without enough history (dynamic PCA).
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        t2, q = self._stats(self._embed(self._standardize(X)))
        return self._pad(np.column_stack([t2, q]), X.shape[0])

    def predict(self, X: Any) -> np.ndarray:
        """1 where T² or Q exceeds its control limit, else 0 (rows without history: 0)."""
        stats = self.transform(X)
        with np.errstate(invalid="ignore"):
            out = (stats[:, 0] > self.t2_limit_) | (stats[:, 1] > self.q_limit_)
        return out.astype(np.int64)

    def contributions(self, X: Any) -> np.ndarray:
        """How much each input variable drives ``T²/T²lim + Q/Qlim`` in each row.

        Returns
        -------
        numpy.ndarray
            Shape ``(n_rows, n_features_in_)``, non-negative; lagged copies of a variable are summed.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self._pad(self._fold(self._contrib(self._embed(self._standardize(X)))), X.shape[0])

    def _fold(self, contributions: np.ndarray) -> np.ndarray:
        m = self.n_features_in_
        return contributions.reshape(contributions.shape[0], self.lags + 1, m).sum(axis=1)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


class PCAMonitor(_Monitor):
    """Principal component analysis with Hotelling's T² and Q (SPE) control limits.

    Parameters
    ----------
    n_components
        Retained components: an int, a fraction of variance in (0, 1), or ``"parallel"`` (parallel
        analysis, as Chiang, Russell & Braatz 2000 use).
    alpha
        False-alarm rate of each control limit.
    holdout
        Fraction of the last training rows used to check and, if needed, widen the analytic limits
        (0: analytic limits only, as in the textbooks).
    random_state
        Seed of the parallel analysis.

    Attributes
    ----------
    mean_, scale_ : numpy.ndarray
        Training mean and standard deviation of each variable.
    components_ : numpy.ndarray
        Loadings, shape ``(n_components_, n_embedded)``.
    eigenvalues_ : numpy.ndarray
        All eigenvalues of the correlation matrix (descending).
    n_components_ : int
        Retained components.
    t2_limit_, q_limit_ : float
        Control limits at ``alpha``.
    """

    def __init__(
        self,
        n_components: int | float | str = "parallel",
        alpha: float = 0.01,
        holdout: float = 0.0,
        random_state: int | None = 0,
    ) -> None:
        self.n_components = n_components
        self.alpha = alpha
        self.holdout = holdout
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> PCAMonitor:
        """Learn normal operation from the rows of ``X``; returns ``self``."""
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=3)
        E = self._fit_scaler(X)
        n = E.shape[0]
        if n < 3:
            raise InputError(f"fit: needs at least 3 rows after lagging, got {n}.")
        centered = E - E.mean(axis=0)
        # Eigen-decomposition of the m × m covariance: cheaper than an SVD of the n × m data.
        values, vectors = np.linalg.eigh(centered.T @ centered / (n - 1))
        eigenvalues, vt = np.clip(values[::-1], 0.0, None), vectors[:, ::-1].T
        a = choose_components(self.n_components, eigenvalues, n, self.random_state)
        self.eigenvalues_ = eigenvalues
        self.n_components_ = a
        self.components_ = vt[:a]
        self.embedded_mean_ = E.mean(axis=0)
        self.t2_limit_ = t2_limit(n, a, self.alpha_)
        self.q_limit_ = q_limit(eigenvalues[a:], self.alpha_)
        self._calibrate(X)
        return self

    def _stats(self, E: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        centered = E - self.embedded_mean_
        scores = centered @ self.components_.T
        t2 = np.sum(scores**2 / self.eigenvalues_[: self.n_components_], axis=1)
        residual = centered - scores @ self.components_
        return t2, np.sum(residual**2, axis=1)

    def _contrib(self, E: np.ndarray) -> np.ndarray:
        # Complete decomposition: T² = Σ_j z_j (P Λ⁻¹ Pᵀ z)_j and Q = Σ_j e_j², exact per variable.
        centered = E - self.embedded_mean_
        scores = centered @ self.components_.T
        weighted = (scores / self.eigenvalues_[: self.n_components_]) @ self.components_
        t2_part = np.abs(centered * weighted)
        residual = centered - scores @ self.components_
        q_part = residual**2 / self.q_limit_ if self.q_limit_ > 0 else 0.0 * residual
        return t2_part / self.t2_limit_ + q_part


class DynamicPCAMonitor(PCAMonitor):
    """Dynamic PCA: PCA on each row augmented with its ``lags`` predecessors (Ku, Storer & Georgakis 1995).

    Parameters
    ----------
    lags
        Previous rows appended to each row (Russell, Chiang & Braatz 2000 use 2 on the Tennessee Eastman process).
    n_components, alpha, holdout, random_state
        As for :class:`PCAMonitor`.
    """

    def __init__(
        self,
        lags: int = 2,
        n_components: int | float | str = "parallel",
        alpha: float = 0.01,
        holdout: float = 0.0,
        random_state: int | None = 0,
    ) -> None:
        self.lags = lags
        self.n_components = n_components
        self.alpha = alpha
        self.holdout = holdout
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> DynamicPCAMonitor:
        """Learn normal operation from consecutive rows of ``X``; returns ``self``."""
        if not isinstance(self.lags, (int, np.integer)) or isinstance(self.lags, bool) or self.lags < 0:
            raise InputError(f"lags: expected a non-negative int, got {as_written(self.lags)}.")
        super().fit(X, y)
        return self


class KernelPCAMonitor(_Monitor):
    """Kernel PCA with a Gaussian kernel, T² on the kernel scores and SPE in feature space (Lee et al. 2004).

    Parameters
    ----------
    n_components
        Retained kernel components: an int or a fraction of the kernel's eigenvalue sum in (0, 1).
    gamma
        Kernel ``exp(-gamma ||z - z'||²)`` on standardised rows; default ``1 / (width · n_features)``.
    width
        Width factor used when ``gamma`` is None: ``gamma = 1 / (width · m)``. Lee et al. (2004) take
        ``c = 5 m`` to ``10 m``; the default 40 is the widest of 5, 10, 20 and 40 tried on the Tennessee
        Eastman normal runs, the one whose false-alarm rates on ``d00_te`` stay within twice ``alpha``
        for T², Q and the alarm (narrower kernels put normal test rows outside the training cloud).
    alpha
        False-alarm rate of each control limit; the SPE limit is ``g χ²_h`` fitted to the training SPE.
    holdout
        As for :class:`PCAMonitor`.
    """

    def __init__(
        self,
        n_components: int | float = 0.9,
        gamma: float | None = None,
        width: float = 40.0,
        alpha: float = 0.01,
        holdout: float = 0.0,
    ) -> None:
        self.n_components = n_components
        self.gamma = gamma
        self.width = width
        self.alpha = alpha
        self.holdout = holdout

    def _kernel(self, A: np.ndarray) -> np.ndarray:
        sq = np.sum(A**2, axis=1)[:, None] + self.train_sq_[None, :] - 2.0 * A @ self.train_.T
        return np.exp(-self.gamma_ * np.maximum(sq, 0.0))

    def fit(self, X: Any, y: Any = None) -> KernelPCAMonitor:
        """Learn normal operation from the rows of ``X``; returns ``self``."""
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=3)
        E = self._fit_scaler(X)
        n, m = E.shape
        if self.gamma is not None and not self.gamma > 0:
            raise InputError(f"gamma: expected a positive number, got {as_written(self.gamma)}.")
        self.gamma_ = float(self.gamma) if self.gamma is not None else 1.0 / (float(self.width) * m)
        self.train_ = E
        self.train_sq_ = np.sum(E**2, axis=1)
        K = self._kernel(E)
        self.kernel_col_mean_ = K.mean(axis=0)
        self.kernel_mean_ = float(K.mean())
        one = np.full((n, n), 1.0 / n)
        Kc = K - one @ K - K @ one + one @ K @ one
        eigenvalues, vectors = np.linalg.eigh((Kc + Kc.T) / 2.0)
        order = np.argsort(eigenvalues)[::-1]
        eigenvalues, vectors = np.clip(eigenvalues[order], 0.0, None), vectors[:, order]
        a = choose_components(self.n_components, eigenvalues, n, None)
        self.n_components_ = a
        self.alphas_ = vectors[:, :a] / np.sqrt(eigenvalues[:a])
        self.score_variance_ = eigenvalues[:a] / n
        self.t2_limit_ = t2_limit(n, a, self.alpha_)
        _, q_train = self._stats(E)
        self.q_limit_ = scaled_chi2_limit(q_train, self.alpha_)
        self._calibrate(X)
        return self

    def _stats(self, E: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = self._kernel(E)
        row_mean = k.mean(axis=1, keepdims=True)
        kc = k - row_mean - self.kernel_col_mean_[None, :] + self.kernel_mean_
        scores = kc @ self.alphas_
        t2 = np.sum(scores**2 / self.score_variance_, axis=1)
        # ||Φ(z) - mean Φ||² for the Gaussian kernel, k(z, z) = 1.
        norm = 1.0 - 2.0 * row_mean[:, 0] + self.kernel_mean_
        q = np.maximum(norm - np.sum(scores**2, axis=1), 0.0)
        return t2, q

    def _contrib(self, E: np.ndarray) -> np.ndarray:
        # Sensitivity contributions |z_j ∂φ/∂z_j| of φ = T²/T²lim + Q/Qlim, with the kernel's analytic
        # gradient ∂k(z, x_i)/∂z = -2γ k (z - x_i) (after Cho et al. 2005); one pass, no refitting.
        k = self._kernel(E)
        n = k.shape[1]
        row_mean = k.mean(axis=1, keepdims=True)
        scores = (k - row_mean - self.kernel_col_mean_[None, :] + self.kernel_mean_) @ self.alphas_
        centered_alphas = self.alphas_ - self.alphas_.mean(axis=0)
        q_scale = 1.0 / self.q_limit_ if self.q_limit_ > 0 else 0.0
        # φ's weight on each score: ∂φ/∂t_c = 2 t_c (1 / (v_c T²lim) - 1 / Qlim).
        weights = 2.0 * scores * (1.0 / (self.score_variance_ * self.t2_limit_) - q_scale)
        beta = k * (weights @ centered_alphas.T)
        # Σ_i β_i ∂k_i/∂z = -2γ (z Σ_i β_i - Σ_i β_i x_i); Q's own term is -2 mean_i ∂k_i/∂z.
        grad = -2.0 * self.gamma_ * (E * beta.sum(axis=1, keepdims=True) - beta @ self.train_)
        grad += q_scale * 4.0 * self.gamma_ * (E * row_mean - k @ self.train_ / n)
        return np.abs(E * grad)


MONITORS: dict[str, type[_Monitor]] = {"pca": PCAMonitor, "dpca": DynamicPCAMonitor, "kpca": KernelPCAMonitor}
"""Monitor classes by the short name the CLI uses."""
