"""The AGV dispatch model inside the vessel twin (``automation.horizontal_transport = "agv"``)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from gwangyang.errors import InputError
from gwangyang.port.agv_plan import plan_from_scenario
from gwangyang.port.fleet_compare import cycle_time_estimate
from gwangyang.port.fleet_rates import crane_counts, fleet_rates
from gwangyang.port.operations import Automation
from gwangyang.port.simulation import simulate
from gwangyang.port.terminal import Scenario, load_scenario


def _one_berth(agvs: int, cranes: int = 2, **automation: Any) -> Scenario:
    """One Phase 3-2 berth whose ``cranes`` always work together (one vessel at a time, equal shares,
    deterministic crane cycles), served by ``agvs`` lift-AGVs without batteries; no weather, no
    yard-crane or yard-space limit, so the vehicles are the only thing that holds the cranes up."""
    d = load_scenario("gwangyang-automated").to_dict()
    d["name"] = "one-berth"
    d["berths"] = [b for b in d["berths"] if b["name"] == "P32-1"]
    d["cranes"] = [
        dict(c, count=cranes, cycle_cv=0.0, mtbf_h=0.0) for c in d["cranes"] if c["berth"] == "P32-1"
    ]
    d["transport"] = [dict(t, count=agvs) for t in d["transport"] if t["name"] == "P32-lift-AGVs"]
    d["yards"] = [dict(y, cranes=0, ground_slots=0) for y in d["yards"] if y["name"] == "P32-ARMG"]
    d["arrivals"] = {
        "process": "scheduled",
        "services": [
            {
                "name": "shuttle",
                "calls_per_week": 7.0,
                "teu_per_call": 800.0,
                "teu_cv": 0.0,
                "length_m": 300.0,
                "eta_noise_h": 0.0,
                "max_cranes": cranes,
                "berths": ["P32-1"],
            }
        ],
    }
    d["weather"] = {"downtime_fraction": 0.0}
    d["automation"] = dict(d["automation"], battery_kwh=0.0, **automation)
    d.pop("base_dir", None)
    return Scenario.from_dict(d)


def _crane_rate(scenario: Scenario, days: float = 7.0) -> tuple[float, float]:
    """Moves per hour per crane with the vehicles (crane time working plus waiting) and the wait share."""
    k = simulate(scenario, days=days, seed=0).kpis
    return k["qc_net_moves_per_hour"] * (1.0 - k["qc_vehicle_wait_share"]), k["qc_vehicle_wait_share"]


def test_unlimited_agvs_let_the_cranes_reach_their_own_rate() -> None:
    scenario = _one_berth(agvs=16, dispatch="nearest")
    rate, wait = _crane_rate(scenario)
    own = scenario.cranes[0].moves_per_hour
    assert wait < 0.02
    assert rate == pytest.approx(own, rel=0.02)


def test_one_agv_per_crane_matches_the_closed_form_cycle() -> None:
    # Every move a discharge, jobs in due order: an AGV's cycle is 2 d / v + both transfers with d the
    # mean crane-block route (closed form, agv.cycle_time_estimate); the crane waits for its AGV.
    scenario = _one_berth(agvs=2, dispatch="earliest_due", discharge_share=1.0, yard_depth_m=400.0)
    plan = plan_from_scenario(scenario, "earliest_due")
    expected = cycle_time_estimate(dataclasses.replace(plan, qc_cycle_cv=0.0))
    assert expected < scenario.cranes[0].moves_per_hour * 0.75  # the vehicles are the bottleneck
    rate, wait = _crane_rate(scenario)
    assert rate == pytest.approx(expected, rel=0.10)
    assert wait > 0.25


def test_the_automated_scenario_reports_the_fleet_kpis() -> None:
    scenario = load_scenario("gwangyang-automated")
    assert scenario.automation.horizontal_transport == "agv"
    table = fleet_rates(scenario)
    assert table.cranes == tuple(crane_counts(11)) and table.agvs == 44
    k = simulate(scenario, days=5, seed=0).kpis
    # With 44 AGVs for 11 cranes the cranes hardly wait; some driving is empty, some time charging.
    assert 0.0 < k["qc_vehicle_wait_share"] < 0.1
    assert 0.05 < k["empty_travel_share"] < 0.5
    assert 0.0 < k["charging_share"] < 0.1
    assert 0.0 < k["vehicle_utilization"] < 1.0
    # The other scenario keeps its vehicle gangs and reports zeros.
    today = simulate(load_scenario("gwangyang-today"), days=3, seed=0).kpis
    assert today["qc_vehicle_wait_share"] == today["empty_travel_share"] == today["charging_share"] == 0.0


def test_bad_settings_name_the_field() -> None:
    with pytest.raises(InputError, match="horizontal_transport"):
        Automation(horizontal_transport="drones")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="dispatch"):
        Automation(dispatch="random")
    with pytest.raises(InputError, match="fleet_hours"):
        Automation(fleet_hours=0.0)
