"""Speed of the terminal simulation, and its accuracy against the analytic M/M/c peer.

1. Wall time and events per second of one simulated year of each shipped scenario (goal: under 30 s
   on one core), and how wall time grows with vessel calls (traffic scaled x1, x2, x4 on gwangyang-today;
   at x4 the terminal is near saturation, so waiting grows too).
2. The same simulator in the M/M/c limiting case beside the Erlang-C formula (the analytic peer, on the
   same input: Poisson arrivals, exponential service, c berths): simulated and exact mean wait and ratio.
3. AGV dispatch on gwangyang-automated (move-level model, gwangyang.port.agv): the look-ahead
   assignment (ours) against nearest idle vehicle (the peer) with common random numbers, moves/hour per
   crane, the paired difference with its 95 % interval and the ratio; and the fleet-size curve.

Run: .venv/bin/python benchmarks/port_simulation.py [--quick] [--only agv]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.port.conftest import mmc_dict

from gwangyang.port.simulation import simulate
from gwangyang.port.terminal import Scenario, load_scenario

GOAL_S = 30.0
"""Issue 5's goal: one simulated year of a shipped scenario in under 30 s on one core."""


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    a = lam / mu
    head = sum(a**k / math.factorial(k) for k in range(c))
    tail = a**c / math.factorial(c) / (1 - a / c)
    return tail / (head + tail) / (c * mu - lam)


def scaled(scenario: Scenario, factor: float) -> Scenario:
    services = tuple(
        dataclasses.replace(s, calls_per_week=s.calls_per_week * factor) for s in scenario.arrivals.services
    )
    return dataclasses.replace(scenario, arrivals=dataclasses.replace(scenario.arrivals, services=services))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="90 days instead of a year; fewer M/M/c cases")
    parser.add_argument("--only", choices=["agv"], help="run only part 3 (AGV dispatch)")
    args = parser.parse_args()
    if args.only == "agv":
        agv_dispatch(args.quick)
        return
    days = 90 if args.quick else 365
    print(f"1. one run of {days} days per scenario (seed 0); year/goal = wall time of a year / {GOAL_S:g} s")
    print(
        f"{'scenario':28s} {'calls':>7s} {'events':>9s} {'wall s':>8s} {'events/s':>10s} {'TEU/yr':>11s} {'wait h':>7s}"
        f" {'year/goal':>9s}"
    )
    today = load_scenario("gwangyang-today")
    cases = [("gwangyang-today", today), ("gwangyang-automated", load_scenario("gwangyang-automated"))]
    cases += [(f"gwangyang-today x{f}", scaled(today, f)) for f in (2, 4)]
    for name, scenario in cases:
        t0 = time.perf_counter()
        result = simulate(scenario, days=days, seed=0)
        wall = time.perf_counter() - t0
        k = result.kpis
        print(
            f"{name:28s} {k['vessel_calls']:7.0f} {result.events:9d} {wall:8.2f} {result.events / wall:10.0f} "
            f"{k['teu_per_year']:11.0f} {k['mean_wait_h']:7.2f} {wall / GOAL_S * 365 / days:9.3f}"
        )
    seeds = 1 if args.quick else 3
    print(
        f"\n2. M/M/c: simulated mean wait (mean of {seeds} seeds) vs Erlang C (service 10 h; 4,000 days, 100 warm-up)"
    )
    print(f"{'c':>3s} {'rho':>5s} {'simulated h':>12s} {'Erlang C h':>11s} {'ratio':>7s} {'wall s':>7s}")
    grid = [(1, 0.7), (3, 0.7)] if args.quick else [(1, 0.5), (1, 0.7), (3, 0.7), (3, 0.85), (5, 0.8)]
    for c, rho in grid:
        lam = rho * c * 0.1
        t0 = time.perf_counter()
        waits = [
            simulate(
                Scenario.from_dict(mmc_dict(c=c, lam_per_h=lam)), days=4000, seed=seed, warmup_days=100
            ).kpis["mean_wait_h"]
            for seed in range(1, seeds + 1)
        ]
        wall = (time.perf_counter() - t0) / seeds
        exact = erlang_c_wait(lam, 0.1, c)
        sim = sum(waits) / seeds
        print(f"{c:3d} {rho:5.2f} {sim:12.3f} {exact:11.3f} {sim / exact:7.3f} {wall:7.2f}")
    agv_dispatch(args.quick)


def agv_dispatch(quick: bool) -> None:
    from gwangyang.port.agv_plan import plan_from_scenario
    from gwangyang.port.fleet_compare import compare_fleets

    reps, hours = (4, 4.0) if quick else (10, 8.0)
    plan = plan_from_scenario(load_scenario("gwangyang-automated"))
    fleets = [22, 33, plan.agvs]
    print(
        f"\n3. AGV dispatch, gwangyang-automated ({plan.cranes} cranes at {plan.qc_moves_per_hour:g} moves/h): "
        f"{reps} paired replications x {hours:g} h (+1 h warm-up); moves/h per crane, 95 % intervals"
    )
    t0 = time.perf_counter()
    doc = compare_fleets(plan, ["nearest", "lookahead"], fleets, reps, hours)
    wall = time.perf_counter() - t0
    runs = {(r["dispatch"], r["agvs"]): r["kpis"] for r in doc["runs"]}
    print(
        f"{'AGVs':>5s} {'nearest (peer)':>15s} {'lookahead (ours)':>17s} {'ratio':>6s} {'diff [95 % CI]':>24s}"
        f" {'veh. util n/l':>14s} {'empty n/l':>10s} {'charging n/l':>13s}"
    )
    for d in doc["differences"]:
        n = d["agvs"]
        a, b = runs[("nearest", n)], runs[("lookahead", n)]
        m = d["kpis"]["moves_per_hour_per_crane"]
        pa, pb = a["moves_per_hour_per_crane"]["mean"], b["moves_per_hour_per_crane"]["mean"]
        print(
            f"{n:5d} {pa:15.3f} {pb:17.3f} {pb / pa:6.3f} {m['mean']:+8.3f} {_interval(m, '+.3f')}"
            f" {a['vehicle_utilization']['mean']:6.3f}/{b['vehicle_utilization']['mean']:.3f}"
            f" {a['empty_travel_share']['mean']:.3f}/{b['empty_travel_share']['mean']:.3f}"
            f" {a['charging_share']['mean']:6.3f}/{b['charging_share']['mean']:.3f}"
        )
    print(f"({wall:.0f} s)")
    sizes = [11, 22, 33, 44, 55, 66]
    curve = compare_fleets(plan, ["lookahead"], sizes, max(2, reps // 2), hours)["fleet_curve"]["lookahead"]
    print("fleet-size curve (lookahead): AGVs -> moves/h per crane [95 % CI]")
    for point in curve:
        print(f"  {point['agvs']:3d} {point['mean']:7.2f} {_interval(point, '.2f')}")


def _interval(value: dict[str, Any], spec: str) -> str:
    """``[low, high]`` of a KPI's interval, or ``(no interval)`` where the document gives none (NaN or null)."""
    low, high = value.get("ci_low"), value.get("ci_high")
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return "(no interval)"
    return f"[{low:{spec}}, {high:{spec}}]"


if __name__ == "__main__":
    main()
