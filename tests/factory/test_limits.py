"""Control limits against the distributions they approximate."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from gwangyang.errors import InputError
from gwangyang.factory.limits import check_alpha, q_limit, scaled_chi2_limit, t2_limit


def test_t2_limit_formula() -> None:
    # Chiang et al. (2000) eq. 4.9, computed here from scipy's F quantile for n = 500, a = 12, α = 0.01.
    expected = 12 * 499 * 501 / (500 * 488) * stats.f.ppf(0.99, 12, 488)
    assert t2_limit(500, 12, 0.01) == pytest.approx(expected)
    # As n grows the limit tends to the χ²_a quantile.
    assert t2_limit(10**7, 5, 0.01) == pytest.approx(stats.chi2.ppf(0.99, 5), rel=1e-4)


def test_q_limit_equal_eigenvalues_is_chi2() -> None:
    # r equal residual eigenvalues λ: Q/λ is exactly χ²_r, and Jackson-Mudholkar is within 1 % of it.
    assert q_limit(np.full(20, 0.5), 0.01) == pytest.approx(0.5 * stats.chi2.ppf(0.99, 20), rel=0.01)


def test_scaled_chi2_limit_recovers_chi2() -> None:
    values = np.random.default_rng(0).chisquare(6, 200000)
    assert scaled_chi2_limit(values, 0.01) == pytest.approx(stats.chi2.ppf(0.99, 6), rel=0.02)


def test_bad_limits_input() -> None:
    with pytest.raises(InputError, match="alpha"):
        check_alpha(0.0)
    with pytest.raises(InputError, match="more samples than components"):
        t2_limit(5, 5, 0.01)
