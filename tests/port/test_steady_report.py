"""Steady-state intervals stay inside the KPI's bounds, and a run too short for one gives none and says why."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import expit, logit

from gwangyang.port.result import KPI_UNITS, kpi_bounds
from gwangyang.port.simulation import simulate
from gwangyang.port.steady import batch_means
from gwangyang.port.steady_report import (
    CORRELATED,
    FEW_BATCHES,
    NO_VARIATION,
    SHORT_RUN,
    unreliable,
    within,
)
from gwangyang.port.terminal import load_scenario


def test_a_three_day_run_gives_no_interval_and_says_why() -> None:
    # The run: 3 days printed a berth occupancy of 0.157 [-0.41, 0.72] (two daily batches, one
    # degree of freedom). Now: the mean without an interval, and a warning naming the KPI.
    run = simulate(load_scenario("gwangyang-today"), days=3, seed=4)
    occupancy = run.steady_state["berth_occupancy"]
    assert occupancy.mean == pytest.approx(0.157, abs=5e-4)
    assert math.isnan(occupancy.ci_low) and math.isnan(occupancy.ci_high)
    assert occupancy.no_interval == FEW_BATCHES and occupancy.batches == 2
    # the land side's batches must span four dwells (12 days): 3 days hold none
    assert run.steady_state["yard_fill_mean"].no_interval == SHORT_RUN
    assert all(s.no_interval for s in run.steady_state.values())
    few = [w for w in run.warnings if "fewer than 5 batches" in w]
    assert len(few) == 1 and "berth_occupancy" in few[0] and few[0].endswith("run at least 10 days")
    short = [w for w in run.warnings if "correlation time (12 days)" in w]
    assert len(short) == 1 and "yard_fill_mean" in short[0] and short[0].endswith("run at least 24 days")
    document = run.to_dict(include_vessels=False)
    assert document["steady_state"]["berth_occupancy"]["no_interval"] == FEW_BATCHES
    text = run.summary()
    assert "berth_occupancy" in text and "(no interval)" in text and "nan" not in text


def test_every_interval_of_a_run_lies_in_its_kpis_bounds_and_holds_its_mean() -> None:
    # 12 days: the daily KPIs get 6 batches, an interval each; every interval is inside [0, 1] for the
    # shares and [0, inf) for the others, around the mean.
    run = simulate(load_scenario("gwangyang-automated"), days=12, seed=0)
    given = {k: s for k, s in run.steady_state.items() if s.no_interval is None}
    assert {"berth_occupancy", "vehicle_utilization", "charging_share", "energy_kwh"} <= set(given)
    for name, s in given.items():
        low, high = kpi_bounds(name)
        assert low <= s.ci_low <= s.mean <= s.ci_high <= high, name
    assert {n for n in KPI_UNITS if kpi_bounds(n) == (0.0, 1.0)} == {
        n for n, unit in KPI_UNITS.items() if unit == "fraction"
    }


def test_within_is_the_delta_method_on_the_logit_and_log_scales() -> None:
    # A share 0.2 with half-width 0.01: on the logit scale the half-width is 0.01 / (0.2 * 0.8) = 0.0625
    # (d logit / dx = 1 / (x (1 - x))), around logit(0.2).
    low, high = within(0.2, 0.19, 0.21, (0.0, 1.0))
    assert (low, high) == pytest.approx((expit(logit(0.2) - 0.0625), expit(logit(0.2) + 0.0625)), rel=1e-12)
    assert high - low == pytest.approx(0.02, rel=2e-3)  # to first order the symmetric interval
    # The interval, 0.157 [-0.41, 0.72], carried to the logit scale: inside (0, 1), around 0.157.
    low, high = within(0.157, -0.4095, 0.7236, (0.0, 1.0))
    assert 0.0 < low < 0.157 < high < 1.0
    assert (logit(low) + logit(high)) / 2 == pytest.approx(logit(0.157), rel=1e-12)
    # A positive KPI on the log scale: mean 2, half-width 1 -> 2 exp(-+1/2).
    assert within(2.0, 1.0, 3.0, (0.0, math.inf)) == pytest.approx((2 * math.exp(-0.5), 2 * math.exp(0.5)))
    # A share 0 throughout: the interval of zero width stays [0, 0]; no bounds: unchanged.
    assert within(0.0, 0.0, 0.0, (0.0, 1.0)) == (0.0, 0.0)
    assert within(-1.0, -3.0, 1.0) == (-3.0, 1.0)


def test_too_few_or_correlated_batches_give_no_interval() -> None:
    rng = np.random.default_rng(0)
    noise = rng.normal(5.0, 1.0, 40)
    assert unreliable(batch_means(noise[:3])) == FEW_BATCHES  # 2 batches, one degree of freedom
    assert unreliable(batch_means(noise[:9])) == FEW_BATCHES  # 4 batches of 2
    assert unreliable(batch_means(noise[:10])) is None  # 5 batches of 2
    # A level shift half-way through 18 days: 9 batch means 0, 0, 0, 0, 5, 10, 10, 10, 10, lag-1
    # autocorrelation 0.75 (by hand: 150 / 200) above 2 / sqrt(9); halving would leave 4 batches.
    step = np.r_[np.zeros(9), np.full(9, 10.0)]
    estimate = batch_means(step)
    assert estimate["batches"] == 9 and estimate["lag1"] == pytest.approx(0.75)
    assert unreliable(estimate) == CORRELATED
    # The same value in every batch (no vessel waited): a zero-width interval would claim it exactly.
    assert unreliable(batch_means(np.zeros(30))) == NO_VARIATION
    assert unreliable(batch_means(np.zeros(30), min_size=12), 12) == NO_VARIATION
    # A KPI whose batches must last 12 periods: 20 periods are less than two such batches; 30 hold 2.5
    # (overlapping batch means of 12, Meketon and Schmeiser's 2.25 degrees of freedom).
    assert unreliable(batch_means(noise[:20], min_size=12), 12) == SHORT_RUN
    assert unreliable(batch_means(noise[:30], min_size=12), 12) is None


def _ar1(rng: np.random.Generator, series: int, n: int, phi: float = 0.3) -> np.ndarray:
    e = rng.normal(0.0, 1.0, (series, n + 100))
    x = np.empty_like(e)
    x[:, 0] = e[:, 0] / math.sqrt(1 - phi**2)
    for t in range(1, n + 100):
        x[:, t] = phi * x[:, t - 1] + e[:, t]
    return x[:, 100:]


def test_bounded_intervals_cover_a_skewed_share_better_than_symmetric_ones() -> None:
    # Monte Carlo over 2,000 series of 20 days of a share near 0, expit(-3.5 + 1.2 z) with z a
    # stationary AR(1) (phi 0.3): its mean (0.0544) from 200,000 days, independent of the estimator.
    # Symmetric intervals fall below 0 and cover less; the logit ones stay in [0, 1] and cover more
    # (measured 0.829 and 0.864 at this seed; nominal 0.95, 10 batches of a skewed quantity).
    rng = np.random.default_rng(0)
    share = lambda z: expit(-3.5 + 1.2 * z)  # noqa: E731
    truth = float(share(_ar1(rng, 1, 200_000)).mean())
    symmetric = bounded = 0
    for x in share(_ar1(rng, 2000, 20)):
        est = batch_means(x)
        low, high = within(est["mean"], est["ci_low"], est["ci_high"], (0.0, 1.0))
        assert 0.0 <= low <= est["mean"] <= high <= 1.0
        symmetric += est["ci_low"] <= truth <= est["ci_high"]
        bounded += low <= truth <= high
    assert truth == pytest.approx(0.0544, abs=0.001)
    assert bounded / 2000 >= symmetric / 2000 + 0.02
    assert 0.83 <= bounded / 2000 <= 0.97


def test_replication_intervals_of_shares_stay_in_bounds() -> None:
    # Three replications of a share near 0 (0.01, 0.02, 0.15): the t interval 0.06 +- 4.303 x 0.0781 / sqrt(3)
    # = [-0.134, 0.254] reaches below 0; the summary's lies in [0, 1] around the mean, with the same
    # logit centre. A positive KPI's likewise stays above 0.
    import pandas as pd

    from gwangyang.port.compare import summarize

    table = pd.DataFrame({"berth_occupancy": [0.01, 0.02, 0.15], "mean_wait_h": [0.0, 0.1, 2.0]})
    summary = summarize(table)
    share = summary["berth_occupancy"]
    assert share["mean"] == pytest.approx(0.06)
    assert 0.0 < share["ci_low"] < 0.06 < share["ci_high"] < 1.0
    assert (logit(share["ci_low"]) + logit(share["ci_high"])) / 2 == pytest.approx(logit(0.06))
    wait = summary["mean_wait_h"]
    assert 0.0 < wait["ci_low"] < wait["mean"] < wait["ci_high"]
