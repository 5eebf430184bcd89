"""Multivariate monitors: control limits against their distributions, contributions (TEP: test_tep.py)."""

from __future__ import annotations

import numpy as np
import pytest

from gwangyang.errors import InputError
from gwangyang.factory.monitor import DynamicPCAMonitor, KernelPCAMonitor, PCAMonitor


def latent_data(n: int, seed: int, m: int = 12, a: int = 3, noise: float = 0.3) -> np.ndarray:
    """Rows of a 3-factor model plus noise: a known normal operation."""
    rng = np.random.default_rng(seed)
    loadings = np.random.default_rng(99).normal(size=(a, m))
    return rng.normal(size=(n, a)) @ loadings + noise * rng.normal(size=(n, m))


@pytest.mark.parametrize("monitor", [PCAMonitor(n_components=3), DynamicPCAMonitor(lags=1, n_components=3)])
def test_false_alarm_rate_on_new_normal_data(monitor: PCAMonitor) -> None:
    # On fresh rows from the training distribution, each statistic exceeds its α = 0.01 limit about 1 % of
    # the time (binomial sd over 20000 rows is 0.0007).
    monitor.fit(latent_data(2000, 1))
    scores = monitor.transform(latent_data(20000, 2))[monitor.lags :]
    assert np.mean(scores[:, 0] > monitor.t2_limit_) == pytest.approx(0.01, abs=0.004)
    assert np.mean(scores[:, 1] > monitor.q_limit_) == pytest.approx(0.01, abs=0.004)


def test_parallel_analysis_finds_the_latent_factors() -> None:
    assert PCAMonitor().fit(latent_data(1000, 3)).n_components_ == 3


def test_pca_contributions_decompose_the_statistics() -> None:
    monitor = PCAMonitor(n_components=3).fit(latent_data(500, 4))
    X = latent_data(50, 5)
    stats_ = monitor.transform(X)
    combined = stats_[:, 0] / monitor.t2_limit_ + stats_[:, 1] / monitor.q_limit_
    # Complete decomposition: T² contributions |z_j (PΛ⁻¹Pᵀz)_j| sum to T² when all terms are positive;
    # the Q parts e_j² always sum to Q, so the total is at least the combined index minus cross terms.
    q_parts = monitor.contributions(X).sum(axis=1) - combined
    assert np.all(q_parts >= -1e-9)


def test_contributions_name_a_biased_sensor() -> None:
    for monitor in (
        PCAMonitor(n_components=3),
        DynamicPCAMonitor(lags=1, n_components=3),
        KernelPCAMonitor(),
    ):
        monitor.fit(latent_data(500, 6))
        X = latent_data(40, 7)
        X[:, 5] += 3.0  # sensor 5 reads 3 units high (10 noise sd)
        rows = monitor.contributions(X)[monitor.lags :]
        # Summed over the rows, as an alarm reports it, sensor 5 leads; row by row it leads in at least 75 %
        # (kernel PCA's gradient contributions are the noisiest: 80 % here).
        assert np.argmax(rows.sum(axis=0)) == 5, type(monitor).__name__
        assert np.mean(np.argmax(rows, axis=1) == 5) >= 0.75, type(monitor).__name__


def test_kernel_t2_on_training_rows_averages_n_components() -> None:
    # Scores are normalised so that Σ_i t_ik² / n equals the k-th score variance: mean T² is exactly a.
    X = latent_data(300, 8)
    monitor = KernelPCAMonitor(n_components=5).fit(X)
    assert monitor.transform(X)[:, 0].mean() == pytest.approx(5.0, rel=1e-6)


def test_dynamic_pca_is_pca_on_lagged_rows() -> None:
    X = latent_data(5000, 9)
    # No lags: exactly PCA.
    np.testing.assert_allclose(
        DynamicPCAMonitor(lags=0, n_components=3).fit(X).transform(X),
        PCAMonitor(n_components=3).fit(X).transform(X),
    )
    # One lag: PCA on rows [x_t, x_{t-1}] built by hand, up to the O(1/n) difference of the two scalings.
    dynamic = DynamicPCAMonitor(lags=1, n_components=6).fit(X)
    static = PCAMonitor(n_components=6).fit(np.hstack([X[1:], X[:-1]]))
    np.testing.assert_allclose(
        dynamic.transform(X)[1:], static.transform(np.hstack([X[1:], X[:-1]])), rtol=0.02
    )
    assert np.isnan(dynamic.transform(X)[0]).all()


def test_bad_parameters() -> None:
    with pytest.raises(InputError, match="alpha"):
        PCAMonitor(alpha=0.7).fit(latent_data(50, 1))
    with pytest.raises(InputError, match="n_components"):
        PCAMonitor(n_components="many").fit(latent_data(50, 1))
    with pytest.raises(InputError, match="holdout"):
        PCAMonitor(holdout=0.95).fit(latent_data(50, 1))


def test_kernel_contributions_are_the_analytic_gradient() -> None:
    # |z_j ∂φ/∂z_j| with φ = T²/T²lim + Q/Qlim: compare the analytic gradient with central differences.
    monitor = KernelPCAMonitor().fit(latent_data(300, 10))
    E = monitor._standardize(latent_data(5, 11) * 1.3)
    analytic = monitor._contrib(E) / np.abs(E)
    numeric = np.empty_like(E)
    for j in range(E.shape[1]):
        step = np.zeros_like(E)
        step[:, j] = 1e-6
        numeric[:, j] = (monitor._combined(E + step) - monitor._combined(E - step)) / 2e-6
    np.testing.assert_allclose(analytic, np.abs(numeric), rtol=1e-5, atol=1e-8)
