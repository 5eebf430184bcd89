"""The automated terminal's AGVs: lane graph, crane rates, closed-form cycle, dispatch, batteries."""

from __future__ import annotations

import dataclasses
import json
from itertools import pairwise

import numpy as np
import pytest

from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.port.agv import simulate_fleet
from gwangyang.port.agv_plan import FleetPlan, plan_from_scenario
from gwangyang.port.fleet_compare import compare_fleets, cycle_time_estimate
from gwangyang.port.lanes import build_layout
from gwangyang.port.operations import Automation
from gwangyang.port.terminal import load_scenario
from gwangyang.port.timelapse import timelapse


@pytest.fixture(scope="module")
def automated() -> FleetPlan:
    return plan_from_scenario(load_scenario("gwangyang-automated"))


def _no_battery(plan: FleetPlan, discharge_share: float | None = None) -> FleetPlan:
    share = plan.settings.discharge_share if discharge_share is None else discharge_share
    settings = dataclasses.replace(plan.settings, battery_kwh=0.0, discharge_share=share)
    return dataclasses.replace(plan, settings=settings)


def test_plan_comes_from_the_phase_3_2_facts(automated: FleetPlan) -> None:
    # gwangyang-facts.md: 11 automated quay cranes, 44 lift-AGVs, 32 ARMGs (16 blocks of 2) on 4 berths.
    assert (automated.cranes, automated.agvs, automated.blocks) == (11, 44, 16)
    assert automated.quay_length_m == 1400.0


def test_layout_by_hand() -> None:
    s = Automation(quay_lane_m=30.0, yard_depth_m=120.0, block_m=20.0, gap_m=25.0)
    one = build_layout(1, 1, 100.0, s)
    # Crane and block both at x = 50: 30 m to the quay lane, 120 m across, 20 m into the block.
    assert one.distance[one.quay[0], one.blocks[0]] == pytest.approx(170.0)
    two = build_layout(2, 2, 200.0, s)
    # Crane 0 at x = 50, block 1 at x = 150: 30 + 100 along the quay lane + 120 + 20 = 270 m.
    assert two.distance[two.quay[0], two.blocks[1]] == pytest.approx(270.0)
    route = two.path(two.quay[0], two.blocks[1])
    assert route[0] == two.quay[0] and route[-1] == two.blocks[1]
    lengths = {(u, v): length for u, v, length, _ in two.edges} | {
        (v, u): length for u, v, length, _ in two.edges
    }
    assert sum(lengths[(u, v)] for u, v in pairwise(route)) == pytest.approx(270.0)
    # A 120 m cross lane holds 120 // 25 = 4 AGVs; the lanes meet at crossings.
    assert {cap for u, v, length, cap in two.edges if length == 120.0} == {4}
    assert len(two.crossings) >= 2
    assert json.loads(json.dumps(two.to_dict()))["segments"]


def test_unlimited_agvs_let_the_cranes_reach_their_own_rate(automated: FleetPlan) -> None:
    plan = dataclasses.replace(_no_battery(automated), agvs=8 * automated.cranes)
    k = simulate_fleet(plan, hours=4.0, seed=0).kpis
    # The cranes' own rate: 60 / mean cycle = 24 moves/h; gamma cycle times, CV 0.15, about 1,000 moves.
    assert k["moves_per_hour_per_crane"] == pytest.approx(automated.qc_moves_per_hour, rel=0.02)
    assert k["qc_idle_share"] < 0.01


def test_one_agv_per_crane_matches_the_closed_form_cycle(automated: FleetPlan) -> None:
    plan = dataclasses.replace(
        _no_battery(automated, discharge_share=1.0),
        agvs=automated.cranes,
        dispatch="earliest_due",
        qc_cycle_cv=0.0,
    )
    expected = cycle_time_estimate(plan)
    # 2 d / v + transfers with d the mean crane-block route: about 11.5 moves/h, under the crane's 24.
    assert expected < automated.qc_moves_per_hour / 2
    measured = np.mean(
        [simulate_fleet(plan, hours=4.0, seed=s).kpis["moves_per_hour_per_crane"] for s in (0, 1)]
    )
    assert measured == pytest.approx(expected, rel=0.10)


def test_same_seed_same_work_for_every_policy(automated: FleetPlan) -> None:
    # With AGVs to spare each job is dispatched alone, so nearest and earliest-due do the same:
    # identical numbers show the jobs (common random numbers) are the same for both.
    big = dataclasses.replace(_no_battery(automated), agvs=88)
    a = simulate_fleet(dataclasses.replace(big, dispatch="nearest"), hours=1.0, seed=3).kpis
    b = simulate_fleet(dataclasses.replace(big, dispatch="earliest_due"), hours=1.0, seed=3).kpis
    assert a == b


def test_lookahead_beats_nearest_when_agvs_are_scarce(automated: FleetPlan) -> None:
    doc = compare_fleets(automated, ["nearest", "lookahead"], [22], replications=3, hours=2.0)
    diff = doc["differences"][0]["kpis"]["moves_per_hour_per_crane"]
    assert diff["mean"] > 0.5
    curve = doc["fleet_curve"]
    assert [p["agvs"] for p in curve["lookahead"]] == [22]


def test_battery_swaps_take_the_time_the_energy_needs(automated: FleetPlan) -> None:
    # Small batteries swapped in 5 min: each swap replaces about (1 - 0.2) x 10 kWh, so the swap time
    # follows from the energy driven (independent of the model's bookkeeping of stations).
    settings = dataclasses.replace(automated.settings, battery_kwh=10.0, swap_min=5.0, charge_below=0.2)
    plan = dataclasses.replace(automated, settings=settings)
    hours = 4.0
    k = simulate_fleet(plan, hours=hours, seed=0).kpis
    moves = k["moves_per_hour_per_crane"] * plan.cranes * hours
    swaps = k["kwh_per_move"] * moves / ((1 - settings.charge_below) * settings.battery_kwh)
    swap_share = swaps * settings.swap_min / (plan.agvs * hours * 60)
    # The charging share adds the drive to the station (and any queue) to the swaps themselves.
    assert swap_share * 0.85 <= k["charging_share"] <= swap_share * 2.0


def test_bad_input(automated: FleetPlan) -> None:
    with pytest.raises(InputError, match="dispatch"):
        dataclasses.replace(automated, dispatch="random")
    with pytest.raises(InputError, match="policies"):
        compare_fleets(automated, ["fastest"], [11], replications=1, hours=1.0)
    with pytest.raises(InputError, match="agv or lift-agv"):
        plan_from_scenario(load_scenario("gwangyang-today"))
    with pytest.raises(InputError, match="discharge_share"):
        Automation(discharge_share=1.5)


def test_cli_compares_policies_and_fleets(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "port",
            "compare",
            "gwangyang-automated",
            "--policies",
            "nearest,lookahead",
            "--fleet",
            "11,22",
            "--replications",
            "2",
            "--hours",
            "0.5",
            "--json",
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    doc = json.loads(out.out)
    assert {(r["dispatch"], r["agvs"]) for r in doc["runs"]} == {
        ("nearest", 11),
        ("nearest", 22),
        ("lookahead", 11),
        ("lookahead", 22),
    }
    assert [p["agvs"] for p in doc["fleet_curve"]["lookahead"]] == [11, 22]
    assert set(doc["runs"][0]["kpis"]) >= {
        "moves_per_hour_per_crane",
        "qc_idle_share",
        "vehicle_utilization",
        "empty_travel_share",
        "charging_share",
    }
    assert main(["port", "compare", "gwangyang-today", "--fleet", "3"]) == 2


def test_timelapse_keeps_every_agv_on_a_lane_at_its_speed(automated: FleetPlan) -> None:
    lapse = timelapse(automated, minutes=5.0, seed=0, step_s=15.0)
    frames = lapse["frames"]
    assert len(frames) == 5 * 60 // 15 + 1 and frames[0]["minute"] == 0.0
    nodes = lapse["layout"]["nodes"]
    segments = [
        (
            np.array([nodes[s["from"]]["x"], nodes[s["from"]]["y"]]),
            np.array([nodes[s["to"]]["x"], nodes[s["to"]]["y"]]),
        )
        for s in lapse["layout"]["segments"]
    ]

    def off_lane(p: np.ndarray) -> float:
        # Distance from p to the nearest segment (projection clipped to the segment).
        best = np.inf
        for a, b in segments:
            t = float(np.clip(np.dot(p - a, b - a) / max(np.dot(b - a, b - a), 1e-12), 0.0, 1.0))
            best = min(best, float(np.linalg.norm(p - (a + t * (b - a)))))
        return best

    step_m = automated.speed_kmh * 1000.0 / 3600.0 * 15.0  # 18 km/h: 75 m in 15 s
    moved = 0.0
    for before, after in pairwise(frames):
        for k in range(automated.agvs):
            p = np.array([after["x"][k], after["y"][k]])
            q = np.array([before["x"][k], before["y"][k]])
            assert off_lane(p) < 0.2  # positions rounded to 0.1 m
            # Along lanes a straight line is never longer than the route driven in the step.
            assert np.linalg.norm(p - q) <= step_m + 0.2
            moved += float(np.linalg.norm(p - q))
        assert set(after["waiting"]) <= set(range(automated.cranes))
    assert moved > 0 and len(lapse["quay"]) == automated.cranes
