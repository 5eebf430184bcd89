"""Choosing the number of components."""

from __future__ import annotations

import numpy as np
import pytest

from gwangyang.errors import InputError
from gwangyang.factory.components import choose_components, parallel_analysis


def test_variance_share_matches_scikit_learn() -> None:
    from sklearn.decomposition import PCA

    X = np.random.default_rng(0).normal(size=(300, 10)) @ np.random.default_rng(1).normal(size=(10, 10))
    pca = PCA().fit(X)
    expected = int(np.searchsorted(np.cumsum(pca.explained_variance_ratio_), 0.9) + 1)
    assert choose_components(0.9, pca.explained_variance_, 300, None) == expected


def test_parallel_analysis_on_white_noise_keeps_one() -> None:
    # Uncorrelated data has no eigenvalue above the noise reference; the rule keeps at least one component.
    eigenvalues = np.linalg.eigvalsh(
        np.corrcoef(np.random.default_rng(2).normal(size=(500, 20)), rowvar=False)
    )
    assert parallel_analysis(eigenvalues[::-1], 500, 20, seed=3) == 1


def test_strong_factors_are_kept() -> None:
    # Two eigenvalues far above the Marchenko-Pastur edge (1 + sqrt(20/500))² ≈ 1.44 for n = 500, m = 20.
    eigenvalues = np.array([6.0, 4.0] + [0.5] * 18)
    assert parallel_analysis(eigenvalues, 500, 20, seed=0) == 2


def test_bad_choice() -> None:
    with pytest.raises(InputError, match="n_components"):
        choose_components(0, np.ones(3), 10, None)
    with pytest.raises(InputError, match="n_components"):
        choose_components("auto", np.ones(3), 10, None)
