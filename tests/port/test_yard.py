"""The yard as a constraint: capacity from the scenario, rehandles with fill, waiting when full."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gwangyang.errors import InputError
from gwangyang.port.equipment import Yard
from gwangyang.port.simulation import simulate
from gwangyang.port.terminal import Scenario, load_scenario
from gwangyang.port.yard import rehandles_per_retrieval

from .conftest import mmc_dict


def _with_slots(scenario: Scenario, slots: int) -> Scenario:
    return replace(scenario, yards=tuple(replace(y, ground_slots=slots) for y in scenario.yards))


def test_rehandles_by_hand() -> None:
    # Stacks 5 high at 60 % fill hold 3 boxes; a box from a random height has (3 - 1) / 2 = 1 above it.
    assert rehandles_per_retrieval(0.6, 5) == pytest.approx(1.0)
    assert rehandles_per_retrieval(1.0, 5) == pytest.approx(2.0)
    assert rehandles_per_retrieval(0.1, 5) == 0.0  # fewer than one box per stack: nothing on top


def test_shipped_capacities_follow_the_storage_rule() -> None:
    # Capacity = TEU/yr x dwell / 365 x peak factor 1.3 / allowable fill 0.7 (scenario comments); the
    # Phase 3-2 design throughput 1.36 M TEU/yr is in ../shared/data/logistics/gwangyang-facts.md.
    auto = load_scenario("gwangyang-automated")
    armg = next(y for y in auto.yards if y.name == "P32-ARMG")
    expected = 1.36e6 * auto.gate.dwell_h / 24 / 365 * 1.3 / 0.7
    assert armg.capacity_teu() == pytest.approx(expected, rel=0.01)
    assert armg.blocks * 2 == armg.cranes == 32


def test_bad_yard_fields() -> None:
    with pytest.raises(InputError, match="ground_slots"):
        Yard("y", ground_slots=-1)
    with pytest.raises(InputError, match="tiers"):
        Yard("y", tiers=0)


def test_a_yard_that_never_fills_changes_nothing_on_the_quay() -> None:
    # No yard cranes, so rehandles cost nothing: a huge yard gives the same vessels as no limit.
    base = Scenario.from_dict(mmc_dict(c=2, lam_per_h=0.1))
    free = simulate(base, days=60, seed=3)
    huge = simulate(_with_slots(base, 10**7), days=60, seed=3)
    assert free.vessels.equals(huge.vessels)
    assert free.kpis["yard_fill_mean"] == 0 and 0 < huge.kpis["yard_fill_mean"] < 0.01
    assert huge.kpis["yard_blocked_qc_h"] == 0


def test_yard_fill_follows_littles_law() -> None:
    # Two routes to the same stock: the constrained yard's time-average fill x capacity, and the land
    # side's sweep of the boxes' stays (the rate of moves times the dwell, Little 1961).
    today = load_scenario("gwangyang-today")
    result = simulate(today, days=60, seed=1, warmup_days=10)
    k = result.kpis
    capacity = sum(y.capacity_teu() for y in today.yards)
    assert k["yard_fill_mean"] * capacity == pytest.approx(k["yard_mean_teu"], rel=0.05)
    assert k["yard_blocked_qc_h"] == 0 and k["yard_fill_peak"] < 0.5


def test_a_full_yard_holds_up_vessels_and_trucks() -> None:
    today = load_scenario("gwangyang-today")
    rows = []
    for slots in (400, 120, 60):
        k = simulate(_with_slots(today, slots), days=45, seed=0).kpis
        rows.append(k)
    roomy, tight, full = rows
    # Rehandles grow with the fill (0.5 rehandles per retrieval per box above 1 per stack).
    assert (
        roomy["yard_rehandles_per_move"] < tight["yard_rehandles_per_move"] < full["yard_rehandles_per_move"]
    )
    assert roomy["yard_blocked_qc_h"] == 0 and roomy["yard_export_wait_h"] == 0
    assert 0 < tight["yard_blocked_qc_h"] < full["yard_blocked_qc_h"]
    assert full["yard_export_wait_h"] > 0 and full["yard_fill_peak"] == 1.0
    assert roomy["mean_service_h"] < tight["mean_service_h"] < full["mean_service_h"]
    # Rehandles are the stacking formula at the fill the cranes met: between the formula at 0.8 x the
    # mean fill and at the peak fill, times the share of retrievals (13 loads in a batch of 25 moves).
    share = (today.chunk_moves - today.chunk_moves // 2) / today.chunk_moves
    for k in rows:
        lo = rehandles_per_retrieval(0.8 * k["yard_fill_mean"], 5) * share
        hi = rehandles_per_retrieval(k["yard_fill_peak"], 5) * share
        assert lo <= k["yard_rehandles_per_move"] <= hi + 1e-9
