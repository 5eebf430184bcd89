"""Control limits of the multivariate monitoring statistics at a chosen false-alarm rate."""

from __future__ import annotations

import numpy as np
from scipy import stats

from ..errors import InputError
from ..written import as_written


def check_alpha(alpha: float) -> float:
    """Validate a false-alarm rate: a number strictly between 0 and 0.5."""
    if not isinstance(alpha, (int, float)) or not 0.0 < float(alpha) < 0.5:
        raise InputError(f"alpha: expected a false-alarm rate between 0 and 0.5, got {as_written(alpha)}.")
    return float(alpha)


def t2_limit(n_samples: int, n_components: int, alpha: float) -> float:
    """Upper control limit of Hotelling's T² for a new observation (F distribution).

    ``a (n - 1)(n + 1) / (n (n - a)) · F(1 - alpha; a, n - a)``, the limit for a new observation
    scored against a mean and covariance estimated from ``n`` samples (Chiang, Russell & Braatz
    2000, eq. 4.9; Tracy, Young & Mason 1992).

    Parameters
    ----------
    n_samples
        Number of training samples ``n``.
    n_components
        Number of retained components ``a``.
    alpha
        False-alarm rate.

    Returns
    -------
    float
        The limit.
    """
    n, a = int(n_samples), int(n_components)
    if a < 1 or n <= a:
        raise InputError(f"T² limit: needs more samples than components, got {n} samples and {a} components.")
    return float(a * (n - 1) * (n + 1) / (n * (n - a)) * stats.f.ppf(1.0 - alpha, a, n - a))


def q_limit(residual_eigenvalues: np.ndarray, alpha: float) -> float:
    """Upper control limit of Q (SPE) by Jackson & Mudholkar (1979).

    Parameters
    ----------
    residual_eigenvalues
        Eigenvalues of the covariance matrix that the model leaves in the residual space.
    alpha
        False-alarm rate.

    Returns
    -------
    float
        The limit (0 when the residual space is empty).
    """
    lam = np.asarray(residual_eigenvalues, dtype=float)
    lam = lam[lam > 1e-12 * max(1.0, float(lam.max(initial=0.0)))]
    if lam.size == 0:
        return 0.0
    theta1, theta2, theta3 = (float(np.sum(lam**i)) for i in (1, 2, 3))
    h0 = 1.0 - 2.0 * theta1 * theta3 / (3.0 * theta2**2)
    c_alpha = float(stats.norm.ppf(1.0 - alpha))
    inner = c_alpha * np.sqrt(2.0 * theta2 * h0**2) / theta1 + 1.0 + theta2 * h0 * (h0 - 1.0) / theta1**2
    return float(theta1 * max(inner, 0.0) ** (1.0 / h0))


def scaled_chi2_limit(values: np.ndarray, alpha: float) -> float:
    """Upper limit ``g χ²_h(1 - alpha)`` with ``g`` and ``h`` matched to the mean and variance of ``values``.

    Box's (1954) approximation as used for SPE by Nomikos & MacGregor (1995): ``g = v / (2 m)``,
    ``h = 2 m² / v`` for sample mean ``m`` and variance ``v``.
    """
    values = np.asarray(values, dtype=float)
    mean, var = float(np.mean(values)), float(np.var(values, ddof=1))
    if mean <= 0.0 or var <= 0.0:
        return float(np.max(values, initial=0.0))
    g, h = var / (2.0 * mean), 2.0 * mean**2 / var
    return float(g * stats.chi2.ppf(1.0 - alpha, h))
