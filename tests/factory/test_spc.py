"""Univariate SPC against textbook constants, hand calculations and analytic run lengths."""

from __future__ import annotations

import numpy as np
import pytest

from gwangyang.errors import InputError
from gwangyang.factory.control_chart import chart_constants
from gwangyang.factory.run_rules import run_rules
from gwangyang.factory.spc import (
    capability,
    cusum_arl,
    cusum_chart,
    ewma_chart,
    imr_chart,
    spc_report,
    xbar_r_chart,
)

# Montgomery, Introduction to Statistical Quality Control (6th ed.), Appendix Table VI, n = 5.
MONTGOMERY_A2_N5, MONTGOMERY_D3_N5, MONTGOMERY_D4_N5 = 0.577, 0.0, 2.114
# Same table, n = 2: D4 = 3.267 (the moving-range chart's factor).
MONTGOMERY_D4_N2 = 3.267
# Montgomery, Table 9.2 (tabular CUSUM, k = 1/2): ARL0 = 465 and ARL(1σ) = 10.4 for h = 5;
# ARL0 = 168 and ARL(1σ) = 8.38 for h = 4.
MONTGOMERY_CUSUM_ARL = {(5.0, 0.0): 465.0, (5.0, 1.0): 10.4, (4.0, 0.0): 168.0, (4.0, 1.0): 8.38}


def test_chart_constants_match_montgomery() -> None:
    a2, d3, d4 = chart_constants(5)
    assert a2 == pytest.approx(MONTGOMERY_A2_N5, abs=1e-3)  # the table rounds to 3 decimals
    assert d3 == MONTGOMERY_D3_N5
    assert d4 == pytest.approx(MONTGOMERY_D4_N5, abs=1e-3)  # the table rounds to 3 decimals
    assert chart_constants(2)[2] == pytest.approx(
        MONTGOMERY_D4_N2, abs=1e-3
    )  # the table rounds to 3 decimals


def test_imr_limits_by_hand() -> None:
    # x = 10, 12, 11, 13, 12: mean 11.6; moving ranges 2, 1, 2, 1 → MR̄ = 1.5; σ = 1.5/d2 with d2(2) = 1.1284.
    individuals, moving_range = imr_chart([10, 12, 11, 13, 12])
    sigma = 1.5 / 1.1284
    assert individuals.center == pytest.approx(11.6)
    assert individuals.upper[0] == pytest.approx(11.6 + 3 * sigma)
    assert individuals.lower[0] == pytest.approx(11.6 - 3 * sigma)
    assert moving_range.center == pytest.approx(1.5)
    assert moving_range.upper[0] == pytest.approx(MONTGOMERY_D4_N2 * 1.5, rel=2e-4)
    assert not individuals.out_of_control.any()


def test_xbar_r_by_hand() -> None:
    # Subgroups (1,2,3) and (4,6,8): means 2 and 6, ranges 2 and 4; R̄ = 3, x̿ = 4; A2(3) = 3/(d2(3)·√3), d2(3) = 1.6926.
    xbar, r = xbar_r_chart([1, 2, 3, 4, 6, 8], 3)
    a2 = 3 / (1.6926 * np.sqrt(3))
    assert xbar.values.tolist() == [2, 6]
    assert xbar.upper[0] == pytest.approx(4 + a2 * 3)
    assert r.center == pytest.approx(3.0)


def test_ewma_limits_reach_the_asymptote() -> None:
    # Montgomery §9.2: limits μ ± Lσ √(λ/(2-λ)); λ = 0.2, L = 3 → ±1σ; the first one is Lσλ.
    chart = ewma_chart(np.zeros(200), lam=0.2, width=3.0, mean=0.0, sigma=1.0)
    assert chart.upper[0] == pytest.approx(3 * 0.2)
    assert chart.upper[-1] == pytest.approx(1.0, rel=1e-9)


def test_cusum_by_hand() -> None:
    # μ = 0, σ = 1, k = 0.5: C⁺ for 1, 1, -2 is 0.5, 1.0, 0; C⁻ is 0, 0, 1.5.
    upper, lower = cusum_chart([1.0, 1.0, -2.0], k=0.5, h=5.0, mean=0.0, sigma=1.0)
    assert upper.values.tolist() == [0.5, 1.0, 0.0]
    assert lower.values.tolist() == [0.0, 0.0, 1.5]


@pytest.mark.parametrize(("h", "shift"), list(MONTGOMERY_CUSUM_ARL))
def test_cusum_arl_matches_montgomery(h: float, shift: float) -> None:
    assert cusum_arl(0.5, h, shift) == pytest.approx(MONTGOMERY_CUSUM_ARL[(h, shift)], rel=0.01)


def test_cusum_arl_matches_siegmund() -> None:
    # Siegmund's approximation, one-sided: ARL = (e^{-2Δb} + 2Δb - 1) / (2Δ²), Δ = δ - k, b = h + 1.166.
    def siegmund(delta: float, k: float = 0.5, h: float = 5.0) -> float:
        d, b = delta - k, h + 1.166
        return (np.exp(-2 * d * b) + 2 * d * b - 1) / (2 * d**2)

    two_sided = 1 / (1 / siegmund(0.0) + 1 / siegmund(0.0))
    assert cusum_arl(0.5, 5.0, 0.0) == pytest.approx(two_sided, rel=0.02)


def test_nelson_rules_on_patterns() -> None:
    # Nine points above the centre: rule 2 fires on the ninth (index 8).
    found = run_rules([1.0] * 9, center=0.0, sigma=2.0)
    assert {"rule": 2, "description": "9 in a row on one side", "index": 8} in found
    # Six increasing points: rule 3 fires on the sixth (index 5) and not before.
    rising = run_rules([0.0, 0.1, 0.2, 0.3, 0.4, 0.5], center=0.25, sigma=10.0)
    assert [v["index"] for v in rising if v["rule"] == 3] == [5]
    # One point beyond 3σ.
    assert [v["rule"] for v in run_rules([0.0, 3.5], center=0.0, sigma=1.0)] == [1]


def test_western_electric_two_of_three() -> None:
    found = run_rules([2.5, 0.0, 2.5], center=0.0, sigma=1.0, rules="western")
    assert [(v["rule"], v["index"]) for v in found] == [(2, 2)]


def test_capability_by_hand() -> None:
    # x alternates 9, 11: mean 10, MR̄ = 2 → σ_within = 2/1.1284; limits 4 and 16.
    x = [9.0, 11.0] * 10
    cap = capability(x, 4.0, 16.0)
    sigma = 2 / 1.1284
    assert cap.cp == pytest.approx(12 / (6 * sigma))
    assert cap.cpk == pytest.approx(6 / (3 * sigma))
    overall = np.std(x, ddof=1)
    assert cap.pp == pytest.approx(12 / (6 * overall))
    assert capability(x, None, 16.0).cp is None


def test_capability_of_normal_data() -> None:
    # For i.i.d. N(10, 1) and limits 7, 13 all four indices are 1 (up to sampling error).
    x = np.random.default_rng(1).normal(10, 1, 20000)
    cap = capability(x, 7.0, 13.0)
    for value in (cap.cp, cap.cpk, cap.pp, cap.ppk):
        assert value == pytest.approx(1.0, abs=0.03)


def test_bad_input() -> None:
    with pytest.raises(InputError, match="lower < upper"):
        capability([1.0, 2.0, 3.0], 5.0, 1.0)
    with pytest.raises(InputError, match="subgroup size"):
        xbar_r_chart([1.0] * 40, 12)
    with pytest.raises(InputError, match="missing or infinite"):
        imr_chart([1.0, np.nan])
    with pytest.raises(InputError, match="constant"):
        spc_report([2.0] * 10, "x")


def test_report_to_dict() -> None:
    report = spc_report(np.random.default_rng(0).normal(size=50), "x", (-3.0, 3.0)).to_dict()
    assert [c["name"] for c in report["charts"]] == ["I", "MR", "EWMA", "CUSUM+", "CUSUM-"]
    assert report["capability"]["lower"] == -3.0
