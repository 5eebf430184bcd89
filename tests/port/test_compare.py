from __future__ import annotations

import numpy as np
import pytest

from gwangyang.errors import InputError
from gwangyang.port.compare import FEW_REPLICATIONS, compare, difference_interval, replicate, summarize
from gwangyang.port.result import kpi_bounds
from gwangyang.port.steady import confidence_interval
from gwangyang.port.steady_report import NO_VARIATION
from gwangyang.port.terminal import Scenario, load_scenario

from .conftest import mmc_dict


def test_confidence_interval_by_hand() -> None:
    # 1..5: mean 3, s = 1.5811, t(0.975, 4) = 2.7764 (tables) -> half width 2.7764 x 1.5811 / sqrt(5) = 1.9632.
    mean, low, high = confidence_interval(np.array([1.0, 2, 3, 4, 5]))
    assert mean == 3.0
    assert high - mean == pytest.approx(1.9632, abs=1e-4)
    assert mean - low == pytest.approx(1.9632, abs=1e-4)


def test_interval_covers_erlang_c() -> None:
    # M/M/1 with rho = 0.5 and 10 h service: Wq = rho / (mu - lam) = 0.5 / 0.05 = 10 h.
    scenario = Scenario.from_dict(mmc_dict(c=1, lam_per_h=0.05))
    table = replicate(scenario, days=800, replications=6, seed=10, warmup_days=20)
    ci = summarize(table)["mean_wait_h"]
    assert ci["ci_low"] <= 10.0 <= ci["ci_high"]


def test_a_scenario_against_itself_differs_by_zero() -> None:
    today = load_scenario("gwangyang-today")
    result = compare(today, today, days=5, replications=2)
    diff = result.differences().set_index("kpi")
    assert (diff["diff_mean"] == 0).all()
    document = result.to_dict()
    assert set(document["kpis"]) >= {"mean_wait_h", "teu", "co2_t"}


def test_automated_adds_berths_and_cuts_fuel() -> None:
    # Same traffic, 4 more berths: occupancy falls; part of the traffic moves to electric AGVs and ARMGs,
    # so diesel CO2 falls.
    result = compare(
        load_scenario("gwangyang-today"), load_scenario("gwangyang-automated"), days=14, replications=2
    )
    diff = result.differences().set_index("kpi")
    assert diff.loc["teu", "diff_mean"] == 0  # common random numbers: the same calls
    assert diff.loc["berth_occupancy", "diff_ci_high"] < 0
    assert diff.loc["co2_t", "diff_ci_high"] < 0


def test_bad_replications() -> None:
    with pytest.raises(InputError, match="replications"):
        replicate(Scenario.from_dict(mmc_dict()), days=1, replications=0)


def test_difference_interval_keeps_b_inside_its_bounds() -> None:
    # Reproduced: 2 days x 2 replications, seed 2, printed yard_rehandles_per_move's B - A as
    # 0.171 [-0.116, 0.457] while A's mean is 0.0087, so B's mean would be below 0 at the low end.
    result = compare(
        load_scenario("gwangyang-today"), load_scenario("gwangyang-automated"), days=2, replications=2, seed=2
    )
    diff = result.differences().set_index("kpi")
    row = diff.loc["yard_rehandles_per_move"]
    a = result.table_a["yard_rehandles_per_move"].to_numpy(float)
    b = result.table_b["yard_rehandles_per_move"].to_numpy(float)
    _, low, high = confidence_interval(b - a)
    assert low < -a.mean()  # the paired-t interval leaves what a difference can be
    # delta method on B's log scale, A held at its mean: B in b_mean * exp(-+ half / b_mean)
    half = (high - low) / 2
    assert row["diff_ci_low"] == pytest.approx(b.mean() * np.exp(-half / b.mean()) - a.mean(), rel=1e-12)
    assert row["diff_ci_high"] == pytest.approx(b.mean() * np.exp(half / b.mean()) - a.mean(), rel=1e-12)
    assert row["diff_ci_low"] > -a.mean() and row["no_interval"] is None
    for kpi, r in diff.iterrows():
        lo, hi = kpi_bounds(str(kpi))
        if r["no_interval"] is None:
            assert (
                lo - r["a_mean"]
                <= r["diff_ci_low"]
                <= r["diff_mean"]
                <= r["diff_ci_high"]
                <= hi - r["a_mean"]
            )
        else:
            assert np.isnan(r["diff_ci_low"]) and np.isnan(r["diff_ci_high"])


def test_no_difference_interval_without_a_variance() -> None:
    # A has no AGVs: its charging share is 0 in every replication, so the run holds no estimate of A's
    # variation and B - A gets no interval; no vessel waited in either, nor does mean_wait_h's.
    result = compare(
        load_scenario("gwangyang-today"), load_scenario("gwangyang-automated"), days=2, replications=2, seed=2
    )
    diff = result.differences().set_index("kpi")
    assert diff.loc["charging_share", "no_interval"] == NO_VARIATION
    assert diff.loc["charging_share", "diff_mean"] == pytest.approx(diff.loc["charging_share", "b_mean"])
    assert diff.loc["mean_wait_h", "no_interval"] == NO_VARIATION
    warnings = result.to_dict()["warnings"]
    assert any(
        "charging_share" in w and "every replication of gwangyang-today," in w and "mean_wait_h" not in w
        for w in warnings
    )
    assert any("mean_wait_h" in w and "gwangyang-today and gwangyang-automated" in w for w in warnings)
    # one replication: no variance at all
    single = compare(
        load_scenario("gwangyang-today"), load_scenario("gwangyang-automated"), days=2, replications=1
    )
    one = single.differences()
    assert (one["no_interval"] == FEW_REPLICATIONS).all() and one["diff_ci_low"].isna().all()
    assert single.warnings()[0].startswith("no interval for the differences of vessel_calls, teu,")
    assert "run at least 2 replications" in single.warnings()[0]


def test_difference_interval_by_hand() -> None:
    # shares: B = A + D must stay in [0, 1]; logit of B around b_mean with the paired half-width
    a = np.array([0.10, 0.12, 0.11])
    b = np.array([0.02, 0.05, 0.01])
    mean, low, high, reason = difference_interval(a, b, 0.95, (0.0, 1.0))
    d = b - a
    half = 4.302653 * d.std(ddof=1) / np.sqrt(3)  # t(0.975, 2)
    bm = b.mean()
    centre, step = np.log(bm / (1 - bm)), half * (1 / bm + 1 / (1 - bm))
    expit = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    assert reason is None and mean == pytest.approx(d.mean())
    assert low == pytest.approx(expit(centre - step) - a.mean(), abs=1e-7)
    assert high == pytest.approx(expit(centre + step) - a.mean(), abs=1e-7)
    assert low > -a.mean()  # B's mean stays >= 0, where the paired-t low end (-0.121) put it below
    assert mean - half < -a.mean()
