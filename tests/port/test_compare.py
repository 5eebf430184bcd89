from __future__ import annotations

import numpy as np
import pytest

from gwangyang.errors import InputError
from gwangyang.port.compare import compare, replicate, summarize
from gwangyang.port.steady import confidence_interval
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
