"""How many components a monitor keeps: a fixed number, a share of variance, or parallel analysis."""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from ..written import as_written


def parallel_analysis(
    eigenvalues: np.ndarray, n_samples: int, n_features: int, seed: int | None = 0, draws: int = 10
) -> int:
    """Number of components whose eigenvalue beats the mean eigenvalue of uncorrelated data of the same size.

    Horn's (1965) parallel analysis, the rule Chiang, Russell & Braatz (2000, §4.5) use to size PCA models.
    """
    rng = np.random.default_rng(seed)
    reference = np.zeros(min(n_samples, n_features))
    for _ in range(draws):
        noise = rng.standard_normal((n_samples, n_features))
        noise = (noise - noise.mean(0)) / noise.std(0, ddof=1)
        # Eigenvalues of the m × m correlation matrix: cheaper than an SVD of the n × m data.
        values = np.linalg.eigvalsh(noise.T @ noise / (n_samples - 1))[::-1]
        reference += values[: len(reference)]
    reference /= draws
    k = min(len(reference), len(eigenvalues))
    below = np.nonzero(eigenvalues[:k] <= reference[:k])[0]
    return int(max(1, below[0] if below.size else k))


def choose_components(
    n_components: int | float | str, eigenvalues: np.ndarray, n_samples: int, seed: int | None
) -> int:
    """Resolve ``n_components`` (an int, a fraction of variance, or ``"parallel"``) to a number."""
    usable = int(np.sum(eigenvalues > 1e-10 * max(float(eigenvalues[0]), 1e-300)))
    if isinstance(n_components, str):
        if n_components != "parallel":
            raise InputError(
                f"n_components: expected an int, a fraction or 'parallel', got {as_written(n_components)}."
            )
        chosen = parallel_analysis(eigenvalues, n_samples, len(eigenvalues), seed)
    elif isinstance(n_components, (int, np.integer)) and not isinstance(n_components, bool):
        if n_components < 1:
            raise InputError(f"n_components: expected at least 1, got {n_components}.")
        chosen = int(n_components)
    elif isinstance(n_components, float) and 0.0 < n_components < 1.0:
        share = np.cumsum(eigenvalues) / np.sum(eigenvalues)
        chosen = int(np.searchsorted(share, n_components) + 1)
    else:
        raise InputError(
            f"n_components: expected an int, a fraction in (0, 1) or 'parallel', got {as_written(n_components)}."
        )
    return max(1, min(chosen, usable, n_samples - 2, len(eigenvalues)))
