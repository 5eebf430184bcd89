"""The screening's own Isolation Forest and MCD against an independent walk of the trees and scikit-learn's estimators."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from sklearn.covariance import MinCovDet
from sklearn.ensemble import IsolationForest as SklearnForest
from sklearn.ensemble._iforest import _average_path_length

from gwangyang.battery.quality.iforest import IsolationForest, average_path_length
from gwangyang.battery.quality.robust import min_cov_det
from gwangyang.errors import InputError


def planted(rows: int = 4000, columns: int = 6, outliers: int = 20, seed: int = 0) -> np.ndarray:
    """Correlated Gaussian cells with a few shifted by 6 standard deviations in one measurement."""
    rng = np.random.default_rng(seed)
    mixing = np.eye(columns) + 0.4 * rng.standard_normal((columns, columns))
    values = rng.standard_normal((rows, columns)) @ mixing
    values[:outliers, rng.integers(0, columns, outliers)] += 6.0 * values.std(axis=0).max()
    return values


def walk(forest: IsolationForest, row: np.ndarray) -> float:
    """Mean path length of one row, following the stored trees node by node (children 2k+1, 2k+2)."""
    total = 0.0
    size = forest.nodes_per_tree_
    for tree in range(forest.n_estimators):
        local = 0
        while math.isfinite(forest.threshold_[tree * size + local]):
            node = tree * size + local
            right = np.float32(row[forest.feature_[node]]) >= forest.threshold_[node]
            local = 2 * local + (2 if right else 1)
        total += forest.leaf_depth_[tree * size + local]
    return total / forest.n_estimators


def test_path_lengths_equal_a_walk_of_the_trees() -> None:
    values = planted(rows=600)
    forest = IsolationForest(n_estimators=30, random_state=3).fit(values)
    expected = [walk(forest, row) for row in values[:50]]
    np.testing.assert_allclose(forest.path_lengths(values[:50]), expected, rtol=1e-12)
    assert forest.depth_ == 8 and forest.max_samples_ == 256  # ceil(log2(256)), Liu et al. 2008


def test_average_path_length_is_scikit_learns() -> None:
    n = np.array([1, 2, 3, 10, 256, 10_000])
    np.testing.assert_allclose(average_path_length(n), _average_path_length(n), rtol=1e-12)


def test_scores_agree_with_scikit_learn() -> None:
    values = planted()
    # the mean score over five forests each (one forest's mean varies by about 0.005 with its seed)
    ours_mean = np.mean([IsolationForest(random_state=s).fit(values).score(values).mean() for s in range(5)])
    theirs_mean = np.mean(
        [-SklearnForest(random_state=s).fit(values).score_samples(values).mean() for s in range(5)]
    )
    assert abs(ours_mean - theirs_mean) < 0.005
    ours = IsolationForest(random_state=0).fit(values).score(values)
    theirs = -SklearnForest(random_state=0).fit(values).score_samples(values)
    # the same planted cells on top; the ranking agrees as well as two scikit-learn seeds agree
    assert set(np.argsort(-ours)[:20]) == set(np.argsort(-theirs)[:20]) == set(range(20))
    other = -SklearnForest(random_state=1).fit(values).score_samples(values)
    assert stats.spearmanr(ours, theirs)[0] > stats.spearmanr(theirs, other)[0] - 0.05


def test_forest_refuses_bad_input() -> None:
    with pytest.raises(InputError, match="finite"):
        IsolationForest().fit(np.array([[1.0, np.nan], [2.0, 3.0]]))
    forest = IsolationForest(n_estimators=5).fit(planted(rows=50))
    with pytest.raises(InputError, match="6 columns"):
        forest.score(np.zeros((3, 2)))


def test_mcd_flags_what_scikit_learns_flags() -> None:
    values = planted(rows=500)
    location, covariance = min_cov_det(values)
    reference = MinCovDet(random_state=0).fit(values)
    np.testing.assert_allclose(location, reference.location_, atol=0.05 * values.std(axis=0).max())
    limit = stats.chi2.ppf(0.999, values.shape[1])
    centred = values - location
    ours = ((centred @ np.linalg.inv(covariance)) * centred).sum(axis=1) > limit
    theirs = reference.mahalanobis(values) > limit
    assert set(range(20)) <= set(np.flatnonzero(ours)) and set(range(20)) <= set(np.flatnonzero(theirs))
    assert (ours != theirs).sum() <= 3


def test_mcd_is_consistent_at_the_normal() -> None:
    # reweighted MCD of a clean normal sample: the identity covariance back, within sampling error
    values = np.random.default_rng(5).standard_normal((5000, 4))
    location, covariance = min_cov_det(values)
    np.testing.assert_allclose(location, 0.0, atol=0.06)
    np.testing.assert_allclose(covariance, np.eye(4), atol=0.1)


def test_each_tree_is_grown_on_distinct_rows_drawn_evenly() -> None:
    from gwangyang.battery.quality.iforest import _sample_rows

    rows = _sample_rows(1000, np.random.default_rng(0).random((50, 256)))
    assert rows.shape == (50, 256) and rows.min() >= 0 and rows.max() < 1000
    assert all(len(set(tree)) == 256 for tree in rows)
    counts = np.bincount(rows.ravel(), minlength=1000)  # 12,800 draws over 1,000 rows
    assert stats.chisquare(counts).pvalue > 0.001
