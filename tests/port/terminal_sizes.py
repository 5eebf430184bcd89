"""A generated terminal of another size, manual and automated, for the planner-input tests.

Five 320 m berths with two quay cranes each (Gwangyang has 12 berths and up to 3 cranes a berth),
one Poisson service of 14 calls a week of 1,600 TEU (CV 0.5) on at most 2 cranes; manual: cranes at
26 moves/h, 50 trucks in gangs of 5; automated: cranes at 30 moves/h, 30 lift-AGVs of the move-level
model. Trucks and yard cranes are sized so that they never hold the manual cranes up.
"""

from __future__ import annotations

from typing import Any

MANUAL_RATE = 26.0
AUTOMATED_RATE = 30.0
BERTHS = 5
CRANES_PER_BERTH = 2
CALLS_PER_WEEK = 14.0
TEU_PER_CALL = 1600.0
TRUCKS = 50
TRUCK_CYCLE_H = 2 * 0.5 / 25.0 + 1.5 / 60
"""One truck's round trip for one move: 2 x 500 m at 25 km/h plus 1.5 min handling (0.065 h)."""


def terminal(automated: bool) -> dict[str, Any]:
    """The scenario as a dict (``Scenario.from_dict``)."""
    names = [f"신항-{i + 1}" for i in range(BERTHS)]
    pool = "AGV" if automated else "트럭"
    d: dict[str, Any] = {
        "name": "신항 자동화" if automated else "신항 수동",
        "policies": {"berth": "fcfs", "cranes": "max_per_vessel", "dispatch": "fifo"},
        "berths": [{"name": n, "length_m": 320.0, "transport": pool, "yard": "야드"} for n in names],
        "cranes": [
            {
                "berth": n,
                "count": CRANES_PER_BERTH,
                "kind": "automated" if automated else "manual",
                "moves_per_hour": AUTOMATED_RATE if automated else MANUAL_RATE,
                "cycle_cv": 0.15 if automated else 0.3,
            }
            for n in names
        ],
        "transport": [
            {
                "name": pool,
                "kind": "lift-agv",
                "count": 30,
                "per_crane": 3,
                "speed_kmh": 18.0,
                "distance_m": 400.0,
                "handling_min": 1.0,
                "kwh_per_km": 1.5,
            }
            if automated
            else {
                "name": pool,
                "kind": "truck",
                "count": TRUCKS,
                "per_crane": 5,
                "speed_kmh": 25.0,
                "distance_m": 500.0,
                "handling_min": 1.5,
                "diesel_l_per_km": 0.4,
            }
        ],
        "yards": [{"name": "야드", "blocks": 10, "cranes": 20, "per_crane": 2, "moves_per_hour": 20.0}],
        "arrivals": {
            "process": "poisson",
            "services": [
                {
                    "name": "근해",
                    "calls_per_week": CALLS_PER_WEEK,
                    "teu_per_call": TEU_PER_CALL,
                    "teu_cv": 0.5,
                    "length_m": 300.0,
                    "max_cranes": 2,
                }
            ],
        },
    }
    if automated:
        d["automation"] = {
            "transport": pool,
            "horizontal_transport": "agv",
            "dispatch": "lookahead",
            "fleet_hours": 1.0,
        }
    return d
